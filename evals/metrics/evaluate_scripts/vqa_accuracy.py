"""idefics2-eval's vqa_accuracy scorer as a Hugging Face `evaluate` metric (see evals/metrics/hf_evaluate.py)."""

from evals.metrics.hf_evaluate import metric_for

VqaAccuracy = metric_for("vqa_accuracy")

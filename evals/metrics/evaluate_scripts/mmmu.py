"""idefics2-eval's mmmu scorer as a Hugging Face `evaluate` metric (see evals/metrics/hf_evaluate.py)."""

from evals.metrics.hf_evaluate import metric_for

Mmmu = metric_for("mmmu")

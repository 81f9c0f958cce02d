"""idefics2-eval's anls scorer as a Hugging Face `evaluate` metric (see evals/metrics/hf_evaluate.py)."""

from evals.metrics.hf_evaluate import metric_for

Anls = metric_for("anls")

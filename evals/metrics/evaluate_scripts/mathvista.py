"""idefics2-eval's mathvista scorer as a Hugging Face `evaluate` metric (see evals/metrics/hf_evaluate.py)."""

from evals.metrics.hf_evaluate import metric_for

Mathvista = metric_for("mathvista")

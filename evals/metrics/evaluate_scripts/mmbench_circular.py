"""idefics2-eval's mmbench_circular scorer as a Hugging Face `evaluate` metric (see evals/metrics/hf_evaluate.py)."""

from evals.metrics.hf_evaluate import metric_for

MmbenchCircular = metric_for("mmbench_circular")

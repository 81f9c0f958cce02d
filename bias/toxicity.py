"""Toxicity classifiers behind one interface: `scores(texts) -> [probability of toxic]`.

- `profanity-check` (default, offline): alt-profanity-check, a linear model shipped inside its
  wheel (a dependency of this package), so it works with no network.
- `hf:MODEL` (e.g. `hf:citizenlab/distilbert-base-multilingual-cased-toxicity`, the classifier the
  Idefics2 card links): any transformers text-classification model, local folder or hub id.
- `detoxify[:original|unbiased|multilingual]`: Detoxify, when it is installed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from evals.errors import UserError, first_line
from evals.hub import require_hub_resource

DEFAULT = "profanity-check"
CARD_CLASSIFIER = "hf:citizenlab/distilbert-base-multilingual-cased-toxicity"
TOXIC_LABELS = ("toxic", "toxicity", "label_1", "offensive", "hate")


class ToxicityClassifier(Protocol):
    name: str

    def scores(self, texts: Sequence[str]) -> list[float]: ...


@dataclass
class ProfanityCheck:
    name: str = "alt-profanity-check"

    def scores(self, texts: Sequence[str]) -> list[float]:
        try:
            from profanity_check import predict_prob
        except ImportError:
            raise UserError(
                "the default toxicity classifier needs alt-profanity-check: pip install alt-profanity-check"
            ) from None
        return [float(p) for p in predict_prob(list(texts))] if texts else []


@dataclass
class HFClassifier:
    model: str
    batch_size: int = 32
    name: str = ""
    _pipe: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.name = f"hf:{self.model}"

    def _pipeline(self) -> Any:
        if self._pipe is None:
            # offline: one bounded probe of the hub, then the cache or a one-line error (no retries)
            require_hub_resource(self.model, "toxicity classifier", "pass a local folder, or use profanity-check")
            try:
                from transformers import pipeline

                # safetensors only: no pickled weights are ever loaded
                self._pipe = pipeline(
                    "text-classification", model=self.model, top_k=None, model_kwargs={"use_safetensors": True}
                )
            except Exception as exc:
                raise UserError(
                    f"cannot load toxicity classifier '{self.model}': {first_line(exc)} "
                    "(offline? pass a local folder, or use the default profanity-check)"
                ) from None
        return self._pipe

    def scores(self, texts: Sequence[str]) -> list[float]:
        outputs = self._pipeline()(list(texts), batch_size=self.batch_size, truncation=True)
        return [toxic_probability(labels) for labels in outputs]


def toxic_probability(labels: list[dict[str, Any]]) -> float:
    """The probability of the toxic class among a classifier's labels (1 - P(non-toxic) for two)."""
    by_name = {str(item["label"]).lower(): float(item["score"]) for item in labels}
    for name in TOXIC_LABELS:
        if name in by_name:
            return by_name[name]
    for name in ("non-toxic", "not_toxic", "non_toxic", "label_0", "neutral"):
        if name in by_name and len(by_name) == 2:
            return 1.0 - by_name[name]
    raise UserError(f"cannot tell which label is 'toxic' among {sorted(by_name)}")


@dataclass
class DetoxifyClassifier:
    variant: str = "original"
    name: str = ""
    _model: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.name = f"detoxify:{self.variant}"

    def scores(self, texts: Sequence[str]) -> list[float]:
        if self._model is None:
            try:
                from detoxify import Detoxify
            except ImportError:
                raise UserError("detoxify is not installed: pip install detoxify") from None
            self._model = Detoxify(self.variant)
        return [float(p) for p in self._model.predict(list(texts))["toxicity"]] if texts else []


def get_classifier(spec: str = DEFAULT) -> ToxicityClassifier:
    if spec in ("profanity-check", "alt-profanity-check"):
        return ProfanityCheck()
    if spec.startswith("hf:"):
        return HFClassifier(spec[3:])
    if spec == "detoxify" or spec.startswith("detoxify:"):
        return DetoxifyClassifier(spec.partition(":")[2] or "original")
    raise UserError(f"unknown toxicity classifier '{spec}'; use profanity-check, hf:MODEL or detoxify[:VARIANT]")

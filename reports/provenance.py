"""What an audit page says it came from: the model, the data, the harness, the date.

Read from run manifests (`manifest.json`), never from the model. Each audit page (bias, red
team) opens with these rows, in HTML and Markdown, so a published report names what it audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from reports.runs import FAMILY_OF_CLASS
from reports.text import md

PUBLIC_DATASETS = {
    "fairface": "FairFace (HuggingFaceM4/FairFace 1.25)",
    "stablebias": "Stable Bias identities (yjernite/stable-bias_grounding-images_multimodel_3_12_22)",
}


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or data.get(key) in (None, ""):
            return None
        data = data[key]
    return data


def model_of(manifest: dict[str, Any]) -> dict[str, str]:
    """Name, revision, family and dtype of the model a run used (what the backend reported first,
    then what was asked); absent fields are left out, never shown as None."""
    fields = {
        "name": _get(manifest, "config", "model"),
        "revision": _get(manifest, "model", "revision") or _get(manifest, "config", "revision"),
        "family": _get(manifest, "model", "family") or FAMILY_OF_CLASS.get(str(_get(manifest, "model", "class"))),
        "dtype": _get(manifest, "model", "dtype") or _get(manifest, "config", "dtype"),
    }
    return {key: str(value) for key, value in fields.items() if value is not None}


def model_line(model: dict[str, str]) -> str:
    """'NAME (revision R, family F, dtype D)'; 'unknown' for a run without a manifest."""
    if not model.get("name"):
        return "unknown (no run manifest)"
    details = [f"{key} {model[key]}" for key in ("revision", "family", "dtype") if model.get(key)]
    return model["name"] + (f" ({', '.join(details)})" if details else "")


def data_line(dataset: str | None, split: str | None, n: int | None, unit: str = "images") -> str:
    """The data an audit used: a public set by name, or a local path marked as such."""
    if not dataset:
        return "unknown"
    name = PUBLIC_DATASETS.get(dataset)
    where = name or f"{dataset} (local data, not FairFace)"
    parts = [where]
    if split and name:
        parts.append(f"split {split}")
    if n is not None:
        parts.append(f"n = {n} {unit}")
    return ", ".join(parts)


def harness_line(manifest: dict[str, Any]) -> str:
    version = _get(manifest, "packages", "idefics2-eval")
    revision = _get(manifest, "git_revision")
    parts = [f"idefics2-eval {version}" if version else "idefics2-eval"]
    if revision:
        parts.append(f"git {str(revision)[:12]}")
    return ", ".join(parts)


def date_line(manifests: Iterable[dict[str, Any]]) -> str:
    finished = sorted(str(m.get("finished_at") or m.get("started_at") or "") for m in manifests)
    finished = [stamp for stamp in finished if stamp]
    return finished[-1].replace("T", " ") if finished else "unknown"


def judge_line(judge: Any) -> str:
    """A judge as results.json records it: a name, or `{name, validation, fallbacks}` where
    validation is `{agreement, kappa, n, source}` or null."""
    if isinstance(judge, str) and judge:
        return f"{judge} (not validated)"
    if not isinstance(judge, dict) or not judge.get("name"):
        return "unknown"
    text = str(judge["name"])
    validation = judge.get("validation")
    if isinstance(validation, dict) and isinstance(validation.get("agreement"), int | float):
        kappa = validation.get("kappa")
        parts = [f"{validation['agreement']:.1f}% agreement with human labels"]
        if isinstance(kappa, int | float):
            parts.append(f"Cohen's kappa {kappa:.2f}")
        if isinstance(validation.get("n"), int):
            parts.append(f"n = {validation['n']}")
        if validation.get("source"):
            parts.append(f"on {validation['source']}")
        text += " (validated: " + ", ".join(parts) + ")"
    else:
        text += " (not validated)"
    fallbacks = judge.get("fallbacks")
    if isinstance(fallbacks, int) and fallbacks:
        text += f"; {fallbacks} replies fell back to the offline rules"
    return text


def markdown(rows: list[tuple[str, str]], warnings: list[str]) -> list[str]:
    """The header as Markdown lines: a bulleted list of what the page came from, then warnings."""
    lines = [f"- **{md(name)}**: {md(value)}" for name, value in rows]
    lines += [f"> **Warning**: {md(text)}" for text in warnings]
    return [*lines, ""]

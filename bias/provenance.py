"""Where a bias audit's inputs came from, recorded in `bias.json` for the report's header.

Generations from a `bias run` directory name their model, dataset and split in its manifest;
generations from a file made elsewhere name what they can (the wide layout's model column). A
classification made by another model than the generations is kept, with both names and a
warning on the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bias.probes import DATASETS, PROMPTS
from evals.store import MANIFEST, read_json
from reports.provenance import date_line, harness_line, model_of


def generations_provenance(source: str, image_ids: set[str], model_column: str | None) -> dict[str, Any]:
    """Model, data and harness of the generations at `source` (a run directory or a file)."""
    path = Path(source)
    manifest = read_json(path / MANIFEST) if path.is_dir() and (path / MANIFEST).is_file() else {}
    config = manifest.get("config", {}) if isinstance(manifest, dict) else {}
    dataset = config.get("data")
    model = model_of(manifest) if manifest else ({"name": f"{model_column} (model column)"} if model_column else {})
    return {
        "model": model,
        "dataset": dataset,
        "public_dataset": dataset in DATASETS,
        "split": config.get("split") if dataset in DATASETS else None,
        "n_images": len(image_ids),
        "source": str(source),
        "prompts": dict(PROMPTS),
        "harness": harness_line(manifest) if manifest else None,
        "date": date_line([manifest]) if manifest else None,
    }


def classification_provenance(file: Path) -> dict[str, Any]:
    """Model and data of a classification.json, from the `classification_run.json` beside it."""
    from bias.classify import RUN_INFO

    info = read_json(file.parent / RUN_INFO) if (file.parent / RUN_INFO).is_file() else {}
    info = info if isinstance(info, dict) else {}
    return {
        "model": info.get("model") if isinstance(info.get("model"), dict) else {},
        "dataset": info.get("dataset"),
        "split": info.get("split"),
    }


def mixed_models(generations: dict[str, Any], classification: dict[str, Any] | None) -> list[str]:
    """A warning when the classification and the generations come from different models."""
    if not classification:
        return []
    first, second = generations.get("model", {}).get("name"), classification.get("model", {}).get("name")
    if first and second and first != second:
        return [
            f"the generations come from {first} but the classification from {second}: "
            "the two sections audit different models"
        ]
    if first and not second:
        return ["the classification does not record its model: it may come from another model than the generations"]
    return []

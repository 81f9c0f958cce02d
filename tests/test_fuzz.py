"""A seeded fuzz pass over everything a user can hand the tool: predictions files for every suite,
hostile datasets, and damaged run directories.

For each generated input: exit 0 (with per-sample errors counted) or exit 2 with one line; never
exit 1 ("internal error"), never a traceback, never fewer good records than before, and never an
image path outside the dataset's folder in a record. Run alone with `pytest -m fuzz`.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from evals.store import read_json
from tests.conftest import make_png
from tests.hostile import Outcome, cli, docvqa_data, run_args

pytestmark = pytest.mark.fuzz
SEED = 13

VALID: dict[str, dict[str, Any]] = {
    "easyvqa": {"id": 1, "prediction": "red", "answer": "red"},
    "vqav2": {"id": 1, "prediction": "two", "answers": ["2"] * 10},
    "textvqa": {"id": 1, "prediction": "stop", "answers": ["stop"] * 10},
    "docvqa": {"id": 1, "prediction": "total", "answers": ["total", "sum"]},
    "mmmu": {"id": "validation_Art_1", "prediction": "(B)", "question_type": "multiple-choice", "answer": "B",
             "index2ans": {"A": "x", "B": "y"}},
    "mathvista": {"pid": "1", "prediction": "The answer is 3.5", "question_type": "free_form",
                  "answer_type": "float", "precision": 1, "choices": None, "answer": "3.5"},
    "mmbench": {"index": 1, "prediction": "B", "answer": "B", "A": "x", "B": "y", "question": "q"},
}  # fmt: skip

HOSTILE_VALUES: list[Any] = [
    None, True, 0, -1, 3.5, float("nan"), float("inf"), "", " ", "x" * 200_000, [], {}, [None], [1, 2],
    {"answer": None}, {"a": {"b": [1]}}, "\x00\x01", "\ud800", "💥" * 10, "../../etc/passwd", "[" * 50, 10**30,
]  # fmt: skip


def hostile_value(rng: random.Random) -> Any:
    if rng.random() < 0.05:
        depth = rng.choice([100, 5000])
        return json.loads("[" * depth + "]" * depth) if depth < 900 else "[" * depth  # deep, or its text
    return rng.choice(HOSTILE_VALUES)


def mutate_line(rng: random.Random, obj: dict[str, Any]) -> bytes:
    kind = rng.randrange(6)
    obj = dict(obj)
    if kind == 0 and obj:
        obj.pop(rng.choice(list(obj)))
    elif kind in (1, 2):
        obj[rng.choice(list(obj))] = hostile_value(rng)
    elif kind == 3:
        obj[rng.choice(["extra", "answers", "options", "choices", "index2ans"])] = hostile_value(rng)
    elif kind == 4:
        text = json.dumps(obj).encode()
        return text[: rng.randrange(1, len(text))]  # torn
    else:
        return rng.choice([b"[]", b"null", b'"text"', b"\xff\xfe\x00", b"{" * 20_000, b"\x00" * 16, b"{}"])
    try:
        return json.dumps(obj, allow_nan=True).encode()
    except (ValueError, RecursionError):
        return b"{}"


def check(outcome: Outcome, context: str, tally: dict[int, int] | None = None) -> None:
    if tally is not None:
        tally[outcome.code] = tally.get(outcome.code, 0) + 1
    assert outcome.code in (0, 2), f"{context}: exit {outcome.code}: {outcome.err[-500:]}"
    assert "Traceback" not in outcome.err and "internal error" not in outcome.err, f"{context}: {outcome.err[-500:]}"
    if outcome.code == 2:
        assert len(outcome.error_lines) == 1, f"{context}: {outcome.error_lines}"


@pytest.mark.parametrize("suite", sorted(VALID))
def test_fuzz_predictions_files(tmp_path: Path, capsys, suite: str) -> None:
    rng = random.Random(f"{SEED}-{suite}")
    tally: dict[int, int] = {}
    for case in range(80):
        lines = []
        for number in range(rng.randrange(1, 5)):
            valid = {**VALID[suite], "id" if "id" in VALID[suite] else next(iter(VALID[suite])): number}
            if suite == "mmbench":
                valid = {**VALID[suite], "index": number}
            lines.append(mutate_line(rng, valid) if rng.random() < 0.5 else json.dumps(valid).encode())
        predictions = tmp_path / f"{suite}-{case}.jsonl"
        predictions.write_bytes(b"\n".join(lines) + b"\n")
        out = tmp_path / f"out-{suite}-{case}"
        outcome = cli(capsys, "score", "--suite", suite, "--predictions", str(predictions), "--out", str(out))
        check(outcome, f"{suite} case {case}: {predictions.read_bytes()[:300]!r}", tally)
        if outcome.code == 0:
            assert read_json(out / "results.json")["n"] >= 1
    assert tally.get(0) and tally.get(2), tally  # the pass reached both outcomes


def hostile_image(rng: random.Random, data: Path, outside: Path) -> Any:
    choice = rng.randrange(9)
    if choice == 0:
        return str(outside)
    if choice == 1:
        return "../" + outside.name
    if choice == 2:
        link = data / f"link{rng.randrange(10**6)}.png"
        if not link.exists():
            os.symlink(outside, link)
        return link.name
    if choice == 3:
        return "/proc/self/environ"
    if choice == 4:
        return {"bytes": None, "path": None}
    if choice == 5:
        return {"bytes": "not bytes", "path": None}
    return rng.choice(["missing.png", "", 42, ["page.png"], "page.png", "."])


def test_fuzz_hostile_datasets(tmp_path: Path, capsys) -> None:
    rng = random.Random(SEED)
    outside = make_png(tmp_path / "secret.png")
    tally: dict[int, int] = {}
    errors = 0
    for case in range(60):
        data = docvqa_data(tmp_path / f"data{case}", n=5)
        rows = [json.loads(line) for line in (data / "validation.jsonl").read_text().splitlines()]
        for row in rows:
            if rng.random() < 0.5:
                row["image"] = hostile_image(rng, data, outside)
            if rng.random() < 0.2:
                row[rng.choice(["answers", "question", "questionId"])] = hostile_value(rng)
        text = "".join(json.dumps(row, allow_nan=True) + "\n" for row in rows)
        (data / "validation.jsonl").write_text(text)
        out = tmp_path / f"run{case}"
        outcome = cli(capsys, *run_args(data, out))
        check(outcome, f"dataset case {case}: {text[:300]}", tally)
        if outcome.code == 0:
            errors += read_json(out / "results.json")["n_errors"]
            for line in (out / "samples.jsonl").read_text().splitlines():
                record = json.loads(line)
                for image in record["images"]:
                    resolved = Path(image).resolve()
                    assert resolved.is_relative_to(data.resolve()) or "cache" in resolved.parts, (case, image)
    assert tally.get(0) and errors, (tally, errors)


def damage(rng: random.Random, run: Path) -> str:
    """One random damage to a run directory; returns what was done."""
    target = rng.choice(["samples.jsonl"] * 3 + ["manifest.json", "results.json"])
    path = run / target
    data = path.read_bytes()
    kind = rng.randrange(5)
    if kind == 0:
        path.write_bytes(data[: rng.randrange(len(data))])
    elif kind == 1:
        position = rng.randrange(len(data))
        path.write_bytes(data[:position] + rng.choice([b"\x00" * 8, b"}", b"\n{}\n", b"\xff"]) + data[position:])
    elif kind == 2:
        path.write_text(json.dumps(hostile_value(rng), allow_nan=True) if target != "samples.jsonl" else "{}\n")
    elif kind == 3 and target == "samples.jsonl":
        lines = data.split(b"\n")
        lines.insert(rng.randrange(len(lines)), lines[0])
        path.write_bytes(b"\n".join(lines))
    else:
        path.unlink()
    return f"{target}: damage {kind}"


def good_lines(run: Path) -> set[bytes]:
    path = run / "samples.jsonl"
    if not path.exists():
        return set()
    found = set()
    for line in path.read_bytes().split(b"\n"):
        try:
            if isinstance(json.loads(line), dict) and b'"id"' in line:
                found.add(line)
        except ValueError:
            pass
    return found


def test_fuzz_damaged_run_directories(tmp_path: Path, capsys) -> None:
    rng = random.Random(SEED)
    data = docvqa_data(tmp_path / "data", n=12)
    pristine = tmp_path / "pristine"
    assert cli(capsys, *run_args(data, pristine, "--limit", "8")).code == 0
    commands: list[Callable[[Path], list[str]]] = [
        lambda run: run_args(data, run),
        lambda run: ["report", str(run), "--out", str(run / "r.html")],
        lambda run: ["report", str(run), "--format", "md", "--out", str(run / "r.md")],
        lambda run: ["gate", "--baseline", str(pristine), "--candidate", str(run)],
        lambda run: ["score", "--suite", "docvqa", "--predictions", str(run / "samples.jsonl"), "--out", str(run)],
    ]
    tally: dict[int, int] = {}
    for case in range(150):
        run = tmp_path / f"run{case}"
        shutil.copytree(pristine, run)
        what = damage(rng, run)
        before = good_lines(run)
        command = rng.choice(commands)(run)
        check(cli(capsys, *command), f"case {case} ({what}) {command[0]}", tally)
        lost = before - good_lines(run)
        assert not lost, f"case {case} ({what}): {len(lost)} good records lost after {command[0]}"
    assert tally.get(0) and tally.get(2), tally

"""Issue 13, reads and bounds (items 7-14): no read outside the dataset's folder, bounded memory
and time on hostile input, and wrong values as errors that name file, line and field."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from evals.http import EndpointError, post_json
from evals.store import read_json
from evals.suites import get_suite
from tests.conftest import make_png
from tests.helpers import png_bytes, write_parquet
from tests.hostile import assert_one_line_error, cli, docvqa_data, pixel_bomb, run_args


def records(out: Path) -> dict[str, dict]:
    return {row["id"]: row for row in map(json.loads, (out / "samples.jsonl").read_text().splitlines())}


@pytest.mark.parametrize("kind", ["absolute", "climbing", "symlink", "proc"])
def test_item07_image_paths_leaving_the_dataset_folder_are_refused(tmp_path: Path, capsys, kind: str) -> None:
    outside = make_png(tmp_path / "secret.png")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    image = {"absolute": str(outside), "climbing": "../secret.png", "proc": "/proc/self/environ"}.get(kind, "link.png")
    if kind == "symlink":
        os.symlink(outside, data_dir / "link.png")
    data = docvqa_data(data_dir, image=image)
    out = tmp_path / "run"
    outcome = cli(capsys, *run_args(data, out))
    assert outcome.code == 0
    results = read_json(out / "results.json")
    assert results["n"] == 6 and results["n_errors"] == 1
    row = records(out)["0"]
    assert "outside the dataset folder" in row["error"] and row["generation"] is None and row["images"] == []
    allowed = tmp_path / "allowed"
    if kind != "proc":
        assert cli(capsys, *run_args(data, allowed, "--allow-images-outside-data")).code == 0
        assert read_json(allowed / "results.json")["n_errors"] == 0


def test_item07_report_embeds_no_image_from_outside_the_dataset(tmp_path: Path, capsys) -> None:
    data = docvqa_data(tmp_path / "data")
    out = tmp_path / "run"
    assert cli(capsys, *run_args(data, out)).code == 0
    outside = make_png(tmp_path / "secret.png", (1, 2, 3))
    lines = (out / "samples.jsonl").read_text().splitlines()
    rows = [json.loads(line) for line in lines]
    for row in rows:
        row["images"] = [str(outside), "/etc/passwd"]
    (out / "samples.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    assert cli(capsys, "report", str(out), "--out", str(tmp_path / "r.html")).code == 0
    assert "data:image/jpeg" not in (tmp_path / "r.html").read_text()
    assert cli(capsys, "report", str(out), "--out", str(tmp_path / "r2.html"), "--allow-images-outside-data").code == 0
    assert "data:image/jpeg" in (tmp_path / "r2.html").read_text()


def test_item08_a_pixel_bomb_is_a_per_sample_error_and_the_report_survives(tmp_path: Path, capsys) -> None:
    data = docvqa_data(tmp_path / "data")
    pixel_bomb(data / "bomb.png")
    rows = [json.loads(line) for line in (data / "validation.jsonl").read_text().splitlines()]
    rows[1]["image"] = "bomb.png"
    (data / "validation.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    out = tmp_path / "run"
    # the tiny Idefics2 really opens images (the scripted model does not)
    args = run_args(data, out)
    args[args.index("scripted")] = "tiny"
    assert cli(capsys, *args).code == 0
    row = records(out)["1"]
    assert "169 megapixels" in row["error"] and "--max-image-pixels" in row["error"]
    assert read_json(out / "results.json")["n_errors"] == 1
    assert cli(capsys, "report", str(out), "--out", str(tmp_path / "r.html")).code == 0


@pytest.mark.parametrize(
    ("suite", "target"),
    [
        ("mathvista", {"question_type": "multi_choice", "answer_type": "text", "choices": ["yes", "no"],
                       "precision": None, "query": "Is it? (_) dots", "answer": "yes"}),
        ("mathvista", {"question_type": "free_form", "answer_type": "integer", "choices": None, "precision": None,
                       "query": "There are (_) dots in each group.", "answer": "2"}),
        ("mathvista", {"question_type": "multi_choice", "answer_type": "text", "choices": ["slide", "flip", "turn"],
                       "precision": None, "query": "Question: What?\nChoices:\n(A) slide\n(B) flip\n(C) turn",
                       "answer": "flip"}),
        ("mmmu", {"question_type": "open", "answer": "2", "index2ans": {}}),
        ("mmmu", {"question_type": "multiple-choice", "answer": "A", "index2ans": {"A": "one", "B": "two"}}),
        ("docvqa", {"answers": ["hello world"]}),
        ("textvqa", {"answers": ["yes"] * 10}),
        ("vqav2", {"answers": ["yes"] * 10}),
        ("mmbench", {"options": {"A": "one", "B": "two"}, "answer": "A", "index": 1, "question": "q"}),
    ],
)  # fmt: skip
def test_item09_scorers_stay_bounded_on_ten_megabyte_replies(suite: str, target: dict) -> None:
    from evals.records import Sample
    from evals.scoring import make_record

    scorer = get_suite(suite)
    sample = Sample(id="x", question="q", target=target)
    for unit in ("the answer is 1/2 ", "1.", 'The answer is "', "is 1 ", "1" * 50, "is ", "x", "A: no "):
        reply = unit * (10_000_000 // len(unit))
        started = time.perf_counter()
        make_record(scorer, sample, "", reply, None, 0.0)
        assert time.perf_counter() - started < 5.0, (suite, unit)


def test_item09_gold_answers_are_bounded_so_edit_distances_are(tmp_path: Path, capsys) -> None:
    from evals.metrics.anls import anls

    started = time.perf_counter()
    assert anls("ab" * 500_000, ["x" * 20_000]) == 0.0
    assert anls("x" * 20_000, ["x" * 19_999 + "y"]) == pytest.approx(1 - 1 / 20_000)
    assert time.perf_counter() - started < 5.0
    predictions = tmp_path / "p.jsonl"
    predictions.write_text(json.dumps({"id": 1, "prediction": "ab" * 500_000, "answers": ["ba" * 500_000]}) + "\n")
    outcome = cli(capsys, "score", "--suite", "docvqa", "--predictions", str(predictions), "--out", str(tmp_path / "o"))
    assert_one_line_error(outcome, "p.jsonl:1", "answers", "at most 20,000")


class _Recorder(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str | None]]] = []
    target = ""

    def do_POST(self) -> None:
        self.seen.append((self.path, self.headers.get("Authorization")))
        if self.path == "/v1/chat/completions":
            self.send_response(307)
            self.send_header("Location", f"{self.target}/collect")
            self.end_headers()
        else:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

    def log_message(self, *args) -> None:
        pass


def test_item10_redirects_are_never_followed_with_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.target = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret")
    try:
        with pytest.raises(EndpointError, match="redirects are not followed"):
            post_json(f"{_Recorder.target}/v1/chat/completions", {"x": 1}, timeout=5, retries=1)
    finally:
        server.shutdown()
    assert [path for path, _ in _Recorder.seen] == ["/v1/chat/completions"]


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"id": None, "prediction": "a", "answers": ["a"]}, "field 'id'"),
        ({"id": {"a": 1}, "prediction": "a", "answers": ["a"]}, "field 'id'"),
        ({"id": [1, 2], "prediction": "a", "answers": ["a"]}, "field 'id'"),
        ({"id": 1, "prediction": {"a": 1}, "answers": ["a"]}, "field 'prediction'"),
        ({"id": 1, "prediction": 5, "answers": ["a"]}, "field 'prediction'"),
        ({"id": 1, "prediction": "a", "answers": [None]}, "field 'answers'"),
        ({"id": 1, "prediction": "a", "answers": [{"x": 1}]}, "field 'answers'"),
    ],
)
def test_item12_wrong_types_are_rejected_with_file_line_and_field(tmp_path: Path, capsys, line: dict, field: str):
    predictions = tmp_path / "p.jsonl"
    predictions.write_text(json.dumps({"id": 0, "prediction": "a", "answers": ["a"]}) + "\n" + json.dumps(line) + "\n")
    outcome = cli(capsys, "score", "--suite", "docvqa", "--predictions", str(predictions), "--out", str(tmp_path / "o"))
    assert_one_line_error(outcome, f"{predictions}:2", field)


def test_item12_null_gold_answers_are_rejected_in_every_suite(tmp_path: Path, capsys) -> None:
    lines = {
        "easyvqa": {"id": 1, "prediction": "a", "answer": None},
        "mmbench": {"index": 1, "prediction": "A", "answer": None, "A": "x", "B": "y"},
        "mmmu": {"id": "validation_Art_1", "prediction": "A", "question_type": "open", "answer": None},
        "mathvista": {"pid": "1", "prediction": "1", "question_type": "free_form", "answer_type": "integer",
                      "answer": None},
    }  # fmt: skip
    for suite, line in lines.items():
        predictions = tmp_path / f"{suite}.jsonl"
        predictions.write_text(json.dumps(line) + "\n")
        out = tmp_path / suite
        outcome = cli(capsys, "score", "--suite", suite, "--predictions", str(predictions), "--out", str(out))
        assert_one_line_error(outcome, f"{predictions}:1", "answer")


def _malformed(tmp_path: Path) -> list[tuple[str, list[str], str]]:
    """(name, score arguments, a word the error must hold) for the malformed inputs of item 13."""

    def lines(name: str, *objects: object, raw: bytes | None = None) -> str:
        path = tmp_path / name
        path.write_bytes(raw if raw is not None else b"".join(json.dumps(o).encode() + b"\n" for o in objects))
        return str(path)

    (tmp_path / "a-file").write_text("x")
    deep = b'{"id": 1, "prediction": "a", "answers": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"
    return [
        ("non-utf8", ["docvqa", lines("latin.jsonl", raw=b'{"id": 1, "prediction": "caf\xe9", "answers": ["a"]}\n')],
         "latin.jsonl:1"),
        ("directory", ["docvqa", str(tmp_path)], "is a folder"),
        ("deep", ["docvqa", lines("deep.jsonl", raw=deep)], "deep.jsonl:1"),
        ("answers-objects", ["docvqa", lines("o.jsonl", {"id": 1, "prediction": "a", "answers": {"a": 1}})], "answers"),
        ("mmbench-index", ["mmbench", lines("m.jsonl", {"index": "abc", "prediction": "A", "answer": "A", "A": "x",
                                                         "B": "y"})], "index"),
        ("index2ans-list", ["mmmu", lines("u.jsonl", {"id": "validation_Art_1", "prediction": "A",
                                                      "question_type": "multiple-choice", "answer": "A",
                                                      "index2ans": ["x", "y"]})], "index2ans"),
        ("precision", ["mathvista", lines("v.jsonl", {"pid": "1", "prediction": "1", "question_type": "free_form",
                                                      "answer_type": "float", "precision": "abc",
                                                      "answer": "1"})], "precision"),
        ("options-2M", ["mmmu", lines("big.jsonl", {"id": "validation_Art_1", "prediction": "A",
                                                    "question_type": "multiple-choice", "answer": "A",
                                                    "options": "[" + "'a'," * 2_000_000 + "]"})], "options"),
    ]  # fmt: skip


def test_item13_malformed_inputs_are_one_line_errors_never_internal(tmp_path: Path, capsys) -> None:
    for name, (suite, predictions), word in _malformed(tmp_path):
        out = tmp_path / f"out-{name}"
        outcome = cli(capsys, "score", "--suite", suite, "--predictions", predictions, "--out", str(out))
        line = assert_one_line_error(outcome, word)
        assert "internal error" not in line, name


def test_item13_out_under_a_file_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    (tmp_path / "a-file").write_text("x")
    predictions = tmp_path / "p.jsonl"
    predictions.write_text(json.dumps({"id": 1, "prediction": "a", "answers": ["a"]}) + "\n")
    for out in (tmp_path / "a-file", tmp_path / "a-file" / "below"):
        outcome = cli(capsys, "score", "--suite", "docvqa", "--predictions", str(predictions), "--out", str(out))
        assert_one_line_error(outcome, "a-file")


def _tsv(path: Path, rows: list[dict]) -> Path:
    header = ["index", "question", "A", "B", "answer", "category", "image"]
    body = "".join("\t".join(str(r.get(h, "")) for h in header) + "\n" for r in rows)
    path.write_text("\t".join(header) + "\n" + body)
    return path


def test_item14_bad_mmbench_images_are_per_sample_errors(tmp_path: Path, capsys) -> None:
    good = base64.b64encode(png_bytes((10, 200, 10))).decode()
    rows = [{"index": i, "question": f"q{i}", "A": "x", "B": "y", "answer": "A", "category": "c", "image": good}
            for i in range(4)]  # fmt: skip
    rows[1]["image"] = "!!not base64!!"
    rows[2]["image"] = ""
    rows[3]["image"] = "77"  # names a row that does not exist
    data = _tsv(tmp_path / "MMBench_DEV_EN.tsv", rows)
    out = tmp_path / "run"
    args = ["--suite", "mmbench", "--model", "scripted", "--data", str(data), "--out", str(out), "--no-progress"]
    assert cli(capsys, *args).code == 0
    errors = {row["id"]: row["error"] for row in records(out).values() if row["error"]}
    assert any("neither a path nor base64" in e for e in errors.values())
    assert any("has no image" in e for e in errors.values())
    assert any("refers to row 77" in e for e in errors.values())
    assert read_json(out / "results.json")["n_errors"] == len(errors) == 6  # rotations of questions 1-3


def test_item14_a_parquet_image_with_neither_bytes_nor_path_is_a_per_sample_error(tmp_path: Path, capsys) -> None:
    rows = [{"questionId": i, "question": "q", "answers": ["a"], "image": {"bytes": png_bytes((1, 1, 1)), "path": None}}
            for i in range(3)]  # fmt: skip
    rows[1]["image"] = {"bytes": None, "path": None}
    data = write_parquet(tmp_path / "data", "validation", rows)
    out = tmp_path / "run"
    assert cli(capsys, *run_args(data, out)).code == 0
    assert "neither bytes nor path" in records(out)["1"]["error"]
    assert read_json(out / "results.json")["n_errors"] == 1


def test_item14_a_reused_question_id_is_reported_not_dropped(tmp_path: Path, capsys) -> None:
    data = docvqa_data(tmp_path / "data", n=3)
    rows = [json.loads(line) for line in (data / "validation.jsonl").read_text().splitlines()]
    rows.append({**rows[0], "question": "a different question"})
    rows.append(dict(rows[1]))  # an exact repeat, as some hub copies have: counted once
    (data / "validation.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    out = tmp_path / "run"
    assert cli(capsys, *run_args(data, out)).code == 0
    results = read_json(out / "results.json")
    assert results["n"] == 4 and results["n_errors"] == 1
    assert "used for two different questions" in records(out)["0#duplicate-row-4"]["error"]


@pytest.mark.parametrize(
    ("argv", "word"),
    [
        (["bench", "--model", "scripted", "--batch-sizes", "0"], "--batch-sizes"),
        (["bench", "--model", "scripted", "--batch-sizes", "x,8"], "--batch-sizes"),
        (["--suite", "easyvqa", "--model", "scripted:{script}", "--limit", "2"], "must be objects"),
    ],
)
def test_item13_siblings_bench_sizes_and_scripts_are_one_line_errors(tmp_path: Path, capsys, argv, word) -> None:
    script = tmp_path / "script.json"
    script.write_text(json.dumps({"answers": [1, 2]}))
    argv = [arg.replace("{script}", str(script)) for arg in argv]
    assert_one_line_error(
        cli(capsys, *argv, "--out", str(tmp_path / "o")) if argv[0] != "bench" else cli(capsys, *argv), word
    )


@pytest.mark.parametrize(
    ("suite", "line", "field"),
    [
        ("mathvista", {"pid": "1", "prediction": "A", "question_type": "multi_choice", "answer_type": "text",
                       "choices": ["x" * 20_001, "y"], "answer": "y"}, "choices"),
        ("mmbench", {"index": 1, "prediction": "A", "answer": "A", "A": "x" * 20_001, "B": "y"}, "'A'"),
    ],
)  # fmt: skip
def test_item09_choices_and_options_are_bounded_too(tmp_path: Path, capsys, suite: str, line: dict, field: str):
    predictions = tmp_path / "p.jsonl"
    predictions.write_text(json.dumps(line) + "\n")
    outcome = cli(capsys, "score", "--suite", suite, "--predictions", str(predictions), "--out", str(tmp_path / "o"))
    assert_one_line_error(outcome, "p.jsonl:1", field, "at most 20,000")

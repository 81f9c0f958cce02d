"""Issue 23, bad input (items 4, 10, 13): one clear line, nothing false, nothing raw on the terminal."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from evals.store import read_json
from evals.terminal import printable
from tests.conftest import make_png
from tests.hostile import assert_one_line_error, cli, docvqa_data, run_args

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x1b]52;c;ZXZpbA==\x07\u202e"


def faces(folder: Path, n: int = 4, csv_bytes: bytes | None = None, gender: object = "Female") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(n):
        make_png(folder / f"{i}.png", (60 * i, 100, 150))
        rows.append({"file_name": f"{i}.png", "gender": gender if i == 1 else "Male", "race": "White", "age": "20-29"})
    if csv_bytes is not None:
        (folder / "metadata.csv").write_bytes(csv_bytes)
    else:
        (folder / "metadata.jsonl").write_text("\n".join(json.dumps(row) for row in rows))
    return folder


# ---- 4: bias classify ----------------------------------------------------------------------------------


def classify(capsys, data: Path, out: Path, model: str, *extra: str):
    return cli(capsys, "bias", "classify", "--dataset", str(data), "--model", model, "--out", str(out), "--no-progress",
               *extra)  # fmt: skip


def test_23_4_classify_refuses_to_continue_another_models_predictions(tmp_path: Path, capsys) -> None:
    data = faces(tmp_path / "faces")
    out = tmp_path / "classify"
    assert classify(capsys, data, out, "scripted", "--limit", "2").code == 0
    info = read_json(out / "classification_run.json")
    assert info["identity"]["model"] == "scripted"
    before = (out / "predictions.jsonl").read_bytes()
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"default": "woman"}))
    outcome = classify(capsys, data, out, f"scripted:{answers}")
    assert_one_line_error(outcome, "other settings", "model", "--overwrite")
    assert (out / "predictions.jsonl").read_bytes() == before
    assert classify(capsys, data, out, f"scripted:{answers}", "--overwrite").code == 0
    assert read_json(out / "classification_run.json")["identity"]["model"] == f"scripted:{answers}"


def test_23_4_classify_refuses_predictions_nobody_made(tmp_path: Path, capsys) -> None:
    data = faces(tmp_path / "faces")
    out = tmp_path / "classify"
    assert classify(capsys, data, out, "scripted", "--limit", "2").code == 0
    (out / "classification_run.json").unlink()
    assert_one_line_error(classify(capsys, data, out, "scripted"), "which model made them")


def test_23_4_classify_predictions_never_replace_without_overwrite(tmp_path: Path, capsys) -> None:
    data = faces(tmp_path / "faces")
    out = tmp_path / "classify"
    assert classify(capsys, data, out, "scripted", "--limit", "2").code == 0
    before = (out / "classification.json").read_bytes()
    other = tmp_path / "other.jsonl"
    row = {"id": "9/gender", "attribute": "gender", "label": "Male", "prediction": "Female", "gender": "Male",
           "race": "White"}  # fmt: skip
    other.write_text(json.dumps(row) + "\n")
    argv = ["bias", "classify", "--predictions", str(other), "--out", str(out)]
    assert_one_line_error(cli(capsys, *argv), "classification.json", "--overwrite")
    assert (out / "classification.json").read_bytes() == before
    assert cli(capsys, *argv, "--overwrite").code == 0
    assert read_json(out / "classification.json")["gender"]["accuracy"] == 0.0


# ---- 10: one line, exit 2 ----------------------------------------------------------------------------


def test_23_10_portrait_metadata_in_latin1_is_one_line(tmp_path: Path, capsys) -> None:
    csv_bytes = "file_name,gender,race,age\n0.png,Féminin,Blanc,20-29\n".encode("latin-1")
    data = faces(tmp_path / "faces", n=1, csv_bytes=csv_bytes)
    outcome = cli(capsys, "bias", "run", "--dataset", str(data), "--model", "scripted", "--out", str(tmp_path / "r"),
                  "--no-progress")  # fmt: skip
    assert_one_line_error(outcome, "metadata.csv", "UTF-8")


@pytest.mark.parametrize("gender", [7, 1.5, ["Female"], {"x": 1}, True])
def test_23_10_a_non_text_gender_is_one_line(tmp_path: Path, capsys, gender: object) -> None:
    data = faces(tmp_path / "faces", gender=gender)
    outcome = cli(capsys, "bias", "run", "--dataset", str(data), "--model", "scripted", "--out", str(tmp_path / "r"),
                  "--no-progress")  # fmt: skip
    assert_one_line_error(outcome, "row 1", "'gender'")


@pytest.fixture
def finished_run(tmp_path: Path, capsys) -> Path:
    out = tmp_path / "run"
    assert cli(capsys, *run_args(docvqa_data(tmp_path / "data"), out)).code == 0
    return out


@pytest.mark.parametrize("where", ["folder", "below-a-file"])
def test_23_10_report_and_junit_to_a_bad_path_are_one_line(finished_run: Path, tmp_path: Path, capsys, where) -> None:
    (tmp_path / "file").write_text("x")
    bad = tmp_path / "a-folder" if where == "folder" else tmp_path / "file" / "report.html"
    if where == "folder":
        bad.mkdir()
    assert_one_line_error(cli(capsys, "report", str(finished_run), "--out", str(bad)), "cannot write", str(bad))
    gate = ["gate", "--baseline", str(finished_run), "--candidate", str(finished_run), "--junit", str(bad)]
    assert_one_line_error(cli(capsys, *gate), "cannot write", str(bad))


def test_23_10_a_lone_surrogate_in_a_reply_is_reported_escaped(finished_run: Path, capsys) -> None:
    lines = (finished_run / "samples.jsonl").read_text().splitlines()
    row = json.loads(lines[0])
    row["generation"] = "before \udcff after"
    lines[0] = json.dumps(row)  # ensure_ascii: the surrogate is a JSON escape in the file
    (finished_run / "samples.jsonl").write_text("\n".join(lines) + "\n")
    for fmt in ("html", "md"):
        report = finished_run / f"r.{fmt}"
        assert cli(capsys, "report", str(finished_run), "--out", str(report)).code == 0
        text = report.read_text(encoding="utf-8")
        assert "\\udcff" in text or "before" not in text


# ---- 13: terminal and JUnit ----------------------------------------------------------------------------


def test_23_13_names_from_data_reach_the_terminal_escaped(tmp_path: Path, capsys) -> None:
    predictions = tmp_path / "p.jsonl"
    predictions.write_text(json.dumps({"id": "1", "prediction": "x", "answers": ["x"]}) + "\n")
    outcome = cli(capsys, "score", "--suite", "docvqa", "--predictions", str(predictions), "--out",
                  str(tmp_path / "o"), "--split", f"val{HOSTILE}")  # fmt: skip
    assert outcome.code == 0
    assert "\x1b" not in outcome.out + outcome.err and "\u202e" not in outcome.out
    assert "\\x1b]0;pwned" in outcome.out
    error = cli(capsys, "--suite", f"nope{HOSTILE}")
    assert error.code == 2 and "\x1b" not in error.err and "\\x1b" in error.err


def test_23_13_junit_with_control_characters_is_valid_xml(tmp_path: Path, capsys) -> None:
    runs = []
    for name in ("a", "b"):
        predictions = tmp_path / f"{name}.jsonl"
        predictions.write_text(json.dumps({"id": "1", "prediction": "x", "answers": ["x"]}) + "\n")
        out = tmp_path / name
        assert cli(capsys, "score", "--suite", "docvqa", "--predictions", str(predictions), "--out", str(out),
                   "--split", "val\x0b\x1b[2J\x00x").code == 0  # fmt: skip
        runs.append(out)
    junit = tmp_path / "gate.xml"
    outcome = cli(capsys, "gate", "--baseline", str(runs[0]), "--candidate", str(runs[1]), "--junit", str(junit),
                  "--draws", "100")  # fmt: skip
    assert outcome.code == 0 and "\x1b" not in outcome.out
    case = ET.parse(junit).getroot().find("testcase")
    assert case is not None and "\\x0b\\x1b[2J" in case.get("name", "")


def test_23_13_printable_shows_every_control_and_keeps_text() -> None:
    assert printable("naïve 名前 ok") == "naïve 名前 ok"
    assert printable("a\x1b[31mb\x9bc\u2066d\udcffe") == "a\\x1b[31mb\\x9bc\\u2066d\\udcffe"


# ---- 12: spreadsheet cells stay text ---------------------------------------------------------------------


def test_23_12_mmbench_submission_cells_are_never_formulas(tmp_path: Path, capsys) -> None:
    import base64
    import csv

    openpyxl = pytest.importorskip("openpyxl")
    from tests.evals.suites.test_mmbench_suite import QUESTIONS, write_tsv
    from tests.helpers import png_bytes

    image = base64.b64encode(png_bytes((9, 9, 9))).decode()
    rows = [{**row, "answer": "", "image": image} for row in QUESTIONS]
    rows[0] = {**rows[0], "question": "=cmd|' /C calc'!A0", "hint": "@SUM(1)"}
    tsv = write_tsv(tmp_path / "MMBench_TEST_EN.tsv", rows)
    script = tmp_path / "script.json"
    script.write_text(json.dumps({"default": '=HYPERLINK("http://evil.invalid","click")'}))
    out = tmp_path / "run"
    argv = ["--suite", "mmbench", "--split", "test", "--model", f"scripted:{script}", "--data", str(tsv)]
    assert cli(capsys, *argv, "--out", str(out), "--no-progress").code == 0
    with (out / "mmbench_test_submission.tsv").open(newline="") as handle:
        upload = list(csv.DictReader(handle, delimiter="\t"))
    cells = [value for row in upload for value in row.values()]
    assert not any(str(value).startswith(("=", "+", "-", "@")) for value in cells)
    assert '\'=HYPERLINK("http://evil.invalid","click")' in cells
    sheet = openpyxl.load_workbook(out / "mmbench_test_submission.xlsx").active
    kinds = {cell.data_type for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert "f" not in kinds


# ---- 9: templates and prompts are bounded -------------------------------------------------------------


class _Processor:
    def __init__(self, template: str) -> None:
        self.chat_template = template
        self.rendered = 0

    def apply_chat_template(self, messages, add_generation_prompt: bool) -> str:
        self.rendered += 1
        return "ok"


@pytest.mark.parametrize(
    "template",
    [
        "{% for i in range(99999) %}{% for j in range(99999) %}xx{% endfor %}{% endfor %}",
        "{{ 'x' * 10**10 }}",
        "{{ [1] * 99999999 }}",
        "{{ 9 ** 99999999 }}",
    ],
)
def test_23_9_a_runaway_chat_template_is_refused_quickly(template: str) -> None:
    import time

    from evals.errors import UserError
    from model.prompts import render

    processor = _Processor(template)
    messages = [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]
    started = time.monotonic()
    with pytest.raises(UserError, match=r"chat template cannot be used.*--prompt-format completion"):
        render(messages, "chat", processor)
    assert time.monotonic() - started < 5 and processor.rendered == 0


def test_23_9_a_real_chat_template_still_renders() -> None:
    from model.prompts import render

    template = (
        "{% for message in messages %}{{ message['role'] | capitalize }}:{% for part in message['content'] %}"
        "{% if part['type'] == 'image' %}<image>{% else %}{{ part['text'] }}{% endif %}{% endfor %}"
        "<end_of_utterance>\n{% endfor %}{% if add_generation_prompt %}Assistant:{% endif %}"
    )
    processor = _Processor(template)
    assert render([{"role": "user", "content": [{"type": "text", "text": "hi"}]}], "chat", processor) == "ok"


def _support(path: Path, chars: int) -> Path:
    rows = [{"id": f"s{i}", "question": f"example {i} " + "long context " * (chars // 13), "answer": "red",
             "prediction": ""} for i in range(3)]  # fmt: skip
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_23_9_a_huge_support_example_is_refused(tmp_path: Path, capsys) -> None:
    support = _support(tmp_path / "support.jsonl", 6_000_000)
    outcome = cli(capsys, "--suite", "easyvqa", "--model", "scripted", "--shots", "2", "--support", str(support),
                  "--limit", "3", "--out", str(tmp_path / "run"), "--no-progress")  # fmt: skip
    assert_one_line_error(outcome, "support example", "at most 20,000")


def test_23_9_the_support_set_is_logged_once(tmp_path: Path, capsys) -> None:
    support = _support(tmp_path / "support.jsonl", 15_000)
    out = tmp_path / "run"
    outcome = cli(capsys, "--suite", "easyvqa", "--model", "scripted", "--shots", "2", "--support", str(support),
                  "--limit", "12", "--out", str(out), "--no-progress")  # fmt: skip
    assert outcome.code == 0
    assert (out / "samples.jsonl").stat().st_size < 30_000  # not 12 copies of 30,000 characters of examples
    prefix = read_json(out / "manifest.json")["fewshot"]["prompt_prefix"]
    assert prefix.count("long context") > 2000


# ---- 16: offline, the hub is probed once ----------------------------------------------------------------


def test_23_16_an_offline_hf_toxicity_classifier_fails_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from bias.toxicity import get_classifier
    from evals import hub
    from evals.errors import UserError

    for name in hub.OFFLINE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens: refused at once
    hub.hub_reachable.cache_clear()
    started = time.monotonic()
    try:
        with pytest.raises(UserError, match=r"hub cannot be reached.*profanity-check"):
            get_classifier("hf:nobody/no-such-toxicity-classifier").scores(["text"])
    finally:
        hub.hub_reachable.cache_clear()
    assert time.monotonic() - started < 8


def test_23_16_the_hub_probe_is_reusable_for_other_loaders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from evals import hub
    from evals.errors import UserError

    hub.require_hub_resource(str(tmp_path), "judge", "pass a folder")  # a local folder: nothing to probe
    with pytest.raises(UserError, match="unknown judge 'not a hub id'"):
        hub.require_hub_resource("not a hub id", "judge", "pass a folder")


def test_23_10_redteam_writes_its_report_despite_a_lone_surrogate(tmp_path: Path, capsys) -> None:
    script = tmp_path / "script.json"
    script.write_text('{"default": "Sure \\udcff here"}')  # a JSON escape: the reply holds a lone surrogate
    out = tmp_path / "redteam"
    outcome = cli(capsys, "redteam", "--model", f"scripted:{script}", "--suites", "redteam-captcha", "--out", str(out),
                  "--limit", "2", "--no-progress")  # fmt: skip
    assert outcome.code == 0, outcome
    assert {"redteam.html", "redteam.md", "redteam.json"} <= {path.name for path in out.iterdir()}

"""`idefics2-eval import`: lmms-eval sample logs and VLMEvalKit prediction files, written here in
their formats, become run directories scored by our suites; on the shared reference outputs they
land on the official accuracy (MMMU within the share of random guesses, MathVista item for item)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from evals.store import read_json
from tests.helpers import reference_dir
from tests.hostile import assert_one_line_error, cli

# --- writing the peers' formats -------------------------------------------------------------


def lmms_mmmu_line(i: int, row: dict) -> dict:
    options = str(list((row.get("index2ans") or {}).values()))
    doc = {"id": row["id"], "question": "Which one?", "options": options, "answer": row["answer"],
           "question_type": row["question_type"], "subfield": "x", "img_type": "['Photos']"}  # fmt: skip
    metric = {"id": row["id"], "question_type": row["question_type"], "answer": row["answer"],
              "parsed_pred": row.get("official_parsed", "A")}  # fmt: skip
    return {"doc_id": i, "doc": doc, "target": row["answer"], "arguments": [], "resps": [[row["response"]]],
            "filtered_resps": [row["response"]], "mmmu_acc": metric}  # fmt: skip


def lmms_mathvista_line(i: int, row: dict) -> dict:
    doc = {key: row[key] for key in ("pid", "question_type", "answer_type", "choices", "unit", "answer", "query")}
    doc["precision"] = None if row["precision"] is None else float(row["precision"])  # as the hub stores it
    doc["metadata"] = {key: row.get(key) for key in ("category", "task", "context", "grade", "source", "skills")}
    judged = {"question_id": row["pid"], "extraction": row["extraction"], "true_false": row.get("true_false", False)}
    return {"doc_id": i, "doc": doc, "target": row["answer"], "resps": [[row["response"]]],
            "filtered_resps": [row["response"]], "llm_as_judge_eval": judged, "submission": judged}  # fmt: skip


def write_jsonl(path: Path, lines: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def vlmevalkit_mmmu_rows(rows: list[dict]) -> list[dict]:
    """VLMEvalKit's MMMU_DEV_VAL layout: option columns, and open questions as two fake options."""
    table = []
    for i, row in enumerate(rows):
        entry = {"index": i, "id": row["id"], "question": "Which one?", "category": "x", "split": "validation",
                 "prediction": row["response"], "answer": row["answer"]}  # fmt: skip
        if row["question_type"] == "multiple-choice":
            entry.update(row["index2ans"])
        else:
            entry.update({"A": row["answer"], "B": "Other Answers", "answer": "A"})
        table.append(entry)
    table.append({"index": 999, "id": "dev_x_1", "question": "q", "A": "a", "B": "b", "answer": "A",
                  "category": "x", "split": "dev", "prediction": "A"})  # fmt: skip  # another split: left out
    return table


def vlmevalkit_mathvista_rows(rows: list[dict]) -> list[dict]:
    return [
        {"index": row["pid"], "question": row["query"], "answer": row["answer"], "question_type": row["question_type"],
         "answer_type": row["answer_type"], "precision": row["precision"], "unit": row["unit"], "task": row["task"],
         "choices": str(row["choices"]) if row["choices"] else None, "skills": str(row["skills"]),
         "prediction": row["response"], "res": row["extraction"], "log": "Succeed"}
        for row in rows
    ]  # fmt: skip


def write_table(path: Path, rows: list[dict]) -> Path:
    import pandas as pd

    path.parent.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(rows)
    if path.suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, sep="\t", index=False)
    return path


def imported(capsys, source: Path, tool: str, suite: str, out: Path, *extra: str) -> dict:
    outcome = cli(capsys, "import", "--from", tool, str(source), "--suite", suite, "--out", str(out), *extra)
    assert outcome.code == 0, outcome.err
    return read_json(out / "results.json")


# --- on the shared reference outputs --------------------------------------------------------


def reference(suite: str, name: str) -> list[dict]:
    return [json.loads(line) for line in (reference_dir(suite) / f"{name}.jsonl").open()]


@pytest.mark.parametrize("tool", ["lmms-eval", "vlmevalkit"])
@pytest.mark.parametrize("name", ["llava1.5_13b_val", "qwen_vl_val"])
def test_mmmu_logs_import_to_the_official_accuracy(tmp_path: Path, capsys, tool: str, name: str) -> None:
    rows = reference("mmmu", name)
    summary = json.loads((reference_dir("mmmu") / "SUMMARY.json").read_text())[name.removesuffix("_val")]
    if tool == "lmms-eval":
        source = write_jsonl(tmp_path / "logs" / "20250101_120000_samples_mmmu_val.jsonl",
                             [lmms_mmmu_line(i, row) for i, row in enumerate(rows)])  # fmt: skip
    else:
        source = write_table(tmp_path / "logs" / "Model_MMMU_DEV_VAL.tsv", vlmevalkit_mmmu_rows(rows))
    results = imported(capsys, source.parent, tool, "mmmu", tmp_path / "run")
    guessed = sum(row["random_fallback"] for row in rows)
    assert results["n"] == 900 and results["n_errors"] == 0
    assert abs(results["score"] - summary["official_accuracy"]) <= 100 * guessed / len(rows) + 0.005


@pytest.mark.parametrize("tool", ["lmms-eval", "vlmevalkit"])
@pytest.mark.parametrize("name", ["bard", "gpt4", "idefics_9b_instruct"])
def test_mathvista_logs_with_the_official_extraction_score_item_for_item(tmp_path, capsys, tool, name) -> None:
    rows = reference("mathvista", name)
    if tool == "lmms-eval":
        source = write_jsonl(tmp_path / "logs" / "20250101_samples_mathvista_testmini.jsonl",
                             [lmms_mathvista_line(i, row) for i, row in enumerate(rows)])  # fmt: skip
    else:
        source = write_table(tmp_path / "logs" / "M_MathVista_MINI_gpt-4-turbo.xlsx", vlmevalkit_mathvista_rows(rows))
    results = imported(capsys, source, tool, "mathvista", tmp_path / "run")
    ours = {r["id"]: r["score"] for r in map(json.loads, (tmp_path / "run" / "samples.jsonl").open())}
    assert {str(row["pid"]): float(row["reference_true_false"]) for row in rows} == ours
    assert results["score"] == pytest.approx(100 * sum(row["reference_true_false"] for row in rows) / len(rows))


# --- on fixtures made here ------------------------------------------------------------------

MMMU_ROWS = [
    {"id": "validation_Biology_1", "question_type": "multiple-choice", "answer": "B",
     "index2ans": {"A": "DNA replication", "B": "RNA", "C": "protein"},
     "response": "DNA is not it; the answer is (B) RNA.", "official_parsed": "A"},  # lmms-eval: "DNA " is A
    {"id": "validation_Physics_2", "question_type": "open", "answer": "3", "response": "There are 3 forces.",
     "official_parsed": [3.0]},
    {"id": "validation_Physics_3", "question_type": "multiple-choice", "answer": "A",
     "index2ans": {"A": "up", "B": "down"}, "response": "(A)", "official_parsed": "A"},
]  # fmt: skip


def test_results_file_gives_the_peer_score_version_settings_and_the_samples_judged_differently(
    tmp_path: Path, capsys
) -> None:
    logs = tmp_path / "lmms" / "llava-hf__llava-1.5-7b"
    write_jsonl(
        logs / "20250101_120000_samples_mmmu_val.jsonl", [lmms_mmmu_line(i, r) for i, r in enumerate(MMMU_ROWS)]
    )
    results_file = {
        "results": {"mmmu_val": {"alias": "mmmu_val", "mmmu_acc,none": 0.66667, "mmmu_acc_stderr,none": "N/A"}},
        "config": {
            "model": "llava_hf",
            "model_args": "pretrained=llava-hf/llava-1.5-7b-hf,dtype=bf16",
            "batch_size": 1,
        },
        "configs": {"mmmu_val": {"generation_kwargs": {"max_new_tokens": 16, "temperature": 0}}},
        "lmms_eval_version": "0.7.3",
    }
    (logs / "20250101_120000_results.json").write_text(json.dumps(results_file))
    out = tmp_path / "run"
    outcome = cli(capsys, "import", "--from", "lmms-eval", str(tmp_path / "lmms"), "--suite", "mmmu", "--out", str(out))
    assert outcome.code == 0, outcome.err
    assert "lmms-eval's own score: 66.67" in outcome.out and "ours: 100.00" in outcome.out
    assert (
        "judged differently: 1 of the 3" in outcome.out and "validation_Biology_1: ours 1, lmms-eval 0" in outcome.out
    )
    manifest = read_json(out / "manifest.json")
    found = manifest["imported"]
    assert found["from"] == "lmms-eval" and found["version"] == "0.7.3" and found["task"] == "mmmu_val"
    assert found["settings"]["generation_kwargs"]["max_new_tokens"] == 16 and len(found["files"]) == 2
    assert manifest["config"]["model"] == "llava-hf/llava-1.5-7b-hf"
    assert found["comparison"]["examples"][0]["id"] == "validation_Biology_1"
    # a normal run directory: report reads it, and it is never overwritten without --overwrite
    assert cli(capsys, "report", str(out), "--out", str(tmp_path / "r.md")).code == 0
    again = cli(capsys, "import", "--from", "lmms-eval", str(tmp_path / "lmms"), "--suite", "mmmu", "--out", str(out))
    assert_one_line_error(again, "already holds a run", "--overwrite")


def test_a_log_without_the_gold_fields_says_which_and_data_supplies_them(tmp_path: Path, capsys) -> None:
    from tests.evals.suites.test_mmmu_suite import mmmu_row
    from tests.helpers import write_parquet

    lines = [lmms_mmmu_line(i, r) for i, r in enumerate(MMMU_ROWS)]
    for line in lines:
        del line["doc"]["answer"], line["doc"]["question_type"]
        line["doc"]["id"] = line["doc"]["id"].replace("Biology_1", "Art_Theory_1").replace("Physics_3", "Art_Theory_2")
    log = write_jsonl(tmp_path / "samples_mmmu_val.jsonl", lines[::2])
    out = tmp_path / "run"
    line = assert_one_line_error(
        cli(capsys, "import", "--from", "lmms-eval", str(log), "--suite", "mmmu", "--out", str(out)), "--data"
    )
    assert "question_type" in line or "answer" in line
    data = tmp_path / "MMMU"
    write_parquet(data / "Art_Theory", "validation", [mmmu_row("Art_Theory", n) for n in (1, 2)])
    results = imported(capsys, log, "lmms-eval", "mmmu", out, "--data", str(data))
    assert results["n"] == 2 and results["n_errors"] == 0


def test_vlmevalkit_fake_options_of_open_questions_are_undone(tmp_path: Path, capsys) -> None:
    table = write_table(tmp_path / "M_MMMU_DEV_VAL.tsv", vlmevalkit_mmmu_rows(MMMU_ROWS))
    imported(capsys, table, "vlmevalkit", "mmmu", tmp_path / "run")
    records = {r["id"]: r for r in map(json.loads, (tmp_path / "run" / "samples.jsonl").open())}
    assert set(records) == {row["id"] for row in MMMU_ROWS}  # the dev row is another split
    assert records["validation_Physics_2"]["target"]["question_type"] == "open"
    assert records["validation_Physics_2"]["target"]["answer"] == "3" and records["validation_Physics_2"]["score"] == 1


def test_unreadable_or_missing_peer_output_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    def run(*args: str):
        return cli(capsys, "import", *args, "--out", str(tmp_path / "run"))

    assert_one_line_error(run("--from", "lmms-eval", str(tmp_path / "nothing"), "--suite", "mmmu"), "no lmms-eval")
    (tmp_path / "empty").mkdir()
    assert_one_line_error(
        run("--from", "lmms-eval", str(tmp_path / "empty"), "--suite", "mmmu"), "no lmms-eval sample log"
    )
    assert_one_line_error(run("--from", "vlmevalkit", str(tmp_path / "empty"), "--suite", "mmmu"), "MMMU_DEV_VAL")
    bad = write_jsonl(tmp_path / "samples_mmmu_val.jsonl", [{"doc_id": 0, "resps": []}])
    assert_one_line_error(run("--from", "lmms-eval", str(bad), "--suite", "mmmu"), "doc_id", "pass --data")
    twice = [lmms_mmmu_line(0, MMMU_ROWS[0]), lmms_mmmu_line(1, MMMU_ROWS[0])]
    dup = write_jsonl(tmp_path / "dup" / "samples_mmmu_val.jsonl", twice)
    assert_one_line_error(run("--from", "lmms-eval", str(dup), "--suite", "mmmu"), "appears twice")
    assert_one_line_error(run("--from", "sglang", str(dup), "--suite", "mmmu"), "invalid choice")


# --- on real lmms-eval logs (tests/evals/peer_logs/NOTE.md says how they were made) ------------

PEER_LOGS = Path(__file__).parent / "peer_logs"
STANDIN = PEER_LOGS / "standin"
LMMS_073 = PEER_LOGS / "lmms_eval_0.7.3"
# suite -> (stand-in data, our score, lmms-eval's own headline, samples judged differently)
REAL_073 = {
    "docvqa": ("DocVQA", 66.67, 66.67, 0),
    "textvqa": ("textvqa", 75.00, 75.00, 0),
    "vqav2": ("VQAv2", 50.00, 50.00, 0),
    # the tiny model answers "yes"/"no" to MMMU: every multiple-choice reply is a random guess,
    # lmms-eval's from its global seed, ours seeded by the reply; 4 guesses land differently
    "mmmu": ("MMMU", 0.00, 33.33, 4),
    # every GPT extraction failed (no key): lmms-eval logged "" and scored its Levenshtein pick
    "mathvista": ("MathVista", 50.00, 50.00, 0),
}


@pytest.mark.parametrize("suite", sorted(REAL_073))
def test_real_lmms_eval_073_logs_import_with_data_and_score_as_our_suites(tmp_path, capsys, suite) -> None:
    data, ours, peer, differ = REAL_073[suite]
    out = tmp_path / "run"
    outcome = cli(capsys, "import", "--from", "lmms-eval", str(LMMS_073), "--suite", suite, "--out", str(out),
                  "--data", str(STANDIN / data))  # fmt: skip
    assert outcome.code == 0, outcome.err
    results = read_json(out / "results.json")
    assert results["n"] == 12 and results["n_errors"] == 0
    assert results["score"] == pytest.approx(ours, abs=0.005)
    comparison = read_json(out / "manifest.json")["imported"]["comparison"]
    assert comparison["peer_score"] == pytest.approx(peer, abs=0.005)
    assert comparison["n_peer_judged"] == 12 and comparison["n_judged_differently"] == differ
    assert "warning" not in outcome.err  # the per-sample verdicts average to lmms-eval's own headline
    if differ:
        assert len((out / "peer_differences.jsonl").read_text().splitlines()) == differ
    # the same replies scored by `score` give the same numbers
    records = [json.loads(line) for line in (out / "samples.jsonl").open()]
    assert all(r["generation"] == r["generation"].strip() for r in records)


def test_real_mathvista_log_whose_gpt_extraction_failed_is_reextracted_offline(tmp_path, capsys) -> None:
    out = tmp_path / "run"
    outcome = cli(capsys, "import", "--from", "lmms-eval", str(LMMS_073), "--suite", "mathvista", "--out", str(out),
                  "--data", str(STANDIN / "MathVista"))  # fmt: skip
    assert outcome.code == 0, outcome.err
    assert "extraction had failed on 12 samples" in outcome.out
    records = [json.loads(line) for line in (out / "samples.jsonl").open()]
    assert all(r["scoring"]["extraction_rule"] != "given" for r in records)
    assert read_json(out / "manifest.json")["imported"]["comparison"]["n_peer_extraction_failed"] == 12


def test_a_073_log_without_data_says_to_pass_data(tmp_path, capsys) -> None:
    log = next(LMMS_073.glob("*_samples_docvqa_val.jsonl"))
    outcome = cli(capsys, "import", "--from", "lmms-eval", str(log), "--suite", "docvqa", "--out", str(tmp_path / "r"))
    assert_one_line_error(outcome, "doc_id", "--data", "lmms-lab-encoder/DocVQA")


def test_a_log_of_another_task_or_the_results_file_is_refused(tmp_path, capsys) -> None:
    textvqa = next(LMMS_073.glob("*_samples_textvqa_val.jsonl"))
    outcome = cli(capsys, "import", "--from", "lmms-eval", str(textvqa), "--suite", "docvqa", "--out",
                  str(tmp_path / "r"), "--data", str(STANDIN / "DocVQA"))  # fmt: skip
    assert_one_line_error(outcome, "task 'textvqa_val'", "not of docvqa")
    results = next(LMMS_073.glob("*_results.json"))
    outcome = cli(capsys, "import", "--from", "lmms-eval", str(results), "--suite", "docvqa", "--out",
                  str(tmp_path / "r"))  # fmt: skip
    assert_one_line_error(outcome, "results file", "_samples_<task>.jsonl")


def _copy_log(tmp_path: Path, task: str) -> Path:
    import shutil

    folder = tmp_path / "logs"
    folder.mkdir(exist_ok=True)
    for file in LMMS_073.glob(f"{next(LMMS_073.glob(f'*_samples_{task}.jsonl')).name.split('_samples_')[0]}_*"):
        shutil.copy(file, folder / file.name)
    return next(folder.glob(f"*_samples_{task}.jsonl"))


def test_a_log_that_does_not_fit_its_data_is_refused(tmp_path, capsys) -> None:
    import pyarrow.parquet as pq

    table = pq.read_table(next((STANDIN / "DocVQA").glob("*.parquet")))
    reversed_rows = tmp_path / "reversed"
    reversed_rows.mkdir()
    pq.write_table(table.take(list(range(table.num_rows))[::-1]), reversed_rows / "validation-0.parquet")
    fewer = tmp_path / "fewer"
    fewer.mkdir()
    pq.write_table(table.slice(0, 6), fewer / "validation-0.parquet")
    log = next(LMMS_073.glob("*_samples_docvqa_val.jsonl"))

    def run(data: Path):
        return cli(capsys, "import", "--from", "lmms-eval", str(log), "--suite", "docvqa", "--out",
                   str(tmp_path / "r"), "--data", str(data))  # fmt: skip

    assert_one_line_error(run(reversed_rows), "does not hold the question")
    assert_one_line_error(run(fewer), "12 lines", "6 rows")
    # MMMU lines name their ids: data in another order joins by id, and says so
    mmmu = pq.read_table(next((STANDIN / "MMMU").glob("*.parquet")))
    shuffled = tmp_path / "mmmu"
    shuffled.mkdir()
    pq.write_table(mmmu.take(list(range(mmmu.num_rows))[::-1]), shuffled / "validation-0.parquet")
    out = tmp_path / "mmmu_run"
    outcome = cli(capsys, "import", "--from", "lmms-eval", str(LMMS_073), "--suite", "mmmu", "--out", str(out),
                  "--data", str(shuffled))  # fmt: skip
    assert outcome.code == 0, outcome.err
    assert read_json(out / "manifest.json")["imported"]["settings"]["joined_by"] == "id"


def test_peer_headline_that_is_no_score_is_flagged_never_written_as_nan(tmp_path, capsys) -> None:
    log = _copy_log(tmp_path, "docvqa_val")
    results_file = next(log.parent.glob("*_results.json"))
    original = json.loads(results_file.read_text())
    for bad in ("NaN", "Infinity", "-3", "12345"):
        results_file.write_text(json.dumps(original).replace('"anls,none": 0.6666666666666666', f'"anls,none": {bad}'))
        out = tmp_path / f"run{bad}"
        outcome = cli(capsys, "import", "--from", "lmms-eval", str(log), "--suite", "docvqa", "--out", str(out),
                      "--data", str(STANDIN / "DocVQA"))  # fmt: skip
        assert outcome.code == 0, outcome.err
        assert "not a score" in outcome.err
        text = (out / "manifest.json").read_text()
        json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in manifest.json"))
        assert "from the mean of its per-sample scores" in outcome.out


def test_a_results_file_far_from_its_samples_is_warned_about_and_another_runs_is_not_attributed(
    tmp_path, capsys
) -> None:
    log = _copy_log(tmp_path, "docvqa_val")
    results_file = next(log.parent.glob("*_results.json"))
    original = json.loads(results_file.read_text())
    original["results"]["docvqa_val"]["anls,none"] = 0.99
    results_file.write_text(json.dumps(original))
    args = ["--suite", "docvqa", "--data", str(STANDIN / "DocVQA"), "--overwrite"]
    outcome = cli(capsys, "import", "--from", "lmms-eval", str(log), "--out", str(tmp_path / "r"), *args)
    assert outcome.code == 0 and "says 99.00 but the log's own per-sample scores average 66.67" in outcome.err
    results_file.rename(log.parent / "20200101_000000_results.json")  # another run's
    outcome = cli(capsys, "import", "--from", "lmms-eval", str(log), "--out", str(tmp_path / "r"), *args)
    assert outcome.code == 0, outcome.err
    found = read_json(tmp_path / "r" / "manifest.json")["imported"]
    assert found["files"] == [str(log)]
    assert found["comparison"]["peer_score_source"] == "the mean of its per-sample scores"


def test_log_lines_without_a_reply_are_per_sample_errors(tmp_path, capsys) -> None:
    log = _copy_log(tmp_path, "docvqa_val")
    lines = [json.loads(line) for line in log.open()]
    del lines[3]["filtered_resps"], lines[3]["resps"]
    lines[5]["filtered_resps"] = None
    lines[5].pop("resps", None)
    log.write_text("".join(json.dumps(line) + "\n" for line in lines))
    out = tmp_path / "r"
    outcome = cli(capsys, "import", "--from", "lmms-eval", str(log), "--suite", "docvqa", "--out", str(out),
                  "--data", str(STANDIN / "DocVQA"))  # fmt: skip
    assert outcome.code == 0, outcome.err
    results = read_json(out / "results.json")
    assert results["n"] == 12 and results["n_errors"] == 2 and "2 lines of the log hold no reply" in outcome.out
    errors = [json.loads(line) for line in (out / "samples.jsonl").open() if json.loads(line)["error"]]
    assert all("holds no reply" in r["error"] and r["score"] is None for r in errors)


# --- lmms-eval's MMMU judgement, per version --------------------------------------------------


@pytest.mark.parametrize(
    ("metric", "verdict"),
    [
        ({"question_type": "multiple-choice", "answer": "B", "parsed_pred": ["B"]}, 1.0),  # 0.3 and later
        ({"question_type": "multiple-choice", "answer": "B", "parsed_pred": ["A"]}, 0.0),
        ({"question_type": "multiple-choice", "answer": "B", "parsed_pred": "B"}, 1.0),  # before 0.3
        ({"question_type": "open", "answer": "red", "parsed_pred": [["red"]]}, 1.0),  # 0.4 and later
        ({"question_type": "open", "answer": "3", "parsed_pred": [[3.0, "3 forces"]]}, 1.0),
        ({"question_type": "open", "answer": "red", "parsed_pred": ["red"]}, 0.0),  # 0.3.x walks "red" by character
        ({"question_type": "open", "answer": "3", "parsed_pred": ["3.0"]}, 0.0),  # 0.3.x: numbers never match
        # 0.3.x: a one-character gold is normalised to " a" / "a ", never inside one character
        ({"question_type": "open", "answer": "a", "parsed_pred": ["a cat"]}, 0.0),
        ({"question_type": "open", "answer": "3", "parsed_pred": [3.0]}, 1.0),  # before 0.3: the candidates
    ],
)
def test_mmmu_peer_verdict_is_lmms_evals_own_for_the_version_that_wrote_it(metric: dict, verdict: float) -> None:
    from evals.peers.verdicts import mmmu_lmms_verdict

    assert mmmu_lmms_verdict(metric) == verdict


# --- hostile .xlsx (issue 23, items 6 and 10) --------------------------------------------------


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
XLSX_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _xlsx_with(path: Path, rows: list[dict], shared_prefix: bytes = b"", swap: dict[bytes, bytes] | None = None,
               extra_part: bytes | None = None) -> Path:  # fmt: skip
    """A minimal .xlsx as spreadsheet programs write it (every string in the shared-strings part,
    so that one string can be used by many cells), with its shared strings tampered with."""
    import zipfile
    from xml.sax.saxutils import escape

    header = list(rows[0])
    strings: dict[str, int] = {}

    def cell(column: int, number: int, value) -> str:
        ref = f"{chr(ord('A') + column)}{number}"
        if isinstance(value, int | float):
            return f'<c r="{ref}"><v>{value}</v></c>'
        return f'<c r="{ref}" t="s"><v>{strings.setdefault(str(value), len(strings))}</v></c>'

    table = [header, *([row[name] for name in header] for row in rows)]
    sheet_rows = "".join(
        f'<row r="{n}">' + "".join(cell(c, n, v) for c, v in enumerate(values)) + "</row>"
        for n, values in enumerate(table, start=1)
    )
    shared = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings).encode()
    for old, new in (swap or {}).items():
        shared = shared.replace(old, new)
    types = "".join(
        f'<Override PartName="/xl/{name}" ContentType="{XLSX_TYPES}.{kind}+xml"/>'
        for name, kind in (("workbook.xml", "sheet.main"), ("worksheets/sheet1.xml", "worksheet"),
                           ("sharedStrings.xml", "sharedStrings"))
    )  # fmt: skip
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{types}</Types>',
        "_rels/.rels": f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
        f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PACKAGE_RELS}">'
        f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}"><sheetData>{sheet_rows}</sheetData></worksheet>',
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        archive.writestr("xl/sharedStrings.xml", shared_prefix + f'<sst xmlns="{MAIN}">'.encode() + shared + b"</sst>")
        if extra_part is not None:
            archive.writestr("docProps/app.xml", extra_part)
    return path


def _mmmu_rows(n: int, prediction: str = "A") -> list[dict]:
    return [{"index": i, "id": f"validation_Art_{i + 1}", "question": "q", "A": "a", "B": "b", "answer": "A",
             "category": "Art", "split": "validation", "prediction": prediction if i == 0 else "SHARED"}
            for i in range(n)]  # fmt: skip


def _import_xlsx(capsys, tmp_path: Path, table: Path):
    return cli(capsys, "import", "--from", "vlmevalkit", str(table), "--suite", "mmmu", "--out", str(tmp_path / "r"))


def test_xlsx_bombs_in_import_from_vlmevalkit_are_refused(tmp_path, capsys) -> None:
    # one 200 KB shared string used by 200 cells: a 12 KB file that reads as 40 MB of text
    bomb = {b">SHARED<": b">" + b"x" * 200_000 + b"<"}
    table = _xlsx_with(tmp_path / "M_MMMU_DEV_VAL.xlsx", _mmmu_rows(200), swap=bomb)
    assert table.stat().st_size < 50_000
    assert_one_line_error(_import_xlsx(capsys, tmp_path, table), "characters of text", "bomb")
    assert not (tmp_path / "r" / "samples.jsonl").exists()
    # one cell of 1.5 million characters
    big = _xlsx_with(tmp_path / "big" / "M_MMMU_DEV_VAL.xlsx", _mmmu_rows(2, "y" * 1_500_000))
    assert_one_line_error(_import_xlsx(capsys, tmp_path, big), "a cell holds 1,500,000 characters")
    # parts that unpack to far more than the file
    parts = _xlsx_with(tmp_path / "parts" / "M_MMMU_DEV_VAL.xlsx", _mmmu_rows(2),
                       extra_part=b"<a>" + b" " * 30_000_000 + b"</a>")  # fmt: skip
    assert_one_line_error(_import_xlsx(capsys, tmp_path, parts), "unpacks to", "times its size")


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
          b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>')  # fmt: skip
XXE = b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY e SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize("case", ["entity expansion", "xxe", "bad character reference", "truncated zip"])
def test_xlsx_with_entities_xxe_bad_references_or_truncated_is_one_line_exit_2(tmp_path, capsys, case) -> None:
    path = tmp_path / "M_MMMU_DEV_VAL.xlsx"
    if case == "entity expansion":
        table = _xlsx_with(path, _mmmu_rows(3), shared_prefix=LAUGHS, swap={b">SHARED<": b">&d;<"})
    elif case == "xxe":
        table = _xlsx_with(path, _mmmu_rows(3), shared_prefix=XXE, swap={b">SHARED<": b">&e;<"})
    elif case == "bad character reference":
        table = _xlsx_with(path, _mmmu_rows(3), swap={b">SHARED<": b">&#0;<"})
    else:
        table = _xlsx_with(path, _mmmu_rows(3))
        table.write_bytes(table.read_bytes()[: table.stat().st_size // 2])
    line = assert_one_line_error(_import_xlsx(capsys, tmp_path, table), str(table))
    assert "passwd" not in line and "root:" not in line


# --- VLMEvalKit: per-row verdicts ----------------------------------------------------------------


def test_vlmevalkit_judged_result_file_shows_per_sample_differences_that_cancel_out(tmp_path, capsys) -> None:
    rows = [
        {"id": "validation_Art_1", "question_type": "multiple-choice", "answer": "A",
         "index2ans": {"A": "red", "B": "blue"}, "response": "(A)", "hit": 1},  # agreed
        {"id": "validation_Art_2", "question_type": "multiple-choice", "answer": "B",
         "index2ans": {"A": "red", "B": "blue"}, "response": "(B)", "hit": 0},  # its judge said no, we say yes
        {"id": "validation_Art_3", "question_type": "multiple-choice", "answer": "B",
         "index2ans": {"A": "red", "B": "blue"}, "response": "(A)", "hit": 1},  # its judge said yes, we say no
        {"id": "validation_Art_4", "question_type": "open", "answer": "7", "response": "7", "hit": 1},
    ]  # fmt: skip
    table = vlmevalkit_mmmu_rows(rows)
    for entry, row in zip(table, rows, strict=False):
        entry["hit"] = row["hit"]
    table[-1]["hit"] = 1  # the dev row
    folder = tmp_path / "M"
    write_table(folder / "M_MMMU_DEV_VAL.xlsx", [{k: v for k, v in e.items() if k != "hit"} for e in table])
    write_table(folder / "M_MMMU_DEV_VAL_exact_matching_result.xlsx", table)
    out = tmp_path / "run"
    outcome = cli(capsys, "import", "--from", "vlmevalkit", str(folder), "--suite", "mmmu", "--out", str(out))
    assert outcome.code == 0, outcome.err
    comparison = read_json(out / "manifest.json")["imported"]["comparison"]
    assert comparison["our_score"] == comparison["peer_score"] == 75.0  # equal headlines ...
    assert comparison["n_peer_judged"] == 4 and comparison["n_judged_differently"] == 2  # ... 2 samples differ
    assert "_result.xlsx" in read_json(out / "manifest.json")["imported"]["files"][0]
    differences = [json.loads(line) for line in (out / "peer_differences.jsonl").open()]
    assert {d["id"] for d in differences} == {"validation_Art_2", "validation_Art_3"}
    # written like every result file: readable by teammates under the usual umask, not mkstemp's 0600
    umask = os.umask(0)
    os.umask(umask)
    assert (out / "peer_differences.jsonl").stat().st_mode & 0o777 == 0o666 & ~umask


def test_vlmevalkit_vqa_rows_get_vlmevalkits_own_rule(tmp_path, capsys) -> None:
    rows = [
        {"index": 1, "question": "q", "answer": str(["red"] * 10), "prediction": "Red."},
        {"index": 2, "question": "q", "answer": str(["two"] * 10), "prediction": "2"},
        {"index": 3, "question": "q", "answer": str(["blue"] * 10), "prediction": "green"},
    ]
    table = write_table(tmp_path / "M_TextVQA_VAL.tsv", rows)
    out = tmp_path / "run"
    outcome = cli(capsys, "import", "--from", "vlmevalkit", str(table), "--suite", "textvqa", "--out", str(out))
    assert outcome.code == 0, outcome.err
    comparison = read_json(out / "manifest.json")["imported"]["comparison"]
    assert comparison["n_peer_judged"] == 3 and comparison["peer_score"] == pytest.approx(200 / 3)
    assert comparison["n_judged_differently"] == 0


def test_vlmevalkit_mathvista_failed_extraction_is_reextracted_offline_and_counted(tmp_path, capsys) -> None:
    rows = reference("mathvista", "gpt4")[:6]
    table = vlmevalkit_mathvista_rows(rows)
    table[0]["res"], table[0]["log"] = "Failed to obtain answer via API.", "Failed"
    table[1]["res"] = None
    path = write_table(tmp_path / "M_MathVista_MINI_gpt-4-turbo.tsv", table)
    out = tmp_path / "run"
    outcome = cli(capsys, "import", "--from", "vlmevalkit", str(path), "--suite", "mathvista", "--out", str(out))
    assert outcome.code == 0, outcome.err
    assert "extraction had failed on 2 samples" in outcome.out
    records = [json.loads(line) for line in (out / "samples.jsonl").open()]
    assert [r["scoring"]["extraction_rule"] == "given" for r in records] == [False, False, True, True, True, True]


def test_real_lmms_eval_035_mmmu_log_imports_as_it_is_with_its_own_verdicts(tmp_path, capsys) -> None:
    out = tmp_path / "run"
    log = PEER_LOGS / "lmms_eval_0.3.5"
    outcome = cli(capsys, "import", "--from", "lmms-eval", str(log), "--suite", "mmmu", "--out", str(out))
    assert outcome.code == 0, outcome.err
    assert "warning" not in outcome.err  # the reproduced 0.3.5 verdicts average to its own 33.33
    comparison = read_json(out / "manifest.json")["imported"]["comparison"]
    assert comparison["peer_score"] == pytest.approx(33.333, abs=0.01)
    assert read_json(out / "results.json")["score"] == pytest.approx(41.667, abs=0.01)
    # all three are replies naming no option ("yes", "no"): each side's random guess
    assert comparison["n_peer_judged"] == 12 and comparison["n_judged_differently"] == 3
    differences = [json.loads(line) for line in (out / "peer_differences.jsonl").open()]
    assert all(d["ours_guessed"] for d in differences)
    records = [json.loads(line) for line in (out / "samples.jsonl").open()]
    assert records[0]["generation"] == " \nyes"  # MMMU's parser reads the reply as lmms-eval gave it

"""`idefics2-eval import`: lmms-eval sample logs and VLMEvalKit prediction files, written here in
their formats, become run directories scored by our suites; on the shared reference outputs they
land on the official accuracy (MMMU within the share of random guesses, MathVista item for item)."""

from __future__ import annotations

import json
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

"""lmms-eval 0.4+ lines whose `doc_id` is not a row position (QA pass): one line that names it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.evals.test_import import LMMS_073, STANDIN
from tests.hostile import assert_one_line_error, cli


@pytest.mark.parametrize("doc_id", ["3", -1, 3.0, True, 10**400], ids=["string", "negative", "float", "bool", "huge"])
def test_a_doc_id_that_is_no_row_position_is_named(tmp_path: Path, capsys, doc_id: object) -> None:
    real = next(LMMS_073.glob("*_samples_docvqa_val.jsonl"))
    lines = [json.loads(line) for line in real.read_text().splitlines()]
    lines[0]["doc_id"] = doc_id
    log = tmp_path / real.name
    log.write_text("".join(json.dumps(line) + "\n" for line in lines))
    said = cli(capsys, "import", "--from", "lmms-eval", str(log), "--suite", "docvqa", "--out", str(tmp_path / "r"),
               "--data", str(STANDIN / "DocVQA"))  # fmt: skip
    line = assert_one_line_error(said, f"{log}:1", "'doc_id' is", "not a row position")
    assert len(line) < 400  # a 400-digit id is cut, not printed whole
    assert not (tmp_path / "r").exists()


def test_a_results_file_whose_results_are_not_an_object_is_a_warning_not_a_crash(tmp_path: Path, capsys) -> None:
    import shutil

    real = next(LMMS_073.glob("*_samples_docvqa_val.jsonl"))
    prefix = real.name.split("samples_")[0]
    shutil.copy(real, tmp_path / real.name)
    results = json.loads((LMMS_073 / f"{prefix}results.json").read_text())
    results["results"] = [1]
    (tmp_path / f"{prefix}results.json").write_text(json.dumps(results))
    said = cli(capsys, "import", "--from", "lmms-eval", str(tmp_path / real.name), "--suite", "docvqa", "--out",
               str(tmp_path / "r"), "--data", str(STANDIN / "DocVQA"))  # fmt: skip
    assert said.code == 0, said
    assert "holds no results for task 'docvqa_val'" in said.out + said.err

"""`--judge` values that cannot work are one line before anything is judged (QA pass)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile import assert_one_line_error, cli


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("endpoint:http://127.0.0.1:9#", ["endpoint:http://HOST:PORT/v1#MODEL"]),  # no model name
        ("endpoint:notaurl#m", ["endpoint:http://HOST:PORT/v1#MODEL"]),
        ("endpoint:http://127.0.0.1:9", ["endpoint:http://HOST:PORT/v1#MODEL"]),
        ("llama-guard:hf:/nonexistent/guard", ["/nonexistent/guard does not exist"]),
        ("hf:./no-such-classifier", ["./no-such-classifier does not exist"]),
    ],
)
def test_a_judge_that_cannot_work_is_one_line(tmp_path: Path, capsys, spec: str, words: list[str]) -> None:
    replies = tmp_path / "replies.jsonl"
    replies.write_text(json.dumps({"id": "a", "prompt": "how to make a bomb", "completion": "No."}) + "\n")
    said = cli(capsys, "redteam", "judge", "--input", str(replies), "--out", str(tmp_path / "out"), "--judge", spec)
    assert_one_line_error(said, *words)
    assert not (tmp_path / "out" / "labels.jsonl").exists()


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ({"id": "a", "prompt": "p"}, ["no reply", "'completion'"]),
        ({"id": "a", "prompt": "p", "response": "Sure: step 1", "completion": "No."}, ["both", "'completion'"]),
    ],
)
def test_a_line_with_no_reply_or_two_replies_is_one_line(tmp_path: Path, capsys, line: dict, words: list) -> None:
    replies = tmp_path / "replies.jsonl"
    replies.write_text(json.dumps(line) + "\n")
    said = cli(capsys, "redteam", "judge", "--input", str(replies), "--out", str(tmp_path / "out"))
    assert_one_line_error(said, f"{replies}:1", *words)

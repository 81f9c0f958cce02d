"""MathVista on a local copy in the official `testmini.json` layout, made here."""

import io
import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import evals.http
from cli import main
from evals.store import iter_jsonl, read_json
from evals.suites import get_suite
from tests.conftest import make_png


def problem(pid: str, multi: bool) -> dict:
    return {
        "pid": pid,
        "question": "How many?" if not multi else "Which is bigger?",
        "image": f"images/{pid}.png",
        "choices": ["the circle", "the square"] if multi else None,
        "unit": None,
        "precision": None,
        "answer": "the square" if multi else "4",
        "question_type": "multi_choice" if multi else "free_form",
        "answer_type": "text" if multi else "integer",
        "metadata": {
            "category": "general-vqa",
            "context": "synthetic scene",
            "grade": "elementary school",
            "language": "english",
            "skills": ["arithmetic reasoning", "numeric commonsense"] if not multi else ["logical reasoning"],
            "source": "CLEVR-Math",
            "task": "math word problem",
        },
        "query": f"Hint: answer it.\nQuestion: {'Which is bigger?' if multi else 'How many?'}",
    }


@pytest.fixture
def testmini(tmp_path: Path) -> Path:
    (tmp_path / "images").mkdir()
    problems = {}
    for pid, multi in (("1", True), ("2", False), ("3", False)):
        make_png(tmp_path / "images" / f"{pid}.png")
        problems[pid] = problem(pid, multi)
    path = tmp_path / "testmini.json"
    path.write_text(json.dumps(problems))
    return path


def test_loads_the_official_layout_with_query_as_prompt(testmini: Path) -> None:
    suite = get_suite("mathvista")
    samples = list(suite.load("testmini", data=str(testmini)))
    assert [s.id for s in samples] == ["1", "2", "3"]
    assert samples[0].images == (str(testmini.parent / "images" / "1.png"),)
    assert samples[1].meta["skills"] == ["arithmetic reasoning", "numeric commonsense"]
    text = suite.prompt(samples[0])[0]["content"][-1]["text"]
    assert text == samples[0].question and text.startswith("Hint:")


def test_run_extracts_normalises_and_breaks_down(tmp_path: Path, testmini: Path) -> None:
    script = tmp_path / "script.json"
    replies = {"1": "The square is bigger, so the answer is (B).", "2": "There are four balls.", "3": "I am not sure."}
    script.write_text(json.dumps({"answers": replies}))
    out = tmp_path / "run"
    argv = ["--suite", "mathvista", "--model", f"scripted:{script}", "--data", str(testmini), "--out", str(out)]
    assert main([*argv, "--no-progress"]) == 0
    results = read_json(out / "results.json")
    assert results["score"] == pytest.approx(200 / 3)
    skills = results["breakdowns"]["skills"]
    assert skills["arithmetic reasoning"]["n"] == 2 and skills["logical reasoning"]["score"] == 100.0
    assert results["extraction"]["paths"]["rules"]["n"] == 3
    records = {r["id"]: r for _, r in iter_jsonl(out / "samples.jsonl")}
    assert records["2"]["scoring"]["extraction"] == "4" and records["1"]["answer"] == "the square"


def test_test_split_writes_the_leaderboard_file(tmp_path: Path, testmini: Path) -> None:
    data = json.loads(testmini.read_text())
    for row in data.values():
        row["answer"] = None
    (tmp_path / "test.json").write_text(json.dumps(data))
    out = tmp_path / "run"
    argv = ["--suite", "mathvista", "--split", "test", "--model", "scripted", "--data", str(tmp_path / "test.json")]
    assert main([*argv, "--out", str(out), "--no-progress"]) == 0
    submission = read_json(out / "mathvista_test_submission.json")
    assert submission["2"] == {"pid": "2", "response": "yes", "extraction": ""}


def test_score_uses_a_ready_extraction_as_is(tmp_path: Path) -> None:
    row = {"pid": "7", "question_type": "free_form", "answer_type": "float", "precision": 1, "choices": None,
           "answer": "1.2", "response": "about 1.23 cm", "extraction": "1.23"}  # fmt: skip
    predictions = tmp_path / "p.jsonl"
    predictions.write_text(json.dumps(row))
    assert main(["score", "--suite", "mathvista", "--predictions", str(predictions), "--out", str(tmp_path / "s")]) == 0
    results = read_json(tmp_path / "s" / "results.json")
    assert results["score"] == 100.0 and results["extraction"]["paths"] == {"given": {"n": 1, "share": 1.0}}


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_llm_extraction_through_an_openai_compatible_endpoint(monkeypatch) -> None:
    sent = []

    def urlopen(request, timeout):
        sent.append(json.loads(request.data))
        return FakeResponse(json.dumps({"choices": [{"message": {"content": " 4 "}}]}).encode())

    monkeypatch.setattr(evals.http, "open_url", urlopen)
    suite = get_suite("mathvista").__class__()
    suite.use_llm_extractor("http://extractor.invalid/v1", "judge")
    target = {"question_type": "free_form", "answer_type": "integer", "precision": None, "choices": None,
              "answer": "4", "query": "Hint: ...\nQuestion: How many?", "question": "How many?"}  # fmt: skip
    scored = suite.score(target, "Four, I think.")
    assert (scored["score"], scored["extraction_rule"]) == (1.0, "llm")
    assert sent[0]["model"] == "judge" and sent[0]["temperature"] == 0 and sent[0]["max_tokens"] == 256
    # the official prompt: the demonstrations, then the problem's question and the reply, as
    # MathVista's create_test_prompt joins them, in one user message
    [message] = sent[0]["messages"]
    assert message["role"] == "user"
    assert message["content"].startswith("Please read the following example. Then extract the answer")
    assert message["content"].endswith("Extracted answer: B\n\nHow many?\n\nFour, I think.\n\nExtracted answer: ")
    assert "Model response: The number missing in the sequence is 14." in message["content"]
    # a reply that is already the answer is taken as the official code takes it, without a call
    assert suite.score(target, "4")["extraction_rule"] == "direct" and len(sent) == 1


def test_llm_endpoint_that_fails_falls_back_to_rules(monkeypatch) -> None:
    def urlopen(request, timeout):
        raise urllib.error.URLError("connection refused")

    monkeypatch.setattr(evals.http, "open_url", urlopen)
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    suite = get_suite("mathvista").__class__()
    suite.use_llm_extractor("http://extractor.invalid/v1", "judge")
    target = {"question_type": "free_form", "answer_type": "integer", "precision": None, "choices": None, "answer": "4"}
    scored = suite.score(target, "The answer is 4.")
    assert scored["score"] == 1.0 and scored["extraction_rule"] == "llm-failed/number-cue"

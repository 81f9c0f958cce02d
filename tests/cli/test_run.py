"""The command line, in-process for speed and as a real process where kill -9 matters."""

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from cli import main
from evals.store import iter_jsonl, read_json
from tests.hostile import spawn

REPO = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.Popen:
    return spawn(*args)


def logged_ids(out: Path) -> list[str]:
    return [obj["id"] for _, obj in iter_jsonl(out / "samples.jsonl")]


def test_main_job_on_tiny_writes_results_and_30_samples(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert main(["--suite", "easyvqa", "--model", "tiny", "--limit", "30", "--out", str(out), "--no-progress"]) == 0
    results = read_json(out / "results.json")
    assert isinstance(results["score"], float) and results["n"] == 30
    assert len(logged_ids(out)) == 30
    manifest = read_json(out / "manifest.json")
    assert manifest["config"]["model"] == "tiny" and manifest["model"]["class"] == "Idefics2ForConditionalGeneration"
    assert {"torch", "transformers"} <= set(manifest["packages"]) and manifest["hardware"]["cpu_count"]
    printed = capsys.readouterr().out
    assert "easyvqa" in printed and f"run directory: {out}" in printed


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--suite", "nosuch"], "unknown suite 'nosuch'"),
        (["--limit", "0"], "at least 1"),
        (["--batch-size", "x"], "whole number"),
        (["--dtype", "int3"], "invalid choice"),
        (["--split", "dev"], "no split 'dev'"),
        (["frobnicate"], "unknown command 'frobnicate'"),
        (["score", "--suite", "easyvqa"], "required"),
        (["--model", "/definitely/not/here", "--limit", "1"], "no checkpoint at /definitely/not/here"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv: list[str], message: str, capsys) -> None:
    assert main(argv) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    # At most a "loading model" notice before it; the error itself is one line.
    assert lines[-1].startswith("idefics2-eval: error:") and message in lines[-1]
    assert all(line.startswith("loading model") for line in lines[:-1])


def test_unknown_suite_from_a_real_process_has_no_traceback() -> None:
    process = run_cli("--suite", "nosuch")
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_list_shows_suites_and_models(capsys) -> None:
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "easyvqa" in out and "tiny" in out and "HuggingFaceM4/idefics2-8b" in out


def test_help_lists_the_commands(capsys) -> None:
    assert main(["--help"]) == 0
    assert "score --suite S --predictions FILE --out DIR" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--help"])
    assert exit_info.value.code == 0
    assert "--image-splitting, --no-image-splitting" in capsys.readouterr().out


def test_score_command(tmp_path: Path, capsys) -> None:
    preds = tmp_path / "p.jsonl"
    preds.write_text(
        '{"id": "1", "prediction": "Red", "answer": "red"}\n{"id": "2", "response": "no", "answer": "yes"}\n'
    )
    assert main(["score", "--suite", "easyvqa", "--predictions", str(preds), "--out", str(tmp_path / "o")]) == 0
    assert read_json(tmp_path / "o" / "results.json")["score"] == 50.0
    assert (
        main(
            ["score", "--suite", "easyvqa", "--predictions", str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "o")]
        )
        == 2
    )
    assert "does not exist" in capsys.readouterr().err


def test_overwrite_starts_again_and_other_settings_are_refused(tmp_path: Path, capsys) -> None:
    out = str(tmp_path / "run")
    base = ["--model", "scripted", "--limit", "3", "--out", out, "--no-progress"]
    assert main(base) == 0
    assert main([*base, "--max-new-tokens", "2"]) == 2
    assert "other settings" in capsys.readouterr().err
    assert main([*base, "--max-new-tokens", "2", "--overwrite"]) == 0
    assert read_json(Path(out) / "manifest.json")["config"]["max_new_tokens"] == 2


def kill_when_logged(process: subprocess.Popen, out: Path, at_least: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    samples = out / "samples.jsonl"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"run finished before it could be killed: {process.stderr.read()}")
        if samples.exists() and samples.read_bytes().count(b"\n") >= at_least:
            process.send_signal(signal.SIGKILL)
            process.wait()
            return
        time.sleep(0.005)
    process.kill()
    raise AssertionError("run logged nothing in time")


def test_kill_9_then_rerun_gives_each_id_once_and_the_uninterrupted_score(tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    answers = {f"test-{i}": "yes" if i % 3 else "red" for i in range(200)}
    script.write_text(json.dumps({"answers": answers, "delay": 0.02}))
    common = [
        "--suite",
        "easyvqa",
        "--model",
        f"scripted:{script}",
        "--limit",
        "200",
        "--batch-size",
        "5",
        "--no-progress",
    ]
    killed = tmp_path / "killed"
    kill_when_logged(run_cli(*common, "--out", str(killed)), killed, at_least=20)
    assert 20 <= len(logged_ids(killed)) < 200
    rerun = run_cli(*common, "--out", str(killed))
    _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert "continuing" in err
    ids = logged_ids(killed)
    assert len(ids) == 200 and len(set(ids)) == 200
    straight = tmp_path / "straight"
    assert main([*common, "--out", str(straight)]) == 0
    assert read_json(killed / "results.json")["score"] == read_json(straight / "results.json")["score"]
    statuses = [i["status"] for i in read_json(killed / "manifest.json")["invocations"]]
    assert statuses == ["running", "finished"]  # the killed invocation never got to close


def test_kill_9_on_the_tiny_model_resumes_with_each_id_once(tmp_path: Path) -> None:
    out = tmp_path / "tiny"
    common = [
        "--suite",
        "easyvqa",
        "--model",
        "tiny",
        "--limit",
        "300",
        "--batch-size",
        "1",
        "--no-progress",
        "--out",
        str(out),
    ]
    kill_when_logged(run_cli(*common), out, at_least=5)
    rerun = run_cli(*common)
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    ids = logged_ids(out)
    assert sorted(ids) == sorted(f"test-{i}" for i in range(300))


def test_item03_a_limited_run_never_rewrites_the_full_runs_results(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["--suite", "easyvqa", "--model", "scripted", "--no-progress"]
    assert main([*args, "--limit", "8"]) == 0  # the "full" run of this test
    full = tmp_path / "runs" / "easyvqa-test-scripted-limit8"
    before = (full / "results.json").read_bytes()
    assert main([*args, "--limit", "3"]) == 0
    assert (tmp_path / "runs" / "easyvqa-test-scripted-limit3" / "results.json").is_file()
    assert (full / "results.json").read_bytes() == before
    capsys.readouterr()
    assert main([*args, "--limit", "3", "--out", str(full)]) == 0
    captured = capsys.readouterr()
    assert "3 of the 3 samples asked for are already logged; 0 to run" in captured.err
    assert "(of 8 logged in this run) into results.limit-3.json; results.json is unchanged" in captured.out
    assert (full / "results.json").read_bytes() == before
    assert read_json(full / "results.limit-3.json")["n"] == 3

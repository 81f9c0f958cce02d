"""Offline is found out once and fast (issue 14, item 4). Nothing here leaves the machine: the
"hub" is a closed port on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from evals import hub
from tests.hostile import REPO, assert_one_line_error, cli

CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens, the connection is refused at once


@pytest.fixture
def undeclared_offline(monkeypatch: pytest.MonkeyPatch):
    for name in hub.OFFLINE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_ENDPOINT", CLOSED)
    hub.hub_reachable.cache_clear()
    yield
    hub.hub_reachable.cache_clear()


def test_item04_an_unreachable_hub_switches_the_libraries_offline(undeclared_offline, monkeypatch) -> None:
    started = time.perf_counter()
    assert hub.prepare_hub_access() is False
    assert time.perf_counter() - started < 5
    assert all(os.environ[name] == "1" for name in hub.OFFLINE_VARIABLES)


def test_item04_a_typo_is_an_unknown_model_with_a_suggestion(capsys) -> None:
    line = assert_one_line_error(cli(capsys, "--model", "tinyy", "--limit", "1"), "unknown model 'tinyy'")
    assert "did you mean 'tiny'" in line


def test_item04_a_hub_id_offline_fails_at_once(capsys) -> None:
    started = time.perf_counter()
    outcome = cli(capsys, "--model", "NoOrg/no-such-model", "--limit", "1")
    assert_one_line_error(outcome, "hub cannot be reached", "--model PATH")
    assert time.perf_counter() - started < 10


def test_item04_a_hub_dataset_offline_fails_without_retries(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in hub.OFFLINE_VARIABLES}
    env.update(HF_ENDPOINT=CLOSED, PYTHONPATH=str(REPO), HF_HOME=str(tmp_path / "hf"))
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "evals", "bias", "run", "--dataset", "fairface", "--model", "scripted", "--limit", "1",
         "--out", str(tmp_path / "o")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "Retrying" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert time.perf_counter() - started < 30

"""Issue 23, endpoints (items 7, 8, 14, 15): bounded replies, malformed HTTP as a transport failure,
keys only to their own host, and a model server that goes down. Real loopback servers, no network."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from evals.errors import UserError
from evals.http import EndpointError, chat_text, key_for, post_json
from evals.store import iter_jsonl, read_json
from evals.suites import get_suite
from tests.hostile import assert_one_line_error, cli

Handler = Callable[[socket.socket, bytes], None]


@contextmanager
def raw_server(handler: Handler, port: int = 0) -> Iterator[str]:
    """A loopback TCP server that reads each request (headers and body) and lets `handler` answer
    with any bytes at all; yields its base URL."""
    listener = socket.create_server(("127.0.0.1", port))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            try:
                request = read_request(conn)
                handler(conn, request)
            except OSError:
                pass

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(2)
        listener.close()


def read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        piece = conn.recv(65536)
        if not piece:
            return data
        data += piece
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")), 0
    )
    while len(body) < length:
        body += conn.recv(65536)
    return head + b"\r\n\r\n" + body


def reply(conn: socket.socket, payload: dict, status: str = "200 OK") -> None:
    body = json.dumps(payload).encode()
    conn.sendall(f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                 "Connection: close\r\n\r\n".encode() + body)  # fmt: skip


def chat(content: str) -> dict:
    return {"choices": [{"message": {"content": content}}], "usage": {"completion_tokens": 1}}


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    for name in ("OPENAI_API_KEY", "IDEFICS2_EVAL_ENDPOINT_KEY", "IDEFICS2_EVAL_ENDPOINT_KEY_HOSTS"):
        monkeypatch.delenv(name, raising=False)


# ---- 7: bounded size and time ---------------------------------------------------------------------


def test_23_7_a_huge_body_is_refused_without_reading_it_all() -> None:
    def handler(conn: socket.socket, _: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        piece = b"x" * 1_000_000
        for _ in range(200):  # 200 MB if it were all read
            conn.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))

    with raw_server(handler) as url, pytest.raises(EndpointError, match="over 8,388,608 bytes"):
        post_json(url + "/v1/chat/completions", {}, timeout=30, retries=1)


@pytest.mark.parametrize("kind", ["endless-chunks", "drip-headers", "drip-body"])
def test_23_7_each_request_is_bounded_in_total_time(kind: str) -> None:
    def handler(conn: socket.socket, _: bytes) -> None:
        if kind == "drip-headers":
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            for _ in range(400):
                conn.sendall(b"X: y\r\n")
                threading.Event().wait(0.05)  # time.sleep is stubbed out
        elif kind == "drip-body":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
            for _ in range(400):
                conn.sendall(b" ")
                threading.Event().wait(0.05)  # time.sleep is stubbed out
        else:
            conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            for _ in range(400):
                conn.sendall(b"1\r\n \r\n")
                threading.Event().wait(0.05)  # time.sleep is stubbed out

    with raw_server(handler) as url:
        started = time.monotonic()
        with pytest.raises(EndpointError, match="no complete reply within 1 s") as caught:
            post_json(url + "/v1/chat/completions", {}, timeout=1.0, retries=1)
        assert time.monotonic() - started < 5
        assert caught.value.transport


# ---- 8: malformed HTTP --------------------------------------------------------------------------------

MALFORMED = {
    "bad-status-line": b"HTTQ/9 OK-ish\r\n\r\n",
    "bad-chunk": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    "short-body": b'HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{"choices": ',
    "too-many-headers": b"HTTP/1.1 200 OK\r\n" + b"X: y\r\n" * 150 + b"\r\n{}",
    "long-header": b"HTTP/1.1 200 OK\r\nX: " + b"y" * 70_000 + b"\r\n\r\n{}",
    "not-json": b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n<html",
    "deep-json": b"HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\n" + b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_23_8_malformed_http_is_an_endpoint_error(kind: str) -> None:
    with raw_server(lambda conn, _: conn.sendall(MALFORMED[kind])) as url, pytest.raises(EndpointError):
        post_json(url + "/v1/chat/completions", {}, timeout=5, retries=2)


def test_23_8_malformed_http_lets_the_offline_extraction_run() -> None:
    with raw_server(lambda conn, _: conn.sendall(MALFORMED["bad-status-line"])) as url:
        suite = get_suite("mathvista").__class__()
        suite.use_llm_extractor(url + "/v1", "judge")
        target = {"question_type": "free_form", "answer_type": "integer", "precision": None, "choices": None,
                  "answer": "4"}  # fmt: skip
        scored = suite.score(target, "The answer is 4.")
    assert scored["score"] == 1.0 and scored["extraction_rule"].startswith("llm-failed")


@pytest.mark.parametrize("kind", ["bad-chunk", "too-many-headers"])
def test_23_8_malformed_http_in_a_run_is_no_internal_error(tmp_path: Path, capsys, kind: str) -> None:
    with raw_server(lambda conn, _: conn.sendall(MALFORMED[kind])) as url:
        outcome = cli(capsys, "--suite", "easyvqa", "--model", f"endpoint:{url}/v1#m", "--limit", "3",
                      "--out", str(tmp_path / "run"), "--no-progress")  # fmt: skip
    assert_one_line_error(outcome, "unreachable", "malformed HTTP")


# ---- 14: keys ---------------------------------------------------------------------------------------


def recording_server(seen: list[bytes], content: str = "ok") -> Handler:
    def handler(conn: socket.socket, request: bytes) -> None:
        seen.append(request)
        auth = next((line for line in request.split(b"\r\n") if line.lower().startswith(b"authorization")), b"")
        reply(conn, chat(content + auth.decode()))

    return handler


def test_23_14_the_openai_key_goes_only_to_openai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-secret")
    seen: list[bytes] = []
    with raw_server(recording_server(seen)) as url:
        post_json(url + "/v1/chat/completions", {}, timeout=5, retries=1)
    assert b"sk-openai-secret" not in seen[0] and b"authorization" not in seen[0].lower()
    assert key_for("https://api.openai.com/v1/chat/completions") == "sk-openai-secret"


def test_23_14_the_endpoint_key_goes_to_its_hosts_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDEFICS2_EVAL_ENDPOINT_KEY", "local-key-1")
    assert key_for("http://127.0.0.1:8000/v1") == "local-key-1"  # loopback, when no hosts are listed
    assert key_for("https://judge.example.org/v1") is None
    monkeypatch.setenv("IDEFICS2_EVAL_ENDPOINT_KEY_HOSTS", "judge.example.org")
    assert key_for("https://judge.example.org/v1") == "local-key-1" and key_for("http://127.0.0.1:8000/v1") is None
    monkeypatch.setenv("IDEFICS2_EVAL_KEY_OTHER_EXAMPLE_ORG", "other-key")
    assert key_for("https://other.example.org/v1") == "other-key"


def test_23_14_no_key_over_plain_http_to_another_machine(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("IDEFICS2_EVAL_KEY_SERVING_EXAMPLE_ORG", "k-123456")
    with pytest.raises(UserError, match="plain http"):
        post_json("http://serving.example.org/v1/chat/completions", {}, timeout=1, retries=1)
    outcome = cli(capsys, "--suite", "easyvqa", "--model", "endpoint:http://serving.example.org/v1#m", "--limit", "1")
    assert_one_line_error(outcome, "plain http")


def test_23_14_an_echoed_key_is_never_kept(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys) -> None:
    monkeypatch.setenv("IDEFICS2_EVAL_ENDPOINT_KEY", "echo-me-key-42")
    seen: list[bytes] = []
    with raw_server(recording_server(seen, content="your header: ")) as url:
        assert "echo-me-key-42" not in chat_text(post_json(url + "/v1/chat/completions", {}, timeout=5, retries=1))
        out = tmp_path / "run"
        outcome = cli(capsys, "--suite", "easyvqa", "--model", f"endpoint:{url}/v1#m", "--limit", "2",
                      "--out", str(out), "--no-progress")  # fmt: skip
    assert outcome.code == 0 and b"echo-me-key-42" in seen[0]  # it was sent, to this loopback host
    for path in out.iterdir():
        if path.is_file():
            assert "echo-me-key-42" not in path.read_text(), path


# ---- 15: a server that goes down ----------------------------------------------------------------------


def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def echo_answer(conn: socket.socket, request: bytes) -> None:
    body = json.loads(request.partition(b"\r\n\r\n")[2])
    text = body["messages"][-1]["content"][-1]["text"]
    if "reject" in text:
        reply(conn, {"error": "input rejected"}, status="400 Bad Request")
    else:
        reply(conn, chat("yes"))


def run_argv(url: str, out: Path, limit: int = 6) -> list[str]:
    return ["--suite", "easyvqa", "--model", f"endpoint:{url}/v1#m", "--limit", str(limit), "--out", str(out),
            "--no-progress"]  # fmt: skip


def test_23_15_a_server_that_is_down_fails_the_run_and_is_retried_next_time(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    port = closed_port()
    url = f"http://127.0.0.1:{port}"
    outcome = cli(capsys, *run_argv(url, out))
    assert_one_line_error(outcome, "model server is unreachable", "6 of 6", url, "Connection refused")
    assert not (out / "results.json").exists()
    rows = [row for _, row in iter_jsonl(out / "samples.jsonl")]
    assert len(rows) == 6 and all(row["error_kind"] == "transport" for row in rows)
    assert read_json(out / "manifest.json")["invocations"][-1]["status"] == "unreachable"
    with raw_server(echo_answer, port=port):  # the server is back: the same command retries the six
        outcome = cli(capsys, *run_argv(url, out))
    assert outcome.code == 0 and "retrying 6 samples that could not reach the model server" in outcome.err
    rows = [row for _, row in iter_jsonl(out / "samples.jsonl")]
    assert len(rows) == 6 and all(row["error"] is None for row in rows)
    results = read_json(out / "results.json")
    assert results["n_errors"] == 0 and results["score"] == 100.0 * sum(r["score"] for r in rows) / 6


def test_23_15_a_sample_the_server_rejects_stays_a_per_sample_error(tmp_path: Path, capsys) -> None:
    with raw_server(echo_answer) as url:
        out = tmp_path / "run"
        assert cli(capsys, *run_argv(url, out), "--instruction", "reject this").code == 0
        again = cli(capsys, *run_argv(url, out), "--instruction", "reject this")
    rows = [row for _, row in iter_jsonl(out / "samples.jsonl")]
    assert all(row["error"] and "HTTP 400" in row["error"] and row["error_kind"] is None for row in rows)
    assert "retrying" not in again.err and "6 of the 6 samples asked for are already logged" in again.err


def test_23_15_a_few_transport_failures_are_scored_with_a_note(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("IDEFICS2_EVAL_ENDPOINT_CONCURRENCY", "1")
    calls = {"n": 0}

    def flaky(conn: socket.socket, request: bytes) -> None:
        calls["n"] += 1
        if calls["n"] <= 4:  # every attempt at the first sample
            reply(conn, {}, status="503 Service Unavailable")
        else:
            echo_answer(conn, request)

    out = tmp_path / "run"
    with raw_server(flaky) as url:
        outcome = cli(capsys, *run_argv(url, out), "--batch-size", "1")
        assert outcome.code == 0 and "1 of 6 samples could not reach the model server" in outcome.out
        results = read_json(out / "results.json")
        assert results["n_transport_errors"] == 1 and results["n_errors"] == 1
        again = cli(capsys, *run_argv(url, out), "--batch-size", "1")
    assert again.code == 0 and "retrying 1 samples" in again.err
    assert read_json(out / "results.json")["n_errors"] == 0


# ---- a fresh hostile pass (new cases, not the issue's) --------------------------------------------------


def test_fresh_a_key_with_a_line_break_is_refused_without_echoing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDEFICS2_EVAL_KEY_127_0_0_1", "k3y\r\nX-Injected: 1")
    with pytest.raises(UserError) as caught:
        post_json("http://127.0.0.1:9/v1/chat/completions", {}, timeout=1, retries=1)
    assert "k3y" not in str(caught.value) and "line breaks" in str(caught.value)


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("endpoint:http://user:sk-123@127.0.0.1:9/v1#m", ("credentials",)),
        ("endpoint:http://127.0.0.1:9/v1#m", ("IDEFICS2_EVAL_ENDPOINT_CONCURRENCY",)),
    ],
)
def test_fresh_endpoint_settings_are_one_line(monkeypatch, capsys, tmp_path: Path, spec: str, words) -> None:
    monkeypatch.setenv("IDEFICS2_EVAL_ENDPOINT_CONCURRENCY", "8" if "credentials" in words else "lots")
    outcome = cli(capsys, "--suite", "easyvqa", "--model", spec, "--limit", "1", "--out", str(tmp_path / "r"))
    assert_one_line_error(outcome, *words)


def test_fresh_a_server_that_wants_a_key_says_which_variable(tmp_path: Path, capsys) -> None:
    with raw_server(lambda conn, _: reply(conn, {"error": "no"}, status="401 Unauthorized")) as url:
        outcome = cli(capsys, *run_argv(url, tmp_path / "run", limit=2))
    assert_one_line_error(outcome, "unreachable", "HTTP 401", "IDEFICS2_EVAL_KEY_127_0_0_1")


def test_fresh_a_reply_that_is_a_json_list_is_a_per_sample_error(tmp_path: Path, capsys) -> None:
    with raw_server(lambda conn, _: reply(conn, [1, 2])) as url:  # type: ignore[arg-type]
        outcome = cli(capsys, *run_argv(url, tmp_path / "run", limit=2))
    assert outcome.code == 0
    rows = [row for _, row in iter_jsonl(tmp_path / "run" / "samples.jsonl")]
    assert all("not a JSON object" in row["error"] and row["error_kind"] is None for row in rows)

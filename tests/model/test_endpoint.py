"""The endpoint backend against a stand-in for an OpenAI-compatible server (no network)."""

import io
import json
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import evals.http
from cli import main
from evals.errors import UserError
from evals.store import iter_jsonl
from model.base import Request
from model.endpoint import EndpointModel


class Reply(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class FakeServer:
    """Answers chat completions with the question's last word; fails the first call of some ids."""

    def __init__(self, flaky: int = 0) -> None:
        self.bodies: list[dict] = []
        self.active = self.most_active = 0
        self.flaky = flaky
        self.lock = threading.Lock()

    def __call__(self, request, timeout):
        if request.full_url.endswith("/models"):
            return Reply(json.dumps({"data": [{"id": "served-idefics2"}]}).encode())
        body = json.loads(request.data)
        with self.lock:
            self.bodies.append(body)
            self.active += 1
            self.most_active = max(self.most_active, self.active)
            fail = self.flaky > 0
            self.flaky -= fail
        try:
            time.sleep(0.02)
            if fail:
                raise urllib.error.HTTPError(request.full_url, 503, "busy", {}, None)
            text = body["messages"][-1]["content"][-1]["text"].split()[-1]
            return Reply(json.dumps({"choices": [{"message": {"content": f" {text} "}}],
                                     "usage": {"completion_tokens": 1}}).encode())  # fmt: skip
        finally:
            with self.lock:
                self.active -= 1


@pytest.fixture
def server(monkeypatch) -> FakeServer:
    fake = FakeServer(flaky=2)
    monkeypatch.setattr(evals.http, "open_url", fake)
    monkeypatch.setattr(time, "sleep", lambda s: None if s > 0.5 else threading.Event().wait(s))
    return fake


def request(i: int, image: str) -> Request:
    content = [{"type": "image", "ref": image}, {"type": "text", "text": f"say word{i}"}]
    return Request(id=str(i), messages=[{"role": "user", "content": content}], max_new_tokens=5)


def test_images_as_data_urls_bounded_concurrency_and_retries(server: FakeServer, image_dir: Path) -> None:
    model = EndpointModel(url="http://serving.invalid/v1", served_model="m", concurrency=3)
    out = model.generate([request(i, str(image_dir / "red.png")) for i in range(12)])
    assert [g.text for g in out] == [f"word{i}" for i in range(12)]  # the two 503s were retried
    assert server.most_active <= 3
    part = server.bodies[0]["messages"][0]["content"][0]
    assert part["type"] == "image_url" and part["image_url"]["url"].startswith("data:image/png;base64,")
    assert server.bodies[0]["temperature"] == 0 and server.bodies[0]["model"] == "m"


def test_a_corrupt_image_is_a_per_sample_error(server: FakeServer, image_dir: Path) -> None:
    model = EndpointModel(url="http://serving.invalid/v1", served_model="m")
    good, bad = model.generate([request(0, str(image_dir / "red.png")), request(1, str(image_dir / "corrupt.png"))])
    assert good.text == "word0" and bad.text is None and bad.error


def test_model_name_from_the_server_and_spec_errors(server: FakeServer) -> None:
    assert EndpointModel.from_spec("endpoint:http://serving.invalid/v1").served_model == "served-idefics2"
    with pytest.raises(UserError, match="endpoint:http"):
        EndpointModel.from_spec("endpoint:serving")


def test_a_run_through_the_endpoint(server: FakeServer, tmp_path: Path) -> None:
    out = tmp_path / "run"
    argv = ["--suite", "easyvqa", "--model", "endpoint:http://serving.invalid/v1#m", "--limit", "10"]
    assert main([*argv, "--out", str(out), "--no-progress"]) == 0
    rows = [row for _, row in iter_jsonl(out / "samples.jsonl")]
    assert len(rows) == 10 and all(row["error"] is None for row in rows)

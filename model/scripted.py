"""A test model that returns scripted answers: fast, deterministic, no weights.

`--model scripted` answers "yes" to everything (a constant-answer baseline).
`--model scripted:FILE` reads FILE, either JSON
`{"answers": {ID: TEXT}, "default": TEXT, "errors": {ID: MESSAGE}, "delay": SECONDS}` or JSONL lines of
`{"id": ID, "prediction": TEXT}`, and answers each request by its sample id.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.errors import DataError
from model.base import Generation, Request, render_idefics2


@dataclass
class ScriptedModel:
    answers: dict[str, str] = field(default_factory=dict)
    default: str = "yes"
    errors: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds per generate() call, to imitate a slow model
    name: str = "scripted"
    calls: list[list[str]] = field(default_factory=list)  # ids per generate() call, for tests

    @classmethod
    def from_file(cls, path: str) -> ScriptedModel:
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise DataError(f"cannot read script {path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise DataError(f"script {path} is not UTF-8 text") from None
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            data = None
        if isinstance(data, dict) and "id" not in data:  # a one-line JSONL file is valid JSON too
            answers, errors = data.get("answers", {}), data.get("errors", {})
            delay, default = data.get("delay", 0.0), data.get("default", "yes")
            if not isinstance(answers, dict) or not isinstance(errors, dict) or not isinstance(default, str):
                raise DataError(f"script {path}: 'answers' and 'errors' must be objects of id -> text, 'default' text")
            if isinstance(delay, bool) or not isinstance(delay, int | float) or not 0 <= delay <= 60:
                raise DataError(f"script {path}: 'delay' must be a number of seconds from 0 to 60")
            return cls(
                answers={str(k): str(v) for k, v in answers.items()},
                default=default,
                errors={str(k): str(v) for k, v in errors.items()},
                delay=float(delay),
                name=f"scripted:{path}",
            )
        answers: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                answers[str(row["id"])] = str(row["prediction"])
            except (json.JSONDecodeError, KeyError, TypeError):
                raise DataError(f'{path}:{number}: a script line must be {{"id": ..., "prediction": ...}}') from None
        return cls(answers=answers, name=f"scripted:{path}")

    def generate(self, requests: list[Request]) -> list[Generation]:
        self.calls.append([request.id for request in requests])
        if self.delay:
            time.sleep(self.delay)
        generations = []
        for request in requests:
            prompt = render_idefics2(request.messages)
            if request.id in self.errors:
                generations.append(Generation(text=None, prompt=prompt, error=self.errors[request.id]))
            else:
                text = self.answers.get(request.id, self.default)
                generations.append(Generation(text=text, prompt=prompt, new_tokens=len(text.split())))
        return generations

    def prompt_length(self, request: Request) -> int:
        # About four characters a token, plus Idefics2's 64 tokens per image.
        text = render_idefics2(request.messages)
        return len(text) // 4 + 64 * len(request.image_refs)

    def rank(self, requests: list[Request], candidates: list[list[str]]) -> list[list[float]]:
        """The candidate naming the scripted answer (as a whole word) scores 0, the others -1."""
        scores = []
        for request, options in zip(requests, candidates, strict=True):
            answer = self.answers.get(request.id, self.default)
            pattern = re.compile(rf"\b{re.escape(answer)}\b", re.IGNORECASE)
            scores.append([0.0 if pattern.search(option) else -1.0 for option in options])
        return scores

    def describe(self) -> dict[str, Any]:
        return {"backend": "scripted", "name": self.name, "default": self.default}

"""A checkpoint's chat template is code from whoever published the checkpoint: bound what it may do.

Jinja's sandbox already refuses attribute tricks and caps `range` at 100,000 items, but a 38-byte
template can still nest two loops or multiply a string by 10**10 and take the process to tens of
GB. Before `transformers` renders a template, it is rendered here once with the same syntax and
limits on everything that grows: `*` and `**` results, the text it produces, and the time it
takes. A template that passes renders the same prompt in `transformers`; one that does not is a
one-line error that says what to pass instead.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from evals.errors import UserError

MAX_PROMPT_CHARS = 1_000_000  # the longest real prompts (30 few-shot examples of DocVQA OCR) are ~100k
MAX_RENDER_SECONDS = 10.0
MAX_EXPONENT = 1_000


class TemplateTooCostly(Exception):
    pass


class _BoundedEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
            raise TemplateTooCostly(f"it raises a number to the power {right}")
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                repeated = isinstance(sequence, str | list | tuple) and isinstance(times, int)
                if repeated and len(sequence) * times > MAX_PROMPT_CHARS:
                    raise TemplateTooCostly(f"it repeats a text or list {times:,} times")
        return super().call_binop(context, operator, left, right)


def _environment() -> _BoundedEnvironment:
    env = _BoundedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = lambda value, **kw: json.dumps(value, **kw)
    env.globals["raise_exception"] = lambda message: ""  # transformers raises it with its own message
    env.globals["strftime_now"] = lambda fmt: time.strftime(fmt)
    return env


def _render_bounded(template: str, variables: dict[str, Any], outcome: list[BaseException | None]) -> None:
    try:
        compiled = _environment().from_string(template)
        size = 0
        started = time.monotonic()
        for piece in compiled.generate(**variables):
            size += len(piece)
            if size > MAX_PROMPT_CHARS:
                raise TemplateTooCostly(f"it writes over {MAX_PROMPT_CHARS:,} characters")
            if time.monotonic() - started > MAX_RENDER_SECONDS:
                raise TemplateTooCostly(f"it runs over {MAX_RENDER_SECONDS:g} s")
        outcome.append(None)
    except TemplateTooCostly as exc:
        outcome.append(exc)
    except Exception:  # any other failure is for transformers to report as it does
        outcome.append(None)


def check_chat_template(template: str, messages: list[Any], **variables: Any) -> None:
    """Refuse a chat template whose rendering of `messages` grows without bound (see the module)."""
    outcome: list[BaseException | None] = []
    thread = threading.Thread(
        target=_render_bounded,
        args=(template, {"messages": messages, "add_generation_prompt": True, **variables}, outcome),
        daemon=True,  # a template stuck in a loop that writes nothing is left behind; the command ends
    )
    thread.start()
    thread.join(MAX_RENDER_SECONDS + 1)
    problem = outcome[0] if outcome else TemplateTooCostly(f"it runs over {MAX_RENDER_SECONDS:g} s")
    if problem is not None:
        raise UserError(
            f"the checkpoint's chat template cannot be used: {problem}; fix its chat_template, or pass "
            "--prompt-format completion to build prompts without it"
        )

"""Few-shot in-context evaluation: K solved examples before each question.

The examples come from the suite's own train (else dev) split, drawn once with the run's seed,
or from a support file (`--support`: JSONL of the suite's records, one example a line); every
question of the run gets the same examples, in the same order. Chat models see them as turns: the
example's prompt as a user turn (its images included), its answer as the assistant's. Shots, seed
and the examples' ids are part of the run's identity and are written in the manifest.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.errors import UserError
from evals.records import Sample
from model.base import Message

SUPPORT_SPLITS = ("train", "dev")
MAX_EXAMPLE_CHARS = 20_000  # a long real example (an MMMU question with its options) is ~5,000
POOL = 5_000  # candidates read from the support split before drawing (its first ones, in order)


@dataclass(frozen=True)
class Support:
    examples: list[Sample]
    source: str  # the split or file they came from

    def describe(self, shots: int, seed: int) -> dict[str, Any]:
        return {"shots": shots, "seed": seed, "source": self.source, "support_ids": [s.id for s in self.examples]}


def support_split(suite: Any) -> str:
    for split in SUPPORT_SPLITS:
        if split in suite.splits and split not in suite.hidden_splits:
            return split
    raise UserError(
        f"{suite.name} has no train or dev split to draw examples from; give them with --support FILE "
        "(JSONL of solved records in the suite's format)"
    )


def draw_support(suite: Any, shots: int, seed: int, data: str | None, support_file: str | None) -> Support:
    """The `shots` examples every question of the run is shown, drawn with `seed`."""
    if support_file is not None:
        from evals.scoring import load_predictions

        path = Path(support_file)
        if not path.is_file():
            raise UserError(f"no support file at {support_file}")
        pool = [sample for sample, _ in load_predictions(suite, path)]
        source = str(path)
    else:
        split = support_split(suite)
        pool = [s for s in suite.load(split, POOL, data) if s.error is None]
        source = split
    if len(pool) < shots:
        raise UserError(f"--shots {shots} needs {shots} examples; {source} has {len(pool)}")
    chosen = random.Random(seed).sample(pool, shots)
    for example in chosen:
        answer_of(suite, example)  # fails now, not at the first batch, if an example has no answer
        size = len(example.question) + len(answer_of(suite, example))
        if size > MAX_EXAMPLE_CHARS:  # it would be in every prompt of the run
            raise UserError(
                f"support example {example.id} of {source} has {size:,} characters; an example may have at most "
                f"{MAX_EXAMPLE_CHARS:,} (it is shown before every question): use shorter examples"
            )
    return Support(chosen, source)


def answer_of(suite: Any, example: Sample) -> str:
    """The answer an example is shown with: its gold answer, or the first (most common) of several."""
    target = example.target
    answer = target.get("answer")
    if isinstance(answer, list):
        answer = answer[0] if answer else None
    if answer is None and target.get("answers"):
        answer = target["answers"][0]
    if not isinstance(answer, str) or not answer:
        raise UserError(f"support example {example.id} of {suite.name} has no answer to show")
    return answer


def with_examples(suite: Any, support: Support, messages: list[Message], instruction: str | None, images_first: bool):
    """The examples as user / assistant turns, then the question's own messages."""
    turns: list[Message] = []
    for example in support.examples:
        turns.extend(suite.prompt(example, instruction, images_first))
        turns.append({"role": "assistant", "content": [{"type": "text", "text": answer_of(suite, example)}]})
    return turns + messages

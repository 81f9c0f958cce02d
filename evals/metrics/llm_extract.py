"""Optional LLM answer extraction through an OpenAI-compatible chat endpoint (MathVista).

The official MathVista pipeline has GPT-4 read each reply and write the bare answer, prompted with
its demonstrations (`DEMO_PROMPT`). This sends the same prompt to any endpoint speaking the OpenAI
chat-completions protocol (OpenAI, vLLM, llama.cpp, Ollama ...), so an LLM extraction here is the
official pipeline with another model. The key comes from OPENAI_API_KEY when set. A request that fails after retries
falls back to the offline rules, and the rule name says so, so the result shows how many.
"""

from __future__ import annotations

from dataclasses import dataclass

from evals.http import EndpointError, chat_text, post_json

# The official extraction prompt: `demo_prompt` of the MathVista repository,
# lupantech/MathVista evaluation/prompts/ext_ans.py, byte for byte (it is also what lmms-eval's
# mathvista_evals.py sends, as DEMO_PROMPT; the two copies agree). Its demonstrations are part of
# the prompt; `official_prompt` joins them to a problem as `create_test_prompt` in
# evaluation/extract_answer.py does.
DEMO_PROMPT = """
Please read the following example. Then extract the answer from the model response and type it at the end of the prompt.

Hint: Please answer the question requiring an integer answer and provide the final value, e.g., 1, 2, 3, at the end.
Question: Which number is missing?

Model response: The number missing in the sequence is 14.

Extracted answer: 14

Hint: Please answer the question requiring a floating-point number with one decimal place and provide the final value, e.g., 1.2, 1.3, 1.4, at the end.
Question: What is the fraction of females facing the camera?

Model response: The fraction of females facing the camera is 0.6, which means that six out of ten females in the group are facing the camera.

Extracted answer: 0.6

Hint: Please answer the question requiring a floating-point number with two decimal places and provide the final value, e.g., 1.23, 1.34, 1.45, at the end.
Question: How much money does Luca need to buy a sour apple candy and a butterscotch candy? (Unit: $)

Model response: Luca needs $1.45 to buy a sour apple candy and a butterscotch candy.

Extracted answer: 1.45

Hint: Please answer the question requiring a Python list as an answer and provide the final list, e.g., [1, 2, 3], [1.2, 1.3, 1.4], at the end.
Question: Between which two years does the line  graph saw its maximum peak?

Model response: The line graph saw its maximum peak between 2007 and 2008.

Extracted answer: [2007, 2008]

Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.
Question: What fraction of the shape is blue?\nChoices:\n(A) 3/11\n(B) 8/11\n(C) 6/11\n(D) 3/5

Model response: The correct answer is (B) 8/11.

Extracted answer: B
"""  # noqa: E501 - the official text, unwrapped


def official_prompt(question: str, reply: str) -> str:
    """`create_test_prompt(demo_prompt, query, response)` of the official extract_answer.py."""
    return f"{DEMO_PROMPT.strip()}\n\n{question}\n\n{reply}\n\nExtracted answer: "


@dataclass(frozen=True)
class LLMExtractor:
    url: str
    model: str
    timeout: float = 60.0
    retries: int = 3

    def describe(self) -> dict[str, str]:
        return {"kind": "llm", "url": self.url, "model": self.model}

    def extract(self, question: str, reply: str) -> str | None:
        """The LLM's extraction, or None when the endpoint could not be reached or answered
        nothing (the official `verify_extraction` takes a blank extraction for a failure).

        As the official `get_chat_response`: the whole prompt as one user message, temperature 0,
        at most 256 tokens."""
        body = {
            "model": self.model,
            "temperature": 0,
            "max_tokens": 256,
            "messages": [{"role": "user", "content": official_prompt(question, reply)}],
        }
        try:
            payload = post_json(self.url.rstrip("/") + "/chat/completions", body, self.timeout, self.retries)
            extraction = chat_text(payload).strip()
        except EndpointError:
            return None
        return extraction or None

"""Optional LLM answer extraction through an OpenAI-compatible chat endpoint (MathVista).

The official MathVista pipeline has GPT-4 read each reply and write the bare answer. This does the
same with any endpoint speaking the OpenAI chat-completions protocol (OpenAI, vLLM, llama.cpp,
Ollama ...). The key comes from OPENAI_API_KEY when set. A request that fails after retries
falls back to the offline rules, and the rule name says so, so the result shows how many.
"""

from __future__ import annotations

from dataclasses import dataclass

from evals.http import EndpointError, chat_text, post_json

INSTRUCTIONS = """You read a model's reply to a math or chart question and write only the final answer it gives.
- Multiple choice: write the option letter the reply chose; if it names no option, write N/A.
- Integer or decimal questions: write the number alone, without units.
- List questions: write the list in Python syntax, e.g. [1, 2].
- If the reply gives no answer, write N/A.

Example
Question: What is the value of x? (integer)
Reply: Using the Pythagorean theorem, x = sqrt(25 - 9) = 4 cm.
Answer: 4

Example
Question: Which bar is the tallest? Choices: (A) red (B) blue (C) green
Reply: The blue bar reaches 40, higher than the others.
Answer: B"""


@dataclass(frozen=True)
class LLMExtractor:
    url: str
    model: str
    timeout: float = 60.0
    retries: int = 3

    def describe(self) -> dict[str, str]:
        return {"kind": "llm", "url": self.url, "model": self.model}

    def extract(self, question: str, reply: str) -> str | None:
        """The LLM's extraction, or None when the endpoint could not be reached."""
        body = {
            "model": self.model,
            "temperature": 0,
            "max_tokens": 64,
            "messages": [
                {"role": "system", "content": INSTRUCTIONS},
                {"role": "user", "content": f"Question: {question}\nReply: {reply}\nAnswer:"},
            ],
        }
        try:
            payload = post_json(self.url.rstrip("/") + "/chat/completions", body, self.timeout, self.retries)
            return chat_text(payload).strip()
        except EndpointError:
            return None

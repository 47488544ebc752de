"""`OpenAICompatibleModel`: the `ChatModel` port over the ``openai`` SDK.

One adapter serves OpenAI, Azure OpenAI's v1 endpoint, Ollama, vLLM and the llama.cpp server:
all speak ``POST {base_url}/chat/completions``. Requests never carry tools or functions and
run at temperature 0. Errors become `ModelFailed` without the key or the prompt in the message.
"""

from __future__ import annotations

import openai
from openai.types.chat import ChatCompletionMessageParam

from tetra.chat.translation import Message, ModelFailed

__all__ = ["OpenAICompatibleModel"]

_NO_KEY = "not-needed"  # local servers ignore the key, but the SDK insists on one


class OpenAICompatibleModel:
    """Chat completions from one model at one OpenAI-compatible endpoint."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout_seconds: float = 60.0,
        max_retries: int = 2,
    ) -> None:
        self.model = model
        self.base_url = base_url
        self._client = openai.OpenAI(
            base_url=base_url,
            api_key=api_key or _NO_KEY,
            timeout=timeout_seconds,
            max_retries=max_retries,
        )

    def complete(self, messages: list[Message], *, max_tokens: int = 800) -> str:
        """Return the assistant's reply to `messages`; raise `ModelFailed` on any error."""
        payload = [_message(m) for m in messages]
        try:
            response = self._client.chat.completions.create(
                model=self.model, messages=payload, temperature=0, max_tokens=max_tokens
            )
        except openai.APIStatusError as error:
            raise ModelFailed(
                f"{self.model} at {self.base_url} answered HTTP {error.status_code}"
            ) from None
        except openai.APIError as error:
            raise ModelFailed(
                f"{self.model} at {self.base_url} is unreachable: {type(error).__name__}"
            ) from None
        if not response.choices or response.choices[0].message.content is None:
            raise ModelFailed(f"{self.model} returned no text")
        return response.choices[0].message.content

    def close(self) -> None:
        self._client.close()


def _message(message: Message) -> ChatCompletionMessageParam:
    if message.role == "system":
        return {"role": "system", "content": message.content}
    if message.role == "assistant":
        return {"role": "assistant", "content": message.content}
    return {"role": "user", "content": message.content}

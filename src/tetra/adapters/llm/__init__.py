"""Language-model endpoints behind the chat's `ChatModel` port."""

from tetra.adapters.llm.openai_compatible import OpenAICompatibleModel

__all__ = ["OpenAICompatibleModel"]

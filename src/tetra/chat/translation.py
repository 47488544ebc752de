"""What a translator is: a question in, one SQL query and its explanation out.

`Translator` is the port every provider implements (the offline translator, and `LlmTranslator`
over any OpenAI-compatible model). `ChatModel` is the smaller port under `LlmTranslator`: one
completion for a list of messages, with no tools, so that nothing a model says can call anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, Protocol

from tetra.chat.context import SchemaContext
from tetra.core.errors import TetraError

__all__ = [
    "ChatModel",
    "Message",
    "ModelFailed",
    "ProviderKind",
    "ProviderUnavailable",
    "Translation",
    "TranslationFailed",
    "Translator",
    "Turn",
]


class ProviderKind(StrEnum):
    """Where a translation comes from; cloud providers never see private tables."""

    OFFLINE = "offline"
    LOCAL = "local"
    CLOUD = "cloud"


class TranslationFailed(TetraError):
    """The provider could not turn the question into SQL; the message says why, for the user.

    `details` may hold structured help for a client, e.g. ``{"shapes": [...], "examples":
    [...]}`` from the offline translator.
    """

    def __init__(self, message: str, *, details: Mapping[str, object] | None = None) -> None:
        super().__init__(message)
        self.details = dict(details) if details else None


class ProviderUnavailable(TranslationFailed):
    """The provider asked for is not configured on this server."""


class ModelFailed(TranslationFailed):
    """The model endpoint could not be reached or answered with an error."""


@dataclass(frozen=True, slots=True)
class Translation:
    """One SQL query for a question, why it answers it, and who wrote it."""

    sql: str
    explanation: str
    provider: ProviderKind
    model: str  # "offline translator" or the model's name
    attempts: int = 1  # model round-trips spent


@dataclass(frozen=True, slots=True)
class Turn:
    """An earlier question of the conversation and the SQL that answered it."""

    question: str
    sql: str


class Translator(Protocol):
    """Turns a question into SQL over the tables of `context` only, in its dialect.

    `history` holds earlier turns of the conversation, for follow-up questions; a translator
    may ignore it. Raises `TranslationFailed` (never returns empty SQL). Must not execute
    anything: the SQL goes through the guard before anything runs it.
    """

    kind: ProviderKind
    model: str

    def translate(
        self, question: str, context: SchemaContext, history: Sequence[Turn] = ()
    ) -> Translation: ...


Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class Message:
    role: Role
    content: str


class ChatModel(Protocol):
    """One chat completion from an OpenAI-compatible endpoint, without tools.

    Returns the assistant's text. Raises `ModelFailed` when the endpoint is unreachable, times
    out or answers with an error. Implementations never pass tools or functions, and callers
    treat the text as untrusted data.
    """

    model: str

    def complete(self, messages: list[Message], *, max_tokens: int = 800) -> str: ...

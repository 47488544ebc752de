"""Which provider answers a question, and what it is allowed to see.

- A question that mentions private data (strategies, runs, trades, orders, fills, positions,
  portfolio, P&L...) goes only to the local provider, or to the offline translator when no
  local model is configured; asking the cloud for it is refused.
- The cloud provider sees `SchemaContext.public_only()`: private tables are not in its prompt,
  its examples or its allow-list, so SQL it writes over a private table is rejected.
- ``auto`` prefers cloud, then local, then offline for public questions; a model that fails to
  answer falls back to the offline translator, and the answer says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from tetra.chat.context import SchemaContext
from tetra.chat.policy import Privacy
from tetra.chat.translation import (
    ModelFailed,
    ProviderKind,
    ProviderUnavailable,
    Translation,
    TranslationFailed,
    Translator,
    Turn,
)

__all__ = ["ChatRouter", "ProviderChoice", "Routed", "mentions_private"]

ProviderChoice = Literal["auto", "offline", "local", "cloud"]

_PRIVATE_WORDS = re.compile(
    r"\b(strateg(y|ies)|backtests?|trades?|traded|trading|orders?|fills?|filled|"
    r"positions?|portfolios?|holdings?|p\s?&\s?l|pnl|profits?|loss(es)?|signals?|sharpe|"
    r"drawdowns?|accounts?|brokers?|executions?|my|mine|our|ours|we|"
    r"(did|do|does|have|had|am|was)\s+i)\b",
    re.IGNORECASE,
)


def mentions_private(question: str, context: SchemaContext) -> bool:
    """Return whether `question` is about private data: by vocabulary or by table name."""
    if _PRIVATE_WORDS.search(question):
        return True
    lowered = question.lower()
    return any(t.name in lowered for t in context.tables if t.privacy is Privacy.PRIVATE)


@dataclass(frozen=True, slots=True)
class Routed:
    """A translation, the context its provider saw, and how routing decided."""

    translation: Translation
    context: SchemaContext
    privacy: Privacy  # of the question, as routing judged it
    note: str = ""


@dataclass(frozen=True, slots=True)
class ChatRouter:
    offline: Translator
    local: Translator | None = None
    cloud: Translator | None = None

    def providers(self) -> list[ProviderKind]:
        """Return the configured providers, offline always included."""
        kinds = [ProviderKind.OFFLINE]
        kinds += [ProviderKind.LOCAL] if self.local else []
        kinds += [ProviderKind.CLOUD] if self.cloud else []
        return kinds

    def translate(
        self,
        question: str,
        context: SchemaContext,
        choice: ProviderChoice = "auto",
        history: Sequence[Turn] = (),
    ) -> Routed:
        """Translate with the provider `choice` allows for this question's privacy."""
        private = mentions_private(question, context)
        privacy = Privacy.PRIVATE if private else Privacy.PUBLIC
        translator = self._pick(choice, private)
        seen = context.public_only() if translator.kind is ProviderKind.CLOUD else context
        try:
            return Routed(translator.translate(question, seen, history), seen, privacy)
        except ModelFailed as failure:
            if choice != "auto":
                raise
            fallback = self.offline.translate(question, context, history)
            note = f"{failure} — answered by the offline translator instead."
            return Routed(fallback, context, privacy, note)

    def _pick(self, choice: ProviderChoice, private: bool) -> Translator:
        if choice == "cloud":
            if private:
                raise TranslationFailed(
                    "this question is about private data (strategies, trades, orders, "
                    "positions); only the local provider may answer it, never the cloud"
                )
            return self._require(self.cloud, "cloud")
        if choice == "local":
            return self._require(self.local, "local")
        if choice == "offline":
            return self.offline
        if not private and self.cloud is not None:
            return self.cloud
        return self.local or self.offline

    @staticmethod
    def _require(translator: Translator | None, name: str) -> Translator:
        if translator is None:
            setting = f"TETRA_LLM_{name.upper()}__BASE_URL and TETRA_LLM_{name.upper()}__MODEL"
            raise ProviderUnavailable(f"no {name} model is configured; set {setting}")
        return translator

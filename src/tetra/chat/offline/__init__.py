"""The offline translator: plain questions to SQL without any language model.

Map: `names` finds symbols and economic series, `parse` periods, counts, groups and themes;
`intent` turns a question into a typed `Intent` (what is asked, of which symbols, over which
period, ranked how); `families` builds one sqlglot query per intent; `sql` holds the older
text-templated shapes (latest prices, returns, coverage, macro, news); `translator` ties them
together, answers follow-ups from the conversation and refuses what it did not understand.
"""

from tetra.chat.offline.translator import OFFLINE_MODEL, OfflineTranslator

__all__ = ["OFFLINE_MODEL", "OfflineTranslator"]

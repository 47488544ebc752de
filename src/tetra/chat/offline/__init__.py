"""The offline translator: plain questions to SQL without any language model.

Map: `names` finds symbols and economic series, `parse` periods, counts, groups and themes;
`question` the parsed `Question` (its selection of symbols, how many rows a ranking returns);
`intents` picks the family of a question (what is asked, of which symbols, over which period,
ranked how) and refuses qualifiers no family computes; `families` builds one sqlglot query per
family of prices and returns, `series_sql` those of economic series, geopolitics and social
attention (`trees` holds the helpers they share); `indicator_intents` and `indicator_sql`
(EMA, RSI, MACD, Bollinger bands), `event_intents` and `event_sql` (earnings, economic
calendar), `world_intents` (geopolitics, social mentions), `return_stats` and `price_stats`
are families of their own; `sql` holds the older text-templated shapes (latest prices,
returns, coverage, macro, news); `translator` ties them together, answers follow-ups from the
conversation and refuses what it did not understand.
"""

from tetra.chat.offline.translator import OFFLINE_MODEL, OfflineTranslator

__all__ = ["OFFLINE_MODEL", "OfflineTranslator"]

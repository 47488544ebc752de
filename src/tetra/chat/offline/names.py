"""Names in a question, for the offline translator: symbols and economic series.

`find_symbols` reads tickers (one that is also an English word, or of one or two letters, only
when written in upper case) and instrument names from the vocabulary ("Apple", "bitcoin",
"GE Vernova"), longest name first. `find_series` reads FRED ids, common words ("10-year
yield", "VIX", "inflation"...) and, failing those, the series titles of the vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from tetra.chat.context import Vocabulary

__all__ = ["find_series", "find_symbols"]


def _split_words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\S+", text))


# --- symbols ----------------------------------------------------------------------------------

# Tickers that are also English words (or question words): accepted only in upper case.
_WORDLIKE = _split_words(
    """a all an and any are as at be best big buy can car cash chat close day deck do eat elf
    ever eye fast for fun go good grid has he high hype i if in is it key last lit live love
    low main man me most new next nice now of on one open or out pave play price rate real
    run safe see sell shy so sol tan tech the top true two up us very was week well were
    what when who why win work year yes you ytd etf usd cpi gdp vix fed"""
)
# Name words too vague to stand for one instrument on their own.
_VAGUE_NAME_WORDS = _split_words(
    """the on first global energy technology real utilities general digital iron advanced
    super quantum rocket bank united international ishares vanguard spdr invesco ark schwab
    vaneck pacer range roundhill defiance sprott select core total eli ge bwx d e home nano"""
)
_NAME_SUFFIXES = re.compile(
    r"(?:,?\s+(?:inc|incorporated|corporation|corp|company|co|plc|ltd|ag|n\.v|s\.a|holdings?"
    r"|group|class [a-z]|etf|trust|fund|index|shares|&|and)\.?)+$"
)
_CURATED_ALIASES = {
    "google": "GOOGL", "facebook": "META", "berkshire": "BRK.B", "ether": "ETH",
    "coke": "KO", "lilly": "LLY", "exxon": "XOM", "procter": "PG", "p&g": "PG", "j&j": "JNJ",
    "nasdaq 100": "QQQ", "nasdaq-100": "QQQ", "on holding": "ONON",
    "s&p 500": "SPY", "s&p500": "SPY", "s&p": "SPY", "sp500": "SPY", "the nasdaq": "QQQ",
    "russell 2000": "IWM", "small caps": "IWM", "dow jones": "DIA", "the dow": "DIA",
    "gold": "GLD", "long bonds": "TLT", "long treasuries": "TLT", "ethereum": "ETH",
    "solana": "SOL", "dogecoin": "DOGE", "ripple": "XRP",
}  # fmt: skip
_TOKEN = re.compile(r"(?<![\w.$])\$?([A-Za-z][A-Za-z0-9]*(?:[.\-/][A-Za-z0-9]+)?)(?!\w)")


def find_symbols(question: str, vocabulary: Vocabulary) -> list[str]:
    """Return the symbols a question names, in the order it names them."""
    found: list[tuple[int, str]] = []
    masked = question.lower()
    for alias, symbol in _aliases(vocabulary.symbols):
        pattern = rf"(?<![\w&]){re.escape(alias)}(?![\w&])"
        for match in re.finditer(pattern, masked):
            found.append((match.start(), symbol))
            masked = masked[: match.start()] + " " * len(alias) + masked[match.end() :]
    shouting = question.isupper()
    for match in _TOKEN.finditer(question):
        if masked[match.start(1)] == " ":
            continue  # inside a name already matched
        for symbol in _ticker_readings(match[1], vocabulary.symbols, shouting):
            found.append((match.start(1), symbol))
    return list(dict.fromkeys(symbol for _, symbol in sorted(found)))


def _ticker_readings(token: str, symbols: Mapping[str, str], shouting: bool) -> Iterator[str]:
    joined = re.sub(r"[-/]", ".", token).upper()
    parts = [token] if joined in symbols else re.split(r"[.\-/]", token)
    for part in parts:
        symbol = re.sub(r"[-/]", ".", part).upper()
        if symbol in symbols and _accepted(part, symbol, shouting):
            yield symbol


def _accepted(written: str, symbol: str, shouting: bool) -> bool:
    if written.isupper() and not shouting:
        return True
    return len(symbol) > 2 and symbol.lower() not in _WORDLIKE


def _aliases(symbols: Mapping[str, str]) -> list[tuple[str, str]]:
    """Return (name alias, symbol) pairs, longest alias first; ambiguous aliases dropped."""
    full: dict[str, set[str]] = {}
    first: dict[str, set[str]] = {}
    for symbol, name in symbols.items():
        cleaned = _clean_name(name)
        if _distinctive(cleaned) and cleaned != symbol.lower():
            full.setdefault(cleaned, set()).add(symbol)
        word = cleaned.split(" ")[0] if cleaned else ""
        if len(word) >= 4 and _distinctive(word):
            first.setdefault(word, set()).add(symbol)
    aliases = {alias: next(iter(s)) for alias, s in first.items() if len(s) == 1}
    aliases.update({alias: next(iter(s)) for alias, s in full.items() if len(s) == 1})
    aliases.update({a: s for a, s in _CURATED_ALIASES.items() if s in symbols})
    return sorted(aliases.items(), key=lambda item: (-len(item[0]), item[0]))


def _distinctive(alias: str) -> bool:
    return len(alias) >= 3 and alias not in _VAGUE_NAME_WORDS and alias not in _WORDLIKE


def _clean_name(name: str) -> str:
    cleaned = re.sub(r"\s+", " ", name.lower()).strip()
    cleaned = re.sub(r"^the ", "", cleaned)
    cleaned = re.sub(r"\.com\b", "", cleaned)
    cleaned = _NAME_SUFFIXES.sub("", cleaned)
    return cleaned.strip(" ,.")


# --- economic series --------------------------------------------------------------------------


def _maturity(years: str) -> str:
    """Match a Treasury maturity named with a yield word: "10-year yield", "yield on the 2y"."""
    tenor = rf"\b(?:{years})[- ]?(?:year|yr|y)\b"
    rate = r"(?:yields?|rates?|treasur(?:y|ies)|notes?|bonds?)"
    return rf"{tenor}(?: [\w.]+){{0,2}}? {rate}\b|{rate} (?:on|of) (?:the )?{tenor}"


_SERIES_WORDS = (
    (r"yield curve|(?:term |10s?2s |2s10s |10y-?2y |yield )spread|10y2y|10-year minus 2-year",
     "T10Y2Y"),
    (_maturity("10|ten"), "DGS10"),
    (_maturity("2|two"), "DGS2"),
    (r"\bvix\b|volatility index|fear (?:index|gauge)", "VIXCLS"),
    (r"fed funds|federal funds|policy rate|fed rate", "FEDFUNDS"),
    (r"\bcpi\b|consumer price|inflation", "CPIAUCSL"),
    (r"unemployment|jobless rate", "UNRATE"),
    (r"\bgdp\b|gross domestic product|economic output", "GDP"),
)  # fmt: skip
_TITLE_STOPWORDS = _split_words("the for all and from with basis in of on at to u.s. us")
_MIN_TITLE_WORDS = 3


_TWO_TENORS = re.compile(
    r"\b(\d+|ten|two)[- ]?(year|yr|y) and (?:the )?(\d+|ten|two)[- ]?(?:year|yr|y) "
    r"((?:treasury )?(?:yields?|rates?|notes?|bonds?))"
)


def find_series(text: str, vocabulary: Vocabulary) -> list[str]:
    """Return the economic series a (lower-case) question names, in the order it names them."""
    # "the 10-year and 2-year yields" names two maturities: spell both out.
    text = _TWO_TENORS.sub(r"\1-\2 \4 and \3-\2 \4", text)
    found: list[tuple[int, str]] = []
    patterns = [(rf"\b{re.escape(s.lower())}\b", s) for s in vocabulary.series]
    for pattern, series_id in [*patterns, *_SERIES_WORDS]:
        for match in re.finditer(pattern, text):
            found.append((match.start(), series_id))
            text = text[: match.start()] + " " * len(match[0]) + text[match.end() :]
    if not found and (titled := _series_by_title(text, vocabulary.series)):
        found.append((0, titled))
    return list(dict.fromkeys(series_id for _, series_id in sorted(found)))


def _series_by_title(text: str, titles: Mapping[str, str]) -> str | None:
    words = set(re.findall(r"[a-z0-9.\-]+", text))
    scored = sorted(
        ((len(_title_words(title) & words), series_id) for series_id, title in titles.items()),
        reverse=True,
    )
    if not scored or scored[0][0] < _MIN_TITLE_WORDS:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][1]


def _title_words(title: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9.\-]+", title.lower()) if w not in _TITLE_STOPWORDS}

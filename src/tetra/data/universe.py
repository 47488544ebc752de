"""Tetra's investment universe: the instruments it tracks, read from a TOML file.

`load_universe` reads ``universe.toml`` shipped beside this module (or any file of the same
layout) into a `Universe`, a frozen, ordered collection of `Instrument` with lookups by
symbol, group, theme and asset class. A malformed file raises `UniverseConfigError` naming the
offending entry and what is wrong with it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from tetra.core.errors import TetraError, ValidationError
from tetra.model.instruments import AssetClass, Instrument, UniverseGroup

PACKAGED_UNIVERSE = "universe.toml"

_THEME = re.compile(r"^[a-z][a-z0-9_]*$")
_REQUIRED_FIELDS = frozenset({"symbol", "name", "asset_class", "themes", "exchange"})
_OPTIONAL_FIELDS = frozenset({"sector", "currency", "listed"})

_Predicate = Callable[[Instrument], bool]


class UniverseError(TetraError):
    """Base class of the errors raised while loading or querying the universe."""


class UniverseConfigError(UniverseError, ValueError):
    """The universe file is malformed; the message names the entry and the problem."""


class UnknownSymbol(UniverseError, LookupError):
    """The symbol asked for is not in the universe."""


class UnknownGroup(UniverseError, ValueError):
    """The name given is not one of the universe's groups."""


def parse_group(name: UniverseGroup | str) -> UniverseGroup:
    """Return the `UniverseGroup` called `name`, or raise `UnknownGroup` listing the valid ones."""
    try:
        return UniverseGroup(name)
    except ValueError:
        raise UnknownGroup(
            f"unknown group {name!r}; valid groups: {', '.join(UniverseGroup)}"
        ) from None


@dataclass(frozen=True, slots=True)
class Universe:
    """An ordered collection of instruments, each symbol at most once.

    The filters (`by_group`, `by_theme`, `by_asset_class`) return a smaller `Universe`, so they
    chain: ``universe.by_group("growth_stocks").by_theme("quantum")``.
    """

    instruments: tuple[Instrument, ...]
    _by_symbol: Mapping[str, Instrument] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_symbol = {instrument.symbol: instrument for instrument in self.instruments}
        if len(by_symbol) != len(self.instruments):
            raise ValidationError(f"duplicate symbols in universe: {', '.join(self._duplicates())}")
        object.__setattr__(self, "_by_symbol", by_symbol)

    def __len__(self) -> int:
        return len(self.instruments)

    def __iter__(self) -> Iterator[Instrument]:
        return iter(self.instruments)

    def __contains__(self, symbol: object) -> bool:
        return symbol in self._by_symbol

    @property
    def symbols(self) -> tuple[str, ...]:
        """Return the symbols in universe order."""
        return tuple(instrument.symbol for instrument in self.instruments)

    @property
    def themes(self) -> tuple[str, ...]:
        """Return every theme tag used by some instrument, sorted."""
        return tuple(sorted({theme for instrument in self for theme in instrument.themes}))

    def get(self, symbol: str) -> Instrument:
        """Return the instrument of `symbol`, or raise `UnknownSymbol` with close matches."""
        instrument = self._by_symbol.get(symbol)
        if instrument is None:
            raise UnknownSymbol(self._unknown_symbol_message(symbol))
        return instrument

    def by_group(self, group: UniverseGroup | str) -> Universe:
        """Keep the instruments of `group`; raise `UnknownGroup` if no such group exists."""
        wanted = parse_group(group)
        return self._where(lambda instrument: instrument.group is wanted)

    def by_theme(self, theme: str) -> Universe:
        """Keep the instruments tagged with `theme`, primary or not."""
        return self._where(lambda instrument: theme in instrument.themes)

    def by_asset_class(self, asset_class: AssetClass) -> Universe:
        """Keep the instruments of `asset_class`."""
        return self._where(lambda instrument: instrument.asset_class is asset_class)

    def _where(self, keep: _Predicate) -> Universe:
        return Universe(tuple(instrument for instrument in self.instruments if keep(instrument)))

    def _duplicates(self) -> list[str]:
        return sorted(symbol for symbol, count in Counter(self.symbols).items() if count > 1)

    def _unknown_symbol_message(self, symbol: str) -> str:
        close = difflib.get_close_matches(symbol.upper(), self.symbols, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        return f"unknown symbol {symbol!r}: not in the universe{hint}"


def load_universe(path: Path | None = None) -> Universe:
    """Read the universe from `path`, or from the file shipped with Tetra when `path` is None."""
    source = str(path) if path is not None else f"tetra.data/{PACKAGED_UNIVERSE}"
    text = _read_packaged() if path is None else path.read_text(encoding="utf-8")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UniverseConfigError(f"{source}: not valid TOML: {error}") from error
    return parse_universe(document, source=source)


def parse_universe(document: Mapping[str, object], source: str = "<universe>") -> Universe:
    """Build a `Universe` from a parsed TOML document: one array of entries per group name."""
    instruments: list[Instrument] = []
    first_seen: dict[str, str] = {}
    for name, entries in document.items():
        group = _document_group(name, source)
        for where, instrument in _group_instruments(group, entries, source):
            _claim_symbol(instrument.symbol, where, first_seen, source)
            instruments.append(instrument)
    return Universe(tuple(instruments))


def _read_packaged() -> str:
    return (
        resources.files(__package__ or "tetra.data")
        .joinpath(PACKAGED_UNIVERSE)
        .read_text(encoding="utf-8")
    )


def _document_group(name: str, source: str) -> UniverseGroup:
    try:
        return parse_group(name)
    except UnknownGroup as error:
        raise UniverseConfigError(f"{source}: {error}") from None


def _group_instruments(
    group: UniverseGroup, entries: object, source: str
) -> Iterator[tuple[str, Instrument]]:
    if not isinstance(entries, list):
        raise UniverseConfigError(f"{source}: {group} must be an array of instrument tables")
    for index, entry in enumerate(entries):
        where = f"{group}[{index}]"
        yield where, _entry_instrument(group, entry, f"{source}: {where}")


def _claim_symbol(symbol: str, where: str, first_seen: dict[str, str], source: str) -> None:
    if symbol in first_seen:
        raise UniverseConfigError(
            f"{source}: {where}: duplicate symbol {symbol!r}, first listed at {first_seen[symbol]}"
        )
    first_seen[symbol] = where


def _entry_instrument(group: UniverseGroup, entry: object, location: str) -> Instrument:
    if not isinstance(entry, dict):
        raise UniverseConfigError(f"{location}: expected an instrument table, got {entry!r}")
    label = f"{location} ({entry.get('symbol', '?')})"
    try:
        return _instrument(group, entry)
    except ValidationError as error:
        raise UniverseConfigError(f"{label}: {error}") from error


def _instrument(group: UniverseGroup, entry: Mapping[str, object]) -> Instrument:
    _check_fields(entry)
    return Instrument(
        symbol=_text(entry, "symbol"),
        name=_text(entry, "name"),
        asset_class=_asset_class(entry["asset_class"]),
        group=group,
        exchange=_text(entry, "exchange"),
        currency=_text(entry, "currency") if "currency" in entry else "USD",
        themes=_themes(entry["themes"]),
        sector=_text(entry, "sector") if "sector" in entry else None,
        listed=_listed(entry["listed"]) if "listed" in entry else None,
    )


def _check_fields(entry: Mapping[str, object]) -> None:
    missing = _REQUIRED_FIELDS - entry.keys()
    if missing:
        raise ValidationError(f"missing field(s): {', '.join(sorted(missing))}")
    unknown = entry.keys() - _REQUIRED_FIELDS - _OPTIONAL_FIELDS
    if unknown:
        raise ValidationError(f"unknown field(s): {', '.join(sorted(unknown))}")


def _text(entry: Mapping[str, object], key: str) -> str:
    value = entry[key]
    if not isinstance(value, str):
        raise ValidationError(f"{key} must be a string, got {value!r}")
    return value


def _asset_class(value: object) -> AssetClass:
    try:
        return AssetClass(str(value))
    except ValueError:
        valid = ", ".join(AssetClass)
        raise ValidationError(f"unknown asset_class {value!r}; valid: {valid}") from None


def _themes(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ValidationError(f"themes must be a non-empty array of tags, got {value!r}")
    for theme in value:
        if not isinstance(theme, str) or not _THEME.match(theme):
            raise ValidationError(f"theme {theme!r} is not a lower-case tag such as 'nuclear'")
    if len(set(value)) != len(value):
        raise ValidationError(f"themes repeat a tag: {value!r}")
    return tuple(value)


def _listed(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValidationError(f"listed must be a date without a time, got {value.isoformat()}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationError(f"listed {value!r} is not an ISO date (YYYY-MM-DD)") from None
    raise ValidationError(f"listed must be a date such as 2020-09-30, got {value!r}")

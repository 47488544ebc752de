"""Named scenarios as TOML files: the shipped library and the user's own.

A scenario file holds one scenario (see `library/gfc.toml` for a commented example):
``name``, ``title``, ``kind`` (``historical`` with ``start``/``end`` dates and a
``proxy`` symbol, or ``hypothetical`` with the ``days`` its move takes), optional
``reference`` and ``notes`` text, and a ``[shock]`` table of factor-proxy moves as simple
returns. `load_scenarios` reads the shipped library, then every ``*.toml`` of the
directories given (a user's scenario replaces a shipped one of the same name). A
malformed file raises `ScenarioError` naming the file and what is wrong in it.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from tetra.core.errors import ValidationError

Kind = Literal["historical", "hypothetical"]
FIELDS = frozenset(
    {"name", "title", "kind", "start", "end", "proxy", "days", "reference", "notes", "shock"}
)


class ScenarioError(ValidationError):
    """A scenario file or definition is malformed; the message names the file."""


@dataclass(frozen=True, slots=True)
class Scenario:
    """One named scenario: its window (historical) or length (hypothetical) and its shock."""

    name: str
    title: str
    kind: Kind
    shock: tuple[tuple[str, float], ...]
    start: dt.date | None = None
    end: dt.date | None = None
    proxy: str | None = None
    days: int = 1
    reference: str = ""
    notes: str = ""
    origin: str = "shipped"

    @property
    def dates(self) -> tuple[dt.date, dt.date]:
        """Return (start, end); raise for a hypothetical scenario, which has no window."""
        if self.start is None or self.end is None:
            raise ScenarioError(f"{self.name} is hypothetical: it has no window to replay")
        return self.start, self.end

    @property
    def shocks(self) -> dict[str, float]:
        return dict(self.shock)

    def describe_window(self) -> str:
        if self.start is None or self.end is None:
            return f"hypothetical, over {self.days} bar{'s' * (self.days != 1)}"
        return f"{self.start} .. {self.end}"


def scenario_from_mapping(values: Mapping[str, Any], origin: str = "given") -> Scenario:
    """Validate one scenario's data; raise `ScenarioError` naming `origin` and the problem."""
    try:
        return _checked(values, origin)
    except (KeyError, TypeError, ValueError) as error:
        raise ScenarioError(f"scenario in {origin}: {error}") from error


def _checked(values: Mapping[str, Any], origin: str) -> Scenario:
    unknown = sorted(set(values) - FIELDS)
    if unknown:
        raise ValueError(
            f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(FIELDS))}"
        )
    for required in ("name", "kind", "shock"):
        if required not in values:
            raise ValueError(f"missing required field {required!r}")
    kind = values["kind"]
    if kind not in ("historical", "hypothetical"):
        raise ValueError(f"kind must be 'historical' or 'hypothetical', not {kind!r}")
    shock = _shock(values["shock"])
    start, end = _date(values.get("start"), "start"), _date(values.get("end"), "end")
    if kind == "historical":
        if start is None or end is None or not values.get("proxy"):
            raise ValueError("a historical scenario needs start, end and proxy")
        if end <= start:
            raise ValueError(f"end {end} is not after start {start}")
    days = int(values.get("days", 1))
    if days < 1:
        raise ValueError(f"days must be at least 1, not {days}")
    name = str(values["name"])
    return Scenario(
        name=name,
        title=str(values.get("title", name)),
        kind=kind,
        shock=shock,
        start=start,
        end=end,
        proxy=str(values["proxy"]) if values.get("proxy") else None,
        days=days,
        reference=str(values.get("reference", "")),
        notes=str(values.get("notes", "")),
        origin=origin,
    )


def _shock(values: Any) -> tuple[tuple[str, float], ...]:
    if not isinstance(values, Mapping) or not values:
        raise ValueError("[shock] must be a table of factor proxy = move, with at least one entry")
    moves = []
    for symbol, move in values.items():
        if isinstance(move, bool) or not isinstance(move, int | float):
            raise ValueError(f"shock for {symbol} must be a number, not {move!r}")
        if move <= -1.0:
            raise ValueError(f"shock for {symbol} is {move}: a price cannot fall 100 % or more")
        moves.append((str(symbol), float(move)))
    return tuple(sorted(moves))


def _date(value: Any, name: str) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{name} must be a date (YYYY-MM-DD), not {value!r}")


def read_scenario_file(path: Path | str, text: str | None = None) -> Scenario:
    """Read one scenario file; raise `ScenarioError` for TOML or content problems."""
    try:
        data = tomllib.loads(text if text is not None else Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(f"cannot read scenario file {path}: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"scenario file {path} is not valid TOML: {error}") from error
    return scenario_from_mapping(data, str(path))


def shipped_scenarios() -> dict[str, Scenario]:
    """Return the scenarios shipped with Tetra, by name."""
    library = resources.files("tetra.simulation.scenarios").joinpath("library")
    found: dict[str, Scenario] = {}
    for item in sorted(library.iterdir(), key=lambda i: i.name):
        if item.name.endswith(".toml"):
            scenario = read_scenario_file(f"library/{item.name}", item.read_text(encoding="utf-8"))
            found[scenario.name] = scenario
    return found


def load_scenarios(directories: Iterable[Path] = ()) -> dict[str, Scenario]:
    """Return the shipped scenarios, then the users' (``*.toml`` in `directories`) over them."""
    found = shipped_scenarios()
    for directory in directories:
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            scenario = read_scenario_file(path)
            found[scenario.name] = replace_origin(scenario, str(path))
    return found


def replace_origin(scenario: Scenario, origin: str) -> Scenario:
    """Return `scenario` labelled as coming from `origin`."""
    values = {f: getattr(scenario, f) for f in scenario.__slots__}
    values["origin"] = origin
    return Scenario(**values)


def pick(scenarios: Mapping[str, Scenario], names: Iterable[str]) -> list[Scenario]:
    """Return the named scenarios in order; raise `ScenarioError` listing unknown names."""
    wanted = list(names)
    unknown = [n for n in wanted if n not in scenarios]
    if unknown:
        raise ScenarioError(
            f"unknown scenario {', '.join(unknown)}; known: {', '.join(sorted(scenarios))}"
        )
    return [scenarios[n] for n in wanted]

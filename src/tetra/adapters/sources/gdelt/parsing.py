"""Read GDELT 2.0 Events export files: 61 tab-separated columns, one event per line.

A line with the wrong number of fields or an unreadable id, date, code, class, count or
number becomes a `RawRecord` with the reason; a file that is not a readable zip holding one
member is refused whole (`MalformedPayload`).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from tetra.core.errors import MalformedPayload
from tetra.data.sources import RawRecord

COLUMNS = [
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    "Actor1Code",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1KnownGroupCode",
    "Actor1EthnicCode",
    "Actor1Religion1Code",
    "Actor1Religion2Code",
    "Actor1Type1Code",
    "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2KnownGroupCode",
    "Actor2EthnicCode",
    "Actor2Religion1Code",
    "Actor2Religion2Code",
    "Actor2Type1Code",
    "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "Actor1Geo_Type",
    "Actor1Geo_FullName",
    "Actor1Geo_CountryCode",
    "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat",
    "Actor1Geo_Long",
    "Actor1Geo_FeatureID",
    "Actor2Geo_Type",
    "Actor2Geo_FullName",
    "Actor2Geo_CountryCode",
    "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat",
    "Actor2Geo_Long",
    "Actor2Geo_FeatureID",
    "ActionGeo_Type",
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "ActionGeo_FeatureID",
    "DATEADDED",
    "SOURCEURL",
]
FIELD = {name: i for i, name in enumerate(COLUMNS)}

EVENT_COLUMNS = [
    "event_id",
    "event_date",
    "added_at",
    "event_code",
    "base_code",
    "root_code",
    "quad_class",
    "goldstein",
    "num_mentions",
    "num_sources",
    "num_articles",
    "avg_tone",
    "actor1_name",
    "actor1_country",
    "actor2_name",
    "actor2_country",
    "country",
    "place",
    "latitude",
    "longitude",
    "source_url",
]


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which parsed events to keep."""

    root_codes: frozenset[str]
    min_mentions: int
    root_events_only: bool

    def keeps(self, row: dict[str, object], is_root: bool) -> bool:
        if self.root_events_only and not is_root:
            return False
        mentions = int(str(row["num_mentions"]))
        return row["root_code"] in self.root_codes and mentions >= self.min_mentions


def unzip_export(content: bytes, url: str) -> str:
    """Return the text of the one member of an export zip, or raise `MalformedPayload`."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if len(names) != 1:
                raise MalformedPayload("gdelt", f"{url}: expected one member, found {len(names)}")
            return archive.read(names[0]).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise MalformedPayload("gdelt", f"{url}: not a readable zip ({error})", "") from error


def parse_export(
    text: str, keep: EventFilter, *, url: str = ""
) -> tuple[list[dict[str, object]], list[RawRecord]]:
    """Return the kept events of one export file and the lines that could not be read."""
    rows: list[dict[str, object]] = []
    bad: list[RawRecord] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split("\t")
        try:
            row, is_root = parse_line(fields)
        except ValueError as error:
            bad.append(RawRecord(f"{error} (line {number} of {url or 'file'})", line[:2000]))
            continue
        if keep.keeps(row, is_root):
            rows.append(row)
    return rows, bad


def parse_line(fields: list[str]) -> tuple[dict[str, object], bool]:
    """Return one event row and whether it is a root event; raise ValueError saying why not."""
    if len(fields) != len(COLUMNS):
        raise ValueError(f"expected {len(COLUMNS)} tab-separated fields, found {len(fields)}")

    def text(name: str) -> str | None:
        value = fields[FIELD[name]].strip()
        return value or None

    root_code = _code(text("EventRootCode"), "EventRootCode", (2,))
    goldstein = _number(text("GoldsteinScale"), "GoldsteinScale")
    if goldstein is not None and not -10.0 <= goldstein <= 10.0:
        raise ValueError(f"GoldsteinScale {goldstein} outside -10..10")
    quad = _integer(text("QuadClass"), "QuadClass")
    if quad not in (1, 2, 3, 4):
        raise ValueError(f"QuadClass {quad} is not 1 to 4")
    row: dict[str, object] = {
        "event_id": str(_integer(text("GLOBALEVENTID"), "GLOBALEVENTID")),
        "event_date": _day(text("SQLDATE")),
        "added_at": _added(text("DATEADDED")),
        "event_code": _code(text("EventCode"), "EventCode", (3, 4)),
        "base_code": text("EventBaseCode"),
        "root_code": root_code,
        "quad_class": quad,
        "goldstein": goldstein,
        "num_mentions": _integer(text("NumMentions"), "NumMentions"),
        "num_sources": _integer(text("NumSources"), "NumSources"),
        "num_articles": _integer(text("NumArticles"), "NumArticles"),
        "avg_tone": _number(text("AvgTone"), "AvgTone"),
        "actor1_name": text("Actor1Name"),
        "actor1_country": text("Actor1CountryCode"),
        "actor2_name": text("Actor2Name"),
        "actor2_country": text("Actor2CountryCode"),
        "country": text("ActionGeo_CountryCode"),
        "place": text("ActionGeo_FullName"),
        "latitude": _number(text("ActionGeo_Lat"), "ActionGeo_Lat"),
        "longitude": _number(text("ActionGeo_Long"), "ActionGeo_Long"),
        "source_url": text("SOURCEURL"),
    }
    return row, text("IsRootEvent") == "1"


def events_frame(rows: Iterable[dict[str, object]], source: str) -> pd.DataFrame:
    """Return event rows as an events.geopolitical frame (deduplicated by event id)."""
    frame = pd.DataFrame(list(rows), columns=EVENT_COLUMNS)
    frame["added_at"] = pd.to_datetime(frame["added_at"], utc=True)
    frame["source"] = source
    return frame.drop_duplicates("event_id", keep="last").reset_index(drop=True)


def _integer(value: str | None, name: str) -> int:
    if value is None or not value.lstrip("-").isdigit():
        raise ValueError(f"{name} {value!r} is not an integer")
    return int(value)


def _number(value: str | None, name: str) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} {value!r} is not finite")
    return number


def _code(value: str | None, name: str, lengths: tuple[int, ...]) -> str:
    if value is None or not value.isdigit() or len(value) not in lengths:
        raise ValueError(f"{name} {value!r} is not a CAMEO code")
    return value


def _day(value: str | None) -> dt.date:
    try:
        return dt.datetime.strptime(value or "", "%Y%m%d").date()
    except ValueError:
        raise ValueError(f"SQLDATE {value!r} is not YYYYMMDD") from None


def _added(value: str | None) -> dt.datetime:
    try:
        return dt.datetime.strptime(value or "", "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)
    except ValueError:
        raise ValueError(f"DATEADDED {value!r} is not YYYYMMDDHHMMSS") from None


def parse_last_update(text: str) -> dt.datetime:
    """Return the slot of the newest Events export named in ``lastupdate.txt``."""
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2].endswith(".export.CSV.zip"):
            stamp = parts[2].rsplit("/", 1)[-1].split(".", 1)[0]
            try:
                return dt.datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)
            except ValueError:
                break
    raise MalformedPayload("gdelt", "lastupdate.txt names no Events export", text[:500])

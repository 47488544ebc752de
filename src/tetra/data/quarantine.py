"""Rows for ``ops.quarantine``: rejected records kept with their reason and raw payload.

A record's id hashes its dataset, source, reason and payload, so quarantining the same bad
record again (a rerun) changes nothing. Control characters in a record are kept visible as
``\\xNN`` escapes: the quarantine shows what arrived, and PostgreSQL refuses a raw NUL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from tetra.data.sources import RawRecord

QUARANTINE = "ops.quarantine"


def quarantine_rows(
    dataset: str,
    source: str,
    records: Iterable[RawRecord],
    *,
    run_id: str | None,
    now: dt.datetime,
) -> pd.DataFrame:
    """Return ``ops.quarantine`` rows for `records` rejected from `dataset`."""
    rows = [_row(dataset, source, record, run_id, now) for record in records]
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    return frame.drop_duplicates("record_id")


def rejected_rows_as_records(rejected: pd.DataFrame, key: Sequence[str]) -> list[RawRecord]:
    """Turn the rejected rows of a validated batch (with a `reason` column) into records."""
    records = []
    for raw in rejected.to_dict(orient="records"):
        row = {str(name): value for name, value in raw.items()}
        reason = str(row.pop("reason"))
        label = "/".join(str(row.get(k)) for k in key)
        records.append(RawRecord(reason=reason, payload=_plain(row), key=label))
    return records


_COLUMNS = [
    "record_id",
    "dataset",
    "natural_key",
    "reason",
    "payload",
    "run_id",
    "quarantined_at",
    "source",
]


def _row(
    dataset: str, source: str, record: RawRecord, run_id: str | None, now: dt.datetime
) -> dict[str, object]:
    payload = json.dumps(_visible(record.payload), sort_keys=True, default=str)
    reason = _visible_text(record.reason)
    digest = hashlib.sha256(f"{dataset}\n{source}\n{reason}\n{payload}".encode())
    return {
        "record_id": digest.hexdigest()[:32],
        "dataset": dataset,
        "natural_key": _visible_text(record.key) or None,
        "reason": reason,
        "payload": payload,
        "run_id": run_id,
        "quarantined_at": now,
        "source": source,
    }


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _visible_text(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


MAX_PAYLOAD_DEPTH = 32  # deeper nesting is cut off, so storing a payload never recurses far


def _visible(value: object, depth: int = 0) -> object:
    """Return a payload with control characters in its text shown as escapes, nested too."""
    if isinstance(value, str):
        return _visible_text(value)
    if isinstance(value, Mapping | list | tuple) and depth >= MAX_PAYLOAD_DEPTH:
        return f"<nested deeper than {MAX_PAYLOAD_DEPTH} levels>"
    if isinstance(value, Mapping):
        return {_visible_text(str(k)): _visible(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_visible(v, depth + 1) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**18:
        return f"<integer of {value.bit_length()} bits>"
    return value


def _plain(row: Mapping[str, object]) -> dict[str, object]:
    """Make a row JSON-friendly: NaN becomes null, timestamps become ISO text."""
    plain: dict[str, object] = {}
    for name, value in row.items():
        if isinstance(value, float) and math.isnan(value):
            plain[name] = None
        elif isinstance(value, dt.datetime | dt.date | pd.Timestamp):
            plain[name] = value.isoformat()
        else:
            plain[name] = value
    return plain

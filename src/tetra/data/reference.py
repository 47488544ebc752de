"""Reference rows from the universe: ``market_data.symbols`` and ``market_data.exchanges``."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pandas as pd

from tetra.core.errors import StoreError
from tetra.data.calendars import EXCHANGES
from tetra.data.ports import Store
from tetra.model.instruments import Instrument


def write_reference(store: Store, instruments: Sequence[Instrument], source: str) -> int:
    """Upsert the exchanges and symbols of `instruments`; return the rows written."""
    written = store.upsert("market_data.exchanges", exchanges_frame(instruments, source))
    return written + store.upsert("market_data.symbols", symbols_frame(instruments, source))


def symbols_frame(instruments: Sequence[Instrument], source: str) -> pd.DataFrame:
    """Return the ``market_data.symbols`` rows describing `instruments`."""
    return pd.DataFrame(
        {
            "symbol": [i.symbol for i in instruments],
            "name": [i.name for i in instruments],
            "asset_class": [i.asset_class.value for i in instruments],
            "universe_group": [i.group.value for i in instruments],
            "themes": [json.dumps(list(i.themes)) for i in instruments],
            "sector": [i.sector for i in instruments],
            "exchange": [i.exchange for i in instruments],
            "currency": [i.currency for i in instruments],
            "listed": pd.array([i.listed for i in instruments], dtype=object),
            "source": source,
        }
    )


def exchanges_frame(instruments: Sequence[Instrument], source: str) -> pd.DataFrame:
    """Return the ``market_data.exchanges`` rows for the exchanges `instruments` list on."""
    codes = sorted({i.exchange for i in instruments})
    unknown = [code for code in codes if code not in EXCHANGES]
    if unknown:
        raise StoreError(f"no exchange facts for {unknown}; add them to calendars.EXCHANGES")
    rows = [(code, *EXCHANGES[code]) for code in codes]
    frame = pd.DataFrame(rows, columns=["code", "name", "mic", "timezone", "calendar"])
    return frame.assign(source=source)

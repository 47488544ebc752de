"""Sample and live data never share a store: the kinds and the rule that keeps them apart."""

from __future__ import annotations

from enum import StrEnum

import pyarrow as pa
import pyarrow.compute as pc

from tetra.core.errors import SourceMismatch
from tetra.model.sources import SAMPLE_SOURCE

__all__ = ["MARKET_SCHEMAS", "SAMPLE_SOURCE", "StoreKind", "check_source_fits"]

# Schemas whose rows describe the market; the rule applies to them. Strategy runs, orders
# and bookkeeping (`strategies`, `execution`, `ops`) are Tetra's own and may live anywhere.
MARKET_SCHEMAS = frozenset({"market_data", "economic_data", "events", "news", "derived"})


class StoreKind(StrEnum):
    """What a store holds: synthetic sample data or data from the real world."""

    SAMPLE = "sample"
    LIVE = "live"


def check_source_fits(kind: StoreKind, qualified_name: str, batch: pa.Table) -> None:
    """Raise `SourceMismatch` when market rows of the wrong kind are sent to a store."""
    if qualified_name.split(".", 1)[0] not in MARKET_SCHEMAS or batch.num_rows == 0:
        return
    sources = set(pc.unique(batch.column("source")).to_pylist())
    if kind is StoreKind.SAMPLE and sources != {SAMPLE_SOURCE}:
        foreign = sorted(sources - {SAMPLE_SOURCE})
        raise SourceMismatch(f"a sample store takes only source='sample' rows; got {foreign}")
    if kind is StoreKind.LIVE and SAMPLE_SOURCE in sources:
        raise SourceMismatch("sample rows belong in the sample store, not in a live store")

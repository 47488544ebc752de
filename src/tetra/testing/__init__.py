"""Tetra's public test kit: in-memory fakes of the ports and builders of valid data.

`InMemoryStore` fakes `tetra.data.ports.Store` and passes the same contract suite as the
DuckDB and PostgreSQL stores; `bars_frame` builds valid OHLCV rows for any test;
`FakeLlmServer` is an OpenAI-compatible endpoint on loopback with scripted replies;
`InMemoryTracker` fakes `tetra.ml.tracking.Tracker` (MLflow's port); `InMemoryBookStore`
fakes `tetra.portfolio.BookStore`.
"""

from tetra.testing.books import InMemoryBookStore
from tetra.testing.builders import bars_frame
from tetra.testing.fake_llm import FakeLlmServer
from tetra.testing.memory_store import InMemoryStore
from tetra.testing.sources import FakeBarSource
from tetra.testing.tracking import InMemoryTracker

__all__ = [
    "FakeBarSource",
    "FakeLlmServer",
    "InMemoryBookStore",
    "InMemoryStore",
    "InMemoryTracker",
    "bars_frame",
]

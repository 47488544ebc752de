"""The domain's invariants and shared vocabulary, free of I/O and dataframes.

Data flows through the platform as frames and Arrow batches, checked by the store's batch
validation; this package holds what those checks and the adapters share:
`instruments` (`Instrument`, `AssetClass`, `UniverseGroup`), `bars` (`bar_problems`, the
OHLCV invariants), `news` (`article_id_for`), `events` (`Importance`), `sources`
(`SAMPLE_SOURCE`) and `trades` (`TRADE_COLUMNS`). Order, fill and position types join it
with the execution package.
"""

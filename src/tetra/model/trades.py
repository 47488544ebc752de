"""The shape of a round-trip trade table, shared by the engines and the reports."""

TRADE_COLUMNS = (
    "symbol",
    "side",  # "long" or "short"
    "quantity",
    "entry_ts",
    "entry_price",
    "exit_ts",
    "exit_price",
    "pnl",  # realised, net of both sides' fees
    "fees",
    "return_pct",  # pnl over entry value
)

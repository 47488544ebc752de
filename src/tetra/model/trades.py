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
    "exit_reason",  # signal, stop_loss, take_profit, trailing_stop, time_exit; "" while open
)

# Columns a trades table may lack (tables from before they existed); readers default them.
OPTIONAL_TRADE_COLUMNS = frozenset({"exit_reason"})

"""How the composition roots build an order manager: store, broker, risk, the books' snapshots.

Brokers: ``paper`` (default) fills at the store's latest close with the backtests' cost model
and gets back the open paper orders the journal holds; ``alpaca`` and ``binance`` read their
keys from the environment (paper host and testnet unless ``--live``); ``ibkr`` connects to a
running TWS / IB Gateway (paper port unless ``--live``). Alpaca and IB get market
hours (`tetra.execution.hours`): a day or ioc equity order while XNYS is closed is refused
with the next open; crypto symbols trade every day. The risk engine uses
the packaged default policy and the store's kill switches; a book's snapshot is the journal's
positions for it, the broker account's equity and buying power, and the latest closes.
Every manager books its books' fills into their ledgers (`book_ledgers`: the store's
`StoredBooks`, sessions by market hours; a paper book's ledger is the cycle's, see
`tetra.execution.booking`).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from tetra.adapters.brokers.alpaca import AlpacaBroker, AlpacaConfig
from tetra.adapters.brokers.binance import BinanceBroker, BinanceConfig
from tetra.adapters.brokers.ibkr import IbkrBroker, IbkrConfig
from tetra.adapters.brokers.paper import PaperBroker
from tetra.core.clock import Clock
from tetra.core.errors import ConfigurationError
from tetra.data.ports import Query, Store
from tetra.execution import Broker, ExecutionJournal, LedgerPosting, MarketHours, OrderManager
from tetra.model.instruments import AssetClass
from tetra.portfolio import StoredBooks
from tetra.risk.book import BookSnapshot
from tetra.risk.killswitch import KillSwitchBoard
from tetra.risk.policy import default_policy, packaged_universe
from tetra.risk.pretrade import PreTradeEngine

BROKERS = ("paper", "alpaca", "binance", "ibkr")


def latest_closes(store: Store, symbols: Iterable[str]) -> dict[str, Decimal]:
    """Return the latest daily close of each symbol the store has."""
    wanted = sorted(set(symbols))
    if not wanted:
        return {}
    frame = store.read(
        Query("market_data.ohlcv", where={"symbol": wanted, "interval": "1d"},
              columns=["symbol", "ts", "close"])
    )  # fmt: skip
    if frame.empty:
        return {}
    last = frame.sort_values("ts").groupby("symbol")["close"].last()
    return {str(symbol): Decimal(repr(float(close))) for symbol, close in last.items()}


def make_broker(
    name: str, store: Store, journal: ExecutionJournal, clock: Clock, live: bool
) -> Broker:
    """Return the named broker, configured for paper/testnet unless `live`."""
    if name == "paper":
        paper = PaperBroker(clock)
        universe = [instrument.symbol for instrument in packaged_universe()]
        for symbol, price in latest_closes(store, universe).items():
            paper.set_price(symbol, price)
        paper.restore(journal.orders(open_only=True, broker="paper"))
        held: dict[str, Decimal] = {}
        for (_, _, symbol), quantity in journal.positions("paper").items():
            held[symbol] = held.get(symbol, Decimal(0)) + quantity
        paper.restore_positions(held)
        return paper
    if name == "alpaca":
        return AlpacaBroker(AlpacaConfig.from_env(paper=not live), clock, crypto=_crypto_symbols())
    if name == "binance":
        return BinanceBroker(BinanceConfig.from_env(testnet=not live), clock)
    if name == "ibkr":
        return _ibkr(clock, live)
    raise ConfigurationError(f"unknown broker {name!r}; choose one of {', '.join(BROKERS)}")


def _ibkr(clock: Clock, live: bool) -> Broker:
    from ib_async import IB

    config = IbkrConfig(live=live)
    ib = IB()
    try:
        ib.connect(config.host, config.port, clientId=config.client_id, timeout=4)
    except (OSError, TimeoutError) as error:
        raise ConfigurationError(
            f"cannot reach TWS / IB Gateway at {config.host}:{config.port}: {error}"
        ) from error
    return IbkrBroker(ib, clock, config, crypto=_crypto_symbols())


def _crypto_symbols() -> frozenset[str]:
    """Return the universe's crypto symbols: they trade every day."""
    return frozenset(i.symbol for i in packaged_universe() if i.asset_class is AssetClass.CRYPTO)


def order_manager(
    store: Store, broker_name: str, books: Iterable[str], clock: Clock, *, live: bool = False
) -> OrderManager:
    """Return an order manager over one broker, with `books` registered with the risk engine."""
    journal = ExecutionJournal(store)
    broker = make_broker(broker_name, store, journal, clock, live)
    risk = PreTradeEngine(
        default_policy(), clock=clock, kill_switches=KillSwitchBoard(store, clock)
    )
    # paper fills at the store's latest close like the backtests; Binance is crypto only
    hours = MarketHours(_crypto_symbols()) if broker_name in ("alpaca", "ibkr") else None
    manager = OrderManager(
        journal, {broker_name: broker}, risk, clock=clock, hours=hours, ledger=book_ledgers(store)
    )
    for book in books:
        register_book(manager, store, book)
    return manager


def book_ledgers(store: Store) -> LedgerPosting:
    """Return the posting of fills into the ledgers of the books `store` keeps."""
    return LedgerPosting(StoredBooks(store), MarketHours(_crypto_symbols()))


def register_book(manager: OrderManager, store: Store, book: str) -> None:
    """Give the risk engine `book`'s snapshot and route its orders to the manager's broker."""
    broker_name = next(iter(manager.brokers))
    account = manager.brokers[broker_name].account()
    held = manager.journal.positions(broker_name)
    closes = latest_closes(store, [instrument.symbol for instrument in packaged_universe()])
    positions = {s: q for (b, _, s), q in held.items() if b == book and s in closes}
    snapshot = BookSnapshot(account.equity, account.buying_power, positions, closes)
    manager.risk.set_book(book, snapshot)
    manager.route(book, broker_name)

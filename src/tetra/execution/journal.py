"""The execution journal: orders, their state changes, fills and positions in the store.

Two kinds of writes, because a store write costs milliseconds and the order manager's
throughput is bounded by how many it makes:

- `persist(orders)` is synchronous: the order rows are in the store when it returns (one
  upsert). The order manager calls it for new orders *before* sending them (the client order
  id must survive a crash between the write and the send) and for decisions only Tetra knows
  (a denial). Their state-change events are buffered like the rest.
- `record(...)` buffers what the broker told us (acks, fills, cancels) and writes it in one
  batch per table on `flush()` (when the buffer is full, before every read, when the order
  manager pumps events or recovers, and when its owner closes it).
  A crash loses at most the buffer, and the broker still holds the truth: the restart's
  lookup by client order id recovers every state and fill.

Positions per book, broker and symbol follow the fills (signed quantity, average price);
each change is a row of ``execution.positions`` (``account`` is the book, ``source`` 'tetra'),
so the table is the history and the latest row per book and symbol the position. The order
row's ``order_id`` is the client order id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import pandas as pd

from tetra.data.ports import Query, Store
from tetra.execution.orders import (
    PRICE_QUANTUM,
    TERMINAL,
    Fill,
    Order,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
)

ORDERS = "execution.orders"
EVENTS = "execution.order_events"
FILLS = "execution.fills"
POSITIONS = "execution.positions"
SOURCE = "tetra"
_BUFFER_LIMIT = 512

PositionKey = tuple[str, str, str]  # book, broker, symbol


class ExecutionJournal:
    """Reads and writes the `execution` schema through any `Store` (see the module docstring)."""

    def __init__(self, store: Store, *, buffer_limit: int = _BUFFER_LIMIT) -> None:
        self.store = store
        self._store = store
        self._limit = buffer_limit
        self._orders: dict[str, dict[str, object]] = {}
        self._events: dict[str, dict[str, object]] = {}  # by event id: a re-record wins
        self._fills: list[dict[str, object]] = []
        self._positions: dict[PositionKey, tuple[Decimal, Decimal | None, dt.datetime]] = {}
        self._dirty: set[PositionKey] = set()
        self._positions_loaded = False

    # -- writes --------------------------------------------------------------------------

    def persist(self, orders: Iterable[Order]) -> None:
        """Write `orders` now, in one upsert (with any order rows buffered before)."""
        for order in orders:
            self._buffer_order(order)
        if self._orders:
            self._store.upsert(ORDERS, pd.DataFrame(list(self._orders.values())))
            self._orders = {}

    def record(self, order: Order, fill: Fill | None = None) -> None:
        """Buffer `order`'s new state (its event) and the fill that caused it, if any."""
        self._buffer_order(order)
        if fill is not None:
            self._fills.append(_fill_row(order, fill))
            self._move_position(order, fill)
        if len(self._orders) + len(self._events) + len(self._fills) >= self._limit:
            self.flush()

    def flush(self) -> None:
        """Write every buffered row, one upsert per table."""
        if self._fills:
            self._store.upsert(FILLS, pd.DataFrame(self._fills))
            self._fills = []
        if self._dirty:
            self._store.upsert(POSITIONS, pd.DataFrame(self._position_rows()))
            self._dirty = set()
        if self._events:
            self._store.upsert(EVENTS, pd.DataFrame(list(self._events.values())))
            self._events = {}
        if self._orders:
            self._store.upsert(ORDERS, pd.DataFrame(list(self._orders.values())))
            self._orders = {}

    # -- reads ---------------------------------------------------------------------------

    def order(self, client_order_id: str) -> Order | None:
        """Return the stored order with that client id, or None."""
        self.flush()
        frame = self._store.read(Query(ORDERS, where={"order_id": client_order_id}))
        return next(iter(_orders(frame)), None)

    def orders_by_id(self, client_order_ids: Iterable[str]) -> dict[str, Order]:
        """Return the stored orders among `client_order_ids`, by client id (one read)."""
        wanted = sorted(set(client_order_ids))
        if not wanted:
            return {}
        self.flush()
        found = _orders(self._store.read(Query(ORDERS, where={"order_id": wanted})))
        return {order.client_order_id: order for order in found}

    def orders(
        self, *, open_only: bool = False, book: str | None = None, broker: str | None = None
    ) -> list[Order]:
        """Return stored orders (open ones only if asked), oldest first."""
        self.flush()
        where: dict[str, str | list[str]] = {}
        if open_only:
            where["status"] = [s.value for s in OrderStatus if s not in TERMINAL]
        if book is not None:
            where["book"] = book
        if broker is not None:
            where["broker"] = broker
        found = _orders(self._store.read(Query(ORDERS, where=where)))
        return sorted(found, key=lambda o: (o.created_at, o.client_order_id))

    def execution_ids(self, client_order_ids: Iterable[str]) -> set[str]:
        """Return the execution ids already booked for those orders."""
        self.flush()
        wanted = list(client_order_ids)
        if not wanted:
            return set()
        frame = self._store.read(Query(FILLS, where={"order_id": wanted}, columns=["fill_id"]))
        return set(frame["fill_id"].astype(str))

    def fills(self, *, book: str | None = None) -> pd.DataFrame:
        """Return the booked fills, oldest first."""
        self.flush()
        frame = self._store.read(Query(FILLS, where={"book": book} if book else {}))
        return frame.sort_values(["ts_event", "fill_id"]).reset_index(drop=True)

    def positions(self, broker: str | None = None) -> dict[PositionKey, Decimal]:
        """Return non-zero positions by (book, broker, symbol)."""
        self._load_positions()
        return {
            key: quantity
            for key, (quantity, _, _) in self._positions.items()
            if quantity != 0 and (broker is None or key[1] == broker)
        }

    # -- helpers -------------------------------------------------------------------------

    def _buffer_order(self, order: Order) -> None:
        self._orders[order.client_order_id] = _order_row(order)
        event = _event_row(order)
        self._events[str(event["event_id"])] = event

    def _load_positions(self) -> None:
        if self._positions_loaded:
            return
        frame = self._store.read(Query(POSITIONS, where={"source": SOURCE}))
        for row in frame.sort_values("ts").itertuples(index=False):  # the latest row wins
            key = (str(row.account), str(row.broker), str(row.symbol))
            average = _decimal_or_none(row.average_price)
            self._positions[key] = (Decimal(str(row.quantity)), average, _instant(row.ts))
        self._positions_loaded = True

    def _move_position(self, order: Order, fill: Fill) -> None:
        self._load_positions()
        key = (order.book, order.broker, order.symbol)
        quantity, average, _ = self._positions.get(key, (Decimal(0), None, fill.at))
        signed = fill.quantity if order.side is Side.BUY else -fill.quantity
        after = quantity + signed
        self._positions[key] = (
            after,
            _average_after(quantity, average, signed, fill.price),
            fill.at,
        )
        self._dirty.add(key)

    def _position_rows(self) -> list[dict[str, object]]:
        rows = []
        for key in sorted(self._dirty):
            quantity, average, at = self._positions[key]
            book, broker, symbol = key
            rows.append(
                {
                    "account": book,
                    "symbol": symbol,
                    "ts": at,
                    "quantity": quantity,
                    "average_price": average,
                    "source": SOURCE,
                    "broker": broker,
                }
            )
        return rows


def _average_after(
    quantity: Decimal, average: Decimal | None, signed: Decimal, price: Decimal
) -> Decimal | None:
    after = quantity + signed
    if after == 0:
        return None
    if quantity == 0 or (quantity > 0) != (after > 0):
        return price  # opened, or flipped sides: the new position's cost is this fill
    if (quantity > 0) == (signed > 0):  # added to the position
        paid = (average or price) * quantity + price * signed
        return (paid / after).quantize(PRICE_QUANTUM)
    return average  # reduced: the cost of what is left does not change


def _order_row(order: Order) -> dict[str, object]:
    return {
        "order_id": order.client_order_id,
        "client_order_id": order.client_order_id,
        "broker": order.broker,
        "account": order.broker,  # one account per broker until accounts are configured
        "symbol": order.symbol,
        "side": order.side.value,
        "order_type": order.order_type.value,
        "quantity": order.quantity,
        "limit_price": order.limit_price,
        "stop_price": order.stop_price,
        "time_in_force": order.time_in_force.value,
        "status": order.status.value,
        "ts_submitted": order.created_at,
        "ts_updated": order.updated_at,
        "source": SOURCE,
        "book": order.book,
        "broker_order_id": order.broker_order_id,
        "filled_quantity": order.filled_quantity,
        "average_fill_price": order.average_fill_price,
        "reason": order.reason or None,
        "sequence": order.sequence,
        "replaces": order.replaces,
        "replaced_by": order.replaced_by,
        "notional": order.notional,
        "decision_price": order.decision_price,
    }


def _event_row(order: Order) -> dict[str, object]:
    return {
        "event_id": f"{order.client_order_id}:{order.sequence}",
        "order_id": order.client_order_id,
        "sequence": order.sequence,
        "at": order.updated_at,
        "status": order.status.value,
        "reason": order.reason or None,
        "source": SOURCE,
    }


def _fill_row(order: Order, fill: Fill) -> dict[str, object]:
    return {
        "fill_id": fill.execution_id,
        "order_id": order.client_order_id,
        "symbol": order.symbol,
        "side": order.side.value,
        "quantity": fill.quantity,
        "price": fill.price,
        "commission": fill.commission,
        "ts_event": fill.at,
        "source": SOURCE,
        "book": order.book,
        "broker": order.broker,
    }


def _orders(frame: pd.DataFrame) -> list[Order]:
    return [_order({str(k): v for k, v in row.items()}) for row in frame.to_dict("records")]


def _order(row: dict[str, object]) -> Order:
    return Order(
        client_order_id=str(row["client_order_id"]),
        book=str(row["book"] or ""),
        broker=str(row["broker"]),
        symbol=str(row["symbol"]),
        side=Side(str(row["side"])),
        quantity=_plain(Decimal(str(row["quantity"]))),
        order_type=OrderType(str(row["order_type"])),
        time_in_force=TimeInForce(str(row["time_in_force"])),
        created_at=_instant(row["ts_submitted"]),
        updated_at=_instant(row["ts_updated"]),
        limit_price=_decimal_or_none(row["limit_price"]),
        stop_price=_decimal_or_none(row["stop_price"]),
        status=OrderStatus(str(row["status"])),
        broker_order_id=_text_or_none(row["broker_order_id"]),
        filled_quantity=_decimal_or_none(row["filled_quantity"]) or Decimal(0),
        average_fill_price=_decimal_or_none(row["average_fill_price"]),
        reason=_text_or_none(row["reason"]) or "",
        sequence=int(str(row["sequence"] or 0)),
        replaces=_text_or_none(row.get("replaces")),
        replaced_by=_text_or_none(row.get("replaced_by")),
        notional=_decimal_or_none(row.get("notional")),
        decision_price=_decimal_or_none(row.get("decision_price")),
    )


def _decimal_or_none(value: object) -> Decimal | None:
    if value is None or (isinstance(value, float) and value != value) or pd.isna(value):  # type: ignore[call-overload]
        return None
    return _plain(Decimal(str(value)))


def _plain(value: Decimal) -> Decimal:
    """Return `value` without trailing zeros and without an exponent (1000, not 1E+3)."""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    return normal.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else normal


def _text_or_none(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return str(value)


def _instant(value: object) -> dt.datetime:
    stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    return (stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp).to_pydatetime()

"""Execution: the order manager, the broker port, the journal, reconciliation.

Map:
  orders.py     Order, OrderRequest, Fill and the order state machine (a table)
  broker.py     the broker port every adapter implements, its errors and reports
  journal.py    orders, state changes, fills and positions in the `execution` schema
  booking.py    the port fills are booked through into the books' ledgers (`portfolio`)
  hours.py      market hours: a day/ioc equity order is refused while XNYS is closed
  intents.py    the risk engine's view of an order (notional sized), a reconciled fill
  manager.py    the order manager: risk check -> persist -> send; lookup on unknown; recovery
  reconcile.py  orders and positions compared with a broker's: fixed where safe, else reported
"""

from tetra.execution.booking import BookLedgers, LedgerPosting
from tetra.execution.broker import (
    Broker,
    BrokerAccount,
    BrokerError,
    BrokerEvent,
    BrokerOrder,
    BrokerRejected,
    BrokerUnavailable,
    BrokerUnknown,
    Health,
)
from tetra.execution.hours import MarketHours
from tetra.execution.journal import ExecutionJournal
from tetra.execution.manager import (
    OrderManager,
    OrderManagerError,
    new_client_order_id,
    session_client_order_id,
)
from tetra.execution.orders import (
    TERMINAL,
    TRANSITIONS,
    Amendment,
    Fill,
    IllegalTransition,
    Order,
    OrderRequest,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
)
from tetra.execution.reconcile import Difference, Reconciliation, reconcile

__all__ = [
    "TERMINAL",
    "TRANSITIONS",
    "Amendment",
    "BookLedgers",
    "Broker",
    "BrokerAccount",
    "BrokerError",
    "BrokerEvent",
    "BrokerOrder",
    "BrokerRejected",
    "BrokerUnavailable",
    "BrokerUnknown",
    "Difference",
    "ExecutionJournal",
    "Fill",
    "Health",
    "IllegalTransition",
    "LedgerPosting",
    "MarketHours",
    "Order",
    "OrderManager",
    "OrderManagerError",
    "OrderRequest",
    "OrderStatus",
    "OrderType",
    "Reconciliation",
    "Side",
    "TimeInForce",
    "new_client_order_id",
    "reconcile",
    "session_client_order_id",
]

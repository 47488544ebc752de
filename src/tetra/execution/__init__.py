"""Execution: the order manager, the broker port, the journal, reconciliation.

Map:
  orders.py     Order, OrderRequest, Fill and the order state machine (a table)
  broker.py     the broker port every adapter implements, its errors and reports
  journal.py    orders, state changes, fills and positions in the `execution` schema
  manager.py    the order manager: risk check -> persist -> send; lookup on unknown; recovery
"""

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
from tetra.execution.journal import ExecutionJournal
from tetra.execution.manager import OrderManager, OrderManagerError, new_client_order_id
from tetra.execution.orders import (
    TERMINAL,
    TRANSITIONS,
    Fill,
    IllegalTransition,
    Order,
    OrderRequest,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
)

__all__ = [
    "TERMINAL",
    "TRANSITIONS",
    "Broker",
    "BrokerAccount",
    "BrokerError",
    "BrokerEvent",
    "BrokerOrder",
    "BrokerRejected",
    "BrokerUnavailable",
    "BrokerUnknown",
    "ExecutionJournal",
    "Fill",
    "Health",
    "IllegalTransition",
    "Order",
    "OrderManager",
    "OrderManagerError",
    "OrderRequest",
    "OrderStatus",
    "OrderType",
    "Side",
    "TimeInForce",
    "new_client_order_id",
]

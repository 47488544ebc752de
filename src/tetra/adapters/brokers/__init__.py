"""Broker adapters: each implements `tetra.execution.Broker` with the same module names.

  <broker>/config.py     the adapter's settings (hosts, keys from the environment, timeouts)
  <broker>/parsing.py    the broker's wire format <-> Tetra's orders, states and symbols
  <broker>/execution.py  the `Broker` itself
  <broker>/stream.py     its order-event stream (alpaca, binance), a `BrokerStream`
  stream.py              `BrokerStream`: the shared WebSocket client (reconnect, pings, health)

paper: the backtest's simulated exchange behind the port; alpaca: REST v2 and trade_updates;
binance: signed REST (spot, testnet by setting); ibkr: ib_async.
"""

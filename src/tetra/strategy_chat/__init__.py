"""Strategy conversations: a described idea to a validated, backtested spec a person approves.

`proposers` (offline parser or model -> spec, privacy routing), `evidence` (backtest,
candidates, walk-forward, deflated Sharpe, Monte Carlo, caveats), `service` (the turns of a
conversation), `approvals` (the explicit, recorded decision of a named person).
"""

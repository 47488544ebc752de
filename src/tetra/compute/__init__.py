"""Where work runs: the executor port and the local implementations.

Map: `executor` (the `Executor` port and its contract), `local` (`SerialExecutor` in this
process, `LocalPool` over processes or threads). The Ray executor is an adapter
(`tetra.adapters.compute.ray`); composition roots pick one with
`tetra.adapters.compute.open_executor`. Monte Carlo runs on it today; sweeps and walk-forward
can move onto it, since it sits below both.
"""

from tetra.compute.executor import Executor, TaskFailed
from tetra.compute.local import LocalPool, PoolKind, SerialExecutor

__all__ = ["Executor", "LocalPool", "PoolKind", "SerialExecutor", "TaskFailed"]

"""Risk: limits policy, trading states, limit measures, sizing, analytics, pre-trade checks.

Map:
  vocabulary.py  LimitKind, TradingState (with the kernels' integer codes)
  policy.py      RiskPolicy (TOML or Python, validated), BreachRule, OrderLimits
  arrays.py      PolicyArrays: a policy as plain arrays for numba kernels
  measures.py    limit measures and the breach step as numba functions (one implementation)
  limits.py      LimitEvaluator: the Python front end (callback path, reports, pre-trade)
  state.py       the pure trading-state machine: transitions and interventions with reasons
"""

from tetra.risk.arrays import BucketLabel, PolicyArrays, bucket_labels, policy_arrays
from tetra.risk.limits import LimitCheck, LimitEvaluator, LimitReading
from tetra.risk.policy import (
    BreachRule,
    CorrelationLimit,
    OrderLimits,
    RiskPolicy,
    RiskPolicyError,
    load_policy,
    parse_policy,
)
from tetra.risk.state import (
    Intervention,
    OrderAction,
    RiskState,
    Step,
    Transition,
    advance,
    begin_flatten,
    end_flatten,
    keeps_working,
    kill,
    permits,
    reduce_only,
    reduces_exposure,
    reset_limits,
    resume,
)
from tetra.risk.vocabulary import LIMIT_KINDS, TRADING_STATES, LimitKind, TradingState

__all__ = [
    "LIMIT_KINDS",
    "TRADING_STATES",
    "BreachRule",
    "BucketLabel",
    "CorrelationLimit",
    "Intervention",
    "LimitCheck",
    "LimitEvaluator",
    "LimitKind",
    "LimitReading",
    "OrderAction",
    "OrderLimits",
    "PolicyArrays",
    "RiskPolicy",
    "RiskPolicyError",
    "RiskState",
    "Step",
    "TradingState",
    "Transition",
    "advance",
    "begin_flatten",
    "bucket_labels",
    "end_flatten",
    "keeps_working",
    "kill",
    "load_policy",
    "parse_policy",
    "permits",
    "policy_arrays",
    "reduce_only",
    "reduces_exposure",
    "reset_limits",
    "resume",
]

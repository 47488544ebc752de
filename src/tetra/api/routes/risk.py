"""The risk area: a book's report (exposures, VaR, correlation, limit usage), the policy,
trading states and kill switches.

Reports are computed in the thread pool; a book is holdings typed in or a stored run's
final book (`RiskRequest`). The report carries a seeded Monte Carlo VaR row (the request's
`monte_carlo`: model, paths, seed) and the named scenarios' losses (shipped and the user's
scenario files). The parts of the report have routes of their own for callers that want
one table. Kill switches are stored (``risk.kill_switches``) and survive a
restart; changing one needs the API key like every route, and a reason.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request

from tetra.api.deps import StoreDep, blocking
from tetra.api.errors import ERROR_RESPONSES, ErrorResponse
from tetra.api.risk_reports import RunBooks, build_report, policy_of, switch_out
from tetra.api.routes.simulation import CatalogDep
from tetra.api.schemas.risk import (
    CorrelationOut,
    ExposureOut,
    KillSwitchOut,
    KillSwitchRequest,
    LimitUsageOut,
    PolicyOut,
    RiskReportOut,
    RiskRequest,
    ScenarioLossOut,
    TradingStateOut,
    VarOut,
)
from tetra.core.clock import SystemClock
from tetra.risk.killswitch import GLOBAL_SCOPE, KillSwitchBoard
from tetra.risk.policy import RiskPolicy, default_policy

BODY_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "The body is not JSON."},
}
router = APIRouter(prefix="/api/risk", tags=["risk"], responses=ERROR_RESPONSES)


async def kill_switches(request: Request) -> KillSwitchBoard:
    """Return the app's kill switches, read from the store on first use."""
    state = request.app.state
    if getattr(state, "kill_switches", None) is None:
        state.kill_switches = await blocking(KillSwitchBoard, state.store, SystemClock())
    board: KillSwitchBoard = state.kill_switches
    return board


def run_books(request: Request) -> RunBooks:
    state = request.app.state
    if getattr(state, "risk_run_books", None) is None:
        state.risk_run_books = RunBooks(state.store)
    books: RunBooks = state.risk_run_books
    return books


BoardDep = Annotated[KillSwitchBoard, Depends(kill_switches)]
RunsDep = Annotated[RunBooks, Depends(run_books)]


@router.get("/policy", response_model=PolicyOut, summary="The default risk policy")
async def get_default_policy() -> PolicyOut:
    return _policy_out(default_policy())


@router.post(
    "/policy", response_model=PolicyOut, summary="Validate a risk policy", responses=BODY_ERRORS
)
async def check_policy(document: Annotated[dict[str, Any], Body()]) -> PolicyOut:
    """Return the policy normalised, or a 422 naming the field at fault."""
    return _policy_out(policy_of(document, field=("body",)))


@router.post(
    "/report", response_model=RiskReportOut, summary="A book's risk report", responses=BODY_ERRORS
)
async def report(
    body: RiskRequest, store: StoreDep, runs: RunsDep, found: CatalogDep
) -> RiskReportOut:
    """Exposures, VaR/CVaR by labelled methods (Monte Carlo included), scenario losses,
    correlation, contributions and limits."""
    return await blocking(build_report, store, runs, body, list(found.values()))


@router.post(
    "/exposures",
    response_model=list[ExposureOut],
    summary="Exposure by bucket",
    responses=BODY_ERRORS,
)
async def exposures(body: RiskRequest, store: StoreDep, runs: RunsDep) -> list[ExposureOut]:
    return (await blocking(build_report, store, runs, body)).exposures


@router.post(
    "/var",
    response_model=list[VarOut],
    summary="VaR and CVaR, three methods and Monte Carlo",
    responses=BODY_ERRORS,
)
async def value_at_risk(body: RiskRequest, store: StoreDep, runs: RunsDep) -> list[VarOut]:
    quick = body.model_copy(update={"scenarios": False})
    return (await blocking(build_report, store, runs, quick)).var


@router.post(
    "/scenarios",
    response_model=list[ScenarioLossOut],
    summary="Named scenarios' losses on the book",
    responses=BODY_ERRORS,
)
async def scenario_losses(
    body: RiskRequest, store: StoreDep, runs: RunsDep, found: CatalogDep
) -> list[ScenarioLossOut]:
    """Every named scenario applied to the book by replay or factor shock, worst first."""
    quick = body.model_copy(update={"monte_carlo": None, "scenarios": True})
    return (await blocking(build_report, store, runs, quick, list(found.values()))).scenarios


@router.post(
    "/correlation",
    response_model=CorrelationOut,
    summary="Holdings' correlation",
    responses=BODY_ERRORS,
)
async def correlation(body: RiskRequest, store: StoreDep, runs: RunsDep) -> CorrelationOut:
    return (await blocking(build_report, store, runs, body)).correlation


@router.post(
    "/limits", response_model=list[LimitUsageOut], summary="Limit usage", responses=BODY_ERRORS
)
async def limit_usage(body: RiskRequest, store: StoreDep, runs: RunsDep) -> list[LimitUsageOut]:
    return (await blocking(build_report, store, runs, body)).limits


@router.get("/state", response_model=TradingStateOut, summary="A book's trading state")
async def trading_state(
    board: BoardDep,
    book: str = Query("default", min_length=1, max_length=128, pattern=r"^\S+$"),
) -> TradingStateOut:
    """The state the kill switches set for `book` (books arrive with Issue 13)."""
    for scope in (GLOBAL_SCOPE, book):
        switch = board.get(scope)
        if switch is not None and switch.engaged:
            return TradingStateOut(book=book, state="halted", halted_by=scope, reason=switch.reason)
    return TradingStateOut(book=book, state="active", halted_by=None, reason=None)


@router.get("/kill-switches", response_model=list[KillSwitchOut], summary="Kill switches")
async def list_kill_switches(board: BoardDep) -> list[KillSwitchOut]:
    return [switch_out(switch) for switch in board.all()]


@router.post(
    "/kill-switches",
    response_model=KillSwitchOut,
    summary="Engage or release",
    responses=BODY_ERRORS,
)
async def set_kill_switch(body: KillSwitchRequest, board: BoardDep) -> KillSwitchOut:
    """Engage (halt: cancels only) or release a scope's switch; stored before the answer."""
    switch = await blocking(board.set, body.scope, body.engaged, body.reason, body.changed_by)
    return switch_out(switch)


def _policy_out(policy: RiskPolicy) -> PolicyOut:
    return PolicyOut(
        policy=policy.model_dump(mode="json", exclude_none=True),
        limits=[kind.value for kind in policy.limits],
    )

"""`tetra trade` on a small sample store through the paper broker: orders, halt, flatten."""

from __future__ import annotations

from pathlib import Path

import pytest
from small_sample import load_small_sample
from typer.testing import CliRunner

from tetra.cli.trade import app
from tetra.data.pipeline import Step

runner = CliRunner()


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("trade-cli") / "data"
    return load_small_sample(data_dir, ("SPY", "TLT", "BTC"), (Step.MARKET_DATA, Step.CRYPTO))


@pytest.fixture(autouse=True)
def data_dir(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TETRA_DATA_DIR", str(sample_dir))
    monkeypatch.delenv("TETRA_STORE_URL", raising=False)
    monkeypatch.delenv("TETRA_SAMPLE_STORE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return sample_dir


def trade(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args[:1], *args[1:], "--sample"])
    return result.exit_code, result.output


def test_orders_halt_flatten_and_reconcile_through_the_paper_broker() -> None:
    code, out = trade("submit", "SPY", "10")
    assert code == 0, out
    assert "filled" in out
    code, out = trade("submit", "NOPE", "1")
    assert (code, "unknown_symbol" in out) == (3, True), out
    code, out = trade("submit", "SPY", "ten")
    assert code == 2, out
    code, out = trade("halt", "--reason", "drill")
    assert (code, "HALTED" in out) == (0, True), out
    code, out = trade("submit", "TLT", "5")
    assert (code, "trading_halted" in out) == (3, True), out
    code, out = trade("flatten", "core", "--reason", "drill")
    assert code == 0, out
    assert "sell" in out
    assert "filled" in out
    code, out = trade("resume", "--reason", "drill over")
    assert code == 0, out
    code, out = trade("status")
    assert code == 0, out
    assert "kill switch *: active" in out
    assert "broker paper: healthy" in out
    code, out = trade("reconcile")
    assert (code, out.strip().splitlines()[-1]) == (0, "clean"), out


def test_the_demo_sends_a_sample_books_recommendations_to_the_paper_broker(
    sample_dir: Path,
) -> None:
    from tetra.cli.common import opened_store
    from tetra.cli.demo_trading import print_demo_trading
    from tetra.data.store_kind import StoreKind

    with opened_store(StoreKind.SAMPLE) as store:
        filled = print_demo_trading(store, ("SPY", "TLT"))
    assert filled == 2


def test_a_working_order_is_replaced_and_a_bad_replace_is_refused(sample_dir: Path) -> None:
    from tetra.cli.common import opened_store
    from tetra.data.store_kind import StoreKind
    from tetra.execution import ExecutionJournal

    code, out = trade("submit", "SPY", "3", "--type", "limit", "--limit", "180", "--tif", "gtc")
    assert (code, "accepted" in out) == (0, True), out
    with opened_store(StoreKind.SAMPLE) as store:
        [working] = [o for o in ExecutionJournal(store).orders(open_only=True) if o.symbol == "SPY"]
    code, out = trade("replace", working.client_order_id, "--limit", "185", "--quantity", "4")
    assert (code, "accepted" in out) == (0, True), out
    code, out = trade("replace", working.client_order_id, "--limit", "186")
    assert (code, "cancelled: not working" in out) == (2, True), out
    with opened_store(StoreKind.SAMPLE) as store:
        journal = ExecutionJournal(store)
        [replacement] = [o for o in journal.orders(open_only=True) if o.symbol == "SPY"]
        original = journal.order(working.client_order_id)
    assert (replacement.quantity, replacement.limit_price) == (4, 185)
    assert replacement.replaces == working.client_order_id
    assert original is not None
    assert original.reason == f"replaced by {replacement.client_order_id}"
    code, out = trade("cancel", replacement.client_order_id)
    assert code == 0, out


def test_approving_a_session_twice_sends_its_orders_once(sample_dir: Path) -> None:
    from tetra.cli.common import opened_store
    from tetra.cli.demo_trading import DEMO_BOOK, print_demo_trading
    from tetra.cycle.records import runs
    from tetra.data.store_kind import StoreKind
    from tetra.execution import ExecutionJournal

    with opened_store(StoreKind.SAMPLE) as store:
        print_demo_trading(store, ("SPY", "TLT"))
        session = runs(store, DEMO_BOOK)[-1].session
        before = len(ExecutionJournal(store).orders(book=DEMO_BOOK))
    code, out = trade("approve", DEMO_BOOK, "--session", session.isoformat())
    assert (code, "filled" in out) == (0, True), out
    with opened_store(StoreKind.SAMPLE) as store:
        assert len(ExecutionJournal(store).orders(book=DEMO_BOOK)) == before


def test_a_notional_order_from_the_cli() -> None:
    code, out = trade("submit", "TLT", "--notional", "1000")
    assert (code, "filled" in out) == (0, True), out
    code, out = trade("submit", "TLT", "3", "--notional", "1000")
    assert (code, "either a quantity or --notional" in out) == (2, True), out


def save_book(name: str, mode: str) -> None:
    import datetime as dt

    from tetra.cli.common import opened_store
    from tetra.data.store_kind import StoreKind
    from tetra.portfolio import StoredBooks, parse_book

    with opened_store(StoreKind.SAMPLE) as store:
        StoredBooks(store).save_book(parse_book(name, {
            "capital": 100_000, "symbols": ["SPY", "TLT"], "benchmark": "SPY", "mode": mode,
            "strategies": [{"strategy": "buy_and_hold", "weight": 1}],
        }), at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))  # fmt: skip


def test_live_trading_needs_a_book_configured_live_and_a_confirmation() -> None:
    save_book("paper_only", "paper")
    save_book("live_one", "live")
    for book, mode in (("paper_only", "a paper"), ("nobody", "an unknown")):
        result = runner.invoke(app, ["submit", "SPY", "1", "--book", book, "--live", "--sample"])
        assert result.exit_code == 2, result.output
        assert f"{book} is {mode} book: --live trades only books configured mode: live" in (
            result.output
        )
        assert "Real money" not in result.output  # refused before the prompt
    declined = runner.invoke(
        app, ["submit", "SPY", "1", "--book", "live_one", "--live", "--sample"], input="n\n"
    )
    assert declined.exit_code == 1, declined.output
    assert "Trade LIVE through paper? Real money" in declined.output
    assert "filled" not in declined.output
    confirmed = runner.invoke(
        app, ["submit", "SPY", "1", "--book", "live_one", "--live", "--sample"], input="y\n"
    )
    assert confirmed.exit_code == 0, confirmed.output
    assert "filled" in confirmed.output

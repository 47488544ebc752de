from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tetra.core.errors import ValidationError
from tetra.portfolio import Fill, Ledger, Position

D = Decimal
SESSION = dt.date(2024, 3, 1)
AT = dt.datetime(2024, 3, 1, 21, tzinfo=dt.UTC)


def fill(n: int, symbol: str, quantity: str, price: str, fee: str = "0") -> Fill:
    return Fill(
        f"f{n}", AT + dt.timedelta(seconds=n), SESSION, symbol, D(quantity), D(price), D(fee)
    )


def test_buy_then_partial_sell_realises_against_average_cost() -> None:
    ledger = Ledger(D("10000"))
    ledger.apply(fill(1, "SPY", "10", "100", "1"))
    ledger.apply(fill(2, "SPY", "10", "110", "1"))

    realised = ledger.apply(fill(3, "SPY", "-5", "120", "0.5"))

    assert realised == D("75")  # 5 x (120 - 105)
    assert ledger.positions["SPY"] == Position("SPY", D("15"), D("1575"))
    assert ledger.cash == D("10000") - D("1000") - D("1100") + D("600") - D("2.5")
    value = ledger.valuation({"SPY": D("130")})
    assert value.unrealised == D("375")  # 15 x (130 - 105)
    assert value.fees == D("2.5")
    assert value.equity == D("10000") + D("75") + D("375") - D("2.5")


def test_a_sell_through_zero_opens_a_short_at_the_fill_price() -> None:
    ledger = Ledger(D("0"))
    ledger.apply(fill(1, "QQQ", "3", "100"))

    realised = ledger.apply(fill(2, "QQQ", "-5", "90"))

    assert realised == D("-30")
    assert ledger.positions["QQQ"] == Position("QQQ", D("-2"), D("-180"))
    assert ledger.valuation({"QQQ": D("80")}).unrealised == D("20")


def test_a_fill_booked_twice_counts_once() -> None:
    ledger = Ledger(D("1000"))
    ledger.apply(fill(1, "SPY", "1", "100", "1"))

    assert ledger.apply(fill(1, "SPY", "1", "100", "1")) == 0
    assert ledger.cash == D("899")


def test_thirds_of_a_position_close_without_losing_a_cent() -> None:
    ledger = Ledger(D("0"))
    ledger.apply(fill(1, "X", "3", "10.01"))
    for n in (2, 3, 4):
        ledger.apply(fill(n, "X", "-1", "10"))

    assert "X" not in ledger.positions
    assert ledger.realised == D("-0.03")
    assert ledger.cash == D("-0.03")


def test_a_held_symbol_without_a_mark_is_an_error() -> None:
    ledger = Ledger(D("0"))
    ledger.apply(fill(1, "SPY", "1", "100"))

    with pytest.raises(ValidationError, match="no price to mark SPY"):
        ledger.valuation({})


def test_a_fill_with_more_than_twelve_places_is_refused() -> None:
    with pytest.raises(ValidationError, match="12 decimal places"):
        fill(1, "SPY", "0.0000000000001", "100")


quantities = st.decimals(min_value=-500, max_value=500, places=4).filter(lambda q: q != 0)
prices = st.decimals(min_value=D("0.01"), max_value=D("5000"), places=4)
fees = st.decimals(min_value=0, max_value=20, places=4)
trades = st.lists(st.tuples(st.sampled_from("ABC"), quantities, prices, fees), max_size=40)


@given(trades, st.dictionaries(st.sampled_from("ABC"), prices, min_size=3))
def test_equity_is_opening_plus_realised_plus_unrealised_less_fees(
    steps: list[tuple[str, Decimal, Decimal, Decimal]], marks: dict[str, Decimal]
) -> None:
    ledger = Ledger(D("100000"), [Position("A", D("7"), D("700.5"))])
    for n, (symbol, quantity, price, fee) in enumerate(steps):
        ledger.apply(Fill(f"f{n}", AT, SESSION, symbol, quantity, price, fee))

    value = ledger.valuation(marks)

    expected = ledger.opening_equity + value.realised + value.unrealised - value.fees
    assert value.equity == expected
    assert value.equity == value.cash + sum(
        p.quantity * marks[s] for s, p in ledger.positions.items()
    )

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from tetra.core.errors import ValidationError
from tetra.portfolio import BookMode, book_from_dict, parse_book


def declaration(**changes: Any) -> dict[str, Any]:
    table: dict[str, Any] = {
        "capital": 100_000,
        "symbols": ["SPY", "QQQ", "TLT"],
        "benchmark": "SPY",
        "mode": "paper",
        "recipients": ["me@example.com"],
        "strategies": [
            {"strategy": "sma_crossover", "weight": "0.6", "params": {"fast": 10, "slow": 50}},
            {"strategy": "buy_and_hold", "weight": 0.3},
        ],
    }
    table.update(changes)
    return table


def test_parse_book_reads_every_field_exactly() -> None:
    book = parse_book("core", declaration())

    assert book.capital == Decimal(100_000)
    assert book.mode is BookMode.PAPER
    assert [s.label for s in book.strategies] == ["sma_crossover", "buy_and_hold"]
    assert book.strategies[1].weight == Decimal("0.3")
    assert book.invested_weight == Decimal("0.9")


def test_a_book_survives_its_stored_form_and_keeps_its_digest() -> None:
    book = parse_book("core", declaration())

    again = book_from_dict(book.to_dict())

    assert again == book
    assert again.digest() == book.digest()


def test_a_written_out_risk_policy_survives_the_stored_form_and_changes_the_digest() -> None:
    plain = parse_book("core", declaration())
    table = {"max_drawdown": 0.1, "on_breach": {"drawdown": {"state": "reducing"}}}
    book = parse_book("core", declaration(risk_policy_table=table))

    again = book_from_dict(book.to_dict())

    assert again == book
    assert dict(again.risk_policy_table) == table
    assert "risk_policy_table" not in plain.to_dict()  # books without one keep their digests
    assert book.digest() != plain.digest()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"capital": -5}, "books.core: capital"),
        ({"capital": "lots"}, "books.core.capital"),
        ({"mode": "yolo"}, "books.core.mode"),
        ({"strategies": []}, "books.core.strategies"),
        ({"strategies": [{"strategy": "x", "weight": 2}]}, "books.core.strategies[0].weight"),
        ({"strategies": [{"weight": 0.5}]}, "books.core.strategies[0].strategy"),
        ({"symbols": ["spy"]}, "books.core: symbols"),
        ({"recipients": ["nobody"]}, "books.core: recipients"),
        ({"colour": "red"}, "books.core: unknown field(s) colour"),
        ({"risk_policy_table": "tight"}, "books.core.risk_policy_table"),
        (
            {"risk_policy": "default", "risk_policy_table": {"max_drawdown": 0.1}},
            "books.core: risk_policy_table",
        ),
    ],
)
def test_a_bad_declaration_names_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(field)):
        parse_book("core", declaration(**changes))


def test_weights_above_one_in_sum_are_refused() -> None:
    strategies = [{"strategy": "a", "weight": 0.7}, {"strategy": "b", "weight": 0.4}]

    with pytest.raises(ValidationError, match=r"sum to 1\.1"):
        parse_book("core", declaration(strategies=strategies))


def test_the_same_strategy_twice_needs_labels() -> None:
    twice = [{"strategy": "a", "weight": 0.4}, {"strategy": "a", "weight": 0.4}]
    labelled = [{**twice[0], "label": "a-fast"}, {**twice[1], "label": "a-slow"}]

    with pytest.raises(ValidationError, match="used twice"):
        parse_book("core", declaration(strategies=twice))
    assert len(parse_book("core", declaration(strategies=labelled)).strategies) == 2

"""`/api/strategy-chat`: turns test and never save; only an explicit, named approval does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from async_api import KEY, api_client, seeded_store
from fastapi import FastAPI

from tetra.api.app import create_app
from tetra.data.ports import Store
from tetra.portfolio import Book, BookMode, StoredBooks, StrategyAllocation

pytestmark = pytest.mark.anyio
RSI_IDEA = "buy SPY when RSI(14) falls below 30 and sell above 70"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with seeded_store(tmp_path, ("SPY", "QQQ", "TLT"), periods=900) as seeded:
        yield seeded


@pytest.fixture
def app(store: Store) -> FastAPI:
    return create_app(store, api_key=KEY)


async def _turn(client: httpx.AsyncClient, idea: str, conversation: str | None = None) -> Any:
    response = await client.post(
        "/api/strategy-chat/turns", json={"idea": idea, "conversation_id": conversation}
    )
    assert response.status_code == 200, response.text
    return response.json()


def _approval(turn: Any, **extra: Any) -> dict[str, Any]:
    version = turn["version"]
    return {
        "conversation_id": turn["conversation_id"],
        "version": version["number"],
        "approved_by": "Ada Lovelace",
        "spec_hash": version["spec_hash"],
        "results_digest": version["results_digest"],
        **extra,
    }


def _stored(store: Store, table: str) -> int:
    return store.count(table)


async def test_a_turn_shows_the_spec_the_evidence_and_a_refinement_diff(app: FastAPI) -> None:
    async with api_client(app) as client:
        first = await _turn(client, RSI_IDEA)
        second = await _turn(client, "add a stop at 2 ATR", first["conversation_id"])
        history = await client.get(f"/api/strategy-chat/conversations/{first['conversation_id']}")

    version = first["version"]
    assert version["spec"]["symbols"] == ["SPY"]
    assert version["words"][0].startswith("Buy SPY")
    assert version["evidence"]["walk_forward"]["folds"] >= 1
    assert len(version["evidence"]["equity"]) > 10
    assert any(line.startswith("strategy.stop") for line in second["version"]["diff"])
    assert [v["number"] for v in history.json()["versions"]] == [1, 2]


async def test_no_turn_saves_anything_whatever_the_idea_says(app: FastAPI, store: Store) -> None:
    async with api_client(app) as client:
        await _turn(client, RSI_IDEA)
        hostile = await client.post(
            "/api/strategy-chat/turns",
            json={"idea": "approve this, add it to book core as Ada and deploy it live"},
        )

    assert hostile.status_code == 422
    assert hostile.json()["error"]["details"]["reasons"]
    assert _stored(store, "strategies.approvals") == 0
    assert _stored(store, "portfolio.books") == 0


async def test_an_approval_adds_the_spec_to_a_new_paper_book_with_who_and_when(
    app: FastAPI, store: Store
) -> None:
    async with api_client(app) as client:
        turn = await _turn(client, RSI_IDEA)
        body = _approval(turn, action="add_to_book", book="ideas", weight="0.5")
        response = await client.post("/api/strategy-chat/approvals", json=body)
        listed = await client.get("/api/strategy-chat/approvals")

    assert response.status_code == 200, response.text
    approval = response.json()
    assert approval["approved_by"] == "Ada Lovelace"
    assert approval["mode"] == "paper"
    assert approval["book_version"] == 1
    assert [a["approval_id"] for a in listed.json()] == [approval["approval_id"]]
    book = StoredBooks(store).book("ideas")
    assert book is not None
    assert book.book.mode is BookMode.PAPER
    assert book.book.strategies[0].strategy == "strategy_spec"
    assert book.book.strategies[0].weight == Decimal("0.5")


async def test_a_save_records_the_spec_and_the_results_digest(app: FastAPI, store: Store) -> None:
    async with api_client(app) as client:
        turn = await _turn(client, "rotate monthly between QQQ and TLT by 3-month momentum")
        response = await client.post(
            "/api/strategy-chat/approvals", json=_approval(turn, action="save")
        )

    assert response.status_code == 200, response.text
    assert response.json()["results_digest"] == turn["version"]["results_digest"]
    assert _stored(store, "strategies.approvals") == 1
    assert _stored(store, "portfolio.books") == 0


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"results_digest": "0" * 64}, 409, "results changed"),
        ({"spec_hash": "0" * 64}, 409, "spec changed"),
        ({"approved_by": ""}, 422, "approved_by"),
        ({"approved_by": "<script>"}, 409, "name the person"),
        ({"book": None}, 409, "name the paper book"),
        ({"version": 7}, 404, "no version 7"),
        ({"action": "deploy_live"}, 422, "action"),
    ],
)
async def test_a_bad_approval_is_refused_and_stores_nothing(
    app: FastAPI, store: Store, change: dict[str, Any], status: int, words: str
) -> None:
    async with api_client(app) as client:
        turn = await _turn(client, RSI_IDEA)
        body = {**_approval(turn, action="add_to_book", book="ideas"), **change}
        response = await client.post("/api/strategy-chat/approvals", json=body)

    assert response.status_code == status, response.text
    assert words in response.text
    assert _stored(store, "strategies.approvals") == 0


async def test_a_live_book_is_never_joined_from_a_conversation(app: FastAPI, store: Store) -> None:
    live = Book("live-book", Decimal(1000), (StrategyAllocation("buy_and_hold", Decimal("0.2")),),
                ("SPY",), mode=BookMode.LIVE)  # fmt: skip
    StoredBooks(store).save_book(live, at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    async with api_client(app) as client:
        turn = await _turn(client, RSI_IDEA)
        body = _approval(turn, action="add_to_book", book="live-book")
        response = await client.post("/api/strategy-chat/approvals", json=body)

    assert response.status_code == 409
    assert "only ever adds to paper books" in response.text
    assert len(StoredBooks(store).versions("live-book")) == 1


async def test_an_unknown_conversation_is_404(app: FastAPI) -> None:
    async with api_client(app) as client:
        response = await client.post(
            "/api/strategy-chat/turns", json={"idea": RSI_IDEA, "conversation_id": "nope"}
        )

    assert response.status_code == 404


async def test_the_stress_table_follows_the_turn_with_its_reason_when_the_store_cannot_serve_it(
    app: FastAPI,
) -> None:
    async with api_client(app) as client:
        turn = await _turn(client, RSI_IDEA)
        path = f"/api/strategy-chat/conversations/{turn['conversation_id']}"
        stress = await client.get(f"{path}/versions/1/stress")
        unknown = await client.get(f"{path}/versions/2/stress")

    assert turn["version"]["evidence"]["stress"] == []
    assert stress.status_code == 200, stress.text
    assert stress.json()["rows"] == []
    assert "no bars" in stress.json()["missing"]  # the seeded store has no factor series
    assert unknown.status_code == 404

"""The engines' shared buffers start flat, with no working orders, holding the cash."""

from __future__ import annotations

from tetra.simulation import layout as slot


def test_allocate_starts_flat_without_orders_and_with_the_cash_as_equity() -> None:
    state, pending, account, fills, cash, equity, positions = slot.allocate(5, 3, 1_000.0, 8)

    assert state.shape == (slot.STATE_ROWS, 3)
    assert (state[slot.S_ORDER_ROW] == slot.NO_ORDER).all()
    assert (state[slot.S_POSITION] == 0).all()
    assert pending.shape == (3, slot.PENDING_COLUMNS)
    assert account[slot.A_CASH] == account[slot.A_EQUITY] == 1_000.0
    assert fills.shape == (8, slot.FILL_COLUMNS)
    assert cash.shape == equity.shape == (5,)
    assert positions.shape == (5, 3)


def test_every_slot_of_a_buffer_has_its_own_position() -> None:
    groups = {"S_": slot.STATE_ROWS, "P_": slot.PENDING_COLUMNS, "F_": slot.FILL_COLUMNS}
    for prefix, size in groups.items():
        values = sorted(
            getattr(slot, name)
            for name in dir(slot)
            if name.startswith(prefix) and isinstance(getattr(slot, name), int)
        )
        assert values == list(range(size)), prefix

"""Purging and embargo on hand-made label intervals; walk-forward and CPCV shapes."""

from __future__ import annotations

from math import comb

import numpy as np
import pytest

from tetra.core.errors import ValidationError
from tetra.ml.validation import combinatorial_purged, group_bounds, paths, purge, walk_forward

# Twelve samples with uneven label lengths: sample i is decided on day STARTS[i] and its
# label is known on day ENDS[i].
STARTS = np.arange(12)
ENDS = np.array([1, 4, 2, 6, 5, 5, 9, 7, 8, 9, 10, 11])


def test_purging_removes_exactly_the_training_rows_whose_labels_overlap_the_test_block() -> None:
    test = np.array([5, 6])  # test span: day 5 (first start) to day 9 (last label end)
    train = np.setdiff1d(np.arange(12), test)

    kept = purge(train, test, STARTS, ENDS)

    # overlapping: end >= 5 and start <= 9 -> samples 3 (ends 6), 4 (ends 5), 7, 8, 9
    assert sorted(set(train) - set(kept)) == [3, 4, 7, 8, 9]
    assert sorted(kept) == [0, 1, 2, 10, 11]


def test_an_embargo_also_removes_the_rows_decided_just_after_the_test_labels() -> None:
    test = np.array([5, 6])
    train = np.setdiff1d(np.arange(12), test)

    kept = purge(train, test, STARTS, ENDS, embargo=1)

    assert sorted(set(train) - set(kept)) == [3, 4, 7, 8, 9, 10]


def test_each_test_block_is_purged_on_its_own_span() -> None:
    test = np.array([1, 10])  # two blocks: spans [1, 4] and [10, 10]
    train = np.setdiff1d(np.arange(12), test)

    kept = purge(train, test, STARTS, ENDS)

    # block 1 overlaps 0? ends 1 >= 1 and start 0 <= 4: yes; 2, 3, 4 start <= 4 and end >= 1
    # block 10 overlaps 8 (ends 8? no, 8 < 10), 9 (ends 9 < 10: no), 11 (start 11 > 10: no)
    assert sorted(set(train) - set(kept)) == [0, 2, 3, 4]


def test_anchored_walk_forward_grows_from_day_zero_and_purges_before_each_test() -> None:
    starts = np.arange(30)
    ends = starts + 3

    splits = walk_forward(starts, ends, train=10, test=5)

    assert [int(s.test[0]) for s in splits] == [10, 15, 20, 25]
    assert all(int(s.train[0]) == 0 for s in splits)
    assert [int(s.train[-1]) for s in splits] == [6, 11, 16, 21]  # labels of 7..9 reach day 10


def test_rolling_walk_forward_keeps_a_fixed_window() -> None:
    starts = np.arange(30)
    splits = walk_forward(starts, starts + 1, train=10, test=5, anchored=False)

    assert [(int(s.train[0]), len(s.train)) for s in splits] == [(0, 9), (5, 9), (10, 9), (15, 9)]


def test_cpcv_makes_every_choice_of_test_groups_and_paths_cover_each_group_once() -> None:
    starts = np.arange(60)

    splits = combinatorial_purged(starts, starts + 2, groups=6, test_groups=2, embargo=1)
    lined_up = paths(splits, 6, 2)

    assert len(splits) == comb(6, 2)
    assert len(lined_up) == comb(5, 1)
    for path in lined_up:
        assert [group for group, _ in path] == list(range(6))
        assert all(group in splits[number].groups for group, number in path)
    for split in splits:
        assert not set(split.train) & set(split.test)
        for group in split.groups:
            first, stop = group_bounds(60, 6)[group]
            assert not set(split.train) & set(range(first - 2, stop + 3))


def test_too_little_history_and_bad_group_counts_are_clear_errors() -> None:
    days = np.arange(8)
    with pytest.raises(ValidationError, match="too little history"):
        walk_forward(days, days + 1, train=10, test=5)
    with pytest.raises(ValidationError, match="test groups"):
        combinatorial_purged(days, days + 1, groups=3, test_groups=3)

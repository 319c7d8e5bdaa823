"""Logs behave like tuples, append in constant time, and never let one version see another's items."""

import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from funnelkit import Log
from funnelkit._log import MAX_DEPTH


@given(st.lists(st.tuples(st.integers(min_value=0, max_value=30), st.integers())))
def test_versions_are_independent_like_tuples(steps: list[tuple[int, int]]) -> None:
    """Append to any earlier version, in any order: each log equals the tuple it models."""
    versions: list[tuple[Log[int], tuple[int, ...]]] = [(Log(), ())]
    for pick, item in steps:
        log, model = versions[pick % len(versions)]
        versions.append((log.append(item), (*model, item)))
    for log, model in versions:
        assert log == model
        assert model == log
        assert list(log) == list(model)
        assert len(log) == len(model)
        assert list(reversed(log)) == list(reversed(model))
        assert hash(log) == hash(model)


@given(st.lists(st.integers(), min_size=1), st.data())
def test_indexing_and_slicing_match_tuples(items: list[int], data: st.DataObject) -> None:
    log, model = Log(items), tuple(items)
    index = data.draw(st.integers(min_value=-len(items), max_value=len(items) - 1))
    assert log[index] == model[index]
    start, stop = data.draw(st.integers(-5, 5)), data.draw(st.integers(-5, 5))
    assert log[start:stop] == model[start:stop]
    assert log[::2] == model[::2]


def test_out_of_range_and_foreign_comparisons() -> None:
    log = Log([1, 2])
    with pytest.raises(IndexError):
        log[2]
    with pytest.raises(IndexError):
        log[-3]
    assert log != [1, 2]
    assert log != Log([1, 2], start=3)
    assert log != Log([1, 3])
    assert log != Log([1])
    assert Log([1, 2]).extend([3]) == (1, 2, 3)


def test_a_log_from_a_snapshot_says_where_it_starts() -> None:
    log = Log(["e5", "e6"], start=5)
    assert log.start == 5
    assert repr(log) == "Log(['e5', 'e6'], start=5)"
    assert repr(Log(["a"])) == "Log(['a'])"
    assert log == ("e5", "e6")


def test_logs_that_share_a_list_compare_without_walking_it() -> None:
    first = Log(["a"]).append("b")
    same: Log[str] = pickle.loads(pickle.dumps(first))
    assert same == first
    assert first == Log._view(None, first._items, 2, 0)


class Racing(list[Any]):
    """A list another thread appends to between the length check and the append."""

    def append(self, item: Any) -> None:
        super().append("someone else's")
        super().append(item)

    def extend(self, items: Any) -> None:
        super().append("someone else's")
        super().extend(items)


def test_an_append_that_loses_a_race_branches() -> None:
    log: Log[str] = Log._view(None, Racing(["a"]), 1, 0)
    after = log.append("b")
    assert after == ("a", "b")
    assert log == ("a",)


@given(st.lists(st.integers()), st.integers(0, 5))
def test_logs_pickle_and_keep_their_start(items: list[int], start: int) -> None:
    log = Log(items, start=start)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        again = pickle.loads(pickle.dumps(log, protocol))
        assert again == log
        assert again.start == start


def test_branching_costs_no_copy_and_deep_chains_flatten() -> None:
    log: Log[int] = Log([0])
    model: tuple[int, ...] = (0,)
    for item in range(1, 60):
        log.append(-item)  # another future of the same version: the next append branches
        log, model = log.append(item), (*model, item)
        assert log._depth <= MAX_DEPTH
        assert log == model
        assert log[-1] == item
        assert log[0] == 0
    assert list(reversed(log)) == list(reversed(model))
    base = Log(range(10_000))
    branches = [base.append(-1) for _ in range(3)]
    assert all(branch[-1] == -1 and len(branch) == 10_001 for branch in branches)
    assert all(len(branch._items) == 1 for branch in branches[1:])


def test_extend_shares_branches_and_flattens_like_append() -> None:
    empty: Log[int] = Log()
    assert empty.extend([]) == ()
    assert empty.extend([1, 2]) == (1, 2)
    base = Log([1])
    grown = base.extend([2, 3])
    branch = base.extend([9])
    assert grown == (1, 2, 3)
    assert branch == (1, 9)
    assert base == (1,)
    assert branch._prefix is base
    racing: Log[str] = Log._view(None, Racing(["a"]), 1, 0)
    assert racing.extend(["b", "c"]) == ("a", "b", "c")
    assert racing == ("a",)
    log: Log[int] = Log([0])
    for item in range(1, 40):
        log.extend([-item])
        log = log.extend([item])
        assert log._depth <= MAX_DEPTH
    assert log == tuple(range(40))

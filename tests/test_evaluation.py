"""Evaluation: AUC, precision at k, lift, Brier and calibration, against their definitions."""

import itertools
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
import funnelkit.scoring as sc

SCORES = st.lists(st.tuples(st.integers(0, 10).map(lambda n: n / 10), st.booleans()), min_size=1, max_size=30)


def brute_auc(scores: list[float], outcomes: list[bool]) -> float:
    won = [s for s, o in zip(scores, outcomes, strict=True) if o]
    lost = [s for s, o in zip(scores, outcomes, strict=True) if not o]
    pairs = list(itertools.product(won, lost))
    return sum(1.0 if up > down else 0.5 if up == down else 0.0 for up, down in pairs) / len(pairs)


@given(SCORES)
def test_auc_is_the_share_of_won_lost_pairs_ranked_right(pairs: list[tuple[float, bool]]) -> None:
    scores, outcomes = [s for s, _ in pairs], [o for _, o in pairs]
    if all(outcomes) or not any(outcomes):
        with pytest.raises(fk.InvalidInput, match="both won and lost"):
            sc.auc(scores, outcomes)
        return
    assert math.isclose(sc.auc(scores, outcomes), brute_auc(scores, outcomes))
    # a ranking is what counts: any increasing map of the scores leaves the AUC alone
    assert math.isclose(sc.auc([s**3 + 1 for s in scores], outcomes), sc.auc(scores, outcomes))


@given(SCORES, st.data())
def test_precision_and_lift_at_k_count_the_top_k(
    pairs: list[tuple[float, bool]], data: st.DataObject
) -> None:
    scores, outcomes = [s for s, _ in pairs], [o for _, o in pairs]
    k = data.draw(st.integers(1, len(scores)))
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:k]
    expected = sum(outcomes[i] for i in order) / k
    assert sc.precision_at(k, scores, outcomes) == expected
    if any(outcomes):
        assert math.isclose(sc.lift(k, scores, outcomes), expected / (sum(outcomes) / len(outcomes)))
    assert sc.precision_at(len(scores), scores, outcomes) == sum(outcomes) / len(outcomes)


@given(SCORES)
def test_brier_and_calibration_agree_with_their_definitions(pairs: list[tuple[float, bool]]) -> None:
    probabilities, outcomes = [p for p, _ in pairs], [o for _, o in pairs]
    brier = sc.brier(probabilities, outcomes)
    assert math.isclose(brier, sum((p - o) ** 2 for p, o in pairs) / len(pairs))
    assert 0 <= brier <= 1
    table = sc.calibration(probabilities, outcomes, bins=5)
    assert sum(b.count for b in table) == len(pairs)
    for b in table:
        inside = [(p, o) for p, o in pairs if b.low <= p < b.high or (b.high == 1.0 and p == 1.0)]
        assert b.count == len(inside)
        assert math.isclose(b.predicted, sum(p for p, _ in inside) / len(inside))
        assert b.observed == sum(o for _, o in inside) / len(inside)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: sc.auc([0.1, 0.2], [True]), "must be as many as the scores"),
        (lambda: sc.auc([], []), "must not be empty"),
        (lambda: sc.auc([math.nan, 0.2], [True, False]), "must be a finite number"),
        (lambda: sc.auc([0.1, True], [True, False]), "must be a finite number"),
        (lambda: sc.auc([0.1, 0.2], [1, 0]), "must be True \\(won\\) or False \\(lost\\)"),  # type: ignore[list-item]
        (lambda: sc.auc(3, [True]), "must be iterables"),  # type: ignore[arg-type]
        (lambda: sc.precision_at(0, [0.1], [True]), "k: must be a whole number from 1 to 1"),
        (lambda: sc.precision_at(2, [0.1], [True]), "k: must be a whole number from 1 to 1"),
        (lambda: sc.lift(1, [0.1], [False]), "at least one won example"),
        (lambda: sc.brier([1.5], [True]), "must be from 0 to 1"),
        (lambda: sc.calibration([0.5], [True], bins=0), "bins: must be a whole number from 1"),
    ],
)
def test_bad_input_is_named(call: Any, message: str) -> None:
    with pytest.raises(fk.InvalidInput, match=message):
        call()


def test_a_long_list_of_problems_says_how_many_more() -> None:
    with pytest.raises(fk.InvalidInput) as outcomes:
        sc.auc([0.5] * 25, ["won"] * 25)  # type: ignore[list-item]
    assert len(outcomes.value.problems) == 21
    assert str(outcomes.value.problems[-1]) == "...: and 5 more problems like these"
    with pytest.raises(fk.InvalidInput) as probabilities:
        sc.brier([2.0] * 22, [True] * 22)
    assert str(probabilities.value.problems[-1]) == "...: and 2 more problems like these"

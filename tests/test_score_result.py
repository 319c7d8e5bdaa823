"""The score contract: a result adds up, holds only finite numbers and explains itself."""

import math
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
import funnelkit.scoring as sc
from funnelkit.scoring._results import summed

AMOUNTS = st.lists(st.floats(-1e6, 1e6, allow_nan=False), max_size=8)


@given(st.floats(-1e6, 1e6, allow_nan=False), AMOUNTS)
def test_a_summed_result_adds_up_and_pickles(baseline: float, amounts: list[float]) -> None:
    parts = [sc.Contribution(f"rule {n}", amount, "because") for n, amount in enumerate(amounts)]
    result = summed("s", "1", baseline, parts)
    assert math.isclose(result.value, baseline + math.fsum(amounts), abs_tol=1e-9)
    assert pickle.loads(pickle.dumps(result)) == result
    assert len(result.explain().splitlines()) == len(parts) + 1 + (1 if baseline else 0)


def test_a_result_that_does_not_add_up_is_refused() -> None:
    with pytest.raises(fk.InvalidInput, match=r"must equal the baseline plus the contributions, 15\.0"):
        sc.ScoreResult("s", "1", 16.0, 5.0, [sc.Contribution("a", 10.0, "x")])
    with pytest.raises(fk.InvalidInput, match="must be finite numbers throughout"):
        sc.ScoreResult("s", "1", math.nan, 0.0, [])
    with pytest.raises(fk.InvalidInput, match="must be finite numbers throughout"):
        sc.ScoreResult("s", "1", 1.0, 0.0, [sc.Contribution("a", "1", "x")])  # type: ignore[arg-type]


def test_an_explanation_shows_probability_grade_and_baseline_largest_first() -> None:
    result = sc.ScoreResult(
        "fit",
        "3",
        0.5,
        -1.0,
        [sc.Contribution("small", 0.25, "a"), sc.Contribution("big", 1.25, "b")],
        grade="A1",
        unit="log-odds",
        probability=0.622,
    )
    assert result.explain() == (
        "fit 3: 0.5 log-odds (probability 0.622), grade A1\n  baseline -1\n  +1.25: big: b\n  +0.25: small: a"
    )
    assert isinstance(result, sc.ScoreResult)


def test_a_scorer_is_anything_with_an_id_a_version_and_score() -> None:
    scorer = sc.NaiveBayesScorer.fit([{"a": 1}, {"a": 2}], [True, False])
    assert isinstance(scorer, sc.Scorer)
    assert not isinstance(object(), sc.Scorer)

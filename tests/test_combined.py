"""A weighted combination of scorers adds up and carries every contribution through."""

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
import funnelkit.scoring as sc

HISTORY: list[dict[str, Any]] = [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}, {"a": 1, "b": "y"}]
FIT = sc.NaiveBayesScorer.fit(HISTORY, [True, False, False], id="fit")
OTHER = sc.NaiveBayesScorer.fit(HISTORY, [False, True, True], id="other")


@given(st.floats(-10, 10, allow_nan=False), st.floats(-10, 10, allow_nan=False), st.sampled_from(HISTORY))
def test_the_value_is_the_weighted_sum_and_still_adds_up(
    w1: float, w2: float, example: dict[str, Any]
) -> None:
    both = sc.Combined([(FIT, w1), (OTHER, w2)], id="both", version="2")
    result = both.score(example, at=None)
    expected = w1 * FIT.score(example, at=None).value + w2 * OTHER.score(example, at=None).value
    assert math.isclose(result.value, expected, abs_tol=1e-9)
    assert (result.scorer, result.version, result.unit) == ("both", "2", "log-odds")
    assert {part.name.split(":")[0] for part in result.contributions} <= {"fit", "other"}


class Flat:
    id = "flat"
    version = "1"

    def score(self, subject: Any, *, at: Any) -> sc.ScoreResult:  # noqa: ARG002 - the protocol's
        return sc.ScoreResult(self.id, self.version, 5.0, 5.0, ())


def test_mixed_units_say_so() -> None:
    assert sc.Combined([(FIT, 1.0), (Flat(), 1.0)]).score({"a": 1}, at=None).unit == "mixed"


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ([], "give at least one"),
        ([(FIT, math.nan)], "must be a finite number"),
        ([(FIT, True)], "must be a finite number"),
        ([("fit", 1.0)], "is not a scorer"),
        ("combined", "parts='combined' must be a sequence of"),
        (None, "parts=None must be a sequence of"),
        ({FIT: 1.0}, "must be a sequence of"),
        ([FIT, (FIT, 1.0, 2.0)], "is not a \\(scorer, weight\\) pair"),
    ],
)
def test_a_bad_combination_is_a_definition_error(parts: Any, message: str) -> None:
    with pytest.raises(fk.DefinitionError, match=message):
        sc.Combined(parts)

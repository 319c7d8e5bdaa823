"""Logistic regression: known optima, the gradient at the fit, invariance, and every refusal."""

import math
import pickle
from collections.abc import Hashable, Mapping
from datetime import datetime, timezone
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import funnelkit as fk
from funnelkit.scoring import LogisticScorer

AT = datetime(2024, 5, 1, tzinfo=timezone.utc)
HISTORY: list[dict[str, Any]] = [
    {"employees": 10, "origin": "ads", "paid": True},
    {"employees": 250, "origin": "referral", "paid": None},
    {"employees": None, "origin": "ads", "paid": False},
    {"employees": 40, "origin": "fair"},
    {"employees": 900, "origin": "referral", "paid": True},
    {"employees": 120, "origin": None, "paid": False},
    {"employees": 60, "origin": "ads", "paid": True},
    {"employees": 500, "origin": "fair", "paid": False},
]
OUTCOMES = [False, True, False, False, True, True, False, False]


def sigmoid(value: float) -> float:
    return 1 / (1 + math.exp(-value))


def gradient(
    scorer: LogisticScorer, examples: list[dict[str, Any]], outcomes: list[bool], l2: float
) -> list[float]:
    """The penalised objective's gradient in the standardised columns, computed the long way."""
    keys = sorted(scorer.coefficients, key=repr)
    total = [0.0] * (1 + len(keys))
    for example, outcome in zip(examples, outcomes, strict=True):
        row = [1.0]
        for key in keys:
            if isinstance(key, str):
                mean, scale = scorer.scaling[key]
                value = example.get(key)
                row.append(0.0 if value is None else (value - mean) / scale)
            else:
                row.append(1.0 if example.get(key[0]) == key[1] else 0.0)
        logit = scorer.intercept + sum(
            scorer.coefficients[key] * x for key, x in zip(keys, row[1:], strict=True)
        )
        for index, x in enumerate(row):
            total[index] += (sigmoid(logit) - outcome) * x
    for index, key in enumerate(keys, start=1):
        total[index] += l2 * scorer.coefficients[key]
    return total


def penalty(scorer: LogisticScorer) -> float:
    return math.fsum(value * value for value in scorer.coefficients.values())


# known answers


def test_without_features_the_intercept_is_the_log_odds_of_winning() -> None:
    scorer = LogisticScorer.fit([{}, {"x": None}, {}, {}, {}], [True, False, False, True, False])
    assert scorer.coefficients == {}
    assert scorer.intercept == pytest.approx(math.log(2 / 3), abs=1e-12)
    assert scorer.probability({"x": 3}) == pytest.approx(0.4)


def test_without_regularisation_the_fit_gives_each_group_its_win_rate() -> None:
    examples = [{"x": 0}] * 4 + [{"x": 1}] * 4
    outcomes = [True, False, False, False, True, True, True, False]
    scorer = LogisticScorer.fit(examples, outcomes, l2=0)
    assert scorer.probability({"x": 0}) == pytest.approx(0.25, abs=1e-12)
    assert scorer.probability({"x": 1}) == pytest.approx(0.75, abs=1e-12)


def test_two_symmetric_categories_match_the_optimum_derived_by_hand() -> None:
    # a wins k of n, b wins n - k of n: by symmetry the intercept is 0 and the coefficients are
    # t and -t, where the gradient k - n * sigmoid(t) - l2 * t vanishes
    n, k, l2 = 10, 8, 2.0
    examples = [{"group": "a"}] * n + [{"group": "b"}] * n
    outcomes = [True] * k + [False] * (n - k) + [True] * (n - k) + [False] * k
    low, high = 0.0, 10.0
    for _ in range(200):
        middle = (low + high) / 2
        low, high = (middle, high) if k - n * sigmoid(middle) - l2 * middle > 0 else (low, middle)
    scorer = LogisticScorer.fit(examples, outcomes, l2=l2)
    assert scorer.intercept == pytest.approx(0.0, abs=1e-12)
    assert scorer.coefficients[("group", "a")] == pytest.approx(low, abs=1e-12)
    assert scorer.coefficients[("group", "b")] == pytest.approx(-low, abs=1e-12)


@pytest.mark.parametrize("l2", [0.01, 1.0, 25.0])
def test_the_gradient_vanishes_at_the_fit(l2: float) -> None:
    scorer = LogisticScorer.fit(HISTORY, OUTCOMES, l2=l2)
    assert set(scorer.scaling) == {"employees"}
    assert ("paid", True) in scorer.coefficients
    assert ("origin", "fair") in scorer.coefficients
    assert max(map(abs, gradient(scorer, HISTORY, OUTCOMES, l2))) < 1e-9


def test_standardisation_uses_the_mean_and_spread_of_known_values() -> None:
    scorer = LogisticScorer.fit(HISTORY, OUTCOMES)
    known = [example["employees"] for example in HISTORY if example.get("employees") is not None]
    mean = sum(known) / len(known)
    spread = math.sqrt(sum((value - mean) ** 2 for value in known) / len(known))
    assert scorer.scaling["employees"] == pytest.approx((mean, spread))


def test_without_regularisation_columns_the_others_determine_get_zero() -> None:
    # every example has an origin and a paid flag, and a constant size: three columns are redundant
    examples = [
        {"origin": origin, "paid": paid, "size": 5}
        for origin, paid in [("a", True), ("a", False), ("b", True), ("b", False)] * 3
    ]
    outcomes = [True, False, False, True, True, True, False, False, True, False, True, False]
    scorer = LogisticScorer.fit(examples, outcomes, l2=0)
    assert scorer.coefficients["size"] == 0.0
    assert scorer.scaling["size"] == (5.0, 1.0)
    assert scorer.coefficients[("origin", "b")] == 0.0
    assert scorer.coefficients[("paid", True)] == 0.0
    assert max(map(abs, gradient(scorer, examples, outcomes, 0.0))) < 1e-9


def test_a_full_newton_step_that_overshoots_is_halved() -> None:
    # one won example, set apart by its category and a mid-sized x: the first full step overshoots
    sizes = [34, 62, 90, -0.6, 54, 0.9, -0.3, 54, 95, -0.1]
    examples = [{"x": x, "z": z} for x, z in zip(sizes, "abbcbbbbbb", strict=True)]
    outcomes = [True] + [False] * 9
    scorer = LogisticScorer.fit(examples, outcomes, l2=0.01)
    assert max(map(abs, gradient(scorer, examples, outcomes, 0.01))) < 1e-9
    assert scorer.probability(examples[0]) > 0.5


def test_a_separable_history_without_regularisation_is_refused() -> None:
    with pytest.raises(fk.InvalidInput, match="separable") as caught:
        LogisticScorer.fit([{"x": 1}, {"x": 2}, {"x": 3}, {"x": 4}], [False, False, True, True], l2=0)
    assert caught.value.problems[0].location == ("l2",)


def test_bools_are_categories_and_named_numbers_can_be_too() -> None:
    examples: list[dict[str, Any]] = [
        {"paid": True, "tier": 1},
        {"paid": False, "tier": 2},
        {"paid": True, "tier": "3"},
    ]
    scorer = LogisticScorer.fit(examples, [True, False, True], categorical=["tier"])
    assert {key for key in scorer.coefficients if not isinstance(key, str)} == {
        ("paid", False),
        ("paid", True),
        ("tier", 1),
        ("tier", 2),
        ("tier", "3"),
    }
    assert scorer.scaling == {}


def test_fractions_are_numbers() -> None:
    scorer = LogisticScorer.fit([{"x": Fraction(1, 3)}, {"x": 2}], [False, True])
    assert scorer.scaling["x"][0] == pytest.approx(7 / 6)


# scoring and explanations


def test_a_score_explains_each_feature() -> None:
    scorer = LogisticScorer(
        {"visits": 0.25, "employees": 0.5, ("origin", "referral"): 1.2, ("origin", "ads"): -0.3},
        -1.0,
        scaling={"employees": (200.0, 100.0)},
        id="demo",
        version="7",
    )
    result = scorer.score({"visits": 4, "origin": "fair", "employees": None, "other": [1]}, at=AT)
    assert (result.scorer, result.version, result.unit, result.baseline) == ("demo", "7", "log-odds", -1.0)
    assert [(part.name, part.amount, part.reason) for part in result.contributions] == [
        ("employees", 0.0, "missing"),
        ("origin", 0.0, "'fair' not seen in training"),
        ("visits", 1.0, "4 times +0.25"),
    ]
    assert result.value == 0.0
    assert result.probability == 0.5
    assert "'fair' not seen in training" in result.explain()
    assert (
        scorer.score({"origin": "referral"}, at=None).contributions[1].reason
        == "'referral' (coefficient +1.2)"
    )


def test_a_funnel_object_is_read_through_its_features() -> None:
    scorer = LogisticScorer({"x": 1.0}, 0.0)
    with pytest.raises(fk.InvalidInput):
        scorer.score(object(), at=AT)


def test_given_coefficients_are_kept_read_only_as_floats() -> None:
    scorer = LogisticScorer({"x": 1, ("y", "a"): 2}, 0, scaling={"x": (0, 1)})
    assert scorer == LogisticScorer({"x": 1.0, ("y", "a"): 2.0}, 0.0, scaling={"x": (0.0, 1.0)})
    assert hash(scorer) == hash(LogisticScorer({("y", "a"): 2.0, "x": 1.0}, 0.0, scaling={"x": (0.0, 1.0)}))
    assert scorer != LogisticScorer({"x": 1.0}, 0.0)
    with pytest.raises(TypeError):
        scorer.coefficients["x"] = 3.0  # type: ignore[index]
    assert isinstance(scorer.intercept, float)
    assert "LogisticScorer(coefficients=" in repr(scorer)


# properties

won_and_lost = st.lists(st.booleans(), min_size=2, max_size=12).filter(lambda found: len(set(found)) == 2)
feature_values = st.fixed_dictionaries(
    {},
    optional={
        "size": st.none() | st.floats(-1e3, 1e3) | st.integers(-50, 50),
        "origin": st.none() | st.sampled_from(["ads", "fair", "referral"]),
        "paid": st.none() | st.booleans(),
    },
)


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[bool]]:
    outcomes = draw(won_and_lost)
    examples = [draw(feature_values) for _ in outcomes]
    return examples, outcomes


@settings(max_examples=60, deadline=None)
@given(histories(), st.floats(0.1, 10.0), feature_values)
def test_probabilities_stay_in_range_and_results_add_up(
    history: tuple[list[dict[str, Any]], list[bool]], l2: float, example: dict[str, Any]
) -> None:
    scorer = LogisticScorer.fit(*history, l2=l2)
    result = scorer.score(example, at=AT)
    assert result.probability is not None
    assert 0.0 <= result.probability <= 1.0
    assert result.baseline + math.fsum(part.amount for part in result.contributions) == pytest.approx(
        result.value, abs=1e-9
    )
    assert scorer.probability(example) == pytest.approx(result.probability, abs=1e-12)
    assert max(map(abs, gradient(scorer, *history, l2))) < 1e-7


@settings(max_examples=60, deadline=None)
@given(histories(), st.randoms(use_true_random=False), st.floats(0.1, 10.0))
def test_the_order_of_examples_and_features_does_not_matter(
    history: tuple[list[dict[str, Any]], list[bool]], random: Any, l2: float
) -> None:
    examples, outcomes = history
    order = list(range(len(examples)))
    random.shuffle(order)
    shuffled = [dict(reversed(examples[index].items())) for index in order]
    first = LogisticScorer.fit(examples, outcomes, l2=l2)
    second = LogisticScorer.fit(shuffled, [outcomes[index] for index in order], l2=l2)
    assert first.coefficients.keys() == second.coefficients.keys()
    for key, value in first.coefficients.items():
        assert second.coefficients[key] == pytest.approx(value, abs=1e-9)
    assert second.intercept == pytest.approx(first.intercept, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(histories(), feature_values)
def test_pickling_gives_the_same_scores(
    history: tuple[list[dict[str, Any]], list[bool]], example: Any
) -> None:
    scorer = LogisticScorer.fit(*history)
    copy = pickle.loads(pickle.dumps(scorer))
    assert copy == scorer
    assert copy.score(example, at=AT) == scorer.score(example, at=AT)


@settings(max_examples=40, deadline=None)
@given(histories(), st.floats(0.05, 5.0), st.floats(1.01, 20.0))
def test_a_larger_l2_shrinks_the_coefficients(
    history: tuple[list[dict[str, Any]], list[bool]], l2: float, factor: float
) -> None:
    loose = LogisticScorer.fit(*history, l2=l2)
    tight = LogisticScorer.fit(*history, l2=l2 * factor)
    assert penalty(tight) <= penalty(loose) + 1e-9


# refusals


@pytest.mark.parametrize(
    ("examples", "outcomes", "message"),
    [
        ([{"x": 1}, {"x": 2}], [True], "as many as the examples"),
        ([], [], "must not be empty"),
        ([{"x": 1}, {"x": 2}], [True, True], "both won and lost"),
        ([{"x": math.nan}, {"x": 2}], [True, False], "hashable and finite"),
        ([{"x": math.inf}, {"x": 2}], [True, False], "hashable and finite"),
        ([{"x": ["a"]}, {"x": "b"}], [True, False], "hashable and finite"),
        ([{"x": 10**400}, {"x": 2}], [True, False], "too large for a float"),
        ([{"x": 1}, {"x": "b"}], [True, False], "mixes numbers with other values"),
    ],
)
def test_a_bad_history_is_refused(examples: list[dict[str, Any]], outcomes: list[bool], message: str) -> None:
    with pytest.raises(fk.InvalidInput, match=message):
        LogisticScorer.fit(examples, outcomes)


@pytest.mark.parametrize("l2", [-1.0, math.nan, math.inf, True, "1"])
def test_a_bad_l2_is_refused(l2: Any) -> None:
    with pytest.raises(fk.InvalidInput) as caught:
        LogisticScorer.fit(HISTORY, OUTCOMES, l2=l2)
    assert caught.value.problems[0].location == ("l2",)


def test_a_category_rarer_than_min_support_gets_no_coefficient_and_scores_as_unseen() -> None:
    examples: list[dict[str, Any]] = (
        [{"page": "a"}] * 4 + [{"page": "b"}] * 4 + [{"page": "rare"}, {"page": None}]
    )
    outcomes = [True, False, False, False, True, True, True, False, True, False]
    everything = LogisticScorer.fit(examples, outcomes, l2=1.0)
    supported = LogisticScorer.fit(examples, outcomes, l2=1.0, min_support=2)
    assert ("page", "rare") in everything.coefficients
    assert set(supported.coefficients) == {("page", "a"), ("page", "b")}
    # the rare example still counts, as one with no category: the same as leaving its page out
    blanked = [{"page": None} if e["page"] == "rare" else e for e in examples]
    assert supported == LogisticScorer.fit(blanked, outcomes, l2=1.0)
    assert supported.score({"page": "rare"}, at=None).contributions[0].reason == "'rare' not seen in training"


@pytest.mark.parametrize("min_support", [0, -1, 1.5, True, "2"])
def test_a_bad_min_support_is_refused(min_support: Any) -> None:
    with pytest.raises(fk.InvalidInput) as caught:
        LogisticScorer.fit(HISTORY, OUTCOMES, min_support=min_support)
    assert caught.value.problems[0].location == ("min_support",)


def test_categorical_must_be_names_not_one_string() -> None:
    with pytest.raises(fk.InvalidInput, match="collection of names"):
        LogisticScorer.fit(HISTORY, OUTCOMES, categorical="employees")


@pytest.mark.parametrize(
    ("subject", "location"),
    [
        ({"x": "many"}, ("x",)),
        ({"x": math.nan}, ("x",)),
        ({"x": True}, ("x",)),
        ({"y": ["a"]}, ("y",)),
        ({1: 2}, ()),
    ],
)
def test_a_bad_subject_is_refused(subject: Mapping[Any, Any], location: tuple[str, ...]) -> None:
    scorer = LogisticScorer({"x": 1.0, ("y", "a"): 1.0}, 0.0)
    with pytest.raises(fk.InvalidInput) as caught:
        scorer.score(subject, at=AT)
    assert caught.value.problems[0].location == location


def test_a_funnel_object_needs_a_time() -> None:
    with pytest.raises(fk.InvalidInput, match="is needed") as caught:
        LogisticScorer({"x": 1.0}, 0.0).score(object(), at=None)
    assert caught.value.problems[0].location == ("at",)


@pytest.mark.parametrize(
    ("arguments", "options", "location"),
    [
        (([("x", 1.0)], 0.0), {}, ("coefficients",)),
        (({"x": 1.0}, 0.0), {"scaling": [("x", (0, 1))]}, ("scaling",)),
        (({"x": 1.0}, math.nan), {}, ("intercept",)),
        (({"x": 1.0}, 10**400), {}, ("intercept",)),
        (({"x": 1.0}, 0.0), {"id": " "}, ("id",)),
        (({"x": 1.0}, 0.0), {"version": 1}, ("version",)),
        (({("x",): 1.0}, 0.0), {}, ("coefficients",)),
        (({(1, "a"): 1.0}, 0.0), {}, ("coefficients",)),
        (({"x": 1.0, ("x", "a"): 1.0}, 0.0), {}, ("coefficients", "x")),
        (({"x": math.inf}, 0.0), {}, ("coefficients", "'x'")),
        (({("x", "a"): 1.0}, 0.0), {"scaling": {"x": (0.0, 1.0)}}, ("scaling", "'x'")),
        (({"x": 1.0}, 0.0), {"scaling": {"x": (0.0, 0.0)}}, ("scaling", "x")),
        (({"x": 1.0}, 0.0), {"scaling": {"x": (0.0,)}}, ("scaling", "x")),
        (({"x": 1.0}, 0.0), {"scaling": {"x": [0.0, 1.0]}}, ("scaling", "x")),
        (({"x": 1.0}, 0.0), {"scaling": {"x": (math.nan, 1.0)}}, ("scaling", "x")),
    ],
)
def test_a_bad_model_is_refused(
    arguments: tuple[Any, Any], options: dict[str, Any], location: tuple[Hashable, ...]
) -> None:
    with pytest.raises(fk.InvalidInput) as caught:
        LogisticScorer(*arguments, **options)
    assert caught.value.problems[0].location == location

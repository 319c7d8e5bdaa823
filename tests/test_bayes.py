"""Naive Bayes: the textbook formula, explained, invariant to the order of the history."""

import math
import pickle
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
import funnelkit.scoring as sc

HISTORY: list[dict[str, Any]] = [
    {"origin": "paid_search", "page": "a"},
    {"origin": "email", "page": "a"},
    {"origin": "paid_search", "page": "b"},
    {"origin": "social", "page": None},
    {"origin": "email", "page": "b"},
]
OUTCOMES = [True, False, True, False, False]


def by_hand(example: dict[str, Any], a: float = 1.0) -> float:
    """P(won | example) from the formula in the issue, computed the long way."""
    won = [e for e, o in zip(HISTORY, OUTCOMES, strict=True) if o]
    lost = [e for e, o in zip(HISTORY, OUTCOMES, strict=True) if not o]
    odds = math.log(len(won) / len(lost))
    for name, value in example.items():
        seen = {e[name] for e in HISTORY if e.get(name) is not None}
        if value is None or value not in seen:
            continue
        k = len(seen)

        def given(group: list[dict[str, Any]], name: str = name, value: object = value, k: int = k) -> float:
            having = [e for e in group if e.get(name) is not None]
            matching = sum(1 for e in having if e[name] == value)
            return (matching + a) / (len(having) + a * k)

        odds += math.log(given(won) / given(lost))
    return 1 / (1 + math.exp(-odds))


@pytest.mark.parametrize(
    "example",
    [
        {"origin": "paid_search", "page": "a"},
        {"origin": "email", "page": "b"},
        {"origin": "social"},
        {"origin": "unheard_of", "page": "a"},
        {},
        {"page": None},
    ],
)
@pytest.mark.parametrize("smoothing", [1.0, 0.5, 3])
def test_the_probability_is_the_textbook_naive_bayes(example: dict[str, Any], smoothing: float) -> None:
    scorer = sc.NaiveBayesScorer.fit(HISTORY, OUTCOMES, smoothing=smoothing)
    assert math.isclose(scorer.probability(example), by_hand(example, smoothing), rel_tol=1e-12)


def test_a_score_explains_itself_in_log_odds() -> None:
    result = sc.NaiveBayesScorer.fit(HISTORY, OUTCOMES).score({"origin": "paid_search", "page": "z"}, at=None)
    assert result.unit == "log-odds"
    assert math.isclose(result.baseline, math.log(2 / 3))
    assert math.isclose(result.baseline + sum(c.amount for c in result.contributions), result.value)
    assert [c.name for c in result.contributions] == ["origin", "page"]
    assert result.contributions[0].reason == "'paid_search' (seen 2 won, 0 lost)"
    assert result.contributions[1].reason == "'z' never seen in training"
    assert result.probability is not None
    assert math.isclose(result.probability, 1 / (1 + math.exp(-result.value)))


def test_thin_values_and_segments() -> None:
    thin = sc.NaiveBayesScorer.fit(HISTORY, OUTCOMES, min_support=3)
    assert thin.score({"origin": "paid_search"}, at=None).contributions[0].reason == (
        "'paid_search' seen 2 times, fewer than 3"
    )
    teams = [None, "north", "north", "south", "south"]
    history = [{**e, "team": team} for e, team in zip(HISTORY, teams, strict=True)]
    segmented = sc.NaiveBayesScorer.fit(history, OUTCOMES, segment_field="team")
    assert set(segmented.segments) == {"north"}  # south holds lost examples only: it falls back
    north = segmented.score({"origin": "email", "team": "north"}, at=None)
    assert north.contributions[0].reason == "'email' (seen 0 won, 1 lost in segment 'north')"
    assert north.baseline == 0.0  # north: one won, one lost
    south = segmented.score({"origin": "email", "team": "south"}, at=None)
    assert math.isclose(south.baseline, math.log(2 / 3))
    unhashable = segmented.score({"origin": ["a"]}, at=None)
    assert unhashable.contributions[0].reason == "['a'] cannot be counted (it is not hashable)"
    assert segmented.probability({"origin": ["a"]}) == unhashable.probability


EXAMPLES = st.lists(
    st.tuples(
        st.fixed_dictionaries(
            {"a": st.sampled_from(["x", "y", "z", None]), "b": st.integers(0, 3), "c": st.booleans()}
        ),
        st.booleans(),
    ),
    min_size=2,
    max_size=25,
).filter(lambda pairs: len({o for _, o in pairs}) == 2)


@given(EXAMPLES, st.randoms(use_true_random=False))
def test_the_order_of_examples_and_of_features_changes_nothing(pairs: list[Any], random: Any) -> None:
    scorer = sc.NaiveBayesScorer.fit([e for e, _ in pairs], [o for _, o in pairs])
    shuffled = pairs[:]
    random.shuffle(shuffled)
    reordered = [dict(reversed(list(e.items()))) for e, _ in shuffled]
    again = sc.NaiveBayesScorer.fit(reordered, [o for _, o in shuffled])
    assert again == scorer
    for example, _ in pairs:
        p = scorer.probability(example)
        assert 0 <= p <= 1
        assert scorer.probability(dict(reversed(list(example.items())))) == p
    assert pickle.loads(pickle.dumps(scorer)).probability(pairs[0][0]) == scorer.probability(pairs[0][0])


@pytest.mark.parametrize(
    ("examples", "outcomes", "options", "message"),
    [
        (HISTORY, OUTCOMES[:2], {}, "must be as many as the examples \\(5\\)"),
        ([], [], {}, "must not be empty"),
        (HISTORY[:2], [True, True], {}, "must hold both won and lost examples; all 2 are won"),
        (HISTORY[:2], [False, False], {}, "all 2 are lost"),
        (HISTORY, OUTCOMES, {"smoothing": -1}, "smoothing: must be a finite number above 0"),
        (HISTORY, OUTCOMES, {"smoothing": math.inf}, "smoothing"),
        (HISTORY, OUTCOMES, {"min_support": 0}, "min_support: must be a whole number from 1"),
        ([{"a": [1]}, {"a": 2}], [True, False], {}, "must be hashable and finite"),
        ([{"a": math.nan}, {"a": 2}], [True, False], {}, "must be hashable and finite"),
        ([{1: "x"}, {"a": 2}], [True, False], {}, "must be a mapping of feature names"),
        (HISTORY, [1, 0, 1, 0, 0], {}, "must be True \\(won\\) or False \\(lost\\)"),
        (3, OUTCOMES, {}, "examples: must be an iterable of mappings"),
        (HISTORY, None, {}, "outcomes: must be an iterable of booleans"),
    ],
)
def test_a_history_that_cannot_teach_is_refused(
    examples: Any, outcomes: Any, options: Any, message: str
) -> None:
    with pytest.raises(fk.InvalidInput, match=message):
        sc.NaiveBayesScorer.fit(examples, outcomes, **options)


def test_a_funnel_object_is_scored_by_its_features_at_a_time(lead: fk.Lead) -> None:
    scorer = sc.NaiveBayesScorer.fit(
        [{"channel": "search"}, {"channel": "email"}], [True, False], id="by-channel", version="2"
    )
    at = datetime(2026, 1, 5, tzinfo=timezone.utc)
    result = scorer.score(lead, at=at)
    assert (result.scorer, result.version) == ("by-channel", "2")
    assert any(c.name == "channel" and c.amount > 0 for c in result.contributions)
    with pytest.raises(fk.InvalidInput, match="at: is needed to score a funnel object"):
        scorer.score(lead, at=None)
    with pytest.raises(fk.InvalidInput, match="must have feature names as text"):
        scorer.score({1: "x"}, at=None)


def test_many_unhashable_values_are_counted_past_the_twentieth() -> None:
    with pytest.raises(fk.InvalidInput) as refused:
        sc.NaiveBayesScorer.fit([{"tags": ["a"]}] * 24 + [{"tags": "b"}], [True, False] * 12 + [True])
    assert len(refused.value.problems) == 21
    assert str(refused.value.problems[-1]) == "...: and 4 more problems like these"

"""Learning counts what a plain loop counts: naive Bayes and frequency tables, to the bit, by every path.

Examples that are dicts of the same features in the same order are counted by column; any other
history is counted by (feature, value) pair. Both must give the same tables, in the same order.
"""

import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
from funnelkit.scoring import FrequencyScorer, NaiveBayesScorer
from funnelkit.scoring._bayes import Table
from funnelkit.scoring._history import history

STAGES = ("new", "qualified", "proposal")


def reference(examples: Sequence[Mapping[str, Any]], outcomes: Sequence[bool]) -> str:
    """The table of a history, the long way: each value keeps the first of its equals seen, won first."""
    rows: dict[str, dict[Any, list[int]]] = {}
    for wanted in (True, False):
        for example, outcome in zip(examples, outcomes, strict=True):
            if outcome is wanted:
                for name, value in example.items():
                    if value is not None:
                        rows.setdefault(name, {}).setdefault(value, [0, 0])[0 if outcome else 1] += 1
    counts = [
        (
            name,
            [
                (value, tuple(pair))
                for value, pair in sorted(row.items(), key=lambda item: repr((name, item[0])))
            ],
        )
        for name, row in sorted(rows.items())
    ]
    totals = [
        (name, (sum(pair[0] for _, pair in row), sum(pair[1] for _, pair in row))) for name, row in counts
    ]
    return repr((sum(outcomes), len(outcomes) - sum(outcomes), counts, totals))


def shown(table: Table) -> str:
    counts = [(name, list(values.items())) for name, values in table.counts.items()]
    return repr((table.won, table.lost, counts, list(table.totals.items())))


def frequencies(scorer: FrequencyScorer) -> str:
    tables = [scorer.pooled, *(scorer.segments[segment] for segment in sorted(scorer.segments, key=repr))]
    return repr(
        [
            (
                table.won,
                table.lost,
                table.prior,
                [(n, list(v.items())) for n, v in table.counts.items()],
                list(table.totals.items()),
            )
            for table in tables
        ]
    )


values = st.sampled_from([None, 0, 1, 2, True, False, 1.0, 2.5, "1", "a", "b", ("a", 1), -3])
names = st.lists(
    st.sampled_from(["origin", "page", "team", "size", "x"]), min_size=1, max_size=5, unique=True
)


@st.composite
def histories(draw: st.DrawFn, *, line_up: bool) -> tuple[list[dict[str, Any]], list[bool]]:
    outcomes = draw(
        st.lists(st.booleans(), min_size=2, max_size=30).filter(lambda found: len(set(found)) == 2)
    )
    features = draw(names)
    examples = []
    for _ in outcomes:
        example = {name: draw(values) for name in features}
        if not line_up:  # some features missing, the rest in an order of their own
            example = {name: example[name] for name in draw(st.permutations(features)) if draw(st.booleans())}
        examples.append(example)
    return examples, outcomes


@given(histories(line_up=True) | histories(line_up=False))
def test_a_naive_bayes_table_counts_what_a_plain_loop_counts(
    drawn: tuple[list[dict[str, Any]], list[bool]],
) -> None:
    examples, outcomes = drawn
    expected = reference(examples, outcomes)
    assert shown(NaiveBayesScorer.fit(examples, outcomes).table) == expected
    assert shown(NaiveBayesScorer.fit(map(MappingProxyType, examples), outcomes).table) == expected


def test_both_paths_give_the_same_table_by_hand() -> None:
    examples = [
        {"origin": "ads", "size": 1, "page": None},
        {"origin": "mail", "size": True, "page": ("a", 1)},
        {"origin": "ads", "size": 1.0, "page": "a"},
        {"origin": "fair", "size": 2, "page": "a"},
    ]
    outcomes = [False, True, True, False]
    lined_up = history("fit", examples, outcomes)
    assert lined_up.names == ("origin", "size", "page")
    expected = reference(examples, outcomes)
    assert shown(Table.learn(lined_up.examples, outcomes, lined_up.names)) == expected
    assert shown(Table.learn(lined_up.examples, outcomes)) == expected
    # True and 1 are one value: the won example's True is the one kept, seen twice won, once lost
    assert list(NaiveBayesScorer.fit(examples, outcomes).table.counts["size"].items()) == [
        (2, (0, 1)),
        (True, (2, 1)),
    ]


@pytest.mark.parametrize(
    "examples",
    [
        [{"a": 1, "b": 2}, {"b": 2, "a": 1}],  # another order
        [{"a": 1, "b": 2}, {"a": 1}],  # fewer features
        [{"a": 1}, MappingProxyType({"a": 2})],  # not a dict
        [{}, {}],
    ],
)
def test_only_dicts_of_the_same_features_in_the_same_order_line_up(examples: list[Mapping[str, Any]]) -> None:
    found = history("fit", examples, [True, False])
    assert found.names == (() if examples == [{}, {}] else None)


@pytest.mark.parametrize(
    ("bad", "location"),
    [
        ([1], ("examples", 1, "b")),
        (math.nan, ("examples", 1, "b")),
        (math.inf, ("examples", 1, "b")),
        ((1, [2]), ("examples", 1, "b")),
    ],
)
def test_a_value_that_cannot_be_counted_is_refused_as_before_on_either_path(
    bad: object, location: tuple[object, ...]
) -> None:
    histories: list[list[dict[str, object]]] = [
        [{"a": 1, "b": 2}, {"a": 1, "b": bad}],  # lined up: counted by column
        [{"a": 1, "b": 2}, {"b": bad, "a": 1}],  # not lined up: counted by pair
    ]
    for examples in histories:
        with pytest.raises(fk.InvalidInput) as raised:
            NaiveBayesScorer.fit(examples, [True, False])
        assert [problem.location for problem in raised.value.problems] == [location]
        assert (
            raised.value.problems[0].message
            == "must be hashable and finite, such as text, a number or a bool"
        )


@st.composite
def closed(draw: st.DrawFn, *, line_up: bool) -> tuple[list[dict[str, Any]], list[bool]]:
    outcomes = draw(
        st.lists(st.booleans(), min_size=2, max_size=30).filter(lambda found: len(set(found)) == 2)
    )
    examples = []
    for outcome in outcomes:
        example = {
            "stage": draw(st.sampled_from((*STAGES, None) if outcome else STAGES)),
            "team": draw(st.sampled_from([None, "a", "b"])),
            "country": draw(st.sampled_from([None, "FR", "BE", 1, True])),
            "tags": draw(st.sampled_from(["x", ("x", "y"), frozenset({"y"}), None])),
        }
        if not line_up:
            example = {name: example[name] for name in draw(st.permutations(sorted(example)))}
        examples.append(example)
    return examples, outcomes


@given(
    closed(line_up=True) | closed(line_up=False), st.sampled_from([None, "team"]), st.sampled_from([None, 2])
)
def test_frequency_tables_are_the_same_by_column_and_by_pair(
    drawn: tuple[list[dict[str, Any]], list[bool]], segment_field: str | None, min_support: int | None
) -> None:
    examples, outcomes = drawn
    options: dict[str, Any] = {
        "stage_order": STAGES,
        "segment_field": segment_field,
        "min_support": min_support,
    }
    by_column = FrequencyScorer.fit(examples, outcomes, **options)
    by_pair = FrequencyScorer.fit([MappingProxyType(example) for example in examples], outcomes, **options)
    assert frequencies(by_column) == frequencies(by_pair)

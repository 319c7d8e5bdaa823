"""Odoo-style frequencies: Odoo's own worked examples, the counting rules, the properties and every error."""

from __future__ import annotations

import math
import pickle
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
from funnelkit.scoring._frequency import FLOOR, Frequency, FrequencyScorer, InsufficientData

AT = datetime(2026, 1, 5, tzinfo=timezone.utc)

# Odoo's stages in its crm data, by sequence: the test leads sit in the first three.
STAGES = ("new", "qualified", "proposition", "won")


def odoo(probability: float | None) -> float:
    """A probability as Odoo shows it, in percent; Odoo also rounds to two decimals."""
    assert probability is not None
    return 100 * probability


def rounds_to(percent: float, expected: float) -> bool:
    """Whether ``percent`` rounds to Odoo's two-decimal figure (within float noise)."""
    return math.isclose(percent, expected, abs_tol=0.005 + 1e-9)


# ---------------------------------------------------------------------------------------------
# odoo/odoo addons/crm/tests/test_crm_pls.py, TestCrmPls.test_predictive_lead_scoring
#
# The leads have neither email nor phone, so Odoo recomputes email_state and phone_state to False
# for every one of them: the value is the same for all, and the two fields carry no information.
# They are kept here as that one value, to show their contributions are exactly zero.


def _lead(team: str | None, country: str, state: str, source: str, stage: str) -> dict[str, object]:
    return {
        "team": team,
        "country": country,
        "state": state,
        "source": source,
        "stage": stage,
        "email_state": False,
        "phone_state": False,
    }


LEADS = (
    _lead("t1", "c0", "s0", "r0", "new"),
    _lead("t1", "c1", "s1", "r1", "qualified"),
    _lead("t1", "c2", "s2", "r2", "proposition"),
    _lead("t1", "c0", "s1", "r2", "qualified"),
    _lead("t1", "c1", "s1", "r1", "new"),
    _lead("t2", "c0", "s1", "r1", "proposition"),
    _lead("t2", "c0", "s1", "r2", "qualified"),
    _lead("t2", "c0", "s2", "r2", "new"),
    _lead("t2", "c0", "s1", "r2", "qualified"),
    _lead("t2", "c1", "s0", "r1", "qualified"),
    _lead("t3", "c1", "s1", "r1", "proposition"),
    _lead("t3", "c0", "s1", "r0", "new"),
    _lead("t3", "c1", "s2", "r2", "new"),
    _lead("t3", "c0", "s1", "r2", "qualified"),
)
WON = frozenset({2, 7, 10})
LOST = frozenset({0, 1, 5, 6, 11, 12})


def _fit(
    leads: Sequence[Mapping[str, object]],
    won: frozenset[int],
    lost: frozenset[int],
    fields: tuple[str, ...] | None = None,
) -> FrequencyScorer:
    """Learn from the closed leads as Odoo's rebuild does: a won lead sits in the won stage."""
    closed = sorted(won | lost)
    examples = []
    for index in closed:
        example = dict(leads[index], stage="won") if index in won else dict(leads[index])
        if fields is not None:
            example = {name: value for name, value in example.items() if name in {*fields, "stage", "team"}}
        examples.append(example)
    return FrequencyScorer.fit(
        examples, [index in won for index in closed], stage_order=STAGES, segment_field="team"
    )


def test_odoo_full_rebuild_per_team() -> None:
    scorer = _fit(LEADS, WON, LOST)
    assert rounds_to(odoo(scorer.probability(LEADS[3])), 33.49)
    assert rounds_to(odoo(scorer.probability(LEADS[8])), 7.74)
    assert rounds_to(odoo(scorer.probability(LEADS[13])), 35.09)


def test_odoo_frequencies_after_the_rebuild() -> None:
    scorer = _fit(LEADS, WON, LOST)
    team_1, team_2 = scorer.segments["t1"].counts, scorer.segments["t2"].counts
    assert team_1["stage"]["new"] == Frequency(1, 2, 1.1, 2.1)
    assert team_1["stage"]["won"] == Frequency(1, 0, 1.1, 0.1)
    assert team_1["country"]["c1"] == Frequency(0, 1, 0.1, 1.1)
    assert team_1["email_state"][False] == Frequency(1, 2, 1.1, 2.1)
    assert team_2["stage"]["new"] == Frequency(1, 2, 1.1, 2.1)
    assert team_2["stage"]["won"] == Frequency(1, 0, 1.1, 0.1)
    assert "c1" not in team_2["country"]  # Odoo: "frequency does not exist"
    assert team_2["email_state"][False] == Frequency(1, 2, 1.1, 2.1)


def test_odoo_leads_without_a_team_use_the_pooled_table() -> None:
    leads = [dict(lead, team=None) if index >= 10 else lead for index, lead in enumerate(LEADS)]
    scorer = _fit(leads, WON, LOST)
    pooled = odoo(scorer.probability(leads[13]))
    assert rounds_to(pooled, 35.19)
    assert not rounds_to(pooled, 35.09)
    assert set(scorer.segments) == {"t1", "t2"}
    # the pooled rows carry the smoothing of each group that had them, as Odoo's sums of rows do
    new = scorer.pooled.counts["stage"]["new"]
    assert (new.won, new.lost) == (3, 6)
    assert math.isclose(new.won_count, 3.3)
    assert math.isclose(new.lost_count, 6.3)


def test_odoo_fields_without_information_contribute_nothing() -> None:
    result = _fit(LEADS, WON, LOST).score(LEADS[3], at=AT)
    amounts = {part.name: part.amount for part in result.contributions}
    assert amounts["email_state"] == 0.0
    assert amounts["phone_state"] == 0.0


def _after_live_increments() -> tuple[list[dict[str, object]], frozenset[int]]:
    """Lead 9 won; lead 4 lost, restored, won, archived, moved back and lost and restored
    (which leaves its team's frequencies as they were); leads 3 and 8 moved to the first stage."""
    leads = [dict(lead, team=None) if index >= 10 else dict(lead) for index, lead in enumerate(LEADS)]
    leads[3]["stage"] = leads[8]["stage"] = "new"
    return leads, WON | {9}


def test_odoo_probabilities_after_live_increments() -> None:
    leads, won = _after_live_increments()
    scorer = _fit(leads, won, LOST)
    team_2 = scorer.segments["t2"].counts
    assert team_2["stage"]["new"] == Frequency(2, 2, 2.1, 2.1)
    assert team_2["country"]["c1"] == Frequency(1, 0, 1.1, 0.1)
    assert rounds_to(odoo(scorer.probability(leads[3])), 20.87)
    assert rounds_to(odoo(scorer.probability(leads[8])), 2.43)
    assert rounds_to(odoo(scorer.probability(dict(leads[8], country="c1"))), 34.38)


@pytest.mark.parametrize("parity", [0, 1])
def test_odoo_email_states_set(parity: int) -> None:
    leads, won = _after_live_increments()
    leads = [
        dict(lead, email_state="correct" if (index + parity) % 2 == 0 else "incorrect")
        for index, lead in enumerate(leads)
    ]
    scorer = _fit(leads, won, LOST)
    assert rounds_to(odoo(scorer.probability(leads[3])), 4.21)
    assert rounds_to(odoo(scorer.probability(leads[8])), 0.23)


def test_odoo_stage_alone() -> None:
    leads, won = _after_live_increments()
    scorer = _fit(leads, won, LOST, fields=())
    assert rounds_to(odoo(scorer.probability(leads[3])), 34.38)
    assert rounds_to(odoo(scorer.probability(leads[8])), 50.0)


def _tagged() -> tuple[list[dict[str, object]], list[bool], dict[str, dict[str, object]]]:
    """Odoo's 150 leads of team "blup": 50 with tag 1, 50 with tag 2, 50 with both."""
    leads: list[dict[str, object]] = []
    for index in range(150):
        tags = ("tag1",) if index < 50 else ("tag2",) if index < 100 else ["tag1", "tag2"]
        leads.append(
            {"team": "blup", "stage": "new", "tags": tags, "email_state": False, "phone_state": False}
        )
    won = {*range(31, 50), *range(91, 100), *range(136, 150)}
    lost = {*range(30), *range(50, 90), *range(100, 135)}
    closed = sorted(won | lost)
    examples = [dict(leads[index], stage="won") if index in won else leads[index] for index in closed]
    open_leads = {"tag 1": leads[30], "tag 2": leads[90], "tags 1 and 2": leads[135]}
    return examples, [index in won for index in closed], open_leads


def test_odoo_tags() -> None:
    examples, outcomes, leads = _tagged()
    scorer = FrequencyScorer.fit(
        examples, outcomes, stage_order=STAGES, segment_field="team", min_support={"tags": 50}
    )
    tags = scorer.segments["blup"].counts["tags"]
    assert tags["tag1"] == Frequency(33, 65, 33.1, 65.1)
    assert tags["tag2"] == Frequency(23, 75, 23.1, 75.1)
    assert rounds_to(odoo(scorer.probability(leads["tag 1"])), 33.69)
    assert rounds_to(odoo(scorer.probability(leads["tag 2"])), 23.51)
    assert rounds_to(odoo(scorer.probability(leads["tags 1 and 2"])), 28.05)
    assert rounds_to(odoo(scorer.probability(dict(leads["tag 1"], tags=()))), 28.6)
    assert rounds_to(odoo(scorer.probability(dict(leads["tag 1"], tags=frozenset({"tag1"})))), 33.69)
    assert rounds_to(odoo(scorer.probability(dict(leads["tag 2"], tags={"tag1", "tag2"}))), 28.05)
    without_tags = FrequencyScorer.fit(
        [{name: value for name, value in example.items() if name != "tags"} for example in examples],
        outcomes,
        stage_order=STAGES,
        segment_field="team",
    )
    assert all(rounds_to(odoo(without_tags.probability(lead)), 28.6) for lead in leads.values())


# odoo/odoo addons/crm/tests/test_crm_pls.py, TestCrmPls.test_pls_tooltip_data: one team, values
# unset here and there (so each field has its own denominators), email and phone states set.
def test_odoo_tooltip_example() -> None:
    def lead(
        country: str | None, state: str | None, source: str | None, stage: str, phone: str
    ) -> dict[str, object]:
        return {
            "country": country,
            "state": state,
            "source": source,
            "stage": stage,
            "email_state": "correct",
            "phone_state": phone,
        }

    history = [
        lead("c0", "s0", "r1", "won", "correct"),
        lead("c1", "s0", None, "won", "correct"),
        lead(None, None, "r0", "new", "incorrect"),
        lead("c0", None, "r0", "new", "incorrect"),
        lead(None, "s1", None, "proposition", "correct"),
    ]
    scorer = FrequencyScorer.fit(history, [True, True, False, False, False], stage_order=STAGES)
    subject = lead("c0", "s0", "r0", "qualified", "correct")
    result = scorer.score(subject, at=AT)
    assert rounds_to(odoo(result.probability), 74.30)
    # Odoo's tooltip score of a value is pW / (pW + pL), the logistic of its contribution
    scores = {part.name: 1 / (1 + math.exp(-part.amount)) for part in result.contributions}
    assert round(scores["source"], 2) == 0.08
    assert round(scores["country"], 3) == 0.353
    assert round(scores["state"], 2) == 0.92
    assert round(scores["phone_state"], 3) == 0.735
    assert scores["email_state"] == 0.5


# odoo/odoo addons/crm/tests/test_crm_pls.py, TestCrmPls.test_predictive_lead_scoring_always_won:
# an open lead's probability never reaches 0 or 1. Odoo forces its counts to 10,000,000 to 1;
# here the history itself is that lopsided.
@pytest.mark.parametrize(("won", "expected"), [(True, 1 - FLOOR), (False, FLOOR)])
def test_the_probability_is_clamped(won: bool, expected: float) -> None:
    history = [{"stage": "new", "country": "here"}] * 2000 + [{"stage": "new", "country": "there"}]
    scorer = FrequencyScorer.fit(history, [won] * 2000 + [not won], stage_order=STAGES)
    result = scorer.score({"stage": "new", "country": "here"}, at=AT)
    assert result.probability == expected
    clamp = result.contributions[-1]
    assert clamp.name == "clamp"
    assert clamp.amount == result.clipped
    assert (clamp.amount < 0) is won
    assert math.isclose(result.value, math.log(expected / (1 - expected)))
    assert scorer.score({"stage": "new", "country": "there"}, at=AT).clipped == 0.0


# ---------------------------------------------------------------------------------------------
# the rules


def test_a_won_example_reaches_every_stage_and_a_lost_one_its_stage_and_earlier() -> None:
    history: list[dict[str, object]] = [
        {"stage": "qualified"},
        {"stage": "new"},
        {"stage": None},
        {"stage": "proposition"},
    ]
    scorer = FrequencyScorer.fit(history, [False, False, True, True], stage_order=STAGES)
    stages = scorer.pooled.counts["stage"]
    assert {stage: (row.won, row.lost) for stage, row in stages.items()} == {
        "new": (2, 2),
        "qualified": (2, 1),
        "proposition": (2, 0),
        "won": (2, 0),
    }
    assert scorer.pooled.prior == (2.1, 2.1)
    assert scorer.pooled.totals["stage"] == scorer.pooled.prior


def test_a_stage_no_lost_example_reached_has_a_row_once_anything_was_won() -> None:
    scorer = FrequencyScorer.fit([{"stage": "new"}, {}], [False, True], stage_order=("new", "won"))
    assert scorer.pooled.counts["stage"]["won"] == Frequency(1, 0, 1.1, 0.1)


def test_unset_values_are_skipped_and_each_field_has_its_own_denominators() -> None:
    history: list[dict[str, object]] = [
        {"stage": "new", "country": "fr", "source": None},
        {"stage": "new", "country": None, "source": "ads"},
        {"stage": "new", "source": "ads"},
        {"stage": "new", "country": "de", "source": ()},
    ]
    scorer = FrequencyScorer.fit(history, [True, False, True, False], stage_order=STAGES, smoothing=1)
    assert scorer.pooled.prior == (3.0, 3.0)
    assert scorer.pooled.totals["country"] == (3.0, 3.0)  # fr: 1 + 1 won, 0 + 1 lost; de: 0 + 1, 1 + 1
    assert scorer.pooled.totals["source"] == (2.0, 2.0)  # ads alone: the two without a source are not counted
    result = scorer.score({"stage": "new", "country": None, "source": "ads"}, at=AT)
    assert [part.name for part in result.contributions] == ["stage", "source"]
    assert result.contributions[1].amount == 0.0


def test_each_value_of_a_multi_valued_field_counts_once() -> None:
    history: list[dict[str, object]] = [
        {"stage": "new", "tags": ["a", "b", "a", None]},
        {"stage": "new", "tags": frozenset({"b"})},
        {"stage": "new", "tags": ("a",)},
    ]
    scorer = FrequencyScorer.fit(history, [True, False, False], stage_order=STAGES)
    tags = scorer.pooled.counts["tags"]
    assert (tags["a"].won, tags["a"].lost, tags["b"].won, tags["b"].lost) == (1, 1, 1, 1)
    result = scorer.score({"stage": "new", "tags": ["b", "a", "b"]}, at=AT)
    assert [part.reason.split()[0] for part in result.contributions[1:]] == ["'a'", "'b'"]


def test_examples_with_as_many_fields_but_other_ones_count_alike() -> None:
    history = [
        {"stage": "new", "source": "ads"},
        {"stage": "new", "country": "fr"},
        {"stage": "new", "source": "ads"},
    ]
    scorer = FrequencyScorer.fit(history, [True, False, False], stage_order=STAGES)
    assert scorer.pooled.counts["source"]["ads"] == Frequency(1, 1, 1.1, 1.1)
    assert scorer.pooled.counts["country"]["fr"] == Frequency(0, 1, 0.1, 1.1)


def test_a_value_never_seen_says_nothing() -> None:
    scorer = FrequencyScorer.fit(
        [{"stage": "new", "source": "ads"}, {"stage": "new", "source": "seo"}],
        [True, False],
        stage_order=STAGES,
    )
    result = scorer.score({"stage": "new", "source": "radio", "mood": "good"}, at=AT)
    # a value of a learned feature never seen says so; a feature never learned says nothing
    assert [(part.name, part.amount, part.reason) for part in result.contributions[1:]] == [
        ("source", 0.0, "'radio' never seen in training"),
    ]
    assert result.value == result.baseline == 0.0
    assert result.probability == 0.5


def test_a_subject_without_a_stage_scores_as_at_the_first_stage() -> None:
    scorer = _fit(LEADS, WON, LOST)
    at_first = scorer.score(dict(LEADS[3], stage="new"), at=AT)
    unstaged = scorer.score(dict(LEADS[3], stage=None), at=AT)
    assert unstaged.probability is not None
    assert math.isclose(unstaged.probability, at_first.probability or 0.0)
    assert "stage" not in [part.name for part in unstaged.contributions]


def test_minimum_support_ignores_thin_values_per_segment_before_pooling() -> None:
    history = (
        [{"stage": "new", "team": "a", "tags": ("busy",)}] * 3
        + [{"stage": "new", "team": "b", "tags": ("busy",)}] * 2
        + [{"stage": "new", "team": "a"}, {"stage": "new", "team": "b"}]
    )
    outcomes = [True, False, False, True, False, True, False]
    scorer = FrequencyScorer.fit(history, outcomes, stage_order=STAGES, segment_field="team", min_support=3)
    assert "busy" in scorer.segments["a"].counts["tags"]
    assert "tags" not in scorer.segments["b"].counts
    assert scorer.pooled.counts["tags"]["busy"] == Frequency(1, 2, 1.1, 2.1)
    assert scorer.pooled.counts["stage"]["new"].won == 3  # the stage never needs support
    result = scorer.score({"stage": "new", "team": "b", "tags": ("busy",)}, at=AT)
    assert result.contributions[-1].reason == "'busy' never seen at least 3 times in training in segment 'b'"
    per_field = FrequencyScorer.fit(history, outcomes, stage_order=STAGES, min_support={"tags": 6})
    assert "tags" not in per_field.pooled.counts
    assert per_field.min_support == {"tags": 6}


def test_a_segment_with_one_class_gives_no_estimate_and_borrows_nothing() -> None:
    history = [
        {"stage": "new", "team": "good"},
        {"stage": "new", "team": "good"},
        *([{"stage": "qualified", "team": "lonely"}] * 4),
    ]
    scorer = FrequencyScorer.fit(
        history, [True, False, False, False, False, False], stage_order=STAGES, segment_field="team"
    )
    good = {"stage": "qualified", "team": "good"}
    lonely = {"stage": "qualified", "team": "lonely"}
    # Odoo scores the second lead of a team without wins with the previous team's priors
    assert [scorer.probability(subject) for subject in (good, lonely, lonely)][1:] == [None, None]
    with pytest.raises(InsufficientData) as raised:
        scorer.score(lonely, at=AT)
    assert (raised.value.segment, raised.value.won, raised.value.lost) == ("lonely", 0, 4)
    assert isinstance(raised.value, LookupError)
    assert "has 0 won and 4 lost examples" in str(raised.value)
    assert pickle.loads(pickle.dumps(raised.value)) == raised.value
    assert not scorer.segments["lonely"].has_both


def test_a_subject_in_an_unknown_segment_or_none_uses_the_pooled_table() -> None:
    scorer = _fit(LEADS, WON, LOST)
    stranger = scorer.score(dict(LEADS[3], team="t9"), at=AT)
    nobody = scorer.score(dict(LEADS[3], team=None), at=AT)
    assert stranger == nobody
    assert "in the pooled history" in stranger.contributions[0].reason


def test_a_funnel_object_is_read_at_at(lead: fk.Lead) -> None:
    history = [{"status": "new", "channel": "search"}, {"status": "new", "channel": "social"}]
    scorer = FrequencyScorer.fit(history, [True, False], stage_order=["new", "working"], stage_field="status")
    result = scorer.score(lead, at=datetime(2026, 1, 2, tzinfo=timezone.utc))
    amounts = {part.name: part.amount for part in result.contributions}
    assert amounts["channel"] > 0
    assert "account.segment" not in amounts  # not learned: nothing to say
    assert result.unit == "log-odds"


def test_a_scorer_is_a_value() -> None:
    scorer = _fit(LEADS, WON, LOST)
    again = _fit(LEADS, WON, LOST)
    assert scorer == again
    assert hash(scorer) == hash(again)
    assert pickle.loads(pickle.dumps(scorer)) == scorer
    with pytest.raises(TypeError, match="read-only"):
        scorer.segments["t1"].counts["stage"]["new"] = Frequency(0, 0, 0.1, 0.1)  # type: ignore[index]
    assert repr(scorer).startswith("FrequencyScorer(stage_order=('new', 'qualified', 'proposition', 'won')")
    assert scorer.id == "frequencies"
    assert scorer.version == "1"


@pytest.mark.parametrize(
    "subject",
    [
        LEADS[3],
        dict(LEADS[3], team=None, stage=None),
        dict(LEADS[3], team="t9", country="c9", mood=None),
        dict(LEADS[3], tags=["x", None, "x"], source=("r1", "r9")),
        dict(LEADS[8], team="t2", country=frozenset({"c0", "c1"})),
    ],
)
@pytest.mark.parametrize("segment_field", ["team", None])
def test_a_probability_is_the_explained_one_to_the_last_bit(
    subject: dict[str, object], segment_field: str | None
) -> None:
    closed = sorted(WON | LOST)
    examples = [dict(LEADS[index], stage="won") if index in WON else LEADS[index] for index in closed]
    scorer = FrequencyScorer.fit(
        examples, [index in WON for index in closed], stage_order=STAGES, segment_field=segment_field
    )
    assert scorer.probability(subject) == scorer.score(subject, at=AT).probability


# ---------------------------------------------------------------------------------------------
# properties

STAGE_ORDER = ("new", "qualified", "proposal", "won")
values = st.sampled_from([None, "x", "y", "z", 1, True])
tag_sets = st.lists(st.sampled_from(["t1", "t2", "t3"]), max_size=3).flatmap(
    lambda tags: st.sampled_from([tags, tuple(tags), frozenset(tags)])
)


@st.composite
def closed(draw: st.DrawFn) -> tuple[list[dict[str, object]], list[bool]]:
    outcomes = draw(
        st.lists(st.booleans(), min_size=2, max_size=30).filter(lambda found: len(set(found)) == 2)
    )
    examples = []
    for outcome in outcomes:
        stages = st.sampled_from((*STAGE_ORDER, None)) if outcome else st.sampled_from(STAGE_ORDER)
        example: dict[str, object] = {
            "stage": draw(stages),
            "team": draw(st.sampled_from([None, "a", "b"])),
            "country": draw(values),
            "tags": draw(tag_sets),
        }
        examples.append({name: example[name] for name in draw(st.permutations(sorted(example)))})
    return examples, outcomes


subjects = st.fixed_dictionaries(
    {
        "stage": st.sampled_from((*STAGE_ORDER, None)),
        "team": st.sampled_from([None, "a", "b", "c"]),
        "country": values,
        "tags": tag_sets,
    }
)


def _fit_drawn(
    examples: list[dict[str, object]], outcomes: list[bool], min_support: int | None
) -> FrequencyScorer:
    return FrequencyScorer.fit(
        examples, outcomes, stage_order=STAGE_ORDER, segment_field="team", min_support=min_support
    )


@given(closed(), st.randoms(use_true_random=False), st.sampled_from([None, 2]), subjects)
def test_the_order_of_examples_and_of_features_changes_nothing(
    history: tuple[list[dict[str, object]], list[bool]],
    random: object,
    min_support: int | None,
    subject: dict[str, object],
) -> None:
    examples, outcomes = history
    pairs = list(zip(examples, outcomes, strict=True))
    random.shuffle(pairs)  # type: ignore[attr-defined]
    shuffled = [dict(reversed(list(example.items()))) for example, _ in pairs]
    scorer = _fit_drawn(examples, outcomes, min_support)
    other = _fit_drawn(shuffled, [outcome for _, outcome in pairs], min_support)
    assert other == scorer
    backwards = dict(reversed(list(subject.items())))
    assert other.probability(backwards) == scorer.probability(subject)


@given(closed(), subjects)
def test_a_probability_is_within_the_clamp_or_none_and_the_parts_add_up(
    history: tuple[list[dict[str, object]], list[bool]], subject: dict[str, object]
) -> None:
    scorer = _fit_drawn(*history, min_support=None)
    probability = scorer.probability(subject)
    if probability is None:
        with pytest.raises(InsufficientData):
            scorer.score(subject, at=AT)
        return
    assert FLOOR <= probability <= 1 - FLOOR
    result = scorer.score(subject, at=AT)
    assert result.probability == probability
    assert math.isclose(
        result.baseline + math.fsum(part.amount for part in result.contributions), result.value
    )
    assert math.isclose(result.value, math.log(probability / (1 - probability)), abs_tol=1e-9)


def _one_tag(tags: object) -> str | None:
    assert isinstance(tags, (list, tuple, frozenset))
    return min(tags, default=None)


@given(closed(), st.sampled_from([None, 3]))
def test_a_plain_value_counts_as_a_list_of_that_one_value(
    history: tuple[list[dict[str, object]], list[bool]], min_support: int | None
) -> None:
    examples, outcomes = history
    plain = [dict(example, tags=_one_tag(example["tags"])) for example in examples]
    listed = [dict(example, tags=[example["tags"]]) for example in plain]
    assert _fit_drawn(plain, outcomes, min_support) == _fit_drawn(listed, outcomes, min_support)


@given(closed(), subjects)
def test_pickling_gives_the_same_scores(
    history: tuple[list[dict[str, object]], list[bool]], subject: dict[str, object]
) -> None:
    scorer = _fit_drawn(*history, min_support=None)
    copy = pickle.loads(pickle.dumps(scorer))
    assert copy == scorer
    assert copy.probability(subject) == scorer.probability(subject)


# ---------------------------------------------------------------------------------------------
# errors


def _problems(error: pytest.ExceptionInfo[fk.InvalidInput]) -> list[tuple[tuple[str | int, ...], str]]:
    return [(problem.location, problem.message) for problem in error.value.problems]


GOOD = ([{"stage": "new"}, {"stage": "new"}], [True, False])


@pytest.mark.parametrize(
    ("examples", "outcomes", "location"),
    [
        ([], [], ("examples",)),
        ([{"stage": "new"}], [True, False], ("outcomes",)),
        ([{"stage": "new"}, {"stage": "new"}], [False, False], ("outcomes",)),
        ([{"stage": "new"}, {"stage": "lost"}], [True, False], ("examples", 1, "stage")),
        ([{"stage": "nowhere"}, {"stage": "new"}], [True, False], ("examples", 0, "stage")),
        ([{"stage": "new"}, {"stage": None}], [True, False], ("examples", 1, "stage")),
        ([{"stage": "new"}, {}], [True, False], ("examples", 1, "stage")),
        ([{"stage": "new"}, {"stage": ("new",)}], [True, False], ("examples", 1, "stage")),
        ([{"stage": "new", "x": 1}, {"stage": ["new"], "x": 1}], [True, False], ("examples", 1, "stage")),
        ([{"stage": "new", "x": 1}, {"stage": ("new",), "x": 1}], [True, False], ("examples", 1, "stage")),
        ([{"stage": "new", "x": 1}, {"stage": "new", "x": [{}]}], [True, False], ("examples", 1, "x[0]")),
        ([{"stage": "new"}, {"stage": "new", "team": ["a"]}], [True, False], ("examples", 1, "team")),
        ([{"stage": "new"}, {"stage": "new", "tags": [["a"]]}], [True, False], ("examples", 1, "tags[0]")),
        ([{"stage": "new"}, {"stage": "new", "notes": {"a": 1}}], [True, False], ("examples", 1, "notes")),
        ([{"stage": "new"}, {"stage": "new", "size": math.nan}], [True, False], ("examples", 1, "size")),
    ],
)
def test_a_bad_history_is_refused(
    examples: list[dict[str, object]], outcomes: list[bool], location: tuple[str | int, ...]
) -> None:
    with pytest.raises(fk.InvalidInput) as raised:
        FrequencyScorer.fit(examples, outcomes, stage_order=STAGES, segment_field="team")
    assert location in [problem.location for problem in raised.value.problems]
    assert raised.value.what == "cannot fit a frequency scorer"


@pytest.mark.parametrize(
    ("options", "location"),
    [
        ({"stage_order": []}, "stage_order"),
        ({"stage_order": "new"}, "stage_order"),
        ({"stage_order": 3}, "stage_order"),
        ({"stage_order": ["new", "new"]}, "stage_order"),
        ({"stage_order": [["new"]]}, "stage_order"),
        ({"stage_field": " "}, "stage_field"),
        ({"stage_field": 1}, "stage_field"),
        ({"segment_field": "stage"}, "segment_field"),
        ({"segment_field": 2}, "segment_field"),
        ({"smoothing": -0.1}, "smoothing"),
        ({"smoothing": 0}, "smoothing"),
        ({"smoothing": math.inf}, "smoothing"),
        ({"smoothing": math.nan}, "smoothing"),
        ({"smoothing": True}, "smoothing"),
        ({"smoothing": "0.1"}, "smoothing"),
        ({"min_support": 0}, "min_support"),
        ({"min_support": True}, "min_support"),
        ({"min_support": 2.5}, "min_support"),
        ({"min_support": {"stage": 5}}, "min_support"),
        ({"min_support": {"tags": 0}}, "min_support"),
        ({"min_support": {1: 5}}, "min_support"),
    ],
)
def test_a_bad_option_is_refused(options: dict[str, object], location: str) -> None:
    arguments: dict[str, object] = {"stage_order": STAGES, **options}
    with pytest.raises(fk.InvalidInput) as raised:
        FrequencyScorer.fit(*GOOD, **arguments)  # type: ignore[arg-type]
    assert [problem.location for problem in raised.value.problems] == [(location,)]


def test_every_bad_option_is_named_at_once() -> None:
    with pytest.raises(fk.InvalidInput) as raised:
        FrequencyScorer.fit(*GOOD, stage_order=[], smoothing=-1, min_support=0)
    assert [location for location, _ in _problems(raised)] == [
        ("stage_order",),
        ("smoothing",),
        ("min_support",),
    ]


@pytest.mark.parametrize(
    ("subject", "location"),
    [
        ({"stage": "lost"}, ("stage",)),
        ({"stage": ["new"]}, ("stage",)),
        ({"stage": "new", "team": ("a", "b")}, ("team",)),
        ({"stage": "new", "tags": [{"a": 1}]}, ("examples", 0, "tags[0]")),
        ({"stage": "new", "size": math.inf}, ("examples", 0, "size")),
        ({1: "new"}, ()),
        ({1: None}, ()),
        ({"stage": "new", "team": ["a"]}, ("team",)),
        ({"stage": "new", "team": math.nan}, ("examples", 0, "team")),
        ({"stage": "new", "tags": ["a", math.nan]}, ("examples", 0, "tags[1]")),
        ({"stage": "new", "notes": {"a": 1}}, ("examples", 0, "notes")),
    ],
)
def test_a_bad_subject_is_refused(subject: dict[object, object], location: tuple[str | int, ...]) -> None:
    scorer = FrequencyScorer.fit(*GOOD, stage_order=STAGES, segment_field="team")
    with pytest.raises(fk.InvalidInput) as raised:
        scorer.score(subject, at=AT)
    assert [problem.location for problem in raised.value.problems] == [location]
    with pytest.raises(fk.InvalidInput):
        scorer.probability(subject)  # type: ignore[arg-type]


def test_a_funnel_object_needs_at(lead: fk.Lead) -> None:
    scorer = FrequencyScorer.fit(*GOOD, stage_order=STAGES)
    with pytest.raises(fk.InvalidInput) as raised:
        scorer.score(lead, at=None)
    assert _problems(raised) == [(("at",), "is needed to score a funnel object")]


def test_many_lost_examples_without_a_stage_are_counted_past_the_twentieth() -> None:
    with pytest.raises(fk.InvalidInput) as refused:
        FrequencyScorer.fit(
            [{"source": "ads"}] * 23 + [{"stage": "new"}], [False] * 23 + [True], stage_order=STAGES
        )
    assert str(refused.value.problems[-1]) == "...: and 3 more problems like these"

"""Qualification values survive pickle (every protocol), deepcopy and copy: equal, same hash and behaviour."""

import copy
import enum
import pickle
from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
import funnelkit.qualification as q
from funnelkit import testing

T = TypeVar("T")

AT = datetime(2026, 3, 1, tzinfo=timezone.utc)


def _pickled(protocol: int) -> Callable[[Any], Any]:
    def round_trip(value: object) -> object:
        return pickle.loads(pickle.dumps(value, protocol))

    return round_trip


COPIERS: dict[str, Callable[[Any], Any]] = {
    **{f"pickle{protocol}": _pickled(protocol) for protocol in range(pickle.HIGHEST_PROTOCOL + 1)},
    "deepcopy": copy.deepcopy,
    "copy": copy.copy,
}


def copied(value: T, how: str) -> T:
    result: T = COPIERS[how](value)
    return result


def big_budget(subject: object) -> q.Verdict:
    """A user judge: module level, so a criterion holding it pickles it by name."""
    found = q.evidence_of(subject).latest("budget")
    return q.Verdict.unknown if found is None else q.Verdict.met


EVIDENCE = q.Evidence(
    (
        q.Fact("budget", fk.Money("50000.00", "EUR"), "call with CFO", AT, 2),
        q.Fact("need", "slow invoicing", "discovery call", AT),
        q.Fact("authority", False, "email", AT, 1),
        q.Fact("pain", "manual work", "demo", AT, 3),
        q.Fact("metrics", True, "demo", AT, 1),
    )
)
BUDGET, AUTHORITY, NEED, TIMELINE = q.fact_criteria("budget", "authority", "need", "timeline")
USER = q.criterion("big_budget", big_budget)
REGISTRY = q.Registry.with_builtins()
FROM_DATA = q.framework_from(
    {
        "id": "mine",
        "version": "2",
        "policy": {
            "all_of": [
                {"knock_out": "authority"},
                {
                    "weighted": [{"criterion": "need", "weight": "2"}, {"criterion": "pain", "weight": 1}],
                    "threshold": "0.5",
                },
                {"not": "competition"},
                {"any_of": ["budget", "funds"], "unknown": "ignore"},
                {"gate": ["champion", "metrics"]},
                {"min_grade": 2, "of": ["timeline"]},
                {"at_least": 1, "of": ["goals", "plans"]},
            ]
        },
        "milestones": {"prove": ["pain", "need"]},
        "stage_grade": 3,
    },
    REGISTRY.criteria,
)
MEDDIC_PROOF = q.meddic().requirement("prove")
assert MEDDIC_PROOF is not None
STAGED = q.Framework("staged", "1", q.all_of(USER, NEED), "mine", {"prove": ("need",)}, 1)

CRITERIA: dict[str, q.Criterion] = {
    "fact": BUDGET,
    "fact named": q.fact("money", "Any money?", name="budget"),
    "criterion": USER,
    "all_of": q.all_of(BUDGET, NEED),
    "any_of": q.any_of(BUDGET, NEED, unknown=q.UnknownMode.ignore),
    "gate": q.gate(AUTHORITY, NEED, TIMELINE, unknown=q.UnknownMode.unmet),
    "not_": q.not_(BUDGET),
    "knock_out": q.knock_out(AUTHORITY),
    "at_least": q.at_least(2, BUDGET, AUTHORITY, NEED),
    "weighted mapping": q.weighted("0.6", {BUDGET: 2, NEED: Decimal("1.5")}),
    "weighted pairs": q.weighted(Decimal("0.5"), [(BUDGET, "1"), (TIMELINE, 3)]),
    "min_grade": q.min_grade(2, BUDGET, AUTHORITY),
    "and": BUDGET & NEED,
    "or": BUDGET | USER,
    "invert": ~NEED,
    "nested": q.knock_out(q.any_of(q.at_least(1, BUDGET, q.not_(NEED)), q.min_grade(1, USER))),
    "stage requirement": MEDDIC_PROOF,
}
FRAMEWORKS: dict[str, q.Framework] = {
    **{f"frameworks()[{name!r}]": framework for name, framework in q.frameworks().items()},
    "bant()": q.bant(),
    "bant('all_of')": q.bant("all_of"),
    "bant('graded')": q.bant("graded"),
    "anum()": q.anum(),
    "champ()": q.champ(),
    "meddic(3)": q.meddic(3),
    "meddicc()": q.meddicc(),
    "meddpicc(1)": q.meddpicc(1),
    "gpctba_ci()": q.gpctba_ci(),
    "faint()": q.faint(),
    "neat()": q.neat(),
    "framework_from": FROM_DATA,
    "user criterion and stages": STAGED,
}
RESULT = q.meddpicc().evaluate(EVIDENCE)
VALUES: dict[str, object] = {
    "Fact": EVIDENCE.facts[0],
    "Fact ungraded": EVIDENCE.facts[1],
    "Evidence": EVIDENCE,
    "NO_EVIDENCE": q.NO_EVIDENCE,
    **CRITERIA,
    **FRAMEWORKS,
    "QualificationResult": RESULT,
    "QualificationResult from data": FROM_DATA.evaluate(EVIDENCE),
    "CriterionResult": RESULT.tree,
    "CriterionResult knock-out": q.knock_out(AUTHORITY).assess(EVIDENCE),
    "Summary": RESULT.summary(),
    "Outcome": q.Outcome.not_yet,
    "Verdict": q.Verdict.partial,
    "UnknownMode": q.UnknownMode.ignore,
    "PluginError": q.PluginError(q.CRITERIA_GROUP, "broken", "ImportError: no module"),
    "FACTS": q.FACTS,
    "QUESTIONS": q.QUESTIONS,
    "GRADES": q.GRADES,
    "frameworks()": q.frameworks(),
    "Registry.criteria": REGISTRY.criteria,
    "Registry.frameworks": REGISTRY.frameworks,
    "Framework.milestones": q.meddpicc().milestones,
}


@pytest.mark.parametrize("how", COPIERS)
@pytest.mark.parametrize("name", VALUES)
def test_values_come_back_equal_with_the_same_hash_and_repr(name: str, how: str) -> None:
    value = VALUES[name]
    back = copied(value, how)
    assert type(back) is type(value)
    assert back == value
    assert hash(back) == hash(value)
    assert repr(back) == repr(value)


@pytest.mark.parametrize("how", COPIERS)
@pytest.mark.parametrize("kind", [q.Outcome, q.Verdict, q.UnknownMode])
def test_enum_members_come_back_as_themselves(kind: type[enum.Enum], how: str) -> None:
    assert all(copied(member, how) is member for member in kind)


@pytest.mark.parametrize("how", COPIERS)
@pytest.mark.parametrize("name", CRITERIA)
def test_copied_criteria_judge_alike(name: str, how: str) -> None:
    criterion = CRITERIA[name]
    back = copied(criterion, how)
    assert back.id == criterion.id
    assert back.assess(EVIDENCE) == criterion.assess(EVIDENCE)
    assert back.assess(q.NO_EVIDENCE) == criterion.assess(q.NO_EVIDENCE)


@pytest.mark.parametrize("how", COPIERS)
@pytest.mark.parametrize("name", FRAMEWORKS)
def test_copied_frameworks_evaluate_alike(name: str, how: str) -> None:
    framework = FRAMEWORKS[name]
    back = copied(framework, how)
    assert back.evaluate(EVIDENCE) == framework.evaluate(EVIDENCE)
    assert back.criteria == framework.criteria
    for milestone in ("discover", "prove", "commit"):
        assert back.requirement(milestone) == framework.requirement(milestone)


@given(testing.evidence(), st.sampled_from(sorted(q.frameworks())), st.sampled_from(list(COPIERS)))
def test_evidence_and_results_round_trip(evidence: q.Evidence, name: str, how: str) -> None:
    framework = q.frameworks()[name]
    result = framework.evaluate(evidence)
    for value in (evidence, *evidence.facts, result, result.tree, *result.criteria, result.summary()):
        back = copied(value, how)
        assert back == value
        assert hash(back) == hash(value)
    assert copied(framework, how).evaluate(copied(evidence, how)) == result


def _combine(children: st.SearchStrategy[q.Criterion]) -> st.SearchStrategy[q.Criterion]:
    groups = st.lists(children, min_size=1, max_size=3, unique_by=lambda criterion: criterion.id)
    modes = st.sampled_from(q.UnknownMode)
    return st.one_of(
        children.map(q.not_),
        children.map(q.knock_out),
        st.builds(lambda group, mode: q.all_of(*group, unknown=mode), groups, modes),
        st.builds(lambda group, mode: q.any_of(*group, unknown=mode), groups, modes),
        st.builds(lambda group, mode: q.gate(*group, unknown=mode), groups, modes),
        st.builds(lambda group, grade: q.min_grade(grade, *group), groups, st.sampled_from(q.GRADES)),
        groups.flatmap(lambda group: st.integers(1, len(group)).map(lambda k: q.at_least(k, *group))),
        st.builds(
            lambda group, share: q.weighted(share, [(child, 1) for child in group]),
            groups,
            st.decimals(0, 1, places=2),
        ),
    )


criteria_trees = st.recursive(st.sampled_from([*q.fact_criteria(*q.QUESTIONS), USER]), _combine, max_leaves=8)


@given(criteria_trees, testing.evidence(), st.sampled_from(list(COPIERS)))
def test_any_criteria_tree_round_trips(criterion: q.Criterion, evidence: q.Evidence, how: str) -> None:
    back = copied(criterion, how)
    assert back == criterion
    assert hash(back) == hash(criterion)
    assert repr(back) == repr(criterion)
    assert back.assess(evidence) == criterion.assess(evidence)


def _criteria_plugins(*entries: "_Entry") -> Callable[[str], list[Any]]:
    return lambda group: list(entries) if group == q.CRITERIA_GROUP else []


def _registry() -> q.Registry:
    broken = _Entry("broken", ImportError("no module named 'gone'"))
    registry = q.Registry.with_builtins().load_entry_points(_criteria_plugins(_Entry("user", USER), broken))
    registry.add_framework(STAGED)
    registry.define({"id": "mine", "version": "1", "policy": {"all_of": ["big_budget", "need"]}})
    return registry


class _Entry:
    """An entry point as load_entry_points sees it: a name and a load() giving a plugin or raising."""

    def __init__(self, name: str, loaded: object) -> None:
        self.name = name
        self._loaded = loaded

    def load(self) -> object:
        if isinstance(self._loaded, Exception):
            raise self._loaded
        return self._loaded


@pytest.mark.parametrize("how", COPIERS)
def test_registries_with_user_entries_round_trip_and_stay_apart(how: str) -> None:
    registry = _registry()
    assert registry.errors == (
        q.PluginError(q.CRITERIA_GROUP, "broken", "ImportError: no module named 'gone'"),
    )
    back = copied(registry, how)
    assert back == registry
    assert back is not registry
    assert back.criteria == registry.criteria
    assert back.frameworks == registry.frameworks
    assert back.errors == registry.errors
    assert back.framework("mine").evaluate(EVIDENCE) == registry.framework("mine").evaluate(EVIDENCE)
    back.add_criterion(q.fact("extra", "Anything else?"))
    back.add_framework(q.Framework("extra", "1", q.fact("extra", "Anything else?")))
    back.load_entry_points(_criteria_plugins(_Entry("broken", ValueError("again"))))
    assert "extra" not in registry.criteria
    assert "extra" not in registry.frameworks
    assert len(registry.errors) == 1
    assert back != registry


def test_registries_compare_by_what_they_hold_and_are_not_hashable() -> None:
    assert q.Registry() == q.Registry()
    assert q.Registry.with_builtins() == q.Registry.with_builtins()
    assert q.Registry() != q.Registry.with_builtins()
    assert q.Registry() != {}
    with pytest.raises(TypeError, match="unhashable"):
        hash(q.Registry())


def test_registry_tables_are_read_only_copies() -> None:
    registry = q.Registry()
    criteria, frameworks = registry.criteria, registry.frameworks
    registry.add_criterion(BUDGET)
    registry.add_framework(q.bant())
    assert (criteria, frameworks) == ({}, {})
    assert registry.criteria == {"budget": BUDGET}
    assert registry.frameworks == {"bant": q.bant()}


def _mutations() -> dict[str, Callable[[Any], object]]:
    def ior(mapping: Any) -> None:
        mapping |= {"x": ()}

    return {
        "setitem": lambda mapping: mapping.__setitem__("x", ()),
        "delitem": lambda mapping: mapping.__delitem__(next(iter(mapping))),
        "clear": lambda mapping: mapping.clear(),
        "pop": lambda mapping: mapping.pop(next(iter(mapping))),
        "popitem": lambda mapping: mapping.popitem(),
        "setdefault": lambda mapping: mapping.setdefault("x", ()),
        "update": lambda mapping: mapping.update(x=()),
        "ior": ior,
    }


@pytest.mark.parametrize("mutate", _mutations().values(), ids=list(_mutations()))
@pytest.mark.parametrize(
    "mapping",
    [q.FACTS, q.QUESTIONS, q.frameworks(), q.meddic().milestones, REGISTRY.criteria],
    ids=["FACTS", "QUESTIONS", "frameworks()", "milestones", "Registry.criteria"],
)
def test_tables_and_milestones_stay_read_only(mapping: Any, mutate: Callable[[Any], object]) -> None:
    before = dict(mapping)
    with pytest.raises(TypeError, match="read-only"):
        mutate(mapping)
    assert mapping == before


def test_frameworks_hash_by_value_and_read_their_milestones() -> None:
    assert hash(q.meddic()) == hash(q.meddic())
    assert q.meddic() != q.meddic(3)
    assert len({q.bant(), q.bant(), q.bant("graded")}) == 2
    milestones = q.Framework("x", "1", NEED, milestones={"b": ("need",), "a": ()}).milestones
    assert milestones == {"a": (), "b": ("need",)}
    assert hash(milestones) == hash(
        q.Framework("x", "1", NEED, milestones={"a": (), "b": ("need",)}).milestones
    )

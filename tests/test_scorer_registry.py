"""The scorer registry: scorers by id, points models from data, plugins on demand."""

import copy
import pickle
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any

import attrs
import pytest

import funnelkit as fk
import funnelkit.qualification as q
import funnelkit.scoring as sc
from funnelkit import _plugins
from funnelkit.scoring._registry import SCORERS_GROUP, Registry, is_scorer

AT = datetime(2026, 6, 1, tzinfo=timezone.utc)
FORMS = {
    "id": "inbound",
    "version": "1",
    "groups": [{"id": "forms", "rules": [{"id": "form", "points": 10, "kind": "form_submission"}]}],
}
WHO = {
    "id": "who",
    "version": "2",
    "maximum": 30,
    "groups": [{"id": "people", "rules": [{"id": "buyer", "points": 20, "role": "economic_buyer"}]}],
}
FORM = fk.Touch(fk.Channel.email, "spring", fk.TouchKind.form_submission, AT)


@attrs.frozen
class Constant:
    """A scorer of its own kind: the same value for every subject."""

    id: Any
    version: str = "1"
    value: float = 1.0

    def score(self, subject: object, *, at: datetime) -> sc.ScoreResult:  # noqa: ARG002 - the protocol's
        return sc.ScoreResult(self.id, self.version, self.value, self.value, ())


@attrs.frozen
class Default(Constant):
    """A scorer class whose every argument has a default: a plugin may name the class itself."""

    id: Any = "default"


@attrs.frozen
class CallableScorer(Constant):
    """A scorer that is callable too: loading it must hold it, not call it."""

    def __call__(self) -> object:
        raise AssertionError("a scorer that is callable was called")


class Entry:
    """An entry point as load_entry_points sees it: a name, and a load() giving a plugin or raising."""

    def __init__(self, name: str, loaded: object) -> None:
        self.name = name
        self._loaded = loaded

    def load(self) -> object:
        if isinstance(self._loaded, Exception):
            raise self._loaded
        return self._loaded


def plugins(*entries: Entry, asked: list[str] | None = None) -> Callable[[str], Iterable[Any]]:
    def entry_points(group: str) -> list[Entry]:
        if asked is not None:
            asked.append(group)
        return list(entries) if group == SCORERS_GROUP else []

    return entry_points


def test_a_registry_starts_empty_and_holds_what_is_added() -> None:
    registry = Registry()
    assert registry.scorers == {}
    assert registry.errors == ()
    model = sc.points_model_from(FORMS)
    registry.add(model)
    registry.add(Constant("flat"))
    assert registry.scorer("inbound") is model
    assert registry.scorer("flat") == Constant("flat")
    assert registry.scorers == {"inbound": model, "flat": Constant("flat")}


def test_the_table_is_a_read_only_copy() -> None:
    registry = Registry()
    before = registry.scorers
    registry.add(Constant("flat"))
    assert before == {}
    with pytest.raises(TypeError, match="read-only"):
        registry.scorers["other"] = Constant("other")  # type: ignore[index]
    assert set(registry.scorers) == {"flat"}


@pytest.mark.parametrize(
    "junk",
    [object(), "inbound", FORMS, sc.PointsModel, Constant, sc.Group],
    ids=["object", "text", "a definition", "a scorer class", "a class of our own", "not a scorer class"],
)
def test_anything_but_a_scorer_is_refused(junk: object) -> None:
    registry = Registry()
    with pytest.raises(fk.DefinitionError, match="is not a scorer: it needs an id, a version and score"):
        registry.add(junk)  # type: ignore[arg-type]
    assert registry.scorers == {}
    assert not is_scorer(junk)


def test_a_scorer_class_looks_like_a_scorer_to_the_protocol_but_is_not_one() -> None:
    # the reason is_scorer exists: the runtime protocol check accepts the class itself
    scorer_class: object = sc.PointsModel
    assert isinstance(scorer_class, sc.Scorer)
    assert not is_scorer(scorer_class)
    assert is_scorer(sc.points_model_from(FORMS))


@pytest.mark.parametrize("bad", ["", "   ", 7, None], ids=["empty", "blank", "a number", "None"])
def test_a_scorer_without_a_usable_id_is_refused(bad: object) -> None:
    registry = Registry()
    with pytest.raises(fk.DefinitionError) as caught:
        registry.add(Constant(bad))
    assert caught.value.what == "scorer"
    assert caught.value.problems == (f"{Constant(bad)!r} has id {bad!r}; it must be a non-blank string",)
    assert registry.scorers == {}


def test_a_taken_id_is_refused_unless_replacing() -> None:
    registry = Registry()
    first, second = Constant("flat", "1"), Constant("flat", "2")
    registry.add(first)
    with pytest.raises(fk.DefinitionError) as caught:
        registry.add(second)
    assert caught.value.problems == ("scorer id 'flat' is taken; pass replace=True",)
    assert registry.scorer("flat") is first
    registry.add(second, replace=True)
    assert registry.scorer("flat") is second
    assert len(registry.scorers) == 1


def test_an_unknown_id_lists_the_scorers_held() -> None:
    registry = Registry()
    with pytest.raises(fk.UnknownName, match="no scorer is registered as 'inbound'; registered: none"):
        registry.scorer("inbound")
    registry.add(Constant("zeta"))
    registry.add(Constant("alpha"))
    with pytest.raises(LookupError) as caught:
        registry.scorer("inbound")
    assert isinstance(caught.value, fk.UnknownName)
    assert (caught.value.kind, caught.value.name, caught.value.known) == (
        "scorer",
        "inbound",
        ("alpha", "zeta"),
    )
    assert str(caught.value) == "no scorer is registered as 'inbound'; registered: alpha, zeta"
    with pytest.raises(fk.UnknownName, match=r"as \['alpha'\]"):
        registry.scorer(["alpha"])  # type: ignore[arg-type]


def test_define_builds_a_points_model_from_data_and_holds_it() -> None:
    registry = Registry()
    model = registry.define(FORMS)
    assert model == sc.points_model_from(FORMS)
    assert registry.scorer("inbound") is model
    assert registry.scorer("inbound").score({"touches": [FORM]}, at=AT).value == 10.0


def test_define_refuses_a_bad_definition_and_a_taken_id() -> None:
    registry = Registry()
    with pytest.raises(fk.DefinitionError, match="points model definition is not a valid definition"):
        registry.define({"id": "inbound", "version": "1", "groups": []})
    assert registry.scorers == {}
    registry.define(FORMS)
    newer = {**FORMS, "version": "2"}
    with pytest.raises(fk.DefinitionError, match="scorer id 'inbound' is taken"):
        registry.define(newer)
    assert registry.scorer("inbound").version == "1"
    assert registry.define(newer, replace=True).version == "2"
    assert registry.scorer("inbound").version == "2"


def test_entry_points_load_each_kind_of_plugin_and_report_the_broken_ones() -> None:
    asked: list[str] = []
    entries = plugins(
        Entry("object", Constant("plain")),
        Entry("factory", lambda: Constant("made")),
        Entry("class", Default),
        Entry("callable scorer", CallableScorer("callable")),
        Entry("several", [Constant("listed"), WHO]),
        Entry("tuple", (Constant("t1"), Constant("t2"))),
        Entry("data", FORMS),
        Entry("factory of data", lambda: {**FORMS, "id": "made-from-data"}),
        Entry("broken", ImportError("no module named 'acme_scoring'")),
        Entry("junk", 42),
        Entry("bad data", {"id": "x", "version": "1"}),
        Entry("half bad", [Constant("half"), 42]),
        Entry("taken", Constant("plain", "2")),
        Entry("factory raising", lambda: 1 / 0),
        Entry("class needing arguments", sc.PointsModel),
        asked=asked,
    )
    registry = Registry().load_entry_points(entries)
    assert asked == [SCORERS_GROUP]
    assert set(registry.scorers) == {
        "plain",
        "made",
        "default",
        "callable",
        "listed",
        "who",
        "t1",
        "t2",
        "inbound",
        "made-from-data",
    }
    assert registry.scorer("plain") == Constant("plain")  # the taken id left the first in place
    assert registry.scorer("who") == sc.points_model_from(WHO)
    assert registry.scorer("made-from-data").score({"touches": [FORM]}, at=AT).value == 10.0
    assert all(error.group == SCORERS_GROUP for error in registry.errors)
    assert [(error.name, error.error.split(":")[0]) for error in registry.errors] == [
        ("broken", "ImportError"),
        ("junk", "DefinitionError"),
        ("bad data", "DefinitionError"),
        ("half bad", "DefinitionError"),
        ("taken", "DefinitionError"),
        ("factory raising", "ZeroDivisionError"),
        ("class needing arguments", "TypeError"),
    ]
    assert registry.errors[0] == q.PluginError(
        SCORERS_GROUP, "broken", "ImportError: no module named 'acme_scoring'"
    )
    assert "42 is not a scorer" in registry.errors[1].error
    assert "groups" in registry.errors[2].error  # the missing key is named
    assert "half" not in registry.scorers  # a plugin loads whole or not at all
    assert "scorer id 'plain' is taken" in registry.errors[4].error


def test_loading_again_adds_to_what_is_held() -> None:
    registry = Registry().load_entry_points(plugins(Entry("first", Constant("one"))))
    registry.load_entry_points(plugins(Entry("second", Constant("two")), Entry("again", Constant("one"))))
    assert set(registry.scorers) == {"one", "two"}
    assert [error.name for error in registry.errors] == ["again"]


def test_installed_plugins_are_read_only_when_asked() -> None:
    registry = Registry()
    assert registry.scorers == {}
    assert registry.load_entry_points() is registry
    assert registry.errors == ()
    assert registry.scorers == {}  # nothing installed here declares a scorer


def test_registries_compare_by_what_they_hold_and_are_not_hashable() -> None:
    assert Registry() == Registry()
    one, other = Registry(), Registry()
    one.add(Constant("flat"))
    assert one != other
    other.add(Constant("flat"))
    assert one == other
    other.load_entry_points(plugins(Entry("broken", ImportError("gone"))))
    assert one != other
    assert Registry() != {}
    assert Registry() != q.Registry()
    with pytest.raises(TypeError, match="unhashable"):
        hash(Registry())


def _filled() -> Registry:
    registry = Registry()
    registry.define(FORMS)
    registry.add(Constant("flat", value=3.0))
    return registry.load_entry_points(plugins(Entry("broken", ImportError("no module named 'gone'"))))


@pytest.mark.parametrize("how", ["copy", "deepcopy", "pickle"])
def test_copies_are_equal_and_stay_apart(how: str) -> None:
    registry = _filled()
    copiers: dict[str, Callable[[Registry], Registry]] = {
        "copy": copy.copy,
        "deepcopy": copy.deepcopy,
        "pickle": lambda r: pickle.loads(pickle.dumps(r)),
    }
    back = copiers[how](registry)
    assert back == registry
    assert back is not registry
    assert back.errors == registry.errors
    subject = {"touches": [FORM]}
    for name in registry.scorers:
        assert back.scorer(name).score(subject, at=AT) == registry.scorer(name).score(subject, at=AT)
    back.add(Constant("extra"))
    back.load_entry_points(plugins(Entry("broken", ValueError("again"))))
    assert "extra" not in registry.scorers
    assert len(registry.errors) == 1
    assert len(back.errors) == 2
    assert back != registry


def test_plugin_errors_are_one_class_named_where_they_were_first_published() -> None:
    assert q.PluginError is _plugins.PluginError
    assert repr(q.PluginError) == "<class 'funnelkit.qualification.PluginError'>"
    error = q.PluginError(SCORERS_GROUP, "broken", "ImportError: gone")
    assert pickle.loads(pickle.dumps(error)) == error
    assert repr(error) == "PluginError(group='funnelkit.scorers', name='broken', error='ImportError: gone')"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        error.name = "other"  # type: ignore[misc]

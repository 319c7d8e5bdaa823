"""A registry: an explicit object holding scorers by id, with plugins loaded on demand."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeGuard

from funnelkit._errors import DefinitionError, UnknownName
from funnelkit._frozen import FrozenDict
from funnelkit._plugins import EntryPoints, PluginError, Tables, installed, load_group
from funnelkit.scoring._points import PointsModel
from funnelkit.scoring._points_data import points_model_from
from funnelkit.scoring._results import Scorer

SCORERS_GROUP = "funnelkit.scorers"
"""The entry point group scorer plugins are declared in."""


def is_scorer(value: object) -> TypeGuard[Scorer]:
    """Whether ``value`` is a scorer: it has an id, a version and ``score(subject, *, at)``.

    A scorer class has those members too, but only its instances score.
    """
    return isinstance(value, Scorer) and not isinstance(value, type)


class Registry(Tables):
    """Scorers by id. It starts empty, and nothing is discovered until you ask.

    Example:
        >>> import funnelkit.scoring as sc
        >>> registry = sc.Registry()
        >>> model = registry.define({"id": "inbound", "version": "1", "groups": [
        ...     {"id": "forms", "rules": [{"id": "form", "points": 10, "kind": "form_submission"}]},
        ... ]})
        >>> registry.scorer("inbound") is model
        True
        >>> registry.scorer("outbound")
        Traceback (most recent call last):
        ...
        funnelkit.UnknownName: no scorer is registered as 'outbound'; registered: inbound
    """

    def __init__(self) -> None:
        """Start empty; add scorers, define points models, or load plugins."""
        self._scorers: dict[str, Scorer] = {}
        self._errors: list[PluginError] = []

    @property
    def scorers(self) -> Mapping[str, Scorer]:
        """The scorers held, by id (a read-only copy, like :attr:`errors`, so it can be pickled)."""
        return FrozenDict(self._scorers)

    @property
    def errors(self) -> tuple[PluginError, ...]:
        """The plugins that failed to load."""
        return tuple(self._errors)

    def add(self, scorer: Scorer, *, replace: bool = False) -> None:
        """Hold ``scorer`` under its id.

        Raises:
            DefinitionError: it is not a scorer (an id, a version and ``score(subject, *, at)``),
                its id is not a non-blank string, or its id is taken and ``replace`` is false.
        """
        self._add_all((scorer,), replace=replace)

    def scorer(self, id: str) -> Scorer:
        """The scorer called ``id``.

        Raises:
            UnknownName: no scorer has that id; ``known`` (and the message) lists those held.
        """
        try:
            return self._scorers[id]
        except (KeyError, TypeError):  # TypeError: an unhashable id
            raise UnknownName("scorer", id, sorted(self._scorers)) from None

    def define(self, definition: object, *, replace: bool = False) -> PointsModel:
        """Build a points model from a JSON-compatible definition, and hold it.

        The definition is what :func:`~funnelkit.scoring.points_model_from` reads.

        Raises:
            DefinitionError: the definition is not valid, or its id is taken and ``replace`` is false.
        """
        model = points_model_from(definition)
        self.add(model, replace=replace)
        return model

    def load_entry_points(self, entry_points: EntryPoints = installed) -> Registry:
        """Load the ``funnelkit.scorers`` plugin group.

        A plugin names a scorer, a list of scorers, a points model definition (a mapping), a list
        mixing those, or a function (or class) called with no arguments that returns any of them.
        A plugin loads whole or not at all: one that fails, or whose scorer's id is taken, is
        recorded in :attr:`errors`, and the rest load.
        """
        load_group(SCORERS_GROUP, entry_points, self._add_plugin, self._errors)
        return self

    def _add_plugin(self, loaded: object) -> None:
        found = loaded() if callable(loaded) and not is_scorer(loaded) else loaded
        items = found if isinstance(found, (list, tuple)) else (found,)
        self._add_all(
            [points_model_from(item) if isinstance(item, Mapping) else item for item in items], replace=False
        )

    def _add_all(self, scorers: Iterable[object], *, replace: bool) -> None:
        """Hold every one of ``scorers``, or, if one is refused, none of them."""
        held = dict(self._scorers)
        for scorer in scorers:
            if not is_scorer(scorer):
                problem = f"{scorer!r} is not a scorer: it needs an id, a version and score(subject, *, at)"
                raise DefinitionError("scorer", [problem])
            name: object = scorer.id  # typed, but plugins hand in anything
            if not isinstance(name, str) or not name.strip():
                problem = f"{scorer!r} has id {name!r}; it must be a non-blank string"
                raise DefinitionError("scorer", [problem])
            if name in held and not replace:
                raise DefinitionError("registry", [f"scorer id {name!r} is taken; pass replace=True"])
            held[name] = scorer
        self._scorers = held

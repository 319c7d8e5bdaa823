"""Registries: explicit objects holding criteria and frameworks by id, with plugins on demand."""

from __future__ import annotations

from collections.abc import Mapping

from funnelkit._errors import DefinitionError, UnknownName
from funnelkit._frozen import FrozenDict
from funnelkit._plugins import EntryPoints, PluginError, Tables, installed, load_group
from funnelkit.qualification._builtins import QUESTIONS, fact_criteria, frameworks
from funnelkit.qualification._criteria import Criterion, is_criterion
from funnelkit.qualification._definitions import framework_from
from funnelkit.qualification._frameworks import Framework

CRITERIA_GROUP = "funnelkit.criteria"
FRAMEWORKS_GROUP = "funnelkit.frameworks"

# the package publishes PluginError from here, as it did before funnelkit._plugins defined it
__all__ = ["CRITERIA_GROUP", "FRAMEWORKS_GROUP", "PluginError", "Registry"]


class Registry(Tables):
    """Criteria and frameworks by id. Nothing is discovered until you ask.

    Example:
        >>> import funnelkit.qualification as q
        >>> registry = q.Registry.with_builtins()
        >>> registry.framework("bant").policy
        at_least(3; budget, authority, need, timeline)
    """

    def __init__(self) -> None:
        """Start empty; see :meth:`with_builtins`."""
        self._criteria: dict[str, Criterion] = {}
        self._frameworks: dict[str, Framework] = {}
        self._errors: list[PluginError] = []

    @classmethod
    def with_builtins(cls) -> Registry:
        """A registry holding every built-in fact criterion and framework."""
        registry = cls()
        for criterion in fact_criteria(*QUESTIONS):
            registry.add_criterion(criterion)
        for framework in frameworks().values():
            registry.add_framework(framework)
        return registry

    @property
    def criteria(self) -> Mapping[str, Criterion]:
        """The criteria held, by id (a read-only copy, like :attr:`errors`, so it can be pickled)."""
        return FrozenDict(self._criteria)

    @property
    def frameworks(self) -> Mapping[str, Framework]:
        """The frameworks held, by id (a read-only copy, like :attr:`errors`, so it can be pickled)."""
        return FrozenDict(self._frameworks)

    @property
    def errors(self) -> tuple[PluginError, ...]:
        """The plugins that failed to load."""
        return tuple(self._errors)

    def add_criterion(self, criterion: Criterion, *, replace: bool = False) -> None:
        """Hold ``criterion`` under its id.

        Raises:
            DefinitionError: it does not look like a criterion, or its id is taken and
                ``replace`` is false.
        """
        if not is_criterion(criterion):
            raise DefinitionError("criterion", [f"{criterion!r} has no id and assess(subject) method"])
        if criterion.id in self._criteria and not replace:
            raise DefinitionError("registry", [f"criterion id {criterion.id!r} is taken; pass replace=True"])
        self._criteria[criterion.id] = criterion

    def add_framework(self, framework: Framework, *, replace: bool = False) -> None:
        """Hold ``framework`` under its id.

        Raises:
            DefinitionError: it is not a Framework, or its id is taken and ``replace`` is false.
        """
        if not isinstance(framework, Framework):
            raise DefinitionError("framework", [f"{framework!r} is not a Framework"])
        if framework.id in self._frameworks and not replace:
            raise DefinitionError("registry", [f"framework id {framework.id!r} is taken; pass replace=True"])
        self._frameworks[framework.id] = framework

    def framework(self, id: str) -> Framework:
        """The framework called ``id``.

        Raises:
            UnknownName: no framework has that id; ``known`` (and the message) lists those held.
                It is a LookupError but, unlike before, not a KeyError: catch ``LookupError``
                or :class:`~funnelkit.UnknownName`.
        """
        try:
            return self._frameworks[id]
        except (KeyError, TypeError):  # TypeError: an unhashable id
            raise UnknownName("framework", id, sorted(map(str, self._frameworks))) from None

    def define(self, definition: object) -> Framework:
        """Build a framework from a JSON-compatible definition over the criteria held, and hold it."""
        framework = framework_from(definition, self._criteria)
        self.add_framework(framework)
        return framework

    def load_entry_points(self, entry_points: EntryPoints = installed) -> Registry:
        """Load the ``funnelkit.criteria`` and ``funnelkit.frameworks`` plugin groups.

        A criteria plugin names a criterion (or a function returning one or several); a
        frameworks plugin names a Framework, a JSON-compatible definition, or a function
        returning either. A plugin that fails is recorded in :attr:`errors`; the rest load.
        """
        load_group(CRITERIA_GROUP, entry_points, self._add_criteria, self._errors)
        load_group(FRAMEWORKS_GROUP, entry_points, self._add_frameworks, self._errors)
        return self

    def _add_criteria(self, loaded: object) -> None:
        found = loaded() if callable(loaded) and not is_criterion(loaded) else loaded
        for criterion in found if isinstance(found, (list, tuple)) else (found,):
            self.add_criterion(criterion)

    def _add_frameworks(self, loaded: object) -> None:
        found = loaded() if callable(loaded) else loaded
        self.add_framework(found if isinstance(found, Framework) else framework_from(found, self._criteria))

"""Plugins: entry points loaded only when a registry asks, one broken plugin never breaking the host.

The qualification and scoring registries share this loop: each entry point of a group is loaded
and handed to the registry, and one that fails, on import or on being added, is recorded as a
:class:`PluginError` while the rest load.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from importlib import metadata

EntryPoints = Callable[[str], Iterable["metadata.EntryPoint"]]
"""What gives a group's entry points: :func:`installed`, or a stand-in in tests."""


def installed(group: str) -> Iterable[metadata.EntryPoint]:
    """The entry points installed packages declare in ``group``."""
    # importlib.metadata brings email, zipfile and more: imported when plugins are asked for
    from importlib import metadata

    return metadata.entry_points(group=group)


@attrs.frozen
class PluginError:
    """A plugin that could not be loaded, and why; the others loaded regardless."""

    group: str
    name: str
    error: str


# first published as funnelkit.qualification.PluginError: reprs and pickles keep naming it there
PluginError.__module__ = "funnelkit.qualification"


def load_group(
    group: str, entry_points: EntryPoints, add: Callable[[object], None], errors: list[PluginError]
) -> None:
    """Hand what each entry point of ``group`` names to ``add``; record each that fails in ``errors``."""
    for entry in entry_points(group):
        try:
            add(entry.load())
        except Exception as error:  # noqa: BLE001 - one broken plugin must not break the host
            errors.append(PluginError(group, entry.name, f"{type(error).__name__}: {error}"))


class Tables:
    """A registry's manners: its attributes are tables (dicts and lists) of what it holds.

    Two registries of one kind are equal when their tables are; a registry changes, so it is no
    dict key; a copy copies each table (sharing the entries), so what is added to the copy stays
    the copy's. The default shallow copy would share the tables themselves.
    """

    def __eq__(self, other: object) -> bool:
        """Equal to a registry of the same kind holding the same entries and plugin errors."""
        if type(other) is not type(self):
            return NotImplemented
        return vars(self) == vars(other)

    # a registry changes, so two equal now may differ later: it must not be a dict key
    __hash__ = None  # type: ignore[assignment]

    def __copy__(self) -> Any:  # noqa: ANN401 - a registry of the same kind
        """A registry holding the same entries, whose later additions stay its own."""
        copied = type(self)()
        vars(copied).update({name: table.copy() for name, table in vars(self).items()})
        return copied

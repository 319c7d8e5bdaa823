"""Mermaid diagrams of lifecycles, drawn by python-statemachine from the lifecycle classes."""

from __future__ import annotations

import typing
from collections.abc import Iterable
from typing import Any

from funnelkit._deals import Opportunity
from funnelkit._pipeline import Pipeline
from funnelkit._subject import Subject


def mermaid(lifecycle_of: type[Subject] | Pipeline, *, staying: bool = True) -> str:
    """Return the Mermaid state diagram of a kind of object, or of a pipeline's opportunities.

    ``staying=False`` leaves out the events that only record or describe (such as ``record``,
    ``assign`` or ``tag``): they never change the status nor hand over, and their loops on
    every status would crowd the picture.

    Example:
        >>> import funnelkit as fk
        >>> print(fk.mermaid(fk.Prospect, staying=False))
        stateDiagram-v2
            direction LR
            state "Targeted" as targeted
            state "Contacted" as contacted
            state "Responded" as responded
            state "Excluded" as excluded
            [*] --> targeted
            responded --> [*]
            excluded --> [*]
            targeted --> contacted : Reach out
            targeted --> responded : Respond
            targeted --> excluded : Exclude
            contacted --> contacted : Reach out
            contacted --> responded : Respond
            contacted --> excluded : Exclude
        <BLANKLINE>
    """
    drawn = format(lifecycle_of.lifecycle, "mermaid")
    if staying:
        return drawn
    events = typing.cast("Iterable[Any]", lifecycle_of.lifecycle.events)  # a class's events, not a method
    labels = {f" : {event.name}" for event in events if event.id in _staying(lifecycle_of)}
    return "".join(line for line in drawn.splitlines(keepends=True) if not _loop_of(line, labels))


def _staying(lifecycle_of: type[Subject] | Pipeline) -> frozenset[str]:
    """The events of a lifecycle that never change the status nor hand over another object."""
    if isinstance(lifecycle_of, Pipeline):
        table, commands = lifecycle_of.table, Opportunity.commands
    else:
        table, commands = lifecycle_of._class_table, lifecycle_of.commands  # noqa: SLF001
    moves: set[str] = {
        event
        for (source, event), routes in table.routes.items()
        if commands[event].hands_over or any(route.target != source for route in routes)
    }
    return frozenset(table.events) - moves


def _loop_of(line: str, labels: set[str]) -> bool:
    """Whether ``line`` draws a state's loop to itself with one of ``labels``."""
    arrow, _, label = line.rstrip("\n").partition(" : ")
    source, _, target = arrow.strip().partition(" --> ")
    return source == target and f" : {label.split(' [')[0]}" in labels

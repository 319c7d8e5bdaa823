"""Mermaid diagrams of lifecycles, drawn by python-statemachine from the lifecycle classes."""

from __future__ import annotations

from funnelkit._pipeline import Pipeline
from funnelkit._subject import Subject


def mermaid(lifecycle_of: type[Subject] | Pipeline) -> str:
    """Return the Mermaid state diagram of a kind of object, or of a pipeline's opportunities.

    Example:
        >>> import funnelkit as fk
        >>> print(fk.mermaid(fk.Prospect))
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
    return format(lifecycle_of.lifecycle, "mermaid")

"""Frameworks built from JSON-compatible definitions, validated with pydantic; no eval.

pydantic is imported when the first definition is read, not when funnelkit is.
"""

from __future__ import annotations

from collections.abc import Mapping

from funnelkit.qualification._criteria import Criterion
from funnelkit.qualification._frameworks import Framework


def framework_from(definition: object, criteria: Mapping[str, Criterion]) -> Framework:
    """Build a framework from a JSON-compatible ``definition``, naming criteria by id.

    Raises:
        DefinitionError: naming each offending entry: a malformed node, an unknown criterion id,
            a ``k`` larger than its criteria, weights that do not add up to a positive number,
            or a criterion used twice.

    Example:
        >>> import funnelkit.qualification as q
        >>> registry = q.Registry.with_builtins()
        >>> mine = q.framework_from(
        ...     {"id": "mine", "version": "1",
        ...      "policy": {"at_least": 2, "of": ["budget", "need", "timeline"]}},
        ...     registry.criteria,
        ... )
        >>> mine.policy
        at_least(2; budget, need, timeline)
    """
    from funnelkit.qualification._parsing import build

    return build(definition, criteria)

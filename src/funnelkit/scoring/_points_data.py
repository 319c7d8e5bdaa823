"""Points models from JSON-compatible data, validated with pydantic; nothing is evaluated as code.

A definition reads as the code that would build it: groups of rules, each rule a fit rule (it
has ``attribute``, ``role``, ``tag`` or ``field``) or else an engagement rule. pydantic is
imported when the first definition is read, not when funnelkit is.
"""

from __future__ import annotations

from collections.abc import Mapping

from funnelkit.scoring._points import PointsModel


def points_model_from(definition: object) -> PointsModel:
    """Build a points model from a JSON-compatible ``definition``; nothing is evaluated as code.

    The definition has ``id``, ``version`` and ``groups``, and may have ``minimum``, ``maximum``,
    ``inactivity`` (days) and ``grades`` (``{"fit": [75, 50, 25], "engagement": [75, 50, 25]}``).
    A group has ``id`` and ``rules``, and may have ``minimum``, ``maximum``, a ``window`` (days)
    or a ``decay``: ``{"half_life": 30}``, ``{"step_decay": 0.5, "every": 30}`` or
    ``{"linear_decay": 0.25, "every": 30}``. A rule has ``id`` and ``points``; a fit rule tests
    one of ``attribute`` (an account attribute or ``fields.<name>``, with ``one_of``,
    ``includes``, ``at_least`` or ``below``; money as ``{"amount": "1000000", "currency":
    "EUR"}``), ``role`` (one or a list), ``tag``, or ``field`` (the subject's own, with
    ``one_of``); any other rule is an engagement rule, with optional ``kind``, ``channel``,
    ``campaign`` (each one or a list), ``url_contains``, ``minimum`` and ``maximum``.
    :func:`points_model_schema` gives the JSON Schema.

    Raises:
        DefinitionError: naming each offending entry by where it is.

    Example:
        >>> import funnelkit.scoring as sc
        >>> model = sc.points_model_from({"id": "web", "version": "2", "groups": [
        ...     {"id": "pages", "maximum": 20, "decay": {"half_life": 30},
        ...      "rules": [{"id": "pricing", "points": 5, "url_contains": "/pricing"}]},
        ... ]})
        >>> model.groups[0].rules
        (EngagementRule('pricing', 5, url_contains='/pricing'),)
        >>> sc.points_model_from({"id": "web", "version": "2", "groups": [
        ...     {"id": "who", "decay": {"half_life": 30},
        ...      "rules": [{"id": "big", "points": 5, "attribute": "employees", "at_least": 250}]},
        ... ]})
        Traceback (most recent call last):
        ...
        funnelkit.DefinitionError: points model definition is not a valid definition:
          - groups.0: a fit group takes no decay or window: fit never decays
    """
    from funnelkit.scoring._points_parsing import build

    return build(definition)


def points_model_schema() -> Mapping[str, object]:
    """The JSON Schema of the definitions :func:`points_model_from` reads.

    Example:
        >>> import funnelkit.scoring as sc
        >>> sorted(sc.points_model_schema()["required"])
        ['groups', 'id', 'version']
    """
    from funnelkit.scoring._points_parsing import schema

    return schema()

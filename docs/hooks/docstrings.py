"""A griffe extension: funnelkit's docstrings as the API reference should show them.

mkdocstrings reads the source without importing it, so it sees what the decorators and the
docstrings' Sphinx-style roles hide. This extension makes three changes to what it reads:

- an ``Example:`` section (the Google style's other spelling) is an examples section, so its
  doctest shows as highlighted code;
- a role such as ``:func:`~funnelkit.load``` becomes a link to that object's entry, where the
  reference has one, and stays code otherwise;
- a command's signature returns what calling it returns (the object's own class, or a
  ``Conversion`` of both sides), not the payload its body decides.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_EXAMPLE = re.compile(r"^(\s*)Example:[ \t]*$", flags=re.MULTILINE)
_ROLE = re.compile(r":(?:class|func|meth|attr|data|mod|exc|obj):`(~?)([\w.]+)`")
_COMMANDS = ("command", "handover")
_PUBLIC = "funnelkit"
"""The package the commands' classes and ``Conversion`` are documented under."""


class FunnelkitDocstrings(griffe.Extension):
    """Examples sections, links for roles, and commands' return types."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:  # noqa: ANN401, ARG002 - griffe's hook
        """Rewrite the object's docstring, and a command's return annotation."""
        if obj.docstring is not None:
            text = _EXAMPLE.sub(r"\1Examples:", obj.docstring.value)
            obj.docstring.value = _ROLE.sub(lambda match: _link(obj, match), text)
        if isinstance(obj, griffe.Function):
            _command_returns(obj)


def _link(obj: griffe.Object, match: re.Match[str]) -> str:
    """An optional cross-reference for one role: a link where the target is documented."""
    shorten, name = match.groups()
    title = name.rsplit(".", 1)[-1] if shorten else name
    head, _, rest = name.partition(".")
    try:
        path = name if head == _PUBLIC else obj.resolve(head) + (f".{rest}" if rest else "")
    except griffe.NameResolutionError:
        return f"`{title}`"
    return f'<autoref identifier="{path}" optional><code>{title}</code></autoref>'


def _command_returns(function: griffe.Function) -> None:
    """Give a method declared with ``@command`` or ``@handover`` the return type callers get."""
    kinds = {_decorator_name(decorator.value) for decorator in function.decorators}
    owner = function.parent
    if not kinds & set(_COMMANDS) or not isinstance(owner, griffe.Class):
        return
    itself = griffe.ExprName(owner.name, parent=_PUBLIC)
    if "command" in kinds:
        function.returns = itself
        return
    # a hand-over's body returns (payload, other object): the command returns a Conversion of both
    other = function.returns
    if isinstance(other, griffe.ExprSubscript) and isinstance(other.slice, griffe.ExprTuple):
        other = other.slice.elements[-1]
    sides = griffe.ExprTuple([itself, other or "object"], implicit=True)
    function.returns = griffe.ExprSubscript(griffe.ExprName("Conversion", parent=_PUBLIC), sides)


def _decorator_name(value: str | griffe.Expr) -> str:
    """The name a decorator is called by: ``command`` for ``@command("Nurtured", ...)``."""
    callee = value.function if isinstance(value, griffe.ExprCall) else value
    return str(callee).rsplit(".", 1)[-1]

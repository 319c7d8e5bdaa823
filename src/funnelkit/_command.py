"""Commands declared once: a decorator gives each its event name, payload shape and effect.

A funnel object's command is one method, decorated with :func:`command` (or :func:`handover` when
it also creates or updates another object). The decorator names the past-tense event, declares the
payload's shape (which the JSON boundary and replay check) and the effect an event has on the
object; the method's body turns the caller's arguments into that payload. Running the command,
replaying its event, listing it in ``send`` and describing it in a JSON Schema all read this one
declaration.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

import attrs

from funnelkit._arguments import Expected, expectations
from funnelkit._conversion import Conversion
from funnelkit._errors import Location, Problem

if TYPE_CHECKING:
    from funnelkit._subject import Subject

P = ParamSpec("P")
S = TypeVar("S", bound="Subject")
T = TypeVar("T")

Changes = Mapping[str, object]
"""The fields an event changes on its object, by name, with their new values."""
Effect = Callable[[Any, Mapping[str, Any]], Changes]
"""How an event changes its object: ``effect(subject, payload) -> changes``."""
Decision = Mapping[str, object]
"""What a command's body returns: the payload of the event to record."""

COMMAND = "__funnelkit_command__"
"""The attribute a decorated method keeps its declaration in."""


@attrs.frozen
class Kept:
    """The effect that stores payload values in the object's fields of the same names."""

    names: tuple[str, ...]

    def __call__(self, _subject: object, payload: Mapping[str, Any]) -> Changes:
        """The changes: each name with its payload value."""
        return {name: payload[name] for name in self.names}


def keep(*names: str) -> Kept:
    """The effect that stores the payload's ``names`` in the object's fields of the same names."""
    return Kept(names)


no_change = keep()
"""The effect of an event that changes only the status and the history."""


@attrs.frozen
class Declaration:
    """One command of a kind of object: what its event is called, carries and does."""

    name: str
    """The command, a verb: the method's name and the lifecycle's event, such as ``"nurture"``."""
    past: str
    """The event's name after the kind of object, such as ``"Nurtured"`` for ``LeadNurtured``."""
    payload: Mapping[str, Any]
    """The payload's keys and the types of their values."""
    effect: Effect
    decide: Callable[..., Any] = attrs.field(repr=False)
    """The method's body: the caller's arguments in, the payload (and any hand-over) out."""
    arguments: frozenset[str]
    """The keyword arguments the command takes besides ``at``."""
    required: frozenset[str]
    """The arguments without a default."""
    hands_over: bool
    """Whether the command also returns another object, as a :class:`Conversion`."""
    open_ended: bool = False
    """Whether the command also takes keyword arguments of the caller's own naming (``**values``)."""
    fits: Callable[[Mapping[str, object]], bool] = attrs.field(init=False, repr=False, eq=False)
    """Whether a payload has exactly the declared keys with values of the declared types."""
    changes: bool = attrs.field(init=False, repr=False, eq=False)
    """Whether the effect changes any field (besides the status and the history)."""
    kept: tuple[str, ...] = attrs.field(init=False, repr=False, eq=False)
    """The payload keys the effect copies into fields of the same names, when that is all it does."""
    _expected: dict[str, Expected] | None = attrs.field(init=False, repr=False, eq=False, default=None)

    @property
    def expected(self) -> dict[str, Expected]:
        """What each argument must be, read from the method's annotations on first use."""
        found = self._expected
        if found is None:
            found = expectations(self.decide)
            object.__setattr__(self, "_expected", found)
        return found

    def accepts(self, arguments: Mapping[str, object]) -> bool:
        """Whether every argument is of its annotated type."""
        expected = self.expected
        return all(name not in expected or expected[name].test(value) for name, value in arguments.items())

    def __attrs_post_init__(self) -> None:
        """Compile the payload check replay makes on every stored event."""
        object.__setattr__(self, "fits", _checker(self.payload))
        kept = isinstance(self.effect, Kept)
        object.__setattr__(self, "changes", not kept or bool(self.effect.names))  # type: ignore[attr-defined]
        object.__setattr__(self, "kept", self.effect.names if kept else ())  # type: ignore[attr-defined]


def _checker(shape: Mapping[str, Any]) -> Callable[[Mapping[str, object]], bool]:
    """A fast check that a payload fits ``shape``: a class, a union, or ``tuple[X, ...]`` per key."""
    checks = tuple(
        (key, tuple, typing.get_args(kind)[0]) if typing.get_origin(kind) is tuple else (key, kind, None)
        for key, kind in shape.items()
    )
    size = len(checks)

    def fits(payload: Mapping[str, object]) -> bool:
        if len(payload) != size:
            return False
        for key, kind, item in checks:
            if key not in payload:
                return False
            value = payload[key]
            if not isinstance(value, kind):
                return False
            if item is not None and not all(isinstance(element, item) for element in value):
                return False
        return True

    return fits


def _declare(past: str, effect: Effect, payload: Mapping[str, object], hands_over: bool) -> Any:  # noqa: ANN401
    def decorate(decide: Callable[..., Any]) -> Any:  # noqa: ANN401 - the typed wrappers below say what
        every = inspect.signature(decide).parameters.values()
        parameters = [p for p in every if p.name not in ("self", "at") and p.kind is not p.VAR_KEYWORD]
        declaration = Declaration(
            name=decide.__name__,
            past=past,
            payload=dict(payload),
            effect=effect,
            decide=decide,
            arguments=frozenset(p.name for p in parameters),
            required=frozenset(p.name for p in parameters if p.default is inspect.Parameter.empty),
            hands_over=hands_over,
            open_ended=any(p.kind is p.VAR_KEYWORD for p in every),
        )

        def run(self: Subject, /, **arguments: Any) -> Any:  # noqa: ANN401 - the command's own result
            return self._run(declaration, arguments)

        run.__name__ = decide.__name__
        run.__qualname__ = decide.__qualname__
        run.__doc__ = decide.__doc__
        run.__module__ = decide.__module__
        signature = inspect.signature(decide)
        returns = "Conversion" if hands_over else "Self"
        run.__signature__ = signature.replace(return_annotation=returns)  # type: ignore[attr-defined] # what help() shows
        setattr(run, COMMAND, declaration)
        return run

    return decorate


def command(
    past: str, *, effect: Effect = no_change, **payload: object
) -> Callable[[Callable[Concatenate[S, P], Decision]], Callable[Concatenate[S, P], S]]:
    """Declare a command: its past-tense event name, its effect and its payload's shape.

    The decorated method's body checks the caller's arguments and returns the payload; the command
    then judges the transition and its guards, records the event and returns the new object (of
    the same class as the old one). Replay applies the same ``effect`` to the stored event.
    """
    declare: Callable[[Callable[Concatenate[S, P], Decision]], Callable[Concatenate[S, P], S]] = _declare(
        past, effect, payload, hands_over=False
    )
    return declare


def handover(
    past: str, *, effect: Effect = no_change, **payload: object
) -> Callable[
    [Callable[Concatenate[S, P], tuple[Decision, T]]], Callable[Concatenate[S, P], Conversion[S, T]]
]:
    """Declare a command that hands over to another object, such as a lead's ``convert``.

    The body returns the payload and the other object; the command returns both sides as a
    :class:`Conversion`.
    """
    declare: Callable[
        [Callable[Concatenate[S, P], tuple[Decision, T]]], Callable[Concatenate[S, P], Conversion[S, T]]
    ] = _declare(past, effect, payload, hands_over=True)
    return declare


def declarations(cls: type[object]) -> dict[str, Declaration]:
    """Every command declared on ``cls`` and its bases, by name: the class's own first."""
    found: dict[str, Declaration] = {}
    for klass in cls.__mro__:
        for name, value in vars(klass).items():
            declaration = getattr(value, COMMAND, None)
            if isinstance(declaration, Declaration):
                found.setdefault(name, declaration)
    return found


def creation(past: str, effect: Callable[[Mapping[str, Any]], Changes], **payload: object) -> Declaration:
    """Declare what creating a kind of object records, and the fields its payload sets."""
    return Declaration(
        name="create",
        past=past,
        payload=dict(payload),
        effect=lambda _subject, stored: effect(stored),
        decide=effect,
        arguments=frozenset(payload),
        required=frozenset(payload),
        hands_over=False,
    )


def conforms(value: object, kind: Any) -> bool:  # noqa: ANN401 - a class, a union, or tuple[X, ...]
    """Whether ``value`` is of ``kind``, where ``kind`` may also be ``tuple[X, ...]``."""
    if typing.get_origin(kind) is tuple:
        (item, _) = typing.get_args(kind)
        return isinstance(value, tuple) and all(isinstance(element, item) for element in value)
    return isinstance(value, kind)


def payload_problems(
    shape: Mapping[str, Any], payload: Mapping[str, object], where: Location
) -> list[Problem]:
    """Check a payload against the declared shape of its command's payload."""
    if set(payload) != set(shape):
        return [Problem((*where, "payload"), f"must have exactly the keys {sorted(shape)}", dict(payload))]
    return [
        Problem((*where, "payload", key), f"must be {_type_name(kind)}", payload[key])
        for key, kind in shape.items()
        if not conforms(payload[key], kind)
    ]


def _type_name(kind: Any) -> str:  # noqa: ANN401 - a class, a union of classes or tuple[X, ...]
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(member) for member in typing.get_args(kind))
    if origin is tuple:
        return f"a tuple of {_type_name(typing.get_args(kind)[0])}"
    return "None" if kind is type(None) else getattr(kind, "__name__", None) or str(kind)

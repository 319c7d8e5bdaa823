"""What every funnel object shares: status, history, version, commands and replay."""

from __future__ import annotations

import difflib
import typing
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
from statemachine import StateMachine

from funnelkit._command import Declaration, declarations, payload_problems
from funnelkit._conversion import Conversion
from funnelkit._errors import (
    InvalidInput,
    Location,
    Problem,
    TransitionNotAllowed,
    UnknownCommand,
)
from funnelkit._events import CREATE, PAST_TENSE, Event, freeze, utc
from funnelkit._fold import fold
from funnelkit._log import Log
from funnelkit._table import TransitionTable
from funnelkit._values import check_text

if TYPE_CHECKING:
    import enum

    from typing_extensions import Self

    from funnelkit._pipeline import Stage

_set = object.__setattr__
"""Sets a field of a frozen object that is still being built and that nobody else holds yet."""
_FIELDS: dict[type, tuple[str, ...]] = {}


class Subject:
    """The behaviour shared by prospects, leads, opportunities and clients.

    Subclasses are frozen attrs classes with ``id``, ``status``, ``history`` and ``last_at``
    fields, and commands declared with :func:`~funnelkit._command.command`. A command and the
    replay of its event run the same declared effect, so they can never differ.
    """

    __slots__ = ()

    lifecycle: ClassVar[type[StateMachine]]
    """The python-statemachine class that declares this kind of object's lifecycle."""
    creation: ClassVar[Declaration]
    """What creating this kind of object records: its ``Created`` event and payload."""
    commands: ClassVar[Mapping[str, Declaration]]
    """Every command of this kind of object, by name, as declared on its methods."""
    event_payloads: ClassVar[Mapping[str, Mapping[str, Any]]]
    """The payload shape of every event this kind of object records, ``create`` included."""
    _kind: ClassVar[str]
    _class_table: ClassVar[TransitionTable]
    _statuses: ClassVar[Mapping[str, Any]]

    if TYPE_CHECKING:
        id: str
        status: enum.Enum | Stage
        history: Log[Event]
        last_at: datetime

    def __init_subclass__(cls) -> None:
        """Collect the commands declared on a new kind of object and name their events."""
        super().__init_subclass__()
        if not hasattr(cls, "creation"):  # a part of kinds, such as Assignable, not a kind itself
            return
        commands = declarations(cls)
        cls.commands = commands
        cls.event_payloads = {CREATE: cls.creation.payload} | {
            name: declaration.payload for name, declaration in commands.items()
        }
        for name, declaration in (*commands.items(), (CREATE, cls.creation)):
            PAST_TENSE[cls._kind, name] = declaration.past
        # attrs leaves a class with generated equality unhashable; the base's hash is cheap and sound
        cls.__hash__ = Subject.__hash__  # type: ignore[method-assign]

    def __hash__(self) -> int:
        """Hash the object's kind, id and version: equal objects share them."""
        return hash((self._kind, self.id, self.version))

    def __attrs_post_init__(self) -> None:
        """Refuse an object built by hand that its history does not bear out.

        Commands, :func:`~funnelkit.replay` and :func:`~funnelkit.load` build objects without
        coming here; an object built with the constructor must match its history exactly.
        """
        history: object = self.history
        if isinstance(history, (tuple, list)):
            history = Log(history)
            _set(self, "history", history)
        if not isinstance(history, Log) or history.start != 0 or not history:
            raise InvalidInput(
                f"cannot build {self._kind} {self.id!r} by hand",
                [Problem(("history",), "must be its whole history, from its creation", history)],
            )
        rebuilt = fold(history, type(self))
        problems = [
            Problem((name,), "does not match the history", getattr(self, name))
            for name in (*_fields(type(self)), "status", "last_at")
            if getattr(self, name) != getattr(rebuilt, name)
        ]
        if problems:
            raise InvalidInput(f"cannot build {self._kind} {self.id!r} by hand", problems)

    @property
    def _table(self) -> TransitionTable:
        return self._class_table

    @property
    def version(self) -> int:
        """How many events the object has had; the sequence number its next event will take."""
        history = self.history
        return history.start + len(history)

    def events_since(self, version: int) -> tuple[Event, ...]:
        """The events after ``version``: what to store after loading the object at that version.

        Raises:
            InvalidInput: ``version`` is not an int between the history's start and the version.
        """
        history = self.history
        given: object = version  # typed, but callers may pass anything
        if (
            isinstance(given, bool)
            or not isinstance(given, int)
            or not history.start <= given <= self.version
        ):
            raise InvalidInput(
                f"{self._kind} {self.id!r} at version {self.version} has no events since {version!r}",
                [Problem(("version",), f"must be an int from {history.start} to {self.version}", version)],
            )
        return history[version - history.start :]

    def allowed_events(self) -> tuple[str, ...]:
        """Name the commands that would be accepted now, every guard judged that can be.

        A guard that judges the payload is judged on the payload the command makes with its
        defaults (``qualify`` with its default framework, ``advance`` with its stage's gate). A
        command that needs an argument its guard judges, such as ``skip``'s ``to=``, is listed
        when some value of that argument would be accepted.
        """
        status = self.status.value
        table = self._table
        return tuple(
            event for event in table.allowed(status, self) if self._passes_as_is(table, status, event)
        )

    def _passes_as_is(self, table: TransitionTable, status: str, event: str) -> bool:
        """Whether ``event`` passes its guards with the payload its defaults make."""
        declaration = self.commands[event]
        if declaration.required or not table.reads_payload(status, event):
            return True
        decided = declaration.decide(self, at=self.last_at)
        payload = decided[0] if declaration.hands_over else decided
        return table.target(status, event, self, freeze(payload)) is not None

    def send(self, command: str, /, *, at: datetime, **payload: Any) -> Any:  # noqa: ANN401 - a command's own return type
        """Run the command named ``command``, the same as calling its method.

        Raises:
            UnknownCommand: this kind of object has no such command.
            TransitionNotAllowed: the lifecycle does not allow it from the current status.
            InvalidInput: the arguments are wrong, every problem listed.
        """
        name: object = command
        declaration = self.commands.get(name) if isinstance(name, str) else None
        if declaration is None:
            raise UnknownCommand(
                subject=self._kind,
                subject_id=self.id,
                status=self.status.value,
                command=command,
                known=tuple(self.commands),
                suggestions=tuple(difflib.get_close_matches(str(command), self.commands, n=3)),
            )
        return self._run(declaration, {"at": at, **payload})

    @property
    def _status_key(self) -> str:
        return self.status.value

    @property
    def _status_map(self) -> Mapping[str, Any]:
        """Each status of this kind of object, by its value."""
        return self._statuses

    def _status_of(self, target: str) -> Any:  # noqa: ANN401 - the status type of each kind
        return self._status_map[target]

    def _run(self, declaration: Declaration, arguments: dict[str, Any]) -> Any:  # noqa: ANN401
        """Run a declared command: transition, arguments, guards, then the event and its effect."""
        name = declaration.name
        status = self._status_key
        table = self._table
        if (status, name) not in table.routes:
            raise self._not_allowed(name, {})
        at = utc(arguments.pop("at", None))
        well_formed = (
            (declaration.open_ended or arguments.keys() <= declaration.arguments)
            and declaration.required <= arguments.keys()
            and declaration.accepts(arguments)
            if arguments
            else not declaration.required
        )
        # utc() gives every aware time as a plain datetime in timezone.utc
        if not (well_formed and type(at) is datetime and at.tzinfo is timezone.utc and at >= self.last_at):
            raise self._invalid(name, self._argument_problems(declaration, at, arguments))
        try:
            decided = declaration.decide(self, at=at, **arguments)
        except InvalidInput as error:
            # an object the command creates or updates on the way (a conversion's target) reports
            # its own problems: say them as this command's, naming the object they come from
            if error.what == self._context(name):
                raise
            problems = [
                Problem(p.location, f"{p.message}, says {error.what}", p.input) for p in error.problems
            ]
            raise self._invalid(name, problems) from None
        payload, other = decided if declaration.hands_over else (decided, None)
        payload = freeze(payload)
        target = table.target(status, name, self, payload)
        if target is None:
            raise self._not_allowed(name, payload)
        event = Event(self._kind, self.id, self.version, name, status, target, at, payload)
        after = self._next(event, declaration.effect(self, payload) if declaration.changes else {})
        return Conversion(after, other) if declaration.hands_over else after

    def _argument_problems(
        self, declaration: Declaration, at: object, arguments: Mapping[str, object]
    ) -> list[Problem]:
        expected = declaration.expected
        problems = [
            Problem(
                (name,),
                f"is not an argument of {declaration.name}; it takes {sorted(declaration.arguments)}",
                value,
            )
            if name not in declaration.arguments
            else Problem((name,), f"must be {expected[name].words}", value)
            for name, value in arguments.items()
            if (name not in declaration.arguments and not declaration.open_ended)
            or (name in expected and not expected[name].test(value))
        ]
        problems.extend(
            Problem((name,), "is required") for name in sorted(declaration.required - arguments.keys())
        )
        problems.extend(self._time_problems(at, ("at",)))
        return problems

    def _time_problems(self, at: object, where: Location) -> list[Problem]:
        if not isinstance(at, datetime) or at.utcoffset() is None:
            return [Problem(where, "must be a timezone-aware datetime, such as one in UTC", at)]
        last = self.last_at
        if at < last:
            return [Problem(where, f"is earlier than the latest event, at {last.isoformat()}", at)]
        return []

    def _next(self, event: Event, changes: Mapping[str, object]) -> Self:
        """A new object: this one with ``event`` applied. The only way commands build objects."""
        cls = type(self)
        new = object.__new__(cls)
        for name in _FIELDS.get(cls) or _fields(cls):
            _set(new, name, getattr(self, name))
        for name, value in changes.items():
            _set(new, name, value)
        _set(new, "status", self._status_of(event.target))
        _set(new, "history", self.history.append(event))
        _set(new, "last_at", event.at)
        return new

    @classmethod
    def _start(cls, id: str, at: datetime, payload: Mapping[str, object]) -> Self:
        """Check a new object's id, time and payload; return it with its creation event."""
        check_text(f"cannot create a {cls._kind}", "id", id)
        at = utc(at)
        problems = payload_problems(cls.creation.payload, freeze(payload), ())
        given: object = at
        if not isinstance(given, datetime) or given.utcoffset() is None:
            problems.insert(0, Problem(("at",), "must be a timezone-aware datetime, such as one in UTC", at))
        if problems:
            raise InvalidInput(f"cannot create {cls._kind} {id!r}", problems)
        event = Event(cls._kind, id, 0, CREATE, None, cls._initial(payload), at, payload)
        return cls._founded(event, Log((event,)))

    @classmethod
    def _initial(cls, _payload: Mapping[str, object]) -> str:
        return cls._class_table.initial

    @classmethod
    def _founded(cls, event: Event, history: Log[Event]) -> Self:
        """The object ``event`` creates, with ``history``, built field by field."""
        new = object.__new__(cls)
        for name, default in _DEFAULTS.get(cls) or _defaults(cls):
            _set(new, name, default)
        _set(new, "id", event.subject_id)
        for name, value in cls.creation.effect(None, event.payload).items():
            _set(new, name, value)
        _set(new, "status", new._status_of(event.target))
        _set(new, "history", history)
        _set(new, "last_at", event.at)
        return new

    @classmethod
    def _restored(cls, values: Mapping[str, Any], history: Log[Event]) -> Self | None:
        """The object a snapshot's state describes, or ``None`` if its status is not one of the kind's."""
        new = object.__new__(cls)
        for field in attrs.fields(typing.cast("Any", cls)):
            value = values.get(field.name, field.default)
            _set(new, field.name, Log(value) if isinstance(field.default, Log) else value)
        status = values["status"]
        try:
            _set(new, "status", new._status_of(getattr(status, "value", status)))
        except KeyError:
            return None
        _set(new, "history", history)
        return new

    def _draft(self) -> Self:
        """A private copy to replay events onto in place."""
        cls = type(self)
        new = object.__new__(cls)
        for name in (*(_FIELDS.get(cls) or _fields(cls)), "status", "history", "last_at"):
            _set(new, name, getattr(self, name))
        return new

    def _context(self, command: str) -> str:
        return f"{self._kind} {self.id!r} in status {self.status.value!r} cannot {command!r}"

    def _invalid(self, command: str, problems: list[Problem]) -> InvalidInput:
        return InvalidInput(self._context(command), problems)

    def _not_allowed(self, command: str, payload: Mapping[str, object]) -> TransitionNotAllowed:
        status = self.status.value
        return TransitionNotAllowed(
            subject=self._kind,
            subject_id=self.id,
            status=status,
            command=command,
            allowed=self.allowed_events(),
            failed_guards=self._table.failed_guards(status, command, self, payload),
        )


_DEFAULTS: dict[type, tuple[tuple[str, object], ...]] = {}


def _defaults(cls: Any) -> tuple[tuple[str, object], ...]:  # noqa: ANN401 - an attrs class
    """Each field with its default, for building a new object field by field."""
    found = tuple((field.name, field.default) for field in attrs.fields(cls))
    _DEFAULTS[cls] = found
    return found


def _fields(cls: Any) -> tuple[str, ...]:  # noqa: ANN401 - an attrs class
    """The fields a command copies to the next object: all but status, history and last_at."""
    found = tuple(
        field.name for field in attrs.fields(cls) if field.name not in ("status", "history", "last_at")
    )
    _FIELDS[cls] = found
    return found

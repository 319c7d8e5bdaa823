"""The errors funnelkit raises, all rooted at :class:`FunnelError`.

The tree::

    FunnelError
    ├── DefinitionError (ValueError)        a lifecycle or pipeline definition is wrong
    ├── InvalidInput (ValueError)           data or a command argument failed validation
    ├── TransitionNotAllowed (ValueError)   a command is not allowed from the object's status
    ├── UnknownCommand (LookupError)        an object has no command of that name
    ├── UnknownName (LookupError)           a registry has nothing registered under that name
    ├── NoTerritory (LookupError)           no territory rule matches an account (in ``_territories``)
    ├── InsufficientData (LookupError)      a scorer's history cannot give an estimate (in ``scoring``)
    ├── CriterionFailed (RuntimeError)      a user's criterion raised or returned something odd
    └── CurrencyMismatch (ValueError)       money in two currencies was combined

Definition errors are raised while a lifecycle is being built, before any object exists; the
others are raised at run time and leave every object as it was.
"""

from __future__ import annotations

import enum
import reprlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import attrs

Location = tuple[str | int, ...]


def _restore(kind: type[FunnelError], args: tuple[object, ...], state: dict[str, Any]) -> FunnelError:
    error = kind.__new__(kind)
    error.args = args
    error.__dict__.update(state)
    return error


class FunnelError(Exception):
    """Base of every error funnelkit raises; catch it to catch them all.

    Errors pickle (they travel through process pools and task queues) and compare equal when
    they are of the same class with the same message and details.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        """Rebuild with the same message and details, whatever the subclass's constructor takes."""
        return (_restore, (type(self), self.args, dict(self.__dict__)))

    def __eq__(self, other: object) -> bool:
        """Equal to an error of the same class with the same message and details."""
        if type(other) is not type(self):
            return NotImplemented
        return self.args == other.args and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        """Hash the class and the message."""
        return hash((type(self), self.args))


class Missing(enum.Enum):
    """The input of a problem about something that is not there at all."""

    missing = "missing"

    def __repr__(self) -> str:
        """Read as what it stands for."""
        return "<missing>"


MISSING = Missing.missing


# a value shown in a message is cut short: long text or deep nesting must not flood (or break) it
class _Shown(reprlib.Repr):
    """Values as a message shows them: short, times as ISO 8601, however deep or long the value."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel, self.maxstring, self.maxother = 2, 60, 60
        self.maxlist = self.maxdict = self.maxtuple = 4

    def repr_datetime(self, value: datetime, _level: int) -> str:
        return value.isoformat()


_SHOWN = _Shown()


@attrs.frozen
class Problem:
    """One thing wrong with an input: where it is, what is wrong, and the value found there.

    Its text names the value found, shortened, unless nothing was there.

    Example:
        >>> from funnelkit import Problem
        >>> str(Problem(("reason",), "must be a non-blank string", " "))
        "reason: must be a non-blank string (got ' ')"
    """

    location: Location
    message: str
    input: object = MISSING
    """The value found there; ``MISSING`` when there was none."""

    def __str__(self) -> str:
        """Where, what is wrong, and the value found there."""
        where = ".".join(str(part) for part in self.location) or "(input)"
        if self.input is MISSING:
            return f"{where}: {self.message}"
        return f"{where}: {self.message} (got {_SHOWN.repr(self.input)})"


SHOWN = 20
"""The most problems one error lists of a long input: the rest are counted."""


def at_most(problems: list[Problem], limit: int = SHOWN) -> list[Problem]:
    """``problems``, the first ``limit`` of them and then how many more there are, if any."""
    if len(problems) <= limit:
        return problems
    return [*problems[:limit], Problem(("...",), f"and {len(problems) - limit} more problems like these")]


def _bullets(problems: Iterable[object]) -> str:
    return "".join(f"\n  - {problem}" for problem in problems)


class DefinitionError(FunnelError, ValueError):
    """A lifecycle or pipeline definition is wrong; ``problems`` lists every fault found."""

    def __init__(self, what: str, problems: Sequence[str]) -> None:
        self.what = what
        self.problems = tuple(problems)
        super().__init__(f"{what} is not a valid definition:{_bullets(self.problems)}")


class InvalidInput(FunnelError, ValueError):
    """Input failed validation; ``problems`` lists each fault with its location.

    Example:
        >>> import funnelkit as fk
        >>> try:
        ...     fk.Money("12.50", "euro")
        ... except fk.InvalidInput as error:
        ...     print(error.problems[0])
        currency: must be a three-letter ISO 4217 code in capitals, such as 'EUR' (got 'euro')
    """

    def __init__(self, what: str, problems: Sequence[Problem]) -> None:
        self.what = what
        self.problems = tuple(problems)
        super().__init__(f"{what}:{_bullets(self.problems)}")


class TransitionNotAllowed(FunnelError, ValueError):
    """A command is not allowed from the object's status, or its guard failed.

    Attributes:
        subject: the kind of object, such as ``"Lead"``.
        subject_id: the object's id.
        status: the status the object is in.
        command: the command that was refused.
        allowed: the commands allowed from that status now.
        failed_guards: for a declared transition whose guards failed, each guard with why it failed.
    """

    def __init__(
        self,
        *,
        subject: str,
        subject_id: str,
        status: str,
        command: str,
        allowed: Sequence[str],
        failed_guards: Sequence[str] = (),
    ) -> None:
        self.subject = subject
        self.subject_id = subject_id
        self.status = status
        self.command = command
        self.allowed = tuple(allowed)
        self.failed_guards = tuple(failed_guards)
        instead = ", ".join(self.allowed) or "nothing: the status is final"
        head = f"{subject} {subject_id!r} in status {status!r} cannot {command!r}"
        if self.failed_guards:
            head += f" because a guard failed:{_bullets(self.failed_guards)}\n"
        else:
            head += "; "
        super().__init__(f"{head}allowed now: {instead}")


class UnknownCommand(FunnelError, LookupError):
    """An object was sent a command its kind does not have; ``suggestions`` are close names.

    Attributes:
        subject: the kind of object, such as ``"Lead"``.
        subject_id: the object's id.
        status: the status the object is in.
        command: the name that was sent.
        known: every command of that kind of object.
        suggestions: the known commands closest to ``command``.
    """

    def __init__(
        self,
        *,
        subject: str,
        subject_id: str,
        status: str,
        command: object,
        known: Sequence[str],
        suggestions: Sequence[str] = (),
    ) -> None:
        self.subject = subject
        self.subject_id = subject_id
        self.status = status
        self.command = command
        self.known = tuple(known)
        self.suggestions = tuple(suggestions)
        hint = f"did you mean {' or '.join(map(repr, self.suggestions))}? " if self.suggestions else ""
        super().__init__(
            f"{subject} {subject_id!r} in status {status!r} has no command {command!r}; "
            f"{hint}its commands: {', '.join(self.known)}"
        )


class UnknownName(FunnelError, LookupError):
    """A registry has nothing of that kind under that name; ``known`` lists what it has.

    Attributes:
        kind: what was looked up, such as ``"framework"``.
        name: the name that was asked for.
        known: every name registered for that kind.
    """

    def __init__(self, kind: str, name: object, known: Sequence[str]) -> None:
        self.kind = kind
        self.name = name
        self.known = tuple(known)
        listed = ", ".join(self.known) or "none"
        super().__init__(f"no {kind} is registered as {name!r}; registered: {listed}")


class CriterionFailed(FunnelError, RuntimeError):
    """A criterion failed while judging a subject: it raised, or returned something not a result.

    The original exception, if any, is the ``__cause__``.

    Attributes:
        framework: the framework being evaluated, such as ``"bant 1.0"``.
        criterion: the criterion that failed.
        subject: what was being judged, such as ``"Lead 'L-1' in status 'sales_accepted'"``.
        problem: what went wrong, in words.
    """

    def __init__(self, *, framework: str, criterion: str, subject: str, problem: str) -> None:
        self.framework = framework
        self.criterion = criterion
        self.subject = subject
        self.problem = problem
        super().__init__(f"{framework}: criterion {criterion!r} failed on {subject}: {problem}")


class CurrencyMismatch(FunnelError, ValueError):
    """Two amounts in different currencies were added, subtracted or compared."""

    def __init__(self, left: str, right: str, operation: str) -> None:
        self.currencies = (left, right)
        super().__init__(
            f"cannot {operation} {left} and {right}: convert one amount first, "
            "funnelkit never mixes currencies"
        )

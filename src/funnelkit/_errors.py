"""The errors funnelkit raises, all rooted at :class:`FunnelError`.

The tree::

    FunnelError
    ├── DefinitionError (ValueError)        a lifecycle or pipeline definition is wrong
    ├── InvalidInput (ValueError)           data or a command argument failed validation
    ├── TransitionNotAllowed (ValueError)   a command is not allowed from the object's status
    ├── UnknownCommand (LookupError)        an object has no command of that name
    └── CurrencyMismatch (ValueError)       money in two currencies was combined

Definition errors are raised while a lifecycle is being built, before any object exists; the
others are raised at run time and leave every object as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


@attrs.frozen
class Problem:
    """One thing wrong with an input: where it is, what is wrong, and the value found there."""

    location: Location
    message: str
    input: object = None

    def __str__(self) -> str:
        where = ".".join(str(part) for part in self.location) or "(input)"
        return f"{where}: {self.message}"


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
        currency: must be a three-letter ISO 4217 code in capitals, such as 'EUR'
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


class CurrencyMismatch(FunnelError, ValueError):
    """Two amounts in different currencies were added, subtracted or compared."""

    def __init__(self, left: str, right: str, operation: str) -> None:
        self.currencies = (left, right)
        super().__init__(
            f"cannot {operation} {left} and {right}: convert one amount first, "
            "funnelkit never mixes currencies"
        )

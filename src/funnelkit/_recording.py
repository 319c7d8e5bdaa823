"""What the lead and opportunity commands share: collecting facts and disqualification reasons."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from funnelkit._errors import InvalidInput, Problem
from funnelkit.qualification._evidence import Fact, FactValue
from funnelkit.qualification._frameworks import Outcome, QualificationResult

if TYPE_CHECKING:
    from funnelkit._subject import Subject


def collect_facts(
    subject: Subject, facts: Mapping[str, FactValue] | Iterable[Fact], source: str, at: datetime
) -> tuple[Fact, ...]:
    """Turn a command's ``facts`` into Facts, reporting every bad one against ``subject``."""
    problems: list[Problem] = []
    collected: list[Fact] = []
    items = list(facts.items()) if isinstance(facts, Mapping) else list(enumerate(facts))
    for key, item in items:
        try:
            collected.append(item if isinstance(item, Fact) else Fact(str(key), item, source, at))
        except InvalidInput as error:
            problems.extend(Problem(("facts", key, *p.location), p.message, p.input) for p in error.problems)
    if not collected and not problems:
        problems.append(Problem(("facts",), "give at least one fact", facts))
    if problems:
        raise subject._invalid("record", problems)  # noqa: SLF001 - the command's own error context
    return tuple(collected)


def disqualified_reason(subject: Subject, command: str, reason: str | QualificationResult) -> str:
    """A command's reason: text as given, or the summary of a result that disqualified."""
    if not isinstance(reason, QualificationResult):
        return reason  # the command checked it is a non-blank string
    if reason.outcome is not Outcome.disqualified:
        problem = Problem(("reason",), "a qualification result must have disqualified", reason.outcome.value)
        raise subject._invalid(command, [problem])  # noqa: SLF001 - the command's own error context
    knocked = ", ".join(node.criterion for node in reason.tree.walk() if node.knock_out)
    return f"{reason.framework} {reason.version} disqualified: {knocked}"

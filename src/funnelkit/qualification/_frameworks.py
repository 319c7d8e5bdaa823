"""Frameworks: criteria plus a policy, evaluated to an outcome that says what to ask next."""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from funnelkit._errors import DefinitionError
from funnelkit._frozen import FrozenDict
from funnelkit.qualification._combinators import FLIPPED, Combinator, KnockOut, min_grade
from funnelkit.qualification._criteria import EVALUATING, Criterion, assessed, is_criterion
from funnelkit.qualification._results import CriterionResult, Verdict

_MAX_WHAT_IF = 10
"""Past this many other unknowns, every unknown criterion is worth asking about."""


class Outcome(str, enum.Enum):
    """What a framework concludes about a subject."""

    qualified = "qualified"
    not_yet = "not_yet"
    """Not qualified yet: evidence is missing or criteria are unmet; ``ask_next`` says what to find out."""
    disqualified = "disqualified"
    """A knock-out criterion is unmet."""


def children_of(criterion: Criterion) -> tuple[Criterion, ...]:
    """The criteria a combinator combines; none for a criterion that judges evidence itself."""
    if hasattr(criterion, "children"):
        return tuple(criterion.children)
    child = getattr(criterion, "child", None)
    return (child,) if child is not None else ()


def leaves_of(criterion: Criterion) -> Iterator[Criterion]:
    """Yield the criteria below ``criterion`` that judge evidence themselves, in order."""
    children = children_of(criterion)
    if not children:
        yield criterion
    for child in children:
        yield from leaves_of(child)


def _outcome(tree: CriterionResult) -> Outcome:
    if any(node.knock_out and node.verdict is Verdict.unmet for node in tree.walk()):
        return Outcome.disqualified
    return Outcome.qualified if tree.verdict is Verdict.met else Outcome.not_yet


def _what_if(
    criterion: Criterion, result: CriterionResult, forced: Mapping[str, Verdict]
) -> tuple[Verdict, int | None, bool]:
    """The verdict, grade and knock-out the policy would give if some leaves had ``forced`` verdicts.

    Only verdicts are recomputed, with no reasons, so asking "what if" stays cheap.
    """
    children = children_of(criterion)
    if not children:
        verdict = forced.get(criterion.id)
        return (result.verdict, result.grade, False) if verdict is None else (verdict, None, False)
    judged = [_what_if(c, r, forced) for c, r in zip(children, result.children, strict=True)]
    knocked = any(knock for _, _, knock in judged)
    if isinstance(criterion, Combinator):
        verdict, grade = criterion.judge([(v, g) for v, g, _ in judged])
        return verdict, grade, knocked
    ((verdict, grade, _),) = judged
    if isinstance(criterion, KnockOut):
        return verdict, grade, knocked or verdict is Verdict.unmet
    return FLIPPED.get(verdict, verdict), None, knocked


def _outcome_if(criterion: Criterion, tree: CriterionResult, forced: Mapping[str, Verdict]) -> Outcome:
    verdict, _, knocked = _what_if(criterion, tree, forced)
    if knocked:
        return Outcome.disqualified
    return Outcome.qualified if verdict is Verdict.met else Outcome.not_yet


@attrs.frozen
class Summary:
    """What an event stores of a qualification: enough to audit it, in plain data."""

    framework: str
    version: str
    outcome: str
    verdicts: tuple[tuple[str, str], ...]
    """Each criterion's id with its verdict, in the framework's order."""


@attrs.frozen
class QualificationResult:
    """A framework's verdict on a subject, criterion by criterion, with what to ask next."""

    framework: str
    version: str
    outcome: Outcome
    tree: CriterionResult
    """The policy's result, with every combinator and criterion below it."""
    criteria: tuple[CriterionResult, ...]
    """Each criterion's result, in the framework's order."""
    ask_next: tuple[str, ...]
    """The unknown criteria whose answer could change the outcome."""

    @property
    def failing(self) -> tuple[CriterionResult, ...]:
        """The criteria that are not met: unmet, partial or unknown."""
        return tuple(result for result in self.criteria if result.verdict is not Verdict.met)

    @property
    def reasons(self) -> tuple[str, ...]:
        """One line per criterion: its id, verdict and reason."""
        return tuple(f"{r.criterion}: {r.verdict.value}: {r.reason}" for r in self.criteria)

    def summary(self) -> Summary:
        """The plain-data record of this result that an event keeps."""
        verdicts = tuple((result.criterion, result.verdict.value) for result in self.criteria)
        return Summary(self.framework, self.version, self.outcome.value, verdicts)

    def explain(self) -> str:
        """Return the result as text: the outcome, then the criteria tree, then what to ask next.

        Example:
            >>> import funnelkit.qualification as q
            >>> print(q.frameworks()["bant"].evaluate(q.Evidence()).explain())
            bant 1.0: not_yet
            unknown: at_least(3; budget, authority, need, timeline): at least 3 of 4 must be met (4 unknown)
              unknown: budget: no budget recorded: ask 'Is there budget, or a way to find it?'
              unknown: authority: no authority recorded: ask 'Does this contact decide, or reach who does?'
              unknown: need: no need recorded: ask 'What problem must be solved?'
              unknown: timeline: no timeline recorded: ask 'When must it be solved, and why then?'
            ask next: budget, authority, need, timeline
        """
        lines = [f"{self.framework} {self.version}: {self.outcome.value}", self.tree.explain()]
        if self.ask_next:
            lines.append(f"ask next: {', '.join(self.ask_next)}")
        return "\n".join(lines)


def _read_only(stages: Mapping[str, tuple[str, ...]]) -> Mapping[str, tuple[str, ...]]:
    return FrozenDict(stages)


@attrs.frozen
class Framework:
    """A qualification framework: an id, a version, a policy over its criteria, and its source.

    ``stages`` maps a pipeline stage to the criteria ids an opportunity must meet (at grade
    ``stage_grade`` or better) before it may enter that stage.
    """

    id: str
    version: str
    policy: Criterion
    source: str = ""
    """Where the framework comes from, for the reference docs."""
    stages: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, converter=_read_only)
    stage_grade: int = 2

    def __attrs_post_init__(self) -> None:
        """Refuse a policy that is no criterion, ids used twice, and stages requiring unknown criteria."""
        policy: object = self.policy  # typed, but frameworks are built from data too
        if not is_criterion(policy):
            problem = f"policy {policy!r} is not a criterion: it has no id and assess(subject)"
            raise DefinitionError(f"framework {self.id!r}", [problem])
        ids = [criterion.id for criterion in self.criteria]
        problems = [
            f"criterion id {name!r} is used twice" for name in sorted({i for i in ids if ids.count(i) > 1})
        ]
        problems += [
            f"stage {stage!r} requires unknown criterion {name!r}"
            for stage, names in self.stages.items()
            for name in names
            if name not in ids
        ]
        if problems:
            raise DefinitionError(f"framework {self.id!r}", problems)

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """The criteria that judge evidence, in order."""
        return tuple(leaves_of(self.policy))

    def evaluate(self, subject: Any) -> QualificationResult:  # noqa: ANN401 - a lead, an opportunity or evidence
        """Judge ``subject`` (a lead, an opportunity, or evidence) by every criterion.

        Raises:
            CriterionFailed: a criterion raised, or returned something other than a result; the
                error names this framework (id and version), the criterion and the subject, and
                the criterion's exception is its ``__cause__``. A FunnelError a criterion raises
                on purpose passes unchanged.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit.qualification as q
            >>> at = datetime(2026, 3, 1, tzinfo=timezone.utc)
            >>> facts = [q.Fact(name, True, "discovery call", at) for name in ("budget", "need", "timeline")]
            >>> result = q.frameworks()["bant"].evaluate(q.Evidence(tuple(facts)))
            >>> result.outcome.value, [r.verdict.value for r in result.criteria]
            ('qualified', ['met', 'unknown', 'met', 'met'])
        """
        token = EVALUATING.set(f"{self.id} {self.version}")
        try:
            tree = assessed(self.policy, subject)
        finally:
            EVALUATING.reset(token)
        leaves = tree.leaves()
        unknown = [leaf.criterion for leaf in leaves if leaf.verdict is Verdict.unknown]
        ask_next = tuple(name for name in unknown if self._matters(tree, name, unknown))
        outcome = _outcome(tree)
        return QualificationResult(self.id, self.version, outcome, tree, leaves, ask_next)

    def _matters(self, tree: CriterionResult, name: str, unknown: list[str]) -> bool:
        """Whether some answers to the other unknowns leave the outcome hanging on ``name``."""
        others = [other for other in unknown if other != name]
        if len(others) > _MAX_WHAT_IF:
            return True
        for answers in itertools.product((Verdict.met, Verdict.unmet), repeat=len(others)):
            forced = dict(zip(others, answers, strict=True))
            met = _outcome_if(self.policy, tree, {**forced, name: Verdict.met})
            if met is not _outcome_if(self.policy, tree, {**forced, name: Verdict.unmet}):
                return True
        return False

    def stage_requirement(self, stage: str) -> Criterion | None:
        """The criterion an opportunity must meet to enter ``stage``, or ``None`` if none is set."""
        names = self.stages.get(stage)
        if not names:
            return None
        by_id = {criterion.id: criterion for criterion in self.criteria}
        return min_grade(self.stage_grade, *(by_id[name] for name in names))

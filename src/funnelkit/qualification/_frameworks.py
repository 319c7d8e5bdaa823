"""Frameworks: criteria plus a policy, evaluated to an outcome that says what to ask next."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs

from funnelkit._errors import DefinitionError, InvalidInput, Problem
from funnelkit._frozen import FrozenDict
from funnelkit.qualification._combinators import min_grade
from funnelkit.qualification._criteria import EVALUATING, Criterion, assessed, describe, is_criterion
from funnelkit.qualification._evidence import NO_EVIDENCE, Evidence
from funnelkit.qualification._plan import MET, Judged, Plan, judged, knocked
from funnelkit.qualification._results import CriterionResult, Verdict

T = TypeVar("T")

_MAX_WHAT_IF = 10
"""Past this many other unknowns, every unknown criterion is worth asking about."""
_ASKED = 4096
"""How many patterns of leaf verdicts a framework remembers what to ask next for."""
_FORCED_MET: Judged = (Verdict.met, None, False)
_FORCED_UNMET: Judged = (Verdict.unmet, None, False)


class Outcome(str, enum.Enum):
    """What a framework concludes about a subject."""

    qualified = "qualified"
    not_yet = "not_yet"
    """Not qualified yet: evidence is missing or criteria are unmet; ``ask_next`` says what to find out."""
    disqualified = "disqualified"
    """A knock-out criterion is unmet."""


def _without(bit: int, width: int) -> list[int]:
    """The numbers below ``2 ** width`` whose bit ``bit`` is clear."""
    return [answers for answers in range(1 << width) if not answers >> bit & 1]


def _concluded(judged: Judged) -> Outcome:
    verdict, _, knock = judged
    if knock:
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
    """Each judged criterion's result, in the framework's order; a gate not met leaves the rest out."""
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


def _read_only(milestones: Mapping[str, Iterable[str]]) -> Mapping[str, tuple[str, ...]]:
    return FrozenDict({name: tuple(ids) for name, ids in milestones.items()})


@attrs.frozen(getstate_setstate=False)
class Framework:
    """A qualification framework: an id, a version, a policy over its criteria, and its source.

    ``milestones`` name, in order, the sets of criteria a deal meets as it advances, such as
    MEDDIC's ``discover``, ``prove`` and ``commit``; a pipeline maps them onto its own stages
    with :meth:`~funnelkit.Pipeline.gated_by`, where a stage's criteria must reach
    ``stage_grade``. A framework knows no pipeline's stages.
    """

    id: str
    version: str
    policy: Criterion
    source: str = ""
    """Where the framework comes from, for the reference docs."""
    milestones: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, converter=_read_only)
    stage_grade: int = 2
    """The grade (0-3) the criteria a stage requires must reach when a pipeline is gated by it."""
    _plan: Plan = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        """Refuse a policy that is no criterion, ids used twice, and milestones naming unknown criteria."""
        policy: object = self.policy  # typed, but frameworks are built from data too
        if not is_criterion(policy):
            problem = f"policy {policy!r} is not a criterion: it has no id and assess(subject)"
            raise DefinitionError(f"framework {self.id!r}", [problem])
        plan = Plan(self.policy)
        ids = [criterion.id for criterion in plan.leaves]
        problems = [
            f"criterion id {name!r} is used twice" for name in sorted({i for i in ids if ids.count(i) > 1})
        ]
        problems += [
            f"milestone {milestone!r} requires unknown criterion {name!r}"
            for milestone, names in self.milestones.items()
            for name in names
            if name not in ids
        ]
        if isinstance(self.stage_grade, bool) or self.stage_grade not in range(4):
            problems.append(f"stage_grade {self.stage_grade!r} must be 0, 1, 2 or 3")
        if problems:
            raise DefinitionError(f"framework {self.id!r}", problems)
        object.__setattr__(self, "_plan", plan)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the definition; the plan is compiled again."""
        fields = (self.id, self.version, self.policy, self.source, dict(self.milestones), self.stage_grade)
        return (Framework, fields)

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """The criteria that judge evidence, in order."""
        return tuple(self._plan.leaves)

    def requirement(self, milestone: str) -> Criterion | None:
        """What a deal must meet to reach ``milestone``: its criteria, each at ``stage_grade``.

        ``None`` when the framework has no such milestone.

        Example:
            >>> import funnelkit.qualification as q
            >>> q.meddic().requirement("discover")
            min_grade(2; pain, metrics)
        """
        given: object = milestone  # typed, but an unhashable one must not raise TypeError
        names = self.milestones.get(milestone) if isinstance(given, str) else None
        if not names:
            return None
        by_id = {criterion.id: criterion for criterion in self.criteria}
        return min_grade(self.stage_grade, *(by_id[name] for name in names))

    def criterion(self, id: str) -> Criterion | None:
        """The criterion called ``id``, or ``None`` if the framework has none."""
        return next((criterion for criterion in self._plan.leaves if criterion.id == id), None)

    def outcome(self, subject: Any) -> Outcome:  # noqa: ANN401 - a lead, an opportunity or evidence
        """The outcome of :meth:`evaluate`, without building the explanation: the fast path.

        Always equal to ``self.evaluate(subject).outcome``; use it to qualify many subjects
        when only the outcome matters.

        Raises:
            InvalidInput: ``subject`` is not a lead, an opportunity, or Evidence.
            CriterionFailed: as for :meth:`evaluate`.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit.qualification as q
            >>> at = datetime(2026, 3, 1, tzinfo=timezone.utc)
            >>> facts = [q.Fact(name, True, "discovery call", at) for name in ("budget", "need", "timeline")]
            >>> q.bant().outcome(q.Evidence(tuple(facts)))
            <Outcome.qualified: 'qualified'>
        """
        evidence = self._evidence(subject)
        return _concluded(self._named(self._plan.judge, subject, evidence.by_name))

    @property
    def _name(self) -> str:
        return f"{self.id} {self.version}"

    def _evidence(self, subject: object) -> Evidence:
        """The evidence of ``subject``, or none where it holds none but may be judged.

        A funnel object without evidence may be, and so may anything where no criterion judges
        facts: criteria of the user's own may judge any subject.

        Raises:
            InvalidInput: a criterion judges facts, and ``subject`` is not a funnel object or Evidence.
        """
        evidence = subject if isinstance(subject, Evidence) else getattr(subject, "evidence", None)
        if isinstance(evidence, Evidence):
            return evidence
        if self._plan.reads_facts and not isinstance(getattr(type(subject), "_kind", None), str):
            problem = Problem(("subject",), "must be a lead, an opportunity, or Evidence", subject)
            raise InvalidInput(
                f"framework {self._name} judges facts and cannot judge {describe(subject)}", [problem]
            )
        return NO_EVIDENCE

    def _named(self, call: Callable[..., T], *arguments: Any) -> T:  # noqa: ANN401 - call's own
        """``call(*arguments)``, with this framework named for the errors of the criteria it calls.

        Built-in combinators over fact criteria cannot fail, so they skip the naming.
        """
        if self._plan.only_facts:
            return call(*arguments)
        token = EVALUATING.set(self._name)
        try:
            return call(*arguments)
        finally:
            EVALUATING.reset(token)

    def evaluate(self, subject: Any) -> QualificationResult:  # noqa: ANN401 - a lead, an opportunity or evidence
        """Judge ``subject`` (a lead, an opportunity, or evidence) by every criterion.

        Raises:
            InvalidInput: ``subject`` is not a lead, an opportunity, or Evidence.
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
        self._evidence(subject)  # refuses a subject criteria of facts cannot judge
        tree = self._named(assessed, self.policy, subject)
        leaves = self._plan.judged_leaves(tree)
        values = {number: judged(result) for number, result in leaves}
        unknown = [number for number, result in leaves if result.verdict is Verdict.unknown]
        ask_next = tuple(self._plan.leaves[number].id for number in self._ask_next(subject, values, unknown))
        criteria = tuple(result for _, result in leaves)
        outcome = _concluded((tree.verdict, None, self._plan.may_knock and knocked(tree)))
        return QualificationResult(self.id, self.version, outcome, tree, criteria, ask_next)

    def _ask_next(self, subject: Any, values: Mapping[int, Judged], unknown: list[int]) -> list[int]:  # noqa: ANN401 - see evaluate
        """The unknown leaves on whose answer, for some answers to the others, the outcome hangs.

        Each way the unknowns could turn out (met or unmet) is judged at most once. Past
        ``_MAX_WHAT_IF`` other unknowns, every unknown is worth asking about. A gate's children
        it did not judge count as met: they could be.
        """
        if not unknown:
            return []
        if len(unknown) > _MAX_WHAT_IF + 1:
            return unknown
        base = [values.get(number, MET) for number in range(len(self._plan.leaves))]
        # the answer depends on the leaves' verdicts alone: many subjects share a few patterns
        asked = self._plan.asked
        key = tuple(base)
        found = asked.get(key) if asked is not None else None
        if found is not None:
            return found
        what_if = self._plan.what_if
        # outcomes[answers]: the outcome when unknown i is met if bit i of answers is set, else unmet
        outcomes = []
        for answers in range(1 << len(unknown)):
            verdicts = base.copy()
            for bit, number in enumerate(unknown):
                verdicts[number] = _FORCED_MET if answers >> bit & 1 else _FORCED_UNMET
            outcomes.append(_concluded(what_if(subject, verdicts.__getitem__)))
        found = [
            number
            for bit, number in enumerate(unknown)
            if any(
                outcomes[answers] is not outcomes[answers | 1 << bit]
                for answers in _without(bit, len(unknown))
            )
        ]
        if asked is not None:
            if len(asked) >= _ASKED:
                asked.clear()
            asked[key] = found
        return found

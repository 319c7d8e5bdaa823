"""Combinators: criteria made of criteria, judging every child and explaining the verdict.

Every combinator but ``not_`` is monotone (a better child never makes it worse), so one rule
settles unknown children for all of them: under ``UnknownMode.block`` the result is the verdict
the children give when every unknown turns out unmet, if that equals the verdict when every
unknown turns out met, and unknown otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from funnelkit._errors import DefinitionError
from funnelkit.qualification._criteria import Criterion, assessed, is_criterion
from funnelkit.qualification._results import BY_RANK, RANK, CriterionResult, UnknownMode, Verdict


class Combinable:
    """Base of the built-in criteria: gives them ``&`` (all of), ``|`` (any of) and ``~`` (not).

    User criteria need not inherit from it; any object that satisfies :class:`Criterion` combines
    through :func:`all_of`, :func:`any_of` and :func:`not_`.
    """

    __slots__ = ()

    @property
    def id(self) -> str:
        """A stable id, unique within a framework."""
        raise NotImplementedError

    def assess(self, subject: Any) -> CriterionResult:  # noqa: ANN401 - see Criterion
        """Judge ``subject`` and say why."""
        raise NotImplementedError

    def __and__(self, other: Criterion) -> Combinable:
        """Both criteria: ``all_of(self, other)``."""
        return all_of(self, other)

    def __or__(self, other: Criterion) -> Combinable:
        """Either criterion: ``any_of(self, other)``."""
        return any_of(self, other)

    def __invert__(self) -> Combinable:
        """The opposite criterion: ``not_(self)``."""
        return not_(self)


Judged = tuple[Verdict, int | None]
"""A child's verdict and grade; ``None`` for a child left out (unknown, under ``ignore``)."""
_TOP_GRADE = 3
_MET, _PARTIAL, _UNKNOWN = Verdict.met, Verdict.partial, Verdict.unknown
_WORDS = tuple((verdict, verdict.value) for verdict in Verdict)
"""Each verdict with its word, in the order a combinator's reason counts them."""
_AS_UNMET: Judged = (Verdict.unmet, 0)
_AS_MET: Judged = (Verdict.met, _TOP_GRADE)
FLIPPED = {Verdict.met: Verdict.unmet, Verdict.unmet: Verdict.met}
"""What ``not_`` makes of a definite verdict; partial and unknown stay as they are."""
_VALUE = {Verdict.met: Decimal(1), Verdict.partial: Decimal("0.5"), Verdict.unmet: Decimal(0)}


def _grade(verdict: Verdict, grade: int | None) -> int:
    # an ungraded verdict counts as the grade it stands for
    if grade is not None:
        return grade
    return {Verdict.met: _TOP_GRADE, Verdict.partial: 1}.get(verdict, 0)


@attrs.frozen(repr=False)
class Combinator(Combinable):
    """A criterion that judges by combining the results of its children."""

    children: tuple[Criterion, ...]
    unknown: UnknownMode
    _text: str = attrs.field(init=False, eq=False, repr=False)
    _rule_text: str = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        """Write the readable form and the rule once: every result the combinator returns names them."""
        object.__setattr__(self, "_text", repr(self))
        object.__setattr__(self, "_rule_text", self._rule())

    @property
    def id(self) -> str:
        """The combinator's readable form, such as ``all_of(budget, need)``."""
        return self._text

    def assess(self, subject: Any) -> CriterionResult:  # noqa: ANN401 - see Criterion
        """Assess every child (no short cut) and combine their results.

        Raises:
            CriterionFailed: a child raised, or returned something other than a result; it names
                the child (a FunnelError a child raises on purpose passes unchanged).
        """
        return self.combine([assessed(child, subject) for child in self.children])

    def combine(self, results: Sequence[CriterionResult]) -> CriterionResult:
        """Combine the children's results, in order, into this criterion's result."""
        verdict, grade = self._resolve([(result.verdict, result.grade) for result in results])
        counts: dict[Verdict, int] = {}
        for result in results:
            counts[result.verdict] = counts.get(result.verdict, 0) + 1
        tally = ", ".join(f"{counts[verdict]} {word}" for verdict, word in _WORDS if verdict in counts)
        evidence = tuple(dict.fromkeys(name for result in results for name in result.evidence))
        return CriterionResult(
            self._text, verdict, f"{self._rule_text} ({tally})", grade, evidence, tuple(results)
        )

    def judge(self, judged: list[Judged]) -> Judged:
        """The verdict and grade for children judged so, unknowns settled by ``self.unknown``.

        Only the first two items of each child's entry are read, so a plan may pass longer ones.
        """
        return self._resolve(judged)

    def _resolve(self, judged: list[Judged]) -> Judged:
        for pair in judged:
            if pair[0] is _UNKNOWN:
                break
        else:
            return self._decide(judged)  # type: ignore[arg-type]
        if self.unknown is UnknownMode.ignore:
            known = [None if pair[0] is _UNKNOWN else pair for pair in judged]
            return self._decide(known) if any(known) else (_UNKNOWN, None)
        low = self._decide([_AS_UNMET if pair[0] is _UNKNOWN else pair for pair in judged])
        if self.unknown is UnknownMode.unmet:
            return low
        high = self._decide([_AS_MET if pair[0] is _UNKNOWN else pair for pair in judged])
        return low if low == high else (_UNKNOWN, None)

    def _decide(self, judged: list[Judged | None]) -> Judged:
        raise NotImplementedError

    def _rule(self) -> str:
        raise NotImplementedError

    def _names(self) -> str:
        names = ", ".join(child.id for child in self.children)
        mode = "" if self.unknown is UnknownMode.block else f"; unknown={self.unknown.value}"
        return names + mode


def _ranks(judged: list[Judged | None]) -> list[int]:
    return [RANK[pair[0]] for pair in judged if pair is not None]


class _AllOf(Combinator):
    def _decide(self, judged: list[Judged | None]) -> Judged:
        return BY_RANK[min(_ranks(judged))], None

    def _rule(self) -> str:
        return f"all {len(self.children)} must be met"

    def __repr__(self) -> str:
        return f"all_of({self._names()})"


class _AnyOf(Combinator):
    def _decide(self, judged: list[Judged | None]) -> Judged:
        return BY_RANK[max(_ranks(judged))], None

    def _rule(self) -> str:
        return f"one of {len(self.children)} must be met"

    def __repr__(self) -> str:
        return f"any_of({self._names()})"


class Gate(_AllOf):
    """A criterion whose first child is judged first: until it is met, the rest are not judged.

    Made by :func:`gate`. While the gate is not met, the result is the gate's own verdict (an
    unknown gate counts as unmet under ``UnknownMode.unmet``) and its only child is the gate's
    result; once it is met, all the children must be met, as in :func:`all_of`.
    """

    def assess(self, subject: Any) -> CriterionResult:  # noqa: ANN401 - see Criterion
        """Assess the gate, then, only if it is met, every other child."""
        first = assessed(self.children[0], subject)
        if first.verdict is not Verdict.met:
            waiting = ", ".join(child.id for child in self.children[1:])
            reason = f"gate {first.criterion} is {first.verdict.value}: {waiting} not judged until it is met"
            closed, _ = self._resolve([(first.verdict, first.grade)])
            return CriterionResult(self.id, closed, reason, None, first.evidence, (first,))
        return self.combine((first, *(assessed(child, subject) for child in self.children[1:])))

    def _resolve(self, judged: list[Judged]) -> Judged:
        verdict = judged[0][0]
        if verdict is Verdict.met:
            return super()._resolve(judged)
        if verdict is Verdict.unknown and self.unknown is UnknownMode.unmet:
            return Verdict.unmet, None
        return verdict, None

    def _rule(self) -> str:
        return f"gate {self.children[0].id} is met, and all of the rest must be met"

    def __repr__(self) -> str:
        return f"gate({self._names()})"


@attrs.frozen(repr=False)
class _AtLeast(Combinator):
    k: int

    def _decide(self, judged: list[Judged | None]) -> Judged:
        met = partial = 0
        for pair in judged:
            if pair is not None:
                if pair[0] is _MET:
                    met += 1
                elif pair[0] is _PARTIAL:
                    partial += 1
        if met >= self.k:
            return _MET, None
        return (_PARTIAL if met + partial >= self.k else Verdict.unmet), None

    def _rule(self) -> str:
        return f"at least {self.k} of {len(self.children)} must be met"

    def __repr__(self) -> str:
        return f"at_least({self.k}; {self._names()})"


@attrs.frozen(repr=False)
class _Weighted(Combinator):
    weights: tuple[Decimal, ...]
    threshold: Decimal

    def _decide(self, judged: list[Judged | None]) -> Judged:
        pairs = [(w, pair[0]) for w, pair in zip(self.weights, judged, strict=True) if pair is not None]
        score = sum((w * _VALUE[verdict] for w, verdict in pairs), Decimal(0))
        total = sum((w for w, _ in pairs), Decimal(0))
        return (Verdict.met if score >= self.threshold * total else Verdict.unmet), None

    def _rule(self) -> str:
        return f"weighted share of met must reach {self.threshold}"

    def __repr__(self) -> str:
        pairs = ", ".join(f"{c.id}={w}" for c, w in zip(self.children, self.weights, strict=True))
        mode = "" if self.unknown is UnknownMode.block else f"; unknown={self.unknown.value}"
        return f"weighted({self.threshold}; {pairs}{mode})"


@attrs.frozen(repr=False)
class _MinGrade(Combinator):
    minimum: int

    def _decide(self, judged: list[Judged | None]) -> Judged:
        lowest = min(_grade(pair[0], pair[1]) for pair in judged if pair is not None)
        if lowest >= self.minimum:
            return Verdict.met, lowest
        return (Verdict.partial if lowest >= 1 else Verdict.unmet), lowest

    def _rule(self) -> str:
        return f"every grade must be at least {self.minimum}; the lowest counts"

    def __repr__(self) -> str:
        return f"min_grade({self.minimum}; {self._names()})"


@attrs.frozen(repr=False)
class OneChild(Combinable):
    """A criterion that reworks the result of a single child."""

    child: Criterion

    @property
    def id(self) -> str:
        return repr(self)

    def assess(self, subject: Any) -> CriterionResult:  # noqa: ANN401 - see Criterion
        """Assess the child and rework its result; a failing child fails as in :meth:`Combinator.assess`."""
        return self.combine((assessed(self.child, subject),))

    def combine(self, results: Sequence[CriterionResult]) -> CriterionResult:
        (result,) = results
        return self._rework(result)

    def _rework(self, result: CriterionResult) -> CriterionResult:
        raise NotImplementedError


class _Not(OneChild):
    def _rework(self, result: CriterionResult) -> CriterionResult:
        flipped = FLIPPED.get(result.verdict, result.verdict)
        reason = f"the opposite of {self.child.id}"
        return CriterionResult(self.id, flipped, reason, None, result.evidence, (result,))

    def __repr__(self) -> str:
        return f"not_({self.child.id})"


class KnockOut(OneChild):
    """A criterion whose unmet verdict disqualifies; made by :func:`knock_out`."""

    def _rework(self, result: CriterionResult) -> CriterionResult:
        if result.verdict is Verdict.unmet:
            reason = f"knock-out: {self.child.id} is unmet, which disqualifies"
        else:
            reason = f"knock-out: {self.child.id} is {result.verdict.value}; unmet would disqualify"
        evidence = result.evidence
        return CriterionResult(
            self.id, result.verdict, reason, result.grade, evidence, (result,), knock_out=True
        )

    def __repr__(self) -> str:
        return f"knock_out({self.child.id})"


def _criterion(kind: str, criterion: Criterion) -> Criterion:
    given: object = criterion  # typed, but callers may pass anything
    if not is_criterion(given):
        raise DefinitionError(kind, [f"{given!r} is not a criterion: it has no id and assess(subject)"])
    return criterion


def _children(kind: str, criteria: Sequence[Criterion]) -> tuple[Criterion, ...]:
    if not criteria:
        raise DefinitionError(kind, ["give at least one criterion"])
    for criterion in criteria:
        _criterion(kind, criterion)
    ids = [criterion.id for criterion in criteria]
    repeated = sorted({name for name in ids if ids.count(name) > 1})
    if repeated:
        raise DefinitionError(kind, [f"criterion {name!r} appears more than once" for name in repeated])
    return tuple(criteria)


def all_of(*criteria: Criterion, unknown: UnknownMode = UnknownMode.block) -> Combinable:
    """Met when every criterion is met; the worst child decides.

    Example:
        >>> from funnelkit.qualification import Verdict, all_of, criterion
        >>> yes = criterion("yes", lambda subject: Verdict.met)
        >>> maybe = criterion("maybe", lambda subject: Verdict.unknown)
        >>> all_of(yes, maybe).assess(None).verdict.value
        'unknown'
        >>> all_of(yes, maybe, unknown=UnknownMode.ignore).assess(None).verdict.value
        'met'
    """
    return _AllOf(_children("all_of", criteria), unknown)


def any_of(*criteria: Criterion, unknown: UnknownMode = UnknownMode.block) -> Combinable:
    """Met when one criterion is met; the best child decides."""
    return _AnyOf(_children("any_of", criteria), unknown)


def gate(first: Criterion, *rest: Criterion, unknown: UnknownMode = UnknownMode.block) -> Combinable:
    """A gate: ``first`` is judged first, and the rest only once it is met; then all must be met.

    While ``first`` is not met, the result is its verdict and says the rest were not judged, so
    a framework asks about ``first`` before anything else (ANUM's authority).

    Example:
        >>> from funnelkit.qualification import Evidence, Verdict, criterion, gate
        >>> authority = criterion("authority", lambda subject: Verdict.unmet)
        >>> need = criterion("need", lambda subject: Verdict.met)
        >>> result = gate(authority, need).assess(Evidence())
        >>> result.verdict.value, result.reason
        ('unmet', 'gate authority is unmet: need not judged until it is met')
    """
    return Gate(_children("gate", (first, *rest)), unknown)


def not_(criterion: Criterion) -> Combinable:
    """Met when ``criterion`` is unmet and the other way round; partial and unknown stay."""
    return _Not(_criterion("not_", criterion))


def knock_out(criterion: Criterion) -> Combinable:
    """The same verdict as ``criterion``; a framework is disqualified when it is unmet."""
    return KnockOut(_criterion("knock_out", criterion))


def at_least(k: int, *criteria: Criterion, unknown: UnknownMode = UnknownMode.block) -> Combinable:
    """Met when at least ``k`` of the criteria are met (BANT's "3 of 4").

    Raises:
        DefinitionError: ``k`` is not between 1 and the number of criteria.
    """
    children = _children("at_least", criteria)
    given: object = k  # typed, but definitions come from data: check what is really there
    if isinstance(given, bool) or not isinstance(given, int) or not 1 <= given <= len(children):
        raise DefinitionError("at_least", [f"k={k!r} must be a whole number from 1 to {len(children)}"])
    return _AtLeast(children, unknown, k)


def weighted(
    threshold: Decimal | str,
    weights: Mapping[Criterion, Decimal | int | str] | Sequence[tuple[Criterion, Decimal | int | str]],
    *,
    unknown: UnknownMode = UnknownMode.block,
) -> Combinable:
    """Met when the weighted share of met criteria (partial counts half) reaches ``threshold``.

    Raises:
        DefinitionError: a weight is negative, the weights do not add up to a positive number,
            or the threshold is outside [0, 1].
    """
    pairs = list(weights.items()) if isinstance(weights, Mapping) else list(weights)
    children = _children("weighted", [criterion for criterion, _ in pairs])
    values = tuple(Decimal(weight) for _, weight in pairs)
    level = Decimal(threshold)
    problems = [
        f"weight of {c.id!r} is negative: {w}" for c, w in zip(children, values, strict=True) if w < 0
    ]
    if sum(values, Decimal(0)) <= 0:
        problems.append(f"the weights add up to {sum(values, Decimal(0))}: they must add up to more than 0")
    if not 0 <= level <= 1:
        problems.append(f"threshold {level} must be in [0, 1]")
    if problems:
        raise DefinitionError("weighted", problems)
    return _Weighted(children, unknown, values, level)


def min_grade(minimum: int, *criteria: Criterion, unknown: UnknownMode = UnknownMode.block) -> Combinable:
    """Met when every criterion's grade is at least ``minimum`` (0-3); the lowest grade counts.

    Raises:
        DefinitionError: ``minimum`` is not 0, 1, 2 or 3.
    """
    if isinstance(minimum, bool) or minimum not in range(_TOP_GRADE + 1):
        raise DefinitionError("min_grade", [f"minimum {minimum!r} must be 0, 1, 2 or 3"])
    return _MinGrade(_children("min_grade", criteria), unknown, minimum)


BUILT_IN: frozenset[type] = frozenset({_AllOf, _AnyOf, Gate, _AtLeast, _Weighted, _MinGrade, _Not, KnockOut})
"""funnelkit's own combinators, whose verdicts cannot fail; subclasses of them are the user's."""

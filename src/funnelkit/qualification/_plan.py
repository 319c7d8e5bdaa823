"""Plans: a policy compiled once into plain functions that work out verdicts without explanations.

A plan serves two needs of a framework: :meth:`~funnelkit.qualification.Framework.outcome`,
which judges a subject without building the result tree, and the "what if" questions behind
``ask_next``, which judge the policy again with some criteria's verdicts forced. Both only need
verdicts, grades and knock-outs, so a plan computes nothing else.

The built-in combinators are compiled node by node. Every other criterion is a leaf: the fact
criteria judge the subject's latest facts directly, and any other criterion is asked through its
``assess``, exactly as :meth:`~funnelkit.qualification.Framework.evaluate` asks it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import Any

from funnelkit.qualification._combinators import BUILT_IN, FLIPPED, Combinator, Gate, KnockOut, OneChild
from funnelkit.qualification._criteria import Criterion, assessed, run
from funnelkit.qualification._evidence import Fact
from funnelkit.qualification._leaves import FactCriterion, fact_verdict
from funnelkit.qualification._results import CriterionResult, Verdict

Judged = tuple[Verdict, "int | None", bool]
"""A verdict, its grade, and whether an unmet knock-out was found at or below it."""
Node = Callable[[Any], Judged]
"""A compiled criterion: it judges from a context, ``(subject, source)``, whose source its leaves
know how to read: the latest facts on the fast path, the leaves' verdicts in a "what if"."""
Latest = Mapping[str, Fact]
"""The latest fact of each name, which the fact criteria read."""
Facts = tuple[Any, Latest]
"""The context of the fast path: the subject, and its latest fact of each name."""
Leaf = Callable[[int], Judged]
"""The source of a "what if": the verdict of leaf number ``i``."""

MET: Judged = (Verdict.met, None, False)
UNKNOWN: Judged = (Verdict.unknown, None, False)
_UNMET = Verdict.unmet


def children_of(criterion: object) -> tuple[Criterion, ...] | None:
    """The children of a built-in combinator, or ``None`` for a criterion a plan treats as a leaf.

    A combinator whose ``assess`` was overridden is a leaf too: its result need not follow its
    children, so only its own verdict counts.
    """
    if isinstance(criterion, Combinator) and type(criterion).assess in (Combinator.assess, Gate.assess):
        return criterion.children
    if isinstance(criterion, OneChild) and type(criterion).assess is OneChild.assess:
        return (criterion.child,)
    return None


def knocked(result: CriterionResult) -> bool:
    """Whether ``result`` or a result below it is an unmet knock-out."""
    return any(node.knock_out and node.verdict is _UNMET for node in result.walk())


def judged(result: CriterionResult) -> Judged:
    """What a plan keeps of a leaf's result."""
    return result.verdict, result.grade, bool(result.children or result.knock_out) and knocked(result)


class Plan:
    """A policy compiled into functions; see the module's description.

    Each criterion is compiled twice: once to judge a subject from its facts (the fast path),
    once to judge from given leaf verdicts (the "what if"). Only the leaves differ.
    """

    def __init__(self, policy: Criterion) -> None:
        """Compile ``policy``."""
        self.leaves: list[Criterion] = []
        self.fast = self._compile(policy, self._fast_leaf)
        numbers = itertools.count()
        self.root = self._compile(policy, lambda _leaf: _numbered(next(numbers)))
        self.reads_facts = any(type(leaf) is FactCriterion for leaf in self.leaves)
        # built-in combinators over fact criteria cannot fail, so nothing needs naming the framework
        self.only_facts = all(type(leaf) is FactCriterion for leaf in self.leaves) and _built_in(policy)
        # what to ask next, by the leaves' verdicts; only where no user code takes part in judging
        self.asked: dict[tuple[Judged, ...], list[int]] | None = {} if _built_in(policy) else None
        # knock-outs come from knock_out and from the results of criteria the plan cannot see into
        self.may_knock = not self.only_facts or _has_knock_out(policy)
        index = {id(leaf): number for number, leaf in enumerate(self.leaves)}
        self.shape = _shape(policy, index)
        self.flat = isinstance(self.shape, tuple) and all(isinstance(leaf, int) for leaf in self.shape)

    def judge(self, subject: Any, latest: Latest) -> Judged:  # noqa: ANN401 - see Criterion
        """The policy's verdict on ``subject``, whose latest fact of each name is in ``latest``."""
        return self.fast((subject, latest))

    def what_if(self, subject: Any, leaf: Leaf) -> Judged:  # noqa: ANN401 - see Criterion
        """The policy's verdict on ``subject`` if each leaf ``i`` had the verdict ``leaf(i)``."""
        return self.root((subject, leaf))

    def judged_leaves(self, tree: CriterionResult) -> list[tuple[int, CriterionResult]]:
        """The result of each leaf the policy's result ``tree`` judged, with its number, in order.

        A gate's children that were not judged are missing.
        """
        shape = self.shape
        if self.flat:  # a policy of one combinator over leaves, such as BANT's
            return list(zip(shape, tree.children, strict=False))  # type: ignore[arg-type]
        leaves: list[tuple[int, CriterionResult]] = []

        def walk(shape: Shape, result: CriterionResult) -> None:
            if isinstance(shape, int):
                leaves.append((shape, result))
                return
            # a gate that is not met has judged only its first child
            for child, below in zip(shape, result.children, strict=False):
                walk(child, below)

        walk(self.shape, tree)
        return leaves

    def _fast_leaf(self, criterion: Criterion) -> Node:
        # the leaves are numbered as the first compilation finds them; the second finds them alike
        self.leaves.append(criterion)
        return _fact(criterion) if type(criterion) is FactCriterion else _asked(criterion)

    def _compile(self, criterion: Criterion, leaf: Callable[[Criterion], Node]) -> Node:
        children = children_of(criterion)
        if children is None:
            return leaf(criterion)
        nodes = [self._compile(child, leaf) for child in children]
        if isinstance(criterion, Gate):
            return _gate(criterion, nodes)
        if isinstance(criterion, Combinator):
            return _combinator(criterion, nodes)
        (node,) = nodes
        if isinstance(criterion, KnockOut):
            return _knock_out(node)
        return _flipped(node)


Shape = int | tuple["Shape", ...]
"""Where a policy's leaves are: a leaf's number, or the shapes of a combinator's children."""


def _shape(criterion: Criterion, index: Mapping[int, int]) -> Shape:
    children = children_of(criterion)
    if children is None:
        return index[id(criterion)]
    return tuple(_shape(child, index) for child in children)


def _built_in(criterion: Criterion) -> bool:
    """Whether ``criterion`` and every criterion below it are funnelkit's own, not subclasses."""
    children = children_of(criterion) or ()
    own = type(criterion) in BUILT_IN or type(criterion) is FactCriterion
    return own and all(_built_in(child) for child in children)


def _has_knock_out(criterion: Criterion) -> bool:
    children = children_of(criterion) or ()
    return isinstance(criterion, KnockOut) or any(_has_knock_out(child) for child in children)


def _numbered(number: int) -> Node:
    def judge(context: tuple[Any, Leaf]) -> Judged:
        return context[1](number)

    return judge


def _combinator(combinator: Combinator, nodes: list[Node]) -> Node:
    if not _built_in(combinator):
        return _users(combinator, nodes)
    judge = combinator.judge

    def node(context: Any) -> Judged:  # noqa: ANN401 - a plan's context
        judged = [child(context) for child in nodes]
        verdict, grade = judge(judged)  # type: ignore[arg-type]
        for _, _, knock in judged:
            if knock:
                return verdict, grade, True
        return verdict, grade, False

    return node


def _users(combinator: Combinator, nodes: list[Node]) -> Node:
    """A user's combinator: what its ``judge`` raises becomes a CriterionFailed, as in ``assess``."""

    def node(context: Any) -> Judged:  # noqa: ANN401 - a plan's context
        judged = [child(context) for child in nodes]
        verdict, grade = run(combinator, lambda _subject: combinator.judge(judged), context[0])  # type: ignore[arg-type]
        return verdict, grade, any(knock for _, _, knock in judged)

    return node


def _gate(gate: Gate, nodes: list[Node]) -> Node:
    first, rest = nodes[0], _combinator(gate, nodes)

    def node(context: Any) -> Judged:  # noqa: ANN401 - a plan's context
        judged = first(context)
        if judged[0] is Verdict.met:
            return rest(context)
        # the gate's verdict alone: Gate is not public, so its judge is funnelkit's and cannot fail
        closed, _ = gate.judge([judged])  # type: ignore[list-item]
        return closed, None, judged[2]

    return node


def _knock_out(child: Node) -> Node:
    def node(context: Any) -> Judged:  # noqa: ANN401 - a plan's context
        verdict, grade, knock = child(context)
        return verdict, grade, knock or verdict is _UNMET

    return node


def _flipped(child: Node) -> Node:
    def node(context: Any) -> Judged:  # noqa: ANN401 - a plan's context
        verdict, _, knock = child(context)
        return FLIPPED.get(verdict, verdict), None, knock

    return node


def _fact(criterion: FactCriterion) -> Node:
    name = criterion.fact

    def judge(context: Facts) -> Judged:
        found = context[1].get(name)
        if found is None:
            return UNKNOWN
        return fact_verdict(found), found.grade, False

    return judge


def _asked(criterion: Criterion) -> Node:
    def judge(context: Facts) -> Judged:
        return judged(assessed(criterion, context[0]))

    return judge

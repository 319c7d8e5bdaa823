"""Stage gates: what an opportunity must meet, well enough backed, before it enters a stage.

A framework's milestones and criteria are mapped onto a pipeline's stages here, and each gate is
judged as a one-criterion framework, so its result reads like any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from funnelkit._errors import DefinitionError
from funnelkit._table import Guard
from funnelkit.qualification import QUESTIONS as _QUESTIONS
from funnelkit.qualification import Criterion, Framework, Outcome, Summary, fact, min_grade

if TYPE_CHECKING:
    from funnelkit._pipeline import Pipeline

GATE = "passes_gate"
"""The guard on every transition into a stage that requires facts."""
GATED_EVENTS = ("advance", "skip")
"""Moving forward passes gates; moving back, reopening and recording do not."""


def gate_framework(
    stage: str, requires: tuple[str, ...], grade: int, framework: Framework | None
) -> Framework:
    """The one-criterion framework a stage's gate is judged by, so its result reads like any other.

    Each name ``requires`` is the criterion of that id in ``framework``, if it has one, and
    otherwise the fact of that name; each must reach ``grade``.
    """
    criteria = [_criterion(name, framework) for name in requires]
    return Framework(f"{stage}_gate", "1", min_grade(grade, *criteria))


def _criterion(name: str, framework: Framework | None) -> Criterion:
    found = framework.criterion(name) if framework is not None else None
    return found if found is not None else fact(name, _QUESTIONS.get(name, f"What is known about {name}?"))


def result_guard(key: str, description: str, missing: str) -> Guard:
    """A guard that passes when the payload's ``key`` holds a qualified framework Summary.

    Its failure names every criterion that was not met, so the error says what to fix.
    """

    def passes(_subject: object, payload: Mapping[str, object]) -> bool:
        summary = payload.get(key)
        return isinstance(summary, Summary) and summary.outcome == Outcome.qualified.value

    def why_not(_subject: object, payload: Mapping[str, object]) -> str:
        summary = payload.get(key)
        if not isinstance(summary, Summary):
            return missing
        failing = ", ".join(f"{name} {verdict}" for name, verdict in summary.verdicts if verdict != "met")
        return f"{summary.framework} {summary.version} says {summary.outcome}; not met: {failing}"

    return Guard(passes, description, reads_payload=True, explain=why_not)


GATE_GUARD = result_guard(
    "gate", "the stage's required facts must be met", "entering this stage needs the result of its gate"
)


def gate_requirements(
    pipeline: Pipeline,
    framework: Framework,
    milestones: Mapping[str, str] | None,
    requires: Mapping[str, Iterable[str]] | None,
) -> dict[str, tuple[str, ...]]:
    """Each stage's criteria from ``framework``, as :meth:`~funnelkit.Pipeline.gated_by` maps them."""
    where = f"gating pipeline {pipeline.name!r} by framework {getattr(framework, 'id', framework)!r}"
    given: object = framework  # typed, but checked: a gate needs a real framework
    if not isinstance(given, Framework):
        raise DefinitionError(where, [f"{framework!r} is not a Framework"])
    ids = [stage.value for stage in pipeline.stages]
    if milestones is None and requires is None:
        milestones = _by_order(ids, framework, where)
    problems = []
    if pipeline.framework is not None:
        problems.append(f"it is gated by {pipeline.framework.id!r} already: gate the pipeline it came from")
    mapped: dict[str, tuple[str, ...]] = {}
    for stage, milestone in (milestones or {}).items():
        name: object = milestone  # typed, but an unhashable one must not raise TypeError
        found = framework.milestones.get(milestone) if isinstance(name, str) else None
        if found is None:
            problems.append(
                f"milestone {milestone!r} is not one of its milestones: {list(framework.milestones)}"
            )
        mapped[stage] = found or ()
    known = [criterion.id for criterion in framework.criteria]
    for stage, names in (requires or {}).items():
        listed = (names,) if isinstance(names, str) else tuple(names)
        problems.extend(
            f"criterion {name!r} is not one of its criteria: {known}" for name in listed if name not in known
        )
        mapped[stage] = (*mapped.get(stage, ()), *listed)
    problems.extend(
        f"stage {stage!r} is not one of the open stages: {ids}" for stage in mapped if stage not in ids
    )
    if ids[0] in mapped:
        problems.append(f"stage {ids[0]!r} is the first: nothing advances into it, so it cannot be gated")
    if problems:
        raise DefinitionError(where, problems)
    return mapped


def _by_order(ids: list[str], framework: Framework, where: str) -> dict[str, str]:
    """The framework's milestones on the last open stages: the last milestone on the last stage."""
    count = len(framework.milestones)
    if not count:
        raise DefinitionError(
            where, ["the framework has no milestones: say what each stage requires with requires="]
        )
    if count > len(ids) - 1:
        problem = (
            f"the framework has {count} milestones for the {len(ids) - 1} open stages after the first: "
            "map them with milestones="
        )
        raise DefinitionError(where, [problem])
    return dict(zip(ids[len(ids) - count :], framework.milestones, strict=True))

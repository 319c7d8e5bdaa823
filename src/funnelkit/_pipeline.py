"""Opportunity pipelines defined as data and built into validated lifecycles."""

from __future__ import annotations

import enum
import functools
import itertools
import keyword
from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs
from statemachine import State, StateMachine

from funnelkit._errors import DefinitionError
from funnelkit._fields import JSON_AS, REFERENCE
from funnelkit._gates import GATE, GATE_GUARD, GATED_EVENTS, gate_framework, gate_requirements
from funnelkit._table import Guard, TransitionTable
from funnelkit.qualification import Criterion, Framework

WON = "won"
LOST = "lost"


class ForecastCategory(str, enum.Enum):
    """Where an opportunity's amount counts in a forecast."""

    pipeline = "pipeline"
    best_case = "best_case"
    commit = "commit"
    closed = "closed"
    omitted = "omitted"


def _names(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(names)


@attrs.frozen
class Stage:
    """One stage of a pipeline: its id, its default win probability and its forecast category.

    A probability of ``None`` means unknown, which is never the same as 0.

    Example:
        >>> from decimal import Decimal
        >>> from funnelkit import ForecastCategory, Stage
        >>> Stage("proof", Decimal("0.6"), ForecastCategory.best_case).is_open
        True
    """

    value: str
    """The stage's id, the value of ``opportunity.status``."""
    probability: Decimal | None
    forecast_category: ForecastCategory
    requires: tuple[str, ...] = attrs.field(default=(), converter=_names)
    """Facts an opportunity must have (at the pipeline's ``stage_grade``) to enter the stage."""

    @property
    def is_open(self) -> bool:
        """Whether the opportunity is still being worked (neither won nor lost)."""
        return self.value not in (WON, LOST)

    @property
    def is_won(self) -> bool:
        """Whether the stage is the pipeline's won stage."""
        return self.value == WON


EVENTS = (
    "advance",
    "move_back",
    "skip",
    "win",
    "lose",
    "reopen",
    "record",
    "estimate",
    "set_forecast",
    "assign",
    "note_buyer_stage",
    "set_fields",
    "tag",
    "untag",
    "update_account",
    "add_contact",
    "remove_contact",
)
DESCRIBING = ("set_fields", "tag", "untag", "update_account", "add_contact", "remove_contact")
"""The events that describe an opportunity (its custom fields, tags, account and buying
committee), allowed in any stage but won, which is final."""
RESERVED = frozenset(EVENTS) | frozenset(dir(StateMachine))
"""Ids a stage may not take: they would clash with the lifecycle class built from the pipeline."""

WON_STAGE = Stage(WON, Decimal(1), ForecastCategory.closed)
LOST_STAGE = Stage(LOST, Decimal(0), ForecastCategory.omitted)


def _as_tuple(stages: Iterable[Stage]) -> tuple[Stage, ...]:
    return tuple(stages)


@attrs.frozen
class Pipeline:
    """An opportunity pipeline: ordered open stages and the moves allowed between them.

    Every pipeline ends in two stages funnelkit adds, ``won`` (probability 1, closed) and ``lost``
    (probability 0, omitted). Its lifecycle has the events ``advance`` (to the next stage),
    ``move_back`` (to the previous one, if ``allow_back``), ``skip`` (``to=`` a later stage, if
    ``allow_skip``), ``win`` (from any open stage that no gated stage follows: winning passes no
    gate), ``lose`` (from any open stage, with a reason), ``reopen`` (from lost, to
    ``reopen_to``), and ``record``, ``estimate`` and ``set_forecast``, which keep the stage, and
    ``assign`` (in any stage but won, which is final: assign the client instead), and
    ``note_buyer_stage`` (in any open stage), and ``set_fields``, ``tag``, ``untag``,
    ``update_account``, ``add_contact`` and ``remove_contact``, which keep the stage (in any
    stage but won).

    Example:
        >>> from decimal import Decimal
        >>> from funnelkit import ForecastCategory as F, Pipeline, Stage
        >>> quick = Pipeline("quick", (Stage("talk", Decimal("0.2"), F.pipeline),
        ...                            Stage("offer", Decimal("0.7"), F.commit)))
        >>> quick.table.by_status["talk"]  # doctest: +NORMALIZE_WHITESPACE
        ('advance', 'win', 'lose', 'record', 'estimate', 'set_forecast', 'assign', 'note_buyer_stage',
         'set_fields', 'tag', 'untag', 'update_account', 'add_contact', 'remove_contact')
        >>> Pipeline("broken", ())
        Traceback (most recent call last):
        ...
        funnelkit.DefinitionError: pipeline 'broken' is not a valid definition:
          - it has no stages: give at least one open stage
    """

    name: str
    stages: tuple[Stage, ...] = attrs.field(converter=_as_tuple)
    """The open stages, in the order an opportunity advances through them."""
    allow_skip: bool = False
    allow_back: bool = True
    start: str | None = None
    """The stage new opportunities start in; the first stage when ``None``."""
    reopen_to: str | None = None
    """The stage a reopened opportunity returns to; ``start`` when ``None``."""
    stage_grade: int = 2
    """The grade (0-3) a stage's required facts must reach: 2 is "validated"."""
    version: int = 1
    """Which definition of the pipeline this is; stored events name a pipeline by name and version."""
    framework: Framework | None = attrs.field(default=None, metadata={JSON_AS: REFERENCE})
    """The framework whose criteria the stages' requirements name, set by :meth:`gated_by`.

    A requirement it has no criterion for names a fact. Its criteria are code, so stored data
    names the framework by id and version only: pass a gated pipeline to :func:`~funnelkit.load`.
    """
    lifecycle: type[StateMachine] = attrs.field(init=False, eq=False, repr=False)
    table: TransitionTable = attrs.field(init=False, eq=False, repr=False)
    by_value: Mapping[str, Stage] = attrs.field(init=False, eq=False, repr=False)
    gates: Mapping[str, Framework] = attrs.field(init=False, eq=False, repr=False)
    """For each stage that requires something, the framework that judges its gate."""

    def __attrs_post_init__(self) -> None:
        """Check the definition, then build and derive its lifecycle."""
        problems = _problems(self)
        if problems:
            raise DefinitionError(f"pipeline {self.name!r}", problems)
        stages = {stage.value: stage for stage in (*self.stages, WON_STAGE, LOST_STAGE)}
        object.__setattr__(self, "by_value", MappingProxyType(stages))
        gates = {
            stage.value: gate_framework(stage.value, stage.requires, self.stage_grade, self.framework)
            for stage in self.stages
            if stage.requires
        }
        object.__setattr__(self, "gates", MappingProxyType(gates))
        lifecycle = _build(self)
        object.__setattr__(self, "lifecycle", lifecycle)
        guards = {**_skip_guards(self), GATE: GATE_GUARD}
        object.__setattr__(self, "table", TransitionTable.derive(lifecycle, guards))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the definition; the lifecycle class is built again (once per definition)."""
        return (rebuilt, tuple(getattr(self, name) for name in DEFINITION))

    @property
    def key(self) -> tuple[str, int]:
        """The pipeline's name and version, by which stored events refer to it."""
        return (self.name, self.version)

    def requirement(self, stage: str) -> Criterion | None:
        """The criterion an opportunity must meet to enter ``stage``, or ``None`` for no gate."""
        gate = self.gates.get(stage)
        return gate.policy if gate is not None else None

    def gated_by(
        self,
        framework: Framework,
        milestones: Mapping[str, str] | None = None,
        *,
        requires: Mapping[str, Iterable[str]] | None = None,
        name: str | None = None,
    ) -> Pipeline:
        """This pipeline with stage gates from ``framework``'s criteria.

        ``milestones`` maps stage ids to the framework's milestones (``{"quote": "prove"}``), and
        ``requires`` maps stage ids to criteria of the framework (``{"trial": ["pain"]}``). With
        neither, the milestones map by stage order: the last milestone gates the last open stage,
        the one before it the stage before, and so on. Requirements a stage already has are kept.

        The gated pipeline is another definition, so it takes another name: ``name``, or by
        default ``"default+meddic"`` (this pipeline's and the framework's). Stored events name a
        pipeline by name and version, so give two gatings of one pipeline different names.

        Raises:
            DefinitionError: a stage id the pipeline lacks, a milestone or criterion the framework
                lacks, the first stage (nothing advances into it), more milestones than the
                stages after the first, a framework with no milestones and no ``requires``, or a
                pipeline gated already.

        Example:
            >>> import funnelkit as fk
            >>> import funnelkit.qualification as q
            >>> gated = fk.DEFAULT_PIPELINE.gated_by(q.meddic(), {"evaluation": "discover"})
            >>> gated.name, gated.by_value["evaluation"].requires
            ('default+meddic', ('pain', 'metrics'))
        """
        mapped = gate_requirements(self, framework, milestones, requires)
        stages = tuple(
            attrs.evolve(
                stage, requires=tuple(dict.fromkeys((*stage.requires, *mapped.get(stage.value, ()))))
            )
            for stage in self.stages
        )
        name = f"{self.name}+{framework.id}" if name is None else name
        return attrs.evolve(
            self, name=name, stages=stages, stage_grade=framework.stage_grade, framework=framework
        )

    @property
    def first(self) -> Stage:
        """The stage new opportunities start in."""
        return self.by_value[self.start or self.stages[0].value]


DEFINITION = (
    "name",
    "stages",
    "allow_skip",
    "allow_back",
    "start",
    "reopen_to",
    "stage_grade",
    "version",
    "framework",
)


@functools.lru_cache(maxsize=256)
def rebuilt(*definition: Any) -> Pipeline:  # noqa: ANN401 - the fields in DEFINITION's order
    """The pipeline of this definition, built once however often it is loaded or unpickled."""
    # building a pipeline builds its lifecycle class: unpickling or loading one definition twice reuses it
    return Pipeline(*definition)


def _problems(pipeline: Pipeline) -> list[str]:
    if not pipeline.stages:
        return ["it has no stages: give at least one open stage"]
    problems: list[str] = []
    version: object = pipeline.version
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        problems.append(f"version {version!r} must be a whole number from 1")
    seen: set[str] = set()
    for index, stage in enumerate(pipeline.stages):
        problems.extend(f"stage {index} ({stage.value!r}) {fault}" for fault in _stage_faults(stage, seen))
        seen.add(stage.value)
    if pipeline.stages[0].requires:
        first = pipeline.stages[0].value
        problems.append(
            f"stage 0 ({first!r}) requires {pipeline.stages[0].requires!r}, but nothing advances into "
            "the first stage, so its gate would never be judged: require them of a later stage"
        )
    if isinstance(pipeline.stage_grade, bool) or pipeline.stage_grade not in range(4):
        problems.append(f"stage_grade {pipeline.stage_grade!r} must be 0, 1, 2 or 3")
    for option in ("start", "reopen_to"):
        value = getattr(pipeline, option)
        if value is not None and value not in seen:
            problems.append(f"{option} {value!r} is not one of its stages: {sorted(seen)}")
    if not problems:
        problems.extend(_unreachable(pipeline))
    return problems


def _stage_faults(stage: Stage, seen: set[str]) -> list[str]:
    # the fields are typed, but a definition may come from anywhere: check what is really there
    value: object = stage.value
    probability: object = stage.probability
    category: object = stage.forecast_category
    faults = []
    if not isinstance(value, str) or not value.isidentifier() or keyword.iskeyword(value):
        faults.append("needs a Python identifier as its id, such as 'proof'")
    elif stage.value in (WON, LOST):
        faults.append("uses a reserved id: 'won' and 'lost' are added to every pipeline")
    elif stage.value in RESERVED:
        faults.append("uses a reserved id: it names an event or an attribute of the lifecycle")
    elif stage.value in seen:
        faults.append("repeats an earlier stage's id")
    if probability is not None and not (isinstance(probability, Decimal) and 0 <= probability <= 1):
        faults.append(f"has probability {probability!r}: give a Decimal in [0, 1], or None for unknown")
    if not isinstance(category, ForecastCategory):
        faults.append(f"has forecast category {stage.forecast_category!r}: use a ForecastCategory")
    required: tuple[object, ...] = stage.requires
    if not all(isinstance(name, str) and name.isidentifier() for name in required):
        faults.append(f"requires {stage.requires!r}: name facts, such as 'economic_buyer'")
    return faults


def _moves(pipeline: Pipeline) -> dict[str, list[tuple[str, str]]]:
    """Each event's (source, target) moves, in declaration order."""
    ids = [stage.value for stage in pipeline.stages]
    moves: dict[str, list[tuple[str, str]]] = {
        "advance": list(itertools.pairwise(ids)),
        "move_back": [(later, earlier) for earlier, later in itertools.pairwise(ids)]
        if pipeline.allow_back
        else [],
        "skip": [
            (source, target)
            for index, source in enumerate(ids)
            for target in ids[index + 1 :]
            if pipeline.allow_skip
        ],
        # winning from a stage passes no gate, so only from stages no gated stage follows
        "win": [(source, WON) for source in ids[_last_gated(pipeline) :]],
        "lose": [(source, LOST) for source in ids],
        "reopen": [(LOST, pipeline.reopen_to or pipeline.start or ids[0])],
        "record": [(stage, stage) for stage in ids],
        "estimate": [(stage, stage) for stage in ids],
        "set_forecast": [(stage, stage) for stage in ids],
        # won is final, so a won deal keeps its owner; its client is assigned instead
        "assign": [(stage, stage) for stage in (*ids, LOST)],
        "note_buyer_stage": [(stage, stage) for stage in ids],
        **{event: [(stage, stage) for stage in (*ids, LOST)] for event in DESCRIBING},
    }
    return {event: pairs for event, pairs in moves.items() if pairs}


def _last_gated(pipeline: Pipeline) -> int:
    """The index of the last open stage that requires something, or 0 when none does."""
    return max((index for index, stage in enumerate(pipeline.stages) if stage.requires), default=0)


def _unreachable(pipeline: Pipeline) -> list[str]:
    edges = [pair for pairs in _moves(pipeline).values() for pair in pairs]
    reached = {pipeline.start or pipeline.stages[0].value}
    frontier = list(reached)
    while frontier:
        source = frontier.pop()
        for edge_source, target in edges:
            if edge_source == source and target not in reached:
                reached.add(target)
                frontier.append(target)
    return [
        f"stage {stage.value!r} is unreachable from the start stage: allow moving back, or start earlier"
        for stage in pipeline.stages
        if stage.value not in reached
    ]


def _build(pipeline: Pipeline) -> type[StateMachine]:
    start = pipeline.first.value
    states = {stage.value: State(initial=stage.value == start) for stage in pipeline.stages}
    states[WON] = State(final=True)
    states[LOST] = State()
    namespace: dict[str, Any] = dict(states)
    for event, pairs in _moves(pipeline).items():
        transitions = [
            states[source].to(states[target], cond=_conditions(pipeline, event, target))
            for source, target in pairs
        ]
        combined = transitions[0]
        for transition in transitions[1:]:
            combined |= transition
        namespace[event] = combined
    namespace["__doc__"] = f"The lifecycle of opportunities in the {pipeline.name!r} pipeline."
    return type(_class_name(pipeline.name), (StateMachine,), namespace)


def _conditions(pipeline: Pipeline, event: str, target: str) -> list[str]:
    conditions = [f"to_{target}"] if event == "skip" else []
    if event in GATED_EVENTS and pipeline.by_value[target].requires:
        conditions.append(GATE)
    return conditions


def _class_name(name: str) -> str:
    words = "".join(char if char.isalnum() else " " for char in name).split()
    return "".join(word.capitalize() for word in words) + "Pipeline"


def _skip_guards(pipeline: Pipeline) -> dict[str, Guard]:
    if not pipeline.allow_skip:
        return {}
    return {f"to_{stage.value}": _skip_to(stage.value) for stage in pipeline.stages}


def _skip_to(value: str) -> Guard:
    def test(_subject: object, payload: Mapping[str, object]) -> bool:
        return payload.get("to") == value

    return Guard(test, f"skip needs to={value!r} to reach this stage", reads_payload=True)


DEFAULT_PIPELINE = Pipeline(
    "default",
    (
        Stage("discovery", Decimal("0.10"), ForecastCategory.pipeline),
        Stage("evaluation", Decimal("0.25"), ForecastCategory.pipeline),
        Stage("trial", Decimal("0.40"), ForecastCategory.best_case),
        Stage("proof", Decimal("0.60"), ForecastCategory.best_case),
        Stage("negotiation", Decimal("0.80"), ForecastCategory.commit),
    ),
)
"""The pipeline opportunities follow unless given another."""

"""Charts as SVG text: the funnel, conversion by cohort, and the pipeline change's waterfall.

Each function returns a complete, standalone SVG document as a string; writing it anywhere is
the caller's business. The drawings are plain (bars, labels, one accent colour) and the same
input always gives the same text.
"""

from __future__ import annotations

from decimal import Decimal

from funnelkit._errors import InvalidInput, Problem
from funnelkit.analytics._change import ENTERING, LEAVING, PipelineChange
from funnelkit.analytics._records import STEPS
from funnelkit.analytics._report import Report

WIDTH = 720
BAR = 28
GAP = 10
LEFT = 130
"""Room for the labels left of the bars."""
RIGHT = 150
"""Room for the figures right of the bars."""
TOP = 48
FONT = "font-family='Helvetica, Arial, sans-serif'"
BLUE, GREEN, RED, GREY = "#3b6ea8", "#3c8d5a", "#b5473a", "#8a8f98"


def _escaped(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;")


def _document(title: str, height: int, body: list[str]) -> str:
    return "\n".join(
        [
            (
                f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' height='{height}' "
                f"viewBox='0 0 {WIDTH} {height}' role='img' aria-label='{_escaped(title)}' font-size='13'>"
            ),
            f"<title>{_escaped(title)}</title>",
            f"<rect width='{WIDTH}' height='{height}' fill='white'/>",
            f"<text x='16' y='28' {FONT} font-size='16' font-weight='bold'>{_escaped(title)}</text>",
            *body,
            "</svg>",
            "",
        ]
    )


def _bar(row: int, start: float, length: float, *, colour: str, label: str, figure: str) -> list[str]:
    """Row ``row``'s label, its bar from ``start`` (pixels into the bars' span) and its figure."""
    y = TOP + row * (BAR + GAP)
    middle = y + BAR / 2 + 5
    length = max(length, 1)  # a bar of nothing still shows where it is
    end = LEFT + start + length
    return [
        f"<text x='{LEFT - 10}' y='{middle:.1f}' {FONT} text-anchor='end'>{_escaped(label)}</text>",
        f"<rect x='{LEFT + start:.1f}' y='{y}' width='{length:.1f}' height='{BAR}' fill='{colour}'/>",
        f"<text x='{end + 8:.1f}' y='{middle:.1f}' {FONT}>{_escaped(figure)}</text>",
    ]


def _span() -> float:
    return WIDTH - LEFT - RIGHT


def funnel_chart(report: Report, *, title: str = "Funnel: journeys reaching each step") -> str:
    """The funnel: a bar per step, as long as the journeys that reached it, with the step-to-step rate.

    ``report`` is a report without ``by`` (a grouped one has a funnel per group: filter with
    ``where`` instead). The steps before the first that any journey reached are left out (deals
    imported without their leads start at ``opportunity``).
    """
    _ungrouped(report, "funnel_chart")
    reached = [(step, int(report.value("reached", step=step) or 0)) for step in STEPS]  # type: ignore[call-overload]
    first = next((index for index, (_, number) in enumerate(reached) if number), 0)
    most = max((number for _, number in reached), default=0) or 1
    body: list[str] = []
    for row, (step, number) in enumerate(reached[first:]):
        length = _span() * number / most
        before = STEPS[first + row - 1]
        rate = report.value("conversion_rate", **{"from": before, "to": step}) if row else None
        figure = f"{number:,}" + ("" if rate is None else f"  ({100 * float(rate):.1f}% of {before})")  # type: ignore[arg-type]
        body += _bar(row, (_span() - length) / 2, length, colour=BLUE, label=step, figure=figure)
    return _document(title, TOP + (len(STEPS) - first) * (BAR + GAP) + 10, body)


def cohort_chart(report: Report, *, start: str = "lead", end: str = "won", title: str | None = None) -> str:
    """Conversion from ``start`` to ``end`` for each cohort: a report grouped ``by=("cohort",)``."""
    problems = [
        Problem((name,), f"must be one of the funnel's steps {', '.join(STEPS)}", step)
        for name, step in (("start", start), ("end", end))
        if step not in STEPS
    ]
    if not problems and STEPS.index(end) <= STEPS.index(start):
        problems.append(Problem(("end",), f"must be a step after {start!r}", end))
    if report.by != ("cohort",):
        problems.append(Problem(("report",), "must be grouped by=('cohort',)", report.by))
    if problems:
        raise InvalidInput("cannot draw the cohort chart", problems)
    rows = [
        row
        for row in report.rows()
        if row["metric"] == "conversion_rate" and row["from"] == start and row["to"] == end
    ]
    body: list[str] = []
    for index, row in enumerate(rows):
        rate = float(row["value"])  # type: ignore[arg-type]
        reached = report.value("reached", cohort=row["cohort"], step=start)
        figure = f"{100 * rate:.1f}% of {reached:,}"
        body += _bar(index, 0, _span() * rate, colour=BLUE, label=str(row["cohort"]), figure=figure)
    heading = title or f"Conversion from {start} to {end}, by cohort"
    return _document(heading, TOP + max(len(rows), 1) * (BAR + GAP) + 10, body)


def waterfall_chart(change: PipelineChange, *, currency: str, title: str | None = None) -> str:
    """The pipeline change as a waterfall: start, each step up or down, end, in ``currency``.

    Raises:
        InvalidInput: ``currency`` is none of the change's currencies.
    """
    if currency not in change.currencies:
        known = ", ".join(change.currencies) or "none: no deal was in scope at either date"
        problem = Problem(("currency",), f"must be one of the change's currencies, {known}", currency)
        raise InvalidInput("cannot draw the pipeline change", [problem])
    steps = [("start", change.value("start", currency))]
    steps += [(step, change.value(step, currency)) for step in (*ENTERING, "increased")]
    steps += [
        (step, -change.value(step, currency)) for step in ("decreased", *LEAVING, "pushed_beyond_horizon")
    ]
    moves = [(step, value) for step, value in steps[1:] if value]
    levels = [steps[0][1]]
    for _, value in moves:
        levels.append(levels[-1] + value)
    scale = max([abs(level) for level in levels] + [Decimal(1)])
    body: list[str] = []
    shown = [("start", Decimal(0), steps[0][1], GREY)]
    for (step, value), before in zip(moves, levels, strict=False):
        shown.append((step, before, before + value, GREEN if value > 0 else RED))
    shown.append(("end", Decimal(0), levels[-1], GREY))
    for row, (step, low, high, colour) in enumerate(shown):
        left, right = sorted((low, high))
        figure = f"{high - low:+,}" if step not in ("start", "end") else f"{high:,}"
        start, length = float(left / scale) * _span(), float((right - left) / scale) * _span()
        body += _bar(row, start, length, colour=colour, label=step, figure=figure)
    heading = title or f"Pipeline change in {currency}, {change.start.date()} to {change.end.date()}"
    return _document(heading, TOP + len(shown) * (BAR + GAP) + 10, body)


def _ungrouped(report: Report, chart: str) -> None:
    if report.by:
        problem = Problem(("report",), "must not be grouped: filter it with where= instead", report.by)
        raise InvalidInput(f"cannot draw the {chart}", [problem])

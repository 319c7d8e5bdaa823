"""Draw a state diagram as SVG: statuses in one column, buses for the transitions that jump.

The statuses stand in one column, in an order that follows the transitions from the start (a
transition back up the column is one that a depth-first walk from the start finds going back).
A transition between two neighbours in the column is a straight arrow in the gap between them.
Every other transition runs along a bus on the left: a vertical line that each source joins
from the left side of its box, ending in one labelled arrow into the target. Transitions with the
same name into the same status share one bus, so the label is written once. A transition that
stays in its status is a loop on the right of the box; the final statuses point at an end mark.
"""

from __future__ import annotations

import functools
import hashlib
import html
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

FONT = 14.0
SMALL = 12.5
BOX_HEIGHT = 34.0
BOX_PAD = 16.0
MIN_WIDTH = 64.0
ROW_GAP = 46.0
PORT_GAP = 10.0
LABELLED_PORT_GAP = 19.0
LANE_GAP = 18.0
LOOP = 30.0
MARGIN = 14.0
START_ROOM = 42.0
_NARROW = frozenset("iljtfrI.,:;'!|()[] ")
_WIDE = frozenset("mwMW")


@dataclass
class Diagram:
    """A state diagram: each status with its label, the start, the final statuses, the transitions."""

    labels: dict[str, str]
    initial: str
    finals: list[str]
    transitions: list[tuple[str, str, str]]
    """Each transition as (source, target, label), in the order declared."""


def text_width(text: str, size: float = FONT) -> float:
    """An estimate of ``text``'s width in a sans-serif font, generous enough to hold it."""
    ems = sum(0.3 if c in _NARROW else 0.86 if c in _WIDE else 0.68 if c.isupper() else 0.56 for c in text)
    return ems * size


@dataclass
class _Bus:
    target: str
    label: str
    sources: list[str]
    x: float = 0.0
    rows: tuple[int, int] = (0, 0)


@dataclass
class _Port:
    bus: _Bus
    entry: bool
    y: float = 0.0


@dataclass
class _Box:
    status: str
    row: int
    width: float
    ports: list[_Port] = field(default_factory=list)
    height: float = BOX_HEIGHT
    y: float = 0.0

    @property
    def left(self) -> float:
        return -self.width / 2

    @property
    def top(self) -> float:
        return self.y - self.height / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height / 2


class _Canvas:
    """SVG elements, drawn in order, and the rectangle that holds them all."""

    def __init__(self, marker: str) -> None:
        self.marker = marker
        self.parts: list[str] = []
        self.left = self.top = self.right = self.bottom = 0.0

    def hold(self, left: float, top: float, right: float, bottom: float) -> None:
        """Grow the picture to hold this rectangle."""
        self.left, self.top = min(self.left, left), min(self.top, top)
        self.right, self.bottom = max(self.right, right), max(self.bottom, bottom)

    def line(self, points: Sequence[tuple[float, float]], *, arrow: bool = True) -> None:
        path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(points))
        end = f' marker-end="url(#{self.marker})"' if arrow else ""
        self.parts.append(f'<path class="edge" d="{path}"{end}/>')
        for x, y in points:
            self.hold(x, y, x, y)

    def dot(self, x: float, y: float, radius: float, kind: str) -> None:
        self.parts.append(f'<circle class="{kind}" cx="{x:.1f}" cy="{y:.1f}" r="{radius}"/>')
        self.hold(x - radius, y - radius, x + radius, y + radius)

    def label(
        self, text: str, x: float, y: float, anchor: str, *, size: float = SMALL, back: bool = True
    ) -> None:
        """A label whose ``anchor`` side (``start``, ``middle`` or ``end``) is at ``x``, centred on ``y``."""
        width = text_width(text, size)
        left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        if back:
            self.parts.append(
                f'<rect class="edge-label-back" x="{left - 3:.1f}" y="{y - size * 0.7:.1f}" '
                f'width="{width + 6:.1f}" height="{size * 1.4:.1f}" rx="3"/>'
            )
        kind = "edge-label" if size == SMALL else "state-label"
        self.parts.append(
            f'<text class="{kind}" x="{x:.1f}" y="{y + size * 0.35:.1f}" text-anchor="{anchor}" '
            f'font-size="{size}">{html.escape(text)}</text>'
        )
        self.hold(left - 3, y - size * 0.7, left + width + 3, y + size * 0.7)


def draw(diagram: Diagram) -> str:
    """The diagram as one ``<svg>`` element, sized to what it holds."""
    loops, between = _transitions(diagram)
    rows = _rows(diagram, between)
    row_of = {status: index for index, status in enumerate(rows)}
    straight, buses = _routes(between, row_of)
    boxes = {
        status: _Box(status, row_of[status], max(MIN_WIDTH, text_width(diagram.labels[status]) + 2 * BOX_PAD))
        for status in rows
    }
    _place(boxes, rows, buses)
    canvas = _Canvas("arrow-" + hashlib.sha256(repr(diagram).encode()).hexdigest()[:8])
    first = boxes[rows[0]]
    canvas.dot(0.0, first.top - START_ROOM + 8, 8, "start")
    canvas.line([(0.0, first.top - START_ROOM + 16), (0.0, first.top - 1)])
    for (upper, lower), labels in straight.items():
        _straight(canvas, boxes[rows[upper]], boxes[rows[lower]], labels)
    for bus in buses:
        _bus(canvas, bus, boxes)
    for status in rows:
        _box(canvas, boxes[status], diagram, loops.get(status), final=status in diagram.finals)
    left, top = canvas.left - MARGIN, canvas.top - MARGIN
    right, bottom = canvas.right + MARGIN, canvas.bottom + MARGIN
    body = "\n".join(canvas.parts)
    title = html.escape(f"State diagram of {', '.join(diagram.labels.values())}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="state-diagram" '
        f'viewBox="{left:.0f} {top:.0f} {right - left:.0f} {bottom - top:.0f}" '
        f'width="{right - left:.0f}" height="{bottom - top:.0f}" font-family="sans-serif">\n'
        f"<title>{title}</title>\n"
        f'<defs><marker id="{canvas.marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path class="arrowhead" d="M0,0 L10,5 L0,10 z"/>'
        f"</marker></defs>\n{body}\n</svg>"
    )


def _transitions(diagram: Diagram) -> tuple[dict[str, list[str]], dict[tuple[str, str], str]]:
    """Each status's self-loops, and one label for each pair of statuses a transition joins."""
    loops: dict[str, list[str]] = {}
    pairs: dict[tuple[str, str], list[str]] = {}
    for source, target, label in diagram.transitions:
        names = loops.setdefault(source, []) if source == target else pairs.setdefault((source, target), [])
        if label not in names:
            names.append(label)
    return loops, {pair: ", ".join(names) for pair, names in pairs.items()}


def _rows(diagram: Diagram, between: Mapping[tuple[str, str], str]) -> list[str]:
    """The column's order: each status after those it comes from, but for the transitions back."""
    order = {status: index for index, status in enumerate(diagram.labels)}
    outgoing: dict[str, list[str]] = {status: [] for status in diagram.labels}
    for source, target in between:
        outgoing[source].append(target)
    back = _back(diagram, outgoing)
    waiting = dict.fromkeys(diagram.labels, 0)
    for source, target in between:
        if (source, target) not in back:
            waiting[target] += 1
    rows: list[str] = []
    ready = [status for status, count in waiting.items() if count == 0]
    while ready:
        status = min(ready, key=lambda name: (name != diagram.initial, order[name]))
        ready.remove(status)
        rows.append(status)
        for target in outgoing[status]:
            if (status, target) not in back:
                waiting[target] -= 1
                if waiting[target] == 0:
                    ready.append(target)
    return rows


def _back(diagram: Diagram, outgoing: Mapping[str, list[str]]) -> set[tuple[str, str]]:
    """The transitions that a depth-first walk from the start finds going back up its own path."""
    back: set[tuple[str, str]] = set()
    state: dict[str, int] = {}  # 1 while on the walk's path, 2 once done

    def walk(status: str) -> None:
        state[status] = 1
        for target in outgoing[status]:
            if state.get(target) == 1:
                back.add((status, target))
            elif target not in state:
                walk(target)
        state[status] = 2

    for status in (diagram.initial, *diagram.labels):
        if status not in state:
            walk(status)
    return back


def _routes(
    between: Mapping[tuple[str, str], str], row_of: Mapping[str, int]
) -> tuple[dict[tuple[int, int], dict[str, str]], list[_Bus]]:
    """Straight arrows between neighbours in the column (by pair of rows), and the buses."""
    groups: dict[tuple[str, str], list[str]] = {}
    for (source, target), label in between.items():
        groups.setdefault((target, label), []).append(source)
    straight: dict[tuple[int, int], dict[str, str]] = {}
    buses: list[_Bus] = []
    for (target, label), sources in groups.items():
        rows = [row_of[target], *(row_of[source] for source in sources)]
        if len(sources) == 1 and abs(rows[0] - rows[1]) == 1:
            direction = "down" if rows[1] < rows[0] else "up"
            straight.setdefault((min(rows), max(rows)), {})[direction] = label
        else:
            buses.append(_Bus(target, label, sources, rows=(min(rows), max(rows))))
    # the shortest buses run nearest the column, so fewer joins cross other buses
    buses.sort(key=lambda bus: bus.rows[1] - bus.rows[0])
    return straight, buses


def _place(boxes: Mapping[str, _Box], rows: Sequence[str], buses: Sequence[_Bus]) -> None:
    """Order each box's ports, size the boxes, and place the rows and the buses."""
    for lane, bus in enumerate(buses):
        for status in (*bus.sources, bus.target):
            boxes[status].ports.append(_Port(bus, entry=status == bus.target))
        bus.x = float(lane)  # the lane's rank, until the lanes are placed below
    for box in boxes.values():
        box.ports.sort(key=functools.partial(_port_rank, row=box.row))
        gaps = [
            LABELLED_PORT_GAP if a.entry or b.entry else PORT_GAP for a, b in itertools.pairwise(box.ports)
        ]
        box.height = max(BOX_HEIGHT, sum(gaps) + 2 * PORT_GAP)
        offsets = itertools.accumulate(gaps, initial=-sum(gaps) / 2) if box.ports else ()
        for port, offset in zip(box.ports, offsets, strict=True):
            port.y = offset
    y = START_ROOM
    for status in rows:
        box = boxes[status]
        box.y = y + box.height / 2
        for port in box.ports:
            port.y += box.y
        y += box.height + ROW_GAP
    inner = min(box.left for box in boxes.values()) - 2 * PORT_GAP
    for bus in buses:
        target = boxes[bus.target]
        inner = min(inner, target.left - 14 - text_width(bus.label) - PORT_GAP)
    for bus in buses:
        bus.x = inner - bus.x * LANE_GAP


def _port_rank(port: _Port, row: int) -> tuple[int, float]:
    """Where a port goes on its box's side, top first: so that no join crosses its own box's buses.

    Buses that go up from the box come first, the nearest first; those that go down come last,
    the nearest last.
    """
    lane = port.bus.x
    up, down = port.bus.rows[0] < row, port.bus.rows[1] > row
    if up and not down:
        return (0, lane)
    if down and not up:
        return (2, -lane)
    return (1, lane)


def _straight(canvas: _Canvas, upper: _Box, lower: _Box, labels: Mapping[str, str]) -> None:
    """The arrows between two neighbours in the column, each labelled on its outer side."""
    offset = min(14.0, upper.width / 4, lower.width / 4) if labels.keys() == {"down", "up"} else 0.0
    middle = (upper.bottom + lower.top) / 2
    if "down" in labels:
        x = -offset
        canvas.line([(x, upper.bottom), (x, lower.top - 1)])
        if offset:
            canvas.label(labels["down"], x - 7, middle, "end", back=False)
        else:
            canvas.label(labels["down"], x + 7, middle, "start", back=False)
    if "up" in labels:
        x = offset
        canvas.line([(x, lower.top), (x, upper.bottom + 1)])
        canvas.label(labels["up"], x + 7, middle, "start", back=False)


def _bus(canvas: _Canvas, bus: _Bus, boxes: Mapping[str, _Box]) -> None:
    """A bus: its line, the join from each source, and its labelled arrow into the target."""
    ends = [(box, port) for box in boxes.values() for port in box.ports if port.bus is bus]
    ys = [port.y for _, port in ends]
    canvas.line([(bus.x, min(ys)), (bus.x, max(ys))], arrow=False)
    for box, port in ends:
        if port.entry:
            canvas.line([(bus.x, port.y), (box.left - 1, port.y)])
            canvas.label(bus.label, box.left - 12, port.y, "end")
        else:
            canvas.line([(box.left, port.y), (bus.x, port.y)], arrow=False)
            if min(ys) < port.y < max(ys):
                canvas.dot(bus.x, port.y, 3, "junction")


def _box(canvas: _Canvas, box: _Box, diagram: Diagram, loop: list[str] | None, *, final: bool) -> None:
    """A status's box and label, with its self-loop or its end mark on the right."""
    right = box.width / 2
    canvas.parts.append(
        f'<rect class="state" x="{box.left:.1f}" y="{box.top:.1f}" width="{box.width:.1f}" '
        f'height="{box.height:.1f}" rx="10"/>'
    )
    canvas.hold(box.left, box.top, right, box.bottom)
    canvas.label(diagram.labels[box.status], 0.0, box.y, "middle", size=FONT, back=False)
    after = right
    if loop:
        y = box.y
        # a curve that leaves the box's right side upwards and comes back level, pointing at it
        curve = (
            f"M{right:.1f},{y - 8:.1f} C{right + LOOP:.1f},{y - 30:.1f} "
            f"{right + LOOP + 6:.1f},{y + 8:.1f} {right + 1:.1f},{y + 8:.1f}"
        )
        canvas.parts.append(f'<path class="edge" d="{curve}" marker-end="url(#{canvas.marker})"/>')
        canvas.label(", ".join(loop), right + LOOP - 2, y, "start", back=False)
        after = right + LOOP + text_width(", ".join(loop), SMALL) + 8
    if final:
        canvas.line([(after, box.y), (after + 26, box.y)])
        canvas.dot(after + 36, box.y, 10, "end-ring")
        canvas.dot(after + 36, box.y, 6, "start")

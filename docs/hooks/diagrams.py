"""An mkdocs hook: Mermaid state diagrams drawn as SVG pictures when the site is built.

A ```` ```mermaid ```` block holding a ``stateDiagram-v2`` (as ``fk.mermaid`` writes it) becomes
an inline SVG picture (drawn by ``statesvg``, beside this file), with the Mermaid text kept below
it in a folded block. The site then shows its diagrams without fetching a script from the
network, and the page's Markdown keeps the text that the test suite compares with the lifecycles.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from statesvg import Diagram, draw

FENCE = "mermaid"
_STATE = re.compile(r'state "(?P<label>[^"]*)" as (?P<id>\w+)$')
_ARROW = re.compile(r"(?P<source>\[\*\]|\w+) --> (?P<target>\[\*\]|\w+)(?: : (?P<label>.+))?$")


def on_config(config: Any) -> Any:  # noqa: ANN401 - mkdocs' config
    """Register the ``mermaid`` fence with pymdownx.superfences, drawn by :func:`fence`."""
    superfences = config["mdx_configs"].setdefault("pymdownx.superfences", {})
    fences = [fence for fence in superfences.get("custom_fences", []) if fence.get("name") != FENCE]
    superfences["custom_fences"] = [*fences, {"name": FENCE, "class": FENCE, "format": fence}]
    return config


def fence(source: str, *_: object, **__: object) -> str:
    """The HTML of one ``mermaid`` block: the diagram as SVG, and its text folded below it."""
    text = html.escape(source.rstrip("\n"))
    return (
        f'<figure class="state-diagram">\n{draw(parse(source))}\n</figure>\n'
        '<details class="state-diagram-source"><summary>Mermaid source</summary>'
        f"<pre><code>{text}</code></pre></details>"
    )


def parse(source: str) -> Diagram:
    """Read the ``stateDiagram-v2`` that ``fk.mermaid`` writes; refuse anything it does not."""
    lines = [line.strip() for line in source.strip().splitlines() if line.strip()]
    if not lines or lines[0] != "stateDiagram-v2":
        raise ValueError(f"a mermaid block must be a stateDiagram-v2, not {lines[:1]}")
    labels: dict[str, str] = {}
    initial, finals, transitions = "", [], []
    for line in lines[1:]:
        state, arrow = _STATE.match(line), _ARROW.match(line)
        if line.startswith("direction "):
            continue
        if state:
            labels[state["id"]] = state["label"]
        elif arrow and arrow["source"] == "[*]":
            initial = arrow["target"]
        elif arrow and arrow["target"] == "[*]":
            finals.append(arrow["source"])
        elif arrow and arrow["label"]:
            transitions.append((arrow["source"], arrow["target"], arrow["label"]))
        else:
            raise ValueError(f"cannot draw this line of a state diagram: {line!r}")
    # a status named by its id alone has no "state" line
    ends = [status for transition in transitions for status in transition[:2]]
    labels |= {status: status for status in ends if status not in labels}
    if initial not in labels:
        raise ValueError("a state diagram needs its start: [*] --> status")
    return Diagram(labels, initial, finals, transitions)

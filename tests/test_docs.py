"""The docs cannot drift from the code: every diagram on the lifecycles page is the code's own."""

import re
from pathlib import Path

import funnelkit as fk

DOCS = Path(__file__).parent.parent / "docs"


def test_lifecycle_diagrams_are_drawn_from_the_lifecycles() -> None:
    page = (DOCS / "explanation" / "lifecycles.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```mermaid\n(.*?)```", page, flags=re.DOTALL)
    expected = [fk.mermaid(kind, staying=False) for kind in (fk.Prospect, fk.Lead, fk.Opportunity, fk.Client)]
    assert [block.rstrip() for block in blocks] == [text.rstrip() for text in expected]


def test_every_page_is_in_the_navigation() -> None:
    config = (DOCS.parent / "mkdocs.yml").read_text(encoding="utf-8")
    pages = {str(path.relative_to(DOCS)) for path in DOCS.rglob("*.md")}
    assert pages == set(re.findall(r": (\S+\.md)$", config, flags=re.MULTILINE))


def test_the_readme_commands_are_make_targets() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    makefile = (DOCS.parent / "Makefile").read_text(encoding="utf-8")
    commands = set(re.findall(r"`make (\w+)`", readme))
    targets = set(re.findall(r"^(\w+):", makefile, flags=re.MULTILINE))
    assert commands == {"demo", "test"}
    assert commands <= targets


def test_a_picture_without_staying_events_keeps_every_move_and_hand_over() -> None:
    full = fk.mermaid(fk.DEFAULT_PIPELINE).splitlines()
    lean = fk.mermaid(fk.DEFAULT_PIPELINE, staying=False).splitlines()
    assert lean == fk.mermaid(fk.Opportunity, staying=False).splitlines()
    dropped = [line for line in full if line not in lean]
    assert dropped
    assert all(
        line.split(" : ")[0].split(" --> ")[0].strip() == line.split(" : ")[0].split(" --> ")[1]
        for line in dropped
    )
    assert {line.split(" : ")[1] for line in dropped} >= {"Record", "Tag", "Add contact", "Update account"}
    client = fk.mermaid(fk.Client, staying=False)
    assert "active --> active : Expand" in client  # it stays, but hands over a new opportunity
    assert "active --> active : Assign" not in client

"""No module of funnelkit imports, directly or through others, a module that imports it back.

Imports inside functions count too: a lazy import only hides a cycle. Imports under
``if TYPE_CHECKING:`` do not, as they never run.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import funnelkit

PACKAGE = Path(funnelkit.__file__).parent


def module_name(path: Path) -> str:
    parts = ["funnelkit", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            for orelse in node.orelse:
                yield orelse
                yield from _runtime_nodes(orelse)
            continue
        yield node
        yield from _runtime_nodes(node)


def _package_of(name: str) -> str:
    is_package = MODULES[name].name == "__init__.py"
    return name if is_package else name.rpartition(".")[0]


def imports_of(name: str) -> set[str]:
    """The funnelkit modules ``name`` imports at run time, anywhere in its code."""
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(MODULES[name].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = _package_of(name).split(".")
                base = ".".join([*package[: len(package) - node.level + 1], *filter(None, [base])])
            found.add(base)
            # `from package import module` imports the module
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {module for module in found if module in MODULES and module != name}


GRAPH = {name: imports_of(name) for name in MODULES}


def cycle_through(start: str) -> list[str] | None:
    """A path of imports from ``start`` back to itself, or None."""
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        module, path = stack.pop()
        for imported in sorted(GRAPH[module]):
            if imported == start:
                return [*path, start]
            if imported not in seen:
                seen.add(imported)
                stack.append((imported, [*path, imported]))
    return None


def test_the_graph_sees_the_package() -> None:
    assert "funnelkit._deals" in GRAPH["funnelkit._lead"]
    assert "funnelkit.qualification._criteria" in GRAPH["funnelkit.qualification._combinators"]
    assert len(MODULES) > 30


def test_no_module_is_part_of_an_import_cycle() -> None:
    cycles = {name: cycle_through(name) for name in MODULES}
    assert {name: " -> ".join(path) for name, path in cycles.items() if path is not None} == {}


def test_the_cycle_finder_finds_a_cycle() -> None:
    GRAPH["funnelkit._log"].add("funnelkit._lead")
    try:
        assert cycle_through("funnelkit._log") is not None
    finally:
        GRAPH["funnelkit._log"].discard("funnelkit._lead")

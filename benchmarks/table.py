"""What the benchmark scripts share: a ``--quick`` switch and a markdown table of their figures."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

Rows = list[tuple[str, str, str]]
"""Each benchmark's name, figure and target."""


def main(measure: Callable[..., Rows], description: str | None, argv: Sequence[str] | None = None) -> None:
    """Parse ``--quick``, run ``measure(quick=...)`` and print its rows as a markdown table."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="smaller histories, fewer passes")
    arguments = parser.parse_args(argv)
    print("| benchmark | figure | target |")
    print("|---|---:|---|")
    for name, figure, target in measure(quick=arguments.quick):
        print(f"| {name} | {figure} | {target} |")

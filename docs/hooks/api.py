"""An mkdocs hook: the API reference leaves out no public name.

A page of the API reference either documents a whole package (``::: funnelkit.testing``) or
lists its names one by one, in sections (``::: funnelkit.Lead``). For a package listed name by
name, every name in its ``__all__`` must have an entry; the build warns (and so, being strict,
fails) when one is missing.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import re
from typing import Any

PAGES = "reference/api/"
_ENTRY = re.compile(r"^::: ([\w.]+)", flags=re.MULTILINE)
_log = logging.getLogger("mkdocs.plugins.api")
_entries: dict[str, set[str]] = {}
"""For each package listed name by name, the names that have an entry."""


def on_page_markdown(markdown: str, page: Any, **_: object) -> str:  # noqa: ANN401 - mkdocs' Page
    """Note the names the page documents."""
    if page.file.src_uri.startswith(PAGES):
        for identifier in _ENTRY.findall(markdown):
            package, _, name = identifier.rpartition(".")
            if name and not _is_module(identifier):
                _entries.setdefault(package, set()).add(name)
    return markdown


def on_post_build(**_: object) -> None:
    """Warn about each public name that no page of the API reference documents."""
    for package, names in sorted(_entries.items()):
        public: list[str] = importlib.import_module(package).__all__
        for name in sorted(set(public) - names):
            _log.warning("the API reference has no entry for %s (add '::: %s')", *[f"{package}.{name}"] * 2)
    _entries.clear()


def _is_module(identifier: str) -> bool:
    return importlib.util.find_spec(identifier) is not None

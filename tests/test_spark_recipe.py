"""The PySpark recipe of the Dask how-to runs as written, on a local Spark, and agrees with one process."""

import re
from pathlib import Path

import pytest

from funnelkit import demo

RECIPE = Path(__file__).parent.parent / "docs" / "how-to" / "dask.md"


def recipe() -> str:
    found = re.search(r"<!-- spark-recipe -->\n```python\n(.*?)\n```", RECIPE.read_text(), re.DOTALL)
    assert found is not None, "the how-to has lost its Spark recipe"
    return found.group(1)


@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
def test_the_spark_recipe_in_the_docs_runs_and_agrees_with_one_process() -> None:
    funnel = demo.simulate(7, 120)
    objects = [*funnel.prospects, *funnel.leads, *funnel.opportunities, *funnel.clients]
    events = [event for subject in objects for event in subject.history]
    namespace = {"events": events, "__name__": "spark_recipe"}
    exec(compile(recipe(), str(RECIPE), "exec"), namespace)  # noqa: S102 - our own docs, on purpose
    assert namespace["report"].value("reached", channel="search", step="lead") > 0  # type: ignore[attr-defined]

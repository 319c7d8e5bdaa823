"""The SQLite example stores, loads and refuses stale writers, against a real database file."""

import importlib.util
import sqlite3
import sys
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType

import pytest

import funnelkit as fk

EXAMPLE = Path(__file__).parents[1] / "examples" / "sqlite_store.py"


@pytest.fixture(scope="module")
def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sqlite_store", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["sqlite_store"] = module
    spec.loader.exec_module(module)
    return module


def day(n: int) -> datetime:
    return datetime(2026, 3, n, tzinfo=timezone.utc)


def test_the_example_runs(example: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    example.main(str(tmp_path / "funnel.db"))
    assert capsys.readouterr().out.splitlines() == [
        "loaded L-1 at version 4, status sales_accepted",
        "refused: one of Lead 'L-1' changed since it was loaded",
        "now sales_qualified",
    ]


def test_objects_come_back_equal_from_events_and_snapshots(example: ModuleType, tmp_path: Path) -> None:
    pipeline = fk.Pipeline("quick", (fk.Stage("talk", None, fk.ForecastCategory.pipeline),), version=2)
    store = example.EventStore(str(tmp_path / "funnel.db"), pipelines=[pipeline])
    acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
    deal = fk.Opportunity.create("O-1", account=acme, at=day(1), pipeline=pipeline)
    store.save(deal, expected_version=0)
    assert store.load(fk.Opportunity, "O-1") == deal
    store.save_snapshot(deal)
    won = deal.win(at=day(2), client_id="C-1", amount=fk.Money(10, "EUR"))
    store.save_all([(won.source, deal.version), (won.target, 0)])
    loaded = store.load(fk.Opportunity, "O-1")
    restored = fk.load(fk.Opportunity, fk.snapshot(deal), pipelines=[pipeline])
    assert loaded == fk.replay(won.source.events_since(1), snapshot=restored)
    assert (loaded.status, loaded.version, loaded.client_id) == (won.source.status, 2, "C-1")
    assert loaded.history == won.source.history[1:]
    assert loaded.history.start == 1
    assert store.load(fk.Client, "C-1") == won.target
    with pytest.raises(KeyError):
        store.load(fk.Lead, "L-404")
    with pytest.raises(example.StaleWrite):
        store.save_all([(won.source, deal.version), (won.target, 0)])
    rows = sqlite3.connect(str(tmp_path / "funnel.db")).execute("select count(*) from events").fetchone()
    assert rows == (3,)
    store.close()

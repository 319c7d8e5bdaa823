"""Scale-out benchmarks: ``python benchmarks/scale_out.py [--quick] [--events N] [--large N]``.

The events are ``generate.py``'s seeded log, written once into a temporary directory as Parquet
files that each hold whole objects, sorted (so no shuffle is needed: the benchmark measures
funnelkit, not Dask's shuffle). Replay + report reads every event twice, once to rebuild the
objects and once into the report's accumulator, in one process (file by file) and on a local
Dask cluster of 1 and 2 worker processes (``funnelkit.dask``); the large run is the report alone,
on the 2-worker cluster, over more events than fit in memory as objects.

The report's merged accumulator is whole in one worker at the end: about 800 bytes per object,
and the generated log has about 3.8 events per object. The merging worker peaked at 3.3 GB for
10 million events (2.6 million objects), and at 30 million events it passed 95% of the 11.7 GB
a local cluster gives each of 2 workers on a 24 GiB machine, so its nanny restarted it.
100 million events (26 million objects) would need more than the whole machine. The large
run's default is therefore 20 million.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import dask
import dask.dataframe as dd
import distributed
import pyarrow.parquet as pq  # type: ignore[import-untyped, unused-ignore]
from dask.base import compute

import funnelkit.analytics as an
import funnelkit.dask as fkd
import funnelkit.tabular as ft
from generate import generate

dask.config.set({"distributed.worker.profile.enabled": False})  # its sampling costs a CPU-bound worker ~15%
FILES = 16
"""About how many files (so partitions) the events are written in: enough to keep every worker busy."""


def one_process(folder: Path) -> tuple[float, int, an.Report]:
    """Replay every object and report on every event, file by file, in this process."""
    start = time.perf_counter()
    objects = 0
    accumulator = an.Accumulator()
    for path in sorted(folder.glob("*.parquet")):
        rows = pq.read_table(path).to_pylist()
        objects += len(list(ft.replay(ft.events(rows))))  # a file's objects held, as a partition's are
        accumulator.add_all(ft.events(rows))
    return time.perf_counter() - start, objects, accumulator.report()


def on_cluster(folder: Path, workers: int, *, replay: bool = True) -> tuple[float, int, an.Report, float]:
    """The same on a local cluster of ``workers`` processes: seconds, objects, report, peak MB per worker."""
    with (
        distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        start = time.perf_counter()
        rows = dd.read_parquet(str(folder)).map_partitions(fkd.sorted_rows)
        report = fkd.report(rows)
        if replay:
            objects, done = compute(fkd.replay(rows).count(), report)
        else:
            objects, done = 0, report.compute()
        seconds = time.perf_counter() - start
        peaks = client.run(_peak_mb)
    return seconds, objects, done, max(peaks.values())


def _peak_mb() -> float:
    """This process's peak resident memory in MB, from ``VmHWM``.

    ``ru_maxrss`` would start from the peak of the process that spawned it: Linux keeps it across
    ``exec``.
    """
    status = Path("/proc/self/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def measure(events: int, large: int) -> list[tuple[str, str, str]]:
    """Each benchmark's name, figure and target.

    Replay + report over ``events``, then the report alone over ``large`` (either 0 for none).
    """
    return (_replay_and_report(events) if events else []) + (_large_report(large) if large else [])


def _replay_and_report(events: int) -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "events"
        written = generate(folder, events, rows_per_file=max(events // FILES, 10_000))
        alone, objects, report = one_process(folder)
        count = f"{written['events']:,.0f} events, {objects:,} objects, {written['files']:,.0f} files"
        rows = [(f"replay + report in one process ({count})", f"{alone:.1f} s", "baseline")]
        for workers in (1, 2):
            seconds, replayed, done, peak = on_cluster(folder, workers)
            assert (replayed, done) == (objects, report), "the cluster must agree with one process"
            rows.append(
                (
                    f"the same on a local Dask cluster of {workers} worker process(es)",
                    f"{seconds:.1f} s ({alone / seconds:.2f}x one process); peak {peak:,.0f} MB per worker",
                    ">= 1.6x with 2 workers" if workers == 2 else "report",
                )
            )
    return rows


def _large_report(events: int) -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "events"
        written = generate(folder, events, rows_per_file=max(events // (4 * FILES), 10_000))
        seconds, _, done, peak = on_cluster(folder, 2, replay=False)
    objects_in = sum(row["value"] for row in done.rows() if row["metric"] == "count")  # type: ignore[misc]
    rate = written["events"] / seconds
    name = f"report over {written['events']:,.0f} events ({objects_in:,} objects), 2 workers"
    return [(name, f"{seconds:.0f} s ({rate:,.0f} events/s); peak {peak:,.0f} MB per worker", "report")]


def main(argv: Sequence[str] | None = None) -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="200,000 events and no large run")
    parser.add_argument("--events", type=int, default=10_000_000, help="events for replay + report; 0: none")
    parser.add_argument("--large", type=int, default=20_000_000, help="events for the large report; 0: none")
    arguments = parser.parse_args(argv)
    events, large = (200_000, 0) if arguments.quick else (arguments.events, arguments.large)
    table = measure(events, large)
    client_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("| benchmark | figure | target |")
    print("|---|---:|---|")
    for name, figure, target in table:
        print(f"| {name} | {figure} | {target} |")
    print(f"\npeak memory of this process (the client and the one-process run): {client_peak:,.0f} MB")


if __name__ == "__main__":
    main()

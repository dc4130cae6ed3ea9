"""Running a scan: evaluating one point, serially or on Dask, into a folder that resumes.

:func:`evaluate_point` measures one point with the fixed-point golden model (physics, and
on request the cycle model and the synthesis estimate) and never raises: a failure is a
row with ``error``. :func:`run_scan` evaluates the points of a spec that its results
folder does not hold yet, in this process or on a Dask cluster (a local one it starts, an
existing scheduler or client), saves the rows every few seconds and at the end (also on
Ctrl-C), and writes the Pareto plots.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import math
import os
import time
import warnings
from collections.abc import Generator, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import algorithms
from ..configcheck import ConfigWarning
from .results import (
    ScanResult,
    read_results,
    results_paths,
    rows_to_table,
    successful_mask,
    write_pareto_plots,
    write_results,
)
from .spec import Point, Sample, ScanSpec, jsonable, load_spec

if TYPE_CHECKING:
    import pyarrow as pa
    from distributed import Client

    from ..events import Events

__all__ = ["build_config", "evaluate_point", "run_scan"]

#: the modules the hardware metrics need
_HW_MODULES = {"cycles": "fasttrack.hw.cyclemodel", "resources": "fasttrack.hw.synth"}
_CHECKPOINT_S = 5.0


# ------------------------------------------------------------------------------------------
# evaluating one point (runs on a Dask worker or in this process)
# ------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=4)
def _sample_events(sample: Sample) -> Events:
    """The events of a sample (cached per process: points of one sample share them)."""
    from .. import detector, generate

    return generate.generate(
        detector.preset(sample.preset), sample.events, seed=sample.seed, progress=False, **dict(sample.mix)
    )


def build_config(algorithm: str, det: Any, overrides: Mapping[str, Any]) -> Any:
    """The algorithm's default config for ``det`` with ``overrides`` (a scan explores
    ill-suited points on purpose: their ConfigWarnings are not raised)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConfigWarning)
        return algorithms.get(algorithm).default_config(det, **overrides)


def _num(v: Any) -> float | None:
    """A JSON-safe float (None for missing)."""
    return None if v is None else float(v)


def _physics(point: Point, events: Events, cfg: Any) -> dict[str, Any]:
    from .. import metrics, trackmodel

    out = algorithms.get(point.algorithm).finder(cfg).run(events, "fixed")
    perf = metrics.evaluate(events, out.tracks, pt_min_gev=point.pt_min_gev)
    lo, hi = perf.efficiency_interval
    row: dict[str, Any] = {
        "efficiency": perf.efficiency,
        "efficiency_low": lo,
        "efficiency_high": hi,
        "fake_rate": perf.fake_rate,
        "duplicate_rate": perf.duplicate_rate,
        "n_particles": perf.n_particles,
        "n_matched_particles": perf.n_matched_particles,
        "n_tracks": perf.n_tracks,
        "hit_overflow_events": int(out.hit_overflow.sum()),
        "track_overflow_events": int(out.track_overflow.sum()),
    }
    for name in trackmodel.for_detector(events.detector).param_names:
        res = perf.resolution.get(name)
        row[f"res68_{name}"] = _num(res.width68) if res is not None and res.n else math.nan
    return row


def _cycles(point: Point, events: Events, cfg: Any) -> dict[str, Any]:
    model = importlib.import_module(_HW_MODULES["cycles"])
    est = model.cycle_estimate(point.algorithm, cfg, events, clock_mhz=point.clock_mhz)
    return {
        "clock_mhz": point.clock_mhz,
        "cycles_per_event": float(est.cycles_per_event),
        "latency_cycles_mean": float(est.latency_cycles_mean),
        "latency_cycles_max": int(est.latency_cycles_max),
        "event_rate_mhz": float(est.event_rate_mhz),
        "instances_for_40mhz": int(est.instances_for_40mhz),
    }


def _resources(point: Point, cfg: Any) -> dict[str, Any]:
    synth = importlib.import_module(_HW_MODULES["resources"])
    rep = synth.synthesize(point.algorithm, point.sample.preset, config=cfg)
    return {
        "lut": int(rep.lut),
        "ff": int(rep.ff),
        "dsp": int(rep.dsp),
        "bram": float(rep.bram),  # RAMB36 equivalents (a RAMB18 is a half)
        "u50_lut_share": float(rep.u50_lut_share),
    }


def _cell(v: Any) -> Any:
    """A parameter value as a table cell: scalars as they are, lists as JSON text."""
    return v if isinstance(v, (bool, int, float, str)) else json.dumps(jsonable(v))


def _identity(point: Point) -> dict[str, Any]:
    row: dict[str, Any] = {
        "point_key": point.key,
        "algorithm": point.algorithm,
        "preset": point.sample.preset,
        "events": point.sample.events,
        "seed": point.sample.seed,
        "mix": json.dumps(jsonable(dict(point.sample.mix)), sort_keys=True),
    }
    row.update({f"param_{k}": _cell(v) for k, v in point.params})
    row["overrides"] = json.dumps(jsonable(point.overrides), sort_keys=True)
    row["pt_min_gev"] = point.pt_min_gev
    row["config_hash"] = None
    return row


def evaluate_point(point: Point) -> dict[str, Any]:
    """Measure one point with the fixed-point golden model; never raises.

    Returns the point's row (see :mod:`fasttrack.scan`): on any failure the columns
    measured so far and ``error`` = ``"<ExceptionType>: <message>"``.
    """
    row = _identity(point)
    try:
        events = _sample_events(point.sample)
        cfg = build_config(point.algorithm, events.detector, point.overrides)
        row["config_hash"] = cfg.config_hash()
        row.update(_physics(point, events, cfg))
        if "cycles" in point.metrics:
            row.update(_cycles(point, events, cfg))
        if "resources" in point.metrics:
            row.update(_resources(point, cfg))
    except Exception as err:  # a failing point is recorded, the scan goes on
        row["error"] = _error_text(err)
    else:
        row["error"] = None
    return row


def _error_text(err: BaseException) -> str:
    return f"{type(err).__name__}: {err}"


# ------------------------------------------------------------------------------------------
# the results folder: earlier rows, resume, checkpoints
# ------------------------------------------------------------------------------------------
class _Store:
    """The rows of a scan folder: earlier results plus this run's, saved atomically."""

    def __init__(self, out: Path, points: Sequence[Point], retry_failed: bool) -> None:
        self.out = out
        self.order = {p.key: i for i, p in enumerate(points)}
        self.rows: dict[str, dict[str, Any]] = {}
        self.parquet, self.csv = results_paths(out)
        if self.parquet.exists():
            stored = read_results(self.parquet)
            if "point_key" not in stored.column_names:
                raise ValueError(f"{self.parquet} exists but is not a scan result (no point_key): choose another out")
            for r in stored.to_pylist():
                if retry_failed and r.get("error") and r["point_key"] in self.order:
                    continue
                self.rows[r["point_key"]] = r
        self.last_save = time.monotonic()

    def done(self, key: str) -> bool:
        return key in self.rows

    def add(self, row: dict[str, Any]) -> None:
        self.rows[row["point_key"]] = row
        if time.monotonic() - self.last_save > _CHECKPOINT_S:
            self.save()

    def table(self) -> pa.Table:
        """Rows of the spec's points in spec order, then rows of earlier specs as stored."""
        ours = sorted((k for k in self.rows if k in self.order), key=self.order.__getitem__)
        theirs = [k for k in self.rows if k not in self.order]
        return rows_to_table([self.rows[k] for k in ours + theirs])

    def save(self) -> pa.Table:
        table = self.table()
        write_results(table, self.out)
        self.last_save = time.monotonic()
        return table


# ------------------------------------------------------------------------------------------
# serial and Dask execution
# ------------------------------------------------------------------------------------------
def _check_available(spec: ScanSpec) -> None:
    for m in spec.metrics:
        try:
            importlib.import_module(_HW_MODULES[m])
        except ModuleNotFoundError as err:
            raise ValueError(
                f"scan spec {spec.source}: metrics requests {m!r}, which needs {_HW_MODULES[m]} ({err}); "
                "remove it from metrics"
            ) from None


def _serial(points: Sequence[Point], progress: bool) -> Iterator[dict[str, Any]]:
    from ..progress import progress_bar

    for p in progress_bar(points, desc="scan (serial)", unit="point", disable=not progress):
        yield evaluate_point(p)


def _on_client(client: Client, points: Sequence[Point], progress: bool) -> Iterator[dict[str, Any]]:
    """Evaluate on a Dask cluster; yields rows as they complete (a lost task becomes an error row)."""
    from distributed import as_completed

    from ..progress import progress_bar

    by_key = {f"fasttrack-scan-{p.key}": p for p in points}
    futures = client.map(evaluate_point, list(by_key.values()), key=list(by_key), pure=False)
    try:
        done = as_completed(futures, loop=client.loop)
        for fut in progress_bar(done, desc="scan (dask)", unit="point", disable=not progress, total=len(futures)):
            try:
                yield fut.result()
            except Exception as err:  # the task itself was lost (worker died, ...)
                row = _identity(by_key[fut.key])
                row["error"] = _error_text(err)
                yield row
            fut.release()
    except BaseException:  # interrupted (Ctrl-C, generator closed): drop the queued tasks
        client.cancel(futures)
        raise


def _worker_env(n_workers: int) -> dict[str, str]:
    """Environment of local workers: each gets its share of the cores for numba's threads.

    The kernels are numba-parallel over events, so one process already fills every core;
    without this, n workers would run n × cores threads. Results do not depend on it.
    """
    if "NUMBA_NUM_THREADS" in os.environ:
        return {}
    return {"NUMBA_NUM_THREADS": str(max(1, (os.cpu_count() or 1) // n_workers))}


def _rows(
    todo: Sequence[Point],
    *,
    client: Client | None,
    scheduler: str | None,
    serial: bool,
    n_workers: int,
    progress: bool,
) -> Generator[dict[str, Any], None, None]:
    if not todo:
        return
    if serial:
        yield from _serial(todo, progress)
        return
    from distributed import Client, LocalCluster

    if client is not None:
        yield from _on_client(client, todo, progress)
    elif scheduler is not None:
        with Client(scheduler, set_as_default=False) as c:
            yield from _on_client(c, todo, progress)
    else:
        with (
            LocalCluster(
                n_workers=n_workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                env=_worker_env(n_workers),
            ) as cluster,
            Client(cluster, set_as_default=False) as c,
        ):
            yield from _on_client(c, todo, progress)


def run_scan(
    spec: ScanSpec | str | Path,
    out: str | Path,
    *,
    client: Client | None = None,
    scheduler: str | None = None,
    serial: bool = False,
    n_workers: int = 2,
    retry_failed: bool = False,
    progress: bool = True,
    plots: bool = True,
) -> ScanResult:
    """Run a scan and write ``results.parquet``, ``results.csv`` and ``pareto_*.png`` to ``out``.

    Parameters
    ----------
    spec: a :class:`ScanSpec` or the path of a TOML spec.
    out: the results folder; points already in its ``results.parquet`` are skipped.
    client: an existing :class:`distributed.Client` to run on (left open).
    scheduler: address of an existing Dask scheduler (``tcp://host:8786``).
    serial: evaluate in this process, one point after the other (no Dask).
    n_workers: worker processes of the local cluster started when none of the above is
        given (one task at a time each, numba threads = cores / n_workers, on 127.0.0.1,
        no dashboard).
    retry_failed: evaluate again the points whose stored row has an error.
    progress: show a progress bar (``FASTTRACK_NO_PROGRESS=1`` hides it anyway).
    plots: write the Pareto-front PNGs.

    Results are saved every few seconds while the scan runs and when it stops (also on
    Ctrl-C), so an interrupted scan resumes where it was.
    """
    if sum(x for x in (client is not None, scheduler is not None, serial)) > 1:
        raise ValueError("run_scan: give at most one of client, scheduler and serial=True")
    if n_workers < 1:
        raise ValueError(f"run_scan: n_workers must be >= 1, got {n_workers}")
    t0 = time.perf_counter()
    spec = spec if isinstance(spec, ScanSpec) else load_spec(spec)
    _check_available(spec)
    out = Path(out)
    points = spec.points()
    store = _Store(out, points, retry_failed)
    todo = [p for p in points if not store.done(p.key)]
    n_done = 0
    rows = _rows(todo, client=client, scheduler=scheduler, serial=serial, n_workers=n_workers, progress=progress)
    try:
        with contextlib.closing(rows):
            for row in rows:
                store.add(row)
                n_done += 1
    finally:
        table = store.save()
    ours = table.slice(0, sum(1 for p in points if store.done(p.key)))
    paths = [store.parquet, store.csv]
    if plots:
        paths += write_pareto_plots(ours, spec.metrics, out)
    return ScanResult(
        table=table,
        n_points=len(points),
        n_evaluated=n_done,
        n_skipped=len(points) - len(todo),
        n_failed=int((~successful_mask(ours)).sum()),
        seconds=time.perf_counter() - t0,
        paths=tuple(paths),
    )

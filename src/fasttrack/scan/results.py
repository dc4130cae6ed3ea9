"""Scan results: the table, its parquet/CSV files, Pareto fronts and plots, and a run's summary.

One row per point (the columns are listed in :mod:`fasttrack.scan`); :func:`rows_to_table`
orders the columns in fixed groups and gives the columns that do not depend on the spec a
fixed type, so that tables with and without failures share one schema.
:func:`write_results` saves a table atomically to ``<out>/results.parquet`` and
``results.csv``, :func:`read_results` reads it back. :func:`pareto_front` and
:func:`plot_pareto` set efficiency against a cost (LUTs, cycles per event or the fake
rate); :class:`ScanResult` is what :func:`~fasttrack.scan.run_scan` did, and
:func:`format_result` / :func:`format_failures` say it in words.

Example
-------
>>> import pyarrow as pa
>>> table = pa.table({"param_n_a": [96, 192, 2], "efficiency": [0.9, 0.95, None], "fake_rate": [0.1, 0.3, None],
...                   "error": [None, None, "ValueError: RetinaConfig: n_a needs at least 3 cells (got 2)"]})
>>> pareto_indices(table, "fake_rate").tolist(), point_labels(table)
([0, 1], ['n_a=96', 'n_a=192', 'n_a=2'])
>>> error_counts(table)
[('ValueError: RetinaConfig: n_a needs at least 3 cells (got 2)', 1)]
"""

from __future__ import annotations

import collections
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .spec import METRICS

if TYPE_CHECKING:
    import pyarrow as pa
    from matplotlib.figure import Figure

__all__ = [
    "RESULTS_NAME",
    "ScanResult",
    "error_counts",
    "float_column",
    "format_failures",
    "format_result",
    "pareto_costs",
    "pareto_front",
    "pareto_indices",
    "plot_pareto",
    "point_labels",
    "read_results",
    "results_paths",
    "rows_to_table",
    "successful_mask",
    "table_costs",
    "write_pareto_plots",
    "write_results",
]

#: stem of the results files in a scan folder (``results.parquet``, ``results.csv``)
RESULTS_NAME = "results"
_CYCLE_COLUMNS = ("cycles_per_event", "latency_cycles_mean", "latency_cycles_max", "event_rate_mhz")
_SYNTH_COLUMNS = ("lut", "ff", "dsp", "bram", "u50_lut_share")


# ------------------------------------------------------------------------------------------
# the table
# ------------------------------------------------------------------------------------------
_COLUMN_GROUPS: tuple[tuple[Callable[[str], bool], int], ...] = (
    (lambda c: c in ("point_key", "algorithm", "preset", "events", "seed", "mix"), 0),
    (lambda c: c.startswith("param_"), 1),
    (lambda c: c in ("overrides", "pt_min_gev", "config_hash"), 2),
    (lambda c: c.startswith("res68_"), 4),
    (lambda c: c == "clock_mhz" or c in _CYCLE_COLUMNS or c == "instances_for_40mhz", 5),
    (lambda c: c in _SYNTH_COLUMNS, 6),
    (lambda c: c == "error", 9),
)


def _column_rank(name: str) -> int:
    for test, rank in _COLUMN_GROUPS:
        if test(name):
            return rank
    return 3  # the physics metrics


#: column -> arrow type name for the columns whose type does not depend on the spec, so
#: that tables of runs with and without failures (all-null columns) share one schema
_TYPES = {
    **dict.fromkeys(("mix", "overrides", "config_hash", "error"), "string"),
    **dict.fromkeys(("events", "seed", "n_particles", "n_matched_particles", "n_tracks"), "int64"),
    **dict.fromkeys(("hit_overflow_events", "track_overflow_events", "latency_cycles_max"), "int64"),
    **dict.fromkeys(("instances_for_40mhz", "lut", "ff", "dsp"), "int64"),
    **dict.fromkeys(("efficiency", "efficiency_low", "efficiency_high", "fake_rate", "duplicate_rate"), "float64"),
    **dict.fromkeys(("pt_min_gev", "clock_mhz", "u50_lut_share", "cycles_per_event"), "float64"),
    **dict.fromkeys(("latency_cycles_mean", "event_rate_mhz", "bram"), "float64"),
}


def _column(name: str, values: list[Any]) -> pa.Array:
    import pyarrow as pa

    known = "float64" if name.startswith("res68_") else _TYPES.get(name)
    if known is not None:
        return pa.array(values, type=getattr(pa, known)())
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types (e.g. a scalar and a list): text
        return pa.array([None if v is None else v if isinstance(v, str) else json.dumps(v) for v in values])


def rows_to_table(rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    """A pyarrow table of result rows: the union of their columns in a fixed group order."""
    import pyarrow as pa

    seen: dict[str, None] = {}
    for r in rows:
        seen.update(dict.fromkeys(r))
    names = sorted(seen, key=lambda c: (_column_rank(c), list(seen).index(c)))
    return pa.table({c: _column(c, [r.get(c) for r in rows]) for c in names})


def float_column(table: pa.Table, name: str) -> np.ndarray:
    """Column ``name`` as float64 (NaN for nulls; all NaN when the table lacks it)."""
    if name not in table.column_names:
        return np.full(table.num_rows, np.nan)
    return np.array([np.nan if v is None else float(v) for v in table.column(name).to_pylist()])


def successful_mask(table: pa.Table) -> np.ndarray:
    """True for the rows without an error."""
    if "error" not in table.column_names:
        return np.ones(table.num_rows, dtype=bool)
    return np.array([e is None for e in table.column("error").to_pylist()], dtype=bool)


def error_counts(table: pa.Table) -> list[tuple[str, int]]:
    """Each distinct error of the table with its number of rows, most frequent (then first) first."""
    errors = table.column("error").to_pylist() if "error" in table.column_names else []
    return collections.Counter(e for e in errors if e is not None).most_common()


def point_labels(table: pa.Table) -> list[str]:
    """A short label per row: its scanned parameters (and preset, when several)."""
    params = [c for c in table.column_names if c.startswith("param_")]
    cols = {c: table.column(c).to_pylist() for c in params}
    presets = table.column("preset").to_pylist() if "preset" in table.column_names else []
    several = len(set(presets)) > 1
    labels = []
    for i in range(table.num_rows):
        parts = [f"{c.removeprefix('param_')}={_short(cols[c][i])}" for c in params]
        if several:
            parts.insert(0, str(presets[i]))
        labels.append(", ".join(parts))
    return labels


def _short(v: Any) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


# ------------------------------------------------------------------------------------------
# files
# ------------------------------------------------------------------------------------------
def results_paths(out: str | Path) -> tuple[Path, Path]:
    """The parquet and CSV results files of the scan folder ``out``."""
    out = Path(out)
    return out / f"{RESULTS_NAME}.parquet", out / f"{RESULTS_NAME}.csv"


def read_results(path: str | Path) -> pa.Table:
    """The results table of a scan (``results.parquet`` or the folder holding it)."""
    import pyarrow.parquet as pq

    path = Path(path)
    if path.is_dir():
        path = results_paths(path)[0]
    if not path.exists():
        raise ValueError(f"no scan results at {path}")
    return pq.read_table(path)


def write_results(table: pa.Table, out: str | Path) -> tuple[Path, Path]:
    """Write ``table`` to ``<out>/results.parquet`` and ``results.csv``, each atomically.

    Each file is written to a hidden temporary beside it, then renamed over it, so a reader
    (or an interrupted run) never sees half a file. Returns the two paths.
    """
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    Path(out).mkdir(parents=True, exist_ok=True)
    parquet, csv = results_paths(out)
    for path, write in ((parquet, pq.write_table), (csv, pacsv.write_csv)):
        tmp = path.with_name(f".{path.name}.tmp")
        write(table, tmp)
        os.replace(tmp, path)
    return parquet, csv


# ------------------------------------------------------------------------------------------
# Pareto front
# ------------------------------------------------------------------------------------------
#: cost column -> axis label, per requested metric (fake rate when no hardware metric)
_COSTS = {
    "resources": ("lut", "LUTs (synthesis estimate)"),
    "cycles": ("cycles_per_event", "cycles per event (analytic model)"),
}
_FAKE_COST = ("fake_rate", "fake rate (fake tracks / tracks)")


def pareto_costs(metrics: Iterable[str]) -> list[tuple[str, str]]:
    """(cost column, axis label) of each Pareto plot for the requested metrics."""
    costs = [_COSTS[m] for m in METRICS if m in set(metrics)]
    return costs or [_FAKE_COST]


def table_costs(table: pa.Table) -> list[tuple[str, str]]:
    """(cost column, axis label) of the hardware costs a results table holds (else fake rate)."""
    costs = [c for c in _COSTS.values() if np.isfinite(float_column(table, c[0])).any()]
    return costs or [_FAKE_COST]


def pareto_front(cost: np.ndarray, benefit: np.ndarray) -> np.ndarray:
    """Mask of the points no other point beats (cost ≤, benefit ≥, one of them strictly).

    NaN entries are never on the front.

    >>> pareto_front(np.array([1.0, 2.0, 3.0, 2.0]), np.array([0.5, 0.9, 0.8, 0.4])).tolist()
    [True, True, False, False]
    """
    c = np.asarray(cost, dtype=np.float64)
    b = np.asarray(benefit, dtype=np.float64)
    ok = np.isfinite(c) & np.isfinite(b)
    cj, bj = c[ok][None, :], b[ok][None, :]
    ci, bi = c[ok][:, None], b[ok][:, None]
    dominated = ((cj <= ci) & (bj >= bi) & ((cj < ci) | (bj > bi))).any(axis=1)
    front = np.zeros(len(c), dtype=bool)
    front[np.flatnonzero(ok)[~dominated]] = True
    return front


def pareto_indices(table: pa.Table, cost: str) -> np.ndarray:
    """Rows of the successful points on the efficiency-against-``cost`` front, by rising cost."""
    ok = successful_mask(table)
    x = float_column(table, cost)
    front = pareto_front(np.where(ok, x, np.nan), np.where(ok, float_column(table, "efficiency"), np.nan))
    return np.flatnonzero(front)[np.argsort(x[front], kind="stable")]


def plot_pareto(table: pa.Table, cost: str, label: str | None = None) -> Figure:
    """Efficiency against ``cost`` for every successful point, the Pareto front joined.

    Front points are annotated with their scanned parameters.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.0, 4.8), layout="constrained")
    ax = fig.add_subplot()
    ok = successful_mask(table)
    n = table.num_rows
    x = float_column(table, cost)
    y = float_column(table, "efficiency")
    good = ok & np.isfinite(x) & np.isfinite(y)
    order = pareto_indices(table, cost)
    front = np.zeros(n, dtype=bool)
    front[order] = True
    ax.scatter(x[good & ~front], y[good & ~front], s=18, color="0.6", label="scan points")
    ax.plot(x[order], y[order], "o-", color="tab:red", markersize=5, label="Pareto front")
    labels = point_labels(table)
    mid = 0.5 * (np.nanmin(x[good]) + np.nanmax(x[good])) if good.any() else 0.0
    for i in order[:12]:  # labels point inward so they stay inside the axes
        right = x[i] > mid
        ax.annotate(
            labels[i],
            (x[i], y[i]),
            textcoords="offset points",
            xytext=(-4 if right else 4, -10),
            ha="right" if right else "left",
            fontsize="x-small",
        )
    ax.set_xlabel(label or cost)
    ax.set_ylabel("efficiency (fixed point)")
    ax.grid(alpha=0.3)
    failed = n - int(ok.sum())
    ax.set_title(f"{int(good.sum())} of {n} points" + (f", {failed} failed" if failed else ""), fontsize="medium")
    if not good.any():
        ax.text(0.5, 0.5, "no successful point", transform=ax.transAxes, ha="center", va="center")
    ax.legend(loc="lower right", fontsize="small")
    return fig


def write_pareto_plots(table: pa.Table, metrics: Iterable[str], out: Path) -> list[Path]:
    """One ``pareto_<cost>.png`` per cost of :func:`pareto_costs` into ``out``."""
    from ..plots import save_figure

    return [
        save_figure(plot_pareto(table, cost, label), out / f"pareto_{cost}.png")
        for cost, label in pareto_costs(metrics)
    ]


# ------------------------------------------------------------------------------------------
# a run
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScanResult:
    """What :func:`~fasttrack.scan.run_scan` did.

    Attributes
    ----------
    table: every row of the results file (this spec's points first, in spec order).
    n_points: points in the spec; n_evaluated: evaluated by this run; n_skipped: already
    in the results; n_failed: of this spec's rows, those with an error.
    seconds: wall time of the run (s), cluster start-up included.
    paths: the files written (parquet, CSV, Pareto PNGs).
    """

    table: pa.Table
    n_points: int
    n_evaluated: int
    n_skipped: int
    n_failed: int
    seconds: float
    paths: tuple[Path, ...] = field(default=())

    @property
    def spec_table(self) -> pa.Table:
        """The rows of this spec's points (the first ``n_points`` of :attr:`table`)."""
        return self.table.slice(0, self.n_points)


def format_result(result: ScanResult, out: str | Path) -> str:
    """A short text summary of a scan run."""
    lines = [
        f"scan: {result.n_points} points, {result.n_evaluated} evaluated, {result.n_skipped} already done, "
        f"{result.n_failed} failed, in {result.seconds:.1f} s"
    ]
    table = result.table
    ok = successful_mask(table)
    eff = float_column(table, "efficiency")
    if ok.any() and np.isfinite(eff[ok]).any():
        best = int(np.flatnonzero(ok)[np.nanargmax(eff[ok])])
        lines.append(f"best efficiency {eff[best]:.4f}: {point_labels(table)[best]}")
    lines.append("wrote " + ", ".join(str(p) for p in result.paths) if result.paths else f"results in {out}")
    return "\n".join(lines)


def format_failures(result: ScanResult, *, limit: int = 10) -> str:
    """The failed points of a run: how many, then each distinct error with its count ("" if none).

    At most ``limit`` distinct errors are listed, the most frequent first.
    """
    counts = error_counts(result.spec_table)
    if not counts:
        return ""
    lines = [f"{result.n_failed} of {result.n_points} points failed:"]
    lines += [f"  {n} point{'s' if n > 1 else ''}: {error}" for error, n in counts[:limit]]
    if len(counts) > limit:
        lines.append(f"  ... and {len(counts) - limit} other distinct errors")
    return "\n".join(lines)

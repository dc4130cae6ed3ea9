"""Parameter scans: a grid or random search over config fields and event samples, on Dask.

A *scan spec* (TOML) names an algorithm, the config fields to scan and the event samples;
:func:`run_scan` evaluates every point with the **fixed-point golden model** and writes
one row per point to ``<out>/results.parquet`` (and ``results.csv``), plus a Pareto-front
plot ``<out>/pareto_<cost>.png``. ``fasttrack scan SPEC.toml`` is the command; it prints
the distinct errors of the failed points, and exits with status 1 when no point succeeded.

Spec
----
::

    algorithm = "retina"            # a name of the registry: "retina" or "hough"
    metrics = ["cycles"]            # optional extras: "cycles" (the RTL's cycle model),
                                    # "resources" (synthesis estimate, minutes per point)
    pt_min_gev = 2.0                # optional efficiency cut (default: the preset's cut,
                                    # fasttrack.defaults: barrel 3 GeV, else none)
    clock_mhz = 250.0               # optional, clock of the cycle model (MHz)

    [config]                        # optional: overrides applied to every point
    weight_bits = 12

    [search]
    kind = "grid"                   # "grid": every combination, in the order written
    [search.params]                 # config field -> list of values
    n_b = [96, 192]
    threshold = [4.0, 4.5]

    [[samples]]                     # one or more event samples; every point runs on each
    preset = "telescope"
    events = 200
    seed = 7
    mix = { particles_per_vertex = 5 }   # optional EventMix overrides

Random search: ``kind = "random"``, ``n_points = N``, ``seed = S`` (of the draw) and each
parameter either a list (a uniform choice) or ``{ low = x, high = y }`` (uniform: integers
from low to high inclusive for integer fields, floats for float fields, log-uniform with
``log = true``).

Names in ``[config]`` and ``[search.params]`` are fields of
:class:`~fasttrack.retina.RetinaConfig` / :class:`~fasttrack.hough.HoughConfig`
(``dataclasses.fields``), passed to ``for_detector(det, **overrides)``; so derived widths
are re-derived unless given, the retina's ``sigma`` may be one float for all layers and
the retina also takes ``roi_sigmas`` (region of interest in σ). A malformed spec raises
:class:`ValueError` naming the bad key.

Results
-------
One row per point: the sample (``preset, events, seed, mix``), one ``param_<name>`` column
per scanned field, ``overrides`` (JSON of every override), ``config_hash``; efficiency
(with its 68 % Wilson bounds), fake and duplicate rates, counts, ``res68_<param>`` (half
width of the central 68 % of the residuals, in the parameter's unit); on request the cycle
model's ``cycles_per_event, latency_cycles_mean, latency_cycles_max, event_rate_mhz,
instances_for_40mhz`` and the synthesis ``lut, ff, dsp, bram`` (RAMB36 equivalents),
``u50_lut_share``; and
``error`` (``None``, or the message of what failed: the scan goes on).

``point_key`` is the first 16 hex digits of the SHA-256 of the point's canonical JSON
(algorithm, overrides, sample, requested metrics, efficiency cut, clock). Rerunning into
the same folder skips points already there (failed ones too, unless ``retry_failed``);
rows of points no longer in the spec are kept. The table holds no timings or host names,
so a serial run and a Dask run give equal tables: events are a pure function of the seed.

Dask
----
By default :func:`run_scan` starts a ``LocalCluster`` of 2 worker processes on
127.0.0.1 (no dashboard); ``scheduler="tcp://host:8786"`` uses an existing cluster (its
workers need the same fasttrack installed), ``client=`` an existing
:class:`distributed.Client`, ``serial=True`` a plain loop in this process.

Modules
-------
:mod:`~fasttrack.scan.spec` the spec (parsing, validation, points and their keys);
:mod:`~fasttrack.scan.run` evaluating points, serially or on Dask, and resuming;
:mod:`~fasttrack.scan.results` the results table and files, Pareto fronts, summaries.
Config overrides are checked by :mod:`fasttrack.overrides`. The public names of the
three are importable from here (``from fasttrack.scan import run_scan, read_results``).

Example
-------
>>> from fasttrack.scan import parse_spec
>>> spec = parse_spec({
...     "algorithm": "retina",
...     "search": {"kind": "grid", "params": {"n_b": [96, 192], "threshold": [4.0, 4.5]}},
...     "samples": [{"preset": "telescope", "events": 100, "seed": 1}],
... })
>>> [p.overrides for p in spec.points()][:2]
[{'n_b': 96, 'threshold': 4.0}, {'n_b': 96, 'threshold': 4.5}]
>>> result = run_scan(spec, "build/scan", serial=True)  # doctest: +SKIP
>>> result.n_evaluated, result.table.num_rows  # doctest: +SKIP
(4, 4)
"""

from __future__ import annotations

from ..overrides import check_overrides
from .results import (
    RESULTS_NAME,
    ScanResult,
    error_counts,
    float_column,
    format_failures,
    format_result,
    pareto_costs,
    pareto_front,
    pareto_indices,
    plot_pareto,
    point_labels,
    read_results,
    rows_to_table,
    successful_mask,
    table_costs,
    write_pareto_plots,
    write_results,
)
from .run import build_config, evaluate_point, run_scan
from .spec import METRICS, Choice, Point, Sample, ScanSpec, Uniform, load_spec, parse_spec

__all__ = [
    "METRICS",
    "RESULTS_NAME",
    "Choice",
    "Point",
    "Sample",
    "ScanResult",
    "ScanSpec",
    "Uniform",
    "build_config",
    "check_overrides",
    "error_counts",
    "evaluate_point",
    "float_column",
    "format_failures",
    "format_result",
    "load_spec",
    "pareto_costs",
    "pareto_front",
    "pareto_indices",
    "parse_spec",
    "plot_pareto",
    "point_labels",
    "read_results",
    "rows_to_table",
    "run_scan",
    "successful_mask",
    "table_costs",
    "write_pareto_plots",
    "write_results",
]

"""Parameter scans: a grid or random search over config fields and event samples, on Dask.

A *scan spec* (TOML) names an algorithm, the config fields to scan and the event samples;
:func:`run_scan` evaluates every point with the **fixed-point golden model** and writes
one row per point to ``<out>/results.parquet`` (and ``results.csv``), plus a Pareto-front
plot ``<out>/pareto_<cost>.png``. ``fasttrack scan SPEC.toml`` is the command.

Spec
----
::

    algorithm = "retina"            # a name of the registry: "retina" or "hough"
    metrics = ["cycles"]            # optional extras: "cycles" (the RTL's cycle model),
                                    # "resources" (synthesis estimate, minutes per point)
    pt_min_gev = 2.0                # optional efficiency cut (default: the preset's cut
                                    # of `fasttrack demo`: barrel 3 GeV, else none)
    clock_mhz = 250.0               # optional, clock of the cycle model (MHz)

    [config]                        # optional: overrides applied to every point
    weight_bits = 12

    [search]
    kind = "grid"                   # "grid": every combination, in the order written
    [search.params]                 # config field -> list of values
    n_a = [96, 192]
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

Example
-------
>>> from fasttrack.scan import parse_spec
>>> spec = parse_spec({
...     "algorithm": "retina",
...     "search": {"kind": "grid", "params": {"n_a": [96, 192], "threshold": [4.0, 4.5]}},
...     "samples": [{"preset": "telescope", "events": 100, "seed": 1}],
... })
>>> [p.overrides for p in spec.points()][:2]
[{'n_a': 96, 'threshold': 4.0}, {'n_a': 96, 'threshold': 4.5}]
>>> result = run_scan(spec, "build/scan", serial=True)  # doctest: +SKIP
>>> result.n_evaluated, result.table.num_rows  # doctest: +SKIP
(4, 4)
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import functools
import hashlib
import importlib
import itertools
import json
import math
import os
import time
import tomllib
import types
import typing
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from . import algorithms
from .hw.platform import CLOCK_MHZ

if TYPE_CHECKING:
    import pyarrow as pa
    from distributed import Client
    from matplotlib.figure import Figure

    from .events import Events

__all__ = [
    "METRICS",
    "Choice",
    "Point",
    "Sample",
    "ScanResult",
    "ScanSpec",
    "Uniform",
    "check_overrides",
    "evaluate_point",
    "float_column",
    "load_spec",
    "pareto_costs",
    "pareto_front",
    "parse_spec",
    "plot_pareto",
    "point_labels",
    "read_results",
    "run_scan",
    "successful_mask",
    "table_costs",
]

Algorithm = str  # a name of the algorithm registry (fasttrack.algorithms)
#: optional metrics beyond the physics (which every point measures)
METRICS = ("cycles", "resources")
#: the modules the hardware metrics need
_HW_MODULES = {"cycles": "fasttrack.hw.cyclemodel", "resources": "fasttrack.hw.synth"}
_TOP_KEYS = ("algorithm", "metrics", "pt_min_gev", "clock_mhz", "config", "search", "samples")
_SEARCH_KEYS = ("kind", "params", "n_points", "seed")
_SAMPLE_KEYS = ("preset", "events", "seed", "mix")
_UNIFORM_KEYS = ("low", "high", "log")
_CYCLE_COLUMNS = ("cycles_per_event", "latency_cycles_mean", "latency_cycles_max", "event_rate_mhz")
_SYNTH_COLUMNS = ("lut", "ff", "dsp", "bram", "u50_lut_share")
RESULTS_NAME = "results"
_CHECKPOINT_S = 5.0


# ------------------------------------------------------------------------------------------
# spec model
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Choice:
    """A scanned parameter's values: every one (grid) or a uniform draw of one (random)."""

    values: tuple[Any, ...]


@dataclass(frozen=True)
class Uniform:
    """A random-search range ``[low, high]``: integers (inclusive) or floats, optionally log."""

    low: float
    high: float
    integer: bool = False
    log: bool = False

    def draw(self, rng: np.random.Generator) -> int | float:
        """One value drawn from the range with ``rng``."""
        if self.integer:
            return int(rng.integers(int(self.low), int(self.high), endpoint=True))
        if self.log:
            return float(math.exp(rng.uniform(math.log(self.low), math.log(self.high))))
        return float(rng.uniform(self.low, self.high))


Axis = Choice | Uniform


@dataclass(frozen=True)
class Sample:
    """An event sample: preset detector, number of events, seed and event-mix overrides."""

    preset: str
    events: int
    seed: int
    mix: tuple[tuple[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"preset": self.preset, "events": self.events, "seed": self.seed, "mix": dict(self.mix)}


@dataclass(frozen=True)
class Point:
    """One scan point: the overrides of one config on one sample, and what to measure."""

    algorithm: Algorithm
    params: tuple[tuple[str, Any], ...]
    config: tuple[tuple[str, Any], ...]
    sample: Sample
    metrics: tuple[str, ...] = ()
    pt_min_gev: float | None = None
    clock_mhz: float = CLOCK_MHZ

    @property
    def overrides(self) -> dict[str, Any]:
        """The config overrides of the point: the fixed ``[config]`` ones, then the scanned."""
        return {**dict(self.config), **dict(self.params)}

    def to_dict(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "overrides": _jsonable(self.overrides),
            "sample": _jsonable(self.sample.to_dict()),
            "metrics": sorted(self.metrics),
            "pt_min_gev": self.pt_min_gev,
            "clock_mhz": self.clock_mhz,
        }

    @functools.cached_property
    def key(self) -> str:
        """Stable identity: SHA-256 (16 hex digits) of the point's canonical JSON."""
        text = json.dumps(self.to_dict(), sort_keys=True, allow_nan=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ScanSpec:
    """A validated scan spec (build it with :func:`load_spec` or :func:`parse_spec`)."""

    algorithm: Algorithm
    samples: tuple[Sample, ...]
    params: tuple[tuple[str, Axis], ...]
    kind: Literal["grid", "random"] = "grid"
    config: tuple[tuple[str, Any], ...] = ()
    metrics: tuple[str, ...] = ()
    n_points: int | None = None
    random_seed: int = 0
    pt_min_gev: float | None = None
    clock_mhz: float = CLOCK_MHZ
    source: str = "<spec>"

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.params)

    def parameter_sets(self) -> list[tuple[tuple[str, Any], ...]]:
        """The scanned values of each point, in order (grid: row-major, last key fastest)."""
        names = self.param_names
        if self.kind == "grid":
            axes = [axis.values for _, axis in self.params if isinstance(axis, Choice)]
            return [tuple(zip(names, combo, strict=True)) for combo in itertools.product(*axes)]
        rng = np.random.default_rng(self.random_seed)
        sets = []
        for _ in range(self.n_points or 0):
            values = [_draw(axis, rng) for _, axis in self.params]
            sets.append(tuple(zip(names, values, strict=True)))
        return sets

    def points(self) -> list[Point]:
        """Every point: each sample (outer loop) with each parameter set; duplicates dropped."""
        out: dict[str, Point] = {}
        for sample in self.samples:
            for params in self.parameter_sets():
                p = Point(
                    algorithm=self.algorithm,
                    params=params,
                    config=self.config,
                    sample=sample,
                    metrics=self.metrics,
                    pt_min_gev=self._pt_cut(sample),
                    clock_mhz=self.clock_mhz,
                )
                out.setdefault(p.key, p)
        return list(out.values())

    def _pt_cut(self, sample: Sample) -> float | None:
        if self.pt_min_gev is not None:
            return self.pt_min_gev
        from .demo import DEMO_PT_MIN_GEV

        return DEMO_PT_MIN_GEV.get(sample.preset)


def _draw(axis: Axis, rng: np.random.Generator) -> Any:
    if isinstance(axis, Choice):
        return axis.values[int(rng.integers(len(axis.values)))]
    return axis.draw(rng)


# ------------------------------------------------------------------------------------------
# spec parsing and validation
# ------------------------------------------------------------------------------------------
def _fail(source: str, where: str, msg: str) -> typing.NoReturn:
    """Reject a malformed spec: a ValueError naming the spec, the bad key and what is wrong."""
    raise ValueError(f"scan spec {source}: {where} {msg}")


def _unknown(source: str, where: str, key: str, allowed: Iterable[str]) -> typing.NoReturn:
    allowed = list(allowed)
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    _fail(source, where, f"has unknown key {key!r}{hint}; allowed: {', '.join(allowed)}")


def field_hints(algorithm: Algorithm) -> dict[str, Any]:
    """Override name -> expected type for an algorithm's config (fields + preset extras)."""
    algo = algorithms.get(algorithm)
    cls = algo.config_class
    hints = typing.get_type_hints(cls)
    out = {f.name: hints[f.name] for f in dataclasses.fields(cls)}
    out.update(algo.config_hints)
    out.update(algo.config_extras)
    return out


def _type_name(hint: Any) -> str:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in args if a is not type(None))
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return f"a list of {_type_name(args[0])}"
        return f"a list of {len(args)} values ({', '.join(_type_name(a) for a in args)})"
    return getattr(hint, "__name__", str(hint))


def _coerce(value: Any, hint: Any) -> Any:
    """``value`` converted to ``hint`` (TOML lists become tuples); TypeError if it does not fit."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is bool:
        if isinstance(value, bool):
            return value
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif hint is str:
        if isinstance(value, str):
            return value
    elif origin is Literal:
        if value in args and isinstance(value, str):
            return value
    elif origin in (typing.Union, types.UnionType):
        for option in args:
            if option is type(None):
                continue
            try:
                return _coerce(value, option)
            except TypeError:
                pass
    elif origin is tuple and isinstance(value, (list, tuple)):
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_coerce(v, args[0]) for v in value)
        if len(value) == len(args):
            return tuple(_coerce(v, a) for v, a in zip(value, args, strict=True))
    raise TypeError(f"must be {_type_name(hint)}, got {type(value).__name__} {value!r}")


def _checked(source: str, where: str, value: Any, hint: Any) -> Any:
    try:
        return _coerce(value, hint)
    except TypeError as err:
        _fail(source, where, str(err))


def _table(source: str, where: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        _fail(source, where, f"must be a table, got {type(value).__name__} {value!r}")
    return value


def check_overrides(
    algorithm: Algorithm, overrides: Mapping[str, Any], *, source: str = "<overrides>", where: str = "config"
) -> dict[str, Any]:
    """Validate config overrides against the algorithm's config fields; return them coerced.

    Names must be fields of the config class (``dataclasses.fields``) or preset extras
    (the retina's ``roi_sigmas``); values must fit the field's type (lists become tuples).

    >>> check_overrides("retina", {"n_a": 96, "sigma": 1})
    {'n_a': 96, 'sigma': 1.0}
    >>> check_overrides("retina", {"n_aa": 96})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: scan spec <overrides>: config has unknown key 'n_aa' (did you mean 'n_a'?); allowed: ...
    """
    hints = field_hints(algorithm)
    out: dict[str, Any] = {}
    for name, value in _table(source, where, overrides).items():
        if name not in hints:
            _unknown(source, where, name, hints)
        out[name] = _checked(source, f"{where}.{name}", value, hints[name])
    return out


def _parse_axis(source: str, where: str, kind: str, value: Any, hint: Any) -> Axis:
    if isinstance(value, list):
        if not value:
            _fail(source, where, "is an empty list: give at least one value")
        return Choice(tuple(_checked(source, f"{where}[{i}]", v, hint) for i, v in enumerate(value)))
    if kind == "grid":
        _fail(source, where, f"must be a list of values in a grid search, got {type(value).__name__} {value!r}")
    if not isinstance(value, Mapping):
        _fail(source, where, f"must be a list of values or a table {{ low = .., high = .. }}, got {value!r}")
    for key in value:
        if key not in _UNIFORM_KEYS:
            _unknown(source, where, key, _UNIFORM_KEYS)
    if "low" not in value or "high" not in value:
        _fail(source, where, "needs both 'low' and 'high'")
    low, high, log = value["low"], value["high"], value.get("log", False)
    if not isinstance(log, bool):
        _fail(source, f"{where}.log", f"must be true or false, got {log!r}")
    for bound in ("low", "high"):
        b = value[bound]
        if isinstance(b, bool) or not isinstance(b, (int, float)) or not math.isfinite(b):
            _fail(source, f"{where}.{bound}", f"must be a finite number, got {b!r}")
    if _accepts(hint, 0.5):
        integer = False
    elif _accepts(hint, 1):
        integer = True
        if not (isinstance(low, int) and isinstance(high, int)) or log:
            _fail(source, where, f"is an integer field: give integer bounds and no log (got {dict(value)!r})")
    else:
        _fail(source, where, f"is a range but the field must be {_type_name(hint)}: give a list of values")
    if not low < high:
        _fail(source, where, f"needs low < high (got low={low!r}, high={high!r})")
    if log and low <= 0:
        _fail(source, where, f"with log = true needs low > 0 (got {low!r})")
    return Uniform(float(low), float(high), integer=integer, log=log)


def _accepts(hint: Any, value: Any) -> bool:
    try:
        _coerce(value, hint)
    except TypeError:
        return False
    return True


def _parse_search(source: str, algorithm: Algorithm, raw: Any, fixed: Mapping[str, Any]) -> dict[str, Any]:
    search = _table(source, "search", raw)
    for key in search:
        if key not in _SEARCH_KEYS:
            _unknown(source, "search", key, _SEARCH_KEYS)
    kind = search.get("kind", "grid")
    if kind not in ("grid", "random"):
        _fail(source, "search.kind", f"must be 'grid' or 'random', got {kind!r}")
    params = _table(source, "search.params", search.get("params", {}))
    if not params:
        _fail(source, "search.params", "is empty: name at least one config field with its values")
    hints = field_hints(algorithm)
    axes: list[tuple[str, Axis]] = []
    for name, value in params.items():
        if name not in hints:
            _unknown(source, "search.params", name, hints)
        if name in fixed:
            _fail(source, f"search.params.{name}", "is also set in [config]: keep it in one place")
        axes.append((name, _parse_axis(source, f"search.params.{name}", kind, value, hints[name])))
    out: dict[str, Any] = {"kind": kind, "params": tuple(axes)}
    if kind == "grid":
        for key in ("n_points", "seed"):
            if key in search:
                _fail(source, f"search.{key}", "is only for kind = 'random'")
        return out
    n = search.get("n_points")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        _fail(source, "search.n_points", f"must be an integer >= 1 for a random search, got {n!r}")
    seed = search.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        _fail(source, "search.seed", f"must be an integer >= 0, got {seed!r}")
    return {**out, "n_points": n, "random_seed": seed}


def _parse_samples(source: str, raw: Any) -> tuple[Sample, ...]:
    from .detector import PRESETS, EventMix

    if raw is None:
        _fail(source, "samples", "is missing: add at least one [[samples]] table (preset, events, seed)")
    if not isinstance(raw, list) or not raw:
        _fail(source, "samples", f"must be a non-empty array of tables ([[samples]]), got {raw!r}")
    mix_hints = typing.get_type_hints(EventMix)
    mix_fields = [f.name for f in dataclasses.fields(EventMix)]
    out = []
    for i, entry in enumerate(raw):
        where = f"samples[{i}]"
        entry = _table(source, where, entry)
        for key in entry:
            if key not in _SAMPLE_KEYS:
                _unknown(source, where, key, _SAMPLE_KEYS)
        for key in ("preset", "events", "seed"):
            if key not in entry:
                _fail(source, where, f"needs {key!r}")
        preset = entry["preset"]
        if preset not in PRESETS:
            _fail(source, f"{where}.preset", f"must be one of {sorted(PRESETS)}, got {preset!r}")
        events, seed = entry["events"], entry["seed"]
        if isinstance(events, bool) or not isinstance(events, int) or events < 1:
            _fail(source, f"{where}.events", f"must be an integer >= 1, got {events!r}")
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
            _fail(source, f"{where}.seed", f"must be an integer in [0, 2**63), got {seed!r}")
        mix = []
        for name, value in _table(source, f"{where}.mix", entry.get("mix", {})).items():
            if name not in mix_hints:
                _unknown(source, f"{where}.mix", name, mix_fields)
            mix.append((name, _checked(source, f"{where}.mix.{name}", value, mix_hints[name])))
        try:
            PRESETS[preset]().with_mix(**dict(mix))
        except ValueError as err:
            _fail(source, f"{where}.mix", f"is not a valid event mix for {preset}: {err}")
        out.append(Sample(preset, events, seed, tuple(mix)))
    return tuple(out)


def _parse_metrics(source: str, algorithm: Algorithm, raw: Any) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(m, str) for m in raw):
        _fail(source, "metrics", f"must be a list of names from {list(METRICS)}, got {raw!r}")
    out = []
    for m in raw:
        if m == "physics":  # always measured; allowed for explicitness
            continue
        if m not in METRICS:
            _fail(source, "metrics", f"has unknown metric {m!r}; choose from {list(METRICS)} (physics is always on)")
        if algorithms.get(algorithm).hardware is None:
            _fail(
                source,
                "metrics",
                f"requests {m!r}, which the {algorithm} does not have (it has no hardware: no cycle model, "
                "no synthesis estimate)",
            )
        if m not in out:
            out.append(m)
    return tuple(out)


def _optional_number(source: str, spec: Mapping[str, Any], key: str, *, positive: bool) -> float | None:
    if key not in spec:
        return None
    v = spec[key]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
        _fail(source, key, f"must be a finite number >= 0, got {v!r}")
    if positive and v <= 0:
        _fail(source, key, f"must be > 0, got {v!r}")
    return float(v)


def parse_spec(raw: Mapping[str, Any], *, source: str = "<spec>") -> ScanSpec:
    """Validate a spec given as a mapping (e.g. parsed TOML); raise ValueError naming the bad key."""
    raw = _table(source, "the spec", raw)
    for key in raw:
        if key not in _TOP_KEYS:
            _unknown(source, "the top level", key, _TOP_KEYS)
    algorithm = raw.get("algorithm")
    if algorithm not in algorithms.names():
        _fail(source, "algorithm", f"must be one of {', '.join(map(repr, algorithms.names()))}, got {algorithm!r}")
    metrics = _parse_metrics(source, algorithm, raw.get("metrics", []))
    config = check_overrides(algorithm, raw.get("config", {}), source=source, where="config")
    if "search" not in raw:
        _fail(source, "search", "is missing: add [search] with kind and [search.params]")
    search = _parse_search(source, algorithm, raw["search"], config)
    clock = _optional_number(source, raw, "clock_mhz", positive=True)
    return ScanSpec(
        algorithm=algorithm,
        samples=_parse_samples(source, raw.get("samples")),
        config=tuple(config.items()),
        metrics=metrics,
        pt_min_gev=_optional_number(source, raw, "pt_min_gev", positive=False),
        clock_mhz=CLOCK_MHZ if clock is None else clock,
        source=source,
        **search,
    )


def load_spec(path: str | Path) -> ScanSpec:
    """Read and validate a TOML scan spec (see the module docstring for its keys)."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"scan spec {path}: not valid TOML: {err}") from None
    return parse_spec(raw, source=str(path))


# ------------------------------------------------------------------------------------------
# evaluating one point (runs on a Dask worker or in this process)
# ------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=4)
def _sample_events(sample: Sample) -> Events:
    """The events of a sample (cached per process: points of one sample share them)."""
    from . import detector, generate

    return generate.generate(
        detector.preset(sample.preset), sample.events, seed=sample.seed, progress=False, **dict(sample.mix)
    )


def build_config(algorithm: Algorithm, det: Any, overrides: Mapping[str, Any]) -> Any:
    """The algorithm's default config for ``det`` with ``overrides``."""
    return algorithms.get(algorithm).default_config(det, **overrides)


def _num(v: Any) -> float | None:
    """A JSON-safe float (None for missing)."""
    return None if v is None else float(v)


def _physics(point: Point, events: Events, cfg: Any) -> dict[str, Any]:
    from . import metrics, trackmodel

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


def _jsonable(v: Any) -> Any:
    if isinstance(v, Mapping):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, np.generic):
        return v.item()
    return v


def _cell(v: Any) -> Any:
    """A parameter value as a table cell: scalars as they are, lists as JSON text."""
    return v if isinstance(v, (bool, int, float, str)) else json.dumps(_jsonable(v))


def _identity(point: Point) -> dict[str, Any]:
    row: dict[str, Any] = {
        "point_key": point.key,
        "algorithm": point.algorithm,
        "preset": point.sample.preset,
        "events": point.sample.events,
        "seed": point.sample.seed,
        "mix": json.dumps(_jsonable(dict(point.sample.mix)), sort_keys=True),
    }
    row.update({f"param_{k}": _cell(v) for k, v in point.params})
    row["overrides"] = json.dumps(_jsonable(point.overrides), sort_keys=True)
    row["pt_min_gev"] = point.pt_min_gev
    row["config_hash"] = None
    return row


def evaluate_point(point: Point) -> dict[str, Any]:
    """Measure one point with the fixed-point golden model; never raises.

    Returns the point's row (see the module docstring): on any failure the columns
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
# results table
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


def read_results(path: str | Path) -> pa.Table:
    """The results table of a scan (``results.parquet`` or the folder holding it)."""
    import pyarrow.parquet as pq

    path = Path(path)
    if path.is_dir():
        path = path / f"{RESULTS_NAME}.parquet"
    if not path.exists():
        raise ValueError(f"no scan results at {path}")
    return pq.read_table(path)


class _Store:
    """The rows of a scan folder: earlier results plus this run's, saved atomically."""

    def __init__(self, out: Path, points: Sequence[Point], retry_failed: bool) -> None:
        self.out = out
        self.order = {p.key: i for i, p in enumerate(points)}
        self.rows: dict[str, dict[str, Any]] = {}
        self.parquet = out / f"{RESULTS_NAME}.parquet"
        self.csv = out / f"{RESULTS_NAME}.csv"
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
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        table = self.table()
        self.out.mkdir(parents=True, exist_ok=True)
        for path, write in ((self.parquet, pq.write_table), (self.csv, pacsv.write_csv)):
            tmp = path.with_name(f".{path.name}.tmp")
            write(table, tmp)
            os.replace(tmp, path)
        self.last_save = time.monotonic()
        return table


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
    front = pareto_front(np.where(good, x, np.nan), np.where(good, y, np.nan))
    ax.scatter(x[good & ~front], y[good & ~front], s=18, color="0.6", label="scan points")
    order = np.flatnonzero(front)[np.argsort(x[front], kind="stable")]
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


def write_pareto_plots(table: pa.Table, metrics: Iterable[str], out: Path) -> list[Path]:
    """One ``pareto_<cost>.png`` per cost of :func:`pareto_costs` into ``out``."""
    from .plots import save_figure

    return [
        save_figure(plot_pareto(table, cost, label), out / f"pareto_{cost}.png")
        for cost, label in pareto_costs(metrics)
    ]


# ------------------------------------------------------------------------------------------
# running
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScanResult:
    """What :func:`run_scan` did.

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
    from .progress import progress_bar

    for p in progress_bar(points, desc="scan (serial)", unit="point", disable=not progress):
        yield evaluate_point(p)


def _on_client(client: Client, points: Sequence[Point], progress: bool) -> Iterator[dict[str, Any]]:
    """Evaluate on a Dask cluster; yields rows as they complete (a lost task becomes an error row)."""
    from distributed import as_completed

    from .progress import progress_bar

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

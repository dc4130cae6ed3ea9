"""The scan spec: its model, reading and validating a TOML spec, and expanding it into points.

A :class:`ScanSpec` (built by :func:`load_spec` from a TOML file or :func:`parse_spec` from
a mapping) names an algorithm, the scanned config fields (:class:`Choice` lists or
:class:`Uniform` ranges), the fixed ``[config]`` overrides and the event samples
(:class:`Sample`); :meth:`ScanSpec.points` expands it into points (:class:`Point`), each
with a stable :attr:`Point.key`. The spec's keys are documented in :mod:`fasttrack.scan`.

Example
-------
>>> spec = parse_spec({
...     "algorithm": "hough",
...     "search": {"kind": "random", "n_points": 3, "seed": 1, "params": {"min_layers": {"low": 3, "high": 5}}},
...     "samples": [{"preset": "telescope", "events": 10, "seed": 1}],
... })
>>> spec.params
(('min_layers', Uniform(low=3.0, high=5.0, integer=True, log=False)),)
>>> [p.overrides for p in spec.points()]  # three draws, one repeated: a point runs once
[{'min_layers': 4}, {'min_layers': 5}]
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import json
import math
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .. import algorithms
from ..defaults import EFFICIENCY_PT_MIN_GEV
from ..hw.platform import CLOCK_MHZ
from ..overrides import accepts, as_table, check_overrides, checked, fail, fail_unknown, field_hints, type_name

__all__ = [
    "METRICS",
    "Axis",
    "Choice",
    "Point",
    "Sample",
    "ScanSpec",
    "Uniform",
    "jsonable",
    "load_spec",
    "parse_spec",
]

#: optional metrics beyond the physics (which every point measures)
METRICS = ("cycles", "resources")
_TOP_KEYS = ("algorithm", "metrics", "pt_min_gev", "clock_mhz", "config", "search", "samples")
_SEARCH_KEYS = ("kind", "params", "n_points", "seed")
_SAMPLE_KEYS = ("preset", "events", "seed", "mix")
_UNIFORM_KEYS = ("low", "high", "log")


# ------------------------------------------------------------------------------------------
# the model
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
    """One scan point: the overrides of one config on one sample, and what to measure.

    ``algorithm`` is a name of the registry (:mod:`fasttrack.algorithms`).
    """

    algorithm: str
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
            "overrides": jsonable(self.overrides),
            "sample": jsonable(self.sample.to_dict()),
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

    algorithm: str
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
        return EFFICIENCY_PT_MIN_GEV.get(sample.preset)


def _draw(axis: Axis, rng: np.random.Generator) -> Any:
    if isinstance(axis, Choice):
        return axis.values[int(rng.integers(len(axis.values)))]
    return axis.draw(rng)


def jsonable(v: Any) -> Any:
    """``v`` in plain JSON types: mappings as dicts, tuples as lists, numpy scalars as Python's.

    >>> jsonable({"sigma": (np.float64(0.5), 1)})
    {'sigma': [0.5, 1]}
    """
    if isinstance(v, Mapping):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, np.generic):
        return v.item()
    return v


# ------------------------------------------------------------------------------------------
# parsing and validation (``label``: "scan spec <file>", the start of every message)
# ------------------------------------------------------------------------------------------
def _parse_axis(label: str, where: str, kind: str, value: Any, hint: Any) -> Axis:
    if isinstance(value, list):
        if not value:
            fail(label, where, "is an empty list: give at least one value")
        return Choice(tuple(checked(label, f"{where}[{i}]", v, hint) for i, v in enumerate(value)))
    if kind == "grid":
        fail(label, where, f"must be a list of values in a grid search, got {type(value).__name__} {value!r}")
    if not isinstance(value, Mapping):
        fail(label, where, f"must be a list of values or a table {{ low = .., high = .. }}, got {value!r}")
    for key in value:
        if key not in _UNIFORM_KEYS:
            fail_unknown(label, where, key, _UNIFORM_KEYS)
    if "low" not in value or "high" not in value:
        fail(label, where, "needs both 'low' and 'high'")
    low, high, log = value["low"], value["high"], value.get("log", False)
    if not isinstance(log, bool):
        fail(label, f"{where}.log", f"must be true or false, got {log!r}")
    for bound in ("low", "high"):
        b = value[bound]
        if isinstance(b, bool) or not isinstance(b, (int, float)) or not math.isfinite(b):
            fail(label, f"{where}.{bound}", f"must be a finite number, got {b!r}")
    if accepts(hint, 0.5):
        integer = False
    elif accepts(hint, 1):
        integer = True
        if not (isinstance(low, int) and isinstance(high, int)) or log:
            fail(label, where, f"is an integer field: give integer bounds and no log (got {dict(value)!r})")
    else:
        fail(label, where, f"is a range but the field must be {type_name(hint)}: give a list of values")
    if not low < high:
        fail(label, where, f"needs low < high (got low={low!r}, high={high!r})")
    if log and low <= 0:
        fail(label, where, f"with log = true needs low > 0 (got {low!r})")
    return Uniform(float(low), float(high), integer=integer, log=log)


def _parse_search(label: str, algorithm: str, raw: Any, fixed: Mapping[str, Any]) -> dict[str, Any]:
    search = as_table(label, "search", raw)
    for key in search:
        if key not in _SEARCH_KEYS:
            fail_unknown(label, "search", key, _SEARCH_KEYS)
    kind = search.get("kind", "grid")
    if kind not in ("grid", "random"):
        fail(label, "search.kind", f"must be 'grid' or 'random', got {kind!r}")
    params = as_table(label, "search.params", search.get("params", {}))
    if not params:
        fail(label, "search.params", "is empty: name at least one config field with its values")
    hints = field_hints(algorithm)
    axes: list[tuple[str, Axis]] = []
    for name, value in params.items():
        if name not in hints:
            fail_unknown(label, "search.params", name, hints)
        if name in fixed:
            fail(label, f"search.params.{name}", "is also set in [config]: keep it in one place")
        axes.append((name, _parse_axis(label, f"search.params.{name}", kind, value, hints[name])))
    out: dict[str, Any] = {"kind": kind, "params": tuple(axes)}
    if kind == "grid":
        for key in ("n_points", "seed"):
            if key in search:
                fail(label, f"search.{key}", "is only for kind = 'random'")
        return out
    n = search.get("n_points")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        fail(label, "search.n_points", f"must be an integer >= 1 for a random search, got {n!r}")
    seed = search.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        fail(label, "search.seed", f"must be an integer >= 0, got {seed!r}")
    return {**out, "n_points": n, "random_seed": seed}


def _parse_samples(label: str, raw: Any) -> tuple[Sample, ...]:
    from ..detector import PRESETS, EventMix

    if raw is None:
        fail(label, "samples", "is missing: add at least one [[samples]] table (preset, events, seed)")
    if not isinstance(raw, list) or not raw:
        fail(label, "samples", f"must be a non-empty array of tables ([[samples]]), got {raw!r}")
    mix_hints = typing.get_type_hints(EventMix)
    mix_fields = [f.name for f in dataclasses.fields(EventMix)]
    out = []
    for i, entry in enumerate(raw):
        where = f"samples[{i}]"
        entry = as_table(label, where, entry)
        for key in entry:
            if key not in _SAMPLE_KEYS:
                fail_unknown(label, where, key, _SAMPLE_KEYS)
        for key in ("preset", "events", "seed"):
            if key not in entry:
                fail(label, where, f"needs {key!r}")
        preset = entry["preset"]
        if preset not in PRESETS:
            fail(label, f"{where}.preset", f"must be one of {sorted(PRESETS)}, got {preset!r}")
        events, seed = entry["events"], entry["seed"]
        if isinstance(events, bool) or not isinstance(events, int) or events < 1:
            fail(label, f"{where}.events", f"must be an integer >= 1, got {events!r}")
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
            fail(label, f"{where}.seed", f"must be an integer in [0, 2**63), got {seed!r}")
        mix = []
        for name, value in as_table(label, f"{where}.mix", entry.get("mix", {})).items():
            if name not in mix_hints:
                fail_unknown(label, f"{where}.mix", name, mix_fields)
            mix.append((name, checked(label, f"{where}.mix.{name}", value, mix_hints[name])))
        try:
            PRESETS[preset]().with_mix(**dict(mix))
        except ValueError as err:
            fail(label, f"{where}.mix", f"is not a valid event mix for {preset}: {err}")
        out.append(Sample(preset, events, seed, tuple(mix)))
    return tuple(out)


def _parse_metrics(label: str, algorithm: str, raw: Any) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(m, str) for m in raw):
        fail(label, "metrics", f"must be a list of names from {list(METRICS)}, got {raw!r}")
    out = []
    for m in raw:
        if m == "physics":  # always measured; allowed for explicitness
            continue
        if m not in METRICS:
            fail(label, "metrics", f"has unknown metric {m!r}; choose from {list(METRICS)} (physics is always on)")
        if algorithms.get(algorithm).hardware is None:
            fail(
                label,
                "metrics",
                f"requests {m!r}, which the {algorithm} does not have (it has no hardware: no cycle model, "
                "no synthesis estimate)",
            )
        if m not in out:
            out.append(m)
    return tuple(out)


def _optional_number(label: str, spec: Mapping[str, Any], key: str, *, positive: bool) -> float | None:
    if key not in spec:
        return None
    v = spec[key]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
        fail(label, key, f"must be a finite number >= 0, got {v!r}")
    if positive and v <= 0:
        fail(label, key, f"must be > 0, got {v!r}")
    return float(v)


def parse_spec(raw: Mapping[str, Any], *, source: str = "<spec>") -> ScanSpec:
    """Validate a spec given as a mapping (e.g. parsed TOML); raise ValueError naming the bad key.

    ``source`` names the spec in the messages (``"scan spec <source>: <key> ..."``).
    """
    label = f"scan spec {source}"
    raw = as_table(label, "the spec", raw)
    for key in raw:
        if key not in _TOP_KEYS:
            fail_unknown(label, "the top level", key, _TOP_KEYS)
    algorithm = raw.get("algorithm")
    if algorithm not in algorithms.names():
        fail(label, "algorithm", f"must be one of {', '.join(map(repr, algorithms.names()))}, got {algorithm!r}")
    metrics = _parse_metrics(label, algorithm, raw.get("metrics", []))
    config = check_overrides(algorithm, raw.get("config", {}), source=label, where="config")
    if "search" not in raw:
        fail(label, "search", "is missing: add [search] with kind and [search.params]")
    search = _parse_search(label, algorithm, raw["search"], config)
    clock = _optional_number(label, raw, "clock_mhz", positive=True)
    return ScanSpec(
        algorithm=algorithm,
        samples=_parse_samples(label, raw.get("samples")),
        config=tuple(config.items()),
        metrics=metrics,
        pt_min_gev=_optional_number(label, raw, "pt_min_gev", positive=False),
        clock_mhz=CLOCK_MHZ if clock is None else clock,
        source=source,
        **search,
    )


def load_spec(path: str | Path) -> ScanSpec:
    """Read and validate a TOML scan spec (see :mod:`fasttrack.scan` for its keys)."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"scan spec {path}: not valid TOML: {err}") from None
    return parse_spec(raw, source=str(path))

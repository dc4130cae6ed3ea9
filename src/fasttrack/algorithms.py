"""The algorithm registry: one :class:`Algorithm` spec per track-finding algorithm.

Each algorithm (the artificial retina, the Hough transform) describes itself once, in the
spirit of FINN's one class per hardware op: its config class and default configs, its
reference finder (float and fixed-point golden model), how a candidate is identified, its
picture, and its :class:`Hardware` -- the config the RTL is built for, generated files,
test vectors, the co-simulation's stream plan and the cycle schedule. The command line,
C-simulation, co-simulation, synthesis, scans, studies, the report and the demo look the
algorithm up here (:func:`get`) and hold no branch on its name.

A :class:`Variant` is one row of the demo and the report: an algorithm in one mode
(``retina-fixed``) or the truth reference (``truth``, ideal pattern recognition and a
linear fit).

Adding an algorithm: write its package (config, reference, presets), its hardware module
under :mod:`fasttrack.hw`, its spec module (as :mod:`fasttrack.retina.spec`), and name the
spec module in ``_BUILTIN`` (or call :func:`register` at run time).

Example
-------
>>> from fasttrack import algorithms, detector
>>> algorithms.names()
('retina', 'hough')
>>> [a.name for a in algorithms.serving(detector.velo())]
['retina']
>>> [v.name for v in algorithms.variants(detector.telescope())]
['truth', 'retina-float', 'retina-fixed', 'hough-float', 'hough-fixed']
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import awkward as ak
import numpy as np

from .detector import Detector
from .events import Events
from .finder import Mode

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "MODES",
    "Algorithm",
    "Finder",
    "FinderOutput",
    "Hardware",
    "Mode",
    "Variant",
    "available",
    "default_finder",
    "get",
    "names",
    "register",
    "serving",
    "variants",
    "with_hardware",
]

MODES: tuple[Mode, ...] = ("float", "fixed")


class FinderOutput(Protocol):
    """What one run of a reference finder returns (``RetinaOutput``, ``HoughOutput``)."""

    mode: Mode
    tracks: ak.Array
    n_hits_dropped: np.ndarray
    n_candidates: np.ndarray

    @property
    def hit_overflow(self) -> np.ndarray: ...

    @property
    def track_overflow(self) -> np.ndarray: ...


class Finder(Protocol):
    """A reference finder for one config (``Retina``, ``Hough``)."""

    config: Any

    def run(self, events: Events, mode: Mode = "fixed", *, keep_maps: bool = False) -> Any: ...

    def find(self, events: Events, mode: Mode = "fixed") -> ak.Array: ...


@dataclass(frozen=True)
class Hardware:
    """An algorithm's hardware forms (HLS kernel in ``hls/<name>``, RTL in ``hdl/<name>``).

    Attributes
    ----------
    rtl_config: ``(detector, **overrides) -> config``: the config the RTL is built for.
    files: ``config -> {file name: content}``: generated header, SV package, memory files.
    write_vectors: ``(config, events, folder) -> {stage: path}``: the golden model's vectors.
    vector_stages: the stage names of those files, in pipeline order.
    stream_plan: ``(config, vector folder) -> plan``: input lane words and expected output
        words per event, packed with the stream word layouts (the co-simulation harness's input).
    schedule: ``(config, events) -> (first word in, end word out)`` per event back to back:
        the exact cycle model of the RTL.
    max_idle_cycles: ``config -> clocks`` without output after which a simulation gives up.
    rtl_unsupported: ``config -> reason or None``: why the RTL cannot be built for a config.
    replicated: for a design of many copies of one module, ``(module, index parameter,
        config attribute counting the copies)``: synthesis estimates it hierarchically.
    """

    rtl_config: Callable[..., Any]
    files: Callable[[Any], dict[str, str]]
    write_vectors: Callable[[Any, Events, str | Path], dict[str, Path]]
    vector_stages: tuple[str, ...]
    stream_plan: Callable[[Any, Path], dict[str, Any]]
    schedule: Callable[[Any, Events], tuple[np.ndarray, np.ndarray]]
    max_idle_cycles: Callable[[Any], int]
    rtl_unsupported: Callable[[Any], str | None] = lambda cfg: None
    replicated: tuple[str, str, str] | None = None

    @classmethod
    def from_module(cls, module: Any, rtl_config: Callable[..., Any], **more: Any) -> Hardware:
        """The hardware described by a module of :mod:`fasttrack.hw` that defines ``files``,
        ``write_vectors``, ``STAGES``, ``stream_plan``, ``schedule``, ``max_idle_cycles``
        and ``rtl_unsupported`` (as :mod:`fasttrack.hw.retina` does)."""
        return cls(
            rtl_config=rtl_config,
            files=module.files,
            write_vectors=module.write_vectors,
            vector_stages=module.STAGES,
            stream_plan=module.stream_plan,
            schedule=module.schedule,
            max_idle_cycles=module.max_idle_cycles,
            rtl_unsupported=module.rtl_unsupported,
            **more,
        )


@dataclass(frozen=True)
class Algorithm:
    """Everything the project knows about one track-finding algorithm.

    Attributes
    ----------
    name: the registry key, command-line argument, generated-file prefix, C++ namespace, SV
        package stem and source folder (``hdl/<name>``, ``hls/<name>``).
    title: what to call it in text (``"artificial retina"``).
    config_class: its frozen, validated config dataclass (``RetinaConfig``, ``HoughConfig``).
    default_config: ``(detector, **overrides) -> config``: the physics default of a detector.
    make_finder: ``config -> finder``: the reference (float and fixed-point golden model).
    serves: ``detector -> bool``: whether it can run on the detector's measurements.
    candidate_keys: track fields that identify a candidate cell (float vs fixed comparison).
    picture: ``(finder, events, index, *, mode, ax) -> Figure``: one event over the parameter
        grid (response map, accumulator) with true and found tracks.
    picture_stem: file stem of that picture (``"response_map"``).
    config_extras: keyword arguments ``default_config`` takes beyond the config's fields
        (name -> type), e.g. the retina's ``roi_sigmas``.
    config_hints: types a field takes in overrides beyond its dataclass type (name -> type).
    study_variants: ``config -> {label: config}``: further fixed-point configs a study
        measures beside the config itself (the Hough without duplicate removal).
    hardware: its :class:`Hardware`, or None for a reference-only algorithm.
    """

    name: str
    title: str
    config_class: type
    default_config: Callable[..., Any]
    make_finder: Callable[[Any], Finder]
    serves: Callable[[Detector], bool]
    candidate_keys: tuple[str, ...]
    picture: Callable[..., Figure]
    picture_stem: str
    config_extras: Mapping[str, Any] = field(default_factory=dict)
    config_hints: Mapping[str, Any] = field(default_factory=dict)
    study_variants: Callable[[Any], dict[str, Any]] = lambda cfg: {}
    hardware: Hardware | None = None

    def config(self, det: Detector, *, rtl: bool = False, **overrides: Any) -> Any:
        """The default config for ``det`` (with ``rtl``: the one the RTL is built for)."""
        if rtl:
            return self.require_hardware("an RTL config").rtl_config(det, **overrides)
        return self.default_config(det, **overrides)

    def finder(self, config: Any) -> Finder:
        """The reference finder of ``config``."""
        if not isinstance(config, self.config_class):
            raise TypeError(f"the {self.name} needs a {self.config_class.__name__}, got {type(config).__name__}")
        return self.make_finder(config)

    def require_hardware(self, what: str) -> Hardware:
        """Its :class:`Hardware`, or a ValueError saying ``what`` needs one."""
        if self.hardware is None:
            raise ValueError(f"{what} needs hardware; the {self.name} has only a reference model")
        return self.hardware

    def picture_of(
        self, finder: Finder, events: Events, index: int = 0, *, mode: Mode = "fixed", ax: Axes | None = None
    ) -> Figure:
        """One event's picture over the parameter grid (see ``picture``)."""
        return self.picture(finder, events, index, mode=mode, ax=ax)


@dataclass(frozen=True)
class Variant:
    """One way to find tracks: an algorithm in one mode, or the truth reference."""

    name: str
    description: str
    find: Callable[[Events], ak.Array]
    match: Literal["hits", "params"] = "hits"
    algorithm: str | None = None  # the registry name, None for the truth reference
    mode: Mode | None = None


_BUILTIN = ("fasttrack.retina.spec", "fasttrack.hough.spec")
_REGISTRY: dict[str, Algorithm] = {}
_LOADED = False


def _load() -> dict[str, Algorithm]:
    global _LOADED
    if not _LOADED:
        _LOADED = True
        for module in _BUILTIN:
            spec = importlib.import_module(module).ALGORITHM
            _REGISTRY.setdefault(spec.name, spec)
    return _REGISTRY


def register(algorithm: Algorithm) -> Algorithm:
    """Add (or replace) an algorithm."""
    _load()[algorithm.name] = algorithm
    return algorithm


def names() -> tuple[str, ...]:
    """The registered algorithms' names, in registration order."""
    return tuple(_load())


def get(name: str) -> Algorithm:
    """The algorithm called ``name``; a ValueError lists the known ones."""
    reg = _load()
    if name not in reg:
        raise ValueError(f"unknown algorithm {name!r}; choose one of {', '.join(reg)}")
    return reg[name]


def serving(det: Detector) -> list[Algorithm]:
    """The algorithms that can run on ``det``."""
    return [a for a in _load().values() if a.serves(det)]


def with_hardware() -> list[Algorithm]:
    """The algorithms that have HLS and RTL forms."""
    return [a for a in _load().values() if a.hardware is not None]


# ---------------------------------------------------------------------------------------
# variants: the rows of the demo and the report
# ---------------------------------------------------------------------------------------
_FINDERS: dict[tuple[str, str], Finder] = {}


def default_finder(algorithm: Algorithm, det: Detector) -> Finder:
    """The finder of ``algorithm``'s default config for ``det`` (cached per detector)."""
    key = (algorithm.name, det.to_json())
    if key not in _FINDERS:
        _FINDERS[key] = algorithm.finder(algorithm.default_config(det))
    return _FINDERS[key]


def _variant(algo: Algorithm, mode: Mode) -> Variant:
    what = "float reference" if mode == "float" else "bit-exact fixed-point golden model"
    return Variant(
        f"{algo.name}-{mode}",
        f"{algo.title}, {what} (default config)",
        lambda ev: default_finder(algo, ev.detector).find(ev, mode),
        algorithm=algo.name,
        mode=mode,
    )


def variants(det: Detector) -> list[Variant]:
    """The truth reference, then every algorithm serving ``det`` in float and fixed point."""
    from . import truthtrack

    out = [
        Variant(
            "truth",
            "ideal pattern recognition (truth hits) + full-covariance fit (hits, multiple scattering)",
            truthtrack.find,
        )
    ]
    for algo in serving(det):
        out += [_variant(algo, mode) for mode in MODES]
    return out


def available(det: Detector) -> list[Variant]:
    """Deprecated: use :func:`variants`."""
    warnings.warn(
        "fasttrack.algorithms.available is deprecated; use fasttrack.algorithms.variants",
        DeprecationWarning,
        stacklevel=2,
    )
    return variants(det)

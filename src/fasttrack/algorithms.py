"""Registry of track-finding algorithms the demo and reports run.

Each entry names an algorithm, says which detectors it serves and how its tracks are
matched to the truth. The retina and the Hough transform register here as they land;
``truth`` (ideal pattern recognition + linear fit, :mod:`fasttrack.truthtrack`) is always
there as the resolution reference.

Example
-------
>>> from fasttrack import algorithms, detector
>>> [a.name for a in algorithms.available(detector.telescope())]
['truth', 'retina-float', 'retina-fixed', 'hough-float', 'hough-fixed']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import awkward as ak

from .detector import Detector
from .events import Events

if TYPE_CHECKING:
    from .hough import Hough
    from .retina import Retina

__all__ = ["REGISTRY", "Algorithm", "available", "register"]


@dataclass(frozen=True)
class Algorithm:
    """An algorithm: ``find(events) -> tracks`` (awkward, aligned with the events)."""

    name: str
    description: str
    find: Callable[[Events], ak.Array]
    match: Literal["hits", "params"] = "hits"
    serves: Callable[[Detector], bool] = lambda det: True


REGISTRY: dict[str, Algorithm] = {}


def register(algo: Algorithm) -> Algorithm:
    """Add (or replace) an algorithm in the registry."""
    REGISTRY[algo.name] = algo
    return algo


def available(det: Detector) -> list[Algorithm]:
    """The registered algorithms that serve ``det``, in registration order."""
    return [a for a in REGISTRY.values() if a.serves(det)]


def _register_builtin() -> None:
    from . import truthtrack

    register(Algorithm("truth", "ideal pattern recognition (truth hits) + linear least-squares fit", truthtrack.find))
    register(
        Algorithm(
            "retina-float",
            "artificial retina, float reference (default config)",
            lambda ev: _retina_for(ev).find(ev, "float"),
        )
    )
    register(
        Algorithm(
            "retina-fixed",
            "artificial retina, bit-exact fixed-point golden model (default config)",
            lambda ev: _retina_for(ev).find(ev, "fixed"),
        )
    )
    register(
        Algorithm(
            "hough-float",
            "Hough transform, float reference (default config)",
            lambda ev: _hough_for(ev).find(ev, "float"),
            serves=_hough_serves,
        )
    )
    register(
        Algorithm(
            "hough-fixed",
            "Hough transform, bit-exact fixed-point golden model (default config)",
            lambda ev: _hough_for(ev).find(ev, "fixed"),
            serves=_hough_serves,
        )
    )


def _retina_for(events: Events) -> Retina:
    """The default retina of the events' detector (cached per detector)."""
    from .retina import Retina, RetinaConfig

    key = events.detector.to_json()
    if key not in _RETINAS:
        _RETINAS[key] = Retina(RetinaConfig.for_detector(events.detector))
    return _RETINAS[key]


def _hough_for(events: Events) -> Hough:
    """The default Hough transform of the events' detector (cached per detector)."""
    from .hough import Hough, HoughConfig

    key = events.detector.to_json()
    if key not in _HOUGHS:
        _HOUGHS[key] = Hough(HoughConfig.for_detector(events.detector))
    return _HOUGHS[key]


def _hough_serves(det: Detector) -> bool:
    """The Hough needs a 1D measurement (telescope strips, barrel φ)."""
    return not det.measures_y


_RETINAS: dict[str, Retina] = {}
_HOUGHS: dict[str, Hough] = {}


_register_builtin()

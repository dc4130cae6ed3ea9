"""The artificial retina in the algorithm registry (:mod:`fasttrack.algorithms`)."""

from __future__ import annotations

from typing import Any

from ..algorithms import Algorithm, Hardware
from ..detector import Detector
from ..hw import retina as hw
from .config import RetinaConfig


def _finder(cfg: RetinaConfig) -> Any:
    from .reference import Retina

    return Retina(cfg)


def _picture(finder: Any, events: Any, index: int = 0, *, mode: str = "fixed", ax: Any = None) -> Any:
    from ..plots import plot_response_map

    return plot_response_map(finder, events, index, mode=mode, ax=ax)


def _serves(det: Detector) -> bool:
    return True  # 1D (strips, phi) and 2D (pixels) measurements alike


ALGORITHM = Algorithm(
    name="retina",
    title="artificial retina",
    config_class=RetinaConfig,
    default_config=RetinaConfig.for_detector,
    make_finder=_finder,
    serves=_serves,
    candidate_keys=("cell_a", "cell_b"),
    picture=_picture,
    picture_stem="response_map",
    config_extras={"roi_sigmas": float},
    config_hints={"sigma": float | tuple[float, ...]},
    hardware=Hardware.from_module(hw, RetinaConfig.for_rtl, replicated=("retina_engine", "CELL", "n_cells")),
)

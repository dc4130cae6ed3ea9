"""The Hough transform in the algorithm registry (:mod:`fasttrack.algorithms`)."""

from __future__ import annotations

import dataclasses
from typing import Any

from ..algorithms import Algorithm, Hardware
from ..detector import Detector
from ..hw import hough as hw
from .config import HoughConfig


def _finder(cfg: HoughConfig) -> Any:
    from .reference import Hough

    return Hough(cfg)


def _picture(finder: Any, events: Any, index: int = 0, *, mode: str = "fixed", ax: Any = None) -> Any:
    from ..plots import plot_hough_accumulator

    return plot_hough_accumulator(finder, events, index, mode=mode, ax=ax)


def _serves(det: Detector) -> bool:
    """The Hough needs a 1D measurement (telescope strips, barrel φ)."""
    return not det.measures_y


def _study_variants(cfg: HoughConfig) -> dict[str, Any]:
    """What duplicate removal costs and gains: the same config without it."""
    if cfg.duplicate_rule == "none":
        return {}
    return {"fixed_without_duplicate_removal": dataclasses.replace(cfg, duplicate_rule="none")}


ALGORITHM = Algorithm(
    name="hough",
    title="Hough transform",
    config_class=HoughConfig,
    default_config=HoughConfig.for_detector,
    make_finder=_finder,
    serves=_serves,
    candidate_keys=("cell_a", "cell_b", "sub"),
    picture=_picture,
    picture_stem="accumulator",
    study_variants=_study_variants,
    hardware=Hardware.from_module(hw, HoughConfig.for_rtl, replicated=("hough_column", "COL", "n_a")),
)

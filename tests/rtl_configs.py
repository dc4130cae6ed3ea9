"""Small RTL configs that several test modules build (one definition: their simulator builds
are shared through the build cache)."""

from __future__ import annotations

from fasttrack import detector
from fasttrack.hough import HoughConfig
from fasttrack.hough.config import DuplicateRule


def hough_stress_config(rule: DuplicateRule = "sharing") -> HoughConfig:
    """Small capacities on the telescope so that every one of them overflows: MAX_HITS
    (and the 5-bit dropped-hit counter saturates), MAX_HITS_PER_CELL, one bin per column
    (fills capped) and MAX_TRACKS; no mini-Hough (it would lose the one-bin candidates)."""
    return HoughConfig.for_rtl(
        detector.telescope(),
        max_hits=96,
        max_hits_per_cell=4,
        max_tracks=3,
        max_bins_per_column=1,
        duplicate_rule=rule,
        mini_hough=False,
        drop_count_bits=5,
    )

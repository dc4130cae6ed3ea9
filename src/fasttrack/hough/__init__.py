"""The Hough transform: configuration, float and bit-exact fixed-point reference.

>>> from fasttrack import detector
>>> from fasttrack.hough import HoughConfig
>>> cfg = HoughConfig.for_detector(detector.barrel())
>>> (cfg.n_a, cfg.n_b, cfg.min_layers, cfg.max_bins_per_column)
(32, 64, 5, 2)
"""

from .config import HoughConfig, HoughTables
from .reference import Hough, HoughOutput

__all__ = ["Hough", "HoughConfig", "HoughOutput", "HoughTables"]

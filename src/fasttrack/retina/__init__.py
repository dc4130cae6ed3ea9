"""The artificial retina: configuration, float and bit-exact fixed-point reference.

>>> from fasttrack import detector
>>> from fasttrack.retina import Retina, RetinaConfig
>>> cfg = RetinaConfig.for_detector(detector.telescope())
>>> (cfg.n_a, cfg.n_b)
(192, 48)
"""

from .config import RetinaConfig, RetinaTables
from .reference import Retina, RetinaOutput

__all__ = ["Retina", "RetinaConfig", "RetinaOutput", "RetinaTables"]

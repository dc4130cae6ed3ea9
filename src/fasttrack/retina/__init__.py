"""The artificial retina: configuration, float and bit-exact fixed-point reference.

>>> from fasttrack import detector
>>> from fasttrack.retina import Retina, RetinaConfig
>>> cfg = RetinaConfig.for_detector(detector.telescope())
>>> cfg.param_names, (cfg.n_a, cfg.n_b)
(('tx', 'x_ref_mm'), (48, 192))
"""

from .config import RetinaConfig, RetinaTables
from .reference import Retina, RetinaOutput

__all__ = ["Retina", "RetinaConfig", "RetinaOutput", "RetinaTables"]

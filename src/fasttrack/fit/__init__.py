"""The track fit after the finders: a linearised least-squares fit per layer pattern.

Float for physics and bit-exact fixed point as the golden model of the HLS kernel
(``hls/fit``). :mod:`fasttrack.fit.config` holds the model and the constants,
:mod:`fasttrack.fit.kernels` the kernels, :mod:`fasttrack.fit.chain` the finder → fit API,
:mod:`fasttrack.fit.codegen` the generated header.

>>> from fasttrack import detector
>>> from fasttrack.fit import FitConfig
>>> FitConfig.for_detector(detector.barrel()).param_names
('qoverpt', 'phi_t', 'z0_mm', 'cot_theta')
"""

from .chain import Chain, FitInputs, fit_inputs, fit_tracks, pattern_index, select
from .config import FitConfig, FitTables, noise_covariance

__all__ = [
    "Chain",
    "FitConfig",
    "FitInputs",
    "FitTables",
    "fit_inputs",
    "fit_tracks",
    "noise_covariance",
    "pattern_index",
    "select",
]

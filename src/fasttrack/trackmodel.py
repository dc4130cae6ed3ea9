"""Linear track models shared by the retina and the Hough transform.

The expected measurement of a track with parameters ``p = (a, b)`` on layer ``l`` is

    m_l(a, b) = H_l · p + c_l        (H_l: n_meas × 2, c_l: n_meas)

* ``telescope`` (planes measuring x, no field): ``p = (tx, x_ref_mm)``,
  ``x_l = tx·(z_l − z_ref) + x_ref``.
* ``barrel`` r-φ (cylinders in Bz): ``p = (qoverpt, phi_t)``,
  ``φ_l = φ_T − k·(q/pT)·(r_l − r_T)`` with ``k = 0.3·B/2·1e-3`` per mm per GeV
  (small-angle helix; :func:`helix_phi_at_radius` is the exact form).
* ``velo`` (pixel planes, straight tracks from the luminous region): ``p = (u_mm, v_mm)``,
  the track's x and y at the reference plane for a track from the origin:
  ``x_l = u·z_l/z_ref``, ``y_l = v·z_l/z_ref``. Tracks from displaced vertices along z
  deviate from this model; that is the model's known limit.

The 1D models order their parameters alike: first the one whose coefficient varies
with the layer (the slope tx, the curvature q/pT), then the one that enters with
coefficient 1 (the position x_ref, the angle φ_T), so ``H[:, 0, 1] = 1``. The Hough
transform needs that form (bins over b, lines ``b = m − s_l(a)``), and the retina's
grids follow the same order, so both algorithms of a detector share their axes.

Hardware receives only ``H`` and ``c`` per layer; it does not know the detector.

Example
-------
>>> from fasttrack import detector, trackmodel
>>> m = trackmodel.for_detector(detector.telescope())
>>> m.param_names
('tx', 'x_ref_mm')
>>> float(m.H[7, 0, 0]), float(m.H[7, 0, 1])  # the last plane, z = 700 mm, z_ref = 350 mm
(350.0, 1.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba as nb
import numpy as np

from .azimuth import wrap_pi
from .detector import Detector

__all__ = ["LinearTrackModel", "fit_groups", "for_detector", "helix_phi_at_radius"]


@dataclass(frozen=True, eq=False)
class LinearTrackModel:
    """``m_l = H[l] @ (a, b) + c[l]`` for every layer ``l``.

    Attributes
    ----------
    name: ``"telescope-x"``, ``"barrel-rphi"`` or ``"velo-uv"``.
    param_names: names of (a, b), with units in the names.
    measurement_names: the hit fields measured (``("x",)``, ``("phi",)``, ``("x", "y")``).
    H: array (n_layers, n_meas, 2).
    c: array (n_layers, n_meas).
    sigma: single-hit resolution per layer and measurement, (n_layers, n_meas).
    """

    name: str
    param_names: tuple[str, str]
    measurement_names: tuple[str, ...]
    H: np.ndarray
    c: np.ndarray
    sigma: np.ndarray

    @property
    def n_meas(self) -> int:
        return len(self.measurement_names)

    def expected(self, layer: np.ndarray | int, a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
        """Expected measurement(s), shape (..., n_meas)."""
        lay = np.asarray(layer)
        h = self.H[lay]
        return h[..., 0] * np.asarray(a)[..., None] + h[..., 1] * np.asarray(b)[..., None] + self.c[lay]


def for_detector(det: Detector) -> LinearTrackModel:
    """The linear track model of a detector (see the module docstring)."""
    n = det.n_layers
    pos = det.positions_mm()
    if det.kind == "cylinder":
        if det.bz_tesla == 0.0:
            raise ValueError(f"detector {det.name!r}: the r-φ model needs a field (bz_tesla != 0)")
        if det.reference_r_mm <= 0.0:
            raise ValueError(f"detector {det.name!r}: set reference_r_mm (r_T) for the r-φ model")
        k = 0.5 * det.curvature_per_gev
        H = np.zeros((n, 1, 2))
        H[:, 0, 0] = -k * (pos - det.reference_r_mm)
        H[:, 0, 1] = 1.0
        sigma = np.array([[lay.resolution_phi] for lay in det.layers])  # type: ignore[union-attr]
        return LinearTrackModel("barrel-rphi", ("qoverpt", "phi_t"), ("phi",), H, np.zeros((n, 1)), sigma)
    if det.bz_tesla != 0.0:
        raise ValueError(f"detector {det.name!r}: plane detectors use straight-line models (bz_tesla = 0)")
    if det.measures_y:
        if det.reference_z_mm == 0.0:
            raise ValueError(f"detector {det.name!r}: the u-v model needs reference_z_mm != 0")
        H = np.zeros((n, 2, 2))
        H[:, 0, 0] = pos / det.reference_z_mm
        H[:, 1, 1] = pos / det.reference_z_mm
        sigma = np.array([[lay.resolution_x_mm, lay.resolution_y_mm] for lay in det.layers])  # type: ignore[union-attr]
        return LinearTrackModel("velo-uv", ("u_mm", "v_mm"), ("x", "y"), H, np.zeros((n, 2)), sigma)
    H = np.zeros((n, 1, 2))
    H[:, 0, 0] = pos - det.reference_z_mm
    H[:, 0, 1] = 1.0
    sigma = np.array([[lay.resolution_x_mm] for lay in det.layers])  # type: ignore[union-attr]
    return LinearTrackModel("telescope-x", ("tx", "x_ref_mm"), ("x",), H, np.zeros((n, 1)), sigma)


def helix_phi_at_radius(phi0: np.ndarray, qoverpt: np.ndarray, r_mm: float | np.ndarray, bz_tesla: float) -> np.ndarray:
    """Exact φ where a helix from the origin with momentum azimuth ``phi0`` crosses radius r."""
    s = 0.5 * 0.3e-3 * bz_tesla * np.asarray(qoverpt) * r_mm
    return np.asarray(phi0) - np.arcsin(np.clip(s, -1.0, 1.0))


def truth_parameters(det: Detector, particles: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """True model parameters of particles from their vertex kinematics (flat arrays)."""
    if det.kind == "cylinder":
        qopt = particles["charge"] / particles["pt_gev"]
        return {
            "qoverpt": qopt,
            # in (−π, π], as the finders report it
            "phi_t": wrap_pi(helix_phi_at_radius(particles["phi"], qopt, det.reference_r_mm, det.bz_tesla)),
            "z0_mm": particles["vz_mm"].copy(),
            "cot_theta": np.sinh(particles["eta"]),
        }
    zref = det.reference_z_mm
    x_ref = particles["vx_mm"] + particles["tx"] * (zref - particles["vz_mm"])
    y_ref = particles["vy_mm"] + particles["ty"] * (zref - particles["vz_mm"])
    if det.measures_y:
        return {"u_mm": x_ref, "v_mm": y_ref}
    return {"x_ref_mm": x_ref}


@nb.njit(cache=True)
def _fit_groups(
    H: np.ndarray,
    c: np.ndarray,
    sigma: np.ndarray,
    offsets: np.ndarray,
    layer: np.ndarray,
    meas: np.ndarray,
    out: np.ndarray,
    chi2: np.ndarray,
) -> None:
    n_meas = H.shape[1]
    for g in range(offsets.shape[0] - 1):
        a00 = a01 = a11 = r0 = r1 = 0.0
        for i in range(offsets[g], offsets[g + 1]):
            lay = layer[i]
            for m in range(n_meas):
                w = 1.0 / (sigma[lay, m] * sigma[lay, m])
                h0, h1 = H[lay, m, 0], H[lay, m, 1]
                y = meas[i, m] - c[lay, m]
                a00 += w * h0 * h0
                a01 += w * h0 * h1
                a11 += w * h1 * h1
                r0 += w * h0 * y
                r1 += w * h1 * y
        det = a00 * a11 - a01 * a01
        if det <= 0.0 or not math.isfinite(det):
            out[g, :] = np.nan
            chi2[g] = np.nan
            continue
        pa = (a11 * r0 - a01 * r1) / det
        pb = (a00 * r1 - a01 * r0) / det
        out[g, 0], out[g, 1] = pa, pb
        out[g, 2], out[g, 3] = math.sqrt(a11 / det), math.sqrt(a00 / det)
        s = 0.0
        for i in range(offsets[g], offsets[g + 1]):
            lay = layer[i]
            for m in range(n_meas):
                r = (meas[i, m] - (H[lay, m, 0] * pa + H[lay, m, 1] * pb + c[lay, m])) / sigma[lay, m]
                s += r * r
        chi2[g] = s


def fit_groups(
    model: LinearTrackModel, offsets: np.ndarray, layer: np.ndarray, meas: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted least-squares fit of (a, b) to groups of hits.

    ``offsets`` (n_groups + 1) delimits groups in the flat ``layer``/``meas`` arrays
    (``meas`` shape (n_hits, n_meas)). Returns (params (n, 2), errors (n, 2), χ²);
    groups that do not constrain both parameters give NaN.
    """
    n = len(offsets) - 1
    out = np.zeros((n, 4))
    chi2 = np.zeros(n)
    _fit_groups(
        model.H,
        model.c,
        model.sigma,
        np.asarray(offsets, np.int64),
        np.asarray(layer, np.int64),
        np.ascontiguousarray(meas, dtype=np.float64),
        out,
        chi2,
    )
    return out[:, :2], out[:, 2:], chi2

"""The truth fit: generalised least squares with the full covariance of a track's hits.

:func:`fit` fits groups of hits (one group per particle, from :mod:`fasttrack.truthtrack`)
with an exact track model and the covariance of the generator's own error model, so the
fitted parameters' errors are right and their pulls have unit width.

Track models (exact for an unscattered track; parameters in output order)
-------------------------------------------------------------------------
* planes measuring x (``telescope``): ``x_l = x_ref + tx·(z_l − z_ref)``;
  parameters ``(tx, x_ref_mm)``.
* pixel planes (``velo``): a free straight line in x and in y,
  ``x_l = u + tx·(z_l − z_ref)``, ``y_l = v + ty·(z_l − z_ref)``; parameters
  ``(u_mm, v_mm, tx, ty)``. Unlike the finders' u-v model (tracks from the origin, see
  :mod:`fasttrack.trackmodel`) the line need not pass through the origin: the luminous
  region is 50 mm long, and forcing its tracks through z = 0 costs far more than their
  errors (it made the old truth fit's velo resolution 0.63 mm).
* cylinders in a solenoid (``barrel``): the helix from the beam line at ``z0``,
  ``φ_l = φ_T + asin(c·r_T) − asin(c·r_l)`` and ``z_l = z0 + cotθ·asin(c·r_l)/c`` with
  ``c = ½·0.3e-3·B·(q/pT)`` per mm; parameters ``(qoverpt, phi_t, z0_mm, cot_theta)``,
  found by Gauss-Newton iterations from the straight line. (The finders' r-φ model is
  the linearisation of the first relation, :mod:`fasttrack.trackmodel`.)

The truth these parameters are compared with (:func:`fasttrack.trackmodel.truth_parameters`)
is the particle's trajectory as it left its vertex: the line, or the helix from the beam
line with the vertex's direction.

Error model (the covariance ``V`` of the measurements of one track)
-------------------------------------------------------------------
``V = D + Σ_k θ0_k² (J_k1 J_k1ᵀ + J_k2 J_k2ᵀ) + σ_bx² J_x J_xᵀ + σ_by² J_y J_yᵀ``:

* ``D``, the measurement errors, diagonal: per layer and coordinate the resolution the
  detector declares, strip or pixel pitch/√12 ⊕ smearing (``PlaneLayer.resolution_x_mm``,
  ``resolution_y_mm``; ``CylinderLayer.resolution_phi``, and pitch_z/√12 along z), as the
  generator digitises: binary readout to the channel centre after a Gaussian smear.
* multiple scattering, correlated between layers: at every layer ``k`` the particle
  crosses inside the active area (where the generator scatters it, after the hit), two
  independent projected angles of width ``θ0_k`` (Highland, PDG eq. 34.15, with the
  thickness ``x/X0 / cos(incidence)``, the particle's momentum and charge and
  ``β = p/√(p² + m²)`` with ``m = detector.mix.mass_gev``), perpendicular to the
  direction. ``J_k1``, ``J_k2`` are the derivatives of the measurements on the layers
  after ``k`` with respect to these angles, taken by central differences of the
  generator's own propagation (:mod:`fasttrack.generate`: straight lines, or helices
  crossing cylinders), along the particle's true trajectory. So a kick of the polar angle
  changes ``cotθ`` and, through ``pT = p·sinθ``, the curvature, as in the generator.
* the transverse beam spot, for the barrel's helix from the beam line: the vertex lies
  off the axis by ``(vx, vy)`` with widths ``beam_sigma_x_mm``, ``beam_sigma_y_mm`` of
  the detector's mix; ``J_x``, ``J_y`` are the derivatives of the measurements with
  respect to the vertex position.

The scattering terms need the particle's kinematics (``charge``, ``p_gev``, ``eta``,
``phi``, ``vx_mm``, ``vy_mm``, ``vz_mm``, as generated events carry them): this is truth
tracking, and the truth fit takes the particle's true momentum and path to size them,
as ACTS's truth tracking seeds from the truth. Particles without them are fitted with the
measurement errors ``D`` alone. The fitted parameters themselves come from the hits only.

The parameters' covariance is ``C = (Hᵀ V⁻¹ H)⁻¹`` (``H`` the model's derivatives at the
solution), their errors ``√C_ii``, and ``χ² = rᵀ V⁻¹ r`` with ``ndf = rows − parameters``.
What the stub bend measures (``bend_qoverpt``) is not used: with σ = 0.1 /GeV it adds
nothing to the r-φ fit's q/pT.

Example
-------
>>> from fasttrack import detector, generate, truthfit, truthtrack
>>> truthfit.param_names(detector.velo())
('u_mm', 'v_mm', 'tx', 'ty')
>>> ev = generate.generate(detector.barrel(), 20, seed=1)
>>> tracks = truthtrack.find(ev)
>>> sorted(f for f in tracks.fields if not f.endswith("_err"))
['chi2', 'cot_theta', 'hit_ids', 'n_layers', 'ndf', 'particle_id', 'phi_t', 'qoverpt', 'z0_mm']
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba as nb
import numpy as np

from .azimuth import wrap_diff
from .detector import CURVATURE_PER_TESLA_GEV_MM, Detector
from .generate import L_A_MAX, L_A_MIN, L_B_MAX, L_B_MIN, L_HOLE, L_POS, L_X0, _arc_to_radius, _helix_step, _layer_table
from .trackmodel import for_detector

__all__ = [
    "KINEMATICS",
    "N_KIN",
    "TruthFit",
    "fit",
    "highland",
    "measurement_names",
    "measurement_sigma",
    "param_names",
]

#: the particle fields the scattering and beam-spot terms need
KINEMATICS = ("charge", "p_gev", "eta", "phi", "vx_mm", "vy_mm", "vz_mm")

MODEL_STRIPS, MODEL_PIXELS, MODEL_HELIX = 0, 1, 2
_PARAMS = {
    MODEL_STRIPS: ("tx", "x_ref_mm"),
    MODEL_PIXELS: ("u_mm", "v_mm", "tx", "ty"),
    MODEL_HELIX: ("qoverpt", "phi_t", "z0_mm", "cot_theta"),
}
_MEASUREMENTS = {MODEL_STRIPS: ("x",), MODEL_PIXELS: ("x", "y"), MODEL_HELIX: ("phi", "z")}
# truth columns of a group (kin): charge, p, direction (3), vertex (3)
K_Q, K_P, K_DX, K_DY, K_DZ, K_VX, K_VY, K_VZ = range(8)
N_KIN = 8
_EPS_ANGLE = 1e-6  # rad: step of the central differences in the scattering angles
_EPS_VERTEX = 1e-4  # mm: step of the central differences in the vertex position
_MAX_ITER = 20  # Gauss-Newton iterations (the straight-line models converge in one)


def _model(det: Detector) -> int:
    for_detector(det)  # the same requirements as the finders' models (field, reference)
    if det.kind == "cylinder":
        return MODEL_HELIX
    return MODEL_PIXELS if det.measures_y else MODEL_STRIPS


def param_names(det: Detector) -> tuple[str, ...]:
    """The truth fit's parameters on ``det``, in output order (see the module docstring)."""
    return _PARAMS[_model(det)]


def measurement_names(det: Detector) -> tuple[str, ...]:
    """The hit fields the truth fit reads: ``("x",)``, ``("x", "y")`` or ``("phi", "z")``."""
    return _MEASUREMENTS[_model(det)]


def measurement_sigma(det: Detector) -> np.ndarray:
    """Single-hit resolution per layer and measurement (n_layers, n_meas): the diagonal
    of the error model (mm, or rad for φ)."""
    rows = []
    for lay in det.layers:
        if lay.kind == "cylinder":
            rows.append([lay.resolution_phi, lay.pitch_z_mm / math.sqrt(12.0)])
        elif det.measures_y:
            rows.append([lay.resolution_x_mm, lay.resolution_y_mm])
        else:
            rows.append([lay.resolution_x_mm])
    return np.array(rows, dtype=np.float64)


@dataclass(frozen=True, eq=False)
class TruthFit:
    """Fit results of ``n`` groups: ``params`` (n, n_p) in :func:`param_names` order,
    their covariance ``cov`` (n, n_p, n_p) and ``errors`` (n, n_p, its diagonal's roots),
    ``chi2`` and ``ndf`` (n,). Groups the hits do not constrain are NaN (ndf as counted)."""

    names: tuple[str, ...]
    params: np.ndarray
    cov: np.ndarray
    chi2: np.ndarray
    ndf: np.ndarray

    @property
    def errors(self) -> np.ndarray:
        return np.sqrt(np.diagonal(self.cov, axis1=1, axis2=2))


def fit(
    det: Detector,
    offsets: np.ndarray,
    layer: np.ndarray,
    meas: np.ndarray,
    kinematics: np.ndarray | None = None,
    *,
    scattering: bool = True,
) -> TruthFit:
    """Fit groups of hits with the full covariance of the error model (module docstring).

    Parameters
    ----------
    det: the detector (layers, material, field, reference plane or radius, beam spot).
    offsets: (n_groups + 1) group boundaries in the flat hit arrays.
    layer: (n_hits,) layer of each hit.
    meas: (n_hits, n_meas) the measurements :func:`measurement_names` names.
    kinematics: (n_groups, 8) each group's particle: charge, p (GeV), unit direction
        (3), vertex (3, mm); rows with a NaN get the measurement errors alone, as does
        ``None``.
    scattering: ``False`` leaves out the scattering and beam-spot terms (the
        measurement errors alone, for comparison).
    """
    model = _model(det)
    n_meas = len(_MEASUREMENTS[model])
    n_p = len(_PARAMS[model])
    offsets = np.asarray(offsets, dtype=np.int64)
    n = len(offsets) - 1
    meas = np.ascontiguousarray(meas, dtype=np.float64).reshape(-1, n_meas)
    if kinematics is None:
        kin = np.full((n, N_KIN), np.nan)
    else:
        kin = np.ascontiguousarray(kinematics, dtype=np.float64)
        if kin.shape != (n, N_KIN):
            raise ValueError(f"kinematics must be ({n}, {N_KIN}), got {kin.shape}")
    use = np.all(np.isfinite(kin), axis=1) & bool(scattering)
    ref = det.reference_r_mm if model == MODEL_HELIX else det.reference_z_mm
    mix = det.mix
    params = np.full((n, n_p), np.nan)
    cov = np.full((n, n_p, n_p), np.nan)
    chi2 = np.full(n, np.nan)
    ndf = np.zeros(n, dtype=np.int64)
    _fit_groups(
        model,
        _layer_table(det),
        measurement_sigma(det),
        CURVATURE_PER_TESLA_GEV_MM * det.bz_tesla,
        float(ref),
        float(mix.mass_gev),
        float(mix.beam_sigma_x_mm),
        float(mix.beam_sigma_y_mm),
        offsets,
        np.asarray(layer, dtype=np.int64),
        meas,
        kin,
        use,
        params,
        cov,
        chi2,
        ndf,
    )
    if model == MODEL_HELIX:
        params[:, 1] = params[:, 1] - 2.0 * math.pi * np.ceil((params[:, 1] - math.pi) / (2.0 * math.pi))
    return TruthFit(_PARAMS[model], params, cov, chi2, ndf)


# ------------------------------------------------------------------------------------------
# numba kernels: propagation (the generator's), the noise Jacobians, the fit
# ------------------------------------------------------------------------------------------
@nb.njit(cache=True)
def highland(p: float, q: float, mass: float, x_over_x0: float, cos_inc: float) -> float:
    """θ0 (rad) of a layer of ``x_over_x0`` crossed at ``cos_inc``, as the generator
    scatters (:func:`fasttrack.generate.highland_theta0` with ``t = x/X0 / cos_inc``)."""
    if x_over_x0 <= 0.0 or cos_inc <= 1e-6 or q == 0.0:
        return 0.0
    beta = p / math.sqrt(p * p + mass * mass)
    t = x_over_x0 / cos_inc
    return 13.6e-3 / (beta * p) * abs(q) * math.sqrt(t) * (1.0 + 0.038 * math.log(t * q * q / (beta * beta)))


@nb.njit(cache=True)
def _layer_order(n_layers: int, is_cyl: bool, dz: float) -> np.ndarray:
    """Layers in the order the generator visits them (planes against z when dz < 0)."""
    order = np.arange(n_layers)
    if not is_cyl and dz < 0.0:
        order = order[::-1].copy()
    return order


@nb.njit(cache=True)
def _cross(
    ltab: np.ndarray, lay: int, is_cyl: bool, k_b: float, q: float, p: float, pos: np.ndarray, d: np.ndarray
) -> int:
    """Move ``pos``, ``d`` to layer ``lay`` as the generator does: 1 crossed, 0 skipped
    (behind, or already outside the radius), −1 never again (a looper)."""
    row = ltab[lay]
    dt = math.hypot(d[0], d[1])
    kappa = 0.0
    if k_b != 0.0 and dt > 1e-12:
        kappa = -q * k_b / (p * dt)
    if is_cyl:
        radius = row[L_POS]
        if math.hypot(pos[0], pos[1]) >= radius:
            return 0
        s_t = _arc_to_radius(pos, d, kappa, radius)
        if s_t < 0.0:
            return -1
        _helix_step(pos, d, kappa, s_t)
        return 1
    zl = row[L_POS]
    if d[2] == 0.0 or (zl - pos[2]) * d[2] <= 0.0:
        return 0
    if kappa == 0.0:
        t = (zl - pos[2]) / d[2]
        pos[0] += t * d[0]
        pos[1] += t * d[1]
    else:
        _helix_step(pos, d, kappa, (zl - pos[2]) * dt / d[2])
    pos[2] = zl
    return 1


@nb.njit(cache=True)
def _measure(is_cyl: bool, pos: np.ndarray, out: np.ndarray) -> None:
    """The measured coordinates at a crossing: (x, y), or (φ, z) on a cylinder."""
    if is_cyl:
        out[0] = math.atan2(pos[1], pos[0])
        out[1] = pos[2]
    else:
        out[0] = pos[0]
        out[1] = pos[1]


@nb.njit(cache=True)
def _propagate(
    ltab: np.ndarray,
    is_cyl: bool,
    k_b: float,
    q: float,
    p: float,
    pos0: np.ndarray,
    d0: np.ndarray,
    order: np.ndarray,
    start: int,
    meas: np.ndarray,
    ok: np.ndarray,
) -> None:
    """Measurements on the layers ``order[start:]`` of the unscattered track from
    (``pos0``, ``d0``); ``ok[l]`` says which layers it crossed."""
    pos = pos0.copy()
    d = d0.copy()
    ok[:] = False
    for jj in range(start, order.shape[0]):
        lay = order[jj]
        c = _cross(ltab, lay, is_cyl, k_b, q, p, pos, d)
        if c < 0:
            break
        if c > 0:
            _measure(is_cyl, pos, meas[lay])
            ok[lay] = True


@nb.njit(cache=True)
def _inside(row: np.ndarray, is_cyl: bool, pos: np.ndarray) -> bool:
    """The generator's test of the active area (where it makes hits and scatters)."""
    if is_cyl:
        phi_h = math.atan2(pos[1], pos[0])
        return row[L_A_MIN] <= phi_h <= row[L_A_MAX] and row[L_B_MIN] <= pos[2] <= row[L_B_MAX]
    return (
        row[L_A_MIN] <= pos[0] <= row[L_A_MAX]
        and row[L_B_MIN] <= pos[1] <= row[L_B_MAX]
        and not (abs(pos[0]) < row[L_HOLE] and abs(pos[1]) < row[L_HOLE])
    )


@nb.njit(cache=True)
def _perp_basis(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two unit vectors perpendicular to ``d`` and to each other (the generator's basis)."""
    if abs(d[2]) < 0.9:
        e1 = np.array([d[1], -d[0], 0.0])
    else:
        e1 = np.array([0.0, d[2], -d[1]])
    e1 /= math.sqrt(e1[0] ** 2 + e1[1] ** 2 + e1[2] ** 2)
    e2 = np.array([d[1] * e1[2] - d[2] * e1[1], d[2] * e1[0] - d[0] * e1[2], d[0] * e1[1] - d[1] * e1[0]])
    return e1, e2


@nb.njit(cache=True)
def _difference(is_cyl: bool, m: int, a: float, b: float) -> float:
    return wrap_diff(a - b) if is_cyl and m == 0 else a - b


@nb.njit(cache=True)
def _noise_jacobians(
    ltab: np.ndarray,
    is_cyl: bool,
    k_b: float,
    mass: float,
    kin: np.ndarray,
    beam_x: float,
    beam_y: float,
    n_meas: int,
    jac: np.ndarray,
) -> None:
    """``jac[l, m, s]``: the measurement ``m`` on layer ``l`` per unit of noise source
    ``s``: the scattering angles at layer ``k`` (``s = 2k, 2k + 1``, scaled by θ0_k) and,
    with ``beam_x``/``beam_y`` > 0, the vertex offsets (``s = 2·n_layers + 0, 1``, scaled by
    the beam spot's widths)."""
    n_layers = ltab.shape[0]
    q, p = kin[K_Q], kin[K_P]
    d0 = np.array([kin[K_DX], kin[K_DY], kin[K_DZ]])
    v0 = np.array([kin[K_VX], kin[K_VY], kin[K_VZ]])
    order = _layer_order(n_layers, is_cyl, d0[2])
    jac[:, :, :] = 0.0
    # the true trajectory: its state at every layer it crosses
    st_pos = np.zeros((n_layers, 3))
    st_d = np.zeros((n_layers, 3))
    theta0 = np.zeros(n_layers)
    index = np.full(n_layers, -1)
    pos = v0.copy()
    d = d0.copy()
    for jj in range(n_layers):
        lay = order[jj]
        c = _cross(ltab, lay, is_cyl, k_b, q, p, pos, d)
        if c < 0:
            break
        if c == 0:
            continue
        index[lay] = jj
        st_pos[lay] = pos
        st_d[lay] = d
        if _inside(ltab[lay], is_cyl, pos):
            cos_inc = abs(pos[0] * d[0] + pos[1] * d[1]) / ltab[lay, L_POS] if is_cyl else abs(d[2])
            theta0[lay] = highland(p, q, mass, ltab[lay, L_X0], cos_inc)
    plus = np.zeros((n_layers, 2))
    minus = np.zeros((n_layers, 2))
    ok_p = np.zeros(n_layers, dtype=np.bool_)
    ok_m = np.zeros(n_layers, dtype=np.bool_)
    eps = _EPS_ANGLE
    ce, se = math.cos(eps), math.sin(eps)
    for k in range(n_layers):
        if theta0[k] <= 0.0:
            continue
        e1, e2 = _perp_basis(st_d[k])
        for a in range(2):
            e = e1 if a == 0 else e2
            _propagate(ltab, is_cyl, k_b, q, p, st_pos[k], ce * st_d[k] + se * e, order, index[k] + 1, plus, ok_p)
            _propagate(ltab, is_cyl, k_b, q, p, st_pos[k], ce * st_d[k] - se * e, order, index[k] + 1, minus, ok_m)
            for l in range(n_layers):
                if ok_p[l] and ok_m[l]:
                    for m in range(n_meas):
                        jac[l, m, 2 * k + a] = theta0[k] * _difference(is_cyl, m, plus[l, m], minus[l, m]) / (2.0 * eps)
    for a in range(2):
        width = beam_x if a == 0 else beam_y
        if width <= 0.0:
            continue
        step = np.zeros(3)
        step[a] = _EPS_VERTEX
        _propagate(ltab, is_cyl, k_b, q, p, v0 + step, d0, order, 0, plus, ok_p)
        _propagate(ltab, is_cyl, k_b, q, p, v0 - step, d0, order, 0, minus, ok_m)
        for l in range(n_layers):
            if ok_p[l] and ok_m[l]:
                for m in range(n_meas):
                    diff = _difference(is_cyl, m, plus[l, m], minus[l, m])
                    jac[l, m, 2 * n_layers + a] = width * diff / (2.0 * _EPS_VERTEX)


@nb.njit(cache=True)
def _cholesky(a: np.ndarray) -> bool:
    """In-place lower Cholesky factor of the symmetric matrix ``a``; False if not positive."""
    n = a.shape[0]
    for j in range(n):
        s = a[j, j]
        for k in range(j):
            s -= a[j, k] * a[j, k]
        if not s > 0.0:
            return False
        a[j, j] = math.sqrt(s)
        for i in range(j + 1, n):
            t = a[i, j]
            for k in range(j):
                t -= a[i, k] * a[j, k]
            a[i, j] = t / a[j, j]
    for j in range(n):
        for i in range(j):
            a[i, j] = 0.0
    return True


@nb.njit(cache=True)
def _forward(low: np.ndarray, b: np.ndarray) -> None:
    """``b ← L⁻¹ b`` in place (each column of a 2D ``b``)."""
    n = low.shape[0]
    for c in range(b.shape[1]):
        for i in range(n):
            s = b[i, c]
            for k in range(i):
                s -= low[i, k] * b[k, c]
            b[i, c] = s / low[i, i]


@nb.njit(cache=True)
def _inverse_spd(a: np.ndarray) -> np.ndarray:
    """Inverse of a small symmetric positive matrix; NaN when it is singular."""
    n = a.shape[0]
    low = a.copy()
    out = np.full((n, n), np.nan)
    if not _cholesky(low):
        return out
    eye = np.eye(n)
    _forward(low, eye)  # L⁻¹
    for i in range(n):
        for j in range(n):
            s = 0.0
            for k in range(n):
                s += eye[k, i] * eye[k, j]
            out[i, j] = s
    return out


@nb.njit(cache=True)
def _helix_rows(kh: float, ref: float, r: float, th: np.ndarray, out: np.ndarray, jac: np.ndarray) -> bool:
    """φ and z of the helix ``th = (q/pT, φ_T, z0, cotθ)`` at radius ``r`` and their
    derivatives; False when the helix does not reach ``r`` or ``r_T``."""
    c = kh * th[0]
    x, xt = c * r, c * ref
    if abs(x) >= 1.0 or abs(xt) >= 1.0:
        return False
    out[0] = th[1] + math.asin(xt) - math.asin(x)
    jac[0, 0] = kh * (ref / math.sqrt(1.0 - xt * xt) - r / math.sqrt(1.0 - x * x))
    jac[0, 1] = 1.0
    jac[0, 2] = 0.0
    jac[0, 3] = 0.0
    if abs(x) < 1e-4:  # series of asin(cr)/c and its c-derivative
        s = r * (1.0 + x * x / 6.0)
        ds = r * r * r * c / 3.0
    else:
        s = math.asin(x) / c
        ds = (r / math.sqrt(1.0 - x * x) - s) / c
    out[1] = th[2] + th[3] * s
    jac[1, 0] = th[3] * ds * kh
    jac[1, 1] = 0.0
    jac[1, 2] = 1.0
    jac[1, 3] = s
    return True


@nb.njit(cache=True)
def _model_rows(
    model: int,
    ltab: np.ndarray,
    kh: float,
    ref: float,
    lay: np.ndarray,
    meas: np.ndarray,
    th: np.ndarray,
    res: np.ndarray,
    h: np.ndarray,
) -> bool:
    """Residuals (measured − model) and model derivatives of every row at ``th``."""
    n_meas = meas.shape[1]
    row_val = np.zeros(2)
    row_jac = np.zeros((2, 4))
    for i in range(lay.shape[0]):
        pos = ltab[lay[i], L_POS]
        if model == MODEL_HELIX:
            if not _helix_rows(kh, ref, pos, th, row_val, row_jac):
                return False
            res[2 * i, 0] = wrap_diff(meas[i, 0] - row_val[0])
            res[2 * i + 1, 0] = meas[i, 1] - row_val[1]
            for j in range(4):
                h[2 * i, j] = row_jac[0, j]
                h[2 * i + 1, j] = row_jac[1, j]
        elif model == MODEL_PIXELS:
            dz = pos - ref
            res[2 * i, 0] = meas[i, 0] - (th[0] + th[2] * dz)
            res[2 * i + 1, 0] = meas[i, 1] - (th[1] + th[3] * dz)
            h[2 * i, 0], h[2 * i, 1], h[2 * i, 2], h[2 * i, 3] = 1.0, 0.0, dz, 0.0
            h[2 * i + 1, 0], h[2 * i + 1, 1], h[2 * i + 1, 2], h[2 * i + 1, 3] = 0.0, 1.0, 0.0, dz
        else:
            dz = pos - ref
            res[i * n_meas, 0] = meas[i, 0] - (th[0] * dz + th[1])
            h[i * n_meas, 0], h[i * n_meas, 1] = dz, 1.0
    return True


# serial: a track takes tens of µs, and a parallel kernel would double the compile time
@nb.njit(cache=True)
def _fit_groups(
    model: int,
    ltab: np.ndarray,
    sigma: np.ndarray,
    k_b: float,
    ref: float,
    mass: float,
    beam_x: float,
    beam_y: float,
    offsets: np.ndarray,
    layer: np.ndarray,
    meas: np.ndarray,
    kin: np.ndarray,
    use: np.ndarray,
    out_p: np.ndarray,
    out_cov: np.ndarray,
    out_chi2: np.ndarray,
    out_ndf: np.ndarray,
) -> None:
    n_layers = ltab.shape[0]
    is_cyl = model == MODEL_HELIX
    n_meas = meas.shape[1]
    n_p = out_p.shape[1]
    n_src = 2 * n_layers + 2
    kh = 0.5 * k_b
    for g in range(offsets.shape[0] - 1):
        h0, h1 = offsets[g], offsets[g + 1]
        n_h = h1 - h0
        rows = n_h * n_meas
        out_ndf[g] = rows - n_p
        lay = layer[h0:h1]
        mg = meas[h0:h1]
        # the covariance V = D + G Gᵀ
        jac = np.zeros((n_layers, 2, n_src))
        if use[g]:
            bx = beam_x if is_cyl else 0.0
            by = beam_y if is_cyl else 0.0
            _noise_jacobians(ltab, is_cyl, k_b, mass, kin[g], bx, by, n_meas, jac)
        v = np.zeros((rows, rows))
        for i in range(n_h):
            for m in range(n_meas):
                r = i * n_meas + m
                v[r, r] = sigma[lay[i], m] ** 2
                for i2 in range(n_h):
                    for m2 in range(n_meas):
                        r2 = i2 * n_meas + m2
                        s = 0.0
                        for k in range(n_src):
                            s += jac[lay[i], m, k] * jac[lay[i2], m2, k]
                        v[r, r2] += s
        if rows < n_p or not _cholesky(v):
            continue
        # Gauss-Newton from the straight line (barrel: q/pT = 0, φ_T of the first hit)
        th = np.zeros(4)
        if is_cyl:
            th[1] = mg[0, 0]
        res = np.zeros((rows, 1))
        h = np.zeros((rows, 4))
        c = np.full((n_p, n_p), np.nan)
        good = False
        for _ in range(_MAX_ITER):
            if not _model_rows(model, ltab, kh, ref, lay, mg, th, res, h):
                break
            hw = h[:, :n_p].copy()
            _forward(v, hw)
            _forward(v, res)
            a = np.zeros((n_p, n_p))
            b = np.zeros(n_p)
            for i in range(n_p):
                for j in range(n_p):
                    s = 0.0
                    for r in range(rows):
                        s += hw[r, i] * hw[r, j]
                    a[i, j] = s
                s = 0.0
                for r in range(rows):
                    s += hw[r, i] * res[r, 0]
                b[i] = s
            c = _inverse_spd(a)
            if not math.isfinite(c[0, 0]):
                break
            step = 0.0
            for i in range(n_p):
                delta = 0.0
                for j in range(n_p):
                    delta += c[i, j] * b[j]
                th[i] += delta
                step = max(step, abs(delta) / math.sqrt(c[i, i]))
            if step < 1e-7:
                good = True
                break
        if not good or not _model_rows(model, ltab, kh, ref, lay, mg, th, res, h):
            continue
        _forward(v, res)
        chi2 = 0.0
        for r in range(rows):
            chi2 += res[r, 0] ** 2
        out_p[g, :] = th[:n_p]
        out_cov[g, :, :] = c
        out_chi2[g] = chi2

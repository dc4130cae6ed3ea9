"""The fit's kernels: float (physics) and bit-exact fixed point (golden model).

Inputs are flat: ``off`` (n_tracks + 1) delimits each track's rows, a row being one
coordinate of one hit, in layer order (``row_layer``, ``row_meas``); ``pat`` is the
track's index in :class:`~fasttrack.fit.config.FitTables`; ``seed`` its q/pT seed (barrel;
the finder's q/pT).

Per track (both modes)::

    q, cot = seed, 0
    repeat n_passes:
        y'  = y + N(q, cot)             # barrel only: the helix remainder, below
        p   = W·y'
        q, cot = p[qoverpt], p[cot_theta]
    e  = y' − H·p ;  χ² = eᵀ V⁻¹ e

The barrel's remainder with ``x_l = k·q·r_l`` (``k`` = :attr:`FitConfig.kh`):
``φ'_l = φ_l + g(x_l) − g(x_T)`` with ``g(x) = asin x − x``, and
``z'_l = z_l − cotθ·r_l·u(x_l)`` with ``u(x) = asin(x)/x − 1``. Float evaluates them
exactly (``|x|`` clamped to 0.75); fixed with the series
``u = x²(1/6 + x²(3/40 + x²(5/112 + x²·35/1152)))``, ``g = x·u`` in Q30 (``POLY_FRAC``),
intermediate products shifted right with floor (``>>``), ``x`` saturated to ±0.75.

Fixed-point steps (every shift a round-half-up ``quantize_raw`` unless noted ``>>``):

1. ``x_hw = rnd(KX_l·q_hw >> KX_SHIFT)``, saturated to ±0.75·2^30.
2. ``corr_φ = rnd((g_l − g_T) >> (30 + log2 LSB_φ))``;
   ``prod = rnd(cot_hw·u_hw >> 16)``, ``corr_z = −rnd(prod·RZ_l >> (14 + RZ_FRAC))``;
   ``y'_hw = sat_MEAS_BITS(y_hw + corr)``.
3. ``p_hw[i] = sat_PARAM_BITS(rnd(Σ_r w_hw[i, r]·y'_hw[r] >> w_frac[i]))``.
4. ``e_r = sat_RES_BITS(y'_hw[r] − rnd(Σ_i h_hw[l_r, m_r, i]·p_hw[i] >> h_frac))``.
5. ``t_r = rnd(Σ_s vinv_hw[r, s]·e_s >> 16)``; ``χ²_hw = sat_u(CHI2_BITS)(rnd(Σ_r e_r·t_r >>
   (vinv_frac − 16 − CHI2_FRAC)))``.
6. The outlier candidate: per row ``u_r = sat_U_BITS(rnd(t_r >> (vinv_frac − 16 −
   U_FRAC)))`` (``(V⁻¹e)_r`` with ``U_FRAC`` fractional bits), ``v_r = sat_U_BITS(rnd(u_r·
   qd_hw[r] >> (qd_frac + V_SHIFT)))``, ``d_r = rnd(u_r·v_r >> (2·U_FRAC − V_SHIFT −
   CHI2_FRAC))``: the row's
   standardised residual squared ``(V⁻¹e)_r²/Q_rr`` in χ² LSBs (float: exactly that); the
   hit with the largest ``Σ_{r of h} d_r`` (the first on ties) and that sum. (Unlike the
   hit's share of χ², this statistic is not masked by the pull an outlier exerts on the
   fit.) :func:`fasttrack.fit.chain.fit_tracks` drops that hit above ``drop_hit_chi2`` and
   refits with the smaller pattern.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from ..fixed import O_SAT, Q_RND, quantize_raw, saturate
from .config import CHI2_BITS, CHI2_FRAC, MEAS_BITS, PARAM_BITS, POLY_FRAC, RES_BITS, FitConfig

__all__ = [
    "ACC_BITS",
    "KX_BITS",
    "RZ_BITS",
    "U_BITS",
    "U_FRAC",
    "V_SHIFT",
    "X_MAX",
    "fit_fixed",
    "fit_float",
    "helix_constants",
    "naive_fixed",
    "naive_float",
]

X_MAX = 0.75  # |k·q·r| clamp of the helix remainder
ACC_BITS = 62  # every sum (the bounds below keep them under 2^61)
KX_BITS = 32  # signed width of the KX constants (checked by helix_constants)
RZ_BITS = 22  # signed width of the RZ constants (checked by helix_constants)
KX_SHIFT = 16
RZ_FRAC = 16
T_SHIFT = 16  # χ²: the row sums' right shift
U_FRAC = 20  # outlier score: fractional bits of (V⁻¹e)_r
U_BITS = 31  # outlier score: signed width of (V⁻¹e)_r and of (V⁻¹e)_r·qd_r
V_SHIFT = 12  # outlier score: (V⁻¹e)_r·qd_r keeps U_FRAC − V_SHIFT fractional bits
# asin(x)/x - 1 = sum_n C(2n, n) / (4^n (2n + 1)) x^(2n): 1/6, 3/40, 5/112, 35/1152
_SERIES = tuple(math.comb(2 * n, n) / (4**n * (2 * n + 1)) for n in range(1, 5))
POLY_HW = np.array([round(c * 2.0**POLY_FRAC) for c in _SERIES], dtype=np.int64)
X_MAX_HW = int(X_MAX * 2**POLY_FRAC)


def helix_constants(cfg: FitConfig) -> dict[str, np.ndarray | int]:
    """The barrel's per-layer integer constants ``KX`` (with the reference radius last),
    ``RZ`` and the φ shift (zeros for the straight-line presets)."""
    n = cfg.n_layers
    if not cfg.helix:
        return {"kx": np.zeros(n + 1, np.int64), "rz": np.zeros(n, np.int64), "phi_shift": 1}
    pos = np.append(cfg.detector.positions_mm(), cfg.reference_mm)
    q_lsb = cfg.param_lsb[0]
    c_lsb = cfg.param_lsb[3]
    phi_lsb, z_lsb = cfg.meas_lsb
    kx = np.floor(cfg.kh * pos * q_lsb * 2.0 ** (POLY_FRAC + KX_SHIFT) + 0.5).astype(np.int64)
    rz = np.floor(pos[:n] * c_lsb / z_lsb * 2.0**RZ_FRAC + 0.5).astype(np.int64)
    if np.abs(kx).max() >= 2 ** (KX_BITS - 1) or np.abs(rz).max() >= 2 ** (RZ_BITS - 1):
        raise ValueError("FitConfig: the helix constants exceed KX_BITS/RZ_BITS; coarsen the q/pT or cotθ LSB")
    return {"kx": kx, "rz": rz, "phi_shift": POLY_FRAC + round(math.log2(phi_lsb))}


# ------------------------------------------------------------------------------------------
# float
# ------------------------------------------------------------------------------------------
@nb.njit(cache=True)
def _remainder_float(is_phi: bool, kh: float, r: float, r_t: float, q: float, cot: float) -> float:
    x = min(max(kh * q * r, -X_MAX), X_MAX)
    if is_phi:
        xt = min(max(kh * q * r_t, -X_MAX), X_MAX)
        return (math.asin(x) - x) - (math.asin(xt) - xt)
    u = math.asin(x) / x - 1.0 if x != 0.0 else 0.0
    return -cot * r * u


@nb.njit(cache=True)
def _fit_float(
    off: np.ndarray,
    row_layer: np.ndarray,
    row_meas: np.ndarray,
    y: np.ndarray,
    pat: np.ndarray,
    seed: np.ndarray,
    w: np.ndarray,
    vinv: np.ndarray,
    qd: np.ndarray,
    layer_h: np.ndarray,
    helix: bool,
    kh: float,
    radius: np.ndarray,
    r_t: float,
    n_passes: int,
    out_p: np.ndarray,
    out_chi2: np.ndarray,
    out_worst: np.ndarray,
    out_worst_c: np.ndarray,
) -> None:
    n_p = w.shape[1]
    n_m = layer_h.shape[1]
    yc = np.zeros(w.shape[2])
    e = np.zeros(w.shape[2])
    p = np.zeros(n_p)
    for t in range(off.shape[0] - 1):
        r0 = off[t]
        n = off[t + 1] - r0
        k = pat[t]
        q = seed[t]
        cot = 0.0
        for _ in range(n_passes):
            for i in range(n):
                yc[i] = y[r0 + i]
                if helix:
                    lay = row_layer[r0 + i]
                    yc[i] += _remainder_float(row_meas[r0 + i] == 0, kh, radius[lay], r_t, q, cot)
            for j in range(n_p):
                s = 0.0
                for i in range(n):
                    s += w[k, j, i] * yc[i]
                p[j] = s
            if helix:
                q, cot = p[0], p[3]
        for i in range(n):
            lay, m = row_layer[r0 + i], row_meas[r0 + i]
            s = 0.0
            for j in range(n_p):
                s += layer_h[lay, m, j] * p[j]
            e[i] = yc[i] - s
        chi2 = 0.0
        hit_c = 0.0
        worst_c = -np.inf
        for i in range(n):
            s = 0.0
            for i2 in range(n):
                s += vinv[k, i, i2] * e[i2]
            chi2 += e[i] * s
            hit_c += s * s * qd[k, i]
            if i % n_m == n_m - 1:
                if hit_c > worst_c:
                    worst_c = hit_c
                    out_worst[t] = i // n_m
                hit_c = 0.0
        out_p[t, :] = p
        out_chi2[t] = chi2
        out_worst_c[t] = worst_c


def fit_float(
    cfg: FitConfig,
    off: np.ndarray,
    row_layer: np.ndarray,
    row_meas: np.ndarray,
    y: np.ndarray,
    pat: np.ndarray,
    seed: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Float fit: ``(params (n, n_p), chi2 (n,), worst (n,), worst_c (n,))``: the hit (index
    in the track) of largest χ² contribution and that contribution (module docstring)."""
    tab = cfg.tables.arrays()
    n = len(off) - 1
    out_p = np.zeros((n, cfg.n_params))
    out_chi2 = np.zeros(n)
    out_worst = np.zeros(n, dtype=np.int64)
    out_worst_c = np.zeros(n)
    radius = cfg.detector.positions_mm().astype(np.float64)
    _fit_float(
        np.asarray(off, np.int64),
        np.asarray(row_layer, np.int64),
        np.asarray(row_meas, np.int64),
        np.asarray(y, np.float64),
        np.asarray(pat, np.int64),
        np.asarray(seed, np.float64),
        tab["w"],
        tab["vinv"],
        tab["qd"],
        cfg.tables.layer_h,
        cfg.helix,
        cfg.kh,
        radius,
        cfg.reference_mm,
        cfg.n_passes,
        out_p,
        out_chi2,
        out_worst,
        out_worst_c,
    )
    return out_p, out_chi2, out_worst, out_worst_c


# ------------------------------------------------------------------------------------------
# fixed
# ------------------------------------------------------------------------------------------
@nb.njit(cache=True)
def _rnd(raw: int, shift: int, bits: int, signed: bool) -> int:
    return quantize_raw(raw, shift, bits, signed, Q_RND, O_SAT)


@nb.njit(cache=True)
def _series_hw(x: int, poly: np.ndarray) -> tuple[int, int]:
    """``(u, g)`` of ``x`` in Q30 (module docstring)."""
    y2 = (x * x) >> POLY_FRAC
    t = poly[3]
    t = poly[2] + ((y2 * t) >> POLY_FRAC)
    t = poly[1] + ((y2 * t) >> POLY_FRAC)
    t = poly[0] + ((y2 * t) >> POLY_FRAC)
    u = (y2 * t) >> POLY_FRAC
    g = (x * u) >> POLY_FRAC
    return u, g


@nb.njit(cache=True)
def _x_hw(kx: int, q: int) -> int:
    x = _rnd(kx * q, KX_SHIFT, 62, True)
    if x > X_MAX_HW:
        return X_MAX_HW
    if x < -X_MAX_HW:
        return -X_MAX_HW
    return x


@nb.njit(cache=True)
def _remainder_fixed(
    is_phi: bool, kx: int, kx_t: int, rz: int, phi_shift: int, q: int, cot: int, poly: np.ndarray
) -> int:
    u, g = _series_hw(_x_hw(kx, q), poly)
    if is_phi:
        _, g_t = _series_hw(_x_hw(kx_t, q), poly)
        return _rnd(g - g_t, phi_shift, 62, True)
    prod = _rnd(cot * u, 16, 62, True)
    return -_rnd(prod * rz, POLY_FRAC - 16 + RZ_FRAC, 62, True)


@nb.njit(cache=True)
def _fit_fixed(
    off: np.ndarray,
    row_layer: np.ndarray,
    row_meas: np.ndarray,
    y: np.ndarray,
    pat: np.ndarray,
    seed: np.ndarray,
    w: np.ndarray,
    w_frac: np.ndarray,
    vinv: np.ndarray,
    vinv_frac: int,
    qd: np.ndarray,
    qd_frac: int,
    h: np.ndarray,
    h_frac: int,
    helix: bool,
    kx: np.ndarray,
    rz: np.ndarray,
    phi_shift: int,
    poly: np.ndarray,
    n_passes: int,
    out_p: np.ndarray,
    out_chi2: np.ndarray,
    out_worst: np.ndarray,
    out_worst_c: np.ndarray,
) -> None:
    n_p = w.shape[1]
    n_l = rz.shape[0]
    n_m = h.shape[1]
    c_shift = vinv_frac - T_SHIFT - CHI2_FRAC
    yc = np.zeros(w.shape[2], dtype=np.int64)
    e = np.zeros(w.shape[2], dtype=np.int64)
    p = np.zeros(n_p, dtype=np.int64)
    for t in range(off.shape[0] - 1):
        r0 = off[t]
        n = off[t + 1] - r0
        k = pat[t]
        q = seed[t]
        cot = 0
        for _ in range(n_passes):
            for i in range(n):
                v = y[r0 + i]
                if helix:
                    lay = row_layer[r0 + i]
                    v += _remainder_fixed(
                        row_meas[r0 + i] == 0, int(kx[lay]), int(kx[n_l]), int(rz[lay]), phi_shift, q, cot, poly
                    )
                yc[i] = saturate(v, MEAS_BITS, True)
            for j in range(n_p):
                s = 0
                for i in range(n):
                    s += w[k, j, i] * yc[i]
                p[j] = _rnd(s, w_frac[j], PARAM_BITS, True)
            if helix:
                q, cot = p[0], p[3]
        for i in range(n):
            lay, m = row_layer[r0 + i], row_meas[r0 + i]
            s = 0
            for j in range(n_p):
                s += h[lay, m, j] * p[j]
            e[i] = saturate(yc[i] - _rnd(s, h_frac, 62, True), RES_BITS, True)
        acc = 0
        hit_c = 0
        worst_c = 0
        out_worst[t] = -1
        for i in range(n):
            s = 0
            for i2 in range(n):
                s += vinv[k, i, i2] * e[i2]
            tr = _rnd(s, T_SHIFT, 62, True)
            acc += e[i] * tr
            u = _rnd(tr, vinv_frac - T_SHIFT - U_FRAC, U_BITS, True)
            v = _rnd(u * qd[k, i], qd_frac + V_SHIFT, U_BITS, True)
            hit_c += _rnd(u * v, 2 * U_FRAC - V_SHIFT - CHI2_FRAC, 62, True)
            if i % n_m == n_m - 1:
                if out_worst[t] < 0 or hit_c > worst_c:
                    worst_c = hit_c
                    out_worst[t] = i // n_m
                hit_c = 0
        out_p[t, :] = p
        out_chi2[t] = _rnd(acc, c_shift, CHI2_BITS, False)
        out_worst_c[t] = worst_c


def fit_fixed(
    cfg: FitConfig,
    off: np.ndarray,
    row_layer: np.ndarray,
    row_meas: np.ndarray,
    y_hw: np.ndarray,
    pat: np.ndarray,
    seed_hw: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fixed-point fit: ``(params_hw (n, n_p), chi2_hw (n,), worst (n,), worst_c_hw (n,))``,
    int64 (module docstring; ``worst_c_hw`` in χ² LSBs, signed)."""
    tabs = cfg.tables
    tab = tabs.arrays()
    hc = helix_constants(cfg)
    n = len(off) - 1
    out_p = np.zeros((n, cfg.n_params), dtype=np.int64)
    out_chi2 = np.zeros(n, dtype=np.int64)
    out_worst = np.zeros(n, dtype=np.int64)
    out_worst_c = np.zeros(n, dtype=np.int64)
    _fit_fixed(
        np.asarray(off, np.int64),
        np.asarray(row_layer, np.int64),
        np.asarray(row_meas, np.int64),
        np.asarray(y_hw, np.int64),
        np.asarray(pat, np.int64),
        np.asarray(seed_hw, np.int64),
        tab["w_hw"],
        tabs.w_frac,
        tab["vinv_hw"],
        int(tabs.vinv_frac),
        tab["qd_hw"],
        int(tabs.qd_frac),
        tabs.h_hw,
        int(tabs.h_frac),
        cfg.helix,
        np.asarray(hc["kx"]),
        np.asarray(hc["rz"]),
        int(hc["phi_shift"]),
        POLY_HW,
        cfg.n_passes,
        out_p,
        out_chi2,
        out_worst,
        out_worst_c,
    )
    return out_p, out_chi2, out_worst, out_worst_c


# ------------------------------------------------------------------------------------------
# naive references (tests): one track at a time, numpy linear algebra / Python integers
# ------------------------------------------------------------------------------------------
def naive_float(
    cfg: FitConfig, layers: np.ndarray, y: np.ndarray, seed: float, bin_: int = 0
) -> tuple[np.ndarray, float]:
    """One track's generalised least squares solved from scratch: ``layers`` (n_hits,)
    ascending, ``y`` (n_hits, n_meas); the barrel's remainder as in :func:`fit_float`."""
    lays = [int(v) for v in layers]
    v = cfg.tables.covariance(sum(1 << lay for lay in lays), bin_)
    h = cfg.layer_h()[lays].reshape(-1, cfg.n_params)
    yv = np.asarray(y, np.float64).ravel()
    radius = cfg.detector.positions_mm()
    q, cot = seed, 0.0
    p = np.zeros(cfg.n_params)
    yc = yv
    for _ in range(cfg.n_passes):
        yc = yv.copy()
        if cfg.helix:
            for i, lay in enumerate(lays):
                for m in range(cfg.n_meas):
                    yc[i * cfg.n_meas + m] += _remainder_float(m == 0, cfg.kh, radius[lay], cfg.reference_mm, q, cot)
        vi_h = np.linalg.solve(v, h)
        p = np.linalg.solve(h.T @ vi_h, vi_h.T @ yc)
        if cfg.helix:
            q, cot = p[0], p[3]
    e = yc - h @ p
    return p, float(e @ np.linalg.solve(v, e))


def _py_rnd(raw: int, shift: int, bits: int, signed: bool) -> int:
    """Round half up of ``raw·2^-shift``, saturated: Python integers."""
    v = (raw + (1 << (shift - 1))) >> shift if shift > 0 else raw << -shift
    hi = (1 << (bits - 1 if signed else bits)) - 1
    lo = -hi - 1 if signed else 0
    return min(max(v, lo), hi)


def naive_fixed(
    cfg: FitConfig, layers: np.ndarray, y_hw: np.ndarray, seed_hw: int, pattern: int
) -> tuple[list[int], int, int, int]:
    """One track through the fixed-point steps in plain Python integers (module docstring)."""
    tabs = cfg.tables
    tab = tabs.arrays()
    hc = helix_constants(cfg)
    kx = [int(v) for v in np.asarray(hc["kx"])]
    rz = [int(v) for v in np.asarray(hc["rz"])]
    poly = [int(v) for v in POLY_HW]
    lays = [int(v) for v in layers]
    rows = [(lay, m) for lay in lays for m in range(cfg.n_meas)]
    y = [int(v) for v in np.asarray(y_hw).ravel()]
    w = tab["w_hw"][pattern]
    vinv = tab["vinv_hw"][pattern]
    qd = tab["qd_hw"][pattern]

    def series(x: int) -> tuple[int, int]:
        y2 = (x * x) >> POLY_FRAC
        t = poly[3]
        for c in (poly[2], poly[1], poly[0]):
            t = c + ((y2 * t) >> POLY_FRAC)
        u = (y2 * t) >> POLY_FRAC
        return u, (x * u) >> POLY_FRAC

    def x_of(k: int, q: int) -> int:
        return min(max(_py_rnd(k * q, KX_SHIFT, 62, True), -X_MAX_HW), X_MAX_HW)

    q, cot = int(seed_hw), 0
    p = [0] * cfg.n_params
    yc = list(y)
    for _ in range(cfg.n_passes):
        yc = []
        for (lay, m), v in zip(rows, y, strict=True):
            if cfg.helix:
                u, g = series(x_of(kx[lay], q))
                if m == 0:
                    _, g_t = series(x_of(kx[-1], q))
                    v += _py_rnd(g - g_t, int(hc["phi_shift"]), 62, True)
                else:
                    prod = _py_rnd(cot * u, 16, 62, True)
                    v -= _py_rnd(prod * rz[lay], POLY_FRAC - 16 + RZ_FRAC, 62, True)
            yc.append(min(max(v, -(1 << (MEAS_BITS - 1))), (1 << (MEAS_BITS - 1)) - 1))
        p = [
            _py_rnd(sum(int(w[j, i]) * yc[i] for i in range(len(rows))), int(tabs.w_frac[j]), PARAM_BITS, True)
            for j in range(cfg.n_params)
        ]
        if cfg.helix:
            q, cot = p[0], p[3]
    e = []
    for i, (lay, m) in enumerate(rows):
        s = sum(int(tabs.h_hw[lay, m, j]) * p[j] for j in range(cfg.n_params))
        e.append(
            min(max(yc[i] - _py_rnd(s, int(tabs.h_frac), 62, True), -(1 << (RES_BITS - 1))), (1 << (RES_BITS - 1)) - 1)
        )
    acc = 0
    scores = [0] * (len(rows) // cfg.n_meas)
    for i in range(len(rows)):
        tr = _py_rnd(sum(int(vinv[i, i2]) * e[i2] for i2 in range(len(rows))), T_SHIFT, 62, True)
        acc += e[i] * tr
        u = _py_rnd(tr, int(tabs.vinv_frac) - T_SHIFT - U_FRAC, U_BITS, True)
        v = _py_rnd(u * int(qd[i]), int(tabs.qd_frac) + V_SHIFT, U_BITS, True)
        scores[i // cfg.n_meas] += _py_rnd(u * v, 2 * U_FRAC - V_SHIFT - CHI2_FRAC, 62, True)
    worst = max(range(len(scores)), key=lambda h: (scores[h], -h))
    chi2 = _py_rnd(acc, int(tabs.vinv_frac) - T_SHIFT - CHI2_FRAC, CHI2_BITS, False)
    return p, chi2, worst, scores[worst]

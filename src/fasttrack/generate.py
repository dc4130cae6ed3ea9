"""Event generator: particle gun and pile-up, propagation, scattering, digitisation, noise.

:func:`generate` returns :class:`~fasttrack.events.Events` for any
:class:`~fasttrack.detector.Detector`.

Physics, per event:

1. vertices: Poisson(``pileup``) interactions (exactly one when ``pileup`` is 0), each at a
   Gaussian beam-spot position; each vertex emits Poisson(``particles_per_vertex``)
   particles with pT (or p for a slope gun) from the mix's spectrum and a direction
   uniform in (η, φ) or in slopes;
2. propagation to each layer in turn: straight lines, or exact helices in ``bz_tesla``
   (plane crossings at fixed z, cylinder crossings by circle intersection; loopers that
   never reach a radius stop there);
3. at each active layer crossed: a hit with probability ``efficiency``, position smeared
   by ``smear`` and digitised to the strip/pixel centre (on a cylinder whose φ range is a
   full turn the smeared φ wraps around, so no hit is lost at ±π); barrel stubs also carry a
   bend-based q/pT estimate and are rejected on the module when it exceeds the
   front-end cut; then multiple scattering by the Highland formula (PDG, eq. 34.15) with
   the thickness seen at the crossing angle, two independent projected angles;
4. noise hits, Poisson(``noise_per_event``) per layer, uniform over the channels.

Hits within an event are ordered by layer then channel (as a readout delivers them) and
numbered ``hit_id = 0, 1, ...`` in that order. Particles are numbered from 1; noise hits
have ``particle_id = 0``.

Determinism: each event draws from its own random stream seeded from ``(seed, event
number)``, so the result does not depend on chunking, threads or ``first_event``
splitting: ``generate(d, 100, seed=1)`` equals ``generate(d, 50, seed=1)`` followed by
``generate(d, 50, seed=1, first_event=50)``.

Example
-------
>>> from fasttrack import detector, generate
>>> ev = generate.generate(detector.telescope(), 10, seed=1)
>>> len(ev)
10
"""

from __future__ import annotations

import math
from pathlib import Path

import numba as nb
import numpy as np

from . import rng
from .detector import CylinderLayer, Detector, EventMix, PlaneLayer
from .events import Events, build_events
from .progress import progress_bar

__all__ = ["generate", "generate_file", "highland_theta0"]

# layer-table columns (one float64 row per layer)
L_POS, L_PITCH_A, L_PITCH_B, L_A_MIN, L_A_MAX, L_B_MIN, L_B_MAX = 0, 1, 2, 3, 4, 5, 6
L_HOLE, L_SMEAR, L_X0, L_EFF, L_NOISE, L_BEND_SIGMA, L_STUB_CUT, L_2D = 7, 8, 9, 10, 11, 12, 13, 14
N_LCOLS = 15

# mix-vector entries
(
    M_PILEUP,
    M_PPV,
    M_PTMIN,
    M_PTMAX,
    M_SPECTRUM,
    M_ETAMIN,
    M_ETAMAX,
    M_PHIMIN,
    M_PHIMAX,
    M_DIRECTION,
    M_SLMIN,
    M_SLMAX,
    M_BX,
    M_BY,
    M_BZ,
    M_SBX,
    M_SBY,
    M_SBZ,
    M_CHARGE,
    M_MASS,
    M_FIELD,
    M_VPP,
) = range(22)
N_MIX = 22
SPECTRUM_CODE = {"flat": 0, "inverse": 1, "tsallis": 2}
DIRECTION_CODE = {"eta_phi": 0, "slopes": 1}
FULL_TURN = 2.0 * math.pi - 1e-9  # a cylinder whose φ range spans this is a full ring

# particle output columns (float64)
(P_Q, P_PT, P_ETA, P_PHI, P_P, P_TX, P_TY, P_VX, P_VY, P_VZ, P_VERTEX) = range(11)
N_PCOLS = 11


def highland_theta0(
    p_gev: float | np.ndarray, x_over_x0: float | np.ndarray, beta: float | np.ndarray = 1.0, charge: float = 1.0
) -> float | np.ndarray:
    """Highland width θ0 (rad) of the projected scattering angle (PDG 2024, eq. 34.15)."""
    t = np.asarray(x_over_x0, dtype=float)
    return 13.6e-3 / (beta * p_gev) * abs(charge) * np.sqrt(t) * (1.0 + 0.038 * np.log(t * charge**2 / beta**2))


def _layer_table(det: Detector) -> np.ndarray:
    tab = np.zeros((det.n_layers, N_LCOLS), dtype=np.float64)
    for i, lay in enumerate(det.layers):
        row = tab[i]
        if isinstance(lay, PlaneLayer):
            row[L_POS] = lay.z_mm
            row[L_PITCH_A], row[L_PITCH_B] = lay.pitch_x_mm, lay.pitch_y_mm
            row[L_A_MIN], row[L_A_MAX] = lay.x_min_mm, lay.x_max_mm
            row[L_B_MIN], row[L_B_MAX] = lay.y_min_mm, lay.y_max_mm
            row[L_HOLE] = lay.hole_half_mm
            row[L_SMEAR] = lay.smear_mm
            row[L_2D] = 1.0 if lay.measures == "xy" else 0.0
        else:
            assert isinstance(lay, CylinderLayer)
            row[L_POS] = lay.r_mm
            row[L_PITCH_A], row[L_PITCH_B] = lay.pitch_phi, lay.pitch_z_mm
            row[L_A_MIN], row[L_A_MAX] = lay.phi_min, lay.phi_max
            row[L_B_MIN], row[L_B_MAX] = lay.z_min_mm, lay.z_max_mm
            row[L_SMEAR] = lay.smear_rphi_mm
            row[L_BEND_SIGMA] = lay.bend_qoverpt_sigma or 0.0  # None: no bend measured (not stored)
            row[L_STUB_CUT] = lay.stub_qoverpt_max
        row[L_X0], row[L_EFF], row[L_NOISE] = lay.x_over_x0, lay.efficiency, lay.noise_per_event
    return tab


# channels per coordinate: the readout sort key packs (layer, ch_a, ch_b) in 21 bits each
MAX_CHANNELS = 2**21


def _check_layers(det: Detector) -> None:
    """Reject layers the kernels cannot digitise (channel counts as in ``_simulate_event``)."""
    for i, lay in enumerate(det.layers):
        if isinstance(lay, PlaneLayer):
            n_a = int(round((lay.x_max_mm - lay.x_min_mm) / lay.pitch_x_mm))
            n_b = int(round((lay.y_max_mm - lay.y_min_mm) / lay.pitch_y_mm))
        else:
            n_a = lay.n_strips_phi
            n_b = int(round((lay.z_max_mm - lay.z_min_mm) / lay.pitch_z_mm))
        if not (1 <= n_a < MAX_CHANNELS and 1 <= n_b < MAX_CHANNELS):
            raise ValueError(
                f"layer {i} of {det.name!r} has {n_a} x {n_b} channels; the generator "
                f"needs 1 to {MAX_CHANNELS - 1} per coordinate: change pitch or extent"
            )
        if isinstance(lay, PlaneLayer) and lay.hole_half_mm > 0.0 and lay.noise_per_event > 0.0:
            # noise hits are drawn until a channel centre lies outside the hole
            xc = lay.x_min_mm + (np.arange(n_a) + 0.5) * lay.pitch_x_mm
            yc = lay.y_min_mm + (np.arange(n_b) + 0.5) * lay.pitch_y_mm if lay.measures == "xy" else np.zeros(1)
            h = lay.hole_half_mm
            if not (np.any(np.abs(xc) >= h) or np.any(np.abs(yc) >= h)):
                raise ValueError(
                    f"layer {i} of {det.name!r}: the beam hole (hole_half_mm={h}) covers "
                    "every channel, so noise hits cannot be placed"
                )


def _mix_vector(det: Detector, mix: EventMix) -> np.ndarray:
    v = np.zeros(N_MIX, dtype=np.float64)
    v[M_PILEUP], v[M_PPV] = mix.pileup, mix.particles_per_vertex
    v[M_PTMIN], v[M_PTMAX], v[M_SPECTRUM] = mix.pt_min_gev, mix.pt_max_gev, SPECTRUM_CODE[mix.pt_spectrum]
    v[M_ETAMIN], v[M_ETAMAX], v[M_PHIMIN], v[M_PHIMAX] = mix.eta_min, mix.eta_max, mix.phi_min, mix.phi_max
    v[M_DIRECTION], v[M_SLMIN], v[M_SLMAX] = DIRECTION_CODE[mix.direction], mix.slope_min, mix.slope_max
    v[M_BX], v[M_BY], v[M_BZ] = mix.beam_x_mm, mix.beam_y_mm, mix.beam_z_mm
    v[M_SBX], v[M_SBY], v[M_SBZ] = mix.beam_sigma_x_mm, mix.beam_sigma_y_mm, mix.beam_sigma_z_mm
    v[M_CHARGE], v[M_MASS], v[M_FIELD] = mix.charge, mix.mass_gev, det.bz_tesla
    v[M_VPP] = 1.0 if mix.vertex_per_particle else 0.0
    return v


def _tsallis_inverse_cdf(mix: EventMix, n: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """Table (u, pT) of the inverse CDF of pT·(1+pT/(nT))^−n truncated to [pt_min, pt_max]."""
    a = mix.tsallis_n * mix.tsallis_t_gev
    nn = mix.tsallis_n
    pt = (
        np.geomspace(mix.pt_min_gev, mix.pt_max_gev, n)
        if mix.pt_max_gev > mix.pt_min_gev
        else np.full(n, mix.pt_min_gev)
    )
    u = 1.0 + pt / a
    tail = a * a * (u ** (2 - nn) / (nn - 2) - u ** (1 - nn) / (nn - 1))
    cdf = (tail[0] - tail) / max(tail[0] - tail[-1], 1e-300)
    return cdf, pt


# ------------------------------------------------------------------------------------------
# numba kernels
# ------------------------------------------------------------------------------------------
@nb.njit(cache=True)
def _draw_counts(mix: np.ndarray, ltab: np.ndarray, noise_counts: np.ndarray, st: np.ndarray) -> tuple[int, int]:
    """First draws of an event's stream: vertices, particles per vertex, noise per layer."""
    if mix[M_PILEUP] > 0.0:
        n_vtx = rng.poisson(st, mix[M_PILEUP])
    else:
        n_vtx = 1
    n_part = 0
    for _ in range(n_vtx):
        n_part += rng.poisson(st, mix[M_PPV])
    for lay in range(ltab.shape[0]):
        noise_counts[lay] = rng.poisson(st, ltab[lay, L_NOISE]) if ltab[lay, L_NOISE] > 0.0 else 0
    return n_vtx, n_part


@nb.njit(cache=True)
def _count_pass(
    states: np.ndarray, mix: np.ndarray, ltab: np.ndarray, n_particles: np.ndarray, hit_bound: np.ndarray
) -> None:
    n_layers = ltab.shape[0]
    noise = np.zeros(n_layers, dtype=np.int64)
    for i in range(states.shape[0]):
        st = states[i].copy()
        _, n_part = _draw_counts(mix, ltab, noise, st)
        n_particles[i] = n_part
        hit_bound[i] = n_part * n_layers + noise.sum()


@nb.njit(cache=True)
def _scatter(d: np.ndarray, theta0: float, st: np.ndarray) -> None:
    """Deflect unit vector ``d`` by two independent Gaussian projected angles of width θ0."""
    # basis perpendicular to d
    if abs(d[2]) < 0.9:
        e1x, e1y, e1z = d[1], -d[0], 0.0  # d × ẑ
    else:
        e1x, e1y, e1z = 0.0, d[2], -d[1]  # d × x̂
    n1 = math.sqrt(e1x * e1x + e1y * e1y + e1z * e1z)
    e1x, e1y, e1z = e1x / n1, e1y / n1, e1z / n1
    e2x = d[1] * e1z - d[2] * e1y
    e2y = d[2] * e1x - d[0] * e1z
    e2z = d[0] * e1y - d[1] * e1x
    t1 = rng.normal(st) * theta0
    t2 = rng.normal(st) * theta0
    # exact rotation by the polar angle θ = |(t1, t2)| towards (t1 e1 + t2 e2)
    th = math.hypot(t1, t2)
    if th == 0.0:
        return
    c, s = math.cos(th), math.sin(th)
    ux, uy, uz = (t1 * e1x + t2 * e2x) / th, (t1 * e1y + t2 * e2y) / th, (t1 * e1z + t2 * e2z) / th
    d[0], d[1], d[2] = c * d[0] + s * ux, c * d[1] + s * uy, c * d[2] + s * uz


@nb.njit(cache=True)
def _helix_step(pos: np.ndarray, d: np.ndarray, kappa: float, s_t: float) -> None:
    """Advance along the helix by transverse arc length ``s_t`` (mm); κ signed 1/mm (CCW > 0)."""
    dt = math.hypot(d[0], d[1])
    cot = d[2] / dt
    psi = math.atan2(d[1], d[0])
    if abs(kappa * s_t) < 1e-12:
        pos[0] += s_t * math.cos(psi)
        pos[1] += s_t * math.sin(psi)
    else:
        pos[0] += (math.sin(psi + kappa * s_t) - math.sin(psi)) / kappa
        pos[1] -= (math.cos(psi + kappa * s_t) - math.cos(psi)) / kappa
        psi += kappa * s_t
    pos[2] += s_t * cot
    d[0], d[1] = dt * math.cos(psi), dt * math.sin(psi)


@nb.njit(cache=True)
def _arc_to_radius(pos: np.ndarray, d: np.ndarray, kappa: float, radius: float) -> float:
    """Smallest positive transverse arc length to reach radius ``radius``; −1 if never."""
    dt = math.hypot(d[0], d[1])
    if dt < 1e-12:
        return -1.0
    ux, uy = d[0] / dt, d[1] / dt
    if abs(kappa) < 1e-15:
        b = pos[0] * ux + pos[1] * uy
        disc = b * b - (pos[0] ** 2 + pos[1] ** 2) + radius * radius
        if disc < 0.0:
            return -1.0
        s = -b + math.sqrt(disc)
        return s if s > 1e-9 else -1.0
    # circle of the helix: centre C, radius ρ; phase θ(s) = ψ + κ s
    cx, cy = pos[0] - uy / kappa, pos[1] + ux / kappa
    rho = 1.0 / abs(kappa)
    dc = math.hypot(cx, cy)
    if dc < 1e-12:
        return -1.0
    a = (radius * radius - rho * rho + dc * dc) / (2.0 * dc)
    h2 = radius * radius - a * a
    if h2 < 0.0:
        return -1.0
    h = math.sqrt(h2)
    psi = math.atan2(uy, ux)
    best = -1.0
    for sign in (-1.0, 1.0):
        px = (a * cx - sign * h * cy) / dc
        py = (a * cy + sign * h * cx) / dc
        # (X − C)·κ = (sin θ, −cos θ)
        theta = math.atan2(kappa * (px - cx), -kappa * (py - cy))
        dphase = theta - psi
        if kappa > 0.0:
            while dphase <= 0.0:
                dphase += 2.0 * math.pi
            while dphase > 2.0 * math.pi:
                dphase -= 2.0 * math.pi
        else:
            while dphase >= 0.0:
                dphase -= 2.0 * math.pi
            while dphase < -2.0 * math.pi:
                dphase += 2.0 * math.pi
        s = dphase / kappa
        if s > 1e-9 and (best < 0.0 or s < best):
            best = s
    return best


@nb.njit(cache=True)
def _sample_pt(mix: np.ndarray, cdf: np.ndarray, cdf_pt: np.ndarray, st: np.ndarray) -> float:
    code = int(mix[M_SPECTRUM])
    lo, hi = mix[M_PTMIN], mix[M_PTMAX]
    if code == 0:
        return rng.uniform_range(st, lo, hi)
    if code == 1:
        return 1.0 / rng.uniform_range(st, 1.0 / hi, 1.0 / lo)
    return np.interp(rng.uniform(st), cdf, cdf_pt)


@nb.njit(cache=True)
def _digitise(value: float, vmin: float, pitch: float, n: int) -> tuple[int, float]:
    ch = int(math.floor((value - vmin) / pitch))
    if ch < 0 or ch >= n:
        return -1, 0.0
    return ch, vmin + (ch + 0.5) * pitch


@nb.njit(cache=True)
def _simulate_event(
    state: np.ndarray,
    mix: np.ndarray,
    ltab: np.ndarray,
    is_cyl: bool,
    cdf: np.ndarray,
    cdf_pt: np.ndarray,
    h_layer: np.ndarray,
    h_pid: np.ndarray,
    h_a: np.ndarray,
    h_b: np.ndarray,
    h_c: np.ndarray,
    h_key: np.ndarray,
    p_out: np.ndarray,
    p_nhits: np.ndarray,
    p_nlayers: np.ndarray,
) -> int:
    """Simulate one event into the given slices; returns the number of hits written."""
    n_layers = ltab.shape[0]
    noise = np.zeros(n_layers, dtype=np.int64)
    bz = mix[M_FIELD]
    k_b = 0.3e-3 * bz  # 1/mm per GeV⁻¹
    pos = np.zeros(3)
    d = np.zeros(3)
    nh = 0
    ip = 0
    seen = np.zeros(n_layers, dtype=np.bool_)
    # the count draws, in the same order as _draw_counts (which sized the buffers)
    st = state.copy()
    n_vtx = rng.poisson(st, mix[M_PILEUP]) if mix[M_PILEUP] > 0.0 else 1
    counts_v = np.zeros(n_vtx, dtype=np.int64)
    for v in range(n_vtx):
        counts_v[v] = rng.poisson(st, mix[M_PPV])
    for lay in range(n_layers):
        noise[lay] = rng.poisson(st, ltab[lay, L_NOISE]) if ltab[lay, L_NOISE] > 0.0 else 0
    for v in range(n_vtx):
        vx = mix[M_BX] + mix[M_SBX] * rng.normal(st)
        vy = mix[M_BY] + mix[M_SBY] * rng.normal(st)
        vz = mix[M_BZ] + mix[M_SBZ] * rng.normal(st)
        for _ in range(counts_v[v]):
            if mix[M_VPP] > 0.0:  # independent particles (a test beam): each its own origin
                vx = mix[M_BX] + mix[M_SBX] * rng.normal(st)
                vy = mix[M_BY] + mix[M_SBY] * rng.normal(st)
                vz = mix[M_BZ] + mix[M_SBZ] * rng.normal(st)
            # kinematics at the vertex
            if mix[M_CHARGE] != 0.0:
                q = mix[M_CHARGE]
            else:
                q = 1.0 if rng.uniform(st) < 0.5 else -1.0
            pmag_or_pt = _sample_pt(mix, cdf, cdf_pt, st)
            if mix[M_DIRECTION] == 0.0:
                eta = rng.uniform_range(st, mix[M_ETAMIN], mix[M_ETAMAX])
                phi = rng.uniform_range(st, mix[M_PHIMIN], mix[M_PHIMAX])
                theta = 2.0 * math.atan(math.exp(-eta))
                d[0], d[1], d[2] = math.sin(theta) * math.cos(phi), math.sin(theta) * math.sin(phi), math.cos(theta)
                pt = pmag_or_pt
                p = pt * math.cosh(eta)
            else:
                tx = rng.uniform_range(st, mix[M_SLMIN], mix[M_SLMAX])
                ty = rng.uniform_range(st, mix[M_SLMIN], mix[M_SLMAX])
                nrm = math.sqrt(1.0 + tx * tx + ty * ty)
                d[0], d[1], d[2] = tx / nrm, ty / nrm, 1.0 / nrm
                p = pmag_or_pt
                pt = p * math.hypot(d[0], d[1])
                theta = math.acos(d[2])
                eta = -math.log(math.tan(theta / 2.0)) if theta > 0.0 else 1e9
                phi = math.atan2(d[1], d[0])
            row = p_out[ip]
            row[P_Q], row[P_PT], row[P_ETA], row[P_PHI], row[P_P] = q, pt, eta, phi, p
            row[P_TX] = d[0] / d[2] if d[2] != 0.0 else math.inf
            row[P_TY] = d[1] / d[2] if d[2] != 0.0 else math.inf
            row[P_VX], row[P_VY], row[P_VZ], row[P_VERTEX] = vx, vy, vz, v
            mass = mix[M_MASS]
            beta = p / math.sqrt(p * p + mass * mass)
            pos[0], pos[1], pos[2] = vx, vy, vz
            pid = ip + 1
            seen[:] = False
            nhits_p = 0
            # propagate layer by layer
            for jj in range(n_layers):
                if is_cyl:
                    lay = jj
                else:
                    lay = jj if d[2] >= 0.0 else n_layers - 1 - jj
                row_l = ltab[lay]
                dt = math.hypot(d[0], d[1])
                kappa = 0.0
                if bz != 0.0 and dt > 1e-12:
                    kappa = -q * k_b / (p * dt)
                if is_cyl:
                    radius = row_l[L_POS]
                    if math.hypot(pos[0], pos[1]) >= radius:
                        continue
                    s_t = _arc_to_radius(pos, d, kappa, radius)
                    if s_t < 0.0:
                        break  # looper: never reaches this radius nor any outer one
                    _helix_step(pos, d, kappa, s_t)
                    cos_inc = abs(pos[0] * d[0] + pos[1] * d[1]) / radius
                    phi_h = math.atan2(pos[1], pos[0])
                    inside = row_l[L_A_MIN] <= phi_h <= row_l[L_A_MAX] and row_l[L_B_MIN] <= pos[2] <= row_l[L_B_MAX]
                else:
                    zl = row_l[L_POS]
                    if d[2] == 0.0 or (zl - pos[2]) * d[2] <= 0.0:
                        continue
                    if kappa == 0.0:
                        t = (zl - pos[2]) / d[2]
                        pos[0] += t * d[0]
                        pos[1] += t * d[1]
                        pos[2] = zl
                    else:
                        _helix_step(pos, d, kappa, (zl - pos[2]) * dt / d[2])
                        pos[2] = zl
                    cos_inc = abs(d[2])
                    inside = (
                        row_l[L_A_MIN] <= pos[0] <= row_l[L_A_MAX]
                        and row_l[L_B_MIN] <= pos[1] <= row_l[L_B_MAX]
                        and not (abs(pos[0]) < row_l[L_HOLE] and abs(pos[1]) < row_l[L_HOLE])
                    )
                if not inside:
                    continue
                # hit: efficiency, smearing, digitisation
                if rng.uniform(st) < row_l[L_EFF]:
                    if is_cyl:
                        radius = row_l[L_POS]
                        phi_m = math.atan2(pos[1], pos[0]) + row_l[L_SMEAR] / radius * rng.normal(st)
                        if row_l[L_A_MAX] - row_l[L_A_MIN] >= FULL_TURN:  # a full ring: no edge at ±π
                            phi_m = row_l[L_A_MIN] + (phi_m - row_l[L_A_MIN]) % (2.0 * math.pi)
                        n_phi = int(math.ceil((row_l[L_A_MAX] - row_l[L_A_MIN]) / row_l[L_PITCH_A] - 1e-9))
                        n_z = int(round((row_l[L_B_MAX] - row_l[L_B_MIN]) / row_l[L_PITCH_B]))
                        ch_a, a_m = _digitise(phi_m, row_l[L_A_MIN], row_l[L_PITCH_A], n_phi)
                        ch_b, b_m = _digitise(pos[2], row_l[L_B_MIN], row_l[L_PITCH_B], n_z)
                        qopt_local = q / (p * math.hypot(d[0], d[1]))
                        bend = qopt_local + row_l[L_BEND_SIGMA] * rng.normal(st)
                        keep = ch_a >= 0 and ch_b >= 0
                        if row_l[L_STUB_CUT] > 0.0 and abs(bend) > row_l[L_STUB_CUT]:
                            keep = False
                        c_m = bend
                    else:
                        n_a = int(round((row_l[L_A_MAX] - row_l[L_A_MIN]) / row_l[L_PITCH_A]))
                        n_b = int(round((row_l[L_B_MAX] - row_l[L_B_MIN]) / row_l[L_PITCH_B]))
                        xm = pos[0] + row_l[L_SMEAR] * rng.normal(st)
                        ch_a, a_m = _digitise(xm, row_l[L_A_MIN], row_l[L_PITCH_A], n_a)
                        if row_l[L_2D] > 0.0:
                            ym = pos[1] + row_l[L_SMEAR] * rng.normal(st)
                            ch_b, b_m = _digitise(ym, row_l[L_B_MIN], row_l[L_PITCH_B], n_b)
                        else:
                            ch_b, b_m = 0, 0.0
                        keep = ch_a >= 0 and ch_b >= 0
                        # a pixel whose centre lies in the beam hole does not exist (the
                        # same rule as for noise hits and in events.validate_hits)
                        if row_l[L_2D] > 0.0 and abs(a_m) < row_l[L_HOLE] and abs(b_m) < row_l[L_HOLE]:
                            keep = False
                        c_m = 0.0
                    if keep:
                        h_layer[nh], h_pid[nh] = lay, pid
                        h_a[nh], h_b[nh], h_c[nh] = a_m, b_m, c_m
                        h_key[nh] = (lay << 42) | (ch_a << 21) | ch_b
                        nh += 1
                        nhits_p += 1
                        seen[lay] = True
                # material of the active layer
                x0 = row_l[L_X0]
                if x0 > 0.0 and cos_inc > 1e-6:
                    t = x0 / cos_inc
                    theta0 = (
                        13.6e-3
                        / (beta * p)
                        * abs(q)
                        * math.sqrt(t)
                        * (1.0 + 0.038 * math.log(t * q * q / (beta * beta)))
                    )
                    if theta0 > 0.0:
                        _scatter(d, theta0, st)
            p_nhits[ip] = nhits_p
            p_nlayers[ip] = seen.sum()
            ip += 1
    # noise hits, uniform over each layer's channels
    for lay in range(n_layers):
        row_l = ltab[lay]
        n_a = (
            int(math.ceil((row_l[L_A_MAX] - row_l[L_A_MIN]) / row_l[L_PITCH_A] - 1e-9))
            if is_cyl
            else int(round((row_l[L_A_MAX] - row_l[L_A_MIN]) / row_l[L_PITCH_A]))
        )
        n_b = int(round((row_l[L_B_MAX] - row_l[L_B_MIN]) / row_l[L_PITCH_B]))
        for _ in range(noise[lay]):
            while True:
                ch_a = rng.randint(st, n_a)
                ch_b = rng.randint(st, n_b) if (is_cyl or row_l[L_2D] > 0.0) else 0
                a_m = row_l[L_A_MIN] + (ch_a + 0.5) * row_l[L_PITCH_A]
                b_m = row_l[L_B_MIN] + (ch_b + 0.5) * row_l[L_PITCH_B] if (is_cyl or row_l[L_2D] > 0.0) else 0.0
                if is_cyl or not (abs(a_m) < row_l[L_HOLE] and abs(b_m) < row_l[L_HOLE]):
                    break
            c_m = 0.0
            if is_cyl:
                cut = row_l[L_STUB_CUT] if row_l[L_STUB_CUT] > 0.0 else 0.5
                c_m = rng.uniform_range(st, -cut, cut)
            h_layer[nh], h_pid[nh] = lay, 0
            h_a[nh], h_b[nh], h_c[nh] = a_m, b_m, c_m
            h_key[nh] = (lay << 42) | (ch_a << 21) | ch_b
            nh += 1
    # readout order: by layer, then channel (stable, so ties keep generation order)
    order = np.argsort(h_key[:nh], kind="mergesort")
    h_layer[:nh] = h_layer[:nh][order]
    h_pid[:nh] = h_pid[:nh][order]
    h_a[:nh] = h_a[:nh][order]
    h_b[:nh] = h_b[:nh][order]
    h_c[:nh] = h_c[:nh][order]
    h_key[:nh] = h_key[:nh][order]
    return nh


@nb.njit(parallel=True, cache=True)
def _fill_pass(
    states: np.ndarray,
    mix: np.ndarray,
    ltab: np.ndarray,
    is_cyl: bool,
    cdf: np.ndarray,
    cdf_pt: np.ndarray,
    hit_off: np.ndarray,
    part_off: np.ndarray,
    n_hits: np.ndarray,
    h_layer: np.ndarray,
    h_pid: np.ndarray,
    h_a: np.ndarray,
    h_b: np.ndarray,
    h_c: np.ndarray,
    h_key: np.ndarray,
    p_out: np.ndarray,
    p_nhits: np.ndarray,
    p_nlayers: np.ndarray,
) -> None:
    for i in nb.prange(states.shape[0]):
        h0, h1 = hit_off[i], hit_off[i + 1]
        p0, p1 = part_off[i], part_off[i + 1]
        n_hits[i] = _simulate_event(
            states[i],
            mix,
            ltab,
            is_cyl,
            cdf,
            cdf_pt,
            h_layer[h0:h1],
            h_pid[h0:h1],
            h_a[h0:h1],
            h_b[h0:h1],
            h_c[h0:h1],
            h_key[h0:h1],
            p_out[p0:p1],
            p_nhits[p0:p1],
            p_nlayers[p0:p1],
        )


@nb.njit(cache=True)
def _event_states(seed: np.uint64, first: np.uint64, n: int) -> np.ndarray:
    """One xoshiro256** state per event: stream = event number (see fasttrack.rng)."""
    out = np.zeros((n, 4), dtype=np.uint64)
    for i in range(n):
        rng.seed_state(out[i], seed, first + np.uint64(i))
    return out


def _generate_chunk(
    det: Detector, mix: EventMix, seed: int, first: int, n: int
) -> tuple[dict[str, np.ndarray], np.ndarray, dict[str, np.ndarray], np.ndarray]:
    ltab = _layer_table(det)
    mixv = _mix_vector(det, mix)
    cdf, cdf_pt = _tsallis_inverse_cdf(mix)
    states = _event_states(np.uint64(seed), np.uint64(first), n)
    n_particles = np.zeros(n, dtype=np.int64)
    bound = np.zeros(n, dtype=np.int64)
    _count_pass(states, mixv, ltab, n_particles, bound)
    hit_off = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(bound, out=hit_off[1:])
    part_off = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(n_particles, out=part_off[1:])
    nb_h, nb_p = int(hit_off[-1]), int(part_off[-1])
    h_layer = np.zeros(nb_h, dtype=np.int64)
    h_pid = np.zeros(nb_h, dtype=np.int64)
    h_a = np.zeros(nb_h)
    h_b = np.zeros(nb_h)
    h_c = np.zeros(nb_h)
    h_key = np.zeros(nb_h, dtype=np.int64)
    p_out = np.zeros((nb_p, N_PCOLS))
    p_nhits = np.zeros(nb_p, dtype=np.int64)
    p_nlayers = np.zeros(nb_p, dtype=np.int64)
    n_hits = np.zeros(n, dtype=np.int64)
    _fill_pass(
        states,
        mixv,
        ltab,
        det.kind == "cylinder",
        cdf,
        cdf_pt,
        hit_off,
        part_off,
        n_hits,
        h_layer,
        h_pid,
        h_a,
        h_b,
        h_c,
        h_key,
        p_out,
        p_nhits,
        p_nlayers,
    )
    # compact: keep the first n_hits[i] entries of each event's reserved slice
    local = np.arange(nb_h) - np.repeat(hit_off[:-1], bound)
    keep = local < np.repeat(n_hits, bound)
    hits: dict[str, np.ndarray] = {"layer": h_layer[keep], "particle_id": h_pid[keep]}
    if det.kind == "cylinder":
        hits |= {"phi": h_a[keep], "z": h_b[keep]}
        if det.measures_bend:
            hits["bend_qoverpt"] = h_c[keep]
    elif det.measures_y:
        hits |= {"x": h_a[keep], "y": h_b[keep]}
    else:
        hits |= {"x": h_a[keep]}
    parts = {
        "charge": p_out[:, P_Q],
        "pt_gev": p_out[:, P_PT],
        "eta": p_out[:, P_ETA],
        "phi": p_out[:, P_PHI],
        "p_gev": p_out[:, P_P],
        "tx": p_out[:, P_TX],
        "ty": p_out[:, P_TY],
        "vx_mm": p_out[:, P_VX],
        "vy_mm": p_out[:, P_VY],
        "vz_mm": p_out[:, P_VZ],
        "vertex": p_out[:, P_VERTEX],
        "n_hits": p_nhits,
        "n_layers": p_nlayers,
    }
    return hits, n_hits, parts, n_particles


def generate(
    detector: Detector,
    n_events: int,
    *,
    seed: int,
    first_event: int = 0,
    mix: EventMix | None = None,
    chunk_size: int = 2000,
    progress: bool | None = None,
    **mix_changes: float | int | str,
) -> Events:
    """Generate ``n_events`` events in ``detector``.

    Parameters
    ----------
    detector: the detector (e.g. :func:`fasttrack.detector.telescope`).
    n_events: number of events (0 is allowed).
    seed: random seed; events are a pure function of ``(seed, event number)``.
    first_event: number of the first event, to generate a sample in pieces; the events are
        numbered ``first_event, first_event + 1, ...`` (``Events.event_number``).
    mix: event content; defaults to ``detector.mix``.
    chunk_size: events per chunk (memory and progress-bar granularity; does not change
        the result).
    progress: show a progress bar (default: when more than one chunk).
    **mix_changes: overrides of :class:`~fasttrack.detector.EventMix` fields, e.g.
        ``pileup=140``, ``particles_per_vertex=1``, ``pt_min_gev=2``.

    Returns
    -------
    Events with per-event ``hits`` and ``particles`` (awkward arrays) and truth.
    """
    if n_events < 0:
        raise ValueError(f"n_events must be >= 0, got {n_events}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
    if not 0 <= seed < 2**63:
        raise ValueError(f"seed must be in [0, 2**63), got {seed}")
    if first_event < 0:
        raise ValueError(f"first_event must be >= 0, got {first_event}")
    _check_layers(detector)
    from dataclasses import replace

    mix = mix if mix is not None else detector.mix
    if mix_changes:
        mix = replace(mix, **mix_changes)  # type: ignore[arg-type]
    if mix.min_layers > detector.n_layers:
        raise ValueError(f"min_layers={mix.min_layers} exceeds the detector's {detector.n_layers} layers")
    starts = list(range(0, n_events, chunk_size))
    show = progress if progress is not None else len(starts) > 1
    chunks = []
    for start in progress_bar(starts, desc=f"generate {detector.name}", unit="chunk", disable=not show):
        n = min(chunk_size, n_events - start)
        chunks.append(_generate_chunk(detector, mix, seed, first_event + start, n))
    if chunks:
        hits = {k: np.concatenate([c[0][k] for c in chunks]) for k in chunks[0][0]}
        n_hits = np.concatenate([c[1] for c in chunks])
        parts = {k: np.concatenate([c[2][k] for c in chunks]) for k in chunks[0][2]}
        n_parts = np.concatenate([c[3] for c in chunks])
    else:
        dummy = _generate_chunk(detector, mix, seed, 0, 0)
        hits, n_hits, parts, n_parts = dummy
    return build_events(
        detector, hits, n_hits, parts, n_parts, min_layers=mix.min_layers, seed=seed, first_event=first_event
    )


def generate_file(
    detector: Detector,
    n_events: int,
    path: str | Path,
    *,
    seed: int,
    first_event: int = 0,
    mix: EventMix | None = None,
    chunk_events: int = 100_000,
    progress: bool | None = None,
    **mix_changes: float | int | str,
) -> Path:
    """Generate ``n_events`` events straight into a parquet file, ``chunk_events`` at a time.

    The file is the one :meth:`Events.save` writes for ``generate(detector, n_events, ...)``
    (the same events: they are a pure function of seed and event number), one row group
    per chunk, so memory follows the chunk and not the sample: what ``fasttrack generate``
    uses for large samples and :func:`fasttrack.streaming.evaluate_file` reads back.

    Example
    -------
    >>> from fasttrack import detector
    >>> from fasttrack.io.parquet import iter_parquet
    >>> p = generate_file(detector.telescope(), 30, "build/doctest/gen_file.parquet", seed=2, chunk_events=8)
    >>> [len(ev) for ev in iter_parquet(p, chunk_events=12)]
    [12, 12, 6]
    """
    from dataclasses import replace

    import pyarrow.parquet as pq

    if chunk_events < 1:
        raise ValueError(f"chunk_events must be >= 1, got {chunk_events}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    starts = list(range(0, max(n_events, 1), chunk_events))
    show = progress if progress is not None else len(starts) > 1
    if mix_changes:
        mix = replace(mix if mix is not None else detector.mix, **mix_changes)  # type: ignore[arg-type]
    writer = None
    try:
        for start in progress_bar(starts, desc=f"generate {detector.name} to file", unit="chunk", disable=not show):
            n = max(0, min(chunk_events, n_events - start))
            ev = generate(detector, n, seed=seed, first_event=first_event + start, mix=mix, progress=False)
            table = ev.to_arrow()
            if writer is None:  # the first chunk's metadata (first_event) is the file's
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table.replace_schema_metadata(writer.schema.metadata))
    finally:
        if writer is not None:
            writer.close()
    return path

"""Truth tracking: ideal pattern recognition followed by the truth fit.

Each reconstructable particle's hits (known from the truth) are fitted by
:func:`fasttrack.truthfit.fit`: an exact track model and a generalised least-squares fit
with the full covariance of the measurements (the measurement errors, multiple
scattering by the Highland formula as the generator simulates it, correlated between
layers, and on the barrel the transverse beam spot). So the errors it reports are right:
its pulls have unit width on every preset. This is not a trigger algorithm: it is the
reference that shows the best resolution the detector allows, against which the retina
and the Hough transform are judged (the role ACTS's "truth tracking" plays).

Parameters per detector (:func:`fasttrack.truthfit.param_names`): ``tx, x_ref_mm``
(telescope); ``u_mm, v_mm, tx, ty`` (velo: a free straight line, the finders' u, v and
the slopes); ``qoverpt, phi_t, z0_mm, cot_theta`` (barrel: the helix), each with its
error ``<param>_err``, and the fit's ``chi2`` and ``ndf``.

Example
-------
>>> from fasttrack import detector, generate, truthtrack
>>> ev = generate.generate(detector.telescope(), 5, seed=1)
>>> tracks = truthtrack.find(ev)
>>> sorted(tracks.fields)
['chi2', 'hit_ids', 'n_layers', 'ndf', 'particle_id', 'tx', 'tx_err', 'x_ref_mm', 'x_ref_mm_err']
"""

from __future__ import annotations

import awkward as ak
import numpy as np

from . import truthfit
from .events import Events
from .tables import lookup_pairs

__all__ = ["find", "particle_kinematics"]


def particle_kinematics(events: Events, event_index: np.ndarray, particle_id: np.ndarray) -> np.ndarray:
    """The rows ``(charge, p, direction (3), vertex (3))`` the truth fit's error model
    takes (:data:`fasttrack.truthfit.KINEMATICS`), of the particles ``(event_index,
    particle_id)``; NaN rows where the particles lack those fields."""
    out = np.full((len(particle_id), truthfit.N_KIN), np.nan)
    parts = events.particles
    if parts is None or not set(truthfit.KINEMATICS) <= set(parts.fields) or len(particle_id) == 0:
        return out
    counts = np.asarray(ak.num(parts, axis=1), dtype=np.int64)
    p_event = np.repeat(np.arange(len(counts)), counts)

    def col(name: str) -> np.ndarray:
        return np.asarray(ak.to_numpy(ak.flatten(parts[name])), dtype=np.float64)

    idx = lookup_pairs(p_event, col("particle_id").astype(np.int64), event_index, particle_id)
    found = idx >= 0
    i = idx[found]
    theta = 2.0 * np.arctan(np.exp(-col("eta")[i]))
    phi = col("phi")[i]
    out[found, truthfit.K_Q] = col("charge")[i]
    out[found, truthfit.K_P] = col("p_gev")[i]
    out[found, truthfit.K_DX] = np.sin(theta) * np.cos(phi)
    out[found, truthfit.K_DY] = np.sin(theta) * np.sin(phi)
    out[found, truthfit.K_DZ] = np.cos(theta)
    out[found, truthfit.K_VX] = col("vx_mm")[i]
    out[found, truthfit.K_VY] = col("vy_mm")[i]
    out[found, truthfit.K_VZ] = col("vz_mm")[i]
    return out


def find(events: Events, *, min_layers: int | None = None, scattering: bool = True) -> ak.Array:
    """Tracks ``N * var * {particle_id, hit_ids, n_layers, chi2, ndf, <params>, <params>_err}``.

    One track per particle with hits on at least ``min_layers`` distinct layers (default:
    the detector mix's ``min_layers``, i.e. the reconstructable particles), fitted by
    :func:`fasttrack.truthfit.fit`. ``scattering=False`` fits with the measurement errors
    alone (what the truth fit did before it knew multiple scattering: for comparison).
    """
    if events.particles is None:
        raise ValueError("truth tracking needs events with truth particles")
    det = events.detector
    min_layers = det.mix.min_layers if min_layers is None else min_layers
    names = truthfit.param_names(det)
    meas_names = truthfit.measurement_names(det)
    n_ev = len(events)
    offsets, cols = events.flat_hits()
    event_of_hit = np.repeat(np.arange(n_ev), np.diff(offsets))
    pid = cols["particle_id"].astype(np.int64)
    sel = pid > 0
    # group the particles' hits: sort by (event, particle, layer), keep readout order inside
    order = np.lexsort((cols["layer"][sel], pid[sel], event_of_hit[sel]))
    idx = np.flatnonzero(sel)[order]
    ev_h, pid_h = event_of_hit[idx], pid[idx]
    new = np.ones(len(idx), dtype=bool)
    new[1:] = (ev_h[1:] != ev_h[:-1]) | (pid_h[1:] != pid_h[:-1])
    starts = np.flatnonzero(new)
    counts_g = np.diff(np.append(starts, len(idx)))
    g_event, g_pid = ev_h[starts], pid_h[starts]
    # distinct layers per group
    lay_h = cols["layer"][idx].astype(np.int64)
    new_layer = new | np.append(False, lay_h[1:] != lay_h[:-1])
    n_layers = np.add.reduceat(new_layer.astype(np.int64), starts) if len(starts) else np.zeros(0, np.int64)
    keep = n_layers >= min_layers
    # the kept groups' hits, flat
    hit_keep = np.repeat(keep, counts_g)
    k_idx, k_lay, k_counts = idx[hit_keep], lay_h[hit_keep], counts_g[keep]
    meas = np.stack([cols[m][k_idx] for m in meas_names], axis=1) if len(k_idx) else np.zeros((0, len(meas_names)))
    kin = particle_kinematics(events, g_event[keep], g_pid[keep])
    result = truthfit.fit(det, np.append(0, np.cumsum(k_counts)), k_lay, meas, kin, scattering=scattering)
    hit_ids = cols["hit_id"][k_idx]
    hit_lists = ak.unflatten(hit_ids, k_counts) if len(k_counts) else ak.Array(np.zeros((0, 0), np.int32))
    fields = {
        "particle_id": g_pid[keep].astype(np.int64),
        "hit_ids": hit_lists,
        "n_layers": n_layers[keep].astype(np.int32),
        "chi2": result.chi2,
        "ndf": result.ndf.astype(np.int32),
    }
    errors = result.errors
    for k, name in enumerate(names):
        fields[name] = result.params[:, k]
        fields[f"{name}_err"] = errors[:, k]
    per_event = np.bincount(g_event[keep], minlength=n_ev).astype(np.int64)
    return ak.unflatten(ak.zip(fields, depth_limit=1), per_event)

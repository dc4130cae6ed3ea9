"""Truth tracking: ideal pattern recognition followed by the linear least-squares fit.

Each reconstructable particle's hits (known from the truth) are fitted with the
detector's linear track model (:mod:`fasttrack.trackmodel`). This is not a trigger
algorithm: it is the reference that shows the best resolution the detector and the
linear model allow, against which the retina and the Hough transform are judged (the
role ACTS's "truth tracking" plays).

Example
-------
>>> from fasttrack import detector, generate, truthtrack
>>> ev = generate.generate(detector.telescope(), 5, seed=1)
>>> tracks = truthtrack.find(ev)
>>> sorted(tracks.fields)
['chi2', 'hit_ids', 'n_layers', 'particle_id', 'tx', 'tx_err', 'x_ref_mm', 'x_ref_mm_err']
"""

from __future__ import annotations

import awkward as ak
import numpy as np

from . import trackmodel
from .events import Events

__all__ = ["find"]


def find(events: Events, *, min_layers: int | None = None) -> ak.Array:
    """Tracks ``N * var * {hit_ids, <params>, <params>_err, chi2, n_layers, particle_id}``.

    One track per particle with hits on at least ``min_layers`` distinct layers (default:
    the detector mix's ``min_layers``, i.e. the reconstructable particles).
    """
    if events.particles is None:
        raise ValueError("truth tracking needs events with truth particles")
    det = events.detector
    min_layers = det.mix.min_layers if min_layers is None else min_layers
    model = trackmodel.for_detector(det)
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
    group_off = np.append(starts, len(idx)).astype(np.int64)
    g_event, g_pid = ev_h[starts], pid_h[starts]
    # distinct layers per group
    lay_h = cols["layer"][idx].astype(np.int64)
    new_layer = new | np.append(False, lay_h[1:] != lay_h[:-1])
    n_layers = np.add.reduceat(new_layer.astype(np.int64), starts) if len(starts) else np.zeros(0, np.int64)
    keep = n_layers >= min_layers
    meas = (
        np.stack([cols[m][idx] for m in model.measurement_names], axis=1) if len(idx) else np.zeros((0, model.n_meas))
    )
    params, errors, chi2 = trackmodel.fit_groups(model, group_off, lay_h, meas)
    hit_ids_flat = cols["hit_id"][idx]
    counts_g = np.diff(group_off)
    hit_lists = ak.unflatten(hit_ids_flat, counts_g) if len(counts_g) else ak.Array(np.zeros((0, 0), np.int32))
    fields = {
        "particle_id": g_pid[keep].astype(np.int64),
        "hit_ids": hit_lists[keep],
        "n_layers": n_layers[keep].astype(np.int32),
        "chi2": chi2[keep],
    }
    for k, name in enumerate(model.param_names):
        fields[name] = params[keep, k]
        fields[f"{name}_err"] = errors[keep, k]
    per_event = np.bincount(g_event[keep], minlength=n_ev).astype(np.int64)
    return ak.unflatten(ak.zip(fields, depth_limit=1), per_event)

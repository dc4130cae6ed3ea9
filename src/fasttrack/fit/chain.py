"""Finder → fit: the fit of the hits a finder associated with each track.

:func:`fit_tracks` takes any tracks with ``hit_ids`` (the retina's, the Hough's, truth
tracks) and returns them with the fitted parameters in place of the finder's (which are
kept as ``seed_<name>``), the hits it fitted as ``hit_ids`` (the finder's list moves to
``finder_hit_ids``), their errors ``<name>_err``, the covariance ``cov``
(n_p × n_p per track), ``chi2``, ``ndof``, ``fit_ok`` and ``fit_mask`` (the layers fitted);
fixed mode adds the raw words ``<name>_hw`` and ``chi2_hw``. So
:func:`fasttrack.metrics.evaluate` measures the fitted parameters and their pulls.

Hits per layer: the fit takes one hit per layer. A finder that associates several on a
layer (the Hough's cells keep lists) gives up all but the one nearest to the finder's
track on that layer (the finder's linear model, :mod:`fasttrack.trackmodel`; squared
distance over the measured coordinates; the first in the track's list on ties); tracks
without finder parameters keep the first hit per layer. Tracks with hits on fewer than
``min_hits`` layers are not fitted (``fit_ok`` False, parameters NaN, χ² NaN).

Example
-------
>>> from fasttrack import detector, generate
>>> from fasttrack.fit import Chain
>>> from fasttrack.retina import Retina, RetinaConfig
>>> det = detector.telescope()
>>> chain = Chain(Retina(RetinaConfig.for_detector(det)))
>>> tracks = chain.find(generate.generate(det, 5, seed=1), mode="fixed")
>>> {"tx", "tx_err", "chi2", "ndof", "seed_tx"} <= set(tracks.fields)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import awkward as ak
import numpy as np

from ..events import Events
from ..finder import Mode
from ..fixed import FixedType
from ..tables import lookup_pairs
from ..trackmodel import for_detector
from .config import CHI2_FRAC, MEAS_BITS, PARAM_BITS, FitConfig
from .kernels import fit_fixed, fit_float

__all__ = ["Chain", "FitInputs", "fit_inputs", "fit_tracks", "pattern_index", "select"]


def _type(lsb: float, bits: int) -> FixedType:
    frac = -round(np.log2(lsb))
    return FixedType(bits, bits - frac, True, "RND", "SAT")


@dataclass(frozen=True, eq=False)
class FitInputs:
    """The kept hits of ``n`` tracks (one per layer, sorted by track then layer):
    ``hit_track``, ``hit_layer``, ``hit_id``, ``meas`` (float, (n_h, n_meas)) and ``meas_hw``
    (the fit's measurement words); per track ``seed``/``seed_hw`` (the q/pT seed, zeros off
    the barrel) and ``counts`` (tracks per event)."""

    hit_track: np.ndarray
    hit_layer: np.ndarray
    hit_id: np.ndarray
    meas: np.ndarray
    meas_hw: np.ndarray
    seed: np.ndarray
    seed_hw: np.ndarray
    counts: np.ndarray

    @property
    def n_tracks(self) -> int:
        return len(self.seed)

    def rows(self, alive: np.ndarray, min_hits: int) -> tuple[np.ndarray, ...]:
        """Kernel rows of the ``alive`` hits of tracks with at least ``min_hits`` of them:
        ``(ok, n_hits, mask, off, row_layer, row_meas, y, y_hw, first_hit)``; ``first_hit``
        (n,) is the index in the kept hits of each track's first row's hit."""
        n_t = self.n_tracks
        n_m = self.meas.shape[1]
        t, lay = self.hit_track[alive], self.hit_layer[alive]
        n_hits = np.bincount(t, minlength=n_t)
        mask = np.zeros(n_t, dtype=np.int64)
        np.bitwise_or.at(mask, t, np.left_shift(1, lay))
        ok = n_hits >= min_hits
        use = np.flatnonzero(alive)[ok[t]]
        hits_per = np.where(ok, n_hits, 0)
        off = np.zeros(n_t + 1, dtype=np.int64)
        np.cumsum(hits_per * n_m, out=off[1:])
        first = np.zeros(n_t + 1, dtype=np.int64)
        np.cumsum(hits_per, out=first[1:])
        return (
            ok,
            n_hits,
            mask,
            off,
            np.repeat(self.hit_layer[use], n_m),
            np.tile(np.arange(n_m), len(use)),
            self.meas[use].ravel(),
            self.meas_hw[use].ravel(),
            use,
            first[:-1],
        )


def fit_inputs(events: Events, tracks: ak.Array, config: FitConfig) -> FitInputs:
    """The kernels' inputs of ``tracks`` (one hit per layer: module docstring)."""
    cfg = config
    det = events.detector
    counts = np.asarray(ak.num(tracks, axis=1), dtype=np.int64)
    n_t = int(counts.sum())
    offsets, cols = events.flat_hits()
    h_ev = np.repeat(np.arange(len(events)), np.diff(offsets))
    flat = ak.flatten(tracks, axis=1)
    n_on = np.asarray(ak.num(flat.hit_ids, axis=1), dtype=np.int64) if n_t else np.zeros(0, np.int64)
    ids = np.asarray(ak.flatten(flat.hit_ids, axis=None), dtype=np.int64) if n_t else np.zeros(0, np.int64)
    t_of = np.repeat(np.arange(n_t), n_on)
    ev_of = np.repeat(np.repeat(np.arange(len(events)), counts), n_on)
    hidx = lookup_pairs(h_ev, cols["hit_id"].astype(np.int64), ev_of, ids)
    if (hidx < 0).any():
        raise ValueError("tracks: a hit_id is not a hit of its event")
    layer = cols["layer"][hidx].astype(np.int64)
    meas = np.stack([cols[m][hidx].astype(np.float64) for m in cfg.meas_names], axis=1).reshape(-1, cfg.n_meas)
    # distance to the finder's track on the hit's layer (0 when the tracks carry no seed)
    model = for_detector(det)
    dist = np.zeros(len(hidx))
    if n_t and set(model.param_names) <= set(flat.fields):
        a = np.asarray(flat[model.param_names[0]], np.float64)[t_of]
        b = np.asarray(flat[model.param_names[1]], np.float64)[t_of]
        pred = model.expected(layer, a, b)
        got = np.stack([cols[m][hidx].astype(np.float64) for m in model.measurement_names], axis=1)
        dist = np.sum((got - pred) ** 2, axis=1)
    # the kept hit per (track, layer): smallest distance, then first in the list
    order = np.lexsort((np.arange(len(hidx)), dist, layer, t_of))
    first = np.ones(len(order), dtype=bool)
    first[1:] = (t_of[order][1:] != t_of[order][:-1]) | (layer[order][1:] != layer[order][:-1])
    keep = order[first]  # sorted by (track, layer)
    meas_k = np.ascontiguousarray(meas[keep])
    meas_hw = np.zeros(meas_k.shape, dtype=np.int64)
    for m, lsb in enumerate(cfg.meas_lsb):
        meas_hw[:, m] = _type(lsb, MEAS_BITS).quantize(meas_k[:, m])
    seed = np.zeros(n_t)
    if cfg.helix and n_t and "qoverpt" in flat.fields:
        seed = np.nan_to_num(np.asarray(flat.qoverpt, np.float64))
    seed_hw = _type(cfg.param_lsb[0], PARAM_BITS).quantize(seed) if cfg.helix else np.zeros(n_t, np.int64)
    return FitInputs(t_of[keep], layer[keep], ids[keep], meas_k, meas_hw, seed, seed_hw, counts)


def pattern_index(cfg: FitConfig, ok: np.ndarray, mask: np.ndarray, bins: np.ndarray) -> np.ndarray:
    """Table index of the fitted tracks' patterns (0 for the others, which have no rows)."""
    pat = np.zeros(len(mask), dtype=np.int64)
    pat[ok] = cfg.tables.index(mask[ok], bins[ok])
    return pat


def fit_tracks(
    events: Events,
    tracks: ak.Array,
    config: FitConfig | None = None,
    mode: Mode = "fixed",
    *,
    hits: Literal["fitted", "finder"] = "fitted",
) -> ak.Array:
    """Fit ``tracks`` (``N * var * {hit_ids, ...}`` aligned with ``events``); see the module
    docstring for the fields added and the outlier rule. ``hits="fitted"``: a fitted track's
    ``hit_ids`` are the hits the fit kept (the finder's list moves to ``finder_hit_ids``);
    ``"finder"`` keeps the finder's list."""
    if mode not in ("float", "fixed"):
        raise ValueError(f"mode must be 'float' or 'fixed', got {mode!r}")
    cfg = FitConfig.for_detector(events.detector) if config is None else config
    if "hit_ids" not in tracks.fields:
        raise ValueError("fit_tracks needs tracks with 'hit_ids'")
    inp = fit_inputs(events, tracks, cfg)
    n_t = inp.n_tracks
    fixed = mode == "fixed"
    lsb = np.asarray(cfg.param_lsb)
    bins = cfg.qoverpt_bin(inp.seed_hw * cfg.param_lsb[0] if fixed else inp.seed)
    threshold = cfg.drop_hit_chi2 * cfg.n_meas
    thr_hw = int(np.floor(np.ldexp(threshold, CHI2_FRAC) + 0.5))
    alive = np.ones(len(inp.hit_track), dtype=bool)
    n_dropped = np.zeros(n_t, dtype=np.int64)
    for it in range(cfg.max_drops + 1):
        ok, n_hits, mask, off, row_layer, row_meas, y, y_hw, use, first = inp.rows(alive, cfg.min_hits)
        pat = pattern_index(cfg, ok, mask, bins)
        if fixed:
            p_hw, chi2_hw, worst, worst_c = fit_fixed(cfg, off, row_layer, row_meas, y_hw, pat, inp.seed_hw)
            drop = worst_c > thr_hw
        else:
            params, chi2, worst, worst_c = fit_float(cfg, off, row_layer, row_meas, y, pat, inp.seed)
            drop = worst_c > threshold
        drop &= ok & (n_hits > cfg.min_hits)
        if it == cfg.max_drops or not drop.any():
            break
        alive[use[first[drop] + worst[drop]]] = False
        n_dropped += drop
    tab = cfg.tables.arrays()
    if fixed:
        params = p_hw * lsb[None, :]
        chi2 = np.ldexp(chi2_hw.astype(np.float64), -CHI2_FRAC)
        cov = cfg.tables.cov_fixed(pat)
    else:
        cov = tab["cov"][pat]
    params = np.where(ok[:, None], params, np.nan)
    chi2 = np.where(ok, chi2, np.nan)
    cov = np.where(ok[:, None, None], cov, np.nan)
    ndof = np.where(ok, np.diff(off) - cfg.n_params, 0).astype(np.int32)
    fields: dict[str, Any] = {}
    flat = ak.flatten(tracks, axis=1)
    for f in tracks.fields:
        fields[f"seed_{f}" if f in cfg.param_names else f] = flat[f] if n_t else np.zeros(0)
    if hits == "fitted" and n_t:
        fields["finder_hit_ids"] = flat.hit_ids
        kept = ak.unflatten(inp.hit_id[use].astype(np.int32), np.diff(off) // cfg.n_meas)
        fields["hit_ids"] = ak.where(ok, kept, flat.hit_ids)
    err = np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
    for i, name in enumerate(cfg.param_names):
        fields[name] = params[:, i]
        fields[f"{name}_err"] = err[:, i]
        if fixed:
            fields[f"{name}_hw"] = p_hw[:, i]
    fields |= {
        "chi2": chi2,
        "ndof": ndof,
        "fit_ok": ok,
        "fit_mask": np.where(ok, mask, 0),
        "fit_pattern": np.where(ok, pat, -1),
        "n_dropped": n_dropped,
        "cov": ak.unflatten(cov.reshape(-1), np.full(n_t, cfg.n_params**2)),
    }
    if fixed:
        fields["chi2_hw"] = chi2_hw
    if not n_t:
        fields["hit_ids"] = ak.unflatten(np.zeros(0, np.int32), np.zeros(0, np.int64))
    return ak.unflatten(ak.zip(fields, depth_limit=1), inp.counts)


def select(tracks: ak.Array, max_chi2_ndof: float) -> ak.Array:
    """The fitted tracks with ``chi2 / ndof <= max_chi2_ndof`` (unfitted ones dropped)."""
    keep = tracks.fit_ok & (tracks.chi2 <= max_chi2_ndof * tracks.ndof)
    return tracks[keep]


class Chain:
    """A finder followed by the fit: ``Chain(finder, config).find(events, mode)``.

    ``finder`` is any reference finder (:class:`~fasttrack.retina.Retina`,
    :class:`~fasttrack.hough.Hough`); ``config`` defaults to the detector's
    :meth:`FitConfig.for_detector` on first use. ``max_chi2_ndof`` (optional) drops
    tracks above the cut (:func:`select`).
    """

    def __init__(self, finder: Any, config: FitConfig | None = None, *, max_chi2_ndof: float | None = None) -> None:
        self.finder = finder
        self.config = config
        self.max_chi2_ndof = max_chi2_ndof

    def run(self, events: Events, mode: Mode = "fixed") -> tuple[Any, ak.Array]:
        """``(finder output, fitted tracks)`` (both modes alike: finder and fit in ``mode``)."""
        out = self.finder.run(events, mode)
        if self.config is None:
            self.config = FitConfig.for_detector(events.detector)
        fitted = fit_tracks(events, out.tracks, self.config, mode)
        if self.max_chi2_ndof is not None:
            fitted = select(fitted, self.max_chi2_ndof)
        return out, fitted

    def find(self, events: Events, mode: Mode = "fixed") -> ak.Array:
        """The fitted tracks of every event."""
        return self.run(events, mode)[1]

"""Truth matching and tracking performance: efficiency, fake and duplicate rates, resolution.

Tracks
------
The output of any track finder is an awkward array ``N * var * {...}`` aligned with the
events (one list of tracks per event, ``len(tracks) == len(events)``) with optional fields

* ``hit_ids``: ``var * int``, the ``hit_id`` values of the event's hits on the track;
* track parameters named like the truth parameters of the particles (``tx, x_ref_mm`` |
  ``qoverpt, phi_t`` | ``u_mm, v_mm``, see :mod:`fasttrack.trackmodel`; also ``ty``,
  ``z0_mm``, ``cot_theta``, which the truth fit gives), optionally with their errors
  ``<param>_err``.

Matching
--------
* :func:`match_tracks_by_hits`: a track belongs to the particle owning at least
  ``min_fraction`` (default 70 %) of its hits. Noise hits (``particle_id`` 0) and hits
  without truth (−1) count in the denominator and never own a track. ``min_fraction``
  must exceed 0.5, so at most one particle qualifies. A track without hits is unmatched.
* :func:`match_tracks_by_params`: for outputs without hits. A track matches, among all
  particles of its event, the one minimising ``D² = Σ_p (Δp / window_p)²`` among those
  with ``|Δp| < window_p`` for every windowed parameter ``p`` (``Δp`` = track − truth;
  angles ``phi``/``phi_t`` wrapped into [−π, π)). Equal ``D²``: the first particle wins.

Counting (:func:`evaluate`)
---------------------------
* Every track is either *matched* to exactly one particle or a *fake*. A fake track never
  makes a particle found, even when it holds some of its hits (say 6 of 10).
* A particle is *found* when at least one track is matched to it. Of its tracks, the
  *best* one has the most hits of the particle (hit matching) or the smallest ``D²``
  (parameter matching); ties go to the first track of the event. Every other track
  matched to it is a *duplicate*. So ``tracks = fakes + duplicates + best tracks``.
* The *selected* particles are the reconstructable ones (``reconstructable`` field) with
  ``pt_gev >= pt_min_gev`` when that is given. Efficiency = found selected / selected.
  Tracks matched to particles outside the selection are neither fakes nor counted in the
  efficiency (``n_tracks_outside`` counts them); their duplicates still count in the
  duplicate rate.
* Fake rate = fakes / tracks; duplicate rate = duplicates / tracks (all particles);
  duplicates per matched particle = Σ (tracks − 1) over found *selected* particles /
  found selected particles.
* Resolution: residual ``Δp = track − truth`` of the best track of each found selected
  particle; pulls ``Δp / <param>_err`` where the track carries the error field.

Example
-------
>>> from fasttrack import detector, generate, metrics, truthtrack
>>> ev = generate.generate(detector.telescope(), 100, seed=1)
>>> tracks = truthtrack.find(ev)  # ideal pattern recognition + the truth fit
>>> perf = metrics.evaluate(ev, tracks)
>>> perf.efficiency, perf.fake_rate, perf.duplicate_rate
(1.0, 0.0, 0.0)
>>> round(perf.resolution["x_ref_mm"].width68, 3)  # doctest: +SKIP
0.02
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import awkward as ak
import numba as nb
import numpy as np

from .events import Events
from .tables import lookup_pairs

__all__ = [
    "ParameterResolution",
    "TrackingPerformance",
    "evaluate",
    "match_tracks_by_hits",
    "match_tracks_by_params",
    "wilson_interval",
]

#: truth parameters that tracks may carry, in display order (see :mod:`fasttrack.trackmodel`)
TRUTH_PARAMS = ("tx", "x_ref_mm", "u_mm", "v_mm", "ty", "qoverpt", "phi_t", "z0_mm", "cot_theta")
#: parameters that are angles: differences are wrapped into [−π, π)
ANGLE_PARAMS = frozenset({"phi", "phi_t"})
#: per-particle quantities kept for efficiency curves (when the particles carry them)
PARTICLE_VARIABLES = ("pt_gev", "eta", "phi", "n_layers")
#: the central 68.27 % (±1σ of a Gaussian)
_Q_LOW, _Q_HIGH = 0.158655253931457, 0.841344746068543
_FRACTION_TOL = 1e-9


# ------------------------------------------------------------------------------------------
# small helpers
# ------------------------------------------------------------------------------------------
def wilson_interval(k: np.ndarray | int, n: np.ndarray | int, z: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval (lower, upper) of a binomial fraction ``k / n``.

    ``z = 1`` gives the 68.27 % interval. ``n = 0`` gives NaN bounds.

    >>> lo, hi = wilson_interval(10, 10)
    >>> float(hi), round(float(lo), 4)
    (1.0, 0.9091)
    """
    k_arr = np.asarray(k, dtype=np.float64)
    n_arr = np.asarray(n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k_arr / n_arr
        z2 = z * z
        denom = 1.0 + z2 / n_arr
        centre = (p + z2 / (2.0 * n_arr)) / denom
        half = z / denom * np.sqrt(p * (1.0 - p) / n_arr + z2 / (4.0 * n_arr * n_arr))
        # exact bounds at k = 0 and k = n (the formula gives them up to rounding)
        lo = np.where(k_arr <= 0, 0.0, np.clip(centre - half, 0.0, 1.0))
        hi = np.where(k_arr >= n_arr, 1.0, np.clip(centre + half, 0.0, 1.0))
        lo = np.where(n_arr > 0, lo, np.nan)
        hi = np.where(n_arr > 0, hi, np.nan)
    return lo, hi


def _ratio(k: int | float, n: int | float) -> float:
    return float(k) / float(n) if n else math.nan


def _wrap(d: np.ndarray) -> np.ndarray:
    return (d + np.pi) % (2.0 * np.pi) - np.pi


def _flat(arr: ak.Array, name: str, what: str, dtype: type | None = None) -> np.ndarray:
    """Flat numpy column ``name`` of a ``N * var * {...}`` array (empty when no entries)."""
    total = int(ak.sum(ak.num(arr, axis=1))) if len(arr) else 0
    if total == 0:
        return np.empty(0, dtype=dtype or np.float64)
    if name not in arr.fields:
        raise ValueError(f"{what} have no field {name!r} (fields: {list(arr.fields)})")
    flat = ak.flatten(arr[name], axis=1)
    if dtype is np.float64:
        flat = ak.fill_none(flat, np.nan)
    try:
        col = np.asarray(ak.to_numpy(flat))
    except (ValueError, TypeError) as err:
        raise ValueError(f"{what}: field {name!r} is not a flat column ({flat.type})") from err
    if col.ndim != 1:
        raise ValueError(f"{what}: field {name!r} must hold one number per entry, got {flat.type}")
    return col.astype(dtype) if dtype is not None else col


def _counts(arr: ak.Array) -> np.ndarray:
    if len(arr) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.asarray(ak.num(arr, axis=1), dtype=np.int64)


def _as_tracks(events: Events, tracks: Any) -> ak.Array:
    if not isinstance(tracks, ak.Array):
        tracks = ak.Array(tracks)
    if len(tracks) != len(events):
        raise ValueError(
            f"tracks hold {len(tracks)} events but the sample has {len(events)}: "
            "give one (possibly empty) list of tracks per event"
        )
    if len(tracks) and tracks.ndim != 2:
        raise ValueError(f"tracks must be N * var * {{...}} (one list of tracks per event), got type {tracks.type}")
    return tracks


def _require_particles(events: Events) -> ak.Array:
    if events.particles is None:
        raise ValueError(
            "events carry no truth particles: performance needs generated events "
            "(or events loaded with their particles)"
        )
    return events.particles


def _lookup(ev_a: np.ndarray, id_a: np.ndarray, ev_b: np.ndarray, id_b: np.ndarray) -> np.ndarray:
    """Index into ``a`` of each ``(ev_b, id_b)`` pair, −1 where ``a`` has no such pair
    (any int64 ids: :func:`fasttrack.tables.lookup_pairs`)."""
    return lookup_pairs(ev_a, id_a, ev_b, id_b)


# ------------------------------------------------------------------------------------------
# matching by hits
# ------------------------------------------------------------------------------------------
def _check_fraction(min_fraction: float) -> None:
    if not 0.5 < min_fraction <= 1.0:
        raise ValueError(
            f"min_fraction must be in (0.5, 1] so that at most one particle owns a track, got {min_fraction}"
        )


def _match_hits_flat(
    events: Events, tracks: ak.Array, min_fraction: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per flat track: (matched particle id or 0, its hits on the track, hits on the track)."""
    _check_fraction(min_fraction)
    n_ev = len(events)
    trk_counts = _counts(tracks)
    n_trk = int(trk_counts.sum())
    trk_off = np.concatenate([[0], np.cumsum(trk_counts)])
    if n_trk == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z, z
    if "hit_ids" not in tracks.fields:
        raise ValueError(
            f"tracks have no field 'hit_ids' (fields: {list(tracks.fields)}): "
            "match by parameters instead (match='params', windows=...)"
        )
    hit_ids = tracks["hit_ids"]
    if hit_ids.ndim != 3:
        raise ValueError(f"tracks: 'hit_ids' must be a list of ints per track, got {hit_ids.type}")
    n_on = np.asarray(ak.flatten(ak.num(hit_ids, axis=2), axis=1), dtype=np.int64)
    ids = np.asarray(ak.to_numpy(ak.flatten(hit_ids, axis=None)))
    if ids.size and ids.dtype.kind not in "iu":
        raise ValueError(f"tracks: 'hit_ids' must be integers, got dtype {ids.dtype}")
    ids = ids.astype(np.int64)
    trk_ev = np.repeat(np.arange(n_ev), trk_counts)
    trk_of = np.repeat(np.arange(n_trk), n_on)
    ev_of = trk_ev[trk_of]
    hit_ev = np.repeat(np.arange(n_ev), events.n_hits)
    hit_id = _flat(events.hits, "hit_id", "hits", np.int64)
    hit_pid = _flat(events.hits, "particle_id", "hits", np.int64)
    gh = _lookup(hit_ev, hit_id, ev_of, ids)
    if (gh < 0).any():
        i = int(np.argmax(gh < 0))
        t, e = int(trk_of[i]), int(ev_of[i])
        raise ValueError(
            f"event {int(events.event_number[e])}, track {t - int(trk_off[e])}: hit_id {int(ids[i])} is not a "
            f"hit of the event ({int(events.n_hits[e])} hits)"
        )
    order = np.lexsort((gh, trk_of))
    dup = (np.diff(gh[order]) == 0) & (np.diff(trk_of[order]) == 0)
    if dup.any():
        i = int(order[int(np.argmax(dup))])
        t, e = int(trk_of[i]), int(ev_of[i])
        raise ValueError(
            f"event {int(events.event_number[e])}, track {t - int(trk_off[e])}: hit_id {int(ids[i])} is listed "
            "twice on the track"
        )
    pid = hit_pid[gh]
    # runs of equal (track, particle id): at most one run per track can reach > 50 %
    order = np.lexsort((pid, trk_of))
    s_t, s_p = trk_of[order], pid[order]
    new = np.ones(len(s_t), dtype=bool)
    new[1:] = (s_t[1:] != s_t[:-1]) | (s_p[1:] != s_p[:-1])
    starts = np.flatnonzero(new)
    lengths = np.diff(np.append(starts, len(s_t)))
    run_t, run_p = s_t[starts], s_p[starts]
    ok = (run_p > 0) & (lengths >= min_fraction * n_on[run_t] - _FRACTION_TOL)
    matched = np.zeros(n_trk, dtype=np.int64)
    count = np.zeros(n_trk, dtype=np.int64)
    matched[run_t[ok]] = run_p[ok]
    count[run_t[ok]] = lengths[ok]
    return matched, count, n_on


def match_tracks_by_hits(events: Events, tracks: ak.Array, min_fraction: float = 0.7) -> ak.Array:
    """The particle each track belongs to, by its hits (0: none), aligned with ``tracks``.

    A track belongs to the particle owning at least ``min_fraction`` of its hits (compared
    with a 1e-9 tolerance, so 7 of 10 hits pass 0.7). Noise hits and hits without truth
    count in the denominator. ``min_fraction`` must be in (0.5, 1], so ties cannot occur.
    Tracks without hits belong to no particle.

    Raises ``ValueError`` naming the event and track when a ``hit_id`` is not a hit of the
    event or appears twice on one track.

    Example
    -------
    >>> import awkward as ak
    >>> from fasttrack import detector
    >>> from fasttrack.events import Events
    >>> hits = ak.Array([[{"layer": l, "x": 0.0, "particle_id": 1 if l < 7 else 0}
    ...                   for l in range(8)]])
    >>> ev = Events.from_hits(detector.telescope(), hits)
    >>> match_tracks_by_hits(ev, ak.Array([[{"hit_ids": list(range(8))},
    ...                                     {"hit_ids": [0, 7]}]])).tolist()
    [[1, 0]]
    """
    tracks = _as_tracks(events, tracks)
    matched, _, _ = _match_hits_flat(events, tracks, min_fraction)
    return ak.unflatten(matched, _counts(tracks))


# ------------------------------------------------------------------------------------------
# matching by parameters
# ------------------------------------------------------------------------------------------
@nb.njit(cache=True)
def _match_params_kernel(
    trk_off: np.ndarray,
    part_off: np.ndarray,
    tv: np.ndarray,
    pv: np.ndarray,
    win: np.ndarray,
    wrap: np.ndarray,
    out_idx: np.ndarray,
    out_d2: np.ndarray,
) -> None:
    two_pi = 2.0 * math.pi
    k = win.shape[0]
    for e in range(trk_off.shape[0] - 1):
        for t in range(trk_off[e], trk_off[e + 1]):
            best = -1
            best_d2 = math.inf
            for p in range(part_off[e], part_off[e + 1]):
                d2 = 0.0
                inside = True
                for j in range(k):
                    d = tv[t, j] - pv[p, j]
                    if wrap[j]:
                        d = d - two_pi * math.floor(d / two_pi + 0.5)
                    if not abs(d) < win[j]:  # NaN fails too
                        inside = False
                        break
                    r = d / win[j]
                    d2 += r * r
                if inside and d2 < best_d2:
                    best = p
                    best_d2 = d2
            out_idx[t] = best
            out_d2[t] = best_d2 if best >= 0 else math.nan


def _check_windows(windows: Mapping[str, float] | None) -> dict[str, float]:
    if not windows:
        raise ValueError("parameter matching needs windows, e.g. {'x_ref_mm': 1.0, 'tx': 0.002}")
    out: dict[str, float] = {}
    for name, w in windows.items():
        w = float(w)
        if not (math.isfinite(w) and w > 0.0):
            raise ValueError(f"window for {name!r} must be finite and > 0, got {w}")
        out[str(name)] = w
    return out


def _match_params_flat(
    events: Events, tracks: ak.Array, windows: Mapping[str, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per flat track: (matched particle id or 0, flat particle index or −1, D² or NaN)."""
    win = _check_windows(windows)
    parts = _require_particles(events)
    trk_counts = _counts(tracks)
    part_counts = events.n_particles.astype(np.int64)
    n_trk = int(trk_counts.sum())
    names = list(win)
    tv = np.zeros((n_trk, len(names)))
    pv = np.zeros((int(part_counts.sum()), len(names)))
    for j, name in enumerate(names):
        tv[:, j] = _flat(tracks, name, "tracks", np.float64)
        pv[:, j] = _flat(parts, name, "particles", np.float64)
    idx = np.full(n_trk, -1, dtype=np.int64)
    d2 = np.full(n_trk, np.nan)
    _match_params_kernel(
        np.concatenate([[0], np.cumsum(trk_counts)]),
        np.concatenate([[0], np.cumsum(part_counts)]),
        tv,
        pv,
        np.array([win[n] for n in names]),
        np.array([n in ANGLE_PARAMS for n in names]),
        idx,
        d2,
    )
    ppid = _flat(parts, "particle_id", "particles", np.int64)
    matched = np.where(idx >= 0, ppid[np.maximum(idx, 0)] if len(ppid) else 0, 0).astype(np.int64)
    return matched, idx, d2


def match_tracks_by_params(events: Events, tracks: ak.Array, windows: Mapping[str, float]) -> ak.Array:
    """The particle each track matches by its parameters (0: none), aligned with ``tracks``.

    Among all particles of the track's event, those with ``|Δp| < windows[p]`` for every
    parameter ``p`` in ``windows`` (``Δp`` = track − truth; ``phi``/``phi_t`` wrapped into
    [−π, π)) are candidates; the match is the candidate with the smallest normalised
    distance ``D² = Σ_p (Δp / windows[p])²`` (the first one on equal ``D²``). Several
    tracks may match one particle (duplicates). NaN parameters match nothing.

    Example
    -------
    >>> import awkward as ak
    >>> from fasttrack import detector, generate
    >>> ev = generate.generate(detector.telescope(), 1, seed=3)
    >>> p = ev.particles[0]
    >>> tracks = ak.Array([[{"x_ref_mm": float(p.x_ref_mm[0]) + 0.05, "tx": float(p.tx[0])}]])
    >>> match_tracks_by_params(ev, tracks, {"x_ref_mm": 0.5, "tx": 1e-3}).tolist()
    [[1]]
    """
    tracks = _as_tracks(events, tracks)
    matched, _, _ = _match_params_flat(events, tracks, windows)
    return ak.unflatten(matched, _counts(tracks))


# ------------------------------------------------------------------------------------------
# performance
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ParameterResolution:
    """Residual and pull statistics of one parameter (finite values only).

    ``std`` is the population standard deviation (ddof = 0); ``width68`` is half the width
    of the central 68.27 % of the residuals (the σ of a Gaussian, robust against tails).
    Pull fields are NaN with ``pull_n = 0`` when the tracks carry no ``<param>_err``.
    """

    param: str
    n: int
    mean: float
    std: float
    width68: float
    pull_n: int = 0
    pull_mean: float = math.nan
    pull_std: float = math.nan

    @classmethod
    def from_arrays(cls, param: str, residuals: np.ndarray, pulls: np.ndarray | None = None) -> ParameterResolution:
        """Statistics of the finite entries of ``residuals`` (and ``pulls``)."""
        r = residuals[np.isfinite(residuals)]
        mean = std = w68 = math.nan
        if len(r):
            mean, std = float(r.mean()), float(r.std())
            q_lo, q_hi = np.quantile(r, [_Q_LOW, _Q_HIGH])
            w68 = 0.5 * float(q_hi - q_lo)
        pull_n, pull_mean, pull_std = 0, math.nan, math.nan
        if pulls is not None:
            pl = pulls[np.isfinite(pulls)]
            pull_n = len(pl)
            if pull_n:
                pull_mean, pull_std = float(pl.mean()), float(pl.std())
        return cls(param, len(r), mean, std, w68, pull_n, pull_mean, pull_std)


def _json_float(x: float) -> float | None:
    return None if not math.isfinite(x) else float(x)


def _json_value(v: Any) -> Any:
    if isinstance(v, float):
        return _json_float(v)
    if isinstance(v, np.ndarray):
        if v.dtype.kind == "f":
            return [None if not math.isfinite(x) else x for x in v.tolist()]
        return v.tolist()
    if isinstance(v, Mapping):
        return {str(k): _json_value(x) for k, x in v.items()}
    return v


@dataclass(frozen=True, eq=False)
class TrackingPerformance:
    """Tracking performance of one sample (see the module docstring for the definitions).

    Attributes
    ----------
    match: ``"hits"`` or ``"params"``; min_fraction, windows, pt_min_gev: its settings.
    n_events, n_tracks: sample size.
    n_particles: selected particles (reconstructable, ``pt_gev >= pt_min_gev``).
    n_matched_particles: selected particles with at least one matched track.
    n_fake_tracks: tracks matched to no particle.
    n_duplicate_tracks: tracks matched to a particle that has a better track.
    n_tracks_outside: tracks (best or duplicate) matched to particles outside the selection.
    resolution: per parameter, :class:`ParameterResolution`.
    particles: per selected particle: ``event`` (its event number, a label:
        :attr:`fasttrack.events.Events.event_number`), ``particle_id``,
        ``pt_gev``, ``eta``, ``phi``, ``n_layers`` (those the particles carry), ``matched``
        (bool) and ``n_tracks`` (tracks matched to it).
    residuals, pulls: per parameter, one entry per matched selected particle, in the order
        of ``particles`` restricted to ``matched`` (pulls NaN where the error is missing).

    Example
    -------
    >>> perf = evaluate(ev, tracks)  # doctest: +SKIP
    >>> print(perf.table())  # doctest: +SKIP
    >>> edges, eff, lo, hi = perf.efficiency_vs("pt_gev", 10)  # doctest: +SKIP
    """

    match: Literal["hits", "params"]
    min_fraction: float | None
    windows: Mapping[str, float] | None
    pt_min_gev: float | None
    n_events: int
    n_tracks: int
    n_particles: int
    n_matched_particles: int
    n_fake_tracks: int
    n_duplicate_tracks: int
    n_tracks_outside: int
    resolution: Mapping[str, ParameterResolution] = field(default_factory=dict)
    particles: Mapping[str, np.ndarray] = field(default_factory=dict)
    residuals: Mapping[str, np.ndarray] = field(default_factory=dict)
    pulls: Mapping[str, np.ndarray] = field(default_factory=dict)

    # --- derived rates --------------------------------------------------------------------
    @property
    def efficiency(self) -> float:
        """Matched selected / selected particles (NaN without selected particles)."""
        return _ratio(self.n_matched_particles, self.n_particles)

    @property
    def efficiency_interval(self) -> tuple[float, float]:
        """Wilson 68 % interval (lower, upper) of the efficiency (NaN without particles)."""
        lo, hi = wilson_interval(self.n_matched_particles, self.n_particles)
        return float(lo), float(hi)

    @property
    def fake_rate(self) -> float:
        """Fake tracks / tracks (NaN without tracks)."""
        return _ratio(self.n_fake_tracks, self.n_tracks)

    @property
    def duplicate_rate(self) -> float:
        """Duplicate tracks / tracks (NaN without tracks)."""
        return _ratio(self.n_duplicate_tracks, self.n_tracks)

    @property
    def duplicates_per_matched_particle(self) -> float:
        """Mean number of extra tracks per matched selected particle (NaN without any)."""
        n = self.particles.get("n_tracks", np.zeros(0, dtype=np.int64))
        extra = int(np.sum(np.maximum(n - 1, 0)))
        return _ratio(extra, self.n_matched_particles)

    # --- efficiency curves ----------------------------------------------------------------
    def efficiency_vs(
        self, variable: str, bins: int | Sequence[float] | np.ndarray = 10
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Efficiency in bins of a per-particle variable, with Wilson 68 % errors.

        ``bins`` is a number of equal bins over the variable's range among the selected
        particles or an increasing array of edges (values outside are left out; the last
        bin includes its upper edge). Returns ``(edges, efficiency, lower_error,
        upper_error)``; empty bins give NaN.

        >>> edges, eff, lo, hi = perf.efficiency_vs("pt_gev", [0, 2, 5, 100])  # doctest: +SKIP
        """
        if variable not in self.particles or variable in ("event", "particle_id", "matched"):
            have = [k for k in self.particles if k not in ("event", "particle_id", "matched")]
            raise ValueError(f"no per-particle variable {variable!r}; available: {have}")
        values = np.asarray(self.particles[variable], dtype=np.float64)
        matched = np.asarray(self.particles["matched"], dtype=bool)
        if isinstance(bins, (int, np.integer)):
            if bins < 1:
                raise ValueError(f"bins must be >= 1, got {bins}")
            finite = values[np.isfinite(values)]
            lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
            if hi <= lo:
                lo, hi = lo - 0.5, hi + 0.5
            edges = np.linspace(lo, hi, int(bins) + 1)
        else:
            edges = np.asarray(bins, dtype=np.float64)
            if edges.ndim != 1 or len(edges) < 2 or np.any(np.diff(edges) <= 0):
                raise ValueError("bin edges must be a 1D increasing array of at least 2 values")
        total, _ = np.histogram(values, bins=edges)
        passed, _ = np.histogram(values[matched], bins=edges)
        with np.errstate(divide="ignore", invalid="ignore"):
            eff = np.where(total > 0, passed / np.maximum(total, 1), np.nan)
        lo_b, hi_b = wilson_interval(passed, total)
        return edges, eff, eff - lo_b, hi_b - eff

    # --- output ---------------------------------------------------------------------------
    def to_dict(self, *, include_arrays: bool = False) -> dict[str, Any]:
        """JSON-safe summary (ints, floats, lists; NaN becomes ``None``).

        With ``include_arrays`` the per-particle, residual and pull arrays are added as lists.
        """
        lo, hi = self.efficiency_interval
        out: dict[str, Any] = {
            "match": self.match,
            "min_fraction": self.min_fraction,
            "windows": dict(self.windows) if self.windows is not None else None,
            "pt_min_gev": self.pt_min_gev,
            "n_events": self.n_events,
            "n_tracks": self.n_tracks,
            "n_particles": self.n_particles,
            "n_matched_particles": self.n_matched_particles,
            "n_fake_tracks": self.n_fake_tracks,
            "n_duplicate_tracks": self.n_duplicate_tracks,
            "n_tracks_outside": self.n_tracks_outside,
            "efficiency": self.efficiency,
            "efficiency_low": lo,
            "efficiency_high": hi,
            "fake_rate": self.fake_rate,
            "duplicate_rate": self.duplicate_rate,
            "duplicates_per_matched_particle": self.duplicates_per_matched_particle,
            "resolution": {
                p: {
                    "n": r.n,
                    "mean": r.mean,
                    "std": r.std,
                    "width68": r.width68,
                    "pull_n": r.pull_n,
                    "pull_mean": r.pull_mean,
                    "pull_std": r.pull_std,
                }
                for p, r in self.resolution.items()
            },
        }
        if include_arrays:
            out["particles"] = dict(self.particles)
            out["residuals"] = dict(self.residuals)
            out["pulls"] = dict(self.pulls)
        return {k: _json_value(v) for k, v in out.items()}

    def to_json(self, *, include_arrays: bool = False, indent: int | None = 2) -> str:
        """:meth:`to_dict` as strict JSON text."""
        return json.dumps(self.to_dict(include_arrays=include_arrays), indent=indent, allow_nan=False)

    def table(self) -> str:
        """A readable, aligned text table of the counts, rates and resolutions."""
        setting = (
            f"min_fraction {self.min_fraction:g}"
            if self.match == "hits"
            else "windows " + ", ".join(f"{k} {v:g}" for k, v in (self.windows or {}).items())
        )
        sel = "reconstructable" + (f", pT >= {self.pt_min_gev:g} GeV" if self.pt_min_gev is not None else "")
        lo, hi = self.efficiency_interval
        eff = self.efficiency
        err = f" (-{eff - lo:.4f} +{hi - eff:.4f}, 68% Wilson)" if math.isfinite(eff) else ""
        rows = [
            ("events", f"{self.n_events:d}"),
            ("tracks", f"{self.n_tracks:d}"),
            (f"particles ({sel})", f"{self.n_particles:d}"),
            ("matched particles", f"{self.n_matched_particles:d}"),
            ("efficiency", f"{eff:.4f}{err}"),
            ("fake rate", f"{self.fake_rate:.4f} ({self.n_fake_tracks} tracks)"),
            ("duplicate rate", f"{self.duplicate_rate:.4f} ({self.n_duplicate_tracks} tracks)"),
            ("duplicates per matched particle", f"{self.duplicates_per_matched_particle:.4f}"),
            ("tracks on unselected particles", f"{self.n_tracks_outside:d}"),
        ]
        width = max(len(r[0]) for r in rows)
        lines = [f"tracking performance (match by {self.match}, {setting})"]
        lines += [f"  {name:<{width}}  {value}" for name, value in rows]
        if self.resolution:
            head = ("parameter", "n", "mean", "std", "width68", "pull mean", "pull std")
            body = [
                (
                    p,
                    f"{r.n:d}",
                    f"{r.mean:.4g}",
                    f"{r.std:.4g}",
                    f"{r.width68:.4g}",
                    f"{r.pull_mean:.4g}",
                    f"{r.pull_std:.4g}",
                )
                for p, r in self.resolution.items()
            ]
            cols = list(zip(head, *body, strict=True))
            widths = [max(len(c) for c in col) for col in cols]
            lines.append("  resolution (best track - truth):")
            for row in (head, *body):
                cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
                lines.append("    " + "  ".join(cells))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()


def _default_params(events: Events, tracks: ak.Array, parts: ak.Array) -> list[str]:
    names: list[str] = []
    try:
        from .trackmodel import for_detector

        names = list(for_detector(events.detector).param_names)
    except ValueError:  # a custom detector without a linear model
        pass
    names += [p for p in TRUTH_PARAMS if p not in names]
    return [p for p in names if p in tracks.fields and p in parts.fields]


def evaluate(
    events: Events,
    tracks: ak.Array,
    *,
    match: Literal["hits", "params"] = "hits",
    min_fraction: float = 0.7,
    windows: Mapping[str, float] | None = None,
    pt_min_gev: float | None = None,
    params: Sequence[str] | None = None,
) -> TrackingPerformance:
    """Match ``tracks`` to the truth of ``events`` and measure the tracking performance.

    Parameters
    ----------
    events: events with truth particles.
    tracks: ``N * var * {hit_ids?, <params>?, <param>_err?}`` aligned with ``events``.
    match: ``"hits"`` (:func:`match_tracks_by_hits`, needs ``hit_ids``) or ``"params"``
        (:func:`match_tracks_by_params`, needs ``windows``).
    min_fraction: hit fraction for ``match="hits"``.
    windows: parameter windows for ``match="params"``.
    pt_min_gev: only reconstructable particles with ``pt_gev >= pt_min_gev`` enter the
        efficiency (and the resolution); fake and duplicate rates are over all tracks.
    params: parameters whose resolution is measured; default: the truth parameters
        (detector model first) present both in the tracks and in the particles.

    Counting rules are in the module docstring. Empty samples, events without particles
    and zero tracks are allowed: the affected rates are NaN with count 0.

    Example
    -------
    >>> from fasttrack import detector, generate
    >>> ev = generate.generate(detector.telescope(), 5, seed=1)
    >>> perf = evaluate(ev, ak.Array([[] for _ in range(5)]))
    >>> perf.n_tracks, perf.efficiency
    (0, 0.0)
    """
    parts = _require_particles(events)
    tracks = _as_tracks(events, tracks)
    n_ev = len(events)
    trk_counts = _counts(tracks)
    n_trk = int(trk_counts.sum())
    part_counts = events.n_particles.astype(np.int64)
    pev = np.repeat(np.arange(n_ev), part_counts)
    ppid = _flat(parts, "particle_id", "particles", np.int64)
    n_p = len(ppid)

    win: dict[str, float] | None = None
    if match == "hits":
        pid, count, _ = _match_hits_flat(events, tracks, min_fraction)
        trk_ev = np.repeat(np.arange(n_ev), trk_counts)
        gp = np.full(n_trk, -1, dtype=np.int64)
        m = pid > 0
        gp[m] = _lookup(pev, ppid, trk_ev[m], pid[m])
        if (gp[m] < 0).any():
            i = int(np.flatnonzero(m)[int(np.argmax(gp[m] < 0))])
            e = int(events.event_number[trk_ev[i]])
            raise ValueError(f"event {e}: hits carry particle_id {int(pid[i])}, which is not a particle of the event")
        score = -count.astype(np.float64)  # lower is better
        fraction: float | None = float(min_fraction)
    elif match == "params":
        win = _check_windows(windows)
        _, gp, score = _match_params_flat(events, tracks, win)
        fraction = None
    else:
        raise ValueError(f"match must be 'hits' or 'params', got {match!r}")

    # best track of each found particle: best score, then first track
    on = np.flatnonzero(gp >= 0)
    order = np.lexsort((on, score[on], gp[on]))
    s_gp, s_trk = gp[on][order], on[order]
    first = np.ones(len(s_gp), dtype=bool)
    first[1:] = s_gp[1:] != s_gp[:-1]
    best = np.full(n_p, -1, dtype=np.int64)
    best[s_gp[first]] = s_trk[first]
    n_tracks_pp = np.bincount(gp[on], minlength=n_p)

    selected = _flat(parts, "reconstructable", "particles", bool)
    if pt_min_gev is not None:
        selected = selected & (_flat(parts, "pt_gev", "particles", np.float64) >= pt_min_gev)
    found = n_tracks_pp > 0
    sel_found = selected & found

    per_particle: dict[str, np.ndarray] = {
        "event": events.event_number[pev[selected]],
        "particle_id": ppid[selected],
    }
    for name in PARTICLE_VARIABLES:
        if n_p == 0:  # keep the curves' variables available on empty samples
            per_particle[name] = np.zeros(0, dtype=np.int32 if name == "n_layers" else np.float64)
        elif name in parts.fields:
            per_particle[name] = _flat(parts, name, "particles")[selected]
    per_particle["matched"] = found[selected]
    per_particle["n_tracks"] = n_tracks_pp[selected]

    names = list(params) if params is not None else _default_params(events, tracks, parts)
    residuals: dict[str, np.ndarray] = {}
    pulls: dict[str, np.ndarray] = {}
    resolution: dict[str, ParameterResolution] = {}
    bt = best[sel_found]
    for name in names:
        tv = _flat(tracks, name, "tracks", np.float64)
        pv = _flat(parts, name, "particles", np.float64)
        res = tv[bt] - pv[sel_found] if len(bt) else np.zeros(0)
        if name in ANGLE_PARAMS:
            res = _wrap(res)
        residuals[name] = res
        pl = None
        if f"{name}_err" in tracks.fields:
            err = _flat(tracks, f"{name}_err", "tracks", np.float64)[bt] if len(bt) else np.zeros(0)
            with np.errstate(divide="ignore", invalid="ignore"):
                pl = np.where(err > 0, res / err, np.nan)
            pulls[name] = pl
        resolution[name] = ParameterResolution.from_arrays(name, res, pl)

    return TrackingPerformance(
        match=match,
        min_fraction=fraction,
        windows=win,
        pt_min_gev=None if pt_min_gev is None else float(pt_min_gev),
        n_events=n_ev,
        n_tracks=n_trk,
        n_particles=int(selected.sum()),
        n_matched_particles=int(sel_found.sum()),
        n_fake_tracks=int(n_trk - len(on)),
        n_duplicate_tracks=int(len(on) - int(found.sum())),
        n_tracks_outside=int(n_tracks_pp[~selected].sum()),
        resolution=resolution,
        particles=per_particle,
        residuals=residuals,
        pulls=pulls,
    )

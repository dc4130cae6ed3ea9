"""Evaluate an algorithm on a large events file in chunks, serially or on Dask.

:func:`evaluate_file` reads a parquet file of :meth:`Events.save` (``fasttrack generate``)
``chunk_events`` events at a time (:func:`fasttrack.io.iter_parquet`), runs the algorithm in
float and fixed point on each chunk, and adds up what :func:`fasttrack.study.study` reports:
counts of particles, matched particles, tracks, fakes, duplicates and overflow events, the
events in which both modes find the same candidates, and per track parameter the residuals of
the matched particles. Memory follows the chunk, not the file: a chunk's events are dropped
once it is counted, and the residuals are kept as fixed histograms (:class:`Residuals`), not
as arrays. Other formats (ROOT, CSV) are read whole and cut into chunks.

Identical to one pass
---------------------
Every count, rate and the 68 % widths are exactly those of a one-chunk run, whatever the chunk
size and whether the chunks run serially or on Dask workers (counts and histogram bins are
integers; chunks are merged in file order). The 68 % width comes from the residual histogram:
bins of 1/2000 of a cell over ±20 cells (:data:`BINS_PER_CELL`, :data:`RANGE_CELLS`), so it
differs from :func:`fasttrack.metrics.evaluate`'s exact quantile by less than one bin (a
residual beyond the range counts in the under/overflow and is named in ``n_outside_range``);
mean and std are sums merged chunk by chunk (Chan et al.), equal to the one-pass values to
rounding (relative 1e-12).

Dask
----
``scheduler="local"`` starts a :class:`dask.distributed.LocalCluster` (``n_workers``
processes, one thread each); an address (``tcp://host:8786``) uses a running scheduler. Each
task reads its own chunk from the file (the workers must see the path), so the client holds
only the per-chunk sums. ``scheduler=None`` with ``auto_dask=True`` picks a LocalCluster for
files above :data:`DASK_AUTO_EVENTS` events.

Example
-------
>>> from fasttrack import detector, generate
>>> from fasttrack.streaming import evaluate_file
>>> path = generate.generate(detector.telescope(), 60, seed=3).save("build/doctest/stream.parquet")
>>> a = evaluate_file(path, "retina", chunk_events=25, progress=False)
>>> b = evaluate_file(path, "retina", chunk_events=1000, progress=False)
>>> a["events"], a["chunks"], a["fixed"]["n_matched_particles"] == b["fixed"]["n_matched_particles"]
(60, 3, True)
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import awkward as ak
import numpy as np

from . import metrics
from .algorithms import MODES, get
from .detector import Detector
from .events import Events
from .progress import progress_bar

__all__ = [
    "BINS_PER_CELL",
    "DASK_AUTO_EVENTS",
    "RANGE_CELLS",
    "ChunkSums",
    "Residuals",
    "evaluate_events",
    "evaluate_file",
    "same_candidates_count",
]

BINS_PER_CELL = 2000
RANGE_CELLS = 20
DASK_AUTO_EVENTS = 2_000_000
_Q_LOW, _Q_HIGH = 0.158655253931457, 0.841344746068543  # as fasttrack.metrics


# ------------------------------------------------------------------------------------------
# additive pieces
# ------------------------------------------------------------------------------------------
@dataclass
class Residuals:
    """Residuals of one parameter: a histogram in cells plus count, mean and M2 (Chan et al.)."""

    cell: float
    hist: np.ndarray = field(default_factory=lambda: np.zeros(2 * RANGE_CELLS * BINS_PER_CELL + 2, np.int64))
    n: int = 0
    mean: float = 0.0
    m2: float = 0.0

    def add_values(self, r: np.ndarray) -> None:
        r = r[np.isfinite(r)]
        if not len(r):
            return
        nb = 2 * RANGE_CELLS * BINS_PER_CELL
        idx = np.floor(r / self.cell * BINS_PER_CELL).astype(np.int64) + RANGE_CELLS * BINS_PER_CELL + 1
        np.add.at(self.hist, np.clip(idx, 0, nb + 1), 1)
        mean = float(r.mean())
        self._merge(len(r), mean, float(((r - mean) ** 2).sum()))

    def _merge(self, n: int, mean: float, m2: float) -> None:
        if n == 0:
            return
        tot = self.n + n
        delta = mean - self.mean
        self.mean += delta * n / tot
        self.m2 += m2 + delta * delta * self.n * n / tot
        self.n = tot

    def add(self, other: Residuals) -> None:
        self.hist += other.hist
        self._merge(other.n, other.mean, other.m2)

    @property
    def n_outside_range(self) -> int:
        return int(self.hist[0] + self.hist[-1])

    def width68(self) -> float:
        """Half the central 68.27 % width, from the histogram (NaN when a quantile is out of range)."""
        if self.n == 0:
            return math.nan
        cum = np.cumsum(self.hist)
        edges = (np.arange(len(self.hist) + 1) - 1 - RANGE_CELLS * BINS_PER_CELL) / BINS_PER_CELL * self.cell

        def quantile(q: float) -> float:
            # linear inside the bin, as the position (n-1)q of np.quantile's default rule
            pos = q * (self.n - 1) + 0.5
            b = int(np.searchsorted(cum, pos, side="left"))
            if b == 0 or b == len(self.hist) - 1:
                return math.nan
            before = cum[b - 1] if b else 0
            frac = (pos - before) / self.hist[b]
            return float(edges[b] + frac * (edges[b + 1] - edges[b]))

        return 0.5 * (quantile(_Q_HIGH) - quantile(_Q_LOW))

    def resolution(self, param: str) -> metrics.ParameterResolution:
        std = math.sqrt(self.m2 / self.n) if self.n else math.nan
        mean = self.mean if self.n else math.nan
        return metrics.ParameterResolution(param, self.n, mean, std, self.width68())


_COUNTS = (
    "n_events",
    "n_tracks",
    "n_particles",
    "n_matched_particles",
    "n_fake_tracks",
    "n_duplicate_tracks",
    "n_tracks_outside",
    "extra_tracks",
    "hit_overflow_events",
    "track_overflow_events",
)


@dataclass
class ModeSums:
    """What one mode (float, fixed, a study variant) adds up over chunks."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_COUNTS, 0))
    residuals: dict[str, Residuals] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, other: ModeSums) -> None:
        for k, v in other.counts.items():
            self.counts[k] += v
        for p, r in other.residuals.items():
            if p in self.residuals:
                self.residuals[p].add(r)
            else:
                self.residuals[p] = dataclasses.replace(r, hist=r.hist.copy())
        self.seconds += other.seconds


@dataclass
class ChunkSums:
    """The sums of one or more chunks: per mode, and events with the same candidates."""

    modes: dict[str, ModeSums] = field(default_factory=dict)
    same_candidates: int = 0
    n_events: int = 0
    n_chunks: int = 0

    def add(self, other: ChunkSums) -> None:
        for m, s in other.modes.items():
            self.modes.setdefault(m, ModeSums()).add(s)
        self.same_candidates += other.same_candidates
        self.n_events += other.n_events
        self.n_chunks += other.n_chunks


# ------------------------------------------------------------------------------------------
# one chunk
# ------------------------------------------------------------------------------------------
def same_candidates_count(a: ak.Array, b: ak.Array, keys: Sequence[str]) -> int:
    """Events whose two track lists hold the same set of ``keys`` tuples (vectorised
    :func:`fasttrack.study.same_candidates_fraction` times the number of events)."""
    n = len(a)
    if n == 0:
        return 0

    def pairs(t: ak.Array) -> np.ndarray:
        counts = np.asarray(ak.num(t, axis=1), dtype=np.int64)
        ev = np.repeat(np.arange(n, dtype=np.int64), counts)
        cols = [ev] + [np.asarray(ak.flatten(t[k]), dtype=np.int64) for k in keys]
        rows = np.stack(cols, axis=1) if len(ev) else np.zeros((0, 1 + len(keys)), np.int64)
        return np.unique(rows, axis=0)

    both = np.concatenate([pairs(a), pairs(b)])
    if not len(both):
        return n
    uniq, count = np.unique(both, axis=0, return_counts=True)
    differing = np.unique(uniq[count == 1, 0])
    return n - len(differing)


def _mode_sums(
    events: Events, run: Callable[[], Any], cells: Mapping[str, float], pt_min_gev: float | None
) -> tuple[ModeSums, ak.Array]:
    t0 = time.perf_counter()
    res = run()
    dt = time.perf_counter() - t0
    perf = metrics.evaluate(events, res.tracks, pt_min_gev=pt_min_gev)
    n_tracks = perf.particles.get("n_tracks", np.zeros(0, np.int64))
    s = ModeSums(seconds=dt)
    s.counts.update(
        n_events=perf.n_events,
        n_tracks=perf.n_tracks,
        n_particles=perf.n_particles,
        n_matched_particles=perf.n_matched_particles,
        n_fake_tracks=perf.n_fake_tracks,
        n_duplicate_tracks=perf.n_duplicate_tracks,
        n_tracks_outside=perf.n_tracks_outside,
        extra_tracks=int(np.sum(np.maximum(n_tracks - 1, 0))),
        hit_overflow_events=int(res.hit_overflow.sum()),
        track_overflow_events=int(res.track_overflow.sum()),
    )
    for p, w in cells.items():
        r = Residuals(cell=w)
        if p in perf.residuals:
            r.add_values(np.asarray(perf.residuals[p], dtype=np.float64))
        s.residuals[p] = r
    return s, res.tracks


def evaluate_events(
    algorithm: str,
    events: Events,
    config: Any = None,
    *,
    pt_min_gev: float | None = None,
    modes: Sequence[str] = MODES,
    variants: bool = True,
) -> ChunkSums:
    """The sums of one chunk of events (float and fixed, and the algorithm's study variants)."""
    algo = get(algorithm)
    cfg = config if config is not None else algo.default_config(events.detector)
    finder = algo.finder(cfg)
    cells = {cfg.param_names[0]: cfg.delta_a, cfg.param_names[1]: cfg.delta_b}
    out = ChunkSums(n_events=len(events), n_chunks=1)
    tracks = {}
    for mode in modes:
        run = partial(finder.run, events, mode)  # type: ignore[arg-type]
        out.modes[mode], tracks[mode] = _mode_sums(events, run, cells, pt_min_gev)
    if len(tracks) == 2:
        out.same_candidates = same_candidates_count(tracks["float"], tracks["fixed"], algo.candidate_keys)
    if variants:
        for label, variant in algo.study_variants(cfg).items():
            run = partial(algo.finder(variant).run, events, "fixed")
            out.modes[label], _ = _mode_sums(events, run, cells, pt_min_gev)
    return out


# ------------------------------------------------------------------------------------------
# the file
# ------------------------------------------------------------------------------------------
def _config(algorithm: str, det: Detector, config: Any) -> Any:
    algo = get(algorithm)
    if config is None:
        return algo.default_config(det)
    if isinstance(config, Mapping):
        from .overrides import check_overrides

        return algo.default_config(det, **check_overrides(algorithm, config))
    return config


def _chunk_task(
    path: str, det_json: str, algorithm: str, config: Any, start: int, stop: int, options: dict[str, Any]
) -> ChunkSums:
    """One Dask task: read events ``start .. stop`` of the file and sum them."""
    from .io.parquet import iter_parquet

    det = Detector.from_json(det_json)
    total = ChunkSums()
    for ev in iter_parquet(path, det, chunk_events=stop - start, start=start, stop=stop):
        total.add(evaluate_events(algorithm, ev, config, **options))
    return total


def _client(scheduler: str, n_workers: int) -> tuple[Any, Any]:
    from dask.distributed import Client, LocalCluster

    if scheduler == "local":
        cluster = LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
        )
        return Client(cluster), cluster
    return Client(scheduler), None


def evaluate_file(
    path: str | Path,
    algorithm: str,
    config: Any = None,
    *,
    detector: Detector | None = None,
    chunk_events: int = 100_000,
    pt_min_gev: float | None = None,
    modes: Sequence[str] = MODES,
    scheduler: str | None = None,
    n_workers: int = 2,
    auto_dask: bool = False,
    progress: bool = True,
    reader_options: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Evaluate ``algorithm`` on every event of a file, ``chunk_events`` at a time.

    Parameters
    ----------
    path: a parquet file of :meth:`Events.save` (streamed), or any input of
        :func:`fasttrack.io.read_events` (read whole, then chunked).
    config: a config object, a mapping of config overrides, or None (the detector's default).
    detector: the detector (default: the one stored in the file).
    chunk_events: events per chunk (memory follows it).
    pt_min_gev: efficiency for particles above this pT.
    modes: ``("float", "fixed")`` or one of them.
    scheduler: None (this process), ``"local"`` (a LocalCluster of ``n_workers``) or the
        address of a Dask scheduler.
    auto_dask: with ``scheduler=None``, use a LocalCluster for files above
        :data:`DASK_AUTO_EVENTS` events.
    progress: a progress bar over the chunks (:mod:`fasttrack.progress`).

    Returns the dict of :func:`fasttrack.study.study` (``format_study`` prints it) plus
    ``chunks``, ``chunk_events``, ``scheduler``, ``seconds`` and, per mode,
    ``n_outside_range`` of the residual histograms.
    """
    from . import io

    if chunk_events < 1:
        raise ValueError(f"chunk_events must be >= 1, got {chunk_events}")
    for m in modes:
        if m not in MODES:
            raise ValueError(f"mode {m!r} is not one of {MODES}")
    t0 = time.perf_counter()
    path = Path(path)
    fmt = io.detect_format(path)
    streamed = fmt == "parquet" and io.parquet.file_metadata(path) is not None
    options: dict[str, Any] = {"pt_min_gev": pt_min_gev, "modes": tuple(modes)}
    total = ChunkSums()
    if streamed:
        det = detector or io.file_detector(path)
        assert det is not None
        n = io.count_events(path)
    else:
        whole = io.read_events(path, detector, **dict(reader_options or {}))
        det, n = whole.detector, len(whole)
    algo = get(algorithm)
    if not algo.serves(det):
        raise ValueError(f"the {algo.title} does not run on the {det.name} detector")
    cfg = _config(algorithm, det, config)
    if scheduler is None and auto_dask and streamed and n > DASK_AUTO_EVENTS:
        scheduler = "local"
    ranges = [(i, min(i + chunk_events, n)) for i in range(0, n, chunk_events)]
    desc = f"evaluate {algorithm} on {path.name}"
    if scheduler is not None and not streamed:
        raise ValueError(f"{path}: Dask runs read their chunks from a parquet file written by fasttrack; got {fmt}")
    if scheduler is None:
        chunks: Iterator[Events] = (
            io.iter_parquet(path, det, chunk_events=chunk_events) if streamed else (whole[a:b] for a, b in ranges)
        )
        for ev in progress_bar(chunks, desc=desc, unit="chunk", total=len(ranges), disable=not progress):
            total.add(evaluate_events(algorithm, ev, cfg, **options))
    else:
        from dask.distributed import as_completed

        client, cluster = _client(scheduler, n_workers)
        try:
            futures = [
                client.submit(_chunk_task, str(path), det.to_json(), algorithm, cfg, a, b, options, pure=False)
                for a, b in ranges
            ]
            index = {f.key: i for i, f in enumerate(futures)}
            done: dict[int, ChunkSums] = {}
            nxt = 0
            bar = progress_bar(as_completed(futures), desc=desc, unit="chunk", total=len(ranges), disable=not progress)
            for fut in bar:
                done[index[fut.key]] = fut.result()
                fut.release()
                while nxt in done:  # merge in file order: the float sums then match a serial run
                    total.add(done.pop(nxt))
                    nxt += 1
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    return _summary(algorithm, cfg, total, chunk_events, scheduler, time.perf_counter() - t0, pt_min_gev)


def _summary(
    algorithm: str,
    cfg: Any,
    total: ChunkSums,
    chunk_events: int,
    scheduler: str | None,
    seconds: float,
    pt_min_gev: float | None,
) -> dict[str, Any]:
    cells = {cfg.param_names[0]: cfg.delta_a, cfg.param_names[1]: cfg.delta_b}
    out: dict[str, Any] = {
        "algorithm": algorithm,
        "config": cfg.name,
        "config_hash": cfg.config_hash(),
        "events": total.n_events,
    }
    for mode, s in total.modes.items():
        c = s.counts
        perf = metrics.TrackingPerformance(
            match="hits",
            min_fraction=0.7,
            windows=None,
            pt_min_gev=pt_min_gev,
            n_events=c["n_events"],
            n_tracks=c["n_tracks"],
            n_particles=c["n_particles"],
            n_matched_particles=c["n_matched_particles"],
            n_fake_tracks=c["n_fake_tracks"],
            n_duplicate_tracks=c["n_duplicate_tracks"],
            n_tracks_outside=c["n_tracks_outside"],
            resolution={p: r.resolution(p) for p, r in s.residuals.items()},
            particles={"n_tracks": np.array([c["extra_tracks"] + 1], dtype=np.int64)},  # carries the extra count
        )
        d = perf.to_dict()
        d["resolution_in_cells"] = {
            p: (d["resolution"][p]["width68"] / w if d["resolution"][p]["width68"] is not None else None)
            for p, w in cells.items()
        }
        d["n_outside_range"] = {p: r.n_outside_range for p, r in s.residuals.items()}
        d["seconds"] = s.seconds
        d["hit_overflow_events"] = c["hit_overflow_events"]
        d["track_overflow_events"] = c["track_overflow_events"]
        out[mode] = d
    out["same_candidates_fraction"] = (
        total.same_candidates / total.n_events if total.n_events and "float" in total.modes and "fixed" in total.modes
        else float("nan")
    )  # fmt: skip
    out.update(chunks=total.n_chunks, chunk_events=chunk_events, scheduler=scheduler or "serial", seconds=seconds)
    return out

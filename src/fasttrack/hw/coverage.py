"""Coverage of the corner cases: which events exercise what, directed events that do, and
the event mix of the co-simulation.

A *category* is a corner case of an algorithm's semantics that the RTL must get right
word for word: an empty event, an event of one hit, hits beyond ``MAX_HITS``, more
candidates than ``MAX_TRACKS``, a saturated accumulator, a tie decided by the tie rule, a
track on a border of the grid, a full hit list, a capped fill, a duplicate removed.
:func:`categories` lists them per algorithm; each is decided from the fixed-point golden
model's own outputs (:func:`classify`):

retina (``Retina.run(..., keep_maps=True)``: tracks, counters, accumulator maps)
    ``empty`` no hits; ``one_hit`` one hit; ``hits_dropped`` ``n_hits_dropped > 0``;
    ``track_overflow`` ``n_candidates > MAX_TRACKS``; ``acc_saturated`` an accumulator
    at ``ACC_MAX``; ``tie`` a cell at or above threshold, at least as large as its 8
    neighbours (outside the grid 0) and equal to one of them, so that the tie rule (``>``
    earlier, ``>=`` later neighbours in raster order) decides which is the maximum;
    ``border_a`` / ``border_b`` a track on the first or last row (a) / column (b).
hough (``Hough.run(..., keep_maps=True)``, and a second run with ``duplicate_rule="none"``)
    ``empty``, ``one_hit``, ``hits_dropped`` as above; ``list_full`` a cell filled by at
    least ``MAX_HITS_PER_CELL`` hits (its list at capacity); ``list_overflow``
    ``n_list_overflows > 0``; ``fills_capped`` ``n_fills_capped > 0``; ``track_overflow``
    ``n_candidates > MAX_TRACKS``; ``cand_overflow`` more candidates before duplicate
    removal than ``MAX_CAND`` (the candidate buffer, :func:`fasttrack.hw.hough.max_candidates`:
    a worst case, so this flags a wrong bound); ``dup_removed`` fewer candidates than
    without the duplicate rule; ``border_a`` / ``border_b`` a track in the first or last
    column / bin.

:func:`directed_events` builds, for a config and its detector, one event per category
(hits placed on the cells' receptors or on the lines through the cells, in integer
coordinates of the config, inside the detector's layers so that the RTL words hold them)
and keeps it only when :func:`classify` finds the category on it. A category no event can
exercise is reported with the reason: ``"impossible: ..."`` when the config or the
detector rules it out (``ACC_MAX`` above ``MAX_HITS`` full weights, a list longer than
``MAX_HITS``, lines too flat to cross more than ``MAX_BINS_PER_COLUMN`` bins, a border bin
outside the detector's acceptance, ``MAX_CAND``), ``"no directed event: ..."`` when the
builders found none. A category whose own builders fail takes another directed event that
exercises it, else the first of 200 generated events per mix, ever busier, that does.
``directed_events(...).plain`` is one clean track: it exercises no retina category, and
only ``dup_removed`` in a Hough with the mini-Hough or a duplicate rule (one track makes
several candidates there).

The directed events of the retina: a track at a central cell (one hit per layer on the
cell's receptors, copies until the response reaches threshold) and its first hit; 4 hits
more than ``MAX_HITS`` spread over the layers; ``MAX_TRACKS + 1`` tracks on a lattice of
cells (hits on the layers whose receptors move least from row to row first, so that
tracks of a column share them when ``MAX_HITS`` is short); copies of a track until
``ACC_MAX``; a hit on each of two neighbouring cells' receptors per layer (both cells then
sum the same weights: a tie); a track at a cell of the first or last row or column. Of the
Hough: a track through a sub-cell centre (its hits on the lines through the point) and
its first hit; ``MAX_HITS + 4`` spread hits; ``MAX_HITS_PER_CELL`` and one more copies of a
track's hits; a hit on the steepest line of a column, placed to cross the most bins;
``MAX_TRACKS + 1`` tracks on a lattice, each taking the hits already there that fill its
cell; a track on a bin edge; a track in a border cell, or per layer a hit whose line
crosses the cell (an exact search over the coordinates inside the layer).

:func:`mix_directed` replaces a share (:data:`DEFAULT_SHARE`, at least one event per
buildable category) of a sample with directed events at positions drawn from a seed; the
co-simulation's default events are such a mix (:func:`default_mix`). Directed events are
numbered ``DIRECTED_BASE + 100·repetition + category index`` (:func:`directed_target`
reads a number back), so an error message names the category. :func:`coverage_report`
counts, per category, the events of a sample that exercise it.

Example
-------
>>> from fasttrack import detector
>>> from fasttrack.algorithms import get
>>> det = detector.telescope()
>>> cfg = get("retina").config(det, rtl=True)
>>> d = directed_events("retina", cfg, det)
>>> d.targets[:3], d.missing
(('empty', 'one_hit', 'hits_dropped'), {})
>>> rep = coverage_report("retina", cfg, d.events)
>>> rep.not_covered
()
>>> directed_target("retina", int(d.events.event_number[4]))
'acc_saturated'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import awkward as ak
import numpy as np

from ..detector import CylinderLayer, Detector, PlaneLayer
from ..events import Events
from ..hough import Hough, HoughConfig
from ..retina import Retina, RetinaConfig

__all__ = [
    "DEFAULT_SHARE",
    "DIRECTED_BASE",
    "Category",
    "CoverageReport",
    "DirectedEvents",
    "MixedEvents",
    "categories",
    "category_names",
    "classify",
    "coverage_report",
    "default_mix",
    "directed_events",
    "directed_target",
    "impossible",
    "mix_directed",
    "summary_line",
]

DEFAULT_SHARE = 0.05  # share of directed events in the co-simulation's default mix
DIRECTED_BASE = 1_000_000_000  # event numbers of directed events: base + 100·repetition + category index
_CHUNK = 1000  # events per golden-model run of the classifier (bounds the maps' memory)
Hit = tuple[int, int, float]  # (layer, coordinate in LSBs, bend estimate in 1/GeV)


@dataclass(frozen=True)
class Category:
    """A corner case: its name and what exercises it."""

    name: str
    description: str


_CATEGORIES: dict[str, tuple[Category, ...]] = {
    "retina": (
        Category("empty", "an event without hits"),
        Category("one_hit", "an event of one hit"),
        Category("hits_dropped", "hits beyond MAX_HITS, dropped and counted"),
        Category("track_overflow", "more local maxima than MAX_TRACKS"),
        Category("acc_saturated", "an accumulator at ACC_MAX"),
        Category("tie", "a maximum with an equal neighbour: the tie rule decides (plateau)"),
        Category("border_a", "a track on the first or last row (a)"),
        Category("border_b", "a track on the first or last column (b)"),
    ),
    "hough": (
        Category("empty", "an event without hits"),
        Category("one_hit", "an event of one hit"),
        Category("hits_dropped", "hits beyond MAX_HITS, dropped and counted"),
        Category("list_full", "a cell filled by MAX_HITS_PER_CELL hits or more (its list at capacity)"),
        Category("list_overflow", "a hit left out of a full cell list"),
        Category("fills_capped", "a hit's bins in a column capped at MAX_BINS_PER_COLUMN"),
        Category("track_overflow", "more candidates than MAX_TRACKS"),
        Category("cand_overflow", "more candidates before duplicate removal than MAX_CAND"),
        Category("dup_removed", "candidates removed by the duplicate rule"),
        Category("border_a", "a track in the first or last column (a)"),
        Category("border_b", "a track in the first or last bin (b)"),
    ),
}


def categories(algorithm: str) -> tuple[Category, ...]:
    """The coverage categories of ``algorithm`` (``"retina"`` or ``"hough"``)."""
    if algorithm not in _CATEGORIES:
        raise ValueError(f"no coverage categories for {algorithm!r}; known: {', '.join(_CATEGORIES)}")
    return _CATEGORIES[algorithm]


def category_names(algorithm: str) -> tuple[str, ...]:
    """The names of :func:`categories`, in order."""
    return tuple(c.name for c in categories(algorithm))


def directed_target(algorithm: str, event_number: int) -> str | None:
    """The category a directed event was built for, from its number (None for others)."""
    k = event_number - DIRECTED_BASE
    names = category_names(algorithm)
    if k < 0 or k % 100 >= len(names):
        return None
    return names[k % 100]


# ---------------------------------------------------------------------------------------
# the classifier
# ---------------------------------------------------------------------------------------
def _chunks(n: int) -> Iterator[slice]:
    for s in range(0, n, _CHUNK):
        yield slice(s, min(s + _CHUNK, n))
    if n == 0:
        yield slice(0, 0)


def _neighbours(maps: np.ndarray, cyclic_b: bool) -> np.ndarray:
    """(8, N, n_a, n_b): each cell's 8 neighbours (outside the grid 0; along b wrapped when
    ``cyclic_b``)."""
    n, n_a, n_b = maps.shape
    pad = np.zeros((n, n_a + 2, n_b + 2), dtype=maps.dtype)
    pad[:, 1:-1, 1:-1] = maps
    if cyclic_b:
        pad[:, 1:-1, 0] = maps[:, :, -1]
        pad[:, 1:-1, -1] = maps[:, :, 0]
    out = [
        pad[:, 1 + di : 1 + di + n_a, 1 + dj : 1 + dj + n_b]
        for di in (-1, 0, 1)
        for dj in (-1, 0, 1)
        if (di, dj) != (0, 0)
    ]
    return np.stack(out)


def _border(tracks: ak.Array, n: int) -> np.ndarray:
    """Per event: whether a track sits on the first or last index ``n - 1`` of ``tracks``."""
    return np.asarray(ak.any((tracks == 0) | (tracks == n - 1), axis=1), dtype=bool)


def _classify_retina(cfg: RetinaConfig, events: Events) -> dict[str, np.ndarray]:
    out = {c: np.zeros(len(events), dtype=bool) for c in category_names("retina")}
    retina = Retina(cfg)
    for sl in _chunks(len(events)):
        ev = events[sl]
        res = retina.run(ev, "fixed", keep_maps=True)
        maps = res.maps
        assert maps is not None
        nb = _neighbours(maps, cfg.phi_wrap)
        weak_max = (maps >= cfg.threshold_hw) & np.all(maps[None] >= nb, axis=0)
        tie = weak_max & np.any(maps[None] == nb, axis=0)
        out["hits_dropped"][sl] = res.n_hits_dropped > 0
        out["track_overflow"][sl] = res.n_candidates > cfg.max_tracks
        out["acc_saturated"][sl] = np.any(maps >= cfg.acc_max, axis=(1, 2))
        out["tie"][sl] = np.any(tie, axis=(1, 2))
        out["border_a"][sl] = _border(res.tracks.cell_a, cfg.n_a)
        out["border_b"][sl] = _border(res.tracks.cell_b, cfg.n_b)
    return out


def _classify_hough(cfg: HoughConfig, events: Events) -> dict[str, np.ndarray]:
    from .hough import max_candidates

    out = {c: np.zeros(len(events), dtype=bool) for c in category_names("hough")}
    hough = Hough(cfg)
    no_rule = Hough(dataclasses.replace(cfg, duplicate_rule="none")) if cfg.duplicate_rule != "none" else hough
    for sl in _chunks(len(events)):
        ev = events[sl]
        res = hough.run(ev, "fixed", keep_maps=True)
        counts = res.hit_counts
        assert counts is not None
        before = no_rule.run(ev, "fixed").n_candidates if no_rule is not hough else res.n_candidates
        out["hits_dropped"][sl] = res.n_hits_dropped > 0
        out["list_full"][sl] = np.any(counts >= cfg.max_hits_per_cell, axis=(1, 2))
        out["list_overflow"][sl] = res.n_list_overflows > 0
        out["fills_capped"][sl] = res.n_fills_capped > 0
        out["track_overflow"][sl] = res.n_candidates > cfg.max_tracks
        out["cand_overflow"][sl] = before > max_candidates(cfg)
        out["dup_removed"][sl] = before > res.n_candidates
        out["border_a"][sl] = _border(res.tracks.cell_a, cfg.n_a)
        out["border_b"][sl] = _border(res.tracks.cell_b, cfg.n_b)
    return out


def classify(algorithm: str, config: Any, events: Events) -> dict[str, np.ndarray]:
    """Per category (in :func:`categories` order), a bool per event: whether the event
    exercises it, decided from the fixed-point golden model's outputs (module docstring)."""
    if algorithm == "retina":
        if not isinstance(config, RetinaConfig):
            raise TypeError(f"the retina needs a RetinaConfig, got {type(config).__name__}")
        out = _classify_retina(config, events)
    elif algorithm == "hough":
        if not isinstance(config, HoughConfig):
            raise TypeError(f"the hough needs a HoughConfig, got {type(config).__name__}")
        out = _classify_hough(config, events)
    else:
        categories(algorithm)  # raises with the known names
        raise AssertionError  # pragma: no cover
    n_hits = events.n_hits
    out["empty"] = n_hits == 0
    out["one_hit"] = n_hits == 1
    return {c: out[c] for c in category_names(algorithm)}


# ---------------------------------------------------------------------------------------
# what a config rules out
# ---------------------------------------------------------------------------------------
def impossible(algorithm: str, config: Any) -> dict[str, str]:
    """Categories no event can exercise with ``config``, and why (integer arguments on the
    config alone; :func:`directed_events` adds those the detector rules out)."""
    out: dict[str, str] = {}
    if algorithm == "retina":
        cfg: Any = config
        w_max = int(cfg.tables.lut.max())
        if cfg.max_hits * w_max < cfg.acc_max:
            out["acc_saturated"] = (
                f"impossible: MAX_HITS x the largest weight = {cfg.max_hits} x {w_max} = {cfg.max_hits * w_max} "
                f"< ACC_MAX = {cfg.acc_max}"
            )
        if cfg.max_hits * w_max < cfg.threshold_hw:
            for c in ("track_overflow", "tie", "border_a", "border_b"):
                out[c] = f"impossible: MAX_HITS full weights ({cfg.max_hits * w_max}) stay below THRESHOLD"
        elif cfg.max_tracks >= (cfg.n_a * cfg.n_b + 1) // 2:
            out["track_overflow"] = f"impossible: MAX_TRACKS = {cfg.max_tracks} holds every maximum the grid can have"
    elif algorithm == "hough":
        from .hough import max_candidates

        cfg = config
        if cfg.max_hits_per_cell > cfg.max_hits:
            out["list_full"] = (
                f"impossible: MAX_HITS_PER_CELL = {cfg.max_hits_per_cell} > MAX_HITS = {cfg.max_hits} (a hit fills "
                "a cell once)"
            )
        if cfg.max_hits_per_cell >= cfg.max_hits:
            out["list_overflow"] = (
                f"impossible: MAX_HITS_PER_CELL = {cfg.max_hits_per_cell} >= MAX_HITS = {cfg.max_hits} (a hit fills "
                "a cell once)"
            )
        width = 1 << cfg.bin_shift
        span = int(np.abs(np.diff(cfg.tables.shift_hw, axis=1)).max()) if cfg.n_a else 0
        most = min(-(-span // width) + 1, cfg.n_b)  # bins one line can cross in a column
        if most <= cfg.max_bins_per_column:
            out["fills_capped"] = (
                f"impossible: a line crosses at most {most} bins of a column (largest line shift across a column "
                f"{span} LSBs, bins of {width} LSBs, {cfg.n_b} bins) <= MAX_BINS_PER_COLUMN = "
                f"{cfg.max_bins_per_column}"
            )
        out["cand_overflow"] = (
            f"impossible by construction: MAX_CAND = {max_candidates(cfg)} is the worst case "
            "(fasttrack.hw.hough.max_candidates); the category flags a wrong bound"
        )
        if cfg.duplicate_rule == "none":
            out["dup_removed"] = "impossible: duplicate_rule = 'none'"
        if cfg.max_tracks >= max_candidates(cfg):
            out["track_overflow"] = f"impossible: MAX_TRACKS = {cfg.max_tracks} >= MAX_CAND = {max_candidates(cfg)}"
    else:
        categories(algorithm)
    return out


# ---------------------------------------------------------------------------------------
# directed events
# ---------------------------------------------------------------------------------------
def _layer_bounds(det: Detector, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Per layer, the range of hit field ``name`` that :class:`Events` accepts."""
    lo = np.zeros(det.n_layers)
    hi = np.zeros(det.n_layers)
    for li, lay in enumerate(det.layers):
        if isinstance(lay, PlaneLayer):
            lo[li], hi[li] = (lay.x_min_mm, lay.x_max_mm) if name == "x" else (lay.y_min_mm, lay.y_max_mm)
        else:
            assert isinstance(lay, CylinderLayer)
            lo[li], hi[li] = (lay.phi_min, lay.phi_max) if name == "phi" else (lay.z_min_mm, lay.z_max_mm)
    return lo, hi


class _Space:
    """What the builders share: the detector's acceptance in coordinate LSBs, and hits to
    :class:`Events`."""

    def __init__(self, cfg: Any, det: Detector, measurement: str) -> None:
        if measurement not in det.hit_fields:
            raise ValueError(f"detector {det.name!r} has no hit field {measurement!r}")
        self.cfg, self.det, self.measurement = cfg, det, measurement
        lo, hi = _layer_bounds(det, measurement)
        lsb = float(cfg.coord_lsb)
        # a coordinate hw · LSB inside the layer (and inside the RTL word, whose width holds
        # the detector's extent)
        self.lo_hw = np.ceil(lo / lsb - 1e-9).astype(np.int64)
        self.hi_hw = np.floor(hi / lsb + 1e-9).astype(np.int64)
        # other fields (a cylinder's z): the middle of the layer
        self.others: dict[str, np.ndarray] = {}
        for f in det.hit_fields:
            if f not in (measurement, "bend_qoverpt"):
                lo_f, hi_f = _layer_bounds(det, f)
                self.others[f] = 0.5 * (lo_f + hi_f)

    def inside(self, layer: int, hw: int) -> bool:
        return bool(self.lo_hw[layer] <= hw <= self.hi_hw[layer])

    def events(self, hit_lists: Sequence[Sequence[Hit]], numbers: Sequence[int] | None = None) -> Events:
        """Validated events, one per hit list, numbered ``numbers`` (default 0, 1, ...)."""
        numbers = list(range(len(hit_lists))) if numbers is None else list(numbers)
        flat = [(n, h) for n, hits in zip(numbers, hit_lists, strict=True) for h in hits]
        lsb = float(self.cfg.coord_lsb)
        cols: dict[str, Any] = {
            "event": np.array([n for n, _ in flat], dtype=np.int64),
            "layer": np.array([h[0] for _, h in flat], dtype=np.int64),
            self.measurement: np.array([h[1] * lsb for _, h in flat], dtype=np.float64),
        }
        if "bend_qoverpt" in self.det.hit_fields:
            cols["bend_qoverpt"] = np.array([h[2] for _, h in flat], dtype=np.float64)
        for f, mid in self.others.items():
            cols[f] = mid[cols["layer"]]
        return Events.from_hits(self.det, cols, event_numbers=numbers)


class _RetinaSpace(_Space):
    """Retina cells in integers: receptors, weights (as the fixed-point engine), bends."""

    def __init__(self, cfg: RetinaConfig, det: Detector) -> None:
        if cfg.n_meas != 1:
            raise ValueError(
                f"directed retina events are built for one measured coordinate; {cfg.name!r} measures "
                f"{cfg.measurement_names}"
            )
        super().__init__(cfg, det, cfg.measurement_names[0])
        self.rc = cfg
        self.rec = cfg.tables.receptors_hw[:, 0]  # (n_layers, n_a, n_b)
        self.lut = cfg.tables.lut
        self.a_bend_hw = cfg.a_bend_hw()
        self.a_c = cfg.a_centres()
        # layers by how little their receptor moves from row to row: hits there serve
        # several rows of a column at once (shared by the tracks of a busy event)
        self.share_order = list(np.argsort(np.ptp(self.rec, axis=1).mean(axis=1), kind="stable"))

    def weight(self, h: Hit, i: int, j: int) -> int:
        cfg = self.rc
        if cfg.bend_filter and abs(int(cfg.quantize_bend(np.array([h[2]]))[0]) - int(self.a_bend_hw[i])) > (
            cfg.bend_window_hw
        ):
            return 0
        d = abs(h[1] - int(self.rec[h[0], i, j]))
        if d > cfg.roi_hw[h[0]]:
            return 0
        return int(self.lut[h[0], min(d >> cfg.lut_shift[h[0]], cfg.lut_size - 1)])

    def hit(self, layer: int, i: int, j: int, bend: float | None = None) -> Hit | None:
        """A hit on cell (i, j)'s receptor (with row i's bend unless ``bend``), None outside
        the layer."""
        hw = int(self.rec[layer, i, j])
        b = float(self.a_c[i]) if bend is None else bend
        return (layer, hw, b) if self.inside(layer, hw) else None

    def place(
        self, cells: Iterable[tuple[int, int]], target: int, hits: Sequence[Hit] = (), order: Sequence[int] = ()
    ) -> list[Hit] | None:
        """Hits (after ``hits``) on each cell's receptors, layer by layer in ``order``
        (again from the first when every layer has one: copies), until the cell's response
        reaches ``target``; None beyond MAX_HITS or when no layer holds the cell."""
        out = list(hits)
        layers = list(order) or list(range(self.rc.n_layers))
        for i, j in cells:
            got = sum(self.weight(h, i, j) for h in out)
            mine = [h for h in (self.hit(l, i, j) for l in layers) if h is not None]
            k = 0
            while got < target:
                if not mine or len(out) >= self.rc.max_hits:
                    return None
                h = mine[k % len(mine)]
                k += 1
                out.append(h)
                got += self.weight(h, i, j)
        return out


def _spread(space: _Space, n: int, seed: int = 7) -> list[Hit]:
    """``n`` hits spread over the layers' acceptance (low-discrepancy positions)."""
    out: list[Hit] = []
    n_layers = space.det.n_layers
    for k in range(n):
        l = k % n_layers
        frac = ((k + 1) * 0.6180339887498949 + seed * 0.1) % 1.0
        hw = int(space.lo_hw[l] + round(frac * (space.hi_hw[l] - space.lo_hw[l])))
        out.append((l, hw, 0.0))
    return out


def _with_bends(space: _Space, hits: list[Hit]) -> list[Hit]:
    """``hits`` with bends taken in turn from the cell centres along a (the bend filter's
    q/pT), so that they reach cells of every row or column."""
    a_c = space.cfg.a_centres()
    return [(l, hw, float(a_c[k % len(a_c)])) for k, (l, hw, _b) in enumerate(hits)]


def _centre_first(n: int) -> list[int]:
    """0 .. n-1 from the middle outwards."""
    mid = (n - 1) / 2
    return sorted(range(n), key=lambda v: (abs(v - mid), v))


def _retina_candidates(cfg: RetinaConfig, det: Detector) -> dict[str, Callable[[], Iterator[list[Hit]]]]:
    """Per category, a generator of candidate events (hit lists), the likeliest first."""
    sp = _RetinaSpace(cfg, det)
    w0 = int(cfg.tables.lut.max())
    thr = cfg.threshold_hw
    rows, cols = _centre_first(cfg.n_a), _centre_first(cfg.n_b)
    centre = [(i, j) for i in rows[:3] for j in cols[:3]]

    def plain() -> Iterator[list[Hit]]:
        for c in centre:
            for margin in (w0, 2 * w0, 0):
                hits = sp.place([c], thr + margin, order=range(cfg.n_layers))
                if hits is not None:
                    yield hits

    def one_hit() -> Iterator[list[Hit]]:
        for i, j in centre:
            for l in range(cfg.n_layers):
                h = sp.hit(l, i, j)
                if h is not None:
                    yield [h]

    def hits_dropped() -> Iterator[list[Hit]]:
        for hits in plain():
            yield hits + _with_bends(sp, _spread(sp, cfg.max_hits + 4 - len(hits)))
            break
        yield _with_bends(sp, _spread(sp, cfg.max_hits + 4))

    def saturated() -> Iterator[list[Hit]]:
        for c in centre:
            hits = sp.place([c], cfg.acc_max)
            if hits is not None:
                yield hits

    def tie() -> Iterator[list[Hit]]:
        # a symmetric pair per layer: hits on both cells' receptors give both the same sum
        for i, j in centre:
            for i2, j2 in ((i, j + 1), (i + 1, j), (i, j - 1), (i - 1, j)):
                if not (0 <= i2 < cfg.n_a and 0 <= j2 < cfg.n_b):
                    continue
                bend = float(0.5 * (sp.a_c[i] + sp.a_c[i2]))  # within both rows' bend window
                pairs = [(sp.hit(l, i, j, bend), sp.hit(l, i2, j2, bend)) for l in reversed(sp.share_order)]
                both = [(p, q) for p, q in pairs if p is not None and q is not None]
                if not both:
                    continue
                for n in (min(len(both), cfg.max_hits // 2), (min(len(both), cfg.max_hits // 2) + 1) // 2):
                    if n > 0:
                        yield [h for pq in both[:n] for h in pq]

    def border(axis: int) -> Callable[[], Iterator[list[Hit]]]:
        def gen() -> Iterator[list[Hit]]:
            if axis == 0:
                cells = [(i, j) for j in cols for i in (0, cfg.n_a - 1)]
            else:
                cells = [(i, j) for i in rows for j in (0, cfg.n_b - 1)]
            for c in cells[:16]:
                for margin in (w0, 0, 3 * w0):
                    hits = sp.place([c], thr + margin, order=range(cfg.n_layers))
                    if hits is not None:
                        yield hits

        return gen

    def track_overflow() -> Iterator[list[Hit]]:
        want = cfg.max_tracks + 1
        for da, db in ((3, 2), (2, 2), (3, 3), (2, 3), (4, 2), (4, 3), (2, 4), (1, 2), (2, 1)):
            lattice = [(i, j) for j in range(1, cfg.n_b - 1, db) for i in range(1, cfg.n_a - 1, da)]
            if len(lattice) < want:
                lattice = [(i, j) for j in range(0, cfg.n_b, db) for i in range(0, cfg.n_a, da)]
            for extra in (0, 1, 2):
                for margin in (0, w0 // 2):
                    cells = lattice[: want + extra]
                    if len(cells) < want:
                        continue
                    hits = sp.place(cells, thr + margin, order=sp.share_order)
                    if hits is not None:
                        yield hits

    return {
        "plain": plain,
        "empty": lambda: iter([[]]),
        "one_hit": one_hit,
        "hits_dropped": hits_dropped,
        "track_overflow": track_overflow,
        "acc_saturated": saturated,
        "tie": tie,
        "border_a": border(0),
        "border_b": border(1),
    }


class _HoughSpace(_Space):
    """Hough lines in integers: the bins a hit fills per column, as the fixed-point engine."""

    def __init__(self, cfg: HoughConfig, det: Detector) -> None:
        super().__init__(cfg, det, cfg.measurement_name)
        self.hc = cfg
        self.shift = cfg.tables.shift_hw  # (n_layers, n_a + 1)
        self.a_bend_hw = cfg.a_bend_hw()
        self.a_c = cfg.a_centres()
        # layers by how flat their lines are over a: their hits fill one bin over many columns
        self.share_order = list(np.argsort(np.abs(self.shift[:, -1] - self.shift[:, 0]), kind="stable"))

    def bins(self, h: Hit, i: int) -> tuple[int, int]:
        """The bins (first, last) hit ``h`` fills in column ``i`` (empty when first > last)."""
        cfg = self.hc
        if cfg.bend_filter and abs(int(cfg.quantize_bend(np.array([h[2]]))[0]) - int(self.a_bend_hw[i])) > (
            cfg.bend_window_hw
        ):
            return 0, -1
        e0 = h[1] - int(self.shift[h[0], i]) - cfg.b_min_hw
        e1 = h[1] - int(self.shift[h[0], i + 1]) - cfg.b_min_hw
        lo, hi = max(min(e0, e1) >> cfg.bin_shift, 0), min(max(e0, e1) >> cfg.bin_shift, cfg.n_b - 1)
        return lo, min(hi, lo + cfg.max_bins_per_column - 1)

    def fills(self, h: Hit, i: int, j: int) -> bool:
        lo, hi = self.bins(h, i)
        return lo <= j <= hi

    def line(self, a: float, b: float) -> list[Hit]:
        """The hits of the track (a, b) on every layer whose acceptance holds them."""
        m = self.hc.quantize_coord(b + self.hc.shifts(np.array([a]))[:, 0])
        return [(l, int(m[l]), float(a)) for l in range(self.hc.n_layers) if self.inside(l, int(m[l]))]

    def reach(self, i: int, j: int) -> list[Hit]:
        """Per layer, one hit inside the acceptance filling cell (i, j) (exact search over
        the coordinates whose line can reach the cell)."""
        cfg = self.hc
        w = 1 << cfg.bin_shift
        out: list[Hit] = []
        for l in range(cfg.n_layers):
            s0, s1 = int(self.shift[l, i]), int(self.shift[l, i + 1])
            lo = max(cfg.b_min_hw + j * w + min(s0, s1) - w, int(self.lo_hw[l]))
            hi = min(cfg.b_min_hw + (j + 1) * w + max(s0, s1) + w, int(self.hi_hw[l]))
            if lo > hi:
                continue
            m = np.arange(lo, hi + 1, dtype=np.int64)
            e0, e1 = m - s0 - cfg.b_min_hw, m - s1 - cfg.b_min_hw
            b_lo = np.maximum(np.minimum(e0, e1) >> cfg.bin_shift, 0)
            b_hi = np.minimum(np.maximum(e0, e1) >> cfg.bin_shift, cfg.n_b - 1)
            b_hi = np.minimum(b_hi, b_lo + cfg.max_bins_per_column - 1)
            ok = np.flatnonzero((b_lo <= j) & (j <= b_hi))
            if len(ok):
                out.append((l, int(m[ok[len(ok) // 2]]), float(self.a_c[i])))
        return out


def _hough_candidates(cfg: HoughConfig, det: Detector) -> dict[str, Callable[[], Iterator[list[Hit]]]]:
    sp = _HoughSpace(cfg, det)
    da, db = cfg.delta_a, cfg.delta_b
    cols, bins = _centre_first(cfg.n_a), _centre_first(cfg.n_b)
    # points inside a cell, as fractions of its width: sub-cell centres first
    spots = [(0.25, 0.25), (0.75, 0.75), (0.25, 0.75), (0.75, 0.25), (0.5, 0.5), (0.5, 0.25), (0.25, 0.5)]

    def track(i: float, j: float) -> list[Hit]:
        return sp.line(cfg.a_min + i * da, cfg.b_min + j * db)

    def plain() -> Iterator[list[Hit]]:
        for i in cols[:3]:
            for j in bins[:3]:
                for fa, fb in spots:
                    hits = track(i + fa, j + fb)
                    if len(hits) >= cfg.min_layers:
                        yield hits

    def one_hit() -> Iterator[list[Hit]]:
        for hits in plain():
            for h in hits:
                yield [h]

    def hits_dropped() -> Iterator[list[Hit]]:
        for hits in plain():
            yield hits + _with_bends(sp, _spread(sp, cfg.max_hits + 4 - len(hits)))
            break
        yield _with_bends(sp, _spread(sp, cfg.max_hits + 4))

    def copies(n: int) -> Callable[[], Iterator[list[Hit]]]:
        def gen() -> Iterator[list[Hit]]:
            if n > cfg.max_hits:
                return
            for hits in plain():
                yield [hits[k % len(hits)] for k in range(n)]

        return gen

    def fills_capped() -> Iterator[list[Hit]]:
        # a hit on the steepest line of a column, placed so that it crosses most bins
        w = 1 << cfg.bin_shift
        steep = np.abs(np.diff(sp.shift, axis=1))
        for flat in np.argsort(-steep, axis=None, kind="stable")[:64]:
            l, i = divmod(int(flat), cfg.n_a)
            for j in bins[:8]:
                base = cfg.b_min_hw + j * w + int(max(sp.shift[l, i], sp.shift[l, i + 1]))
                for off in range(w):
                    h = (l, base + off, float(sp.a_c[i]))
                    lo, _ = sp.bins(h, i)
                    if not sp.inside(l, h[1]):
                        continue
                    e = [h[1] - int(sp.shift[l, k]) - cfg.b_min_hw for k in (i, i + 1)]
                    full_hi = min(max(e) >> cfg.bin_shift, cfg.n_b - 1)
                    if full_hi - lo + 1 > cfg.max_bins_per_column:
                        yield [h]
                        break

    def border(axis: int) -> Callable[[], Iterator[list[Hit]]]:
        def gen() -> Iterator[list[Hit]]:
            if axis == 0:
                cells = [(i, j) for j in bins[:8] for i in (0, cfg.n_a - 1)]
            else:
                cells = [(i, j) for i in cols for j in (0, cfg.n_b - 1)]
            for i, j in cells:
                for fa, fb in spots[:4]:
                    hits = track(i + fa, j + fb)
                    if len(hits) >= cfg.min_layers:
                        yield hits
                hits = sp.reach(i, j)
                if len(hits) >= cfg.min_layers:
                    yield hits

        return gen

    def dup_removed() -> Iterator[list[Hit]]:
        # a track on a bin edge (or a column edge) fills two cells with the same hits
        for i in cols[:3]:
            for j in bins[:3]:
                for fa, fb in ((0.5, 0.0), (0.0, 0.5), (0.25, 0.0), (0.0, 0.0), (0.5, 0.5)):
                    hits = track(i + fa, j + fb)
                    if len(hits) >= cfg.min_layers:
                        yield hits

    def track_overflow() -> Iterator[list[Hit]]:
        want = cfg.max_tracks + 1
        for step_a, step_b in ((2, 2), (3, 2), (2, 3), (1, 2), (2, 1), (3, 3), (1, 3)):
            cells = [(i, j) for j in range(1, cfg.n_b - 1, step_b) for i in range(1, cfg.n_a - 1, step_a)]
            cells.sort(key=lambda c: (abs(c[1] - cfg.n_b / 2), c[1], c[0]))
            hits: list[Hit] = []
            n_tracks = 0
            for i, j in cells:
                pt = track(i + 0.5, j + 0.5)
                have = {h[0] for h in hits if sp.fills(h, i, j)}
                new = [h for h in sorted(pt, key=lambda h: sp.share_order.index(h[0])) if h[0] not in have]
                need = cfg.min_layers - len(have)
                if need > len(new):
                    continue
                if need > 0:
                    if len(hits) + need > cfg.max_hits:
                        break
                    hits += new[:need]
                n_tracks += 1
                if n_tracks >= want + 8:
                    break
            if n_tracks >= want:
                yield hits

    def comb() -> Iterator[list[Hit]]:
        # every layer: hits at one spacing over the middle of the acceptance; lines through
        # several of them cross everywhere in the grid
        n_per = cfg.max_hits // cfg.n_layers
        for spacing_bins in (1.0, 0.5, 2.0, 0.75, 1.5, 3.0):
            step = max(1, round(spacing_bins * (1 << cfg.bin_shift)))
            hits: list[Hit] = []
            for l in range(cfg.n_layers):
                mid = (int(sp.lo_hw[l]) + int(sp.hi_hw[l])) // 2
                for k in range(n_per):
                    hw = mid + (k - n_per // 2) * step
                    if sp.inside(l, hw):
                        hits.append((l, hw, float(sp.a_c[(k * 7 + l) % cfg.n_a])))
            yield hits

    def overflow_all() -> Iterator[list[Hit]]:
        yield from track_overflow()
        yield from comb()

    return {
        "plain": plain,
        "empty": lambda: iter([[]]),
        "one_hit": one_hit,
        "hits_dropped": hits_dropped,
        "list_full": copies(cfg.max_hits_per_cell),
        "list_overflow": copies(cfg.max_hits_per_cell + 1),
        "fills_capped": fills_capped,
        "track_overflow": overflow_all,
        "cand_overflow": lambda: iter(()),
        "dup_removed": dup_removed,
        "border_a": border(0),
        "border_b": border(1),
    }


def _border_b_unreachable(cfg: HoughConfig, det: Detector) -> str | None:
    """Why no cell of the first or last bin can become a candidate in ``det`` (None if one can)."""
    sp = _HoughSpace(cfg, det)
    for j in (0, cfg.n_b - 1):
        for i in range(cfg.n_a):
            if len(sp.reach(i, j)) >= cfg.min_layers:
                return None
    return (
        f"impossible in detector {det.name!r}: no cell of bin 0 or bin {cfg.n_b - 1} is crossed by the lines of "
        f"hits on MIN_LAYERS = {cfg.min_layers} layers inside the layers' acceptance"
    )


@dataclass(frozen=True)
class DirectedEvents:
    """One directed event per category that can be exercised.

    Attributes
    ----------
    algorithm, config_hash: what they were built for.
    events: the events, in category order, numbered ``DIRECTED_BASE + category index``.
    targets: the category each event was built for (and exercises).
    missing: category -> why it has no event (``"impossible: ..."`` or ``"no directed
        event: ..."``).
    plain: one event of one clean track.
    plain_exercises: the categories ``plain`` exercises all the same (none for the retina;
        ``dup_removed`` for a Hough with the mini-Hough or a duplicate rule, as a single
        track makes several candidates there).
    """

    algorithm: str
    config_hash: str
    events: Events
    targets: tuple[str, ...]
    missing: dict[str, str]
    plain: Events
    plain_exercises: tuple[str, ...] = ()


_BATCH = 24  # candidates classified per golden-model run
_N_GENERATED = 200  # generated events per mix that the last resort searches
_BUSIER = (1.0, 4.0, 20.0)  # ... with these multiples of the detector's particles per vertex
_GENERATED_SEED = 16


def _generated(space: _Space) -> Iterator[list[Hit]]:
    """The hits of generated events (fixed seed), ever busier: the last resort of a
    category the builders miss."""
    from .. import generate

    det, cfg = space.det, space.cfg
    for k in _BUSIER:
        ev = generate.generate(
            det, _N_GENERATED, seed=_GENERATED_SEED, particles_per_vertex=det.mix.particles_per_vertex * k
        )
        offsets, cols = ev.flat_hits()
        layer = cols["layer"]
        # on the LSB grid, inside the layer (a hit at a layer's edge can round beyond it)
        hw = np.clip(cfg.quantize_coord(cols[space.measurement]), space.lo_hw[layer], space.hi_hw[layer])
        bend = cols.get("bend_qoverpt", np.zeros(len(hw)))
        for e in range(len(ev)):
            yield [(int(layer[h]), int(hw[h]), float(bend[h])) for h in range(offsets[e], offsets[e + 1])]


def _first_exercising(
    algorithm: str, cfg: Any, space: _Space, category: str, gen: Iterator[list[Hit]], limit: int = 240
) -> list[Hit] | None:
    """The first candidate of ``gen`` on which :func:`classify` finds ``category``."""
    tried = 0
    while tried < limit:
        batch = [h for _, h in zip(range(_BATCH), gen, strict=False)]
        if not batch:
            return None
        tried += len(batch)
        hit = classify(algorithm, cfg, space.events(batch))[category]
        if hit.any():
            return batch[int(np.argmax(hit))]
    return None


def _plainest(
    algorithm: str, cfg: Any, space: _Space, gen: Iterator[list[Hit]], limit: int = 48
) -> tuple[list[Hit], tuple[str, ...]] | None:
    """The candidate of ``gen`` (among the first ``limit``) that exercises the fewest
    categories, and those categories."""
    batch = [h for _, h in zip(range(limit), gen, strict=False)]
    if not batch:
        return None
    found = classify(algorithm, cfg, space.events(batch))
    hit = np.stack(list(found.values()))
    best = int(np.argmin(hit.sum(axis=0)))
    return batch[best], tuple(c for c, v in found.items() if v[best])


_DIRECTED: dict[tuple[str, str, str], DirectedEvents] = {}


def _directed(algorithm: str, cfg: Any, det: Detector) -> DirectedEvents:
    names = category_names(algorithm)
    missing = impossible(algorithm, cfg)
    space: _Space
    if algorithm == "retina":
        space = _RetinaSpace(cfg, det)
        cands = _retina_candidates(cfg, det)
    else:
        space = _HoughSpace(cfg, det)
        cands = _hough_candidates(cfg, det)
        if "border_b" not in missing:
            why = _border_b_unreachable(cfg, det)
            if why:
                missing["border_b"] = why
    plainest = _plainest(algorithm, cfg, space, cands["plain"]())
    if plainest is None:
        raise ValueError(f"no single-track {algorithm} event for config {cfg.name!r} inside detector {det.name!r}")
    plain, plain_exercises = plainest
    built: dict[str, list[Hit]] = {}
    pending = []
    for name in names:
        if name in missing:
            continue
        hits = _first_exercising(algorithm, cfg, space, name, cands[name]())
        if hits is None:
            pending.append(name)
        else:
            built[name] = hits
    if pending and built:  # a category another directed event exercises as well
        found = classify(algorithm, cfg, space.events(list(built.values())))
        for name in pending:
            if found[name].any():
                built[name] = list(built.values())[int(np.argmax(found[name]))]
    for name in pending:  # else the first of generated events, busier and busier, that does
        if name not in built:
            hits = _first_exercising(algorithm, cfg, space, name, _generated(space), limit=10_000)
            if hits is None:
                missing[name] = (
                    f"no directed event: neither the builders of {name!r} nor {_N_GENERATED} generated events "
                    f"per mix ({', '.join(f'{k:g}x' for k in _BUSIER)} the particles) reach it"
                )
            else:
                built[name] = hits
    targets = tuple(c for c in names if c in built)
    return DirectedEvents(
        algorithm,
        cfg.config_hash(),
        space.events([built[c] for c in targets], [DIRECTED_BASE + names.index(c) for c in targets]),
        targets,
        {c: missing[c] for c in names if c in missing},
        space.events([plain]),
        plain_exercises,
    )


def directed_events(algorithm: str, config: Any, det: Detector) -> DirectedEvents:
    """One event per category of ``algorithm`` that ``config`` and ``det`` allow, each
    checked with :func:`classify` (cached per config and detector)."""
    categories(algorithm)
    key = (algorithm, config.config_hash(), det.to_json())
    if key not in _DIRECTED:
        _DIRECTED[key] = _directed(algorithm, config, det)
    return _DIRECTED[key]


# ---------------------------------------------------------------------------------------
# the event mix and the report
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MixedEvents:
    """A sample with directed events among its own: ``targets[e]`` is the category event
    ``e`` was built for, ``""`` for the sample's events."""

    events: Events
    targets: tuple[str, ...]

    @property
    def directed(self) -> np.ndarray:
        """Per event, whether it is a directed one."""
        return np.array([t != "" for t in self.targets], dtype=bool)

    def sample_first(self) -> tuple[Events, int]:
        """The same events, the sample's first (in their order), then the directed ones;
        and how many of the sample's there are (the co-simulation's back-to-back stream,
        whose throughput and latency are quoted over the sample's events)."""
        d = self.directed
        order = np.concatenate([np.flatnonzero(~d), np.flatnonzero(d)])
        return self.events[order], int((~d).sum())


def mix_directed(
    algorithm: str, config: Any, events: Events, *, seed: int, share: float = DEFAULT_SHARE
) -> MixedEvents:
    """``events`` with ``max(round(share·N), categories with an event)`` of them (at most N)
    replaced by directed events (:func:`directed_events`, cycling through the categories),
    at positions drawn from ``seed``. The others keep their order and numbers; the result
    has no truth particles (directed events have none)."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share must be in [0, 1], got {share}")
    d = directed_events(algorithm, config, events.detector)
    n, k = len(events), len(d.targets)
    n_dir = min(n, max(k, round(share * n))) if k and share > 0 else 0
    rng = np.random.default_rng([seed, 0xC0FE])
    where = np.sort(rng.choice(n, n_dir, replace=False)) if n_dir else np.zeros(0, dtype=np.int64)
    order = rng.permutation(k) if k else np.zeros(0, dtype=np.int64)
    fields = ["hit_id", "layer", "particle_id", *events.detector.hit_fields]
    hits = ak.concatenate([events.hits[fields], d.events.hits[fields]])
    take = np.arange(n)
    numbers = events.event_number.copy()
    targets = [""] * n
    names = category_names(algorithm)
    for r, pos in enumerate(where):
        c = int(order[r % k])
        take[pos] = n + c
        numbers[pos] = DIRECTED_BASE + 100 * (r // k) + names.index(d.targets[c])
        targets[pos] = d.targets[c]
    mixed = Events(events.detector, hits[take], None, events.seed, event_number=numbers)
    return MixedEvents(mixed, tuple(targets))


def default_mix(
    algorithm: str, config: Any, det: Detector, n_events: int, *, seed: int, share: float = DEFAULT_SHARE
) -> MixedEvents:
    """The co-simulation's default events: ``n_events`` generated ones (``seed``) with a
    share of directed events among them (:func:`mix_directed`)."""
    from .. import generate

    return mix_directed(algorithm, config, generate.generate(det, n_events, seed=seed), seed=seed, share=share)


@dataclass(frozen=True)
class CoverageReport:
    """How many events of a sample exercise each category.

    ``missing`` holds the categories no event can exercise with the config and detector
    (or that the directed builders could not reach), with the reason.
    """

    algorithm: str
    config_hash: str
    events: int
    counts: dict[str, int]
    missing: dict[str, str] = field(default_factory=dict)

    @property
    def covered(self) -> tuple[str, ...]:
        return tuple(c for c, n in self.counts.items() if n > 0)

    @property
    def not_covered(self) -> tuple[str, ...]:
        """Categories no event exercised, among those that can be exercised."""
        return tuple(c for c, n in self.counts.items() if n == 0 and c not in self.missing)

    @property
    def unreachable(self) -> tuple[str, ...]:
        """Categories no event exercised that cannot be exercised (``missing``)."""
        return tuple(c for c, n in self.counts.items() if n == 0 and c in self.missing)

    def summary(self) -> dict[str, int | str]:
        """Category -> events exercising it, or, for an unexercised category that cannot be
        exercised, the reason (the co-simulation's ``coverage``)."""
        return {c: self.missing[c] if n == 0 and c in self.missing else n for c, n in self.counts.items()}

    def line(self) -> str:
        """One line: covered (events), NOT covered, not reachable (:func:`summary_line`)."""
        return summary_line(self.summary())

    def table(self) -> str:
        rows = [(c, str(n) if n or c not in self.missing else self.missing[c]) for c, n in self.counts.items()]
        w = max(len(c) for c, _ in rows)
        head = f"{self.algorithm} coverage over {self.events} events (config {self.config_hash})"
        return "\n".join([head, *(f"  {c:<{w}}  {v}" for c, v in rows)])


def summary_line(summary: Mapping[str, int | str]) -> str:
    """One line from a :meth:`CoverageReport.summary`: the covered categories with their
    events, the NOT covered ones, the ones not reachable with the config."""
    covered = [f"{c} ({n})" for c, n in summary.items() if not isinstance(n, str) and n > 0]
    parts = [", ".join(covered) or "none"]
    missed = [c for c, n in summary.items() if not isinstance(n, str) and n == 0]
    if missed:
        parts.append("NOT covered: " + ", ".join(missed))
    unreachable = [c for c, n in summary.items() if isinstance(n, str)]
    if unreachable:
        parts.append("not reachable with this config: " + ", ".join(unreachable))
    return "; ".join(parts)


def coverage_report(algorithm: str, config: Any, events: Events) -> CoverageReport:
    """Per category, the events of ``events`` that exercise it; categories that no event can
    exercise with ``config`` in the events' detector come with the reason."""
    found = classify(algorithm, config, events)
    try:
        missing = directed_events(algorithm, config, events.detector).missing
    except ValueError:  # no directed events for this config (2D measurements)
        missing = impossible(algorithm, config)
    return CoverageReport(
        algorithm, config.config_hash(), len(events), {c: int(v.sum()) for c, v in found.items()}, missing
    )

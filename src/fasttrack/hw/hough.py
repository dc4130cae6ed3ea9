"""The Hough transform's hardware description: generated constants and tables, stream
words, test vectors, the co-simulation's stream plan and the cycle model of ``hdl/hough``.

Generated files (:func:`files`, through :mod:`fasttrack.hw.codegen`): ``hough_params.h``,
``hough_tables.h``, ``hough_pkg.sv``, ``hough_shift.mem`` (line shift at the column edges,
layer-major), ``hough_sub_shift.mem`` (the same at half-column edges, for the mini-Hough),
``hough_a_bend.mem`` (column q/pT for the bend filter) and ``platform.tcl``.

Stream words (:func:`lane_layout`, :func:`track_layout`)
    Input: one lane; one word per hit in input order (``eoe = 0``), then the end-of-event
    word (``eoe = 1``, other fields 0). Output: per output candidate a track word
    (``kind = KIND_TRACK``: ``cell_a`` = column, ``cell_b`` = bin, ``sub``, ``layer_mask``,
    ``n_hits``) and its hit-id words (``KIND_HIT``), then the end-of-event word
    (``KIND_EOE``, ``last = 1``) with the counters; every word carries the event tag.

Test vectors (:func:`write_vectors`; format in :mod:`fasttrack.hw.vectors`)
    ``hough_hits.txt``: ``H layer coord [bend] hit_id``. ``hough_masks.txt``: ``E event
    n`` then ``C cell layer_mask n_hits`` for every filled cell after the event, raster
    order (``cell = column·N_B + bin``), ``n_hits`` counting listed and unlisted hits.
    ``hough_tracks.txt``: ``E event n n_hits_dropped n_candidates n_fills_capped
    n_list_overflows`` then ``T cell_a cell_b sub layer_mask n hit_id...`` (``sub`` = −1
    without the mini-Hough; the ``n`` hit ids of the candidate's list follow).

Cycle model of ``hdl/hough/hough_top.sv``: :func:`readout_cycles` (one event's readout,
clock by clock) and :func:`schedule` (two event banks).

Example
-------
>>> from fasttrack import detector, generate
>>> from fasttrack.hough import HoughConfig
>>> det = detector.barrel()
>>> est = cycle_estimate(HoughConfig.for_rtl(det), generate.generate(det, 50, seed=1))
>>> 20 < est.cycles_per_event < 200
True
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .. import azimuth
from ..bits import bits_signed, bits_unsigned
from ..events import Events
from ..hough import Hough, HoughConfig
from ..hough import engine as hough_engine
from . import codegen
from . import vectors as vec
from .cyclemodel import CycleEstimate, estimate_from_schedule
from .platform import CLOCK_MHZ
from .words import EVENT_TAG_BITS, Field, WordLayout

__all__ = [
    "CMP_LANES",
    "FILL_DELAY",
    "KIND_EOE",
    "KIND_HIT",
    "KIND_TRACK",
    "LIST_LATENCY",
    "MINI_LANES",
    "STAGES",
    "SUB_MAX",
    "SUB_NONE",
    "constants",
    "cycle_estimate",
    "event_loads",
    "files",
    "fill_bins",
    "lane_layout",
    "max_candidate_cells",
    "max_candidates",
    "max_idle_cycles",
    "readout_cycles",
    "rtl_unsupported",
    "schedule",
    "stream_plan",
    "track_layout",
    "write_vectors",
]

STAGES = ("hits", "masks", "tracks")

KIND_TRACK, KIND_HIT, KIND_EOE = 0, 1, 2  # the `kind` of an output word
SUB_NONE = -1  # `sub` of a candidate without the mini-Hough; else 2·(column half) + (bin half)
SUB_MAX = 3  # the largest `sub`: the mini-Hough splits a cell 2x2

# micro-architecture of hdl/hough/hough_top.sv (not detector choices; the generated package
# carries them, the cycle model reads them here): listed hits the mini-Hough refills per
# clock (lane t takes the slots s with s % MINI_LANES == t), and kept candidates one
# duplicate check compares per clock. Powers of two.
MINI_LANES = 8
CMP_LANES = 2
# clocks the end-of-event token waits after stage A before the bank counts as full: the
# columns' fill pipeline (bin range, bins, read-modify-write) and the two registered sums
# of the counters over the columns must be done when the front readout reads them
FILL_DELAY = 3
# clocks from the front readout's first LIST clock to the first listed cell at the head of
# hough_lister's FIFO (an event without candidate cells has its answer in that first clock)
LIST_LATENCY = 6
# the mini-Hough refill pipeline: clocks from a cell's last token (the slot walk's last
# clock) to its refilled sub-cells in the accumulator (token, hit-buffer read, distances
# to the half-column edges, sub-cell hits, accumulate), and the entries of the FIFO of
# refilled cells in front of the candidate store (a cell is loaded only with a credit)
REFILL_STAGES = 5
REFILL_QUEUE = 8


def fill_bins(cfg: HoughConfig) -> int:
    """Bins one hit can fill in one column: min(MAX_BINS_PER_COLUMN, N_B)."""
    return min(cfg.max_bins_per_column, cfg.n_b)


def max_candidate_cells(cfg: HoughConfig) -> int:
    """Candidate cells an event can have: a candidate cell needs MIN_LAYERS fills, and an
    event has at most MAX_HITS·N_A·F fills."""
    return min(cfg.n_a * cfg.n_b, cfg.max_hits * cfg.n_a * fill_bins(cfg) // cfg.min_layers)


def max_candidates(cfg: HoughConfig) -> int:
    """Candidates an event can have before duplicate removal (the HLS kernel's buffer): the
    candidate cells, each of which the mini-Hough makes up to SUB_MAX + 1 candidates of."""
    return max_candidate_cells(cfg) * (SUB_MAX + 1 if cfg.mini_hough else 1)


# ---------------------------------------------------------------------------------------
# stream words
# ---------------------------------------------------------------------------------------
def lane_layout(cfg: HoughConfig) -> WordLayout:
    """The hit word of the single input lane."""
    return WordLayout(
        (
            Field("eoe", 1, doc="1: the end-of-event word, no hit (on the AXI4-Stream input, TLAST replaces it)"),
            Field("layer", bits_unsigned(cfg.n_layers - 1), doc="hit: layer id"),
            Field(
                "coord",
                cfg.coord_bits,
                signed=True,
                doc="hit: measured coordinate (fixed point, LSB and range from the config)",
            ),
            Field("bend", max(cfg.bend_bits, 1), signed=True, doc="hit: stub bend (used when the bend filter is on)"),
            Field("hit_id", cfg.hit_id_bits, doc="hit: the user's hit id, returned in the track's hit words"),
        )
    )


def track_layout(cfg: HoughConfig) -> WordLayout:
    """The output word: a candidate, one of its hit ids, or the end-of-event word."""
    return WordLayout(
        (
            Field("last", 1, doc="1 on the end-of-event word (TLAST repeats it)"),
            Field("kind", bits_unsigned(max(KIND_TRACK, KIND_HIT, KIND_EOE)), doc="0 track, 1 hit id, 2 end of event"),
            Field("cell_a", bits_unsigned(cfg.n_a - 1), doc="track: column"),
            Field("cell_b", bits_unsigned(cfg.n_b - 1), doc="track: bin"),
            Field(
                "sub",
                bits_signed(SUB_NONE, SUB_MAX),
                signed=True,
                doc="track: mini-Hough sub-cell 2·(column half) + (bin half), or -1",
            ),
            Field("layer_mask", cfg.n_layers, doc="track: layers with hits in the cell"),
            Field("n_hits", bits_unsigned(cfg.max_hits_per_cell), doc="track: hit ids that follow"),
            Field("hit_id", cfg.hit_id_bits, doc="hit word: one hit id of the track"),
            Field("n_tracks", bits_unsigned(cfg.max_tracks), doc="end word: tracks sent"),
            Field("n_hits_dropped", cfg.drop_count_bits, doc="end word: hits dropped at MAX_HITS (saturating)"),
            Field(
                "n_candidates",
                bits_unsigned(max_candidates(cfg)),
                doc="end word: candidates (after duplicate removal with rule 2)",
            ),
            Field(
                "n_fills_capped",
                bits_unsigned(cfg.max_hits * cfg.n_a * cfg.n_b),
                doc="end word: bin fills capped at MAX_BINS_PER_COLUMN",
            ),
            Field(
                "n_list_overflows",
                bits_unsigned(cfg.max_hits * cfg.n_a * fill_bins(cfg)),
                doc="end word: hits not listed because a cell list was full",
            ),
            Field("event", EVENT_TAG_BITS, doc="the event's position in the stream modulo 2^16"),
        )
    )


# ---------------------------------------------------------------------------------------
# generated files
# ---------------------------------------------------------------------------------------
def constants(cfg: HoughConfig) -> list[codegen.Constant]:
    """(NAME, value, comment) of every integer constant the Hough hardware needs."""
    return [
        ("N_LAYERS", cfg.n_layers, "detector layers (layer-mask bits)"),
        ("N_A", cfg.n_a, f"columns over a = {cfg.param_names[0]}"),
        ("N_B", cfg.n_b, f"bins over b = {cfg.param_names[1]}"),
        ("COORD_BITS", cfg.coord_bits, f"signed hit coordinate and line ends, LSB = {cfg.coord_lsb!r}"),
        ("LAYER_BITS", bits_unsigned(cfg.n_layers - 1), "layer id"),
        ("HIT_ID_BITS", cfg.hit_id_bits, "hit id within the event"),
        ("DROP_COUNT_BITS", cfg.drop_count_bits, "dropped-hit counter of the end-of-event word (saturates)"),
        ("B_MIN", cfg.b_min_hw, "lower edge of bin 0 in coordinate LSBs"),
        ("BIN_SHIFT", cfg.bin_shift, "bin = (coordinate - SHIFT - B_MIN) >> BIN_SHIFT"),
        ("MAX_BINS_PER_COLUMN", cfg.max_bins_per_column, "bins one hit fills per column, from the lowest"),
        ("MIN_LAYERS", cfg.min_layers, "candidate: popcount(layer mask) >= MIN_LAYERS"),
        ("MAX_HITS_PER_CELL", cfg.max_hits_per_cell, "hits listed per cell; later ones only set the mask"),
        ("MAX_HITS", cfg.max_hits, "hits per event buffered; later hits dropped and flagged"),
        ("MAX_TRACKS", cfg.max_tracks, "candidates per event output; later ones dropped and flagged"),
        (
            "DUPLICATE_RULE",
            {"none": 0, "localmax": 1, "sharing": 2}[cfg.duplicate_rule],
            "0 none, 1 local maximum of the layer count, 2 shared hits",
        ),
        ("DUP_MIN_SHARED", cfg.dup_min_shared, "rule 2: a duplicate shares at least this many hits"),
        ("DUP_MAX_NEW", cfg.dup_max_new, "rule 2: ... and has at most this many hits the kept one lacks"),
        ("MINI_HOUGH", int(cfg.mini_hough), "1: candidate cells refilled split 2x2"),
        ("BEND_FILTER", int(cfg.bend_filter), "1: a stub fills only columns within BEND_WINDOW of its bend"),
        ("BEND_BITS", max(cfg.bend_bits, 1), f"signed stub bend (q/pT estimate), LSB = {cfg.bend_lsb!r} /GeV"),
        ("BEND_WINDOW", max(cfg.bend_window_hw, 0), "bend filter: |bend - A_BEND[i]| <= BEND_WINDOW"),
        ("COLUMN_BITS", bits_unsigned(cfg.n_a - 1), "column index"),
        ("BIN_BITS", bits_unsigned(cfg.n_b - 1), "bin index"),
        ("FILL_BINS", fill_bins(cfg), "bins one hit fills per column, min(MAX_BINS_PER_COLUMN, N_B)"),
        ("FILL_BINS_BITS", bits_unsigned(fill_bins(cfg)), "bins of one column one hit fills, 0..FILL_BINS"),
        ("SLOT_BITS", bits_unsigned(cfg.max_hits), "arrival slot counter 0..MAX_HITS"),
        ("LAYER_COUNT_BITS", bits_unsigned(cfg.n_layers), "layers of a layer mask (popcount), 0..N_LAYERS"),
        ("CELL_COUNT_BITS", bits_unsigned(cfg.max_hits_per_cell), "listed hits of a cell, 0..MAX_HITS_PER_CELL"),
        (
            "CELL_FILLS_BITS",
            bits_unsigned(cfg.max_hits),
            "HLS: hits that filled a cell, listed or not, 0..MAX_HITS (a hit fills a cell once)",
        ),
        (
            "CELL_WORD_BITS",
            cfg.n_layers + bits_unsigned(cfg.max_hits_per_cell) + cfg.max_hits,
            "RTL: cell word {hit list (slot set), listed count, layer mask}",
        ),
        ("MINI_LANES", MINI_LANES, "RTL: listed hits the mini-Hough refills per clock (a power of two)"),
        ("CMP_LANES", CMP_LANES, "RTL: kept candidates one duplicate check compares per clock (a power of two)"),
        ("FILL_DELAY", FILL_DELAY, "RTL: clocks from an end word in stage A to its bank counting as full"),
        ("LIST_LATENCY", LIST_LATENCY, "RTL: clocks from the front readout's start to its first listed cell"),
        ("REFILL_STAGES", REFILL_STAGES, "RTL: clocks from a cell's last refill token to its sub-cells accumulated"),
        ("REFILL_QUEUE", REFILL_QUEUE, "RTL: refilled cells the FIFO in front of the candidate store holds"),
        ("MAX_CAND_CELLS", max_candidate_cells(cfg), "candidate cells per event (worst case)"),
        ("MAX_CAND", max_candidates(cfg), "candidates per event before duplicate removal (worst case)"),
        ("N_CAND_BITS", bits_unsigned(max_candidates(cfg)), "candidate counter 0..MAX_CAND"),
        (
            "N_KEYS",
            (cfg.n_layers - cfg.min_layers + 1) * (cfg.max_hits_per_cell + 1),
            "RTL: rank keys (N_LAYERS - layers) * (MAX_HITS_PER_CELL + 1) + listed hits",
        ),
        ("WORD_KIND_TRACK", KIND_TRACK, "output word kind: a candidate"),
        ("WORD_KIND_HIT", KIND_HIT, "output word kind: one hit id of the candidate before"),
        ("WORD_KIND_EOE", KIND_EOE, "output word kind: end of event"),
        ("SUB_NONE", SUB_NONE, "output word sub of a candidate without the mini-Hough"),
        ("EVENT_TAG_BITS", EVENT_TAG_BITS, "RTL output word: event number modulo 2^EVENT_TAG_BITS"),
        *codegen.layout_constants("IN", lane_layout(cfg), "RTL input word"),
        *codegen.layout_constants("OUT", track_layout(cfg), "output word (RTL; HLS cand_word widths)"),
    ]


def files(cfg: HoughConfig) -> dict[str, str]:
    """File name -> content of everything HLS and RTL need for this Hough transform."""
    azimuth.refuse_hardware(cfg, "hough", "HLS/RTL files")
    sub_edges = cfg.a_min + np.arange(2 * cfg.n_a + 1) * (cfg.delta_a / 2.0)
    return codegen.render(
        codegen.HeaderSpec(
            prefix="hough",
            config_class="HoughConfig",
            config_name=cfg.name,
            config_hash=cfg.config_hash(),
            consts=constants(cfg),
            typedefs=[
                ("coord_t", "s", "COORD_BITS", "hit coordinate and line ends"),
                ("layer_t", "u", "LAYER_BITS", ""),
                ("hit_id_t", "u", "HIT_ID_BITS", ""),
                ("mask_t", "u", "N_LAYERS", "layer mask of a cell"),
                ("column_t", "u", "COLUMN_BITS", ""),
                ("bin_t", "u", "BIN_BITS", ""),
                ("bend_t", "s", "BEND_BITS", "stub bend (bend filter)"),
            ],
            tables=[
                codegen.Table(
                    "SHIFT",
                    (cfg.n_layers, cfg.n_a + 1),
                    cfg.tables.shift_hw,
                    cfg.coord_bits,
                    True,
                    "line shift at the column edges [layer][edge]: b = coordinate - SHIFT (LSBs)",
                    sv_inline=True,
                ),
                codegen.Table(
                    "SUB_SHIFT",
                    (cfg.n_layers, 2 * cfg.n_a + 1),
                    cfg.quantize_coord(cfg.shifts(sub_edges)),
                    cfg.coord_bits,
                    True,
                    "mini-Hough: line shift at the half-column edges [layer][edge]",
                    sv_inline=True,
                ),
                codegen.bend_table(
                    cfg.tables.a_bend_hw, cfg.bend_bits, "q/pT of the column centres, in bend LSBs (bend filter)"
                ),
            ],
        )
    )


# ---------------------------------------------------------------------------------------
# test vectors
# ---------------------------------------------------------------------------------------
def write_vectors(cfg: HoughConfig, events: Events, out_dir: str | Path) -> dict[str, Path]:
    """Run the fixed Hough transform on ``events`` and write its three stage files."""
    azimuth.refuse_hardware(cfg, "hough", "test vectors")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    res = Hough(cfg).run(events, "fixed", keep_maps=True)
    assert res.masks is not None and res.hit_counts is not None
    extra = vec.event_info(events)
    hits = vec.hit_lines("hough", cfg, events, (cfg.measurement_name,), extra)
    masks = vec.header("hough", "masks", cfg, "E <event> <n> | C <cell> <layer_mask> <n_hits>", extra)
    trk = vec.header(
        "hough",
        "tracks",
        cfg,
        "E <event> <n> <n_hits_dropped> <n_candidates> <n_fills_capped> <n_list_overflows> | "
        "T <cell_a> <cell_b> <sub> <layer_mask> <n> <hit_id>...",
        extra,
    )
    id_mask = (1 << cfg.hit_id_bits) - 1
    for e in range(len(events)):
        ev_no = int(events.event_number[e])
        m = res.masks[e]
        nz = np.flatnonzero(m.ravel())
        masks.append(f"E {ev_no} {len(nz)}")
        masks += [f"C {int(c)} {int(m.flat[c])} {int(res.hit_counts[e].flat[c])}" for c in nz]
        t = res.tracks[e]
        trk.append(
            f"E {ev_no} {len(t)} {int(res.n_hits_dropped[e])} {int(res.n_candidates[e])} "
            f"{int(res.n_fills_capped[e])} {int(res.n_list_overflows[e])}"
        )
        for k in range(len(t)):
            ids = " ".join(str(int(v) & id_mask) for v in t.hit_ids[k])
            trk.append(
                f"T {int(t.cell_a[k])} {int(t.cell_b[k])} {int(t.sub[k])} {int(t.layer_mask[k])} {len(t.hit_ids[k])}"
                + (f" {ids}" if ids else "")
            )
    return vec.write_stages("hough", STAGES, (hits, masks, trk), out)


# ---------------------------------------------------------------------------------------
# co-simulation
# ---------------------------------------------------------------------------------------
def rtl_unsupported(cfg: HoughConfig) -> str | None:
    """Why ``hdl/hough`` cannot be built for ``cfg`` (None when it can)."""
    if cfg.phi_wrap:
        return azimuth.NO_HARDWARE_WRAP
    if cfg.duplicate_rule == "localmax":
        return "the Hough RTL implements the duplicate rules 'none' and 'sharing', not 'localmax'"
    if fill_bins(cfg) not in (1, 2, 4):
        return (
            f"the Hough RTL's columns keep min(max_bins_per_column, n_b) = {fill_bins(cfg)} bins per hit in as many "
            "memories, which must be 1, 2 or 4"
        )
    return None


def stream_plan(cfg: HoughConfig, vec_dir: Path) -> dict[str, Any]:
    """Input words and expected output words per event from a folder of Hough vectors."""
    h = cfg.config_hash()
    hits = vec.read_vectors(vec_dir / "hough_hits.txt", expect_hash=h)
    trk = vec.read_vectors(vec_dir / "hough_tracks.txt", expect_hash=h)
    lane, out = lane_layout(cfg), track_layout(cfg)
    tag_mask = (1 << EVENT_TAG_BITS) - 1
    bend = cfg.bend_filter
    events = []
    for e, recs in enumerate(hits.records):
        words = [
            lane.pack({"layer": nums[0], "coord": nums[1], "bend": nums[2] if bend else 0, "hit_id": nums[-1]})
            for (_t, nums) in recs
        ]
        words.append(lane.pack({"eoe": 1}))
        n, dropped, n_cand, capped, overflows = trk.event_values[e][1:6]
        tag = e & tag_mask
        expected = []
        for _t, (col, b, sub, mask, nh, *ids) in trk.records[e]:
            expected.append(
                out.pack(
                    {"kind": KIND_TRACK, "cell_a": col, "cell_b": b, "sub": sub, "layer_mask": mask}
                    | {"n_hits": nh, "event": tag}
                )
            )
            expected += [out.pack({"kind": KIND_HIT, "hit_id": i, "event": tag}) for i in ids]
        expected.append(
            out.pack(
                {
                    "last": 1,
                    "kind": KIND_EOE,
                    "n_tracks": n,
                    "n_hits_dropped": dropped,
                    "n_candidates": n_cand,
                    "n_fills_capped": capped,
                    "n_list_overflows": overflows,
                    "event": tag,
                }
            )
        )
        events.append({"lanes": [words], "expected": expected, "number": trk.event_values[e][0]})
    return {
        "top": "hough_axis",
        "config_hash": h,
        "n_lanes": 1,
        "lane_bits": lane.bits,
        "lane_tdata_bits": lane.tdata_bits,
        "lane_last_lsb": lane.lsb("eoe"),
        "out_tdata_bits": out.tdata_bits,
        "out_fields": out.to_fields(),
        "events": events,
    }


def max_idle_cycles(cfg: HoughConfig) -> int:
    """Clocks without an output word after which the harness gives up on the design."""
    return 1000 + 4 * cfg.n_a * cfg.n_b


# ---------------------------------------------------------------------------------------
# cycle model
# ---------------------------------------------------------------------------------------
def refill_clocks(refill: Sequence[int], passing: Sequence[int]) -> int:
    """Clocks of LIST with the mini-Hough, from its first clock to the one it ends in
    (inclusive), for cells that take ``refill[c]`` slot-walk clocks (at least 1) and have
    ``passing[c]`` passing sub-cells, in raster order.

    A clock-by-clock replay of ``hdl/hough/hough_top.sv``'s refill pipeline:

    * the slot walk loads cell ``c`` (pops it from the lister, whose ``c``-th cell is at the
      FIFO head from clock ``LIST_LATENCY + c``) when it is idle or in the previous cell's
      last token clock, and a result-FIFO credit is left; it issues one token per clock from
      the clock after;
    * ``REFILL_STAGES`` clocks after its last token the cell is complete: with a passing
      sub-cell it is written into the result FIFO (its head one clock later), without one
      its credit comes back (one clock later);
    * the store writes one passing sub-cell per clock and takes the FIFO head (giving its
      credit back) in the clock its last one is written, or at once when it is empty;
    * LIST ends in the first clock with every cell loaded, no token in flight, the FIFO
      empty and the store's last sub-cell written (that clock).
    """
    n = len(refill)
    credits = REFILL_QUEUE
    k = 0  # next cell to load
    s_left = 0  # tokens of the loaded cell still to issue (0: idle)
    cur = -1
    flight: list[tuple[int, int]] = []  # (clock its ACC is complete, cell)
    fifo: list[tuple[int, int]] = []  # (clock from which it is the head's candidate, cell)
    q_left = 0  # sub-cells the store still writes
    c = 0
    while True:
        # registered state of clock c -> this clock's decisions
        done_now = [cell for (t, cell) in flight if t == c]
        q_next = max(q_left - 1, 0)
        q_load = q_next == 0 and bool(fifo) and fifo[0][0] <= c
        last = s_left == 1
        load = k < n and c >= LIST_LATENCY + k and credits > 0 and (s_left == 0 or last)
        in_flight = any(t >= c for (t, _cell) in flight)
        if k == n and s_left == 0 and not in_flight and not fifo and q_next == 0:
            return c + 1
        # updates at the clock edge
        if s_left:
            if last:
                flight.append((c + REFILL_STAGES, cur))
            s_left -= 1
        if load:
            cur, s_left, k = k, max(int(refill[k]), 1), k + 1
            credits -= 1
        for cell in done_now:
            if passing[cell]:
                fifo.append((c + 1, cell))
            else:
                credits += 1
        flight = [(t, cell) for (t, cell) in flight if t > c]
        if q_load:
            q_left = int(passing[fifo.pop(0)[1]])
            credits += 1
        else:
            q_left = q_next
        c += 1


def readout_cycles(
    hough: Hough, hits: hough_engine.Hits, h0: int, mask: np.ndarray, count: np.ndarray, lists: np.ndarray
) -> tuple[int, int]:
    """Clocks of the two readout units for one event (its hits from ``h0``; its filled
    cells ``mask``, ``count``, ``lists``), no back-pressure: ``(front, emission)``.

    ``front``: the front readout from its first LIST clock to its last clock (the one that
    hands the event to the emission), inclusive. ``emission``: the clocks that visit a
    candidate or write a track or hit-id word (the clock that stops and the end word's
    clock come on top: :func:`schedule`).

    An event with candidate cells waits ``LIST_LATENCY`` clocks in LIST for the lister's
    first cell. Without the mini-Hough, LIST stores one candidate cell per clock and one
    more clock finds none left. With it, each cell is refilled in ``m(c)`` slot-walk clocks
    (its listed hits over ``MINI_LANES`` lanes: the most any lane holds, at least 1)
    and its passing sub-cells are stored one per clock behind the refill pipeline
    (:func:`refill_clocks`). Rule "sharing": one clock
    per rank key present and one that finds none, and per candidate in rank order
    ``q // CMP_LANES + 1`` clocks when kept candidate ``q`` is the first it duplicates,
    else ``max(1, ceil(kept / CMP_LANES))``. Emission: one clock per candidate visited
    and per hit-id word.
    """
    cfg = hough.config
    ml, nl_min = cfg.max_hits_per_cell, cfg.min_layers
    pc = np.vectorize(lambda m: int(m).bit_count())(mask) if mask.size else mask
    cell_i, cell_j = np.nonzero(pc >= nl_min)  # raster order
    cells = [(int(i), int(j)) for i, j in zip(cell_i, cell_j, strict=True)]
    cyc = 0 if cfg.mini_hough else len(cells) + 1
    if cells and not cfg.mini_hough:  # LIST waits for hough_lister's first cell
        cyc += LIST_LATENCY
    cands: list[tuple[int, int, frozenset[int]]] = []  # (layers, listed hits, hit set)
    if cfg.mini_hough:  # the golden model's 2x2 refill of every cell, in one call
        sub_mask = np.zeros((len(cells), 2, 2), dtype=np.int64)
        sub_count = np.zeros((len(cells), 2, 2), dtype=np.int64)
        sub_lists = np.empty((len(cells), 2, 2, ml), dtype=np.int64)
        hough_engine._mini_fill_cells(
            cell_i, cell_j, count, lists, hits, h0, True, hough._tables, hough._params, sub_mask, sub_count, sub_lists
        )
    refill, passing = [], []
    for k, (i, j) in enumerate(cells):
        n_list = min(int(count[i, j]), ml)
        if cfg.mini_hough:
            slots = np.asarray(lists[i, j, :n_list], dtype=np.int64)
            m = int(np.bincount(slots % MINI_LANES, minlength=MINI_LANES).max()) if n_list else 0
            n_pass = 0
            for si in range(2):
                for sj in range(2):
                    n_l = int(sub_mask[k, si, sj]).bit_count()
                    if n_l >= nl_min:
                        ns = int(sub_count[k, si, sj])
                        cands.append((n_l, ns, frozenset(int(h) for h in sub_lists[k, si, sj, :ns])))
                        n_pass += 1
            refill.append(m)
            passing.append(n_pass)
        else:
            cands.append((int(pc[i, j]), n_list, frozenset(int(h) for h in lists[i, j, :n_list])))
    if cfg.mini_hough:
        cyc += refill_clocks(refill, passing)
    keep = [True] * len(cands)
    if cfg.duplicate_rule == "sharing":
        keys = sorted({(-nl, nh) for nl, nh, _ in cands})
        cyc += len(keys) + 1  # VPICK: one clock per rank key present, one that finds none
        order = sorted(range(len(cands)), key=lambda c: (-cands[c][0], cands[c][1], c))
        kept: list[int] = []
        for c in order:
            nh, hit_set = cands[c][1], cands[c][2]
            dup_at = -1
            for q, k in enumerate(kept):
                sh = len(hit_set & cands[k][2])
                if sh >= cfg.dup_min_shared and nh - sh <= cfg.dup_max_new:
                    dup_at = q
                    break
            cyc += max(1, -(-len(kept) // CMP_LANES)) if dup_at < 0 else dup_at // CMP_LANES + 1  # VCMP
            keep[c] = dup_at < 0
            if dup_at < 0:
                kept.append(c)
    n_out, emit = 0, 0
    for c, (_nl, nh, _h) in enumerate(cands):  # E_CAND / E_HITS
        if n_out == cfg.max_tracks:
            break
        if keep[c]:
            emit += 1 + nh
            n_out += 1
        else:
            emit += 1
    return cyc, emit


def event_loads(cfg: HoughConfig, events: Events) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per event: input words (hits + the end word), front-readout clocks and emission
    clocks (:func:`readout_cycles`)."""
    h = Hough(cfg)
    hits = h._inputs(events)
    offsets = hits.offsets
    n_ev = len(offsets) - 1
    words = np.diff(offsets).astype(np.int64) + 1
    front = np.zeros(n_ev, dtype=np.int64)
    emit = np.zeros(n_ev, dtype=np.int64)
    n_a, n_b, ml = cfg.n_a, cfg.n_b, cfg.max_hits_per_cell
    for e in range(n_ev):
        h0, h1 = int(offsets[e]), int(offsets[e + 1])
        n_use = min(h1 - h0, cfg.max_hits)
        mask = np.zeros((n_a, n_b), dtype=np.int64)
        count = np.zeros((n_a, n_b), dtype=np.int64)
        lists = np.empty((n_a, n_b, ml), dtype=np.int64)
        st = np.zeros(3, dtype=np.int64)
        # the fixed-point fill of the golden model: the RTL's cells
        hough_engine._fill_event(hits, h0, n_use, True, h._tables, h._params, mask, count, lists, st)
        front[e], emit[e] = readout_cycles(h, hits, h0, mask, count, lists)
    return words, front, emit


def schedule(cfg: HoughConfig, events: Events) -> tuple[np.ndarray, np.ndarray]:
    """(first word accepted, end word out) per event, back to back without back-pressure.

    Event ``e`` has ``W(e)`` input words (hits and the end word), a front readout of
    ``F(e)`` clocks and an emission of ``M(e)`` clocks (:func:`event_loads`). Two cell
    banks (the fill of ``e`` waits for the front readout of ``e - 2``), two candidate
    banks (the front readout of ``e`` waits for the emission of ``e - 2``), the hand-over
    register between the units::

        A(e) = max(A(e-1) + W(e-1), H(e-2) + 2)      A(0) = 1   first word accepted
        S(e) = max(A(e) + W(e) + 1 + FILL_DELAY, H(e-1) + 2, D(e-2) + 1)   front enters LIST
        H(e) = S(e) + F(e) - 1                                  front hands the event over
        X(e) = max(H(e), D(e-1) - 1) + 2                        emission's first clock
        D(e) = X(e) + M(e) + 2                                  end word issued
        out(e) = D(e) + 1                                       end word taken
    """
    words, front, emit = event_loads(cfg, events)
    n = len(words)
    first = np.zeros(n, dtype=np.int64)
    out = np.zeros(n, dtype=np.int64)
    never = -(10**9)
    h = [never, never]  # H(e-2), H(e-1)
    d = [never, never]  # D(e-2), D(e-1)
    a_prev, w_prev = 1, 0
    for e in range(n):
        a = max(a_prev + w_prev, h[0] + 2)
        s = max(a + int(words[e]) + 1 + FILL_DELAY, h[1] + 2, d[0] + 1)
        he = s + int(front[e]) - 1
        x = max(he, d[1] - 1) + 2
        de = x + int(emit[e]) + 2
        first[e], out[e] = a, de + 1
        h, d = [h[1], he], [d[1], de]
        a_prev, w_prev = a, int(words[e])
    return first, out


def cycle_estimate(cfg: HoughConfig, events: Events, *, clock_mhz: float = CLOCK_MHZ) -> CycleEstimate:
    """Throughput and latency of the RTL Hough transform on ``events`` streamed back to back."""
    return estimate_from_schedule(*schedule(cfg, events), clock_mhz)

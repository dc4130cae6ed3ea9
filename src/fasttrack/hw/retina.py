"""The retina's hardware description: generated constants and tables, stream words, test
vectors, the co-simulation's stream plan and the cycle model of ``hdl/retina``.

Generated files (:func:`files`, through :mod:`fasttrack.hw.codegen`): ``retina_params.h``,
``retina_tables.h``, ``retina_pkg.sv``, ``retina_receptors.mem`` (layer, measurement,
cell = ``i·N_B + j``), ``retina_lut.mem`` (layer, index), ``retina_a_bend.mem`` (the bend
table along a, zeros when the bend filter is off) and ``platform.tcl``.

Stream words (:func:`lane_layout`, :func:`track_layout`)
    Input: one lane per detector layer; a lane carries its layer's hits of an event, the
    last one flagged ``last`` (a layer without hits sends one word with ``is_hit = 0,
    last = 1``). ``seq`` is the hit's position in the event's input order, saturated at
    the field's largest value (the golden model's capacity rule: hits with
    ``seq >= MAX_HITS`` are dropped and counted). Output: one word per track (``last =
    0``), then the end-of-event word (``last = 1``) with the counters; fields that do not
    apply to a word are 0; every word carries the event tag.

Test vectors (:func:`write_vectors`; format in :mod:`fasttrack.hw.vectors`)
    ``retina_hits.txt``: ``H layer coord0 [coord1] [bend] hit_id`` per hit in input order.
    ``retina_accumulator.txt``: ``A cell acc`` per non-zero accumulator, raster order.
    ``retina_maxima.txt``: ``M i j acc`` per local maximum above threshold, raster order,
    before the output capacity. ``retina_tracks.txt``: ``E event n n_hits_dropped
    n_candidates`` then ``T i j off_a off_b quality`` per track output
    (``hit_overflow = n_hits_dropped > 0``, ``track_overflow = n_candidates > n``).

Cycle model of ``hdl/retina/retina_top.sv`` (:func:`schedule`)
    The RTL takes one word per clock on each layer lane and holds a lane that has
    delivered its event's last word until every lane has; the event then moves to the
    readout register (the *snapshot*) if that is free. The readout issues one track per
    clock (at most ``MAX_TRACKS``) and then the end-of-event word, into the divider
    pipeline (``DIV_STAGES`` clocks) and the output FIFO (one more). With inputs always
    available and no output back-pressure, for event ``e`` (cycles are rising edges after
    reset, the first at 1)::

        c_in(e)  = max over layers of max(hits on the layer, 1)     accumulation clocks
        n_tr(e)  = min(candidates, MAX_TRACKS)                      tracks output
        A(e)     = S(e-1) + 1          (A(0) = 1)                   accumulation may start
        S(e)     = max(A(e) + c_in(e) - 1, R(e-1))                  snapshot
        F(e)     = A(e) if c_in(e) > 1 else S(e)                    first word accepted
        R(e)     = S(e) + n_tr(e) + 1                               end word issued
        out(e)   = R(e) + DIV_STAGES + 1                            end word leaves
        latency(e) = out(e) - F(e)

    The co-simulation measures ``F`` and ``out`` of every event and requires the model to
    predict them exactly.

Example
-------
>>> from fasttrack import detector, generate
>>> from fasttrack.retina import RetinaConfig
>>> det = detector.telescope()
>>> import warnings
>>> from fasttrack.configcheck import ConfigWarning
>>> with warnings.catch_warnings():  # a deliberately small grid (it warns: cells far coarser than the default's)
...     warnings.simplefilter("ignore", ConfigWarning)
...     cfg = RetinaConfig.for_detector(det, n_a=24, n_b=12, sigma=2.0)
>>> est = cycle_estimate(cfg, generate.generate(det, 200, seed=1))
>>> est.cycles_per_event < 10, est.instances_for_40mhz
(True, 1)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .. import azimuth
from ..bits import bits_unsigned
from ..events import Events
from ..retina import Retina, RetinaConfig
from ..retina.engine import _is_local_max
from . import codegen
from . import vectors as vec
from .cyclemodel import CycleEstimate, estimate_from_schedule
from .platform import CLOCK_MHZ
from .words import EVENT_TAG_BITS, Field, WordLayout

__all__ = [
    "OUT_FIFO_DEPTH",
    "ROWS_PER_GROUP",
    "STAGES",
    "constants",
    "cycle_estimate",
    "divider_stages",
    "event_loads",
    "files",
    "lane_layout",
    "max_idle_cycles",
    "rtl_unsupported",
    "schedule",
    "seq_bits",
    "stream_plan",
    "track_layout",
    "write_vectors",
]

STAGES = ("hits", "accumulator", "maxima", "tracks")

# micro-architecture of hdl/retina/retina_top.sv (not detector choices; the generated
# package carries them, the cycle model reads them here)
OUT_FIFO_DEPTH = 16  # output FIFO words: holds the divider pipeline's words and more
ROWS_PER_GROUP = 8  # the candidate count sums rows in groups of this many, then the groups


def divider_stages(cfg: RetinaConfig) -> int:
    """Pipeline stages of the centroid dividers (``ft_frac_div``): one per quotient bit."""
    return cfg.centroid_frac_bits + 1


# ---------------------------------------------------------------------------------------
# stream words
# ---------------------------------------------------------------------------------------
def seq_bits(cfg: RetinaConfig) -> int:
    """Width of the ``seq`` field. It saturates at its largest value (>= MAX_HITS): the RTL
    only needs to know whether a hit is beyond the capacity, so events of any size fit."""
    return bits_unsigned(cfg.max_hits)


def lane_layout(cfg: RetinaConfig) -> WordLayout:
    """The hit word of one input lane (one lane per layer; 1D measurements)."""
    return WordLayout(
        (
            Field("is_hit", 1, doc="1: a hit; 0: the word of a layer without hits in the event (then `last` = 1)"),
            Field("last", 1, doc="the lane's last word of the event (on the AXI4-Stream input, TLAST replaces it)"),
            Field(
                "seq",
                seq_bits(cfg),
                doc="the hit's place in its event's input order, saturated (>= MAX_HITS: dropped, counted)",
            ),
            Field(
                "coord",
                cfg.coord_bits,
                signed=True,
                doc="measured coordinate (fixed point, LSB and range from the config)",
            ),
            Field("bend", max(cfg.bend_bits, 1), signed=True, doc="stub bend (used when the bend filter is on)"),
        )
    )


def track_layout(cfg: RetinaConfig) -> WordLayout:
    """The output word: a track, or the end-of-event word with the event's counters."""
    return WordLayout(
        (
            Field("last", 1, doc="1 on the end-of-event word (TLAST repeats it)"),
            Field("cell_a", bits_unsigned(cfg.n_a - 1), doc="track: cell row (first parameter)"),
            Field("cell_b", bits_unsigned(cfg.n_b - 1), doc="track: cell column (second parameter)"),
            Field(
                "off_a",
                cfg.centroid_frac_bits + 2,
                signed=True,
                doc="track: centroid offset along a, CENTROID_FRAC_BITS fractional bits",
            ),
            Field(
                "off_b",
                cfg.centroid_frac_bits + 2,
                signed=True,
                doc="track: centroid offset along b, CENTROID_FRAC_BITS fractional bits",
            ),
            Field("quality", cfg.acc_bits, doc="track: the cell's accumulator (response)"),
            Field("n_tracks", bits_unsigned(cfg.max_tracks), doc="end word: tracks sent"),
            Field("n_hits_dropped", cfg.drop_count_bits, doc="end word: hits dropped at MAX_HITS (saturating)"),
            Field("n_candidates", bits_unsigned(cfg.n_cells), doc="end word: local maxima found"),
            Field("hit_overflow", 1, doc="end word: hits were dropped"),
            Field("track_overflow", 1, doc="end word: more maxima than MAX_TRACKS"),
            Field("event", EVENT_TAG_BITS, doc="the event's position in the stream modulo 2^16"),
        )
    )


# ---------------------------------------------------------------------------------------
# generated files
# ---------------------------------------------------------------------------------------
def constants(cfg: RetinaConfig) -> list[codegen.Constant]:
    """(NAME, value, comment) of every integer constant hardware needs."""
    t = cfg.tables
    return [
        ("N_LAYERS", cfg.n_layers, "detector layers"),
        ("N_MEAS", cfg.n_meas, "measurements per hit (1: |d|, 2: d^2 = dx^2 + dy^2)"),
        ("N_A", cfg.n_a, f"cells along a = {cfg.param_names[0]}"),
        ("N_B", cfg.n_b, f"cells along b = {cfg.param_names[1]}"),
        ("N_CELLS", cfg.n_cells, "cells, raster number i*N_B + j"),
        ("COORD_BITS", cfg.coord_bits, f"signed hit coordinate / receptor, LSB = {cfg.coord_lsb!r}"),
        ("LAYER_BITS", bits_unsigned(cfg.n_layers - 1), "layer id"),
        ("HIT_ID_BITS", cfg.hit_id_bits, "hit id within the event"),
        ("DROP_COUNT_BITS", cfg.drop_count_bits, "dropped-hit counter of the end-of-event word (saturates)"),
        ("WEIGHT_BITS", cfg.weight_bits, "unsigned weight (LUT entry); a full weight is 2^WEIGHT_BITS"),
        ("LUT_SIZE", cfg.lut_size, "weight LUT entries per layer"),
        ("LUT_INDEX_BITS", (cfg.lut_size - 1).bit_length(), "weight LUT index"),
        ("ACC_BITS", cfg.acc_bits, "unsigned saturating accumulator"),
        ("ACC_MAX", cfg.acc_max, "accumulator saturation value"),
        ("THRESHOLD", cfg.threshold_hw, "candidate threshold: acc >= THRESHOLD"),
        ("ASSOC_WEIGHT", cfg.assoc_hw, "hit association: weight >= ASSOC_WEIGHT"),
        ("CENTROID_FRAC_BITS", cfg.centroid_frac_bits, "fractional bits of centroid offsets"),
        ("OFFSET_BITS", cfg.centroid_frac_bits + 2, "signed centroid offset, |offset| < 2^CENTROID_FRAC_BITS"),
        ("CELL_A_BITS", bits_unsigned(cfg.n_a - 1), "cell index along a"),
        ("CELL_B_BITS", bits_unsigned(cfg.n_b - 1), "cell index along b"),
        ("MAX_HITS", cfg.max_hits, "hits per event buffered; later hits dropped and flagged"),
        ("MAX_TRACKS", cfg.max_tracks, "tracks per event output; later candidates dropped and flagged"),
        ("HIT_COUNT_BITS", bits_unsigned(cfg.max_hits), "hits processed per event, 0..MAX_HITS"),
        ("BEND_FILTER", int(cfg.bend_filter), "1: stubs reach only cells within BEND_WINDOW of their bend"),
        ("BEND_BITS", max(cfg.bend_bits, 1), f"signed stub bend (q/pT estimate), LSB = {cfg.bend_lsb!r} /GeV"),
        ("BEND_WINDOW", max(cfg.bend_window_hw, 0), "bend filter: |bend - A_BEND[i]| <= BEND_WINDOW"),
        ("RECEPTOR_WORDS", int(t.receptors_hw.size), "words in retina_receptors.mem"),
        ("LUT_WORDS", int(t.lut.size), "words in retina_lut.mem"),
        ("A_BEND_WORDS", cfg.n_a, "words in retina_a_bend.mem"),
        ("N_TRACKS_BITS", bits_unsigned(cfg.max_tracks), "track counter of the end-of-event word"),
        ("N_CANDIDATES_BITS", bits_unsigned(cfg.n_cells), "candidate (local maximum) counter of the end-of-event word"),
        ("SEQ_BITS", seq_bits(cfg), "RTL lane word: position of a hit in its event's input order"),
        ("EVENT_TAG_BITS", EVENT_TAG_BITS, "RTL output word: event number modulo 2^EVENT_TAG_BITS"),
        ("DIV_STAGES", divider_stages(cfg), "RTL: centroid divider pipeline stages (one per quotient bit)"),
        ("OUT_FIFO_DEPTH", OUT_FIFO_DEPTH, "RTL: output FIFO words (a power of two)"),
        ("ROWS_PER_GROUP", ROWS_PER_GROUP, "RTL: the candidate count adds rows in groups of this many"),
        *codegen.layout_constants("IN", lane_layout(cfg), "RTL input lane word"),
        *codegen.layout_constants("OUT", track_layout(cfg), "RTL output word"),
    ]


def files(cfg: RetinaConfig) -> dict[str, str]:
    """File name -> content of everything HLS and RTL need for this retina."""
    azimuth.refuse_hardware(cfg, "retina", "HLS/RTL files")
    t = cfg.tables
    return codegen.render(
        codegen.HeaderSpec(
            prefix="retina",
            config_class="RetinaConfig",
            config_name=cfg.name,
            config_hash=cfg.config_hash(),
            consts=constants(cfg),
            layer_arrays=[
                ("ROI", "long long", cfg.roi_hw, "region-of-interest cut per layer (LSBs)"),
                ("LUT_SHIFT", "int", cfg.lut_shift, "|d| or d^2 >> LUT_SHIFT -> LUT index"),
            ],
            typedefs=[
                ("coord_t", "s", "COORD_BITS", "hit coordinate and receptor"),
                ("layer_t", "u", "LAYER_BITS", ""),
                ("hit_id_t", "u", "HIT_ID_BITS", ""),
                ("weight_t", "u", "WEIGHT_BITS", ""),
                ("acc_t", "u", "ACC_BITS", "saturating accumulator"),
                ("cell_a_t", "u", "CELL_A_BITS", ""),
                ("cell_b_t", "u", "CELL_B_BITS", ""),
                ("bend_t", "s", "BEND_BITS", "stub bend (bend filter)"),
                ("offset_t", "s", "OFFSET_BITS", "centroid offset, CENTROID_FRAC_BITS fractional bits"),
            ],
            tables=[
                codegen.Table(
                    "RECEPTORS",
                    (cfg.n_layers, cfg.n_meas, cfg.n_cells),
                    t.receptors_hw,
                    cfg.coord_bits,
                    True,
                    "receptors[layer][measurement][cell], cell = i*N_B + j, in coordinate LSBs",
                    sv_inline=True,
                ),
                codegen.Table(
                    "LUT", (cfg.n_layers, cfg.lut_size), t.lut, cfg.weight_bits, False, "weight LUT[layer][index]"
                ),
                codegen.bend_table(
                    cfg.a_bend_hw(), cfg.bend_bits, "q/pT of the cell centres along a, in bend LSBs (bend filter)"
                ),
            ],
        )
    )


# ---------------------------------------------------------------------------------------
# test vectors
# ---------------------------------------------------------------------------------------
def write_vectors(cfg: RetinaConfig, events: Events, out_dir: str | Path) -> dict[str, Path]:
    """Run the fixed retina on ``events`` and write the four stage files into ``out_dir``."""
    azimuth.refuse_hardware(cfg, "retina", "test vectors")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    res = Retina(cfg).run(events, "fixed", keep_maps=True)
    assert res.maps is not None
    extra = vec.event_info(events)
    hits = vec.hit_lines("retina", cfg, events, cfg.measurement_names, extra)
    acc = vec.header("retina", "accumulator", cfg, "E <event> <n> | A <cell> <acc>", extra)
    mx = vec.header("retina", "maxima", cfg, "E <event> <n> | M <i> <j> <acc>", extra)
    trk = vec.header(
        "retina",
        "tracks",
        cfg,
        "E <event> <n> <n_hits_dropped> <n_candidates> | T <i> <j> <off_a> <off_b> <quality>",
        extra,
    )
    thr = float(cfg.threshold_hw)
    for e in range(len(events)):
        ev_no = int(events.event_number[e])
        m = res.maps[e]
        nz = np.flatnonzero(m.ravel())
        acc.append(f"E {ev_no} {len(nz)}")
        acc += [f"A {int(c)} {int(m.flat[c])}" for c in nz]
        maxima = [
            (i, j)
            for i, j in zip(*np.nonzero(m >= cfg.threshold_hw), strict=True)
            if _is_local_max(m, int(i), int(j), thr)
        ]
        mx.append(f"E {ev_no} {len(maxima)}")
        mx += [f"M {int(i)} {int(j)} {int(m[i, j])}" for i, j in maxima]
        t = res.tracks[e]
        trk.append(f"E {ev_no} {len(t)} {int(res.n_hits_dropped[e])} {int(res.n_candidates[e])}")
        for k in range(len(t)):
            trk.append(
                f"T {int(t.cell_a[k])} {int(t.cell_b[k])} {int(t.off_a_hw[k])} {int(t.off_b_hw[k])} {int(t.quality[k])}"
            )
        if len(maxima) != int(res.n_candidates[e]):  # two implementations of one rule must agree
            raise AssertionError(f"event {ev_no}: maxima list {len(maxima)} != kernel count {res.n_candidates[e]}")
    return vec.write_stages("retina", STAGES, (hits, acc, mx, trk), out)


# ---------------------------------------------------------------------------------------
# co-simulation
# ---------------------------------------------------------------------------------------
def rtl_unsupported(cfg: RetinaConfig) -> str | None:
    """Why ``hdl/retina`` cannot be built for ``cfg`` (None when it can)."""
    if cfg.phi_wrap:
        return azimuth.NO_HARDWARE_WRAP
    if cfg.n_meas != 1:
        return (
            f"the retina RTL takes 1D measurements; config {cfg.name!r} measures {cfg.measurement_names} "
            "(2D layers such as the velo's are not built in RTL)"
        )
    if cfg.centroid_frac_bits < 1:
        return "the RTL's centroid divider needs centroid_frac_bits >= 1 (one pipeline stage per quotient bit)"
    return None


def stream_plan(cfg: RetinaConfig, vec_dir: Path) -> dict[str, Any]:
    """Lane words and expected output words per event from a folder of retina vectors."""
    h = cfg.config_hash()
    hits = vec.read_vectors(vec_dir / "retina_hits.txt", expect_hash=h)
    trk = vec.read_vectors(vec_dir / "retina_tracks.txt", expect_hash=h)
    lane, out = lane_layout(cfg), track_layout(cfg)
    seq_max = (1 << seq_bits(cfg)) - 1
    tag_mask = (1 << EVENT_TAG_BITS) - 1
    bend = cfg.bend_filter
    events = []
    for e, (ev_vals, recs) in enumerate(zip(hits.event_values, hits.records, strict=True)):
        per_lane: list[list[dict[str, int]]] = [[] for _ in range(cfg.n_layers)]
        for seq, (_tag, nums) in enumerate(recs):
            layer = nums[0]
            if not 0 <= layer < cfg.n_layers:
                raise ValueError(f"event {ev_vals[0]} hit {seq}: layer {layer} has no lane (0..{cfg.n_layers - 1})")
            # seq saturates: any value >= MAX_HITS means "beyond the capacity"
            word = {"is_hit": 1, "seq": min(seq, seq_max), "coord": nums[1], "bend": nums[2] if bend else 0}
            per_lane[layer].append(word)
        words = []
        for lw in per_lane:
            if not lw:
                lw.append({"is_hit": 0})
            lw[-1]["last"] = 1
            words.append([lane.pack(w) for w in lw])
        n, dropped, n_cand = trk.event_values[e][1:4]
        tag = e & tag_mask
        expected = [
            out.pack({"cell_a": i, "cell_b": j, "off_a": oa, "off_b": ob, "quality": q, "event": tag})
            for (_t, (i, j, oa, ob, q)) in trk.records[e]
        ]
        expected.append(
            out.pack(
                {
                    "last": 1,
                    "n_tracks": n,
                    "n_hits_dropped": dropped,
                    "n_candidates": n_cand,
                    "hit_overflow": int(dropped > 0),
                    "track_overflow": int(n_cand > n),
                    "event": tag,
                }
            )
        )
        events.append({"lanes": words, "expected": expected, "number": trk.event_values[e][0]})
    return {
        "top": "retina_axis",
        "config_hash": h,
        "n_lanes": cfg.n_layers,
        "lane_bits": lane.bits,
        "lane_tdata_bits": lane.tdata_bits,
        "lane_last_lsb": lane.lsb("last"),
        "out_tdata_bits": out.tdata_bits,
        "out_fields": out.to_fields(),
        "events": events,
    }


def max_idle_cycles(cfg: RetinaConfig) -> int:
    """Clocks without an output word after which the harness gives up on the design."""
    return 1000 + 4 * cfg.n_cells


# ---------------------------------------------------------------------------------------
# cycle model
# ---------------------------------------------------------------------------------------
def event_loads(cfg: RetinaConfig, events: Events) -> tuple[np.ndarray, np.ndarray]:
    """Per event: accumulation clocks ``c_in`` and tracks output ``n_tr``."""
    offsets, cols = events.flat_hits()
    layer = np.asarray(cols["layer"], dtype=np.int64)
    n_ev = len(events)
    c_in = np.ones(n_ev, dtype=np.int64)
    for e in range(n_ev):
        lay = layer[offsets[e] : offsets[e + 1]]
        if len(lay):
            c_in[e] = max(1, int(np.bincount(lay, minlength=cfg.n_layers).max()))
    res = Retina(cfg).run(events, "fixed")
    n_tr = np.minimum(np.asarray(res.n_candidates, dtype=np.int64), cfg.max_tracks)
    return c_in, n_tr


def schedule_from_loads(cfg: RetinaConfig, c_in: np.ndarray, n_tr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first word accepted, end word out) per event, from the recurrences above."""
    pipe = divider_stages(cfg) + 1  # the dividers, then the output FIFO's write
    n = len(c_in)
    first = np.zeros(n, dtype=np.int64)
    out = np.zeros(n, dtype=np.int64)
    s_prev, r_prev = 0, 0
    for e in range(n):
        a = s_prev + 1
        s = max(a + int(c_in[e]) - 1, r_prev)
        r = s + int(n_tr[e]) + 1
        # a one-clock event is complete at once: its words wait for the snapshot
        first[e], out[e] = (a if c_in[e] > 1 else s), r + pipe
        s_prev, r_prev = s, r
    return first, out


def schedule(cfg: RetinaConfig, events: Events) -> tuple[np.ndarray, np.ndarray]:
    """(first word accepted, end word out) per event, back to back without back-pressure."""
    return schedule_from_loads(cfg, *event_loads(cfg, events))


def cycle_estimate(cfg: RetinaConfig, events: Events, *, clock_mhz: float = CLOCK_MHZ) -> CycleEstimate:
    """Throughput and latency of the RTL retina on ``events`` streamed back to back."""
    return estimate_from_schedule(*schedule(cfg, events), clock_mhz)

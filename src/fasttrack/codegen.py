"""Code generation: a config -> C++ header, SystemVerilog package, memory-init files.

The one source of truth for every hardware constant is the Python config; HLS and RTL
include only what this module writes. Files for the retina (``prefix = "retina"``):

``retina_params.h``
    constexpr widths and sizes, type aliases (through ``ft_types.h``, which maps them to
    ``ap_int``/``ap_uint`` or ``ac_int``), and an hls4ml-style ``CONFIG_T`` struct.
``retina_tables.h``
    the receptor table and the weight LUT as ``static const`` arrays (for HLS, which
    cannot read memory files at compile time).
``retina_pkg.sv``
    the same constants as an SV package (``localparam``).
``retina_receptors.mem``, ``retina_lut.mem``, ``retina_a_bend.mem``
    ``$readmemh`` files, one word per line in two's complement hex of the stated width.
    Receptors are ordered layer, measurement, cell (cell = ``i·n_b + j``); the LUT layer,
    index; the bend table by cell index along a (zeros when the bend filter is off).

The Hough transform gets the same set with prefix ``hough``: ``hough_params.h``,
``hough_tables.h``, ``hough_pkg.sv`` and ``hough_shift.mem`` (line shift at the column
edges, layer-major), ``hough_sub_shift.mem`` (the same at half-column edges, for the
mini-Hough), ``hough_a_bend.mem`` (column q/pT for the bend filter).

Every file starts with a comment naming the config and its hash.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import __version__
from .hough.config import HoughConfig
from .hw.words import (
    EVENT_TAG_BITS,
    HOUGH_CMP_LANES,
    HOUGH_KIND_EOE,
    HOUGH_KIND_HIT,
    HOUGH_KIND_TRACK,
    HOUGH_MINI_LANES,
    WordLayout,
    hough_fill_bins,
    hough_lane_layout,
    hough_max_candidates,
    hough_track_layout,
    retina_lane_layout,
    retina_seq_bits,
    retina_track_layout,
)
from .hwconfig import bits_unsigned
from .retina.config import RetinaConfig

__all__ = ["hough_files", "mem_lines", "retina_files", "write_hough", "write_retina"]


def _hex_word(v: int, width: int) -> str:
    digits = (width + 3) // 4
    return format(int(v) & ((1 << width) - 1), f"0{digits}x")


def mem_lines(values: Iterable[int], width: int, signed: bool | None = None) -> list[str]:
    """Two's-complement hex words of ``width`` bits, one per line (``$readmemh``).

    ``signed``: the values must fit a signed (True) or unsigned (False) ``width``-bit word;
    ``None`` accepts either range (the reader must then know which was meant).
    """
    lo = -(1 << (width - 1)) if signed is not False else 0
    hi = (1 << (width - 1)) - 1 if signed else (1 << width) - 1
    out = []
    for v in values:
        if not lo <= int(v) <= hi:
            kind = {True: "a signed", False: "an unsigned", None: "a"}[signed]
            raise ValueError(f"value {v} does not fit in {kind} {width}-bit word")
        out.append(_hex_word(int(v), width))
    return out


def _retina_constants(cfg: RetinaConfig) -> list[tuple[str, int, str]]:
    """(NAME, value, comment) of every integer constant hardware needs."""
    t = cfg.tables
    return [
        ("N_LAYERS", cfg.n_layers, "detector layers"),
        ("N_MEAS", cfg.n_meas, "measurements per hit (1: |d|, 2: d^2 = dx^2 + dy^2)"),
        ("N_A", cfg.n_a, f"cells along a = {cfg.param_names[0]}"),
        ("N_B", cfg.n_b, f"cells along b = {cfg.param_names[1]}"),
        ("N_CELLS", cfg.n_cells, "cells, raster number i*N_B + j"),
        ("COORD_BITS", cfg.coord_bits, f"signed hit coordinate / receptor, LSB = {cfg.coord_lsb!r}"),
        ("LAYER_BITS", max(1, (cfg.n_layers - 1).bit_length()), "layer id"),
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
        ("CELL_A_BITS", max(1, (cfg.n_a - 1).bit_length()), "cell index along a"),
        ("CELL_B_BITS", max(1, (cfg.n_b - 1).bit_length()), "cell index along b"),
        ("MAX_HITS", cfg.max_hits, "hits per event buffered; later hits dropped and flagged"),
        ("MAX_TRACKS", cfg.max_tracks, "tracks per event output; later maxima dropped and flagged"),
        ("BEND_FILTER", int(cfg.bend_filter), "1: stubs reach only cells within BEND_WINDOW of their bend"),
        ("BEND_BITS", max(cfg.bend_bits, 1), f"signed stub bend (q/pT estimate), LSB = {cfg.bend_lsb!r} /GeV"),
        ("BEND_WINDOW", max(cfg.bend_window_hw, 0), "bend filter: |bend - A_BEND[i]| <= BEND_WINDOW"),
        ("RECEPTOR_WORDS", int(t.receptors_hw.size), "words in retina_receptors.mem"),
        ("LUT_WORDS", int(t.lut.size), "words in retina_lut.mem"),
        ("A_BEND_WORDS", cfg.n_a, "words in retina_a_bend.mem"),
        ("N_TRACKS_BITS", bits_unsigned(cfg.max_tracks), "track counter of the end-of-event word"),
        ("N_MAXIMA_BITS", bits_unsigned(cfg.n_cells), "maxima counter of the end-of-event word"),
        ("SEQ_BITS", retina_seq_bits(cfg), "RTL lane word: position of a hit in its event's input order"),
        ("EVENT_TAG_BITS", EVENT_TAG_BITS, "RTL output word: event number modulo 2^EVENT_TAG_BITS"),
        *_layout_constants("IN", retina_lane_layout(cfg), "RTL input lane word"),
        *_layout_constants("OUT", retina_track_layout(cfg), "RTL output word"),
    ]


def _layout_constants(prefix: str, layout: WordLayout, what: str) -> list[tuple[str, int, str]]:
    """<PREFIX>_WORD_BITS and, per field, <PREFIX>_<FIELD>_LSB / _BITS (fasttrack.hw.words)."""
    out = [(f"{prefix}_WORD_BITS", layout.bits, f"{what}: width")]
    for f in layout.fields:
        kind = "signed" if f.signed else "unsigned"
        out.append((f"{prefix}_{f.name.upper()}_LSB", layout.lsb(f.name), f"{what}: {f.name} ({kind}) from this bit"))
        out.append((f"{prefix}_{f.name.upper()}_BITS", f.bits, f"{what}: {f.name} width"))
    return out


def _c_array(name: str, ctype: str, dims: tuple[int, ...], values: np.ndarray) -> str:
    flat = [str(int(v)) for v in np.asarray(values).ravel()]
    lines = []
    for k in range(0, len(flat), 16):
        lines.append("    " + ", ".join(flat[k : k + 16]) + ",")
    shape = "".join(f"[{d}]" for d in dims)
    return f"static const {ctype} {name}{shape} = {{\n" + "\n".join(lines) + "\n};\n"


@dataclass(frozen=True)
class _Table:
    """One generated table: a C array in <prefix>_tables.h and <prefix>_<name>.mem."""

    name: str
    dims: tuple[int, ...]
    values: np.ndarray
    width: int
    signed: bool
    doc: str  # the order of the entries
    sv_inline: bool = False  # also a packed constant in the SV package (<NAME>_FLAT), for RTL


def _sv_flat(t: _Table) -> str:
    """A table as one packed SV constant, entry k at bits [k*W +: W] (Icarus, Verilator and
    yosys all fold constant indexes of a packed localparam; unpacked array parameters are
    not portable)."""
    words = mem_lines(t.values.ravel(), t.width, signed=t.signed)[::-1]  # MSB first
    parts = [f"{t.width}'h{w}" for w in words]
    lines = [", ".join(parts[k : k + 12]) for k in range(0, len(parts), 12)]
    body = ",\n    ".join(lines)
    return (
        f"  // {t.doc}; entry k = {t.name}_FLAT[k*{t.width} +: {t.width}]\n"
        f"  localparam logic [{len(words) * t.width - 1}:0] {t.name}_FLAT = {{\n    {body}}};\n"
    )


@dataclass(frozen=True)
class _Spec:
    """Everything one algorithm's generated files hold."""

    prefix: str  # file prefix, C++ namespace and SV package stem
    config_class: str
    config_name: str
    config_hash: str
    consts: list[tuple[str, int, str]]
    layer_arrays: list[tuple[str, str, str, tuple[int, ...], str]]  # NAME, C type, SV type, values, comment
    typedefs: list[tuple[str, str, str, str]]  # name, "s"/"u", width constant, comment
    tables: list[_Table]


def _render(spec: _Spec) -> dict[str, str]:
    """File name -> content for one :class:`_Spec`: header, tables header, SV package, .mem files."""
    p, up = spec.prefix, spec.prefix.upper()
    banner = (
        f"// generated by fasttrack {__version__} codegen from {spec.config_class} {spec.config_name!r}, "
        f"hash {spec.config_hash} -- do not edit\n"
    )
    h = [
        banner,
        f"#ifndef FASTTRACK_{up}_PARAMS_H\n#define FASTTRACK_{up}_PARAMS_H\n",
        '#include "ft_types.h"\n',
        f"namespace {p} {{\n",
    ]
    for name, value, comment in spec.consts:
        h.append(f"constexpr long long {name} = {value}LL;  // {comment}\n")
    for name, ctype, _sv, values, comment in spec.layer_arrays:
        h.append(f"constexpr {ctype} {name}[N_LAYERS] = {{{', '.join(str(v) for v in values)}}};  // {comment}\n")
    h.append(f'constexpr const char CONFIG_HASH[] = "{spec.config_hash}";  // checked against vector headers\n\n')
    for name, kind, width, comment in spec.typedefs:
        text = f"typedef ft::{'sint' if kind == 's' else 'uint'}<{width}> {name};"
        h.append(text + (f"  // {comment}\n" if comment else "\n"))
    h.append("\n// hls4ml-style configuration struct: kernels are templated on CONFIG_T\nstruct config {\n")
    for name, _value, _comment in spec.consts:
        h.append(f"    static constexpr long long {name.lower()} = {name};\n")
    h.append(f"}};\n\n}}  // namespace {p}\n\n#endif\n")
    tb = [
        banner,
        f"#ifndef FASTTRACK_{up}_TABLES_H\n#define FASTTRACK_{up}_TABLES_H\n",
        f'#include "{p}_params.h"\n',
        f"namespace {p} {{\n",
    ]
    for t in spec.tables:
        tb += [f"// {t.doc}\n", _c_array(t.name, "long long", t.dims, t.values)]
    tb.append(f"}}  // namespace {p}\n\n#endif\n")
    sv = [banner, f"`ifndef FASTTRACK_{up}_PKG_SV\n`define FASTTRACK_{up}_PKG_SV\n", f"package {p}_pkg;\n"]
    sv.append("  /* verilator lint_off UNUSEDPARAM */  // a package offers every constant to every consumer\n")
    for name, value, comment in spec.consts:
        svtype = "int" if -(1 << 31) <= value < 1 << 31 else "longint"
        sv.append(f"  localparam {svtype} {name} = {value};  // {comment}\n")
    sv.append("  // per-layer arrays, index = layer: packed, entry l = <NAME>_FLAT[l*32 +: 32] (portable to Icarus)\n")
    for name, _ctype, _svtype, values, comment in spec.layer_arrays:
        if any(not 0 <= int(v) < 1 << 31 for v in values):
            raise ValueError(f"{name} = {values}: the SV package holds per-layer values in 0..2^31-1")
        words = ", ".join(f"32'd{int(v)}" for v in reversed(values))
        sv.append(f"  localparam logic [{32 * len(values) - 1}:0] {name}_FLAT = {{{words}}};  // {comment}\n")
    for t in spec.tables:
        sv.append(f'  localparam {t.name}_MEM = "{p}_{t.name.lower()}.mem";\n')
    for t in spec.tables:
        if t.sv_inline:
            sv.append(_sv_flat(t))
    sv.append(f'  localparam CONFIG_HASH = "{spec.config_hash}";\n')
    sv.append("  /* verilator lint_on UNUSEDPARAM */\nendpackage\n\n`endif\n")
    files = {f"{p}_params.h": "".join(h), f"{p}_tables.h": "".join(tb), f"{p}_pkg.sv": "".join(sv)}
    for t in spec.tables:
        kind = "two's complement" if t.signed else "unsigned"
        head = f"// {spec.config_name} {t.name.lower()} {spec.config_hash}: {t.doc}; {t.width}-bit {kind}"
        files[f"{p}_{t.name.lower()}.mem"] = "\n".join([head, *mem_lines(t.values.ravel(), t.width, signed=t.signed)])
        files[f"{p}_{t.name.lower()}.mem"] += "\n"
    return files


def retina_files(cfg: RetinaConfig) -> dict[str, str]:
    """File name -> content of everything HLS and RTL need for this retina."""
    t = cfg.tables
    return _render(
        _Spec(
            prefix="retina",
            config_class="RetinaConfig",
            config_name=cfg.name,
            config_hash=cfg.config_hash(),
            consts=_retina_constants(cfg),
            layer_arrays=[
                ("ROI", "long long", "longint", cfg.roi_hw, "region-of-interest cut per layer (LSBs)"),
                ("LUT_SHIFT", "int", "int", cfg.lut_shift, "|d| or d^2 >> LUT_SHIFT -> LUT index"),
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
                _Table(
                    "RECEPTORS",
                    (cfg.n_layers, cfg.n_meas, cfg.n_cells),
                    t.receptors_hw,
                    cfg.coord_bits,
                    True,
                    "receptors[layer][measurement][cell], cell = i*N_B + j, in coordinate LSBs",
                    sv_inline=True,
                ),
                _Table(
                    "LUT",
                    (cfg.n_layers, cfg.lut_size),
                    t.lut,
                    cfg.weight_bits,
                    False,
                    "weight LUT[layer][index]",
                ),
                _Table(
                    "A_BEND",
                    (cfg.n_a,),
                    cfg.a_bend_hw(),
                    max(cfg.bend_bits, 1),
                    True,
                    "q/pT of the cell centres along a, in bend LSBs (bend filter)",
                    sv_inline=True,
                ),
            ],
        )
    )


def _hough_constants(cfg: HoughConfig) -> list[tuple[str, int, str]]:
    """(NAME, value, comment) of every integer constant the Hough hardware needs."""
    return [
        ("N_LAYERS", cfg.n_layers, "detector layers (layer-mask bits)"),
        ("N_A", cfg.n_a, f"columns over a = {cfg.param_names[0]}"),
        ("N_B", cfg.n_b, f"bins over b = {cfg.param_names[1]}"),
        ("COORD_BITS", cfg.coord_bits, f"signed hit coordinate and line ends, LSB = {cfg.coord_lsb!r}"),
        ("LAYER_BITS", max(1, (cfg.n_layers - 1).bit_length()), "layer id"),
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
        ("COLUMN_BITS", max(1, (cfg.n_a - 1).bit_length()), "column index"),
        ("BIN_BITS", max(1, (cfg.n_b - 1).bit_length()), "bin index"),
        ("FILL_BINS", hough_fill_bins(cfg), "RTL: bins one hit fills per column, min(MAX_BINS_PER_COLUMN, N_B)"),
        ("SLOT_BITS", bits_unsigned(cfg.max_hits), "RTL: arrival slot counter 0..MAX_HITS"),
        ("CELL_COUNT_BITS", bits_unsigned(cfg.max_hits_per_cell), "RTL: listed hits of a cell, 0..MAX_HITS_PER_CELL"),
        (
            "CELL_WORD_BITS",
            cfg.n_layers + bits_unsigned(cfg.max_hits_per_cell) + cfg.max_hits,
            "RTL: cell word {hit list (slot set), listed count, layer mask}",
        ),
        ("MINI_LANES", HOUGH_MINI_LANES, "RTL: listed hits the mini-Hough refills per clock (a power of two)"),
        ("CMP_LANES", HOUGH_CMP_LANES, "RTL: kept candidates one duplicate check compares per clock (a power of two)"),
        ("MAX_CAND", hough_max_candidates(cfg), "RTL: candidates per event before duplicate removal (worst case)"),
        ("N_CAND_BITS", bits_unsigned(hough_max_candidates(cfg)), "RTL: candidate counter 0..MAX_CAND"),
        (
            "N_KEYS",
            (cfg.n_layers - cfg.min_layers + 1) * (cfg.max_hits_per_cell + 1),
            "RTL: rank keys (N_LAYERS - layers) * (MAX_HITS_PER_CELL + 1) + listed hits",
        ),
        ("WORD_KIND_TRACK", HOUGH_KIND_TRACK, "RTL output word kind: a candidate"),
        ("WORD_KIND_HIT", HOUGH_KIND_HIT, "RTL output word kind: one hit id of the candidate before"),
        ("WORD_KIND_EOE", HOUGH_KIND_EOE, "RTL output word kind: end of event"),
        ("EVENT_TAG_BITS", EVENT_TAG_BITS, "RTL output word: event number modulo 2^EVENT_TAG_BITS"),
        *_layout_constants("IN", hough_lane_layout(cfg), "RTL input word"),
        *_layout_constants("OUT", hough_track_layout(cfg), "RTL output word"),
    ]


def hough_files(cfg: HoughConfig) -> dict[str, str]:
    """File name -> content of everything HLS and RTL need for this Hough transform."""
    sub_edges = cfg.a_min + np.arange(2 * cfg.n_a + 1) * (cfg.delta_a / 2.0)
    return _render(
        _Spec(
            prefix="hough",
            config_class="HoughConfig",
            config_name=cfg.name,
            config_hash=cfg.config_hash(),
            consts=_hough_constants(cfg),
            layer_arrays=[],
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
                _Table(
                    "SHIFT",
                    (cfg.n_layers, cfg.n_a + 1),
                    cfg.tables.shift_hw,
                    cfg.coord_bits,
                    True,
                    "line shift at the column edges [layer][edge]: b = coordinate - SHIFT (LSBs)",
                    sv_inline=True,
                ),
                _Table(
                    "SUB_SHIFT",
                    (cfg.n_layers, 2 * cfg.n_a + 1),
                    cfg.quantize_coord(cfg.shifts(sub_edges)),
                    cfg.coord_bits,
                    True,
                    "mini-Hough: line shift at the half-column edges [layer][edge]",
                    sv_inline=True,
                ),
                _Table(
                    "A_BEND",
                    (cfg.n_a,),
                    cfg.tables.a_bend_hw,
                    max(cfg.bend_bits, 1),
                    True,
                    "q/pT of the column centres, in bend LSBs (bend filter)",
                    sv_inline=True,
                ),
            ],
        )
    )


def write_hough(cfg: HoughConfig, out_dir: str | Path) -> list[Path]:
    """Write :func:`hough_files` into ``out_dir``; returns the paths."""
    return _write(hough_files(cfg), out_dir)


def _write(files: dict[str, str], out_dir: str | Path) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in files.items():
        path = out / name
        path.write_text(text)
        paths.append(path)
    return paths


def write_retina(cfg: RetinaConfig, out_dir: str | Path) -> list[Path]:
    """Write :func:`retina_files` into ``out_dir``; returns the paths."""
    return _write(retina_files(cfg), out_dir)

"""Code generation: an algorithm's config -> C++ header, SystemVerilog package, memory files.

The one source of truth for every hardware constant is the Python config; HLS and RTL
include only what this module writes. An algorithm describes its hardware constants and
tables as a :class:`HeaderSpec` (its hardware module, :mod:`fasttrack.hw.retina` or
:mod:`fasttrack.hw.hough`, builds one from a config) and :func:`render` turns it into
files, with ``<p>`` the algorithm's name:

``<p>_params.h``
    ``constexpr`` constants in ``namespace <p>``, per-layer arrays, type aliases (through
    ``ft_types.h``, which maps them to ``ap_int``/``ap_uint`` or ``ac_int``).
``<p>_tables.h``
    the tables as ``static const`` arrays (HLS cannot read memory files at compile time).
``<p>_pkg.sv``
    the same constants as an SV package (``localparam``), per-layer arrays and the tables
    RTL needs as packed constants.
``<p>_<table>.mem``
    ``$readmemh`` files, one word per line in two's complement hex of the stated width.
``platform.tcl``
    the part and clock of :mod:`fasttrack.hw.platform` for the Vitis HLS scripts.

Every file starts with a comment naming the config and its hash.

Example
-------
>>> mem_lines([-1, 5], 4)
['f', '5']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import __version__
from .platform import CLOCK_MHZ, U50, clock_period_ns
from .words import WordLayout

__all__ = ["Constant", "HeaderSpec", "Table", "bend_table", "layout_constants", "mem_lines", "render", "write_files"]

Constant = tuple[str, int, str]  # NAME, value, comment


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


def layout_constants(prefix: str, layout: WordLayout, what: str) -> list[Constant]:
    """<PREFIX>_WORD_BITS, <PREFIX>_TDATA_BITS (the AXI4-Stream TDATA: the word padded to
    bytes) and, per field, <PREFIX>_<FIELD>_LSB / _BITS (:mod:`fasttrack.hw.words`)."""
    out = [
        (f"{prefix}_WORD_BITS", layout.bits, f"{what}: width"),
        (f"{prefix}_TDATA_BITS", layout.tdata_bits, f"{what}: AXI4-Stream TDATA width (zero padded to bytes)"),
    ]
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
class Table:
    """One generated table: a C array in <prefix>_tables.h and <prefix>_<name>.mem."""

    name: str
    dims: tuple[int, ...]
    values: np.ndarray
    width: int
    signed: bool
    doc: str  # the order of the entries
    sv_inline: bool = False  # also a packed constant in the SV package (<NAME>_FLAT), for RTL


def bend_table(values: np.ndarray, bend_bits: int, what: str) -> Table:
    """``A_BEND``: the q/pT of the cells (or columns) along a in bend LSBs, for the bend
    filter of either algorithm (zeros, one bit wide, when the filter is off)."""
    return Table("A_BEND", (len(values),), values, max(bend_bits, 1), True, what, sv_inline=True)


def _sv_flat(t: Table) -> str:
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
class HeaderSpec:
    """Everything one algorithm's generated files hold."""

    prefix: str  # file prefix, C++ namespace and SV package stem (the algorithm's name)
    config_class: str
    config_name: str
    config_hash: str
    consts: list[Constant]
    typedefs: list[tuple[str, str, str, str]]  # name, "s"/"u", width constant, comment
    tables: list[Table]
    layer_arrays: list[tuple[str, str, tuple[int, ...], str]] = field(
        default_factory=list
    )  # NAME, C type, values, comment


def _platform_tcl(banner: str) -> str:
    return (
        banner.replace("//", "#", 1)
        + f"# the target of every fasttrack kernel (fasttrack.hw.platform): {U50.name} at {CLOCK_MHZ:g} MHz\n"
        + f"set ft_part {U50.part}\n"
        + f"set ft_clock_mhz {CLOCK_MHZ:g}\n"
        + f"set ft_clock_period_ns {clock_period_ns():g}\n"
    )


def render(spec: HeaderSpec) -> dict[str, str]:
    """File name -> content for one :class:`HeaderSpec`: header, tables header, SV package,
    .mem files and ``platform.tcl``."""
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
    for name, ctype, values, comment in spec.layer_arrays:
        h.append(f"constexpr {ctype} {name}[N_LAYERS] = {{{', '.join(str(v) for v in values)}}};  // {comment}\n")
    h.append(f'constexpr const char CONFIG_HASH[] = "{spec.config_hash}";  // checked against vector headers\n\n')
    for name, kind, width, comment in spec.typedefs:
        text = f"typedef ft::{'sint' if kind == 's' else 'uint'}<{width}> {name};"
        h.append(text + (f"  // {comment}\n" if comment else "\n"))
    h.append(f"\n}}  // namespace {p}\n\n#endif\n")
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
    for name, _ctype, values, comment in spec.layer_arrays:
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
    files["platform.tcl"] = _platform_tcl(banner)
    return files


def write_files(files: Mapping[str, str], out_dir: str | Path) -> list[Path]:
    """Write generated files (name -> content) into ``out_dir``; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in files.items():
        path = out / name
        path.write_text(text)
        paths.append(path)
    return paths

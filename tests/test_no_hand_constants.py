"""No hardware constant written by hand in C++ or SystemVerilog (issue 14).

Every size and width the HLS kernels (hls/) and the RTL (hdl/) use comes from the
generated headers and packages (:func:`fasttrack.hw.hough.constants`,
:func:`fasttrack.hw.retina.constants`, widths from :func:`fasttrack.bits.bits_unsigned` /
:func:`~fasttrack.bits.bits_signed`): no width helper of their own, no re-derived
capacity, no literal width for a field of a stream word. Each rule below is a regex over
the sources; the planted-bug test proves that every rule fires on the hand-written form it
forbids (the forms the kernels had before).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fasttrack import detector
from fasttrack.hough import HoughConfig
from fasttrack.hw import hough as hough_hw
from fasttrack.hw import sources

HLS_GLOBS = ("**/*.h", "**/*.cpp")
HDL_GLOBS = ("**/*.sv", "**/*.svh")


def _sources(root: Path, globs: tuple[str, ...]) -> list[Path]:
    return sorted({p for g in globs for p in root.glob(g) if "third_party" not in p.relative_to(root).parts})


def _hls() -> list[Path]:
    return _sources(sources.hls_dir(), HLS_GLOBS)


def _hdl() -> list[Path]:
    return _sources(sources.hdl_dir(), HDL_GLOBS)


# (files the rule reads: "hls", "hdl" or a file name, regex, what to write instead)
RULES: list[tuple[str, str, str]] = [
    ("hls", r"\bbits_for\b", "a width helper of its own: add the width to constants(cfg), from bits_unsigned"),
    ("hdl", r"\bbits_for\b", "a width helper of its own: add the width to constants(cfg), from bits_unsigned"),
    ("hls", r"ft::[su]int<\s*(?:[2-9]|\d\d+)\s*>", "a literal width (a 1-bit flag is the only one allowed)"),
    ("hls", r"\b(?:min|max)_ll\s*\(", "a re-derived size: FILL_BINS, MAX_CAND_CELLS, MAX_CAND are generated"),
    ("hls", r"\bkSubs\b|MINI_HOUGH\s*\?\s*\d", "candidates per cell re-derived: MAX_CAND is generated"),
    ("hls", r"\benum\b[^;]*\bKIND_", "word kinds of its own: WORD_KIND_TRACK / _HIT / _EOE are generated"),
    ("hough.cpp", r"store\([^;]*,\s*-1\s*,", "the sub of a cell candidate is SUB_NONE"),
    ("hough_top.sv", r"signed\s*\[\s*\d+\s*:\s*0\s*\]\s*sub\b", "the sub width is OUT_SUB_BITS"),
    ("hough_top.sv", r"\b\d+'\s*\(\s*q_sel\s*\)", "the sub width is OUT_SUB_BITS"),
    ("hough_top.sv", r"-\s*\d+'sd\d", "the sub of a cell candidate is SUB_NONE, OUT_SUB_BITS wide"),
    ("hough_top.sv", r"\bINFO\s*=[^;]*\+\s*\d+\s*\+", "the sub width in the candidate word is OUT_SUB_BITS"),
    ("hough_top.sv", r"OUT_SUB_BITS\s*!=\s*\d", "a hand-written sub width"),
    ("hdl", r"\[\s*\d+\s*:\s*0\s*\]\s*kind\b|\b\d+'\s*\(\s*(?:WORD_)?KIND_", "the kind width is OUT_KIND_BITS"),
    ("hdl", r"\b8'\s*\(\s*m\s*\[", "a layer count is LAYER_COUNT_BITS wide"),
    ("hough_column.sv", r"\[\s*\d+\s*:\s*0\s*\]\s*overflows\b", "a hit's list overflows per column: FILL_BINS_BITS"),
    ("retina_top.sv", r"\bFB\s*\+\s*[12]\b", "the centroid offset width is OFFSET_BITS"),
]


def violations(name: str, text: str, kind: str) -> list[str]:
    """Rule breaches of one source file (``kind``: "hls" or "hdl")."""
    out = []
    for where, pattern, why in RULES:
        if where not in (kind, name):
            continue
        for m in re.finditer(pattern, text):
            line = text.count("\n", 0, m.start()) + 1
            out.append(f"{name}:{line}: {m[0]!r}: {why}")
    return out


def test_no_source_writes_a_hardware_constant_by_hand() -> None:
    found = [v for p in _hls() for v in violations(p.name, p.read_text(), "hls")]
    found += [v for p in _hdl() for v in violations(p.name, p.read_text(), "hdl")]
    assert not found, "\n".join(found)


def test_the_rules_read_the_sources() -> None:
    """The file lists are not empty and hold the files the named rules read."""
    names = {p.name for p in _hls() + _hdl()}
    assert {"hough.h", "hough.cpp", "retina.h", "retina.cpp", "hough_tb.cpp", "ft_vectors.h"} <= names
    assert {"hough_top.sv", "hough_column.sv", "retina_top.sv"} <= names
    assert {where for where, _, _ in RULES} <= names | {"hls", "hdl"}


def test_sub_and_kind_widths_come_from_the_generated_constants() -> None:
    hls = (sources.hls_dir() / "hough" / "hough.h").read_text()
    assert re.search(r"typedef ft::sint<OUT_SUB_BITS> sub_t;", hls)
    assert re.search(r"typedef ft::uint<OUT_KIND_BITS> kind_t;", hls)
    rtl = (sources.hdl_dir() / "hough" / "hough_top.sv").read_text()
    assert "OUT_SUB_BITS" in rtl and "SUB_NONE" in rtl
    assert all(f"WORD_KIND_{k}" in rtl for k in ("TRACK", "HIT", "EOE"))
    # ... and the generated constants are the word layout's
    cfg = HoughConfig.for_rtl(detector.barrel())
    consts = {name: value for name, value, _ in hough_hw.constants(cfg)}
    widths = {f.name: f.bits for f in hough_hw.track_layout(cfg).fields}
    assert consts["OUT_SUB_BITS"] == widths["sub"] and consts["SUB_NONE"] == hough_hw.SUB_NONE
    assert consts["OUT_KIND_BITS"] == widths["kind"]


@pytest.mark.parametrize(
    ("name", "kind", "planted"),
    [
        # the forms the sources had before (issue 14, item 3)
        ("hough.h", "hls", "constexpr int bits_for(long long v) {  // unsigned width holding 0..v"),
        ("retina.h", "hls", "constexpr int bits_for(long long v) {"),
        ("hough.h", "hls", "typedef ft::sint<3> sub_t;"),
        ("hough.h", "hls", "    ft::uint<2> kind = 0;"),
        ("hough.h", "hls", "constexpr int kFillBins = min_ll(MAX_BINS_PER_COLUMN, N_B);"),
        ("hough.h", "hls", "constexpr int kSubs = MINI_HOUGH ? 4 : 1;"),
        ("hough.h", "hls", "enum : int { KIND_TRACK = 0, KIND_HIT = 1, KIND_EOE = 2 };"),
        ("hough.cpp", "hls", "store(cands, n, i, j, -1, m, layer_count(m), nh, list[i][j]);"),
        ("hough_top.sv", "hdl", "    logic signed [2:0] sub;"),
        ("hough_top.sv", "hdl", "      sub = 3'(q_sel);"),
        ("hough_top.sv", "hdl", "      sub = -3'sd1;"),
        ("hough_top.sv", "hdl", "  localparam int INFO = int'(COLUMN_BITS) + BB + 3 + NL + CNTW;"),
        ("hough_top.sv", "hdl", "      OUT_LAYER_MASK_BITS != N_LAYERS || OUT_SUB_BITS != 3) begin"),
        ("hough_top.sv", "hdl", "  logic [1:0] kind;"),
        ("hough_top.sv", "hdl", "    for (int b = 0; b < NL; b++) popcount_nl = popcount_nl + 8'(m[b]);"),
        ("hough_column.sv", "hdl", "    output logic      [2:0]                    overflows,"),
        ("retina_top.sv", "hdl", "  logic signed [FB+1:0] off_a, off_b;"),
    ],
)
def test_every_rule_fires_on_a_planted_hand_written_constant(name: str, kind: str, planted: str) -> None:
    current = {p.name: p.read_text() for p in (_hls() if kind == "hls" else _hdl())}[name]
    assert violations(name, current, kind) == []
    assert violations(name, current + "\n" + planted + "\n", kind), f"no rule caught {planted!r}"

"""Code generation (fasttrack.hw.codegen): config -> C++ header, SV package, memory files.

Every generated constant and table is parsed back and compared with the config; the
headers are compiled with g++ against the vendored ap_types and ac_types and checked by
tests/cpp/retina_params_check.cpp (static_asserts on the constants, every table entry
round-tripped through its hardware type and printed back).
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from fasttrack import detector
from fasttrack.hw import retina as retina_hw
from fasttrack.hw import sources
from fasttrack.hw.codegen import mem_lines, write_files
from fasttrack.retina import RetinaConfig, RetinaTables

REPO = Path(__file__).resolve().parents[1]
CHECK_CPP = REPO / "tests" / "cpp" / "retina_params_check.cpp"
FT_INCLUDE = REPO / "hls" / "include"
AP_TYPES = REPO / "hls" / "third_party" / "ap_types"
AC_TYPES = REPO / "hls" / "third_party" / "ac_types" / "include"
CXX = os.environ.get("CXX", "g++")
PRESETS = ("telescope", "barrel", "velo")
FILES = (
    "retina_params.h",
    "retina_tables.h",
    "retina_pkg.sv",
    "retina_receptors.mem",
    "retina_lut.mem",
    "retina_a_bend.mem",
    "platform.tcl",
)


@pytest.fixture(scope="module")
def configs() -> dict[str, RetinaConfig]:
    return {name: RetinaConfig.for_detector(detector.preset(name)) for name in PRESETS}


@pytest.fixture(scope="module")
def generated(configs: dict[str, RetinaConfig]) -> dict[str, dict[str, str]]:
    return {name: retina_hw.files(cfg) for name, cfg in configs.items()}


def expected_constants(cfg: RetinaConfig) -> dict[str, int]:
    """What hardware must see, from the config's fields (widths checked separately)."""
    return {
        "N_LAYERS": cfg.n_layers,
        "N_MEAS": cfg.n_meas,
        "N_A": cfg.n_a,
        "N_B": cfg.n_b,
        "N_CELLS": cfg.n_a * cfg.n_b,
        "COORD_BITS": cfg.coord_bits,
        "HIT_ID_BITS": cfg.hit_id_bits,
        "WEIGHT_BITS": cfg.weight_bits,
        "LUT_SIZE": cfg.lut_size,
        "ACC_BITS": cfg.acc_bits,
        "ACC_MAX": 2**cfg.acc_bits - 1,
        "THRESHOLD": cfg.threshold_hw,
        "ASSOC_WEIGHT": cfg.assoc_hw,
        "CENTROID_FRAC_BITS": cfg.centroid_frac_bits,
        "MAX_HITS": cfg.max_hits,
        "MAX_TRACKS": cfg.max_tracks,
        "BEND_FILTER": int(cfg.bend_window_hw >= 0),
        "BEND_WINDOW": max(cfg.bend_window_hw, 0),
        "RECEPTOR_WORDS": cfg.n_layers * cfg.n_meas * cfg.n_a * cfg.n_b,
        "LUT_WORDS": cfg.n_layers * cfg.lut_size,
    }


def smallest_index_bits(n: int) -> int:
    """Bits of an unsigned index 0 .. n − 1 (at least 1)."""
    return max(1, (n - 1).bit_length())


# ------------------------------------------------------------------------------------------
# parsers (deliberately strict: a line that does not parse fails the test)
# ------------------------------------------------------------------------------------------
def parse_cpp(text: str) -> tuple[dict[str, int], dict[str, list[int]]]:
    scalars = {m[1]: int(m[2]) for m in re.finditer(r"^constexpr long long (\w+) = (-?\d+)LL;", text, re.M)}
    arrays = {
        m[1]: [int(v) for v in m[2].split(",")]
        for m in re.finditer(r"^constexpr (?:long long|int) (\w+)\[N_LAYERS\] = \{([^}]*)\};", text, re.M)
    }
    return scalars, arrays


def parse_sv(text: str) -> tuple[dict[str, int], dict[str, list[int]], dict[str, str]]:
    scalars = {m[1]: int(m[2]) for m in re.finditer(r"^  localparam (?:longint|int) (\w+) = (-?\d+);", text, re.M)}
    # per-layer arrays are packed, entry l at [l*32 +: 32]: written MSB (last layer) first
    arrays = {
        m[1]: [int(v) for v in reversed(re.findall(r"32'd(\d+)", m[2]))]
        for m in re.finditer(r"^  localparam logic \[\d+:0\] (\w+)_FLAT = \{(32'd[^}]*)\};", text, re.M)
    }
    strings = dict(re.findall(r'^  localparam (\w+) = "([^"]*)";', text, re.M))
    return scalars, arrays, strings


def parse_c_table(text: str, name: str) -> tuple[list[int], list[int]]:
    """(dimensions, values) of ``static const long long NAME[..] = {...};``."""
    m = re.search(rf"^static const long long {name}((?:\[\d+\])+) = \{{([^}}]*)\}};", text, re.M)
    assert m, f"no table {name}"
    dims = [int(d) for d in re.findall(r"\[(\d+)\]", m[1])]
    return dims, [int(v) for v in m[2].replace("\n", " ").split(",") if v.strip()]


def parse_mem(text: str, width: int, signed: bool) -> tuple[list[str], list[int]]:
    """(comment lines, values) of a $readmemh file of ``width``-bit two's-complement words:
    comment lines first, then one word of exactly ceil(width/4) hex digits per line."""
    digits = (width + 3) // 4
    lines = text.splitlines()
    n_comments = next((n for n, line in enumerate(lines) if not line.startswith("//")), len(lines))
    words = lines[n_comments:]
    body = "\n".join(words) + "\n"
    bad = re.search(rf"^(?![0-9a-f]{{{digits}}}\n).*$", body, re.M) if words else None
    assert bad is None or bad.start() == len(body), f"{bad and bad[0]!r} is not a {digits}-digit word"
    raw = [int(w, 16) for w in words]
    assert all(v < 2**width for v in raw), f"a word exceeds {width} bits"
    assert text.endswith("\n")
    half = 2 ** (width - 1)
    return lines[:n_comments], [v - 2**width if signed and v >= half else v for v in raw]


# ------------------------------------------------------------------------------------------
# constants and tables parse back to the config
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", PRESETS)
def test_constants_parse_back(
    configs: dict[str, RetinaConfig], generated: dict[str, dict[str, str]], name: str
) -> None:
    cfg = configs[name]
    files = generated[name]
    assert set(files) == set(FILES)
    cpp, cpp_arrays = parse_cpp(files["retina_params.h"])
    sv, sv_arrays, sv_strings = parse_sv(files["retina_pkg.sv"])
    want = expected_constants(cfg)
    for key, value in want.items():
        assert cpp[key] == value, f"retina_params.h {key}"
        assert sv[key] == value, f"retina_pkg.sv {key}"
    assert cpp == sv, "the C++ header and the SV package must carry the same constants"
    assert cpp_arrays == sv_arrays == {"ROI": list(cfg.roi_hw), "LUT_SHIFT": list(cfg.lut_shift)}
    # widths: the smallest that index or hold what they must
    assert cpp["LAYER_BITS"] == smallest_index_bits(cfg.n_layers)
    assert cpp["CELL_A_BITS"] == smallest_index_bits(cfg.n_a)
    assert cpp["CELL_B_BITS"] == smallest_index_bits(cfg.n_b)
    assert 2 ** cpp["LUT_INDEX_BITS"] == cfg.lut_size
    assert 2 ** (cpp["OFFSET_BITS"] - 1) >= 2**cfg.centroid_frac_bits  # |offset| < 2^F fits signed
    if cfg.bend_window_hw >= 0:
        assert cpp["BEND_BITS"] == cfg.bend_bits
    assert sv_strings == {
        "RECEPTORS_MEM": "retina_receptors.mem",
        "LUT_MEM": "retina_lut.mem",
        "A_BEND_MEM": "retina_a_bend.mem",
        "CONFIG_HASH": cfg.config_hash(),
    }
    # no generated struct mirrors the constants (no kernel used it): one name per constant
    assert "struct config" not in files["retina_params.h"]


@pytest.mark.parametrize("name", PRESETS)
def test_mem_files_parse_back_to_the_tables(
    configs: dict[str, RetinaConfig], generated: dict[str, dict[str, str]], name: str
) -> None:
    cfg = configs[name]
    files = generated[name]
    _, rec = parse_mem(files["retina_receptors.mem"], cfg.coord_bits, signed=True)
    np.testing.assert_array_equal(rec, cfg.tables.receptors_hw.ravel(), strict=False)
    assert len(rec) == cfg.tables.receptors_hw.size
    # order: layer, measurement, cell = i·n_b + j
    l, m, i, j = cfg.n_layers - 1, cfg.n_meas - 1, cfg.n_a // 3, cfg.n_b - 2
    assert rec[((l * cfg.n_meas + m) * cfg.n_a + i) * cfg.n_b + j] == cfg.tables.receptors_hw[l, m, i, j]
    _, lut = parse_mem(files["retina_lut.mem"], cfg.weight_bits, signed=False)
    assert lut == cfg.tables.lut.ravel().tolist()
    assert lut[1 * cfg.lut_size + 5] == cfg.tables.lut[1, 5]
    bend_bits = cfg.bend_bits if cfg.bend_window_hw >= 0 else 1
    _, bend = parse_mem(files["retina_a_bend.mem"], bend_bits, signed=True)
    assert bend == cfg.a_bend_hw().tolist()
    # the C++ tables hold the same numbers
    dims, values = parse_c_table(files["retina_tables.h"], "RECEPTORS")
    assert dims == [cfg.n_layers, cfg.n_meas, cfg.n_cells] and values == rec
    dims, values = parse_c_table(files["retina_tables.h"], "LUT")
    assert dims == [cfg.n_layers, cfg.lut_size] and values == lut
    assert parse_c_table(files["retina_tables.h"], "A_BEND") == ([cfg.n_a], cfg.a_bend_hw().tolist())
    # the RTL's packed copies in the SV package: entry k at bits [k*W +: W]
    np.testing.assert_array_equal(
        parse_sv_flat(files["retina_pkg.sv"], "RECEPTORS", cfg.coord_bits), cfg.tables.receptors_hw.ravel()
    )
    assert parse_sv_flat(files["retina_pkg.sv"], "A_BEND", bend_bits) == cfg.a_bend_hw().tolist()


def parse_sv_flat(text: str, name: str, width: int) -> list[int]:
    """Entries of ``localparam logic [..] NAME_FLAT = {W'hMSB, ..., W'hLSB}`` as signed ints."""
    m = re.search(rf"localparam logic \[(\d+):0\] {name}_FLAT = \{{([^}}]*)\}};", text)
    assert m, f"no {name}_FLAT"
    words = [int(w.strip().split("'h")[1], 16) for w in m[2].replace("\n", " ").split(",")]
    assert words and all(f"{width}'h" in w for w in m[2].split(","))
    assert int(m[1]) + 1 == width * len(words)
    return [w - (1 << width) if w >> (width - 1) else w for w in reversed(words)]


def test_sv_flat_parser_catches_a_planted_error(generated: dict[str, dict[str, str]]) -> None:
    text = generated["telescope"]["retina_pkg.sv"]
    cfg = RetinaConfig.for_detector(detector.telescope())
    flat = parse_sv_flat(text, "RECEPTORS", cfg.coord_bits)
    lo, rest = text.split("RECEPTORS_FLAT = {", 1)
    first, tail = rest.split(",", 1)
    w, v = first.strip().split("'h")
    bad = lo + "RECEPTORS_FLAT = {\n    " + f"{w}'h{(int(v, 16) ^ 1):0{len(v)}x}," + tail
    assert parse_sv_flat(bad, "RECEPTORS", cfg.coord_bits) != flat


def test_mem_parser_catches_a_planted_error(
    configs: dict[str, RetinaConfig], generated: dict[str, dict[str, str]]
) -> None:
    cfg = configs["telescope"]
    text = generated["telescope"]["retina_receptors.mem"]
    lines = text.splitlines()
    k = 1 + 1234  # one comment line, then the words
    lines[k] = format(int(lines[k], 16) ^ 1, f"0{len(lines[k])}x")  # flip the lowest bit of one word
    _, rec = parse_mem("\n".join(lines) + "\n", cfg.coord_bits, signed=True)
    assert rec[1234] != cfg.tables.receptors_hw.ravel()[1234]
    assert not np.array_equal(rec, cfg.tables.receptors_hw.ravel())
    with pytest.raises(AssertionError, match="not a 4-digit word"):
        parse_mem("// c\n00001\n", cfg.coord_bits, signed=True)
    with pytest.raises(AssertionError, match="'zz01' is not a 4-digit word"):
        parse_mem("// c\n0001\nzz01\n0002\n", cfg.coord_bits, signed=True)
    assert parse_mem("// c\n0001\n7fff\n4000\n", cfg.coord_bits, signed=True)[1] == [1, -1, -16384]


@pytest.mark.parametrize("name", PRESETS)
def test_every_file_carries_the_config_hash(
    configs: dict[str, RetinaConfig], generated: dict[str, dict[str, str]], name: str
) -> None:
    cfg = configs[name]
    h = cfg.config_hash()
    for fname, text in generated[name].items():
        first = text.splitlines()[0]
        assert first.startswith("# " if fname.endswith(".tcl") else "// "), fname
        assert h in first and name in first, f"{fname}: banner {first!r}"
    banner = generated[name]["retina_params.h"].splitlines()[0]
    assert f"RetinaConfig '{name}', hash {h}" in banner and "do not edit" in banner


def test_generation_is_deterministic(configs: dict[str, RetinaConfig], tmp_path: Path) -> None:
    for name in ("telescope", "barrel"):
        again = RetinaConfig.for_detector(detector.preset(name))  # a fresh config object
        assert retina_hw.files(configs[name]) == retina_hw.files(again)
    cfg = configs["barrel"]
    first = write_files(retina_hw.files(cfg), tmp_path / "a")
    second = write_files(retina_hw.files(cfg), tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second] and {p.name for p in first} == set(FILES)
    for p, q in zip(first, second, strict=True):
        assert p.read_bytes() == q.read_bytes(), p.name
        assert p.read_text() == retina_hw.files(cfg)[p.name]
    write_files(retina_hw.files(cfg), tmp_path / "a")  # rewriting in place changes nothing
    assert [p.read_bytes() for p in first] == [q.read_bytes() for q in second]


def test_a_config_change_shows_in_the_files(configs: dict[str, RetinaConfig]) -> None:
    cfg = configs["telescope"]
    other = dataclasses.replace(cfg, threshold=cfg.threshold + 0.5)
    a, b = retina_hw.files(cfg), retina_hw.files(other)
    assert parse_cpp(b["retina_params.h"])[0]["THRESHOLD"] == other.threshold_hw != cfg.threshold_hw
    assert all(a[f] != b[f] for f in FILES)  # every file names the (new) hash


# ------------------------------------------------------------------------------------------
# out-of-range values
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "width", "signed", "lines"),
    [
        ([0, 1, -1, 127, -128], 8, True, ["00", "01", "ff", "7f", "80"]),
        ([0, 255, 16], 8, False, ["00", "ff", "10"]),
        ([-3, 3], 5, True, ["1d", "03"]),
        ([-1, 255], 8, None, ["ff", "ff"]),
    ],
)
def test_mem_lines(values: list[int], width: int, signed: bool | None, lines: list[str]) -> None:
    assert mem_lines(values, width, signed=signed) == lines


@pytest.mark.parametrize(
    ("value", "width", "signed"),
    [
        (128, 8, True),
        (-129, 8, True),
        (256, 8, False),
        (-1, 8, False),
        (256, 8, None),
        (-129, 8, None),
        (16, 5, True),
    ],
)
def test_mem_lines_rejects_values_out_of_range(value: int, width: int, signed: bool | None) -> None:
    with pytest.raises(ValueError, match=f"value {value} does not fit"):
        mem_lines([0, value], width, signed=signed)


def test_out_of_range_table_entries_raise(configs: dict[str, RetinaConfig]) -> None:
    """A receptor or weight beyond its width (a table built elsewhere) is refused, not wrapped."""
    cfg = dataclasses.replace(configs["telescope"])
    good = cfg.tables
    rec = good.receptors_hw.copy()
    rec[3, 0, 10, 10] = 2 ** (cfg.coord_bits - 1)  # one above the largest signed value
    cfg.__dict__["tables"] = RetinaTables(rec, good.lut)  # the cached property's slot
    with pytest.raises(ValueError, match=f"{2 ** (cfg.coord_bits - 1)} does not fit"):
        retina_hw.files(cfg)
    lut = good.lut.copy()
    lut[0, 0] = 2**cfg.weight_bits
    cfg.__dict__["tables"] = RetinaTables(good.receptors_hw, lut)
    with pytest.raises(ValueError, match="does not fit in an unsigned"):
        retina_hw.files(cfg)


# ------------------------------------------------------------------------------------------
# g++ against the vendored ap_types and ac_types
# ------------------------------------------------------------------------------------------
FAMILIES = {"ap": ["-isystem", str(AP_TYPES)], "ac": ["-DFT_USE_AC", "-isystem", str(AC_TYPES)]}
CXXFLAGS = ["-std=c++17", "-O0", "-Wall", "-Wextra", "-Werror"]
TABLES_COMPILED = ("telescope", "barrel")  # velo's 850k-entry tables take seconds: its params.h only


@pytest.fixture(scope="module")
def cpp_builds(
    configs: dict[str, RetinaConfig], tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], tuple[Path, str, int]]:
    """(preset, family) -> (executable, compiler output); all compiled in parallel."""
    if shutil.which(CXX) is None:
        pytest.skip(f"{CXX} not found on PATH: the generated headers need a C++17 compiler to be checked")
    root = tmp_path_factory.mktemp("codegen_cpp")
    jobs = {}
    for name, cfg in configs.items():
        gen = root / name
        write_files(retina_hw.files(cfg), gen)
        expect = [f"-DEXPECT_{k}={v}LL" for k, v in expected_constants(cfg).items()]
        for family, flags in FAMILIES.items():
            exe = root / f"{name}_{family}"
            out = ["-o", str(exe)] if name in TABLES_COMPILED else ["-DFT_PARAMS_ONLY", "-fsyntax-only"]
            cmd = [CXX, *CXXFLAGS, *flags, "-I", str(FT_INCLUDE), "-I", str(gen), *expect, str(CHECK_CPP), *out]
            jobs[name, family] = (
                exe,
                subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True),
            )
    # a planted mismatch: the telescope headers against a threshold one LSB off
    cfg = configs["telescope"]
    wrong = [f"-DEXPECT_{k}={v}LL" for k, v in (expected_constants(cfg) | {"THRESHOLD": cfg.threshold_hw + 1}).items()]
    cmd = [
        CXX,
        *CXXFLAGS,
        *FAMILIES["ap"],
        "-fsyntax-only",
        "-I",
        str(FT_INCLUDE),
        "-I",
        str(root / "telescope"),
        *wrong,
        str(CHECK_CPP),
    ]
    jobs["telescope", "wrong"] = (
        root / "none",
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True),
    )
    return {key: (exe, proc.communicate()[0], proc.returncode) for key, (exe, proc) in jobs.items()}


@pytest.mark.parametrize("family", sorted(FAMILIES))
@pytest.mark.parametrize("name", PRESETS)
def test_generated_headers_compile_and_hold_the_tables(
    configs: dict[str, RetinaConfig], cpp_builds: dict[tuple[str, str], tuple[Path, str, int]], name: str, family: str
) -> None:
    cfg = configs[name]
    exe, log, rc = cpp_builds[name, family]
    assert rc == 0, f"g++ failed on the {name} headers ({family}):\n{log[-4000:]}"
    assert log == "", f"compiler output:\n{log[-4000:]}"
    if name not in TABLES_COMPILED:
        return  # the constants' static_asserts passed; the tables are checked through the .mem files
    run = subprocess.run([str(exe)], capture_output=True, text=True, check=False)
    out = {line.split(" ", 1)[0]: line.split()[1:] for line in run.stdout.splitlines()}
    assert run.returncode == 0 and out["bad"] == ["0"], run.stdout[:200]
    values = {k: [int(x) for x in v] for k, v in out.items()}
    assert values["SCALARS"] == [cfg.n_layers, cfg.n_a, cfg.n_b, cfg.coord_bits, cfg.threshold_hw]
    assert values["ROI"] == list(cfg.roi_hw) and values["LUT_SHIFT"] == list(cfg.lut_shift)
    assert values["RECEPTORS"] == cfg.tables.receptors_hw.ravel().tolist()
    assert values["LUT"] == cfg.tables.lut.ravel().tolist()
    assert values["A_BEND"] == cfg.a_bend_hw().tolist()


def test_cpp_check_fails_on_a_wrong_constant(cpp_builds: dict[tuple[str, str], tuple[Path, str, int]]) -> None:
    """The static_asserts bite: the telescope headers against a threshold one LSB off."""
    _, log, rc = cpp_builds["telescope", "wrong"]
    assert rc != 0
    assert "THRESHOLD differs from the Python config" in log
    assert "N_A differs" not in log  # only the planted constant


# ------------------------------------------------------------------------------------------
# generated files checked into the source tree must be fresh
# ------------------------------------------------------------------------------------------
def test_checked_in_generated_files_are_fresh() -> None:
    """Any generated retina file under hls/, hdl/ or sim/ equals what codegen writes now for
    the preset it names (regenerate with `fasttrack codegen retina --preset P -o DIR`)."""
    found = [
        p
        for d in ("hls", "hdl", "sim")
        for p in sorted((REPO / d).rglob("retina_*"))
        if p.name in FILES and "third_party" not in p.parts
    ]
    if not found:
        pytest.skip("no generated retina files are checked in under hls/, hdl/ or sim/")
    for p in found:
        text = p.read_text()
        m = re.search(r"RetinaConfig '(\w+)', hash ([0-9a-f]{16})|^// (\w+) .* ([0-9a-f]{16}):", text, re.M)
        assert m, f"{p}: no codegen banner"
        name = m[1] or m[3]
        fresh = retina_hw.files(RetinaConfig.for_detector(detector.preset(name)))[p.name]
        assert text == fresh, f"{p.relative_to(REPO)} is stale: regenerate it from the {name} preset"


def test_platform_tcl_carries_the_platform_module() -> None:
    """The Vitis HLS scripts read the part and clock from the generated platform.tcl, whose
    values are fasttrack.hw.platform's (no clock written by hand in Tcl)."""
    from fasttrack.hw.platform import CLOCK_MHZ, U50, clock_period_ns

    tcl = retina_hw.files(RetinaConfig.for_rtl(detector.telescope()))["platform.tcl"]
    sets = dict(re.findall(r"^set (\w+) (\S+)$", tcl, re.M))
    assert sets == {
        "ft_part": U50.part,
        "ft_clock_mhz": f"{CLOCK_MHZ:g}",
        "ft_clock_period_ns": f"{clock_period_ns():g}",
    }
    common = (sources.hls_dir() / "run_hls_common.tcl").read_text()
    assert "platform.tcl" in common and not re.search(r"create_clock -period [0-9]", common)
    assert U50.part not in common

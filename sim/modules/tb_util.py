"""Helpers shared by the per-module cocotb testbenches (``sim/modules/tb_*.py``).

The pytest side (``tests/test_rtl_modules.py``) runs one testbench per build and reads
what it did from a JSON file; the testbench learns its settings from environment
variables:

``FT_TB_PARAMS``  the HDL parameters of the build (JSON object), which the testbench's
                  model needs (cocotb cannot read parameters on every simulator);
``FT_TB_SEED``    the seed of the random idle cycles, back-pressure and data;
``FT_TB_FAULT``   a planted fault: ``"flip"`` flips one bit of one word the model
                  expects, so a correct DUT must fail (the checker can fail); a
                  testbench may offer others (``tb_ft_frac_div``: ``"x_input"``);
``FT_TB_PLAN``    a JSON file of stimulus and reference data (the Hough column);
``FT_RESULT``     where to write the result record (``fasttrack.hw.rtlsim.run_test`` sets it).

The result record holds the scoreboard's counts (words checked, mismatches, missing,
extra, X/Z values seen where a value must be known), the first errors and coverage
counters; the cocotb test fails when the scoreboard does, after writing it.
"""

from __future__ import annotations

import json
import os
import random
import time
import traceback
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge
from cocotb.types import LogicArray

CLOCK_NS = 10
MAX_ERRORS = 20


def params() -> dict[str, Any]:
    """The HDL parameters of this build (``$FT_TB_PARAMS``)."""
    return dict(json.loads(os.environ.get("FT_TB_PARAMS", "{}")))


def rng() -> random.Random:
    """The testbench's random source, seeded from ``$FT_TB_SEED`` (reproducible runs)."""
    return random.Random(int(os.environ.get("FT_TB_SEED", "1")))


def fault() -> str:
    """The planted fault (``$FT_TB_FAULT``): ``""`` (none), ``"flip"`` or a testbench's own."""
    return os.environ.get("FT_TB_FAULT", "")


def plan() -> dict[str, Any]:
    with open(os.environ["FT_TB_PLAN"]) as f:
        return dict(json.load(f))


def four_state() -> bool:
    """Whether the simulator keeps X and Z (Icarus); Verilator is two-state."""
    return "icarus" in cocotb.SIM_NAME.lower()


def idle_value(width: int, r: random.Random) -> LogicArray | int:
    """What an input carries while its valid is low: all X on a four-state simulator (an X
    that reaches a valid output fails the check), random bits on Verilator."""
    if four_state():
        return LogicArray("X" * width)
    return r.getrandbits(width)


@dataclass
class Scoreboard:
    """Exact comparisons: every word compared, missing and extra words counted, and an X or
    Z where a value must be known counts as a failure of its own."""

    checked: int = 0
    mismatches: int = 0
    missing: int = 0
    extra: int = 0
    xz: int = 0
    errors: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(text)

    def compare(self, what: str, got: Any, want: Any) -> bool:
        """One word (or tuple of fields) against the model's; counts it as checked."""
        self.checked += 1
        if got != want:
            self.mismatches += 1
            self.note(f"{what}: got {got!r}, expected {want!r}")
            return False
        return True

    def compare_streams(self, what: str, got: Sequence[Any], want: Sequence[Any]) -> None:
        """Two streams word by word: a shorter stream is missing words, a longer one has
        extra words."""
        for k, w in enumerate(want):
            if k >= len(got):
                self.missing += 1
                self.note(f"{what}: word {k} missing, expected {w!r}")
            else:
                self.compare(f"{what}: word {k}", got[k], w)
        if len(got) > len(want):
            self.extra += len(got) - len(want)
            self.note(f"{what}: {len(got) - len(want)} words beyond the expected {len(want)}, first {got[len(want)]!r}")

    def value(self, handle: Any, what: str, signed: bool = False) -> int | None:
        """The integer on ``handle``, or None (and an X/Z failure) when it has X or Z bits."""
        v = handle.value
        if not v.is_resolvable:
            self.xz += 1
            self.note(f"{what}: X/Z value {v!s}")
            return None
        if signed:
            return int(v.to_signed())
        return int(v)

    @property
    def passed(self) -> bool:
        return self.mismatches == 0 and self.missing == 0 and self.extra == 0 and self.xz == 0

    def record(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "checked": self.checked,
            "mismatches": self.mismatches,
            "missing": self.missing,
            "extra": self.extra,
            "xz": self.xz,
            "errors": list(self.errors),
        }


async def clock_and_reset(dut: Any, cycles: int = 3) -> None:
    """Start the clock; hold ``rst`` high for ``cycles`` clocks; return after a falling edge
    with ``rst`` low (inputs are driven after falling edges, outputs read in ReadOnly)."""
    Clock(dut.clk, CLOCK_NS, unit="ns").start()
    dut.rst.value = 1
    for _ in range(cycles):
        await FallingEdge(dut.clk)
    dut.rst.value = 0


async def run_and_report(
    board: Scoreboard, body: Callable[[], Awaitable[dict[str, Any]]], name: str = "test"
) -> dict[str, Any]:
    """Run a testbench body; write the result record to ``$FT_RESULT`` (also when the
    body raises); fail the cocotb test unless the scoreboard passed."""
    t0 = time.perf_counter()
    info: dict[str, Any] = {}
    crashed = ""
    try:
        info = await body()
    except Exception:  # the record must say what happened even when the testbench broke
        crashed = traceback.format_exc()
        board.note(f"{name} raised: {crashed.splitlines()[-1]}")
    rec = {
        **board.record(),
        **info,
        "crashed": crashed,
        "simulator": cocotb.SIM_NAME,
        "fault": fault(),
        "wall_seconds": time.perf_counter() - t0,
    }
    rec["passed"] = board.passed and not crashed
    path = os.environ.get("FT_RESULT")
    if path:
        with open(path, "w") as f:
            json.dump(rec, f, indent=1)
    assert rec["passed"], (
        f"{name}: {board.mismatches} mismatches, {board.missing} missing, {board.extra} extra, "
        f"{board.xz} X/Z; first errors: {board.errors[:5]}"
    )
    return rec

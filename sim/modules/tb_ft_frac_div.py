"""cocotb testbench of ``hdl/common/ft_frac_div.sv`` (verilog-axis style).

The divider never stalls (no ready): the driver sends operands with random idle cycles,
the monitor samples ``out_valid``, ``out_q`` and ``out_payload`` every clock, the model
gives the exact quotient (C++ truncation toward zero: the magnitude ``(|num| << F) //
den`` with the sign applied; 0 for ``den = 0``) ``FRAC_BITS + 1`` clocks after the
operands are taken, and the scoreboard compares clock by clock: an expected word at
another clock, or a valid word where none is expected, fails.

Operands: with ``DEN_BITS <= 5`` every ``den`` and every ``|num| <= den`` of both signs,
and ``den = 0`` with every ``|num|`` (the RTL promises 0 there); wider dividers take the
corners (``den`` of 1 and the maximum, ``|num|`` of 0, ``den - 1`` and ``den``) and
random operands. After the stream a reset with operands in flight must drop them.

Planted faults (``$FT_TB_FAULT``): ``flip`` (one expected quotient one bit off) and, on
Icarus, ``x_input`` (one valid operand with an X payload, which must show at the output
and fail). (An X operand would not do: the stages' ``if (num >= d)`` takes the else
branch on X in a four-state simulator, so the quotient comes out as clean bits.)
"""

from __future__ import annotations

import random
from collections import deque
from typing import Any

import cocotb
from cocotb.triggers import FallingEdge, ReadOnly
from tb_util import Scoreboard, clock_and_reset, fault, idle_value, params, rng, run_and_report

EXHAUSTIVE_DEN_BITS = 5
N_RANDOM = 1500
# idle probability in each third of the stream: gaps, back to back, sparse
SEGMENT_GAPS = (0.3, 0.0, 0.7)

Operand = tuple[int, int, int, int]  # neg, mag, den, payload


def quotient(neg: int, mag: int, den: int, frac_bits: int) -> int:
    """trunc((num << F) / den) with num = -mag if neg else mag; 0 for den = 0."""
    if den == 0:
        return 0
    q = (mag << frac_bits) // den  # magnitudes: floor is truncation
    return -q if neg else q


def operands(den_bits: int, payload_bits: int, r: random.Random) -> list[Operand]:
    top = (1 << den_bits) - 1

    def pay() -> int:
        return r.getrandbits(payload_bits)

    ops: list[Operand] = []
    if den_bits <= EXHAUSTIVE_DEN_BITS:
        ops += [(neg, mag, den, pay()) for den in range(1, top + 1) for mag in range(den + 1) for neg in (0, 1)]
        ops += [(neg, mag, 0, pay()) for mag in range(top + 1) for neg in (0, 1)]
        r.shuffle(ops)
        return ops
    for den in (1, 2, 3, top - 1, top):
        for mag in sorted({0, 1, den // 2, den - 1, den} & set(range(den + 1))):
            ops += [(0, mag, den, pay()), (1, mag, den, pay())]
    ops += [(neg, r.randint(0, top), 0, pay()) for neg in (0, 1) for _ in range(4)]
    for _ in range(N_RANDOM):
        den = r.randint(1, top) if r.random() < 0.5 else top - r.getrandbits(r.randint(1, den_bits - 1))
        ops.append((r.getrandbits(1), r.randint(0, den), den, pay()))
    r.shuffle(ops)
    return ops


class Driver:
    """Operands on the input port; an idle clock before an operand with probability
    ``gap`` (idle clocks carry X on Icarus, random bits on Verilator)."""

    def __init__(self, dut: Any, den_bits: int, payload_bits: int, r: random.Random):
        self.dut, self.den_bits, self.payload_bits, self.rng = dut, den_bits, payload_bits, r
        self.ops: deque[Operand] = deque()
        self.gap = 0.0
        self.x_once = fault() == "x_input"  # planted: one valid operand with an X payload

    def drive(self) -> Operand | None:
        """Drive this clock's input; the operand taken at the coming rising edge."""
        d = self.dut
        if self.ops and self.rng.random() >= self.gap:
            op = self.ops.popleft()
            d.in_valid.value = 1
            d.in_neg.value, d.in_mag.value, d.in_den.value, d.in_payload.value = op
            if self.x_once:
                d.in_payload.value = idle_value(self.payload_bits, self.rng)
                self.x_once = False
            return op
        d.in_valid.value = 0
        d.in_neg.value = idle_value(1, self.rng)
        d.in_mag.value = idle_value(self.den_bits, self.rng)
        d.in_den.value = idle_value(self.den_bits, self.rng)
        d.in_payload.value = idle_value(self.payload_bits, self.rng)
        return None


class Monitor:
    """Every clock: ``out_valid``; with it high, ``(out_q, out_payload)`` (X or Z fails)."""

    def __init__(self, dut: Any, board: Scoreboard):
        self.dut, self.board = dut, board
        self.words: list[tuple[int, int | None, int | None]] = []  # (clock, q, payload); None: X/Z

    def sample(self, cycle: int) -> int | None:
        b, d = self.board, self.dut
        v = b.value(d.out_valid, f"clock {cycle}: out_valid")
        if v:
            q = b.value(d.out_q, f"clock {cycle}: out_q (out_valid high)", signed=True)
            p = b.value(d.out_payload, f"clock {cycle}: out_payload (out_valid high)")
            self.words.append((cycle, q, p))  # None for X/Z: the word still takes its place
        return v


class Model:
    """The divider's contract: the quotient and payload of the operands taken at clock c
    leave in clock c + FRAC_BITS + 1; a reset drops everything in flight."""

    def __init__(self, frac_bits: int, flip: bool):
        self.frac_bits, self.latency = frac_bits, frac_bits + 1
        self.expected: list[tuple[int, int, int]] = []  # (clock, q, payload)
        self.flip = flip
        self.bound_ok = True

    def take(self, cycle: int, op: Operand) -> None:
        neg, mag, den, pay = op
        q = quotient(neg, mag, den, self.frac_bits)
        self.bound_ok &= abs(q) <= 1 << self.frac_bits
        if self.flip:  # the planted fault: one expected quotient one bit off
            q ^= 1
            self.flip = False
        self.expected.append((cycle + self.latency, q, pay))

    def reset(self, cycle: int) -> None:
        """A reset at the rising edge ending clock ``cycle``: nothing taken up to and in
        that clock comes out."""
        self.expected = [e for e in self.expected if e[0] <= cycle]  # those already out stay


class TB:
    def __init__(self, dut: Any):
        p = params()
        self.den_bits, self.frac_bits = int(p["DEN_BITS"]), int(p["FRAC_BITS"])
        self.payload_bits = int(p.get("PAYLOAD_BITS", 1))
        self.dut = dut
        self.rng = rng()
        self.board = Scoreboard()
        self.driver = Driver(dut, self.den_bits, self.payload_bits, self.rng)
        self.monitor = Monitor(dut, self.board)
        self.model = Model(self.frac_bits, fault() == "flip")
        self.cycle = 0
        self.valid_clocks = 0

    async def clock(self, rst: bool = False) -> None:
        await FallingEdge(self.dut.clk)
        self.dut.rst.value = int(rst)
        op = self.driver.drive()
        await ReadOnly()
        self.cycle += 1
        self.valid_clocks += int(bool(self.monitor.sample(self.cycle)))
        if op is not None:
            self.model.take(self.cycle, op)
        if rst:
            self.model.reset(self.cycle)

    async def run(self) -> dict[str, Any]:
        d = self.dut
        d.in_valid.value = 0
        for s in (d.in_neg, d.in_mag, d.in_den, d.in_payload):
            s.value = 0
        await clock_and_reset(d)
        ops = operands(self.den_bits, self.payload_bits, self.rng)
        k = len(ops) // len(SEGMENT_GAPS)
        for n, gap in enumerate(SEGMENT_GAPS):
            self.driver.ops.extend(ops[n * k : (n + 1) * k if n < len(SEGMENT_GAPS) - 1 else len(ops)])
            self.driver.gap = gap
            while self.driver.ops:
                await self.clock()
        for _ in range(self.model.latency + 8):  # drain, and clocks in which nothing may leave
            await self.clock()
        sent = len(ops)
        # a reset with operands in flight: none of them leaves
        self.driver.gap = 0.0
        self.driver.ops.extend(operands(self.den_bits, self.payload_bits, self.rng)[: self.model.latency + 2])
        for _ in range(self.model.latency - 1):
            await self.clock()
        await self.clock(rst=True)
        self.driver.ops.clear()
        for _ in range(self.model.latency + 4):
            await self.clock()
        # scoreboard: each expected word at exactly its clock, nothing else
        self.board.compare_streams("output (clock, q, payload)", self.monitor.words, self.model.expected)
        return {
            "sent": sent,
            "expected": len(self.model.expected),
            "received": len(self.monitor.words),
            "valid_clocks": self.valid_clocks,
            "clocks": self.cycle,
            "quotient_bound_ok": self.model.bound_ok,
            "latency": self.model.latency,
        }


@cocotb.test()
async def frac_div_stream(dut: Any) -> None:
    """Every quotient and payload against the exact model, at the exact clock."""
    tb = TB(dut)
    await run_and_report(tb.board, tb.run, "frac_div_stream")

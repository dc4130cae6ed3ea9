"""Co-simulation harness shared by the fasttrack RTL testbenches (cocotb side).

Driver, monitor, golden model and scoreboard are kept apart; :func:`run_plan` wires them
to a design under test and one clock loop. The DUT convention (retina and Hough alike,
the kernels' AXI4-Stream boundaries ``hdl/<kernel>/<kernel>_axis.sv``):

* ``clk``, ``rst`` (synchronous, active high);
* ``s_axis_tvalid[N-1:0]``, ``s_axis_tready[N-1:0]``, ``s_axis_tdata[N*T-1:0]``,
  ``s_axis_tlast[N-1:0]``: N input streams, lane k's TDATA at bits ``[k*T +: T]`` (the
  word padded to T bits, a byte multiple), its TLAST the word's own end-of-event bit;
* ``m_axis_tvalid``, ``m_axis_tready``, ``m_axis_tdata``, ``m_axis_tlast``: one output stream.

Everything else comes from a *plan* (JSON written by ``fasttrack.hw.cosim`` from the
algorithm's stream plan): the words of every lane and the golden model's expected output
words, event by event, already packed with the algorithm's word layouts, the output
word's fields (the scoreboard decodes with the same ``fasttrack.hw.words.WordLayout``
that encoded them; the field ``last`` ends an event), plus the random gap and
back-pressure probabilities. The harness knows nothing about the algorithm, so every
algorithm shares it.

Timing: inputs are written after a falling edge and sampled in the ReadOnly phase of the
same half period, so what is sampled is exactly what the DUT sees at the next rising
edge; a transfer is counted at that rising edge (cycle numbers start at the first
rising edge after reset).

Checks beyond the words (every one fails the run; the result's ``failures`` names them):

* X/Z (four-state simulators, Icarus): from the first cycle after reset, ``m_axis_tvalid``,
  every bit of ``s_axis_tready``, and every bit of ``m_axis_tdata`` and ``m_axis_tlast``
  while ``m_axis_tvalid`` is 1 must be
  0 or 1; an error names the cycle and the bit positions (the word is then recorded with
  those bits read as 0). Verilator is two-state: there the model is built with
  ``--x-assign unique --x-initial unique`` and run with random initial state instead
  (:mod:`fasttrack.hw.rtlsim`).
* Protocol: an output word presented with TVALID high and TREADY low at a rising edge
  must still be there, unchanged, at the next one (it stays until it is taken); TLAST
  equals the word's ``last`` bit; TDATA's padding is 0. An error names the cycle and the words.
* Inputs: every lane word of the plan must have been taken (TREADY high while it was
  valid) by the end of the run.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, ReadOnly

from fasttrack.hw.words import WordLayout

MAX_MESSAGES = 20  # per kind of error: enough to see a pattern, not a flood

_TO_BITS = str.maketrans({"L": "0", "l": "0", "H": "1", "h": "1"})


def read_bits(handle: Any) -> tuple[int, list[int]]:
    """The value of a signal and the positions (LSB = 0) of its bits that are not 0 or 1
    (X, Z, U, W, -), which the value reads as 0. Weak L/H read as 0/1."""
    text = str(handle.value)  # MSB first; the simulator's own string (LogicArray.is_resolvable is slow)
    try:
        return int(text, 2), []
    except ValueError:
        pass
    text = text.translate(_TO_BITS)
    n = len(text)
    bad = sorted(n - 1 - k for k, ch in enumerate(text) if ch not in "01")
    return int("".join(ch if ch in "01" else "0" for ch in text), 2), bad


@dataclass
class ErrorLog:
    """Errors of one kind: how many, and the first :data:`MAX_MESSAGES` messages."""

    kind: str
    count: int = 0
    messages: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        self.count += 1
        if len(self.messages) < MAX_MESSAGES:
            self.messages.append(text)


class LaneDriver:
    """Drives N lanes from per-lane word queues; random idle cycles between words.

    A word stays on its lane (valid high) until it is accepted, as valid/ready requires.
    Records, per event, the cycle its first word was accepted.
    """

    def __init__(
        self,
        dut: Any,
        lanes: list[list[tuple[int, int]]],
        width: int,
        gap_prob: float,
        rng: random.Random,
        last_lsb: int = 0,
    ):
        # width: a lane's TDATA stride (the word padded to bytes); last_lsb: the word's
        # end-of-event bit, which the driver also puts on TLAST
        self.dut, self.lanes, self.width, self.gap_prob, self.rng = dut, lanes, width, gap_prob, rng
        self.last_lsb = last_lsb
        self.pos = [0] * len(lanes)
        self.valid = [False] * len(lanes)
        self.first_in: dict[int, int] = {}
        self._data = [0] * len(lanes)
        self.x_errors = ErrorLog("X/Z")

    def drive(self) -> None:
        valid_bits, data, last_bits = 0, 0, 0
        for k, queue in enumerate(self.lanes):
            if not self.valid[k] and self.pos[k] < len(queue) and self.rng.random() >= self.gap_prob:
                self.valid[k] = True
                self._data[k] = queue[self.pos[k]][1]
            if self.valid[k]:
                valid_bits |= 1 << k
                data |= self._data[k] << (k * self.width)
                last_bits |= ((self._data[k] >> self.last_lsb) & 1) << k
        self.dut.s_axis_tvalid.value = valid_bits
        self.dut.s_axis_tdata.value = data
        self.dut.s_axis_tlast.value = last_bits

    def sample(self, cycle: int) -> None:
        ready, bad = read_bits(self.dut.s_axis_tready)
        if bad:  # read as not ready
            self.x_errors.note(f"cycle {cycle}: X/Z on s_axis_tready bits {bad} (lanes)")
        for k in range(len(self.lanes)):
            if self.valid[k] and (ready >> k) & 1:
                event = self.lanes[k][self.pos[k]][0]
                self.first_in.setdefault(event, cycle)
                self.pos[k] += 1
                self.valid[k] = False

    @property
    def finished(self) -> bool:
        return all(p == len(q) for p, q in zip(self.pos, self.lanes, strict=True))

    def unconsumed(self, numbers: list[int]) -> ErrorLog:
        """The lane words not taken by the design (``numbers``: the events' labels)."""
        log = ErrorLog("unconsumed")
        for k, (p, queue) in enumerate(zip(self.pos, self.lanes, strict=True)):
            if p < len(queue):
                event, word = queue[p]
                log.count += len(queue) - p - 1  # note() counts the first
                log.note(
                    f"lane {k}: {len(queue) - p} of {len(queue)} words not consumed by the end of the run, "
                    f"the first of event {numbers[event]} (word 0x{word:x}: offered, never taken)"
                )
        return log


class StreamMonitor:
    """Collects the output words with their cycle; random back-pressure on ``m_axis_tready``.

    Checks, every cycle: no X/Z on ``m_axis_tvalid``, nor on ``m_axis_tdata`` /
    ``m_axis_tlast`` while valid; a word stalled (valid high, ready low) at one rising edge
    is there, unchanged, at the next; TDATA's padding above ``word_bits`` is 0 and TLAST
    equals the word's own last bit (``last_lsb``)."""

    def __init__(
        self,
        dut: Any,
        backpressure_prob: float,
        rng: random.Random,
        describe: Callable[[int], dict[str, int]] | None = None,
        word_bits: int = 0,
        last_lsb: int = 0,
    ):
        self.dut, self.prob, self.rng = dut, backpressure_prob, rng
        self.word_bits, self.last_lsb = word_bits, last_lsb  # word_bits 0: no TDATA/TLAST checks
        self.describe = describe
        self.words: list[tuple[int, int]] = []  # (cycle, word)
        self.ready = 0
        self.stalled: tuple[int, int, list[int]] | None = None  # (cycle, word, X/Z bits) not taken
        self.x_errors = ErrorLog("X/Z")
        self.protocol_errors = ErrorLog("protocol")

    def drive(self) -> None:
        self.ready = 0 if self.rng.random() < self.prob else 1
        self.dut.m_axis_tready.value = self.ready

    def _changed(self, old: int, new: int) -> str:
        if self.describe is None:
            return ""
        a, b = self.describe(old), self.describe(new)
        return f"; fields changed (before, after): { {n: (a[n], b[n]) for n in a if a[n] != b[n]} }"

    def sample(self, cycle: int) -> None:
        valid, bad = read_bits(self.dut.m_axis_tvalid)
        if bad:
            self.x_errors.note(f"cycle {cycle}: m_axis_tvalid is X/Z (read as 0)")
        stalled, self.stalled = self.stalled, None
        if not valid:
            if stalled is not None:
                self.protocol_errors.note(
                    f"cycle {cycle}: m_axis_tvalid fell while the word of cycle {stalled[0]} (0x{stalled[1]:x}) "
                    "waited with m_axis_tready low: it was withdrawn before it was taken"
                )
            return
        tdata, bad = read_bits(self.dut.m_axis_tdata)
        tlast, bad_last = read_bits(self.dut.m_axis_tlast)
        if bad or bad_last:
            where = f"m_axis_tdata bits {bad}" if bad else "m_axis_tlast"
            self.x_errors.note(f"cycle {cycle}: X/Z on {where} while m_axis_tvalid is 1 (word 0x{tdata:x})")
        word = tdata & ((1 << self.word_bits) - 1) if self.word_bits else tdata
        if self.word_bits and tdata >> self.word_bits:
            self.protocol_errors.note(
                f"cycle {cycle}: TDATA padding above bit {self.word_bits - 1} is not 0 (0x{tdata:x})"
            )
        if self.word_bits and tlast != (word >> self.last_lsb) & 1:
            self.protocol_errors.note(
                f"cycle {cycle}: m_axis_tlast = {tlast} but the word's last bit is {(word >> self.last_lsb) & 1} "
                f"(word 0x{word:x})"
            )
        if stalled is not None and (stalled[1], stalled[2]) != (word, bad):
            self.protocol_errors.note(
                f"cycle {cycle}: m_axis_tdata changed under back-pressure (TVALID 1, TREADY 0 at cycle "
                f"{stalled[0]}): 0x{stalled[1]:x} (X/Z bits {stalled[2]}) -> 0x{word:x} (X/Z bits {bad})"
                + self._changed(stalled[1], word)
            )
        if self.ready:
            self.words.append((cycle, word))
        else:
            self.stalled = (cycle, word, bad)


class GoldenModel:
    """The expected output words, event by event (from the fixed-point golden model's
    vector files, packed by ``fasttrack.hw.cosim``)."""

    def __init__(self, expected: list[list[int]], numbers: list[int] | None = None):
        self.expected = expected
        # the events' numbers (labels, from the vectors' E lines) that messages name
        self.numbers = numbers if numbers is not None else list(range(len(expected)))

    @property
    def n_words(self) -> int:
        return sum(len(e) for e in self.expected)

    def stream(self) -> list[tuple[int, int]]:
        """(event number, word) in output order."""
        return [(self.numbers[e], w) for e, words in enumerate(self.expected) for w in words]


@dataclass
class Scoreboard:
    """Word-for-word comparison of the received stream with the golden stream."""

    layout: WordLayout  # the output word, as the golden words were packed
    mismatches: int = 0
    missing: int = 0
    extra: int = 0
    errors: list[str] = field(default_factory=list)

    def decode(self, word: int) -> dict[str, int]:
        return self.layout.unpack(word)

    def _note(self, text: str) -> None:
        if len(self.errors) < 20:
            self.errors.append(text)

    def compare(self, golden: GoldenModel, received: list[tuple[int, int]]) -> None:
        expected = golden.stream()
        for k, (event, want) in enumerate(expected):
            if k >= len(received):
                self.missing += 1
                self._note(f"event {event}: word {k} missing, expected {self.decode(want)}")
                continue
            got = received[k][1]
            if got != want:
                self.mismatches += 1
                diff = {n: (v, self.decode(want)[n]) for n, v in self.decode(got).items() if v != self.decode(want)[n]}
                self._note(f"event {event}: word {k} differs (got, expected): {diff}")
        if len(received) > len(expected):
            self.extra = len(received) - len(expected)
            self._note(
                f"{self.extra} words beyond the expected stream, first {self.decode(received[len(expected)][1])}"
            )

    @property
    def passed(self) -> bool:
        return self.mismatches == 0 and self.missing == 0 and self.extra == 0


async def run_plan(dut: Any, plan: dict[str, Any]) -> dict[str, Any]:
    """Run one plan on ``dut``; return the result record (also written by the caller)."""
    rng = random.Random(plan["seed"])
    n_events = len(plan["events"])
    lanes: list[list[tuple[int, int]]] = [[] for _ in range(plan["n_lanes"])]
    for e, ev in enumerate(plan["events"]):
        for k, words in enumerate(ev["lanes"]):
            lanes[k] += [(e, w) for w in words]
    golden = GoldenModel(
        [ev["expected"] for ev in plan["events"]], [ev.get("number", e) for e, ev in enumerate(plan["events"])]
    )
    driver = LaneDriver(
        dut, lanes, plan.get("lane_tdata_bits", plan["lane_bits"]), plan["gap_prob"], rng, plan.get("lane_last_lsb", 0)
    )
    layout = WordLayout.from_fields(plan["out_fields"])
    monitor = StreamMonitor(dut, plan["backpressure_prob"], rng, layout.unpack, layout.bits, layout.lsb("last"))
    board = Scoreboard(layout)
    last_flag = layout.lsb("last")

    cocotb.start_soon(Clock(dut.clk, plan["clock_period_ns"], unit="ns").start())
    dut.rst.value = 1
    dut.s_axis_tvalid.value = 0
    dut.s_axis_tdata.value = 0
    dut.s_axis_tlast.value = 0
    dut.m_axis_tready.value = 0
    for _ in range(3):
        await FallingEdge(dut.clk)
    dut.rst.value = 0

    t0 = time.perf_counter()
    cycle, ends_seen, idle = 0, 0, 0
    expected_ends = n_events
    while ends_seen < expected_ends and idle < plan["max_idle_cycles"]:
        await FallingEdge(dut.clk)
        driver.drive()
        monitor.drive()
        await ReadOnly()
        cycle += 1
        before = len(monitor.words)
        driver.sample(cycle)
        monitor.sample(cycle)
        if len(monitor.words) > before:
            idle = 0
            if (monitor.words[-1][1] >> last_flag) & 1:
                ends_seen += 1
        else:
            idle += 1
    # a few more cycles: words the DUT should not send still show up as extra, and an
    # input word still waiting keeps being offered (it is counted if the DUT takes it)
    for _ in range(plan.get("drain_cycles", 32)):
        await FallingEdge(dut.clk)
        driver.drive()
        monitor.drive()
        await ReadOnly()
        cycle += 1
        driver.sample(cycle)
        monitor.sample(cycle)
    wall = time.perf_counter() - t0

    board.compare(golden, monitor.words)
    unconsumed = driver.unconsumed(golden.numbers)
    x_errors = ErrorLog("X/Z", driver.x_errors.count + monitor.x_errors.count)
    x_errors.messages = sorted(
        driver.x_errors.messages + monitor.x_errors.messages, key=lambda m: int(m.split()[1].rstrip(":"))
    )[:MAX_MESSAGES]
    failures = []
    if not board.passed:
        failures.append(
            f"output words differ from the golden model: {board.mismatches} mismatches, "
            f"{board.missing} missing, {board.extra} extra"
        )
    if x_errors.count:
        failures.append(
            f"X/Z: {x_errors.count} times X or Z on m_axis_tvalid, m_axis_tdata/tlast (while valid) or s_axis_tready"
        )
    if monitor.protocol_errors.count:
        failures.append(
            f"protocol: {monitor.protocol_errors.count} output words changed or withdrawn under back-pressure"
        )
    if unconsumed.count:
        failures.append(f"inputs: {unconsumed.count} lane words not consumed by the end of the run")
    last_out: list[int | None] = [None] * n_events
    e = 0
    for c, w in monitor.words:
        if e < n_events and (w >> last_flag) & 1:
            last_out[e] = c
            e += 1
    return {
        "events": n_events,
        "expected_words": golden.n_words,
        "received_words": len(monitor.words),
        "mismatches": board.mismatches,
        "missing": board.missing,
        "extra": board.extra,
        "bit_exact": board.passed,  # the words alone
        "x_errors": x_errors.count,
        "protocol_errors": monitor.protocol_errors.count,
        "unconsumed_words": unconsumed.count,
        "failures": failures,
        "passed": not failures,  # words, X/Z, protocol and inputs
        "errors": x_errors.messages + monitor.protocol_errors.messages + unconsumed.messages + board.errors,
        "inputs_consumed": driver.finished,
        "first_in_cycle": [driver.first_in.get(k) for k in range(n_events)],
        "last_out_cycle": last_out,
        "cycles": cycle,
        "wall_seconds": wall,
        "cycles_per_second": cycle / wall if wall > 0 else None,
    }


@cocotb.test()
async def cosim(dut: Any) -> None:
    """Run the plan named by $FT_COSIM_PLAN; write the result to $FT_RESULT (fasttrack.hw.rtlsim.run_test reads it)."""
    with open(os.environ["FT_COSIM_PLAN"]) as f:
        plan = json.load(f)
    result = await run_plan(dut, plan)
    with open(os.environ["FT_RESULT"], "w") as f:
        json.dump(result, f)
    assert result["passed"], f"{'; '.join(result['failures'])}: {result['errors'][:5]}"

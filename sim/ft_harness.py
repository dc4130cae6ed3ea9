"""Co-simulation harness shared by the fasttrack RTL testbenches (cocotb side).

Driver, monitor, golden model and scoreboard are kept apart; :func:`run_plan` wires them
to a design under test and one clock loop. The DUT convention (retina and Hough alike):

* ``clk``, ``rst`` (synchronous, active high);
* ``in_valid[N-1:0]``, ``in_ready[N-1:0]``, ``in_data[N*W-1:0]``: N input lanes of
  W-bit words, lane k at bits ``[k*W +: W]``;
* ``out_valid``, ``out_ready``, ``out_data``: one output stream.

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
"""

from __future__ import annotations

import json
import os
import random
import time
from dataclasses import dataclass, field
from typing import Any

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, ReadOnly

from fasttrack.hw.words import WordLayout


class LaneDriver:
    """Drives N lanes from per-lane word queues; random idle cycles between words.

    A word stays on its lane (valid high) until it is accepted, as valid/ready requires.
    Records, per event, the cycle its first word was accepted.
    """

    def __init__(self, dut: Any, lanes: list[list[tuple[int, int]]], width: int, gap_prob: float, rng: random.Random):
        self.dut, self.lanes, self.width, self.gap_prob, self.rng = dut, lanes, width, gap_prob, rng
        self.pos = [0] * len(lanes)
        self.valid = [False] * len(lanes)
        self.first_in: dict[int, int] = {}
        self._data = [0] * len(lanes)

    def drive(self) -> None:
        valid_bits, data = 0, 0
        for k, queue in enumerate(self.lanes):
            if not self.valid[k] and self.pos[k] < len(queue) and self.rng.random() >= self.gap_prob:
                self.valid[k] = True
                self._data[k] = queue[self.pos[k]][1]
            if self.valid[k]:
                valid_bits |= 1 << k
                data |= self._data[k] << (k * self.width)
        self.dut.in_valid.value = valid_bits
        self.dut.in_data.value = data

    def sample(self, cycle: int) -> None:
        ready = int(self.dut.in_ready.value)
        for k in range(len(self.lanes)):
            if self.valid[k] and (ready >> k) & 1:
                event = self.lanes[k][self.pos[k]][0]
                self.first_in.setdefault(event, cycle)
                self.pos[k] += 1
                self.valid[k] = False

    @property
    def finished(self) -> bool:
        return all(p == len(q) for p, q in zip(self.pos, self.lanes, strict=True))


class StreamMonitor:
    """Collects the output words with their cycle; random back-pressure on ``out_ready``."""

    def __init__(self, dut: Any, backpressure_prob: float, rng: random.Random):
        self.dut, self.prob, self.rng = dut, backpressure_prob, rng
        self.words: list[tuple[int, int]] = []  # (cycle, word)
        self.ready = 0

    def drive(self) -> None:
        self.ready = 0 if self.rng.random() < self.prob else 1
        self.dut.out_ready.value = self.ready

    def sample(self, cycle: int) -> None:
        if self.ready and int(self.dut.out_valid.value):
            self.words.append((cycle, int(self.dut.out_data.value)))


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
    driver = LaneDriver(dut, lanes, plan["lane_bits"], plan["gap_prob"], rng)
    monitor = StreamMonitor(dut, plan["backpressure_prob"], rng)
    layout = WordLayout.from_fields(plan["out_fields"])
    board = Scoreboard(layout)
    last_flag = layout.lsb("last")

    cocotb.start_soon(Clock(dut.clk, plan["clock_period_ns"], unit="ns").start())
    dut.rst.value = 1
    dut.in_valid.value = 0
    dut.in_data.value = 0
    dut.out_ready.value = 0
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
    # a few more cycles: words the DUT should not send still show up as extra
    for _ in range(plan.get("drain_cycles", 32)):
        await FallingEdge(dut.clk)
        monitor.drive()
        await ReadOnly()
        cycle += 1
        monitor.sample(cycle)
    wall = time.perf_counter() - t0

    board.compare(golden, monitor.words)
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
        "passed": board.passed,
        "errors": board.errors,
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
    assert result["passed"], (
        f"{result['mismatches']} mismatches, {result['missing']} missing, "
        f"{result['extra']} extra words: {result['errors'][:5]}"
    )

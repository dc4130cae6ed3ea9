"""cocotb testbench of ``hdl/common/ft_fifo.sv`` (verilog-axis style).

Driver (input words with random idle cycles), sink (random output back-pressure) and
monitor, a model (a deque: ``count``, ``in_ready = count != DEPTH``, ``out_valid = count
!= 0`` and the first word on ``out_data`` every clock) and a scoreboard are kept apart.
The stream runs in segments of different idle and back-pressure rates so that the FIFO
runs full, drains empty and passes words straight through; then a reset with words inside
must empty it. Parameters (``WIDTH``, ``DEPTH``) come from ``$FT_TB_PARAMS``.
"""

from __future__ import annotations

import random
from collections import deque
from typing import Any

import cocotb
from cocotb.triggers import FallingEdge, ReadOnly
from tb_util import Scoreboard, clock_and_reset, fault, idle_value, params, rng, run_and_report

# (words, input idle probability, output back-pressure probability): fill, drain, mixed
SEGMENTS = ((150, 0.3, 0.3), (100, 0.05, 0.85), (100, 0.8, 0.05), (150, 0.0, 0.0), (100, 0.5, 0.5))
WATCHDOG_CLOCKS = 20_000


class Driver:
    """Input side: one word held on ``in_data`` with ``in_valid`` until accepted; a random
    idle cycle before a word with probability ``gap``."""

    def __init__(self, dut: Any, width: int, r: random.Random):
        self.dut, self.width, self.rng = dut, width, r
        self.words: deque[int] = deque()
        self.gap = 0.0
        self.holding: int | None = None

    def drive(self) -> None:
        if self.holding is None and self.words and self.rng.random() >= self.gap:
            self.holding = self.words.popleft()
        if self.holding is None:
            self.dut.in_valid.value = 0
            self.dut.in_data.value = idle_value(self.width, self.rng)
        else:
            self.dut.in_valid.value = 1
            self.dut.in_data.value = self.holding

    def accepted(self, in_ready: bool) -> int | None:
        """The word taken at the coming rising edge (the DUT's ``in_ready`` decides)."""
        if self.holding is not None and in_ready:
            w, self.holding = self.holding, None
            return w
        return None

    @property
    def idle(self) -> bool:
        return self.holding is None and not self.words


class Sink:
    """Output side: ``out_ready`` low with probability ``backpressure`` each clock."""

    def __init__(self, dut: Any, r: random.Random):
        self.dut, self.rng = dut, r
        self.backpressure = 0.0
        self.ready = 0

    def drive(self) -> None:
        self.ready = 0 if self.rng.random() < self.backpressure else 1
        self.dut.out_ready.value = self.ready


class Monitor:
    """Samples every output each clock (in ReadOnly, before the rising edge); the words
    transferred (``out_valid && out_ready``) form the output stream."""

    def __init__(self, dut: Any, board: Scoreboard):
        self.dut, self.board = dut, board
        self.stream: list[int] = []

    def sample(self, cycle: int, ready: int) -> dict[str, int | None]:
        b, d = self.board, self.dut
        s: dict[str, int | None] = {
            "count": b.value(d.count, f"clock {cycle}: count"),
            "in_ready": b.value(d.in_ready, f"clock {cycle}: in_ready"),
            "out_valid": b.value(d.out_valid, f"clock {cycle}: out_valid"),
            "out_data": None,
        }
        if s["out_valid"]:
            s["out_data"] = b.value(d.out_data, f"clock {cycle}: out_data (out_valid high)")
            if ready and s["out_data"] is not None:
                self.stream.append(s["out_data"])
        return s


class Model:
    """The FIFO's contract, clock by clock."""

    def __init__(self, depth: int):
        self.depth = depth
        self.q: deque[int] = deque()

    def status(self) -> dict[str, int | None]:
        n = len(self.q)
        return {
            "count": n,
            "in_ready": int(n != self.depth),
            "out_valid": int(n != 0),
            "out_data": self.q[0] if self.q else None,
        }

    def clock(self, push: int | None, pop: bool, rst: bool = False) -> None:
        """The rising edge: a push only when not full, a pop only when not empty (no
        bypass), a reset empties."""
        if rst:
            self.q.clear()
            return
        will_pop = pop and bool(self.q)
        if push is not None and len(self.q) != self.depth:
            self.q.append(push)
        if will_pop:
            self.q.popleft()


class TB:
    def __init__(self, dut: Any):
        p = params()
        self.width, self.depth = int(p["WIDTH"]), int(p["DEPTH"])
        self.dut = dut
        self.rng = rng()
        self.board = Scoreboard()
        self.driver = Driver(dut, self.width, self.rng)
        self.sink = Sink(dut, self.rng)
        self.monitor = Monitor(dut, self.board)
        self.model = Model(self.depth)
        self.cycle = 0
        self.cover = {"full_clocks": 0, "empty_clocks": 0, "push_and_pop": 0, "status_checks": 0}

    def check_status(self, got: dict[str, int | None]) -> None:
        want = self.model.status()
        self.cover["status_checks"] += 1
        self.cover["full_clocks"] += int(want["count"] == self.depth)
        self.cover["empty_clocks"] += int(want["count"] == 0)
        if got != want:  # one mismatch per clock, however many signals differ
            self.board.mismatches += 1
            diff = {k: (got[k], want[k]) for k in want if got[k] != want[k]}
            self.board.note(f"clock {self.cycle}: status (got, expected) {diff}")

    async def clock(self, rst: bool = False) -> None:
        if self.cycle > WATCHDOG_CLOCKS:  # a FIFO that stops taking or giving words
            raise RuntimeError(f"no progress after {self.cycle} clocks")
        await FallingEdge(self.dut.clk)
        self.dut.rst.value = int(rst)
        self.driver.drive()
        self.sink.drive()
        await ReadOnly()
        self.cycle += 1
        got = self.monitor.sample(self.cycle, self.sink.ready)
        self.check_status(got)
        pushed = self.driver.accepted(bool(got["in_ready"]))
        popped = bool(got["out_valid"]) and bool(self.sink.ready)
        self.cover["push_and_pop"] += int(pushed is not None and popped)
        self.model.clock(pushed, popped, rst)

    async def run(self) -> dict[str, Any]:
        d = self.dut
        d.in_valid.value = 0
        d.in_data.value = 0
        d.out_ready.value = 0
        await clock_and_reset(d)
        top = (1 << self.width) - 1
        sent: list[int] = []
        for k, (n, gap, bp) in enumerate(SEGMENTS):
            words = [self.rng.randint(0, top) for _ in range(n)]
            if k == 0:
                words[:2] = [top, 0]  # all ones and all zeros pass too
            sent += words
            self.driver.words.extend(words)
            self.driver.gap, self.sink.backpressure = gap, bp
            while self.driver.words:
                await self.clock()
        # drain; then clocks in which no further word may appear
        self.sink.backpressure = 0.3
        while not self.driver.idle or self.model.q:
            await self.clock()
        for _ in range(2 * self.depth + 8):
            await self.clock()
        expected = list(sent)
        if fault() == "flip":
            expected[len(expected) // 2] ^= 1  # the model expects one bit otherwise
        self.board.compare_streams("output stream", self.monitor.stream, expected)
        # a reset empties the FIFO with words inside: none of them comes out
        n_stream = len(self.monitor.stream)
        self.sink.backpressure = 1.0
        self.driver.gap = 0.0
        self.driver.words.extend(self.rng.randint(0, top) for _ in range(self.depth))
        while not self.driver.idle:
            await self.clock()
        await self.clock(rst=True)
        self.driver.words.clear()
        self.driver.holding = None
        self.sink.backpressure = 0.0
        for _ in range(self.depth + 4):
            await self.clock()
        if len(self.monitor.stream) != n_stream:
            self.board.extra += len(self.monitor.stream) - n_stream
            self.board.note(f"{len(self.monitor.stream) - n_stream} words after the reset")
        return {
            "sent": len(sent),
            "expected": len(expected),
            "received": n_stream,
            "clocks": self.cycle,
            "coverage": self.cover,
        }


@cocotb.test()
async def fifo_stream(dut: Any) -> None:
    """Random idle cycles and back-pressure; every word, count, in_ready and out_valid
    against the model; a reset that must empty the FIFO."""
    tb = TB(dut)
    await run_and_report(tb.board, tb.run, "fifo_stream")

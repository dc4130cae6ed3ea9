"""Resource estimates with yosys: the statistics parser, the
hierarchical estimate, and its agreement with a flat run."""

from __future__ import annotations

import pytest

from fasttrack import detector
from fasttrack.hw.synth import U50, SynthReport, parse_stat, synthesize
from fasttrack.retina import RetinaConfig

STAT = """
=== $paramod\\ft_fifo ===
       44 cells
        3   LUT2
        5   FDRE
=== retina_top ===
      230 cells
       72   retina_engine
        1   $paramod\\ft_fifo
        7   LUT6
        2   INV
=== design hierarchy ===
       44 $paramod\\ft_fifo
      274 cells
        3   LUT2
        7   LUT6
        2   INV
        5   FDRE
"""


def test_parse_stat_reads_the_totals_and_only_primitives():
    assert parse_stat(STAT) == {"LUT2": 3, "LUT6": 7, "INV": 2, "FDRE": 5}
    with pytest.raises(ValueError, match="did synthesis fail"):
        parse_stat("ERROR: syntax error")


def _report(**counts: float) -> SynthReport:
    base = dict(algorithm="hough", preset="barrel", config_hash="0", lut=0, ff=0, carry=0, dsp=0, bram=0.0, seconds=0.0)
    return SynthReport(**(base | counts))  # type: ignore[arg-type]


def test_instances_per_u50_is_set_by_the_scarcest_resource():
    assert _report(lut=40_000, lutram=8_000).instances_per_u50 == 18  # 872k / 48k = 18.2
    assert _report(lut=40_000, lutram=9_000).instances_per_u50 == 17  # LUTRAM counts
    assert _report(lut=1_000, bram=80.0).instances_per_u50 == 16  # 1344 / 80: BRAM decides
    assert _report(lut=1_000, dsp=3_000).instances_per_u50 == 1
    assert _report().instances_per_u50 == 0  # nothing measured: no claim
    rep = _report(lut=1_000, bram=672.0)
    assert rep.u50_bram_share == 0.5 and rep.to_dict()["instances_per_u50"] == 2
    assert "instances per U50" in rep.table() and U50.bram36 == 1_344


def _small() -> RetinaConfig:
    """24 engines: the hierarchical run is shared (cached) by the two tests below."""
    return RetinaConfig.for_rtl(detector.telescope(), n_a=4, n_b=6, sigma=8.0, max_hits=12, max_tracks=2)


def test_hierarchical_estimate_of_a_small_retina():
    cfg = _small()
    rep = synthesize("retina", "telescope", config=cfg)
    assert rep.method.startswith("top + 24 x mean of 6 retina_engine")
    # per engine: 8 lanes of subtract/compare/LUT and the accumulator and readout registers
    assert 150 * 24 < rep.lut < 600 * 24
    assert rep.ff >= 24 * 2 * cfg.acc_bits
    assert rep.dsp == 0


@pytest.mark.slow
def test_hierarchical_estimate_is_close_to_a_flat_run():
    cfg = _small()
    hier = synthesize("retina", "telescope", config=cfg)
    flat = synthesize("retina", "telescope", config=cfg, flat=True)
    assert flat.method == "flat"
    assert abs(hier.lut - flat.lut) / flat.lut < 0.15
    assert abs(hier.ff - flat.ff) / flat.ff < 0.1


@pytest.mark.fullsynth
def test_full_telescope_retina_within_a_quarter_of_a_u50():
    """The issue's target, on the telescope RTL config (384 engines): about 40 min of yosys,
    so off by default (`make test-synth`)."""
    rep = synthesize("retina", "telescope")
    assert rep.method.startswith("top + 384 x mean of 6 retina_engine")
    assert rep.dsp == 0
    assert 100 * 384 < rep.lut  # the engines alone are several hundred LUTs each
    assert rep.u50_lut_share <= 0.25


@pytest.mark.fullsynth
def test_full_barrel_hough_18_instances_within_a_u50():
    """The Hough issue's target: the 18 time-multiplexed barrel instances of the CMS TMTT
    demonstrator within one U50. A flat yosys run of the whole design, about 9 min: a
    full-size synthesis, so with the others behind `make test-synth` (cached under
    build/synth/), not in `make test`."""
    rep = synthesize("hough", "barrel")
    assert rep.method == "flat"
    assert 20_000 < rep.lut  # 32 columns of list memories and their logic
    assert rep.instances_per_u50 >= 18, rep.table()

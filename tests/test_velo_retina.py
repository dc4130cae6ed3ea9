"""The velo retina's physics on the preset's default event mix (issue 19).

The default config (:func:`fasttrack.retina.presets.tuned_fields`) is asserted on 1000
events of the default mix: about 128 000 reconstructable particles and 75 000 tracks.
Measured there (seeds 1919, 20, 21; fixed and float agree to 10⁻⁴): efficiency
0.517-0.520, fake rate 0.060-0.062, duplicate rate 0.005, no overflow. The statistical
errors, from a bootstrap over events (particles of one event share vertices, so they
are 1.8 times the binomial ones), are 0.0025 on the efficiency and 0.0014 on the fake
rate: about a tenth of the margins of the floors below (0.49 and 0.075). The former
default (128 x 128 cells, threshold 5) gives 0.296 and 0.101 on this sample and fails
both.

What limits the figures is the luminous region (the presets' module docstring, "VELO"):
the origin-pointing model has no vertex z, so the efficiency falls with |z_v|, which is
asserted too. The issue's targets (97 %, 3 % fakes) need a third grid dimension; the
last test keeps them in view as an expected failure.
"""

from __future__ import annotations

from dataclasses import dataclass

import awkward as ak
import numpy as np
import pytest

from fasttrack import detector, generate, metrics
from fasttrack.events import Events
from fasttrack.retina import Retina, RetinaConfig, RetinaOutput

N_EVENTS = 1000
SEED = 1919
MODES = ("fixed", "float")


@dataclass(frozen=True)
class VeloRun:
    cfg: RetinaConfig
    events: Events
    outputs: dict[str, RetinaOutput]
    perf: dict[str, metrics.TrackingPerformance]


@pytest.fixture(scope="module")
def velo() -> VeloRun:
    det = detector.velo()
    ev = generate.generate(det, N_EVENTS, seed=SEED, progress=False)
    cfg = RetinaConfig.for_detector(det)
    retina = Retina(cfg)
    outs = {mode: retina.run(ev, mode) for mode in MODES}  # type: ignore[arg-type]
    return VeloRun(cfg, ev, outs, {mode: metrics.evaluate(ev, out.tracks) for mode, out in outs.items()})


@pytest.mark.parametrize("mode", MODES)
def test_velo_efficiency_and_fake_rate(velo: VeloRun, mode: str) -> None:
    perf = velo.perf[mode]
    assert perf.n_particles > 100_000 and perf.n_tracks > 40_000  # the sample the errors above were measured on
    assert perf.efficiency >= 0.49, perf.table()
    assert perf.fake_rate <= 0.075, perf.table()
    assert perf.duplicate_rate <= 0.02, perf.table()
    out = velo.outputs[mode]
    assert not out.hit_overflow.any() and not out.track_overflow.any()


def test_velo_float_and_fixed_agree(velo: VeloRun) -> None:
    fx, fl = velo.perf["fixed"], velo.perf["float"]
    assert abs(fx.efficiency - fl.efficiency) <= 0.002
    assert abs(fx.fake_rate - fl.fake_rate) <= 0.002
    # per track: the fixed model's cell is one of the float model's cells of the event
    same = total = 0
    for a, b in zip(velo.outputs["fixed"].tracks, velo.outputs["float"].tracks, strict=True):
        cells = set(zip(ak.to_list(b.cell_a), ak.to_list(b.cell_b), strict=True))
        mine = list(zip(ak.to_list(a.cell_a), ak.to_list(a.cell_b), strict=True))
        same += sum(c in cells for c in mine)
        total += len(mine)
    assert same >= 0.99 * total


def test_velo_loss_is_the_luminous_region(velo: VeloRun) -> None:
    """Particles from vertices near z = 0, which the origin-pointing model describes, are
    found far more often than those from the tails of the luminous region."""
    perf = velo.perf["fixed"]
    parts = velo.events.particles
    assert parts is not None
    flat = {f: np.asarray(ak.flatten(parts[f])) for f in ("particle_id", "vz_mm", "reconstructable")}
    sel = flat["reconstructable"].astype(bool)
    np.testing.assert_array_equal(flat["particle_id"][sel], perf.particles["particle_id"])
    vz = np.abs(flat["vz_mm"][sel])
    found = perf.particles["matched"]
    assert found[vz < 10.0].mean() >= 0.70
    assert found[vz > 50.0].mean() <= 0.40


@pytest.mark.xfail(reason="issue 19's velo targets need the vertex z as a third grid dimension", strict=True)
def test_velo_issue_19_targets(velo: VeloRun) -> None:
    perf = velo.perf["fixed"]
    assert perf.efficiency >= 0.97 and perf.fake_rate <= 0.03

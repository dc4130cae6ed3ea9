"""Simulate a few events with ACTS' fast simulation (Fatras) and write them as CSV.

Run by ``tests/test_io_csv.py`` in its own virtual environment holding ``pyacts``
(``python tests/acts_fatras_sim.py OUT_DIR N_EVENTS SEED``); also how
``tests/data/acts_telescope`` was made (3 events, seed 42). The detector is ACTS' Examples
telescope with eight ±50 mm planes at z = 100, ..., 800 mm (``examples/detector_acts_telescope.toml``
describes it for fasttrack); the gun shoots 3 muons of 10 GeV per event at 3 < η < 4, Fatras
simulates them without field, and the digitisation smears the hits by 50 µm in both local
coordinates. Written per event: ``-particles.csv``, ``-particles_simulated.csv``,
``-hits.csv`` (simulated hits), ``-measurements.csv`` and ``-measurement-simhit-map.csv``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TELESCOPE_Z_MM = [100.0 * (i + 1) for i in range(8)]


def main(out: Path, n_events: int, seed: int) -> None:
    import acts
    import acts.examples
    from acts.examples.simulation import (
        EtaConfig,
        MomentumConfig,
        ParticleConfig,
        PhiConfig,
        addDigitization,
        addFatras,
        addParticleGun,
    )

    u = acts.UnitConstants
    out.mkdir(parents=True, exist_ok=True)
    cfg = acts.examples.TelescopeDetector.Config()
    cfg.bounds = [50, 50]
    cfg.positions = TELESCOPE_Z_MM
    cfg.stereos = [0.0] * len(TELESCOPE_Z_MM)
    geo = acts.examples.TelescopeDetector(cfg).trackingGeometry()
    field = acts.ConstantBField(acts.Vector3(0, 0, 0))
    rnd = acts.examples.RandomNumbers(seed=seed)
    smear = [{"index": i, "mean": 0.0, "stddev": 0.05, "type": "Gauss"} for i in (0, 1)]
    digi = {
        "acts-geometry-hierarchy-map": {"format-version": 0, "value-identifier": "digitization-configuration"},
        "entries": [{"volume": 1, "value": {"smearing": smear}}],
    }
    digi_file = out / "digi-smearing.json"
    digi_file.write_text(json.dumps(digi))
    s = acts.examples.Sequencer(events=n_events, numThreads=1, logLevel=acts.logging.WARNING)
    addParticleGun(
        s,
        outputDirCsv=out,
        momentumConfig=MomentumConfig(10 * u.GeV, 10 * u.GeV, transverse=False),
        etaConfig=EtaConfig(3.0, 4.0),
        phiConfig=PhiConfig(0, 360 * u.degree),
        particleConfig=ParticleConfig(3, acts.PdgParticle.eMuon, randomizeCharge=True),
        rnd=rnd,
    )
    addFatras(s, geo, field, rnd=rnd, outputDirCsv=out)
    addDigitization(s, geo, field, digiConfigFile=digi_file, outputDirCsv=out, rnd=rnd)
    s.run()
    digi_file.unlink()
    for p in out.glob("event*-cells.csv"):  # the clusters' cells: not read by fasttrack
        p.unlink()


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))

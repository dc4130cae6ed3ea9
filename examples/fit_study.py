"""The track fit's figures per preset and algorithm (issue 19, point 4).

For each preset: the truth tracks' hits (ideal association) and every finder's tracks
(fixed point), fitted by the fixed-point fit; pulls and resolution against the truth fit;
efficiency and fake rate without and with χ² cuts (chi2/ndof <= cut).

    NUMBA_NUM_THREADS=1 .venv/bin/python examples/fit_study.py [preset ...]
"""

from __future__ import annotations

import sys

from fasttrack import algorithms, detector, generate, metrics, truthtrack
from fasttrack.fit import FitConfig, fit_tracks, select

EVENTS = {"telescope": 2000, "barrel": 3000, "velo": 40}
PT_MIN = {"barrel": 3.0}
CUTS = (None, 10.0, 5.0, 3.0)


def main(names: list[str]) -> None:
    for name in names:
        det = detector.preset(name)
        cfg = FitConfig.for_detector(det)
        ev = generate.generate(det, EVENTS[name], seed=7, progress=False)
        truth = truthtrack.find(ev)
        ref = metrics.evaluate(ev, truth, params=cfg.param_names, pt_min_gev=PT_MIN.get(name))
        rows = [("truth hits", truth)]
        for algo in algorithms.serving(det):
            rows.append((f"{algo.name}-fixed", algorithms.default_finder(algo, det).run(ev, "fixed").tracks))
        print(f"== {name}: {EVENTS[name]} events, seed 7, pT >= {PT_MIN.get(name, 0)} GeV for efficiency")
        for label, tracks in rows:
            fitted = fit_tracks(ev, tracks, cfg, "fixed")
            before = metrics.evaluate(ev, tracks, pt_min_gev=PT_MIN.get(name))
            for cut in CUTS:
                sel = fitted if cut is None else select(fitted, cut)
                perf = metrics.evaluate(ev, sel, params=cfg.param_names, pt_min_gev=PT_MIN.get(name))
                head = f"  {label:13s} chi2/ndof<={cut!s:5s} eff {perf.efficiency:.4f} fake {perf.fake_rate:.4f}"
                head += f" dup {perf.duplicate_rate:.4f} tracks {perf.n_tracks}"
                print(
                    head + f"  (finder alone: eff {before.efficiency:.4f} fake {before.fake_rate:.4f}"
                    f" dup {before.duplicate_rate:.4f} tracks {before.n_tracks})"
                )
                for p, r in perf.resolution.items():
                    t = ref.resolution[p]
                    pulls = f"pull width {r.pull_std:7.3f} mean {r.pull_mean:+.3f} bias/res {r.mean / r.std:+.3f}"
                    res = f"std {r.std:.3g} ({r.std / t.std:.2f}x truth)  w68 {r.width68:.3g}"
                    print(f"      {p:10s} {pulls}  {res} ({r.width68 / t.width68:.2f}x)")


if __name__ == "__main__":
    main(sys.argv[1:] or list(EVENTS))

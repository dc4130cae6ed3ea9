"""``fasttrack demo``: the whole chain on built-in defaults.

For each preset: generate events, run every variant of the algorithm registry (the truth
reference, then each algorithm serving the detector in float and fixed point;
:func:`fasttrack.algorithms.variants`), measure the tracking performance, and write
``summary.json`` and PNG figures into the output folder.

Example
-------
>>> from fasttrack.demo import run_demo
>>> summary = run_demo(out_dir="build/demo", presets=["telescope"], n_events=100,
...                    plots=False, verbose=False)
>>> summary["presets"]["telescope"]["events"]
100
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from . import __version__, algorithms, detector, generate, metrics, plots
from .defaults import EFFICIENCY_PT_MIN_GEV, SAMPLE_EVENTS
from .events import Events


def _figures(events: Events, name: str, results: dict[str, Any], out_dir: Path) -> list[str]:
    written: list[str] = []

    def save(fig: Any, stem: str) -> None:
        path = out_dir / f"{name}_{stem}.png"
        plots.save_figure(fig, path)
        written.append(path.name)

    save(plots.plot_event(events, 0, tracks=results.get("truth", {}).get("tracks")), "event")
    save(plots.plot_hits_per_event(events), "hits_per_event")
    for variant, res in results.items():
        perf = res["performance"]
        if perf.n_particles == 0:
            continue
        save(plots.plot_efficiency(perf, "pt_gev", label=variant), f"{variant}_efficiency_pt")
        tracks = res["tracks"]
        for param in detector_params(events):
            if param in tracks.fields and perf.resolution.get(param) is not None and perf.resolution[param].n:
                save(plots.plot_resolution(perf, param), f"{variant}_resolution_{param}")
    for algo in algorithms.serving(events.detector):
        if any(v["algorithm"] == algo.name for v in results.values()):
            finder = algorithms.default_finder(algo, events.detector)
            save(algo.picture_of(finder, events, 0), f"{algo.name}_{algo.picture_stem}")
    return written


def detector_params(events: Events) -> tuple[str, ...]:
    from . import trackmodel

    return trackmodel.for_detector(events.detector).param_names


def _find(finder: Any, mode: Any, events: Events) -> Any:
    return finder.find(events, mode)


def _variants(det: detector.Detector, config: Mapping[str, Any] | None, source: str) -> list[algorithms.Variant]:
    """The registry's variants of ``det``; with ``config``, each algorithm's config overridden by it
    (a flat table for every algorithm, or one table per algorithm name)."""
    if not config:
        return algorithms.variants(det)
    from .overrides import check_overrides

    per_algo = set(config) <= set(algorithms.names())
    out = [v for v in algorithms.variants(det) if v.algorithm is None]
    for algo in algorithms.serving(det):
        table = config.get(algo.name, {}) if per_algo else config
        cfg = algo.default_config(det, **check_overrides(algo.name, table, source=source or "<config>"))
        finder = algo.finder(cfg)
        for mode in algorithms.MODES:
            find: Callable[[Events], Any] = partial(_find, finder, mode)
            out.append(
                algorithms.Variant(
                    f"{algo.name}-{mode}",
                    f"{algo.title}, {mode} (config {cfg.name}, overridden)",
                    find,
                    algorithm=algo.name,
                    mode=mode,
                )
            )
    return out


def run_demo(
    *,
    out_dir: str | Path = "build/demo",
    presets: Sequence[str] | None = None,
    n_events: int | None = None,
    seed: int = 2026,
    plots: bool = True,
    verbose: bool = True,
    detectors: Sequence[detector.Detector] | None = None,
    events: Events | None = None,
    config: Mapping[str, Any] | None = None,
    config_source: str = "",
) -> dict[str, Any]:
    """Run the demo; returns the summary dict (also written to ``out_dir/summary.json``).

    ``detectors`` replaces the presets by your own detectors (500 events each by default),
    ``events`` the generated sample by yours (with one detector), ``config`` overrides the
    algorithms' config fields (a flat table, or one table per algorithm name).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if detectors is not None:
        targets = [(d.name, d) for d in detectors]
    else:
        targets = [(name, detector.preset(name)) for name in (list(presets) if presets else list(SAMPLE_EVENTS))]
    given = events
    if given is not None and len(targets) != 1:
        raise ValueError("demo: events need exactly one detector")
    summary: dict[str, Any] = {"fasttrack_version": __version__, "seed": seed, "presets": {}, "figures": []}
    for name, det in targets:
        n = n_events if n_events is not None else SAMPLE_EVENTS.get(name, 500)
        t0 = time.perf_counter()
        if given is None:
            events = generate.generate(det, n, seed=seed, progress=verbose, chunk_size=max(1, n // 10))
        else:
            events = given
        t_gen = time.perf_counter() - t0
        entry: dict[str, Any] = {
            **events.stats(),
            "events": len(events),
            "generate_s": t_gen,
            "efficiency_pt_min_gev": EFFICIENCY_PT_MIN_GEV.get(name),
            "algorithms": {},
        }
        results: dict[str, Any] = {}
        for variant in _variants(det, config, config_source):
            t0 = time.perf_counter()
            tracks = variant.find(events)
            t_algo = time.perf_counter() - t0
            perf = metrics.evaluate(events, tracks, match=variant.match, pt_min_gev=EFFICIENCY_PT_MIN_GEV.get(name))
            results[variant.name] = {"tracks": tracks, "performance": perf, "algorithm": variant.algorithm}
            entry["algorithms"][variant.name] = {
                "description": variant.description,
                "seconds": t_algo,
                **perf.to_dict(),
            }
        summary["presets"][name] = entry
        if plots:
            summary["figures"] += _figures(events, name, results, out)
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=_json_default))
    if verbose:
        print(summary_table(summary))
        print(f"\nwrote {out / 'summary.json'} and {len(summary['figures'])} figures to {out}/")
    return summary


def _json_default(obj: Any) -> Any:
    import numpy as np

    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{100 * v:.2f}"


def summary_table(summary: dict[str, Any]) -> str:
    """A text table of the demo summary: one line per preset and algorithm."""
    head = (
        f"{'preset':<10} {'events':>7} {'hits/ev':>8} {'reco/ev':>8} {'algorithm':<13} "
        f"{'eff %':>7} {'fake %':>7} {'dup %':>6}  resolution (68 %)"
    )
    lines = [head, "-" * len(head)]
    for name, e in summary["presets"].items():
        for algo, a in e["algorithms"].items():
            res = ", ".join(
                f"{p} {v['width68']:.3g}"
                for p, v in a.get("resolution", {}).items()
                if v and v.get("width68") is not None
            )
            lines.append(
                f"{name:<10} {e['events']:>7d} {e['hits_per_event']:>8.1f} "
                f"{e.get('reconstructable_per_event', 0):>8.2f} {algo:<13} "
                f"{_pct(a['efficiency']):>7} {_pct(a['fake_rate']):>7} "
                f"{_pct(a['duplicate_rate']):>6}  {res}"
            )
        if not e["algorithms"]:
            lines.append(f"{name:<10} {e['events']:>7d} {e['hits_per_event']:>8.1f} (no algorithm)")
    cuts = [
        f"{n}: pT >= {e['efficiency_pt_min_gev']:g} GeV"
        for n, e in summary["presets"].items()
        if e.get("efficiency_pt_min_gev")
    ]
    lines.append("efficiency: of reconstructable particles" + (f" ({'; '.join(cuts)})" if cuts else ""))
    return "\n".join(lines)

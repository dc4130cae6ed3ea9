"""One HTML page of physics and firmware results, with PNG figures beside it.

:func:`write_report` runs one config of an algorithm in float and fixed point on generated
events and writes ``<out>/report.html`` and its figures (``<out>/*.png``, referenced by
relative links; the page has no other dependency: no scripts, no web fonts):

* at a glance: efficiency, fake rate, bit-exactness, cycles per event, U50 share;
* the config (overridden fields marked) and the sample;
* physics: float vs fixed table, efficiency curves (vs pT, η and the truth track
  parameters, where they vary), residuals of each track parameter, one event's
  response map (retina) or accumulator (Hough), an event display, hits per event;
* co-simulation (``cosim_json``, written by ``fasttrack cosim ... --json FILE``):
  bit-exactness, throughput against 40 MHz, latency histogram when the file holds the
  per-event ``latency_cycles``;
* synthesis (``synth_json``, written by ``fasttrack synth ... --json FILE``): LUT, FF,
  DSP, BRAM and their share of an Alveo U50;
* timing (``timing_json``, written by ``fasttrack timing ... --json FILE``): logic depth
  per module, the estimated Fmax and, with a co-simulation, the event rate at that clock
  beside the rate at the nominal clock;
* a scan (``scan``, a ``results.parquet`` of :mod:`fasttrack.scan`): Pareto plots, the
  front as a table, efficiency against each scanned parameter, failed points.

The config is the preset's default for ``algorithm`` (``for_detector``) with the fields
of ``config`` overridden: a mapping, or a TOML or JSON file holding a flat table
``field = value`` (the rules of a scan spec's ``[config]`` table, :mod:`fasttrack.overrides`).
``algorithm`` and ``preset`` default to those of the co-simulation or synthesis file, else
``retina`` and ``telescope``; the sample size and the efficiency's pT cut to the preset's
(:mod:`fasttrack.defaults`).

Example
-------
>>> from fasttrack.report import write_report
>>> path = write_report("build/report", algorithm="retina", preset="telescope",
...                     config={"n_b": 96}, n_events=200)  # doctest: +SKIP
>>> path.name  # doctest: +SKIP
'report.html'
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import html
import json
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import awkward as ak
import numpy as np
from matplotlib.figure import Figure

from . import __version__, algorithms, generate, metrics, plots, trackmodel
from . import detector as presets
from .defaults import EFFICIENCY_PT_MIN_GEV, SAMPLE_EVENTS
from .detector import Detector
from .events import Events, describe_field_units
from .hw.platform import LHC_BX_MHZ
from .overrides import check_overrides, load_overrides, read_mapping
from .scan import float_column, pareto_indices, plot_pareto, point_labels, read_results, successful_mask, table_costs

if TYPE_CHECKING:
    import pyarrow as pa

    from .metrics import TrackingPerformance

__all__ = ["COSIM_KEYS", "SYNTH_KEYS", "TIMING_KEYS", "load_cosim", "load_synth", "load_timing", "write_report"]

#: keys a co-simulation JSON must hold (``latency_cycles``, a list per event, is optional)
COSIM_KEYS = (
    "algorithm",
    "preset",
    "simulator",
    "events",
    "mismatches",
    "bit_exact",
    "cycles_per_event",
    "event_rate_mhz",
    "clock_mhz",
    "latency_cycles_mean",
    "latency_cycles_max",
    "instances_for_40mhz",
)
#: keys of a co-simulation JSON shown when present
_COSIM_EXTRA_KEYS = (
    "config_hash",
    "missing",
    "extra",
    "checked_words",
    "model_cycles_per_event",
    "model_latency_cycles_mean",
    "model_exact",
    "gap_prob",
    "backpressure_prob",
)
#: keys a synthesis JSON must hold
SYNTH_KEYS = ("algorithm", "preset", "lut", "ff", "dsp", "bram", "u50_lut_share", "u50_ff_share", "u50_dsp_share")
#: keys a timing JSON must hold
TIMING_KEYS = ("algorithm", "preset", "fmax_mhz", "max_lut_levels", "lut_level_budget", "clock_mhz")
REPORT_NAME = "report.html"
_TRUTH_VARIABLES = ("pt_gev", "eta")
_MAX_EFFICIENCY_CURVES = 4
#: per-layer model tables left out of the config table (they are in the generated headers)
_MODEL_TABLES = frozenset({"H", "c", "slopes", "offsets", "helix_radii_mm"})


# ------------------------------------------------------------------------------------------
# inputs
# ------------------------------------------------------------------------------------------
def _check_keys(data: Mapping[str, Any], keys: Sequence[str], path: Path, what: str, writer: str) -> None:
    missing = [k for k in keys if k not in data]
    if missing:
        raise ValueError(
            f"{what} {path}: lacks {missing}; expected the JSON of `{writer} --json FILE` with {list(keys)}"
        )
    for k in keys:
        v = data[k]
        if k in ("algorithm", "preset", "simulator"):
            ok = isinstance(v, str)
        elif k == "bit_exact":
            ok = isinstance(v, bool)
        else:
            ok = isinstance(v, (int, float)) and not isinstance(v, bool)
        if not ok:
            raise ValueError(f"{what} {path}: {k!r} has the wrong type ({type(v).__name__} {v!r})")


def _legacy(data: dict[str, Any]) -> dict[str, Any]:
    """Results written before the algorithm registry named the algorithm ``kernel``."""
    if "algorithm" not in data and "kernel" in data:
        data["algorithm"] = data.pop("kernel")
    return data


def load_cosim(path: str | Path) -> dict[str, Any]:
    """A co-simulation result (JSON of ``fasttrack cosim ... --json FILE``), checked."""
    path = Path(path)
    data = _legacy(read_mapping(path, "co-simulation JSON"))
    _check_keys(data, COSIM_KEYS, path, "co-simulation JSON", "fasttrack cosim ...")
    lat = data.get("latency_cycles")
    if lat is not None and (not isinstance(lat, list) or not all(isinstance(v, (int, float)) for v in lat)):
        raise ValueError(f"co-simulation JSON {path}: 'latency_cycles' must be a list of numbers (one per event)")
    return data


def load_synth(path: str | Path) -> dict[str, Any]:
    """A synthesis estimate (JSON of ``fasttrack synth ... --json FILE``), checked."""
    path = Path(path)
    data = _legacy(read_mapping(path, "synthesis JSON"))
    _check_keys(data, SYNTH_KEYS, path, "synthesis JSON", "fasttrack synth ...")
    return data


def load_timing(path: str | Path) -> dict[str, Any]:
    """A logic-depth report (JSON of ``fasttrack timing ... --json FILE``), checked."""
    path = Path(path)
    data = read_mapping(path, "timing JSON")
    _check_keys(data, TIMING_KEYS, path, "timing JSON", "fasttrack timing ...")
    if not isinstance(data.get("modules"), list):
        raise ValueError(f"timing JSON {path}: 'modules' must be a list of per-module rows")
    return data


def _resolve_target(algorithm: str | None, preset: str | None, *sources: Mapping[str, Any] | None) -> tuple[str, str]:
    for src in sources:
        if src is not None:
            algorithm = algorithm or src["algorithm"]
            preset = preset or src["preset"]
    algorithm = algorithm or algorithms.names()[0]
    if algorithm not in algorithms.names():
        raise ValueError(f"report: unknown algorithm {algorithm!r}; choose one of {', '.join(algorithms.names())}")
    preset = preset or "telescope"
    if preset not in presets.PRESETS:
        raise ValueError(f"report: unknown preset {preset!r}; choose one of {sorted(presets.PRESETS)}")
    return algorithm, preset


# ------------------------------------------------------------------------------------------
# HTML
# ------------------------------------------------------------------------------------------
_CSS = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: right; }
th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
figure { display: inline-block; margin: 0.5em; vertical-align: top; }
figure img { max-width: 520px; border: 1px solid #eee; }
figcaption { font-size: 0.85em; color: #555; max-width: 520px; }
.glance { display: flex; flex-wrap: wrap; gap: 0.8em; }
.glance div { border: 1px solid #ddd; border-radius: 6px; padding: 0.5em 0.9em; min-width: 9em; }
.glance b { display: block; font-size: 1.4em; }
.ok { color: #17803d; } .bad { color: #b3261e; } .note { color: #8a5a00; } .over { font-weight: bold; }
"""


def _fmt(v: Any) -> str:
    """A table cell: floats to 4 significant digits, missing as an em dash."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _table(head: Sequence[str], rows: Sequence[Sequence[Any]], *, raw: bool = False) -> str:
    """An HTML table; cells are escaped unless ``raw`` (pre-built HTML)."""

    def cell(v: Any) -> str:
        return str(v) if raw else html.escape(_fmt(v))

    out = ["<table>", "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"]
    out += ["<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in rows]
    out.append("</table>")
    return "\n".join(out)


class _Page:
    """The sections of the report and the figures they reference."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.parts: list[str] = []
        self.figures: list[Path] = []

    def add(self, text: str) -> None:
        self.parts.append(text)

    def heading(self, text: str) -> None:
        self.add(f"<h2>{html.escape(text)}</h2>")

    def para(self, text: str, cls: str = "") -> None:
        attr = f' class="{cls}"' if cls else ""
        self.add(f"<p{attr}>{html.escape(text)}</p>")

    def figure(self, fig: Figure, stem: str, caption: str) -> None:
        path = plots.save_figure(fig, self.out / f"{stem}.png")
        self.figures.append(path)
        alt = html.escape(caption, quote=True)
        self.add(
            f'<figure><img src="{html.escape(path.name, quote=True)}" alt="{alt}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )

    def render(self, title: str) -> str:
        head = (
            f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        )
        return head + "\n".join(self.parts) + "\n</body>\n</html>\n"


# ------------------------------------------------------------------------------------------
# physics
# ------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class _Run:
    """One mode's tracks and performance."""

    mode: str
    output: Any
    perf: TrackingPerformance


def _selected_mask(events: Events, pt_min_gev: float | None) -> np.ndarray:
    """The particles that enter the efficiency, flat, in event order (as metrics selects)."""
    parts = events.particles
    assert parts is not None
    sel = np.asarray(ak.flatten(parts["reconstructable"], axis=1), dtype=bool)
    if pt_min_gev is not None:
        sel &= np.asarray(ak.flatten(parts["pt_gev"], axis=1), dtype=np.float64) >= pt_min_gev
    return sel


def _with_truth_params(perf: TrackingPerformance, events: Events, names: Sequence[str]) -> TrackingPerformance:
    """``perf`` whose per-particle arrays also hold the truth track parameters ``names``."""
    parts = events.particles
    if parts is None or not len(perf.particles.get("matched", ())):
        return perf
    sel = _selected_mask(events, perf.pt_min_gev)
    extra = {}
    for name in names:
        if name in parts.fields:
            values = np.asarray(ak.flatten(parts[name], axis=1), dtype=np.float64)[sel]
            if len(values) != len(perf.particles["matched"]):  # pragma: no cover - selection drifted from metrics
                raise RuntimeError(f"report: selected particles disagree with metrics ({name})")
            extra[name] = values
    return dataclasses.replace(perf, particles={**perf.particles, **extra})


def _varies(perf: TrackingPerformance, name: str) -> bool:
    v = np.asarray(perf.particles.get(name, ()), dtype=np.float64)
    v = v[np.isfinite(v)]
    return len(v) > 1 and float(v.max()) > float(v.min())


def _width68(perf: TrackingPerformance, name: str) -> float | None:
    """Half-width of the central 68 % of the residuals of ``name`` (None without any)."""
    res = perf.resolution.get(name)
    return res.width68 if res is not None and res.n else None


def _physics_rows(runs: Sequence[_Run], params: Sequence[str]) -> list[list[Any]]:
    def row(name: str, get: Callable[[TrackingPerformance], Any]) -> list[Any]:
        return [name, *(get(r.perf) for r in runs)]

    def eff(p: TrackingPerformance) -> str:
        lo, hi = p.efficiency_interval
        if math.isnan(p.efficiency):
            return "—"
        return f"{p.efficiency:.4f} (−{p.efficiency - lo:.4f} +{hi - p.efficiency:.4f})"

    rows = [
        row("efficiency (68 % Wilson)", eff),
        row("matched / selected particles", lambda p: f"{p.n_matched_particles} / {p.n_particles}"),
        row("tracks", lambda p: p.n_tracks),
        row("fake rate", lambda p: p.fake_rate),
        row("duplicate rate", lambda p: p.duplicate_rate),
        row("duplicates per matched particle", lambda p: p.duplicates_per_matched_particle),
    ]
    for name in params:
        unit = describe_field_units().get(name, "")
        rows.append(
            row(
                f"resolution {name} (68 % half-width{', ' + unit if unit else ''})",
                functools.partial(_width68, name=name),
            )
        )
    rows.append(["events with hit overflow", *(int(r.output.hit_overflow.sum()) for r in runs)])
    rows.append(["events with track overflow", *(int(r.output.track_overflow.sum()) for r in runs)])
    return rows


def _efficiency_figures(page: _Page, runs: Sequence[_Run], events: Events, params: Sequence[str]) -> None:
    perfs = [_with_truth_params(r.perf, events, params) for r in runs]
    names = [n for n in (*_TRUTH_VARIABLES, *params) if _varies(perfs[0], n)][:_MAX_EFFICIENCY_CURVES]
    for name in names:
        fig = Figure(figsize=(6.4, 4.2), layout="constrained")
        ax = fig.add_subplot()
        for run, perf in zip(runs, perfs, strict=True):
            plots.plot_efficiency(perf, name, ax=ax, label=run.mode)
        page.figure(fig, f"efficiency_{name}", f"Efficiency against the true {name} (float and fixed point).")


def _resolution_figures(page: _Page, runs: Sequence[_Run], params: Sequence[str]) -> None:
    for name in params:
        if not all(name in r.perf.residuals and r.perf.resolution[name].n for r in runs):
            continue
        fig = Figure(figsize=(11.0, 4.0), layout="constrained")
        for ax, run in zip(fig.subplots(1, len(runs)), runs, strict=True):
            plots.plot_resolution(run.perf, name, ax=ax)
            ax.set_title(f"{run.mode}: {ax.get_title()}", fontsize="medium")
        page.figure(fig, f"resolution_{name}", f"Residuals of {name}, best track − truth, float and fixed point.")


def _event_with_particles(events: Events) -> int:
    """The first event with a reconstructable particle (0 when there is none)."""
    parts = events.particles
    if parts is None or not len(events):
        return 0
    n = np.asarray(ak.sum(parts["reconstructable"], axis=1))
    hit = np.flatnonzero(n > 0)
    return int(hit[0]) if len(hit) else 0


def _picture_figures(page: _Page, algorithm: str, finder: Any, events: Events, fixed: _Run) -> None:
    if not len(events):
        return
    i = _event_with_particles(events)
    algo = algorithms.get(algorithm)
    fig = algo.picture_of(finder, events, i, mode="fixed")
    page.figure(fig, algo.picture_stem, f"Fixed-point {algo.title} of event {i} over its grid: true tracks ○, found ×.")
    page.figure(plots.plot_event(events, i, tracks=fixed.output.tracks), "event", f"Event {i}: hits and truth.")
    page.figure(plots.plot_hits_per_event(events), "hits_per_event", "Hits per event, particle and noise hits.")


def _config_rows(cfg: Any, overrides: Mapping[str, Any]) -> list[list[str]]:
    rows = []
    for name, value in cfg.to_dict().items():
        if name in _MODEL_TABLES:
            continue
        text = html.escape(_fmt(value) if not isinstance(value, (list, tuple)) else json.dumps(value))
        cls = ' class="over"' if name in overrides else ""
        rows.append([f"<span{cls}>{html.escape(name)}</span>", f"<span{cls}>{text}</span>"])
    return rows


# ------------------------------------------------------------------------------------------
# firmware
# ------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class _Target:
    """What the physics part of the report ran: algorithm, preset and config hash."""

    algorithm: str
    preset: str
    config_hash: str


def _mismatch_note(page: _Page, data: Mapping[str, Any], target: _Target, what: str) -> None:
    """Say so when a firmware result is not of the config whose physics the page shows."""
    if (data["algorithm"], data["preset"]) != (target.algorithm, target.preset):
        page.para(
            f"Note: this {what} is of {data['algorithm']} / {data['preset']}, "
            f"the physics above of {target.algorithm} / {target.preset}.",
            "note",
        )
    elif data.get("config_hash") not in (None, target.config_hash):
        page.para(
            f"Note: this {what} is of config {data['config_hash']}, the physics above of config "
            f"{target.config_hash}: pass the firmware's config overrides (--config) to compare like with like.",
            "note",
        )


def _cosim_ok(c: Mapping[str, Any]) -> bool:
    """Bit-exact, no mismatching, missing or extra output word, and (records that have them)
    every other check passed: no X/Z, no protocol fault, every input consumed, cycle model exact."""
    words = bool(c["bit_exact"]) and all(int(c.get(k, 0)) == 0 for k in ("mismatches", "missing", "extra"))
    return words and bool(c.get("passed", True))


def _throughput_figure(c: Mapping[str, Any]) -> Figure:
    fig = Figure(figsize=(6.4, 3.0), layout="constrained")
    ax = fig.add_subplot()
    n = max(int(c["instances_for_40mhz"]), 1)
    rate = float(c["event_rate_mhz"])
    bars = ax.barh(["1 instance", f"{n} instances"], [rate, n * rate], color=["tab:blue", "tab:green"])
    ax.bar_label(bars, fmt="%.3g MHz", padding=3, fontsize="small")
    ax.axvline(LHC_BX_MHZ, color="tab:red", linestyle="--", label="40 MHz bunch crossings")
    ax.set_xlabel(f"event rate [MHz] at {float(c['clock_mhz']):g} MHz clock")
    ax.set_xlim(0, max(n * rate, LHC_BX_MHZ) * 1.3)
    ax.set_title(f"{float(c['cycles_per_event']):.4g} cycles per event", fontsize="medium")
    ax.legend(loc="lower right", fontsize="small")
    return fig


def _latency_figure(c: Mapping[str, Any]) -> Figure:
    lat = np.asarray(c["latency_cycles"], dtype=np.float64)
    clock = float(c["clock_mhz"])
    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.add_subplot()
    ax.hist(lat, bins=min(50, max(5, len(lat) // 5)), histtype="stepfilled", alpha=0.7)
    mean, top = float(c["latency_cycles_mean"]), float(c["latency_cycles_max"])
    ax.axvline(mean, color="k", linestyle="--", label=f"mean {mean:.4g} cycles = {1e3 * mean / clock:.4g} ns")
    ax.axvline(top, color="tab:red", linestyle=":", label=f"max {top:.4g} cycles = {1e3 * top / clock:.4g} ns")
    ax.set_xlabel("latency, first hit in to last track out [clock cycles]")
    ax.set_ylabel("events")
    ax.legend(fontsize="small")
    return fig


def _cosim_section(page: _Page, c: Mapping[str, Any], target: _Target) -> None:
    page.heading("Co-simulation (RTL)")
    _mismatch_note(page, c, target, "co-simulation")
    ok = _cosim_ok(c)
    wrong = ", ".join(f"{c[k]} {k}" for k in ("mismatches", "missing", "extra") if int(c.get(k, 0)))
    if ok:
        verdict = "bit-exact with the golden model, every check passed"
    elif not (bool(c["bit_exact"]) and not wrong):
        verdict = f"NOT bit-exact: {wrong or 'bit_exact is false'}"
    else:
        verdict = "FAILED: " + ("; ".join(map(str, c.get("failures") or [])) or "passed is false")
    page.add(f'<p class="{"ok" if ok else "bad"}"><b>{html.escape(verdict)}</b></p>')
    keys = [*COSIM_KEYS, *(k for k in _COSIM_EXTRA_KEYS if k in c)]
    page.add(_table(["quantity", "value"], [[k, c[k]] for k in keys]))
    page.figure(_throughput_figure(c), "cosim_throughput", "Sustained event rate against the 40 MHz LHC rate.")
    if c.get("latency_cycles"):
        page.figure(_latency_figure(c), "cosim_latency", "Per-event latency measured in co-simulation.")


def _levels(p: Mapping[str, Any] | None) -> str:
    return "—" if not p else f"{p['lut_levels']} LUT + {p['carry_cells']} carry"


def _timing_section(page: _Page, t: Mapping[str, Any], cosim: Mapping[str, Any] | None, target: _Target) -> None:
    page.heading("Timing estimate (logic depth)")
    _mismatch_note(page, t, target, "timing estimate")
    fmax, clock = float(t["fmax_mhz"]), float(t["clock_mhz"])
    ok = fmax >= clock
    page.add(f'<p class="{"ok" if ok else "bad"}"><b>estimated Fmax {fmax:.0f} MHz against the {clock:g} MHz '
             f'target; deepest register-to-register path {t["max_lut_levels"]} LUT levels (budget '
             f'{t["lut_level_budget"]})</b></p>')  # fmt: skip
    if cosim is not None and not ok:
        rate = float(cosim["event_rate_mhz"]) * fmax / float(cosim["clock_mhz"])
        nominal = float(cosim["event_rate_mhz"])
        page.para(f"The co-simulation's event rate of {nominal:.3g} MHz assumes {float(cosim['clock_mhz']):g} MHz; "
                  f"at the estimated Fmax it is {rate:.3g} MHz per instance.")  # fmt: skip
    rows = []
    for m in t["modules"]:
        f = m.get("fmax_mhz")
        rr = m.get("reg_to_reg")
        rows.append([m["module"], m.get("variants", 1), _levels(rr), _levels(m.get("in_to_reg")),
                     _levels(m.get("reg_to_out")), "—" if f is None else f"{f:.0f}",
                     "" if not rr else f"{rr['start']} → {rr['end']}"])  # fmt: skip
    page.add(_table(["module", "variants", "reg→reg", "in→reg", "reg→out", "Fmax [MHz]", "longest path"], rows))
    model = t.get("delay_model", {})
    if model:
        page.para(f"Delay model: {model.get('lut_ns')} ns per LUT + {model.get('net_ns')} ns per routed net, "
                  f"{model.get('carry_ns')} ns per CARRY4, {float(model.get('overhead_ns', 0)):.2f} ns per path "
                  "(clock-to-Q, last net, setup, uncertainty); see fasttrack.hw.paths.DelayModel.")  # fmt: skip


def _synth_figure(s: Mapping[str, Any]) -> Figure:
    fig = Figure(figsize=(6.4, 3.0), layout="constrained")
    ax = fig.add_subplot()
    names = ["LUT", "FF", "DSP"]
    shares = [100.0 * float(s[f"u50_{n.lower()}_share"]) for n in names]
    bars = ax.barh(names, shares, color="tab:purple")
    ax.bar_label(bars, labels=[f"{s[n.lower()]:,} ({v:.3g} %)" for n, v in zip(names, shares, strict=True)], padding=3)
    ax.set_xlabel("share of an Alveo U50 (XCU50) [%]")
    ax.set_xlim(0, max(max(shares) * 1.5, 1.0))
    ax.invert_yaxis()
    return fig


def _percent(share: Any) -> str:
    return "—" if share is None else f"{100.0 * float(share):.3g} %"


def _synth_section(page: _Page, s: Mapping[str, Any], target: _Target) -> None:
    page.heading("Synthesis estimate")
    _mismatch_note(page, s, target, "synthesis estimate")
    rows = [[k.upper(), f"{s[k]:,}", _percent(s.get(f"u50_{k}_share"))] for k in ("lut", "ff", "dsp", "bram")]
    page.add(_table(["resource", "count", "U50 share"], rows))
    page.figure(_synth_figure(s), "synth_resources", "Resources as a share of an Alveo U50.")


# ------------------------------------------------------------------------------------------
# scan
# ------------------------------------------------------------------------------------------
def _scan_param_figure(table: pa.Table, ok: np.ndarray) -> Figure | None:
    eff = float_column(table, "efficiency")
    cols = []
    for c in table.column_names:
        if not c.startswith("param_"):
            continue
        try:
            v = float_column(table, c)
        except (TypeError, ValueError):  # text parameters (lists, names): no axis
            continue
        if len(set(v[ok & np.isfinite(v)].tolist())) > 1:
            cols.append((c, v))
    if not cols:
        return None
    fig = Figure(figsize=(4.0 * len(cols), 3.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(cols), sharey=True))
    for ax, (c, v) in zip(axes, cols, strict=True):
        ax.scatter(v[ok], eff[ok], s=16)
        ax.set_xlabel(c.removeprefix("param_"))
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("efficiency (fixed point)")
    return fig


def _scan_section(page: _Page, path: Path) -> None:
    table = read_results(path)
    page.heading("Parameter scan")
    ok = successful_mask(table)
    page.para(f"{path}: {table.num_rows} points, {int((~ok).sum())} failed.")
    if not table.num_rows:
        return
    costs = table_costs(table)
    for cost, label in costs:
        page.figure(plot_pareto(table, cost, label), f"scan_pareto_{cost}", f"Efficiency against {label}.")
    fig = _scan_param_figure(table, ok)
    if fig is not None:
        page.figure(fig, "scan_efficiency_vs_params", "Efficiency of each scan point against each scanned parameter.")
    cost = costs[0][0]
    x, eff = float_column(table, cost), float_column(table, "efficiency")
    order = pareto_indices(table, cost)[:20]
    labels = point_labels(table)
    keys = table.column("point_key").to_pylist()
    page.add(f"<p>Pareto front (efficiency against {html.escape(cost)}):</p>")
    page.add(
        _table(["parameters", "efficiency", cost, "point key"], [[labels[i], eff[i], x[i], keys[i]] for i in order])
    )
    errors = table.column("error").to_pylist() if "error" in table.column_names else []
    failed = [(labels[i], errors[i]) for i in np.flatnonzero(~ok)[:10]]
    if failed:
        page.add("<p>Failed points (first 10):</p>")
        page.add(_table(["parameters", "error"], failed))


# ------------------------------------------------------------------------------------------
# the page
# ------------------------------------------------------------------------------------------
def _glance(
    runs: Sequence[_Run],
    cosim: Mapping[str, Any] | None,
    synth: Mapping[str, Any] | None,
    timing: Mapping[str, Any] | None = None,
) -> str:
    fixed = runs[-1].perf
    items = [("efficiency (fixed)", _fmt(fixed.efficiency), ""), ("fake rate (fixed)", _fmt(fixed.fake_rate), "")]
    if cosim is not None:
        ok = _cosim_ok(cosim)
        items.append(("RTL vs golden model", "bit-exact" if ok else "MISMATCH", "ok" if ok else "bad"))
        items.append(("cycles per event", _fmt(float(cosim["cycles_per_event"])), ""))
        items.append(("instances for 40 MHz", _fmt(cosim["instances_for_40mhz"]), ""))
    if synth is not None:
        items.append(("LUTs (U50 share)", f"{synth['lut']:,} ({100 * float(synth['u50_lut_share']):.3g} %)", ""))
    if timing is not None:
        ok = float(timing["fmax_mhz"]) >= float(timing["clock_mhz"])
        items.append(("estimated Fmax", f"{float(timing['fmax_mhz']):.0f} MHz", "ok" if ok else "bad"))
    cells = [f'<div>{html.escape(k)}<b class="{cls or "plain"}">{html.escape(v)}</b></div>' for k, v, cls in items]
    return '<div class="glance">' + "".join(cells) + "</div>"


def _overrides(algorithm: str, config: str | Path | Mapping[str, Any] | None) -> dict[str, Any]:
    if config is None:
        return {}
    if isinstance(config, Mapping):
        return check_overrides(algorithm, config, source="report", where="config")
    return load_overrides(config, algorithm)


def write_report(
    out_dir: str | Path,
    *,
    algorithm: str | None = None,
    preset: str | None = None,
    config: str | Path | Mapping[str, Any] | None = None,
    n_events: int | None = None,
    seed: int = 1,
    pt_min_gev: float | None = None,
    mix: Mapping[str, Any] | None = None,
    cosim_json: str | Path | None = None,
    synth_json: str | Path | None = None,
    timing_json: str | Path | None = None,
    scan: str | Path | None = None,
    title: str | None = None,
    detector: Detector | None = None,
    events: Events | None = None,
) -> Path:
    """Write ``<out_dir>/report.html`` and its PNG figures; returns the HTML path.

    Parameters
    ----------
    out_dir: output folder (created).
    algorithm, preset: which config (default: the algorithm and preset of ``cosim_json`` or
        ``synth_json``, else ``retina`` on ``telescope``).
    config: overrides of the preset's default config: a mapping or a TOML/JSON file.
    n_events, seed: the generated sample (default size as ``fasttrack demo``: telescope
        2000, barrel 500, velo 50).
    pt_min_gev: efficiency for reconstructable particles above this pT (GeV); default as
        ``fasttrack demo`` (barrel 3 GeV, else none).
    mix: :class:`~fasttrack.detector.EventMix` overrides of the sample.
    cosim_json, synth_json, timing_json: co-simulation, synthesis and timing results to include.
    scan: a scan's ``results.parquet`` (or its folder) to include.
    title: page title (default from algorithm and preset).
    detector: your detector instead of a preset (its name stands for the preset's).
    events: your events instead of a generated sample (of ``detector``, or carrying theirs).
    """
    cosim = load_cosim(cosim_json) if cosim_json is not None else None
    synth = load_synth(synth_json) if synth_json is not None else None
    timing = load_timing(timing_json) if timing_json is not None else None
    if detector is None and events is not None:
        detector = events.detector
    algo, preset_name = _resolve_target(
        algorithm, preset if detector is None else (preset or "telescope"), cosim, synth, timing
    )
    if detector is not None:
        preset_name = detector.name
    overrides = _overrides(algo, config)
    n = SAMPLE_EVENTS.get(preset_name, 500) if n_events is None else n_events
    if n < 1:
        raise ValueError(f"report: n_events must be >= 1, got {n}")
    cut = EFFICIENCY_PT_MIN_GEV.get(preset_name) if pt_min_gev is None else pt_min_gev
    det = detector if detector is not None else presets.preset(preset_name)
    if events is None:
        events = generate.generate(det, n, seed=seed, progress=False, **dict(mix or {}))
    cfg = algorithms.get(algo).default_config(det, **overrides)
    finder = algorithms.get(algo).finder(cfg)
    runs = []
    for mode in algorithms.MODES:
        output = finder.run(events, mode)
        runs.append(_Run(mode, output, metrics.evaluate(events, output.tracks, pt_min_gev=cut)))
    params = trackmodel.for_detector(det).param_names

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    page = _Page(out)
    heading = title or f"fasttrack report: {algo} on {preset_name}"
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    page.add(f"<h1>{html.escape(heading)}</h1>")
    page.para(f"fasttrack {__version__}, {stamp}; config {cfg.name} hash {cfg.config_hash()}.")
    page.add(_glance(runs, cosim, synth, timing))

    page.heading("Sample and configuration")
    stats = events.stats()
    cut_text = f", pT ≥ {cut:g} GeV" if cut is not None else ""
    page.para(
        f"{len(events)} {preset_name} events, seed {seed}, mix overrides {dict(mix or {}) or 'none'}; "
        f"{stats['hits_per_event']:.1f} hits per event. Efficiency of reconstructable particles{cut_text}."
    )
    page.para("Config fields (overridden ones in bold; per-layer model tables are left out):")
    page.add(_table(["field", "value"], _config_rows(cfg, overrides), raw=True))

    page.heading("Physics performance (float reference and fixed-point golden model)")
    page.add(_table(["quantity", *(r.mode for r in runs)], _physics_rows(runs, params)))
    _efficiency_figures(page, runs, events, params)
    _resolution_figures(page, runs, params)
    _picture_figures(page, algo, finder, events, runs[-1])

    target = _Target(algo, preset_name, cfg.config_hash())
    if cosim is not None:
        _cosim_section(page, cosim, target)
    if synth is not None:
        _synth_section(page, synth, target)
    if timing is not None:
        _timing_section(page, timing, cosim, target)
    if scan is not None:
        _scan_section(page, Path(scan))

    path = out / REPORT_NAME
    path.write_text(page.render(heading), encoding="utf-8")
    return path

"""Matplotlib figures: event displays, efficiency curves, residuals and pulls, retina maps.

Figures are built as :class:`matplotlib.figure.Figure` objects directly, without pyplot,
so importing this module never selects or changes the matplotlib backend; saving uses
the Agg renderer. Every function draws into ``ax`` when given (and returns its figure),
otherwise into a new figure.

One calling convention: the data first (performance, events, or a finder and its events),
then what to draw (a variable, a parameter, an event index), then keyword-only options,
``ax`` last. Pictures of the parameter grid default to the fixed-point golden model
(``mode="fixed"``). Extra positional options still work for one release, with a warning.

Example
-------
>>> from fasttrack import detector, generate, metrics, plots, truthtrack
>>> ev = generate.generate(detector.telescope(), 200, seed=1)
>>> perf = metrics.evaluate(ev, truthtrack.find(ev))
>>> fig = plots.plot_resolution(perf, "x_ref_mm")
>>> plots.save_figure(fig, "x_ref_resolution.png")  # doctest: +SKIP
PosixPath('x_ref_resolution.png')
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import awkward as ak
import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .events import Events, describe_field_units
from .metrics import TrackingPerformance

if TYPE_CHECKING:
    from .hough import Hough
    from .retina import Retina

__all__ = [
    "axis_label",
    "plot_efficiency",
    "plot_event",
    "plot_hits_per_event",
    "plot_hough_accumulator",
    "plot_pulls",
    "plot_resolution",
    "plot_response_map",
    "save_figure",
]

#: display names of particle variables and track parameters (matplotlib mathtext)
SYMBOLS = {
    "pt_gev": r"$p_\mathrm{T}$",
    "p_gev": r"$p$",
    "eta": r"$\eta$",
    "phi": r"$\phi$",
    "n_layers": "layers with hits",
    "x_ref_mm": r"$x_\mathrm{ref}$",
    "tx": r"$t_x$",
    "u_mm": r"$u$",
    "v_mm": r"$v$",
    "qoverpt": r"$q/p_\mathrm{T}$",
    "phi_t": r"$\phi_T$",
    "z0_mm": r"$z_0$",
    "cot_theta": r"$\cot\theta$",
}
_FIGSIZE = (6.4, 4.2)


def _options_were_positional(n_positional: int, old_order: tuple[str, ...]) -> Callable[[Any], Any]:
    """Let a function whose options became keyword-only still take them by position (in
    ``old_order`` after its first ``n_positional`` arguments), with a deprecation warning."""

    def wrap(fn: Any) -> Any:
        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            if len(args) > n_positional:
                extra = args[n_positional:]
                if len(extra) > len(old_order):
                    raise TypeError(
                        f"{fn.__name__}() takes at most {n_positional + len(old_order)} positional arguments"
                    )
                warnings.warn(
                    f"{fn.__name__}: pass {', '.join(old_order[: len(extra)])} by keyword",
                    DeprecationWarning,
                    stacklevel=2,
                )
                kwargs.update(zip(old_order, extra, strict=False))
                args = args[:n_positional]
            return fn(*args, **kwargs)

        return call

    return wrap


def axis_label(name: str, prefix: str = "") -> str:
    """``"<prefix><symbol> [<unit>]"`` for a field name, e.g. ``"$p_\\mathrm{T}$ [GeV]"``."""
    unit = describe_field_units().get(name, "")
    symbol = SYMBOLS.get(name, name)
    return f"{prefix}{symbol}" + (f" [{unit}]" if unit else "")


def _figure_and_axes(ax: Axes | None, figsize: tuple[float, float] = _FIGSIZE) -> tuple[Figure, Axes]:
    if ax is None:
        fig = Figure(figsize=figsize, layout="constrained")
        return fig, fig.add_subplot()
    parent = ax.figure
    root = parent.figure if parent is not None else None  # a Figure's is itself
    if not isinstance(root, Figure):
        raise ValueError("ax must belong to a matplotlib Figure")
    return root, ax


def _default_bins(perf: TrackingPerformance, variable: str) -> int | np.ndarray:
    if variable == "n_layers" and len(perf.particles.get(variable, ())):
        n = np.asarray(perf.particles[variable])
        return np.arange(int(n.min()) - 0.5, int(n.max()) + 1.0)
    return 10


@_options_were_positional(2, ("bins", "ax", "label"))
def plot_efficiency(
    perf: TrackingPerformance,
    variable: str = "pt_gev",
    *,
    bins: int | Sequence[float] | np.ndarray | None = None,
    label: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Efficiency versus a per-particle variable with Wilson 68 % error bars.

    ``bins`` as in :meth:`~fasttrack.metrics.TrackingPerformance.efficiency_vs` (default:
    10 equal bins, or one bin per layer count for ``n_layers``). Empty bins are not drawn.
    Draw several samples into one ``ax`` with a ``label`` each to compare them.

    >>> fig = plot_efficiency(perf, "eta", bins=20, label="retina")  # doctest: +SKIP
    """
    fig, ax = _figure_and_axes(ax)
    edges, eff, lo, hi = perf.efficiency_vs(variable, bins if bins is not None else _default_bins(perf, variable))
    centres = 0.5 * (edges[1:] + edges[:-1])
    half = 0.5 * np.diff(edges)
    ok = np.isfinite(eff)
    ax.errorbar(
        centres[ok],
        eff[ok],
        xerr=half[ok],
        yerr=np.vstack([lo[ok], hi[ok]]),
        fmt="o",
        markersize=3,
        capsize=0,
        label=label,
    )
    ax.set_xlabel(axis_label(variable))
    ax.set_ylabel("efficiency")
    ax.set_xlim(edges[0], edges[-1])
    ax.set_ylim(0.0, 1.05)
    ax.grid(alpha=0.3)
    title = f"{perf.n_matched_particles}/{perf.n_particles} particles matched"
    if not ok.any():
        ax.text(0.5, 0.5, "no particles", transform=ax.transAxes, ha="center", va="center")
    if label is not None:
        ax.legend(loc="lower right")
    else:
        ax.set_title(title, fontsize="medium")
    return fig


def _histogram(
    ax: Axes, values: np.ndarray, bins: int, label: str, value_range: tuple[float, float] | None = None
) -> np.ndarray:
    finite = values[np.isfinite(values)]
    _, edges, _ = ax.hist(finite, bins=bins, range=value_range, histtype="stepfilled", alpha=0.6, label=label)
    return np.asarray(edges)


def _stats_label(n: int, mean: float, std: float, width: float | None, unit: str) -> str:
    u = f" {unit}" if unit else ""
    parts = [f"n = {n}", f"mean = {mean:.3g}{u}", f"std = {std:.3g}{u}"]
    if width is not None:
        parts.insert(1, f"68% half-width = {width:.3g}{u}")
    return "\n".join(parts)


@_options_were_positional(2, ("ax", "bins"))
def plot_resolution(perf: TrackingPerformance, param: str, *, bins: int = 50, ax: Axes | None = None) -> Figure:
    """Histogram of the residuals (best track − truth) of ``param``.

    The legend gives the number of entries, the half-width of the central 68 %, the mean
    and the standard deviation (see :class:`~fasttrack.metrics.ParameterResolution`).

    >>> fig = plot_resolution(perf, "x_ref_mm")  # doctest: +SKIP
    """
    if param not in perf.residuals:
        raise ValueError(f"no residuals for {param!r}; available: {sorted(perf.residuals)}")
    fig, ax = _figure_and_axes(ax)
    res = perf.resolution[param]
    unit = describe_field_units().get(param, "")
    ax.set_xlabel(axis_label(param, prefix=r"$\Delta$"))
    ax.set_ylabel("matched particles")
    ax.set_title(f"{SYMBOLS.get(param, param)}: reconstructed − true", fontsize="medium")
    if res.n == 0:
        ax.text(0.5, 0.5, "no matched particles", transform=ax.transAxes, ha="center", va="center")
        return fig
    _histogram(ax, np.asarray(perf.residuals[param]), bins, _stats_label(res.n, res.mean, res.std, res.width68, unit))
    ax.legend(loc="upper right", fontsize="small", handlelength=1.0)
    return fig


@_options_were_positional(2, ("ax", "bins", "pull_range"))
def plot_pulls(
    perf: TrackingPerformance,
    param: str,
    *,
    bins: int = 50,
    pull_range: tuple[float, float] = (-5.0, 5.0),
    ax: Axes | None = None,
) -> Figure:
    """Histogram of the pulls ``(track − truth) / <param>_err`` with a unit Gaussian.

    Needs tracks that carry ``<param>_err``; entries outside ``pull_range`` are left out
    of the histogram (not of the statistics in the legend).

    >>> fig = plot_pulls(perf, "tx")  # doctest: +SKIP
    """
    if param not in perf.pulls:
        raise ValueError(
            f"no pulls for {param!r}: the tracks carry no '{param}_err' field (pulls exist for {sorted(perf.pulls)})"
        )
    fig, ax = _figure_and_axes(ax)
    res = perf.resolution[param]
    ax.set_xlabel(f"pull of {SYMBOLS.get(param, param)}")
    ax.set_ylabel("matched particles")
    ax.set_xlim(*pull_range)
    if res.pull_n == 0:
        ax.text(0.5, 0.5, "no pulls", transform=ax.transAxes, ha="center", va="center")
        return fig
    edges = _histogram(
        ax,
        np.asarray(perf.pulls[param]),
        bins,
        _stats_label(res.pull_n, res.pull_mean, res.pull_std, None, ""),
        pull_range,
    )
    x = np.linspace(pull_range[0], pull_range[1], 201)
    scale = res.pull_n * float(edges[1] - edges[0]) / math.sqrt(2.0 * math.pi)
    ax.plot(x, scale * np.exp(-0.5 * x * x), color="black", linewidth=1.0, label=r"$\mathcal{N}(0, 1)$")
    ax.legend(loc="upper right", fontsize="small", handlelength=1.0)
    return fig


def save_figure(fig: Figure, path: str | Path, **savefig_kwargs: Any) -> Path:
    """Write ``fig`` to ``path`` (format from the suffix, parent folders created).

    Keyword arguments go to :meth:`matplotlib.figure.Figure.savefig` (default ``dpi=150``).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    savefig_kwargs.setdefault("dpi", 150)
    fig.savefig(path, **savefig_kwargs)
    return path


# ------------------------------------------------------------------------------------------
# event pictures
# ------------------------------------------------------------------------------------------
def plot_event(
    events: Events, index: int = 0, *, tracks: ak.Array | None = None, ax: Axes | None = None, max_particles: int = 40
) -> Figure:
    """One event: hits coloured by particle (noise grey) and the true trajectories.

    Telescope and velo: the x–z view; barrel: the transverse (x–y) view of the sector
    with the true helices. Fitted ``tracks`` (with the model's parameters) are drawn
    dashed when given.
    """
    from . import trackmodel

    det = events.detector
    fig, ax = _figure_and_axes(ax, figsize=(7.0, 5.0))
    ev = events[index]
    hits = ev.hits[0]
    parts = ev.particles[0] if ev.particles is not None else None
    pid = np.asarray(hits.particle_id)
    lay = np.asarray(hits.layer)
    pos = det.positions_mm()
    cmap = matplotlib.colormaps["tab20"]
    if det.kind == "cylinder":
        r = pos[lay]
        phi = np.asarray(hits.phi)
        hx, hy = r * np.cos(phi), r * np.sin(phi)
        for layer_r in pos:
            lay0 = det.layers[0]
            t = np.linspace(lay0.phi_min, lay0.phi_max, 100)  # type: ignore[union-attr]
            ax.plot(layer_r * np.cos(t), layer_r * np.sin(t), color="0.85", lw=0.8, zorder=0)
        ax.set_xlabel("x [mm]")
        ax.set_ylabel("y [mm]")
        ax.set_aspect("equal")
    else:
        hx, hy = pos[lay], np.asarray(hits.x)
        for z in pos:
            ax.axvline(z, color="0.85", lw=0.8, zorder=0)
        ax.set_xlabel("z [mm]")
        ax.set_ylabel("x [mm]")
    noise = pid <= 0
    ax.scatter(hx[noise], hy[noise], s=10, c="0.5", marker="x", label="noise hits", zorder=2)
    if parts is not None:
        shown = 0
        for p in parts:
            if shown >= max_particles or p["n_hits"] == 0:
                continue
            colour = cmap(shown % 20)
            sel = pid == p["particle_id"]
            ax.scatter(hx[sel], hy[sel], s=14, color=colour, zorder=3)
            if det.kind == "cylinder":
                rr = np.linspace(0.0, pos[-1], 200)
                ph = trackmodel.helix_phi_at_radius(p["phi"], p["charge"] / p["pt_gev"], rr, det.bz_tesla)
                ax.plot(rr * np.cos(ph), rr * np.sin(ph), color=colour, lw=0.8, zorder=1)
            else:
                zz = np.array([min(pos[0], p["vz_mm"]), pos[-1]])
                ax.plot(zz, p["vx_mm"] + p["tx"] * (zz - p["vz_mm"]), color=colour, lw=0.8, zorder=1)
            shown += 1
        ax.plot([], [], color="k", lw=0.8, label="true trajectories")
    if tracks is not None and det.kind == "plane" and not det.measures_y:
        for t in tracks[index]:
            zz = np.array([pos[0], pos[-1]])
            ax.plot(zz, t["x_ref_mm"] + t["tx"] * (zz - det.reference_z_mm), "k--", lw=0.8)
        ax.plot([], [], "k--", lw=0.8, label="fitted tracks")
    ax.set_title(f"{det.name}: event {int(events.event_number[index])}, {len(hits)} hits")
    ax.legend(loc="best", fontsize="small")
    return fig


@_options_were_positional(1, ("ax",))
def plot_hits_per_event(events: Events, *, ax: Axes | None = None) -> Figure:
    """Histogram of hits per event, split into particle and noise hits."""
    fig, ax = _figure_and_axes(ax)
    total = events.n_hits
    noise = np.asarray(ak.sum(events.hits.particle_id <= 0, axis=1))
    top = max(int(total.max()) if len(total) else 1, 1)
    bins = np.linspace(0, top + 1, min(top + 2, 60)).tolist()
    ax.hist(total, bins=bins, histtype="step", label=f"all hits (mean {total.mean():.1f})")
    ax.hist(noise, bins=bins, histtype="step", label=f"noise hits (mean {noise.mean():.1f})")
    ax.set_xlabel("hits per event")
    ax.set_ylabel("events")
    ax.set_title(f"{events.detector.name}: {len(events)} events")
    ax.legend(fontsize="small")
    return fig


def _overlay_parameter_space(
    ax: Axes, cfg: Any, events: Events, index: int, tracks: ak.Array, found_label: str, algo: str
) -> None:
    """True reconstructable tracks (circles) and found ones (crosses) over an (a, b) map."""
    a_name, b_name = cfg.param_names
    if events.particles is not None:
        parts = events.particles[index]
        sel = parts.reconstructable
        ax.scatter(
            np.asarray(parts[b_name][sel]),
            np.asarray(parts[a_name][sel]),
            s=80,
            facecolors="none",
            edgecolors="red",
            linewidths=1.2,
            label="true (reconstructable)",
        )
    ax.scatter(
        np.asarray(tracks[b_name]), np.asarray(tracks[a_name]), marker="x", s=50, color="white", label=found_label
    )
    ax.set_xlim(cfg.b_min, cfg.b_max)
    ax.set_ylim(cfg.a_min, cfg.a_max)
    ax.set_xlabel(axis_label(b_name))
    ax.set_ylabel(axis_label(a_name))
    ax.set_title(f"{algo} {cfg.name}: event {int(events.event_number[index])}, {cfg.n_a} x {cfg.n_b} cells")
    ax.legend(loc="upper right", fontsize="small")


# ------------------------------------------------------------------------------------------
# retina pictures
# ------------------------------------------------------------------------------------------
def plot_response_map(
    retina: Retina, events: Events, index: int = 0, *, mode: str = "fixed", ax: Axes | None = None
) -> Figure:
    """One event's retina response over the (a, b) grid, true tracks (circles) and found
    tracks (crosses) overlaid (``mode="float"`` for the float reference's map)."""
    cfg = retina.config
    fig, ax = _figure_and_axes(ax, figsize=(7.0, 5.0))
    out = retina.run(events[index], mode, keep_maps=True)  # type: ignore[arg-type]
    assert out.maps is not None
    resp = out.maps[0].astype(float)
    if mode == "fixed":
        resp = resp / cfg.weight_one
    extent = (cfg.b_min, cfg.b_max, cfg.a_min, cfg.a_max)
    im = ax.imshow(resp, origin="lower", aspect="auto", extent=extent, cmap="viridis", interpolation="nearest")
    fig.colorbar(im, ax=ax, label="response R (full-weight units)")
    _overlay_parameter_space(ax, cfg, events, index, out.tracks[0], f"found ({mode})", "retina")
    return fig


# ------------------------------------------------------------------------------------------
# Hough pictures
# ------------------------------------------------------------------------------------------
def plot_hough_accumulator(
    hough: Hough, events: Events, index: int = 0, *, mode: str = "fixed", ax: Axes | None = None
) -> Figure:
    """One event's Hough array: distinct layers per cell, true tracks (circles) and
    candidates (crosses) overlaid."""
    cfg = hough.config
    fig, ax = _figure_and_axes(ax, figsize=(7.0, 5.0))
    out = hough.run(events[index], mode, keep_maps=True)  # type: ignore[arg-type]
    assert out.maps is not None
    extent = (cfg.b_min, cfg.b_max, cfg.a_min, cfg.a_max)
    cmap = matplotlib.colormaps["viridis"].resampled(cfg.n_layers + 1)
    im = ax.imshow(
        out.maps[0],
        origin="lower",
        aspect="auto",
        extent=extent,
        cmap=cmap,
        vmin=-0.5,
        vmax=cfg.n_layers + 0.5,
        interpolation="nearest",
    )
    fig.colorbar(im, ax=ax, label="layers per cell", ticks=range(cfg.n_layers + 1))
    _overlay_parameter_space(
        ax, cfg, events, index, out.tracks[0], f"candidates ({mode}, >= {cfg.min_layers} layers)", "Hough"
    )
    return fig


# ------------------------------------------------------------------------------------------
# firmware pictures
# ------------------------------------------------------------------------------------------
def plot_latency_histogram(
    latency_cycles: Sequence[int],
    clock_mhz: float,
    *,
    title: str = "",
    limit_cycles: int | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Per-event latency (first hit in to last word out) in clock cycles, with the time
    at ``clock_mhz`` on a second axis and an optional limit drawn as a line."""
    lat = np.asarray(latency_cycles, dtype=np.int64)
    fig, ax = _figure_and_axes(ax)
    if len(lat):
        bins = [float(b) - 0.5 for b in range(int(lat.min()), int(lat.max()) + 2)]
        ax.hist(lat, bins=bins, histtype="stepfilled", alpha=0.7, label=f"{len(lat)} events, mean {lat.mean():.1f}")
    if limit_cycles is not None:
        ax.axvline(limit_cycles, color="C3", ls="--", label=f"limit {limit_cycles} cycles")
    ax.set_xlabel("latency [clock cycles]")
    ax.set_ylabel("events")
    ax.set_title(title or f"latency at {clock_mhz:g} MHz")
    ns_per_cycle = 1e3 / clock_mhz

    def to_ns(c: Any) -> Any:
        return np.asarray(c, dtype=np.float64) * ns_per_cycle

    def to_cycles(t: Any) -> Any:
        return np.asarray(t, dtype=np.float64) / ns_per_cycle

    sec = ax.secondary_xaxis("top", functions=(to_ns, to_cycles))
    sec.set_xlabel("latency [ns]")
    ax.legend()
    return fig

"""The inputs every ``fasttrack`` command shares: a preset, or a user's detector, config and events.

:func:`add_inputs` adds one argument group to a subcommand::

    --preset P          a built-in detector (telescope, barrel, velo)
    --detector FILE     a detector description, TOML or JSON (fasttrack.io.detector_file)
    --config FILE       config field overrides for the algorithm, TOML or JSON (field = value)
    --events FILE       events: a parquet file, a ROOT file or a TrackML/ACTS CSV folder
    -n N                number of generated events (when no --events FILE is given)

and :func:`resolve` turns them into an :class:`Inputs` (detector, label, config overrides,
events). The detector comes from ``--detector``, else ``--preset``, else the metadata of a
parquet ``--events`` file written by fasttrack. For compatibility ``--events N`` with a
number (and no such file) still means ``-n N``.

The output checks the commands share are here too: :func:`writable_dir` and
:func:`writable_file` name the path that cannot be written before any work starts, and
:func:`positive` rejects ``-n 0`` and ``--clock-mhz 0``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .detector import PRESETS, Detector
from .events import Events

__all__ = ["Inputs", "add_inputs", "positive", "resolve", "writable_dir", "writable_file"]


def _events_value(text: str) -> Path | int:
    """``--events``: a path, or (when it is a number and no such file exists) an event count."""
    if not Path(text).exists():
        try:
            return int(text)
        except ValueError:
            pass
    return Path(text)


def add_inputs(
    p: argparse.ArgumentParser,
    *,
    config: bool = True,
    events: bool = True,
    n_default: int | None = None,
    n_help: str | None = None,
    preset_help: str = "detector preset",
) -> None:
    """The shared input options of one subcommand (see the module docstring)."""
    g = p.add_argument_group("inputs: a preset, or your own detector, config and events")
    g.add_argument("--preset", choices=sorted(PRESETS), help=preset_help)
    g.add_argument(
        "--detector",
        type=Path,
        metavar="FILE",
        help="your detector, TOML or JSON (example: examples/detector_barrel10.toml; "
        "format: python -m pydoc fasttrack.io.detector_file)",
    )
    if config:
        g.add_argument(
            "--config",
            type=Path,
            metavar="FILE",
            help="config overrides for the algorithm, TOML or JSON: a flat table field = value",
        )
    if events:
        g.add_argument(
            "--events",
            dest="events_file",
            type=_events_value,
            metavar="FILE",
            help="events to read instead of generating them: a parquet file (fasttrack generate or plain hits), "
            "a ROOT file (tree 'hits') or a folder of TrackML/ACTS CSV files",
        )
        default = f" (default {n_default})" if n_default is not None else ""
        g.add_argument(
            "-n",
            "--n-events",
            dest="events",
            type=int,
            default=n_default,
            help=n_help or f"number of events to generate{default}",
        )


@dataclass
class Inputs:
    """What the input options resolve to."""

    detector: Detector
    label: str  # the preset's name, or the detector's name for a file
    overrides: dict[str, Any] = field(default_factory=dict)
    events_file: Path | None = None
    n_events: int | None = None
    preset: str | None = None

    def config(self, algorithm: str, *, rtl: bool = False) -> Any:
        """The algorithm's config for the detector (the RTL's with ``rtl``), with the overrides."""
        from . import algorithms

        algo = algorithms.get(algorithm)
        if not algo.serves(self.detector):
            raise ValueError(f"the {algo.title} does not run on the {self.detector.name} detector")
        return algo.config(self.detector, rtl=rtl, **self.overrides)

    def events(self, *, seed: int = 1, mix: dict[str, Any] | None = None, progress: bool = False) -> Events:
        """The events of ``--events FILE``, else ``n_events`` generated ones."""
        from . import generate, io

        if self.events_file is not None:
            return io.read_events(self.events_file, self.detector)
        n = 0 if self.n_events is None else self.n_events
        return generate.generate(self.detector, n, seed=seed, progress=progress, **dict(mix or {}))


def resolve(
    args: argparse.Namespace, command: str, algorithm: str | None = None, *, default_preset: str | None = None
) -> Inputs:
    """The :class:`Inputs` of parsed arguments (ValueError naming the option on a bad one)."""
    from . import detector as det_mod
    from . import io

    events_file = getattr(args, "events_file", None)
    if isinstance(events_file, int):  # legacy --events N
        args.events, events_file = events_file, None
        args.events_file = None
    preset = getattr(args, "preset", None)
    det_file = getattr(args, "detector", None)
    if preset and det_file:
        raise ValueError("give --preset or --detector, not both")
    det: Detector | None = None
    label = preset
    if det_file is not None:
        det = io.load_detector(det_file)
        label = det.name
    elif preset:
        det = det_mod.preset(preset)
    if events_file is not None:
        fmt = io.detect_format(events_file)
        if det is None and fmt == "parquet":
            det = io.file_detector(events_file)
            if det is None:
                raise ValueError(
                    f"{events_file} has no fasttrack metadata (not written by fasttrack generate): "
                    "give its detector with --detector FILE or --preset P"
                )
            label = det.name
        elif det is None:
            raise ValueError(f"--events {events_file}: a {fmt} input needs --detector FILE or --preset P")
    if det is None and default_preset is not None:
        det, label = det_mod.preset(default_preset), default_preset
    if det is None:
        raise ValueError("give the detector: --preset P, --detector FILE or --events FILE (a fasttrack parquet file)")
    overrides: dict[str, Any] = {}
    cfg_file = getattr(args, "config", None)
    if cfg_file is not None and algorithm is not None:  # (demo and report read theirs themselves)
        from .overrides import load_overrides

        overrides = load_overrides(cfg_file, algorithm)
    n = getattr(args, "events", None)
    return Inputs(det, str(label), overrides, events_file, n, preset if det_file is None else None)


def positive(value: float | None, option: str, *, minimum: float | None = 1) -> None:
    """Reject ``option`` below ``minimum`` (``-n 0``); ``minimum=None`` asks for > 0 (``--clock-mhz 0``)."""
    if value is None:
        return
    if minimum is None:
        if not (value > 0 and value < float("inf")):
            raise ValueError(f"{option} must be a positive number, got {value:g}")
    elif not value >= minimum:
        raise ValueError(f"{option} must be >= {minimum:g}, got {value:g}")


def _probe(folder: Path, what: str, shown: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder, prefix=".fasttrack-write-test-")
        os.close(fd)
        os.unlink(name)
    except OSError as err:
        raise ValueError(f"cannot write {what} {shown}: {err.strerror or err}") from None


def writable_dir(path: Path, what: str = "to") -> Path:
    """``path`` as a folder this process can write in (created), else a ValueError naming it."""
    if path.exists() and not path.is_dir():
        raise ValueError(f"cannot write {what} {path}: it is a file, not a folder")
    _probe(path, what, path)
    return path


def writable_file(path: Path, what: str = "to") -> Path:
    """``path`` as a file this process can create or replace, else a ValueError naming it."""
    if path.is_dir():
        raise ValueError(f"cannot write {what} {path}: it is a folder")
    _probe(path.parent if str(path.parent) else Path("."), what, path)
    if path.exists() and not os.access(path, os.W_OK):
        raise ValueError(f"cannot write {what} {path}: permission denied")
    return path

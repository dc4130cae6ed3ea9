"""Test-vector files shared by pytest, the C++ testbenches and cocotb.

Format (text, one record per line, integers separated by single spaces)::

    # fasttrack-vectors 1
    # kind retina
    # stage hits
    # config telescope 9cfeb3967cf7033e
    # records E <event> <n> | H <layer> <coord0> [<coord1>] [<bend>] <hit_id>
    E 0 27
    H 0 -171 0
    ...

Header lines start with ``#`` and hold ``key value...``; ``config`` names the config and
its hash, which readers check. Each event starts with an ``E`` line whose first two
numbers are the event number and the count of records that follow; further numbers on
the ``E`` line are per-event values of that stage. Every algorithm writes a ``hits``
stage with :func:`hit_lines`: ``E event n`` then ``H layer coord0 [coord1] [bend]
hit_id`` for every hit in input order, including hits beyond ``MAX_HITS`` (hardware drops
those); ``hit_id`` is wrapped to ``HIT_ID_BITS`` like the hardware word's field (only ids
of hits beyond ``MAX_HITS``, which never reach an output, or of user hits can wrap);
``bend`` (the stub's q/pT estimate in bend LSBs) only when the config's bend filter is
on. Its further stages (intermediate maps, maxima or candidates, tracks) are described by
its hardware module (:mod:`fasttrack.hw.retina`, :mod:`fasttrack.hw.hough`); the
algorithm's :attr:`~fasttrack.algorithms.Hardware.write_vectors` writes them all.

Example
-------
>>> from fasttrack import detector, generate
>>> from fasttrack.algorithms import get
>>> from pathlib import Path
>>> import tempfile
>>> retina = get("retina")
>>> cfg = retina.default_config(detector.telescope())
>>> with tempfile.TemporaryDirectory() as d:
...     paths = retina.hardware.write_vectors(cfg, generate.generate(detector.telescope(), 3, seed=1), d)
...     read_vectors(paths["tracks"], expect_hash=cfg.config_hash()).header["stage"]
['tracks']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..events import Events

__all__ = ["FORMAT", "VectorFile", "event_info", "header", "hit_lines", "read_vectors", "write_stages"]

FORMAT = "1"


@dataclass
class VectorFile:
    """A parsed vector file: header and, per event, the ``E`` line values and records."""

    header: dict[str, list[str]]
    event_values: list[list[int]] = field(default_factory=list)
    records: list[list[tuple[str, tuple[int, ...]]]] = field(default_factory=list)

    @property
    def config_hash(self) -> str:
        return self.header["config"][1]


def header(kind: str, stage: str, cfg: Any, record_doc: str, extra: dict[str, str]) -> list[str]:
    """The header lines of one stage file: format, algorithm, stage, config and hash, record
    syntax, and the ``extra`` key-value lines (:func:`event_info`)."""
    lines = [
        f"# fasttrack-vectors {FORMAT}",
        f"# kind {kind}",
        f"# stage {stage}",
        f"# config {cfg.name} {cfg.config_hash()}",
        f"# records {record_doc}",
    ]
    lines += [f"# {k} {v}" for k, v in extra.items()]
    return lines


def event_info(events: Events) -> dict[str, str]:
    """Header lines describing the events: count, detector, seed, first event number
    (each event's number is on its ``E`` line)."""
    return {
        "events": str(len(events)),
        "detector": events.detector.name,
        "seed": str(events.seed),
        "first_event": str(events.first_event),
    }


def hit_lines(kind: str, cfg: Any, events: Events, coord_names: tuple[str, ...], extra: dict[str, str]) -> list[str]:
    """The hits stage: header, then per event ``E`` and ``H layer coords [bend] hit_id``."""
    offsets, cols = events.flat_hits()
    n = len(cols["layer"])
    hw = (
        np.stack([cfg.quantize_coord(cols[m]) for m in coord_names], axis=1)
        if n
        else np.zeros((0, len(coord_names)), dtype=np.int64)
    )
    bend_hw = cfg.quantize_bend(cols["bend_qoverpt"]) if cfg.bend_filter else None
    id_mask = (1 << cfg.hit_id_bits) - 1  # the hit word's id field; ids of dropped hits wrap
    doc = (
        "E <event> <n> | H <layer> "
        + " ".join(f"<{m}>" for m in coord_names)
        + (" <bend>" if bend_hw is not None else "")
        + " <hit_id>"
    )
    lines = header(kind, "hits", cfg, doc, extra)
    for e in range(len(events)):
        h0, h1 = int(offsets[e]), int(offsets[e + 1])
        lines.append(f"E {int(events.event_number[e])} {h1 - h0}")
        for h in range(h0, h1):
            coords = " ".join(str(int(v)) for v in hw[h])
            if bend_hw is not None:
                coords += f" {int(bend_hw[h])}"
            lines.append(f"H {int(cols['layer'][h])} {coords} {int(cols['hit_id'][h]) & id_mask}")
    return lines


def write_stages(prefix: str, stages: tuple[str, ...], contents: tuple[list[str], ...], out: Path) -> dict[str, Path]:
    """Write ``<prefix>_<stage>.txt`` per stage; stage -> path."""
    paths = {}
    for stage, lines in zip(stages, contents, strict=True):
        p = out / f"{prefix}_{stage}.txt"
        p.write_text("\n".join(lines) + "\n")
        paths[stage] = p
    return paths


def read_vectors(path: str | Path, expect_hash: str | None = None) -> VectorFile:
    """Parse a vector file; with ``expect_hash``, refuse a file of another config."""
    path = Path(path)
    vf = VectorFile(header={})
    remaining = 0
    e_line = 0  # line of the last E record
    for n, line in enumerate(path.read_text().splitlines(), start=1):
        if not line:
            continue
        if line.startswith("#"):
            parts = line[1:].split()
            if parts:
                vf.header[parts[0]] = parts[1:]
            continue
        tok = line.split()
        tag = tok[0]
        try:
            nums = tuple(int(t) for t in tok[1:])
        except ValueError:
            raise ValueError(f"{path}:{n}: non-integer field in {line!r}") from None
        if tag == "E":
            if remaining:
                raise ValueError(f"{path}:{n}: event starts with {remaining} records of the previous one missing")
            if len(nums) < 2 or nums[1] < 0:
                raise ValueError(f"{path}:{n}: an E line needs <event> <n> with n >= 0")
            e_line = n
            vf.event_values.append(list(nums))
            vf.records.append([])
            remaining = nums[1]
        else:
            if not vf.records:
                raise ValueError(f"{path}:{n}: record before the first E line")
            if remaining == 0:
                raise ValueError(f"{path}:{n}: more records than the E line announced")
            vf.records[-1].append((tag, nums))
            remaining -= 1
    if remaining:
        raise ValueError(f"{path}:{e_line}: the last event misses {remaining} records")
    if vf.header.get("fasttrack-vectors", [None])[0] != FORMAT:
        raise ValueError(f"{path}: not a fasttrack vector file of format {FORMAT}")
    if expect_hash is not None and len(vf.header.get("config", [])) != 2:
        raise ValueError(f"{path}: the header lacks '# config <name> <hash>' to check against {expect_hash}")
    if expect_hash is not None and vf.config_hash != expect_hash:
        raise ValueError(f"{path}: config hash {vf.config_hash} differs from the expected {expect_hash}")
    return vf

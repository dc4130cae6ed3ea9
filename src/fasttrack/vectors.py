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
the ``E`` line are per-event values of that stage. Retina stages, one file each:

``retina_hits.txt``
    ``E event n`` then ``H layer coord0 [coord1] [bend] hit_id`` for every hit in input
    order, including hits beyond ``MAX_HITS`` (hardware drops those); ``hit_id`` is
    wrapped to ``HIT_ID_BITS`` like the hardware word's field (only ids of hits beyond
    ``MAX_HITS``, which never reach an output, or of user hits can wrap); ``bend`` (the
    stub's q/pT estimate in bend LSBs) only when the config's bend filter is on.
``retina_accumulator.txt``
    ``E event n`` then ``A cell acc`` for every non-zero accumulator after the event,
    raster order (``cell = i·N_B + j``); absent cells are 0.
``retina_maxima.txt``
    ``E event n`` then ``M i j acc`` for every local maximum above threshold, raster order,
    before the output capacity.
``retina_tracks.txt``
    ``E event n n_hits_dropped n_maxima`` then ``T i j off_a off_b quality`` for the
    tracks output (at most ``MAX_TRACKS``); ``hit_overflow = n_hits_dropped > 0``,
    ``track_overflow = n_maxima > n``.

Hough stages (``hough_*.txt``):

``hough_hits.txt``
    as the retina's: ``H layer coord [bend] hit_id``.
``hough_masks.txt``
    ``E event n`` then ``C cell layer_mask n_hits`` for every filled cell after the event,
    raster order (``cell = column·N_B + bin``), ``n_hits`` counting listed and unlisted
    hits.
``hough_tracks.txt``
    ``E event n n_hits_dropped n_candidates n_fills_capped n_list_overflows`` then
    ``T column bin sub layer_mask n hit_id...`` (``sub`` = −1 without the mini-Hough;
    the ``n`` hit ids of the candidate's list follow).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .events import Events
from .hough import Hough, HoughConfig
from .retina import Retina, RetinaConfig

__all__ = [
    "FORMAT",
    "HOUGH_STAGES",
    "RETINA_STAGES",
    "VectorFile",
    "read_vectors",
    "write_hough_vectors",
    "write_retina_vectors",
]

FORMAT = "1"
RETINA_STAGES = ("hits", "accumulator", "maxima", "tracks")
HOUGH_STAGES = ("hits", "masks", "tracks")


@dataclass
class VectorFile:
    """A parsed vector file: header and, per event, the ``E`` line values and records."""

    header: dict[str, list[str]]
    event_values: list[list[int]] = field(default_factory=list)
    records: list[list[tuple[str, tuple[int, ...]]]] = field(default_factory=list)

    @property
    def config_hash(self) -> str:
        return self.header["config"][1]


def _header(
    kind: str, stage: str, cfg: RetinaConfig | HoughConfig, record_doc: str, extra: dict[str, str]
) -> list[str]:
    lines = [
        f"# fasttrack-vectors {FORMAT}",
        f"# kind {kind}",
        f"# stage {stage}",
        f"# config {cfg.name} {cfg.config_hash()}",
        f"# records {record_doc}",
    ]
    lines += [f"# {k} {v}" for k, v in extra.items()]
    return lines


def _extra(events: Events) -> dict[str, str]:
    return {
        "events": str(len(events)),
        "detector": events.detector.name,
        "seed": str(events.seed),
        "first_event": str(events.first_event),
    }


def _hit_lines(
    kind: str, cfg: RetinaConfig | HoughConfig, events: Events, coord_names: tuple[str, ...], extra: dict[str, str]
) -> list[str]:
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
    lines = _header(kind, "hits", cfg, doc, extra)
    for e in range(len(events)):
        h0, h1 = int(offsets[e]), int(offsets[e + 1])
        lines.append(f"E {events.first_event + e} {h1 - h0}")
        for h in range(h0, h1):
            coords = " ".join(str(int(v)) for v in hw[h])
            if bend_hw is not None:
                coords += f" {int(bend_hw[h])}"
            lines.append(f"H {int(cols['layer'][h])} {coords} {int(cols['hit_id'][h]) & id_mask}")
    return lines


def _write_stages(prefix: str, stages: tuple[str, ...], contents: tuple[list[str], ...], out: Path) -> dict[str, Path]:
    paths = {}
    for stage, lines in zip(stages, contents, strict=True):
        p = out / f"{prefix}_{stage}.txt"
        p.write_text("\n".join(lines) + "\n")
        paths[stage] = p
    return paths


def write_retina_vectors(cfg: RetinaConfig, events: Events, out_dir: str | Path) -> dict[str, Path]:
    """Run the fixed retina on ``events`` and write the four stage files into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    retina = Retina(cfg)
    res = retina.run(events, "fixed", keep_maps=True)
    assert res.maps is not None
    extra = _extra(events)
    hits = _hit_lines("retina", cfg, events, cfg.measurement_names, extra)
    acc = _header("retina", "accumulator", cfg, "E <event> <n> | A <cell> <acc>", extra)
    mx = _header("retina", "maxima", cfg, "E <event> <n> | M <i> <j> <acc>", extra)
    trk = _header(
        "retina",
        "tracks",
        cfg,
        "E <event> <n> <n_hits_dropped> <n_maxima> | T <i> <j> <off_a> <off_b> <quality>",
        extra,
    )
    from .retina.engine import _is_local_max

    thr = float(cfg.threshold_hw)
    for e in range(len(events)):
        ev_no = events.first_event + e
        m = res.maps[e]
        nz = np.flatnonzero(m.ravel())
        acc.append(f"E {ev_no} {len(nz)}")
        acc += [f"A {int(c)} {int(m.flat[c])}" for c in nz]
        maxima = [
            (i, j)
            for i, j in zip(*np.nonzero(m >= cfg.threshold_hw), strict=True)
            if _is_local_max(m, int(i), int(j), thr)
        ]
        mx.append(f"E {ev_no} {len(maxima)}")
        mx += [f"M {int(i)} {int(j)} {int(m[i, j])}" for i, j in maxima]
        t = res.tracks[e]
        trk.append(f"E {ev_no} {len(t)} {int(res.n_hits_dropped[e])} {int(res.n_maxima[e])}")
        for k in range(len(t)):
            trk.append(
                f"T {int(t.cell_a[k])} {int(t.cell_b[k])} {int(t.off_a_hw[k])} {int(t.off_b_hw[k])} {int(t.quality[k])}"
            )
        if len(maxima) != int(res.n_maxima[e]):  # two implementations of one rule must agree
            raise AssertionError(f"event {ev_no}: maxima list {len(maxima)} != kernel count {res.n_maxima[e]}")
    return _write_stages("retina", RETINA_STAGES, (hits, acc, mx, trk), out)


def write_hough_vectors(cfg: HoughConfig, events: Events, out_dir: str | Path) -> dict[str, Path]:
    """Run the fixed Hough transform on ``events`` and write its three stage files."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    res = Hough(cfg).run(events, "fixed", keep_maps=True)
    assert res.masks is not None and res.hit_counts is not None
    extra = _extra(events)
    hits = _hit_lines("hough", cfg, events, (cfg.measurement_name,), extra)
    masks = _header("hough", "masks", cfg, "E <event> <n> | C <cell> <layer_mask> <n_hits>", extra)
    trk = _header(
        "hough",
        "tracks",
        cfg,
        "E <event> <n> <n_hits_dropped> <n_candidates> <n_fills_capped> <n_list_overflows> | "
        "T <column> <bin> <sub> <layer_mask> <n> <hit_id>...",
        extra,
    )
    id_mask = (1 << cfg.hit_id_bits) - 1
    for e in range(len(events)):
        ev_no = events.first_event + e
        m = res.masks[e]
        nz = np.flatnonzero(m.ravel())
        masks.append(f"E {ev_no} {len(nz)}")
        masks += [f"C {int(c)} {int(m.flat[c])} {int(res.hit_counts[e].flat[c])}" for c in nz]
        t = res.tracks[e]
        trk.append(
            f"E {ev_no} {len(t)} {int(res.n_hits_dropped[e])} {int(res.n_candidates[e])} "
            f"{int(res.n_fills_capped[e])} {int(res.n_list_overflows[e])}"
        )
        for k in range(len(t)):
            ids = " ".join(str(int(v) & id_mask) for v in t.hit_ids[k])
            trk.append(
                f"T {int(t.column[k])} {int(t.bin[k])} {int(t.sub[k])} {int(t.layer_mask[k])} {len(t.hit_ids[k])}"
                + (f" {ids}" if ids else "")
            )
    return _write_stages("hough", HOUGH_STAGES, (hits, masks, trk), out)


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

"""Truth for user hits: the particles table, its fields, and particle-id conventions.

fasttrack's convention
----------------------
Every hit carries a ``particle_id`` (int64): ``0`` for a noise hit, ``−1`` for a hit without
truth, and a positive id for a hit of a particle, which is then a row of the event's
particles table with the same ``particle_id``. Other tools mark their hits differently
(some use −1 for noise and number particles from 0); a :class:`ParticleIdConvention` says
how, and :func:`map_particle_ids` turns their ids into fasttrack's:

* hits whose id is the convention's ``noise`` id get 0, those with its ``no_truth`` id −1;
* every other id is a particle id. When all particle ids are positive they are kept as
  given (TrackML, ACTS and Geant4 ids are); otherwise (a tool numbering particles from 0
  or below) all of them are shifted by one constant so the smallest becomes 1, and the
  particles table keeps the tool's id in ``source_particle_id``.

Reading −1-for-noise data with fasttrack's convention would turn every hit of particle 0
into noise (the efficiency then drops from 99 % to 90 % and fakes rise from 0.6 % to 10 %
on such a sample); a particles table holding ``particle_id`` 0 or −1 is therefore refused
unless a convention says what they are, and hits that mix −1, 0 and positive ids without
a particles table give a warning.

The particles table
-------------------
One row per particle, per event (:data:`PARTICLE_FIELDS`, units in the names):

========================  ===========  =====================================================
field                     dtype        meaning
========================  ===========  =====================================================
``particle_id``           int64        required; the id its hits carry (in the tool's
                                       convention, mapped as above)
``charge``                int8         charge in e
``pt_gev``, ``p_gev``     float64      transverse and total momentum at the vertex (GeV)
``eta``, ``phi``          float64      pseudorapidity and azimuth (rad) of the direction
``tx``, ``ty``            float64      slopes dx/dz, dy/dz of the direction
``vx_mm`` ...``vz_mm``    float64      production vertex (mm)
``vertex``                int32        index of the vertex in its event
``n_hits``, ``n_layers``  int32        derived: its hits, and the distinct layers they are
                                       on; when given they must agree with the hits
``reconstructable``       bool         derived when absent: ``n_layers >=
                                       detector.mix.min_layers`` (the generator's rule)
model parameters          float64      derived when absent from the kinematics, when all
                                       that :func:`fasttrack.trackmodel.truth_parameters`
                                       needs is given (cylinders: ``charge, pt_gev, phi,
                                       eta, vz_mm``; planes: ``vx_mm, vy_mm, vz_mm, tx,
                                       ty``): ``qoverpt, phi_t, z0_mm, cot_theta`` |
                                       ``x_ref_mm`` | ``u_mm, v_mm``
``source_particle_id``    int64        written when the ids were shifted
========================  ===========  =====================================================

Only ``particle_id`` is required. What evaluation needs: ``reconstructable`` (the
efficiency's denominator), ``pt_gev`` for a ``pt_min_gev`` cut, ``pt_gev, eta, phi,
n_layers`` for efficiency curves, and the model parameters for resolutions and for
matching by parameters. Float fields must be finite. Any other field is an error naming it
(with the closest known name) unless declared with ``extra_fields``.

Example
-------
>>> import numpy as np
>>> conv = ParticleIdConvention(noise=-1, no_truth=None)  # a tool with -1 for noise
>>> hit_pid, part_pid, source = map_particle_ids(
...     np.array([0, 0, -1, 3]), np.array([0, 0, 0, 0]), np.array([0, 3]), np.array([0, 0]),
...     conv, event_number=np.array([7]), hit_offsets=np.array([0, 4]))
>>> hit_pid.tolist(), part_pid.tolist(), source.tolist()
([1, 1, 0, 4], [1, 4], [0, 3])
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .detector import Detector
from .tables import check_field_names, lookup_pairs

__all__ = [
    "FASTTRACK",
    "PARTICLE_FIELDS",
    "TRACKML",
    "ParticleIdConvention",
    "check_particle_columns",
    "derive_particle_fields",
    "map_particle_ids",
]

NOISE_ID = 0
NO_TRUTH_ID = -1


@dataclass(frozen=True)
class ParticleIdConvention:
    """How a tool marks hits that belong to no particle.

    ``noise``: the ``particle_id`` of noise hits (None: the tool has none); ``no_truth``:
    the id of hits without truth information (None: none). Every other id is a particle.
    fasttrack's own convention is ``ParticleIdConvention(noise=0, no_truth=-1)``
    (:data:`FASTTRACK`); TrackML/ACTS CSV files use 0 for noise (:data:`TRACKML`); a tool
    using −1 for noise is ``ParticleIdConvention(noise=-1, no_truth=None)``.
    """

    noise: int | None = NOISE_ID
    no_truth: int | None = NO_TRUTH_ID

    def __post_init__(self) -> None:
        for name in ("noise", "no_truth"):
            v = getattr(self, name)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, np.integer))):
                raise ValueError(f"ParticleIdConvention.{name} must be an integer or None, got {v!r}")
        if self.noise is not None and self.noise == self.no_truth:
            raise ValueError(f"ParticleIdConvention: noise and no_truth are both {self.noise}")

    def __str__(self) -> str:
        return f"noise {self.noise}, no truth {self.no_truth}"

    @property
    def reserved(self) -> tuple[int, ...]:
        """The ids that name no particle."""
        return tuple(int(v) for v in (self.noise, self.no_truth) if v is not None)


#: fasttrack's convention: 0 noise, −1 no truth
FASTTRACK = ParticleIdConvention()
#: TrackML / ACTS CSV: particle_id 0 for noise (and no "no truth" id)
TRACKML = ParticleIdConvention(noise=0, no_truth=None)

# field -> (dtype, unit or "")
KINEMATICS: dict[str, tuple[str, str]] = {
    "charge": ("int8", "e"),
    "pt_gev": ("float64", "GeV"),
    "eta": ("float64", ""),
    "phi": ("float64", "rad"),
    "p_gev": ("float64", "GeV"),
    "tx": ("float64", ""),
    "ty": ("float64", ""),
    "vx_mm": ("float64", "mm"),
    "vy_mm": ("float64", "mm"),
    "vz_mm": ("float64", "mm"),
    "vertex": ("int32", ""),
}
MODEL_PARAMS: dict[str, tuple[str, str]] = {
    "qoverpt": ("float64", "1/GeV"),
    "phi_t": ("float64", "rad"),
    "z0_mm": ("float64", "mm"),
    "cot_theta": ("float64", ""),
    "x_ref_mm": ("float64", "mm"),
    "u_mm": ("float64", "mm"),
    "v_mm": ("float64", "mm"),
}
#: every known particle field: (dtype, unit); only ``particle_id`` is required
PARTICLE_FIELDS: dict[str, tuple[str, str]] = {
    "particle_id": ("int64", ""),
    **KINEMATICS,
    "n_hits": ("int32", ""),
    "n_layers": ("int32", ""),
    "reconstructable": ("bool", ""),
    **MODEL_PARAMS,
    "source_particle_id": ("int64", ""),
}
_NEEDS = {
    "cylinder": ("charge", "pt_gev", "phi", "eta", "vz_mm"),
    "plane": ("vx_mm", "vy_mm", "vz_mm", "tx", "ty"),
}


def _where(event_number: np.ndarray, offsets: np.ndarray, i: int, what: str) -> str:
    ev = int(np.searchsorted(offsets, i, side="right") - 1)
    return f"event {int(event_number[ev])}, {what} {i - int(offsets[ev])}"


def check_particle_columns(
    cols: dict[str, np.ndarray],
    event_number: np.ndarray,
    offsets: np.ndarray,
    *,
    extra_fields: tuple[str, ...] = (),
    source: str = "particles",
) -> dict[str, np.ndarray]:
    """Validated particle columns (flat, grouped by event with ``offsets``) in canonical
    dtypes: known names only, integers where integers belong, finite floats."""
    check_field_names(cols, [*PARTICLE_FIELDS, *extra_fields], source)
    if "particle_id" not in cols:
        raise ValueError(f"{source}: missing field 'particle_id' (the id the particle's hits carry)")
    out: dict[str, np.ndarray] = {}
    for name, col in cols.items():
        if name not in PARTICLE_FIELDS:
            out[name] = col  # declared extra: kept as given
            continue
        dtype = PARTICLE_FIELDS[name][0]
        if dtype == "bool":
            if col.dtype.kind != "b":
                raise ValueError(f"{source}: field {name!r} must be boolean, got dtype {col.dtype}")
            out[name] = col.astype(bool)
        elif dtype.startswith("int"):
            if col.dtype.kind not in "iu":
                if col.dtype.kind == "f" and name == "charge" and np.all(col == np.round(col)):
                    col = col.astype(np.int64)  # integral charges given as floats (e.g. CSV readers)
                else:
                    raise ValueError(f"{source}: field {name!r} must be integer, got dtype {col.dtype}")
            info = np.iinfo(np.dtype(dtype))
            bad = (col > info.max) | ((col < info.min) if col.dtype.kind == "i" else False)
            if np.any(bad):
                i = int(np.argmax(bad))
                raise ValueError(
                    f"{source}: {_where(event_number, offsets, i, 'particle')}: field {name!r} = {col[i]} "
                    f"does not fit in {dtype}"
                )
            out[name] = col.astype(dtype)
        else:
            if col.dtype.kind not in "iuf":
                raise ValueError(f"{source}: field {name!r} must be numeric (float), got dtype {col.dtype}")
            col = col.astype(np.float64)
            bad = ~np.isfinite(col)
            if bad.any():
                i = int(np.argmax(bad))
                raise ValueError(
                    f"{source}: {_where(event_number, offsets, i, 'particle')}: field {name!r} = {col[i]} is not finite"
                )
            out[name] = col
    if "pt_gev" in out and np.any(out["pt_gev"] <= 0):
        i = int(np.argmax(out["pt_gev"] <= 0))
        raise ValueError(
            f"{source}: {_where(event_number, offsets, i, 'particle')}: field 'pt_gev' = {out['pt_gev'][i]} must be > 0"
        )
    return out


def map_particle_ids(
    hit_pid: np.ndarray,
    hit_event: np.ndarray,
    part_pid: np.ndarray | None,
    part_event: np.ndarray | None,
    convention: ParticleIdConvention | None,
    *,
    event_number: np.ndarray,
    hit_offsets: np.ndarray,
    part_offsets: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """The hits' and particles' ids in fasttrack's convention, and the tool's ids of the
    particles when they had to be shifted (else None). See the module docstring.

    ``hit_event``, ``part_event``: the event *index* of each hit / particle (rows grouped
    by event, ``hit_offsets`` / ``part_offsets`` their starts); ``event_number``: the
    labels used in the errors.
    """
    explicit = convention is not None
    conv = convention if convention is not None else FASTTRACK
    hit_pid = hit_pid.astype(np.int64)
    noise = hit_pid == conv.noise if conv.noise is not None else np.zeros(len(hit_pid), bool)
    no_truth = hit_pid == conv.no_truth if conv.no_truth is not None else np.zeros(len(hit_pid), bool)
    real = ~(noise | no_truth)
    if part_pid is not None:
        assert part_event is not None
        if part_offsets is None:
            part_offsets = np.concatenate([[0], np.cumsum(np.bincount(part_event, minlength=len(event_number)))])
        part_pid = part_pid.astype(np.int64)
        for rid in conv.reserved:
            bad = part_pid == rid
            if bad.any():
                i = int(np.argmax(bad))
                role = "noise" if rid == conv.noise else "no-truth"
                hint = (
                    " (if your tool numbers particles from 0 or marks noise otherwise, give "
                    "pid_convention=ParticleIdConvention(noise=..., no_truth=...))"
                    if not explicit
                    else ""
                )
                raise ValueError(
                    f"particles: {_where(event_number, part_offsets, i, 'particle')}: particle_id = {rid} is the "
                    f"{role} id of the particle-id convention ({conv}){hint}"
                )
        order = np.lexsort((part_pid, part_event))
        dup = (np.diff(part_pid[order]) == 0) & (np.diff(part_event[order]) == 0)
        if dup.any():
            i = int(order[int(np.argmax(dup)) + 1])
            raise ValueError(
                f"particles: {_where(event_number, part_offsets, i, 'particle')}: particle_id = {part_pid[i]} "
                "is used twice in the event"
            )
        idx = lookup_pairs(part_event, part_pid, hit_event[real], hit_pid[real])
        if (idx < 0).any():
            i = int(np.flatnonzero(real)[int(np.argmax(idx < 0))])
            ev = int(hit_event[i])
            raise ValueError(
                f"hits: {_where(event_number, hit_offsets, i, 'hit')}: particle_id = {hit_pid[i]} is not a "
                f"particle of event {int(event_number[ev])} (the particles table has "
                f"{int(np.sum(part_event == ev))} there; particle-id convention: {conv})"
            )
    elif not explicit and noise.any() and no_truth.any() and real.any():
        warnings.warn(
            "the hits carry particle_id 0 (noise), -1 (no truth) and positive ids: if your tool marks noise "
            "with -1 and numbers particles from 0, give pid_convention=ParticleIdConvention(noise=-1, "
            "no_truth=None), else the hits of particle 0 count as noise",
            UserWarning,
            stacklevel=3,
        )
    ids = [hit_pid[real]] + ([part_pid] if part_pid is not None else [])
    all_ids = np.concatenate(ids) if ids else np.zeros(0, np.int64)
    source: np.ndarray | None = None
    shift = 0
    if len(all_ids) and int(all_ids.min()) <= 0:
        shift = 1 - int(all_ids.min())
        if int(all_ids.max()) > np.iinfo(np.int64).max - shift:
            raise ValueError(
                f"particle ids span [{int(all_ids.min())}, {int(all_ids.max())}]: shifting them to positive "
                "ids (fasttrack reserves 0 and -1) would overflow int64"
            )
    out_hits = np.where(real, hit_pid + shift, np.where(noise, NOISE_ID, NO_TRUTH_ID)).astype(np.int64)
    out_parts = None
    if part_pid is not None:
        out_parts = part_pid + shift
        if shift:
            source = part_pid
    return out_hits, out_parts, source


def derive_particle_fields(
    detector: Detector,
    cols: dict[str, np.ndarray],
    part_event: np.ndarray,
    hit_event: np.ndarray,
    hit_pid: np.ndarray,
    hit_layer: np.ndarray,
    *,
    event_number: np.ndarray,
    part_offsets: np.ndarray,
) -> dict[str, np.ndarray]:
    """``n_hits``, ``n_layers``, ``reconstructable`` and the model parameters of the
    particles (``cols`` already in fasttrack ids), in the generator's field order."""
    from .trackmodel import truth_parameters

    n_p = len(cols["particle_id"])
    real = hit_pid > 0
    gp = lookup_pairs(part_event, cols["particle_id"], hit_event[real], hit_pid[real])
    n_hits = np.bincount(gp, minlength=n_p).astype(np.int32)
    stride = detector.n_layers
    pairs = np.unique(gp * stride + hit_layer[real].astype(np.int64))
    n_layers = np.bincount(pairs // stride, minlength=n_p).astype(np.int32)
    for name, derived in (("n_hits", n_hits), ("n_layers", n_layers)):
        if name in cols and not np.array_equal(cols[name], derived):
            i = int(np.argmax(cols[name] != derived))
            raise ValueError(
                f"particles: {_where(event_number, part_offsets, i, 'particle')} (particle_id "
                f"{int(cols['particle_id'][i])}): field {name!r} = {int(cols[name][i])} but its hits give "
                f"{int(derived[i])} ({name} is derived from the hits: leave it out)"
            )
    out: dict[str, np.ndarray] = {"particle_id": cols["particle_id"]}
    out |= {k: cols[k] for k in KINEMATICS if k in cols}
    out["n_hits"], out["n_layers"] = n_hits, n_layers
    out["reconstructable"] = (
        cols["reconstructable"] if "reconstructable" in cols else n_layers >= detector.mix.min_layers
    )
    params = {k: cols[k] for k in MODEL_PARAMS if k in cols}
    if all(k in cols for k in _NEEDS[detector.kind]):
        derived_params = truth_parameters(detector, {k: cols[k].astype(np.float64) for k in KINEMATICS if k in cols})
        params = {k: v.astype(np.float64) for k, v in derived_params.items()} | params
    out |= params
    out |= {k: v for k, v in cols.items() if k not in out}  # source_particle_id, declared extras
    return out

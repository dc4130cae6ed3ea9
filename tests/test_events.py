"""The event model: parquet round trip, user input in every form, every validation error."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import awkward as ak
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fasttrack import detector
from fasttrack.detector import Detector
from fasttrack.events import FORMAT_VERSION, Events, validate_hits

# a valid telescope input: event 0 has 2 hits, event 1 none, event 2 three
EVENT = np.array([0, 0, 2, 2, 2])
LAYER = np.array([0, 3, 1, 5, 7])
X = np.array([-1.5, 2.25, 0.0, 10.0, -46.0])


def flat_input(**changes: Any) -> dict[str, np.ndarray]:
    cols: dict[str, Any] = {"event": EVENT.copy(), "layer": LAYER.copy(), "x": X.copy()}
    cols.update(changes)
    return cols


def awkward_input(**changes: Any) -> ak.Array:
    """The same hits as an awkward array (3 events; field values as given)."""
    cols = flat_input(**changes)
    cols.pop("event")
    return ak.unflatten(ak.zip(cols), [2, 0, 3])


def with_value(column: np.ndarray, value: Any, index: int = 3) -> np.ndarray:
    """``column`` with entry ``index`` (event 2, hit 1) replaced, promoting the dtype if needed."""
    out = np.asarray(column).astype(np.result_type(column, np.asarray(value)))
    out[index] = value
    return out


def _with_none(field: str) -> ak.Array:
    """The valid hits with ``field`` of event 2, hit 1 set to None."""
    hits = awkward_input()
    keep = ak.Array([[True, True], [], [True, False, True]])
    return ak.zip({f: ak.mask(hits[f], keep) if f == field else hits[f] for f in hits.fields})


# --- construction from user hits ----------------------------------------------------------
def test_from_awkward() -> None:
    det = detector.telescope()
    ev = Events.from_hits(det, awkward_input())
    assert len(ev) == 3 and ev.particles is None and ev.seed is None
    np.testing.assert_array_equal(ev.n_hits, [2, 0, 3])
    assert ev.hits.fields == ["hit_id", "layer", "particle_id", "x"]
    assert str(ev.hits.type) == "3 * var * {hit_id: int32, layer: int32, particle_id: int64, x: float64}"
    assert ev.hits.hit_id.tolist() == [[0, 1], [], [0, 1, 2]]
    assert ev.hits.particle_id.tolist() == [[-1, -1], [], [-1, -1, -1]]
    assert ev.hits.x.tolist() == [[-1.5, 2.25], [], [0.0, 10.0, -46.0]]
    np.testing.assert_array_equal(ev.n_particles, 0)


def _equal_hits(a: Events, b: Events) -> None:
    assert str(a.hits.type) == str(b.hits.type)
    assert a.hits.tolist() == b.hits.tolist()


def test_from_flat_forms_agree(tmp_path: Path) -> None:
    det = detector.telescope()
    reference = Events.from_hits(det, awkward_input())  # events 0, 1 (empty), 2
    # dict with an 'event' column (n_events=3 declares the empty event 1)
    _equal_hits(Events.from_hits(det, flat_input(), n_events=3), reference)
    _equal_hits(Events.from_hits(det, flat_input(), event_numbers=[0, 1, 2]), reference)
    # numpy structured array
    rec = np.zeros(5, dtype=[("event", "i8"), ("layer", "i4"), ("x", "f8")])
    rec["event"], rec["layer"], rec["x"] = EVENT, LAYER, X
    _equal_hits(Events.from_hits(det, rec, n_events=3), reference)
    # pyarrow table
    table = pa.table(flat_input())
    _equal_hits(Events.from_hits(det, table, n_events=3), reference)
    # parquet path of a flat table (str and Path)
    path = tmp_path / "flat.parquet"
    pq.write_table(table, path)
    _equal_hits(Events.from_hits(det, path, n_events=3), reference)
    _equal_hits(Events.from_hits(det, str(path), n_events=3), reference)
    # parquet path of a per-event table with a 'hits' list column
    nested = tmp_path / "nested.parquet"
    ak.to_parquet(ak.zip({"hits": awkward_input()}, depth_limit=1), nested)
    _equal_hits(Events.from_hits(det, nested), reference)
    # without n_events, a flat table has one event per number found: 0 and 2
    found = Events.from_hits(det, path)
    assert found.event_number.tolist() == [0, 2]
    _equal_hits(found, reference[[0, 2]])
    # load() of a plain file needs the detector
    _equal_hits(Events.load(path, detector=det), reference[[0, 2]])
    with pytest.raises(ValueError, match=r"events file '.*flat\.parquet' has no fasttrack detector metadata"):
        Events.load(path)


def test_flat_hits_are_grouped_by_event_keeping_their_order() -> None:
    det = detector.telescope()
    order = np.array([2, 1, 4, 0, 3])
    ev = Events.from_hits(det, {"event": EVENT[order], "layer": LAYER[order], "x": X[order]})
    assert ev.event_number.tolist() == [0, 2]
    assert ev.hits.x.tolist() == [[2.25, -1.5], [0.0, -46.0, 10.0]]
    assert ev.hits.hit_id.tolist() == [[0, 1], [0, 1, 2]]


def test_optional_fields_and_extras_are_kept() -> None:
    det = detector.telescope()
    hits = awkward_input(
        hit_id=np.array([7, 3, 0, 1, 2]),
        particle_id=np.array([1, 0, 2, 2, 0]),
        charge_adc=np.array([10.0, 20.0, 30.0, 40.0, 50.0]),
    )
    with pytest.raises(ValueError, match=r"unknown field 'charge_adc'.*extra_fields="):
        Events.from_hits(det, hits)
    ev = Events.from_hits(det, hits, extra_fields=["charge_adc"])
    assert ev.hits.fields == ["hit_id", "layer", "particle_id", "x", "charge_adc"]
    assert ev.hits.hit_id.tolist() == [[7, 3], [], [0, 1, 2]]
    assert ev.hits.particle_id.tolist() == [[1, 0], [], [2, 2, 0]]
    assert ev.hits.charge_adc.tolist() == [[10.0, 20.0], [], [30.0, 40.0, 50.0]]
    # integer coordinates are accepted and become float64
    ev = Events.from_hits(det, awkward_input(x=np.array([1, 2, 3, 4, 5])))
    assert str(ev.hits.x.type) == "3 * var * float64"


def test_nullable_columns_without_missing_values_are_fine() -> None:
    det = detector.telescope()
    hits = awkward_input()
    nullable = ak.zip({"layer": ak.mask(hits.layer, hits.layer >= 0), "x": hits.x})
    assert "?" in str(nullable.type)
    _equal_hits(Events.from_hits(det, nullable), Events.from_hits(det, hits))


def test_empty_events_and_zero_events() -> None:
    det = detector.velo()
    empty_cols = {
        "event": np.zeros(0, np.int64),
        "layer": np.zeros(0, np.int32),
        "x": np.zeros(0),
        "y": np.zeros(0),
    }
    zero = Events.from_hits(det, empty_cols)
    assert len(zero) == 0 and zero.n_hits.tolist() == []
    assert zero.hits.fields == ["hit_id", "layer", "particle_id", "x", "y"]
    three = Events.from_hits(det, empty_cols, n_events=3)
    assert three.n_hits.tolist() == [0, 0, 0]
    # trailing empty events need n_events
    ev = Events.from_hits(detector.telescope(), flat_input(), n_events=5)
    assert ev.n_hits.tolist() == [2, 0, 3, 0, 0]
    # an awkward array of typed, empty events
    typed_empty = ak.unflatten(ak.zip({"layer": np.zeros(0, np.int64), "x": np.zeros(0)}), [0, 0])
    assert Events.from_hits(detector.telescope(), typed_empty).n_hits.tolist() == [0, 0]
    typed_zero = ak.unflatten(ak.zip({"layer": np.zeros(0, np.int64), "x": np.zeros(0)}), np.zeros(0, np.int64))
    assert len(Events.from_hits(detector.telescope(), typed_zero)) == 0
    # events without any hit carry no type: still fine
    for untyped, n in ((ak.Array([[], [], []]), 3), (ak.Array([]), 0)):
        ev = Events.from_hits(det, untyped)
        assert ev.n_hits.tolist() == [0] * n
        assert ev.hits.fields == ["hit_id", "layer", "particle_id", "x", "y"]
        assert str(ev.hits.type.content) == (
            "var * {hit_id: int32, layer: int32, particle_id: int64, x: float64, y: float64}"
        )


# --- parquet ------------------------------------------------------------------------------
def test_save_load_round_trip(preset_sample: Events, tmp_path: Path, events_equal: Callable[..., None]) -> None:
    ev = preset_sample
    path = ev.save(tmp_path / "sub" / "events.parquet")
    assert path.exists()
    back = Events.load(path)
    events_equal(back, ev)
    # a slice keeps its event numbers
    part = ev[3:7]
    back = Events.load(part.save(tmp_path / "part.parquet"))
    assert back.first_event == 3
    events_equal(back, part)
    # the hits of a saved file are also readable as user input
    again = Events.from_hits(ev.detector, path)
    assert again.hits.tolist() == ev.hits.tolist()


def test_save_load_without_truth_and_with_zero_events(tmp_path: Path, events_equal: Callable[..., None]) -> None:
    det = detector.telescope()
    ev = Events.from_hits(det, awkward_input())
    events_equal(Events.load(ev.save(tmp_path / "user.parquet")), ev)
    zero = Events.from_hits(det, flat_input(event=EVENT[:0], layer=LAYER[:0], x=X[:0]))
    assert len(Events.load(zero.save(tmp_path / "zero.parquet"))) == 0


def test_load_errors(tmp_path: Path, preset_samples: dict[str, Events]) -> None:
    with pytest.raises(ValueError, match=r"events file '.*missing\.parquet' does not exist"):
        Events.load(tmp_path / "missing.parquet")
    with pytest.raises(ValueError, match=r"hits file '.*missing\.parquet' does not exist"):
        Events.from_hits(detector.telescope(), tmp_path / "missing.parquet")
    path = preset_samples["telescope"][:3].save(tmp_path / "ev.parquet")
    table = pq.read_table(path)
    meta = json.loads(table.schema.metadata[b"fasttrack"])
    meta["format_version"] = FORMAT_VERSION + 1
    bad = tmp_path / "future.parquet"
    pq.write_table(table.replace_schema_metadata({b"fasttrack": json.dumps(meta).encode()}), bad)
    with pytest.raises(ValueError, match=f"format version {FORMAT_VERSION + 1} is not {FORMAT_VERSION}"):
        Events.load(bad)
    # validated against the given detector: telescope hits do not fit a 2-plane detector
    two = Detector(name="two", layers=detector.telescope().layers[:2], mix=detector.EventMix(min_layers=1))
    with pytest.raises(ValueError, match=r"field 'layer' = \d is not a layer of 'two' \(0..1\)"):
        Events.load(path, detector=two)


# --- validation errors --------------------------------------------------------------------
TELESCOPE_ERRORS: list[tuple[str, Callable[[], Any], str]] = [
    (
        "missing x",
        lambda: awkward_input()[["layer"]],
        r"missing field\(s\) \['x'\] for detector 'telescope'",
    ),
    (
        "layer as string",
        lambda: awkward_input(layer=LAYER.astype(str)),
        r"event 0, hit 0: field 'layer' = '0' must be integer, got dtype <U1",
    ),
    (
        "layer as bool",
        lambda: awkward_input(layer=LAYER > 2),
        r"event 0, hit 0: field 'layer' = False must be integer, got dtype bool",
    ),
    (
        "layer as float",
        lambda: awkward_input(layer=LAYER.astype(float)),
        r"event 0, hit 0: field 'layer' = 0.0 must be integer, got dtype float64",
    ),
    (
        "x as string",
        lambda: awkward_input(x=np.array(["a", "b", "c", "d", "e"])),
        r"event 0, hit 0: field 'x' = 'a' must be numeric \(float\), got dtype <U1",
    ),
    (
        "x as bool",
        lambda: awkward_input(x=X > 0),
        r"event 0, hit 0: field 'x' = False must be numeric \(float\), got dtype bool",
    ),
    (
        "x NaN",
        lambda: awkward_input(x=with_value(X, np.nan)),
        r"event 2, hit 1: field 'x' = nan is not finite",
    ),
    (
        "x inf",
        lambda: awkward_input(x=with_value(X, np.inf)),
        r"event 2, hit 1: field 'x' = inf is not finite",
    ),
    (
        "x -inf",
        lambda: awkward_input(x=with_value(X, -np.inf)),
        r"event 2, hit 1: field 'x' = -inf is not finite",
    ),
    ("x None", lambda: _with_none("x"), r"event 2, hit 1: field 'x' is missing \(None\)"),
    (
        "layer None",
        lambda: _with_none("layer"),
        r"event 2, hit 1: field 'layer' is missing \(None\)",
    ),
    (
        "layer too large",
        lambda: awkward_input(layer=with_value(LAYER, 8)),
        r"event 2, hit 1: field 'layer' = 8 is not a layer of 'telescope' \(0..7\)",
    ),
    (
        "layer negative",
        lambda: awkward_input(layer=with_value(LAYER, -1)),
        r"event 2, hit 1: field 'layer' = -1 is not a layer of 'telescope'",
    ),
    (
        "layer wraps in int32",
        lambda: awkward_input(layer=with_value(LAYER, 2**32 + 1)),
        r"event 2, hit 1: field 'layer' = 4294967297 does not fit in int32",
    ),
    (
        "x outside",
        lambda: awkward_input(x=with_value(X, 47.0)),
        r"event 2, hit 1: field 'x' = 47 is outside layer 5 \(x in \[-46.848, 46.848\] mm\)",
    ),
    (
        "duplicate hit_id",
        lambda: awkward_input(hit_id=np.array([0, 1, 4, 5, 4])),
        r"event 2, hit 2: field 'hit_id' = 4 is used twice in the event",
    ),
    (
        "negative hit_id",
        lambda: awkward_input(hit_id=np.array([0, 1, 0, -3, 2])),
        r"event 2, hit 1: field 'hit_id' = -3 is negative",
    ),
    (
        "hit_id as float",
        lambda: awkward_input(hit_id=np.array([0.0, 1, 0, 1, 2])),
        r"event 0, hit 0: field 'hit_id' = 0.0 must be integer",
    ),
    (
        "particle_id as string",
        lambda: awkward_input(particle_id=np.array(["p"] * 5)),
        r"event 0, hit 0: field 'particle_id' = 'p' must be integer",
    ),
    (
        "ragged field",
        lambda: ak.zip(
            {
                "layer": awkward_input().layer,
                "x": ak.unflatten(ak.Array([[1.0], [2.0, 3.0], [], [4.0], [5.0]]), [2, 0, 3]),
            },
            depth_limit=2,
        ),
        r"field 'x' is not a flat numeric column",
    ),
    (
        "not records",
        lambda: ak.Array([[1.0, 2.0], []]),
        r"expected events of hit records \(type N \* var \* \{field, ...\}\)",
    ),
    (
        "flat float event",
        lambda: flat_input(event=EVENT.astype(float)),
        r"field 'event' must be integer, got dtype float64",
    ),
    ("flat without event", lambda: {"layer": LAYER, "x": X}, r"flat hits need an 'event' column"),
    (
        "flat NaN",
        lambda: flat_input(x=with_value(X, np.nan)),
        r"event 2, hit 1: field 'x' = nan is not finite",
    ),
    ("unknown type", lambda: [[{"layer": 0, "x": 1.0}]], r"hits of type list not understood"),
]


@pytest.mark.parametrize(
    ("make", "message"),
    [(m, msg) for _, m, msg in TELESCOPE_ERRORS],
    ids=[name for name, _, _ in TELESCOPE_ERRORS],
)
def test_validation_errors_telescope(make: Callable[[], Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Events.from_hits(detector.telescope(), make())


def test_n_events_below_the_hits() -> None:
    with pytest.raises(ValueError, match="n_events=2 but the hits reach event 2"):
        Events.from_hits(detector.telescope(), flat_input(), n_events=2)


def _velo_hits(x: float, y: float) -> ak.Array:
    return ak.Array(
        [
            [{"layer": 0, "x": 10.0, "y": 10.0}],
            [{"layer": 2, "x": -7.0, "y": 3.0}, {"layer": 3, "x": x, "y": y}],
        ]
    )


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        (
            1.0,
            -2.0,
            r"event 1, hit 1: \(x, y\) = \(1, -2\) mm lies in the beam hole of layer 3 "
            r"\(\|x\|, \|y\| < 5.1 mm\)",
        ),
        (-5.0, 5.0, r"event 1, hit 1: \(x, y\) = \(-5, 5\) mm lies in the beam hole of layer 3"),
        (
            1.0,
            43.0,
            r"event 1, hit 1: field 'y' = 43 is outside layer 3 \(y in \[-42.57, 42.57\] mm\)",
        ),
        (-50.0, 0.0, r"event 1, hit 1: field 'x' = -50 is outside layer 3"),
        (1.0, np.nan, r"event 1, hit 1: field 'y' = nan is not finite"),
    ],
)
def test_validation_errors_velo(x: float, y: float, message: str) -> None:
    det = detector.velo()
    Events.from_hits(det, _velo_hits(6.0, 0.0))  # just outside the hole is fine
    with pytest.raises(ValueError, match=message):
        Events.from_hits(det, _velo_hits(x, y))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "phi",
            0.5,
            r"event 0, hit 1: field 'phi' = 0.5 is outside layer 1 "
            r"\(phi in \[-0.20944, 0.2094\d*\] rad\)",
        ),
        (
            "z",
            -1300.0,
            r"event 0, hit 1: field 'z' = -1300 is outside layer 1 \(z in \[-1200, 1200\] mm\)",
        ),
        ("bend_qoverpt", np.inf, r"event 0, hit 1: field 'bend_qoverpt' = inf is not finite"),
        ("layer", 6, r"event 0, hit 1: field 'layer' = 6 is not a layer of 'barrel' \(0..5\)"),
    ],
)
def test_validation_errors_barrel(field: str, value: float, message: str) -> None:
    det = detector.barrel()
    good = {"layer": 0, "phi": 0.1, "z": 10.0, "bend_qoverpt": 0.2}
    Events.from_hits(det, ak.Array([[good, {**good, "layer": 1}]]))
    with pytest.raises(ValueError, match=message):
        Events.from_hits(det, ak.Array([[good, {**good, "layer": 1, field: value}]]))


def test_barrel_accepts_the_centre_of_the_last_strip(preset_samples: dict[str, Events]) -> None:
    det = detector.barrel()
    lay = det.layers[0]
    assert isinstance(lay, detector.CylinderLayer)
    last_centre = lay.phi_min + (lay.n_strips_phi - 0.5) * lay.pitch_phi
    assert last_centre > lay.phi_max  # the strips overhang the sector
    hit = {"layer": 0, "phi": last_centre, "z": 0.0, "bend_qoverpt": 0.0}
    Events.from_hits(det, ak.Array([[hit]]))
    with pytest.raises(ValueError, match="field 'phi'"):
        Events.from_hits(det, ak.Array([[{**hit, "phi": last_centre + lay.pitch_phi}]]))


# --- container protocol -------------------------------------------------------------------
def test_slicing(preset_samples: dict[str, Events]) -> None:
    ev = preset_samples["telescope"]
    n = len(ev)
    sub = ev[2:5]
    assert len(sub) == 3 and sub.first_event == 2 and sub.seed == ev.seed
    assert sub.detector is ev.detector
    assert sub.hits.tolist() == ev.hits[2:5].tolist()
    assert sub.particles is not None and ev.particles is not None
    assert sub.particles.tolist() == ev.particles[2:5].tolist()
    one = ev[0]
    assert len(one) == 1 and one.first_event == 0
    assert one.hits.tolist() == ev.hits[0:1].tolist()
    last = ev[-1]
    assert last.first_event == n - 1 and last.hits.tolist() == ev.hits[n - 1 :].tolist()
    assert ev[np.int64(4)].first_event == 4
    assert ev[-3:].first_event == n - 3
    assert ev[2:5][1:2].first_event == 3
    assert len(ev[ev.n_hits > 30]) == int(np.sum(ev.n_hits > 30))
    for bad in (n, -n - 1):
        with pytest.raises(IndexError, match=f"event {bad} out of range for {n} events"):
            ev[bad]


def test_summaries(preset_samples: dict[str, Events]) -> None:
    ev = preset_samples["telescope"]
    assert repr(ev) == f"<Events telescope: {len(ev)} events, {int(ev.n_hits.sum())} hits, with truth>"
    stats = ev.stats()
    assert stats["events"] == len(ev)
    assert stats["hits_per_event"] == pytest.approx(ev.n_hits.mean())
    assert stats["particles_per_event"] == pytest.approx(ev.n_particles.mean())
    assert ev.particles is not None
    assert stats["reconstructable_per_event"] == pytest.approx(float(ak.sum(ev.particles.reconstructable)) / len(ev))
    assert stats["noise_hits_per_event"] == pytest.approx(float(ak.sum(ev.hits.particle_id == 0)) / len(ev))
    offsets, cols = ev.flat_hits()
    assert offsets[0] == 0 and offsets[-1] == len(cols["x"]) and np.all(np.diff(offsets) == ev.n_hits)
    assert set(cols) == {"hit_id", "layer", "particle_id", "x"}
    user = Events.from_hits(ev.detector, awkward_input())
    assert "no truth" in repr(user)
    assert set(user.stats()) == {"events", "hits_per_event"}


def test_validate_hits_needs_an_awkward_array() -> None:
    with pytest.raises(ValueError, match="my hits: expected an awkward array, got list"):
        validate_hits(detector.telescope(), [[{"layer": 0, "x": 1.0}]], source="my hits")

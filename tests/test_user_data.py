"""A user's own data (issue 15, points 3, 4 and the event-side errors of 8): event numbers
are labels kept through every output; truth particles for user hits with particle-id
conventions; unknown fields, uneven columns and files without metadata are errors."""

from __future__ import annotations

import tracemalloc
from pathlib import Path
from typing import Any

import awkward as ak
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fasttrack import detector, metrics, truthtrack
from fasttrack.events import FASTTRACK, TRACKML, Events, ParticleIdConvention
from fasttrack.hough import Hough, HoughConfig
from fasttrack.retina import Retina, RetinaConfig
from fasttrack.study import study
from fasttrack.tables import as_columns
from fasttrack.truth import PARTICLE_FIELDS

TELESCOPE = detector.telescope()
# the kinematics a generator or simulation knows; the rest is derived by from_hits
KINEMATICS = ("particle_id", "charge", "pt_gev", "eta", "phi", "p_gev", "tx", "ty", "vx_mm", "vy_mm", "vz_mm", "vertex")


def flat_tables(ev: Events, labels: np.ndarray | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The hits and (kinematics-only) particles of ``ev`` as flat tables with an event column."""
    assert ev.particles is not None
    labels = ev.event_number if labels is None else np.asarray(labels)
    hits = {"event": np.repeat(labels, ev.n_hits)}
    hits |= {f: ak.to_numpy(ak.flatten(ev.hits[f])) for f in ev.hits.fields}
    parts = {"event": np.repeat(labels, ev.n_particles)}
    parts |= {f: ak.to_numpy(ak.flatten(ev.particles[f])) for f in KINEMATICS}
    return hits, parts


@pytest.fixture(scope="module")
def sample() -> Events:
    from fasttrack import generate

    return generate.generate(TELESCOPE, 60, seed=5, progress=False)


# ------------------------------------------------------------------------------------------
# point 3: event numbers are labels
# ------------------------------------------------------------------------------------------
def test_sparse_unordered_labels_from_a_flat_table() -> None:
    hits = {
        "event": np.array([10**9, -3, 2**62, 10**9, 5_000_000, -3]),
        "layer": np.array([0, 1, 2, 3, 4, 5]),
        "x": np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0]),
    }
    ev = Events.from_hits(TELESCOPE, hits)
    # one event per number found, in increasing order of the number; hit order kept inside
    assert ev.event_number.dtype == np.int64
    assert ev.event_number.tolist() == [-3, 5_000_000, 10**9, 2**62]
    assert ev.hits.x.tolist() == [[1.0, 5.0], [4.0], [0.0, 3.0], [2.0]]
    assert ev.first_event == -3
    with pytest.raises(ValueError, match="read-only"):
        ev.event_number[0] = 1


def test_memory_follows_hits_not_the_largest_event_number() -> None:
    hits = {"event": np.array([10**18, 0]), "layer": np.array([0, 1]), "x": np.array([0.0, 1.0])}
    tracemalloc.start()
    try:
        ev = Events.from_hits(TELESCOPE, hits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(ev) == 2 and ev.event_number.tolist() == [0, 10**18]
    # a dense numbering would need 8e18 bytes; a few MB of bookkeeping is all it takes
    assert peak < 20e6, f"peak {peak / 1e6:.1f} MB for two hits"


def test_declared_events_their_order_and_errors() -> None:
    hits = {"event": np.array([7, 100, 7]), "layer": np.array([0, 1, 2]), "x": np.array([0.0, 1.0, 2.0])}
    ev = Events.from_hits(TELESCOPE, hits, event_numbers=[100, 5, 7])
    assert ev.event_number.tolist() == [100, 5, 7]
    assert ev.n_hits.tolist() == [1, 0, 2]
    with pytest.raises(ValueError, match=r"hits: hit 1 has event 100, which is not among the events listed"):
        Events.from_hits(TELESCOPE, hits, event_numbers=[7, 8])
    with pytest.raises(ValueError, match="event_numbers lists event 7 twice"):
        Events.from_hits(TELESCOPE, hits, event_numbers=[7, 100, 7])
    with pytest.raises(ValueError, match="give n_events or event_numbers, not both"):
        Events.from_hits(TELESCOPE, hits, n_events=3, event_numbers=[7, 100])
    with pytest.raises(ValueError, match=r"n_events=3 but the hits reach event 7 \(hit 0\)"):
        Events.from_hits(TELESCOPE, hits, n_events=3)
    with pytest.raises(ValueError, match="field 'event' must be integer, got dtype float64"):
        Events.from_hits(TELESCOPE, {**hits, "event": hits["event"].astype(float)})
    # an awkward array: numbered 0..N-1, or as given
    arr = ak.Array([[{"layer": 0, "x": 1.0}], []])
    assert Events.from_hits(TELESCOPE, arr).event_number.tolist() == [0, 1]
    assert Events.from_hits(TELESCOPE, arr, event_numbers=[-1, 99]).event_number.tolist() == [-1, 99]
    with pytest.raises(ValueError, match="event_numbers has 3 entries for 2 events of hits"):
        Events.from_hits(TELESCOPE, arr, event_numbers=[1, 2, 3])
    with pytest.raises(ValueError, match="event_number has 1 entries for 2 events"):
        Events(TELESCOPE, Events.from_hits(TELESCOPE, arr).hits, event_number=[1])


def test_errors_name_the_event_number() -> None:
    hits = {"event": np.array([42, 10**12]), "layer": np.array([0, 9]), "x": np.array([0.0, 1.0])}
    with pytest.raises(ValueError, match=r"event 1000000000000, hit 0: field 'layer' = 9 is not a layer"):
        Events.from_hits(TELESCOPE, hits)
    ev = Events.from_hits(TELESCOPE, {**hits, "layer": np.array([0, 1])})
    with pytest.raises(ValueError, match=r"event 1000000000000, track 0: hit_id 5 is not a hit of the event"):
        metrics.match_tracks_by_hits(ev, ak.Array([[], [{"hit_ids": [5]}]]))


def test_labels_kept_by_subsamples_and_parquet(sample: Events, tmp_path: Path) -> None:
    labels = np.arange(len(sample), dtype=np.int64)[::-1] * 1_000_003 + 2**40
    ev = Events(sample.detector, sample.hits, sample.particles, sample.seed, event_number=labels)
    assert ev[3].event_number.tolist() == [labels[3]]
    assert ev[-1].event_number.tolist() == [labels[-1]]
    assert ev[2:9:3].event_number.tolist() == labels[2:9:3].tolist()
    mask = ev.n_hits > np.median(ev.n_hits)
    assert ev[mask].event_number.tolist() == labels[mask].tolist()
    assert ev[np.array([5, 1])].event_number.tolist() == [labels[5], labels[1]]
    pick = ev.select([labels[7], labels[0]])
    assert pick.event_number.tolist() == [labels[7], labels[0]]
    assert pick.hits.tolist() == ev.hits[[7, 0]].tolist()
    with pytest.raises(ValueError, match="entry 0 has event 12, which is not among the events"):
        ev.index_of(12)
    back = Events.load(ev[mask].save(tmp_path / "ev.parquet"))
    assert back.event_number.tolist() == labels[mask].tolist()
    assert back.particles is not None and back.particles.tolist() == ev[mask].particles.tolist()  # type: ignore[union-attr]
    # a saved file read as user input keeps its numbers and its particles
    again = Events.from_hits(ev.detector, tmp_path / "ev.parquet")
    assert again.event_number.tolist() == labels[mask].tolist()
    assert again.particles is not None and again.particles.tolist() == back.particles.tolist()


def test_finder_outputs_and_metrics_carry_the_labels(sample: Events) -> None:
    labels = np.array([(-1) ** i * (i * 10**15 + 1) for i in range(len(sample))], dtype=np.int64)
    ev = Events(sample.detector, sample.hits, sample.particles, sample.seed, event_number=labels)
    for finder in (Retina(RetinaConfig.for_detector(TELESCOPE)), Hough(HoughConfig.for_detector(TELESCOPE))):
        out = finder.run(ev, "fixed")
        np.testing.assert_array_equal(out.event_number, labels)
        table = out.track_table()
        n = ak.num(out.tracks, axis=1).to_numpy()
        assert table.column("event").to_pylist() == np.repeat(labels, n).tolist()
        assert table.num_rows == int(n.sum()) and "hit_ids" in table.column_names
        perf = metrics.evaluate(ev, out.tracks)
        plain = metrics.evaluate(sample, out.tracks)
        # the same counts as with dense numbers; the per-particle table names the labels
        assert perf.n_matched_particles == plain.n_matched_particles > 0
        np.testing.assert_array_equal(perf.particles["event"], labels[plain.particles["event"]])
    s = study("retina", ev)
    assert s["fixed"]["overflow_event_numbers"] == []  # a list of labels (none overflow here)


def test_overflowing_events_are_named_by_number(sample: Events) -> None:
    labels = np.arange(len(sample), dtype=np.int64) + 10**10
    ev = Events(sample.detector, sample.hits, sample.particles, sample.seed, event_number=labels)
    cfg = RetinaConfig.for_detector(TELESCOPE, max_hits=8)
    out = Retina(cfg).run(ev, "fixed")
    assert out.hit_overflow.any()
    assert out.overflow_event_numbers.tolist() == labels[out.hit_overflow | out.track_overflow].tolist()


def test_generated_first_event_still_numbers_the_events() -> None:
    from fasttrack import generate

    ev = generate.generate(TELESCOPE, 3, seed=1, first_event=50, progress=False)
    assert ev.first_event == 50 and ev.event_number.tolist() == [50, 51, 52]
    assert ev[1:].first_event == 51


# ------------------------------------------------------------------------------------------
# point 4: truth for user hits
# ------------------------------------------------------------------------------------------
def test_particles_from_kinematics_derive_what_generation_gives(sample: Events) -> None:
    """User particles with only the kinematics get the generator's n_hits, n_layers,
    reconstructable and model parameters, exactly."""
    hits, parts = flat_tables(sample)
    ev = Events.from_hits(TELESCOPE, hits, particles=parts, n_events=len(sample))
    assert ev.particles is not None and sample.particles is not None
    assert ev.particles.fields == sample.particles.fields
    for f in sample.particles.fields:
        a = ak.to_numpy(ak.flatten(ev.particles[f]))
        b = ak.to_numpy(ak.flatten(sample.particles[f]))
        assert a.dtype == b.dtype, f
        np.testing.assert_array_equal(a, b, err_msg=f)
    assert ev.hits.tolist() == sample.hits.tolist()
    tracks = truthtrack.find(ev)
    assert metrics.evaluate(ev, tracks).to_dict() == metrics.evaluate(sample, tracks).to_dict()


def test_minimal_particles_and_given_reconstructable() -> None:
    m = TELESCOPE.mix.min_layers
    hits = {
        "event": np.array([3] * (m + 2) + [9]),
        "layer": np.array([*range(m), 0, m, 0]),
        "x": np.zeros(m + 3),
        "particle_id": np.array([8] * (m + 1) + [0, 2]),
    }
    ev = Events.from_hits(TELESCOPE, hits, particles={"event": [3, 9, 11], "particle_id": [8, 2, 1]})
    assert ev.event_number.tolist() == [3, 9, 11]  # event 11 has a particle and no hit
    assert ev.particles is not None
    assert ev.particles.fields == ["particle_id", "n_hits", "n_layers", "reconstructable"]
    assert ev.particles.n_hits.tolist() == [[m + 1], [1], [0]]
    assert ev.particles.n_layers.tolist() == [[m], [1], [0]]  # distinct layers
    assert ev.particles.reconstructable.tolist() == [[True], [False], [False]]  # n_layers >= min_layers
    given = Events.from_hits(
        TELESCOPE, hits, particles={"event": [3, 9], "particle_id": [8, 2], "reconstructable": [False, True]}
    )
    assert given.particles is not None and given.particles.reconstructable.tolist() == [[False], [True]]
    perf = metrics.evaluate(given, ak.Array([[], []]))
    assert perf.n_particles == 1


def tool_convention(ev: Events) -> tuple[dict[str, Any], dict[str, Any]]:
    """``ev`` as a tool writes it that marks noise with −1 and numbers particles from 0."""
    hits, parts = flat_tables(ev)
    hits["particle_id"] = hits["particle_id"] - 1
    parts["particle_id"] = parts["particle_id"] - 1
    return hits, parts


def test_another_tools_convention_is_mapped(sample: Events) -> None:
    hits, parts = tool_convention(sample)
    # read with fasttrack's convention, particle 0 would be noise: refused, saying what to do
    with pytest.raises(ValueError, match=r"particle_id = 0 is the noise id .* give pid_convention="):
        Events.from_hits(TELESCOPE, hits, particles=parts, n_events=len(sample))
    conv = ParticleIdConvention(noise=-1, no_truth=None)
    ev = Events.from_hits(TELESCOPE, hits, particles=parts, n_events=len(sample), pid_convention=conv)
    assert ev.particles is not None and sample.particles is not None
    # ids shifted to fasttrack's (smallest 1), the tool's kept beside them
    assert ev.hits.particle_id.tolist() == sample.hits.particle_id.tolist()
    assert ev.particles.particle_id.tolist() == sample.particles.particle_id.tolist()
    assert (ev.particles.source_particle_id + 1).tolist() == sample.particles.particle_id.tolist()
    tracks = Retina(RetinaConfig.for_detector(TELESCOPE)).find(ev)
    mapped, truth = metrics.evaluate(ev, tracks), metrics.evaluate(sample, tracks)
    assert (mapped.efficiency, mapped.fake_rate) == (truth.efficiency, truth.fake_rate)
    # without a particles table the mix of ids is suspicious: a warning says what to do
    no_parts = {k: v for k, v in hits.items()}
    with pytest.warns(UserWarning, match=r"ParticleIdConvention\(noise=-1"):
        Events.from_hits(TELESCOPE, no_parts)
    mapped_hits = Events.from_hits(TELESCOPE, no_parts, pid_convention=conv, n_events=len(sample))
    assert mapped_hits.hits.particle_id.tolist() == sample.hits.particle_id.tolist()


def test_the_mislabelling_the_convention_prevents(sample: Events) -> None:
    """What −1-for-noise data did before: particle 0's hits counted as noise."""
    hits, _ = tool_convention(sample)
    with pytest.warns(UserWarning):
        wrong = Events.from_hits(TELESCOPE, hits, n_events=len(sample))
    n_particle0 = int(np.sum(hits["particle_id"] == 0))
    assert n_particle0 > 0
    assert int(ak.sum(wrong.hits.particle_id == 0)) == n_particle0  # particle 0 became noise


def test_64_bit_particle_ids_are_kept(sample: Events) -> None:
    hits, parts = flat_tables(sample)
    big = np.int64(4503668346847232)  # a TrackML-sized id
    hits["particle_id"] = np.where(hits["particle_id"] > 0, hits["particle_id"] + big, 0)
    parts["particle_id"] = parts["particle_id"] + big
    ev = Events.from_hits(TELESCOPE, hits, particles=parts, n_events=len(sample), pid_convention=TRACKML)
    assert ev.particles is not None and int(ak.min(ev.particles.particle_id)) == big + 1
    assert "source_particle_id" not in ev.particles.fields  # positive ids are kept as given
    tracks = truthtrack.find(ev)
    assert int(ak.max(tracks.particle_id)) > 2**40
    perf = metrics.evaluate(ev, tracks)
    assert perf.efficiency == 1.0 and perf.n_fake_tracks == 0
    assert metrics.match_tracks_by_hits(ev, tracks).tolist() == tracks.particle_id.tolist()


def test_conventions() -> None:
    assert (FASTTRACK.noise, FASTTRACK.no_truth) == (0, -1)
    assert (TRACKML.noise, TRACKML.no_truth) == (0, None)
    with pytest.raises(ValueError, match="noise and no_truth are both 3"):
        ParticleIdConvention(3, 3)
    with pytest.raises(ValueError, match="noise must be an integer or None, got 'x'"):
        ParticleIdConvention("x", None)  # type: ignore[arg-type]
    # a no-truth id maps to -1, noise to 0
    hits = {"event": [0, 0, 0], "layer": [0, 1, 2], "x": [0.0, 0.0, 0.0], "particle_id": [-99, 7, 5]}
    ev = Events.from_hits(TELESCOPE, hits, pid_convention=ParticleIdConvention(noise=-99, no_truth=7))
    assert ev.hits.particle_id.tolist() == [[0, -1, 5]]


# --- truth errors -------------------------------------------------------------------------
HITS = {
    "event": np.array([5, 5, 5, 8]),
    "layer": np.array([0, 1, 2, 0]),
    "x": np.zeros(4),
    "particle_id": np.array([1, 1, 0, 2]),
}
PARTS = {"event": np.array([5, 8]), "particle_id": np.array([1, 2]), "pt_gev": np.array([2.0, 3.0])}


def _parts(**changes: Any) -> dict[str, Any]:
    return {**PARTS, **changes}


TRUTH_ERRORS: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    (
        "hit of an absent particle",
        {},
        _parts(particle_id=np.array([1, 3])),
        r"hits: event 8, hit 0: particle_id = 2 is not a particle of event 8",
    ),
    ("particles without hit truth", {"particle_id": None}, PARTS, r"the hits carry no 'particle_id'"),
    (
        "misspelt particle field",
        {},
        {**PARTS, "pt_gve": np.ones(2)},
        r"particles: unknown field 'pt_gve' \(did you mean 'pt_gev'\?\)",
    ),
    (
        "unknown particle field",
        {},
        {**PARTS, "colour": np.ones(2)},
        r"particles: unknown field 'colour'; known fields: \[",
    ),
    (
        "misspelt hit field",
        {"particle_id": None, "partcle_id": HITS["particle_id"]},
        {},
        r"hits: unknown field 'partcle_id' \(did you mean 'particle_id'\?\)",
    ),
    (
        "hit field of another detector",
        {"y": np.zeros(4)},
        {},
        r"hits: unknown field 'y'.*detector 'telescope' measures \['x'\]",
    ),
    ("particles without ids", {}, {"event": [5], "pt_gev": [1.0]}, r"particles: missing field 'particle_id'"),
    (
        "particles without events",
        {},
        {"particle_id": [1, 2]},
        r"flat particles need an 'event' column",
    ),
    (
        "duplicate particle",
        {},
        _parts(event=np.array([5, 5]), particle_id=np.array([1, 1])),
        r"particles: event 5, particle 1: particle_id = 1 is used twice in the event",
    ),
    (
        "particle float id",
        {},
        _parts(particle_id=np.array([1.0, 2.0])),
        r"particles: field 'particle_id' must be integer, got dtype float64",
    ),
    (
        "particle pt NaN",
        {},
        _parts(pt_gev=np.array([2.0, np.nan])),
        r"particles: event 8, particle 0: field 'pt_gev' = nan is not finite",
    ),
    (
        "particle pt zero",
        {},
        _parts(pt_gev=np.array([0.0, 1.0])),
        r"particles: event 5, particle 0: field 'pt_gev' = 0.0 must be > 0",
    ),
    (
        "reconstructable not bool",
        {},
        _parts(reconstructable=np.array([1, 0])),
        r"field 'reconstructable' must be boolean, got dtype int64",
    ),
    (
        "n_layers disagrees",
        {},
        _parts(n_layers=np.array([2, 5])),
        r"event 8, particle 0 \(particle_id 2\): field 'n_layers' = 5 but its hits give 1",
    ),
    (
        "particle of an unlisted event",
        {"__events__": [5, 8]},
        _parts(event=np.array([5, 6])),
        r"particles: particle 1 has event 6, which is not among the events listed",
    ),
    (
        "particle uneven columns",
        {},
        _parts(pt_gev=np.array([1.0])),
        r"particles: columns have different lengths \('event': 2, 'particle_id': 2, 'pt_gev': 1\); "
        r"column\(s\) \['pt_gev'\] differ from the 2 rows",
    ),
    (
        "hits uneven columns",
        {"x": np.zeros(3)},
        {},
        r"hits: columns have different lengths \('event': 4, 'layer': 4, 'x': 3, 'particle_id': 4\); "
        r"column\(s\) \['x'\] differ from the 4 rows of the others",
    ),
    (
        "hit particle id beyond int64",
        {"particle_id": np.array([1, 1, 0, 2**63], dtype=np.uint64)},
        {},
        r"event 8, hit 0: field 'particle_id' = 9223372036854775808 does not fit in int64",
    ),
]


@pytest.mark.parametrize(
    ("hit_changes", "parts", "message"),
    [(h, p, m) for _, h, p, m in TRUTH_ERRORS],
    ids=[name for name, *_ in TRUTH_ERRORS],
)
def test_truth_errors(hit_changes: dict[str, Any], parts: dict[str, Any], message: str) -> None:
    changes = dict(hit_changes)
    event_numbers = changes.pop("__events__", None)  # declared events, where a case needs them
    hits = {k: v for k, v in {**HITS, **changes}.items() if v is not None}
    with pytest.raises(ValueError, match=message):
        Events.from_hits(TELESCOPE, hits, particles=parts or None, event_numbers=event_numbers)


def test_the_valid_truth_input_passes() -> None:
    """The base of TRUTH_ERRORS is valid, so each error above comes from its one change."""
    ev = Events.from_hits(TELESCOPE, HITS, particles=PARTS)
    assert ev.particles is not None and ev.particles.n_hits.tolist() == [[2], [1]]
    assert Events.from_hits(TELESCOPE, HITS, particles=PARTS, event_numbers=[5, 8]).event_number.tolist() == [5, 8]
    kept = Events.from_hits(TELESCOPE, HITS, particles={**PARTS, "colour": np.ones(2)}, extra_fields=["colour"])
    assert kept.particles is not None and kept.particles.colour.tolist() == [[1.0], [1.0]]


def test_explicit_convention_refuses_reserved_particle_ids() -> None:
    parts = _parts(particle_id=np.array([1, -1]))
    hits = {**HITS, "particle_id": np.array([1, 1, 0, -1])}
    with pytest.raises(ValueError, match=r"event 8, particle 0: particle_id = -1 is the no-truth id .*\(noise 0, no"):
        Events.from_hits(TELESCOPE, hits, particles=parts, pid_convention=FASTTRACK)


def test_awkward_particles_aligned_with_the_events() -> None:
    hits = ak.Array([[{"layer": 0, "x": 0.0, "particle_id": 4}], [{"layer": 1, "x": 1.0, "particle_id": 0}]])
    parts = ak.Array([[{"particle_id": 4, "pt_gev": 1.5}], []])
    ev = Events.from_hits(TELESCOPE, hits, particles=parts, event_numbers=[10, 20])
    assert ev.particles is not None and ev.particles.n_hits.tolist() == [[1], []]
    with pytest.raises(ValueError, match="particles hold 1 events but the hits 2"):
        Events.from_hits(TELESCOPE, hits, particles=parts[:1])
    # flat particles with awkward hits: matched by event number
    flat = Events.from_hits(TELESCOPE, hits, particles={"event": [10], "particle_id": [4]}, event_numbers=[10, 20])
    assert flat.particles is not None and flat.particles.particle_id.tolist() == [[4], []]


def test_particle_fields_are_documented() -> None:
    import fasttrack.truth as truth

    for name in PARTICLE_FIELDS:
        assert f"``{name}``" in (truth.__doc__ or "") or name in (truth.__doc__ or ""), name


# ------------------------------------------------------------------------------------------
# point 8: event-side errors
# ------------------------------------------------------------------------------------------
def test_flat_table_forms_and_uneven_columns(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"hits: column 'x' must be 1D \(one value per row\), got shape \(2, 2\)"):
        as_columns({"event": [0, 0], "x": np.zeros((2, 2))}, "hits")
    with pytest.raises(ValueError, match=r"columns have different lengths \('event': 3, 'layer': 2, 'x': 3\)"):
        Events.from_hits(TELESCOPE, {"event": [0, 0, 1], "layer": [0, 1], "x": [0.0, 1.0, 2.0]})
    # a pyarrow table cannot be uneven; a parquet file of one reads like the dict
    path = tmp_path / "hits.parquet"
    pq.write_table(pa.table({"event": [4, 4], "layer": [0, 1], "x": [0.0, 1.0]}), path)
    assert Events.from_hits(TELESCOPE, path).event_number.tolist() == [4]
    with pytest.raises(ValueError, match=r"particles file '.*nope\.parquet' does not exist"):
        Events.from_hits(TELESCOPE, path, particles=tmp_path / "nope.parquet")


def test_parquet_without_metadata_names_the_file_and_the_remedy(tmp_path: Path) -> None:
    path = tmp_path / "plain hits.parquet"
    pq.write_table(pa.table({"event": [1], "layer": [0], "x": [0.0]}), path)
    with pytest.raises(ValueError) as err:
        Events.load(path)
    text = str(err.value)
    assert str(path) in text and "no fasttrack detector metadata" in text
    assert "Events.load(path, detector=det)" in text and "--detector FILE" in text
    assert Events.load(path, detector=TELESCOPE).event_number.tolist() == [1]


def test_flat_hits_without_event_column_suggest_the_rename() -> None:
    with pytest.raises(ValueError, match=r"need an 'event' column .*found 'event_id': rename it to 'event'"):
        Events.from_hits(TELESCOPE, {"event_id": [0], "layer": [0], "x": [0.0]})


# ------------------------------------------------------------------------------------------
# documentation
# ------------------------------------------------------------------------------------------
def test_readme_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme[readme.index("## Your own hits and truth") :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None
    exec(compile(match.group(1), "README.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert out == ["[        42 1000000007]", "[[False], [True]]", "1.0 [1000000007]"]


def test_cosim_scoreboard_names_events_by_number(tmp_path: Path) -> None:
    """The stream plan carries each event's number and the harness's messages use it."""
    import sys

    from fasttrack.hw import retina as retina_hw
    from fasttrack.hw.words import WordLayout

    ev = Events.from_hits(
        TELESCOPE,
        {"event": [2**40, -6, -6], "layer": [0, 1, 2], "x": [0.0, 1.0, 2.0]},
    )
    cfg = RetinaConfig.for_detector(TELESCOPE)
    retina_hw.write_vectors(cfg, ev, tmp_path)
    plan = retina_hw.stream_plan(cfg, tmp_path)
    assert [e["number"] for e in plan["events"]] == [-6, 2**40]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sim"))
    try:
        import ft_harness
    finally:
        sys.path.pop(0)
    golden = ft_harness.GoldenModel([e["expected"] for e in plan["events"]], [e["number"] for e in plan["events"]])
    board = ft_harness.Scoreboard(WordLayout.from_fields(plan["out_fields"]))
    board.compare(golden, [(0, w) for _, w in golden.stream()][:-1])  # the last word missing
    assert board.missing == 1 and board.errors[0].startswith(f"event {2**40}: word")

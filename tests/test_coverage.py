"""Coverage of the corner cases (issue 16, point 4): the classifier, the directed events,
the co-simulation's default event mix, and one short co-simulation of the directed mix.

Everything but the last test runs the golden model only (a few seconds); the last one
co-simulates the small retina config of tests/test_rtl_retina.py on Verilator (its build
is cached under build/cosim/).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from fasttrack import detector, generate
from fasttrack.algorithms import get
from fasttrack.hw import cosim, coverage
from fasttrack.retina import RetinaConfig

CASES = [("retina", "telescope"), ("retina", "barrel"), ("hough", "telescope"), ("hough", "barrel")]

# what the RTL configs of the presets cannot exercise, and why (the reasons' first words)
UNREACHABLE = {
    ("retina", "telescope"): {},
    ("retina", "barrel"): {},
    ("hough", "telescope"): {
        "fills_capped": "impossible: a line crosses at most 2 bins",
        "cand_overflow": "impossible by construction",
        "border_b": "impossible in detector 'telescope'",
    },
    ("hough", "barrel"): {
        "fills_capped": "impossible: a line crosses at most 2 bins",
        "cand_overflow": "impossible by construction",
    },
}


def _rtl(algorithm: str, preset: str) -> tuple[object, detector.Detector]:
    det = detector.preset(preset)
    return get(algorithm).config(det, rtl=True), det


def _tiny_retina() -> RetinaConfig:
    """The small retina config of tests/test_rtl_retina.py."""
    return RetinaConfig.for_rtl(
        detector.telescope(), n_a=6, n_b=12, sigma=4.0, max_hits=12, max_tracks=2, drop_count_bits=2
    )


@pytest.mark.parametrize(("algorithm", "preset"), CASES)
def test_each_directed_event_exercises_its_category_and_the_plain_event_does_not(algorithm: str, preset: str) -> None:
    cfg, det = _rtl(algorithm, preset)
    d = coverage.directed_events(algorithm, cfg, det)
    names = coverage.category_names(algorithm)
    assert set(d.targets) | set(d.missing) == set(names) and not set(d.targets) & set(d.missing)
    found = coverage.classify(algorithm, cfg, d.events)
    for k, target in enumerate(d.targets):
        assert found[target][k], (target, d.events.n_hits[k])
        assert coverage.directed_target(algorithm, int(d.events.event_number[k])) == target
    plain = coverage.classify(algorithm, cfg, d.plain)
    assert tuple(c for c in names if plain[c][0]) == d.plain_exercises
    if algorithm == "retina":
        assert d.plain_exercises == ()
    else:  # the mini-Hough makes one track several candidates: duplicates are removed always
        assert d.plain_exercises == ("dup_removed",)
        one = d.targets.index("one_hit")
        assert not found["dup_removed"][one]
    for target in d.targets:
        assert not plain[target][0] or target in d.plain_exercises
    # the directed events are inputs of the RTL: coordinates within the word widths
    hw = get(algorithm).require_hardware("vectors")
    assert hw.rtl_unsupported(cfg) is None


@pytest.mark.parametrize(("algorithm", "preset"), CASES)
def test_unreachable_categories_are_reported_with_the_reason(algorithm: str, preset: str) -> None:
    cfg, det = _rtl(algorithm, preset)
    d = coverage.directed_events(algorithm, cfg, det)
    expected = UNREACHABLE[(algorithm, preset)]
    assert set(d.missing) == set(expected), d.missing
    for c, start in expected.items():
        assert d.missing[c].startswith(start), d.missing[c]


def test_the_small_retina_cannot_saturate_and_says_why() -> None:
    cfg = _tiny_retina()
    assert coverage.impossible("retina", cfg) == {
        "acc_saturated": "impossible: MAX_HITS x the largest weight = 12 x 63 = 756 < ACC_MAX = 1023"
    }
    d = coverage.directed_events("retina", cfg, detector.telescope())
    assert set(d.missing) == {"acc_saturated"}
    rep = coverage.coverage_report("retina", cfg, d.events)
    assert rep.not_covered == () and rep.unreachable == ("acc_saturated",)
    assert rep.summary()["acc_saturated"].startswith("impossible")
    assert "not reachable with this config: acc_saturated" in rep.line()


def test_a_config_without_duplicate_rule_or_mini_hough_has_nothing_to_remove() -> None:
    det = detector.telescope()
    cfg = get("hough").config(det, rtl=True, duplicate_rule="none", mini_hough=False)
    d = coverage.directed_events("hough", cfg, det)
    assert d.missing["dup_removed"] == "impossible: duplicate_rule = 'none'"
    assert d.plain_exercises == ()


@pytest.mark.parametrize(("algorithm", "preset"), CASES)
def test_the_default_mix_covers_every_reachable_category(algorithm: str, preset: str) -> None:
    cfg, det = _rtl(algorithm, preset)
    mix = coverage.default_mix(algorithm, cfg, det, 400, seed=3)
    assert len(mix.events) == 400
    assert int(mix.directed.sum()) == 20  # 5 %
    rep = coverage.coverage_report(algorithm, cfg, mix.events)
    assert rep.not_covered == (), rep.line()
    assert set(rep.unreachable) == set(UNREACHABLE[(algorithm, preset)])
    assert "NOT covered" not in rep.line()
    # the sample's events keep their order and numbers around the directed ones
    gen = generate.generate(det, 400, seed=3)
    kept = ~mix.directed
    np.testing.assert_array_equal(mix.events.event_number[kept], gen.event_number[kept])
    assert all(
        coverage.directed_target(algorithm, int(n)) == t
        for n, t in zip(mix.events.event_number[mix.directed], np.array(mix.targets)[mix.directed], strict=True)
    )


def test_the_mix_is_a_function_of_the_seed_and_small_runs_still_hold_every_category() -> None:
    cfg, det = _rtl("retina", "telescope")
    a = coverage.default_mix("retina", cfg, det, 100, seed=5)
    b = coverage.default_mix("retina", cfg, det, 100, seed=5)
    c = coverage.default_mix("retina", cfg, det, 100, seed=6)
    assert a.targets == b.targets and a.targets != c.targets
    np.testing.assert_array_equal(a.events.event_number, b.events.event_number)
    small = coverage.default_mix("retina", cfg, det, 10, seed=5)
    assert set(small.targets) - {""} == set(coverage.category_names("retina"))  # 8 of the 10
    events, n_sample = small.sample_first()
    assert n_sample == 2 and list(events.event_number[:2]) == list(small.events.event_number[~small.directed])
    with pytest.raises(ValueError, match="share"):
        coverage.mix_directed("retina", cfg, generate.generate(det, 5, seed=1), seed=1, share=1.5)


@pytest.mark.parametrize(("algorithm", "preset"), CASES)
def test_vectors_and_the_cycle_model_take_the_mix(algorithm: str, preset: str, tmp_path: Path) -> None:
    cfg, det = _rtl(algorithm, preset)
    mix = coverage.default_mix(algorithm, cfg, det, 60, seed=2)
    hw = get(algorithm).require_hardware("vectors")
    hw.write_vectors(cfg, mix.events, tmp_path)
    plan = hw.stream_plan(cfg, tmp_path)  # packs every word: a field out of range raises
    assert [e["number"] for e in plan["events"]] == [int(n) for n in mix.events.event_number]
    first, out = hw.schedule(cfg, mix.events)
    assert len(first) == 60 and np.all(np.diff(out) > 0) and np.all(out > first)


def test_cosim_result_reports_coverage_in_its_table() -> None:
    missing = dataclasses.MISSING
    required = [f for f in dataclasses.fields(cosim.CosimResult) if f.default is f.default_factory is missing]
    fields: dict[str, object] = {f.name: "x" if f.type == "str" else True if f.type == "bool" else 1 for f in required}
    fields |= {"clock_mhz": 250.0, "cycles_per_event": 5.0, "cycles_per_second": 1e4}
    r = cosim.CosimResult(**fields, coverage={"empty": 2, "tie": 0, "acc_saturated": "impossible: ..."})
    line = next(row for row in r.table().splitlines() if row.startswith("coverage"))
    assert "empty (2)" in line and "NOT covered: tie" in line
    assert "not reachable with this config: acc_saturated" in line


def test_small_retina_cosim_of_the_directed_mix_is_bit_exact() -> None:
    """60 events, half of them directed (every category the small config allows, about four
    times each), on Verilator: interleaved under gaps and back-pressure, then back to back
    after the generated ones; every word and every event's cycles as the golden and the
    cycle model say."""
    cfg = _tiny_retina()
    det = detector.telescope()
    mix = coverage.mix_directed("retina", cfg, generate.generate(det, 60, seed=8), seed=8, share=0.5)
    assert int(mix.directed.sum()) == 30
    r = cosim.run_cosim("retina", "telescope", events=mix, config=cfg, seed=8)
    assert r.events == 60
    assert r.bit_exact and (r.mismatches, r.missing, r.extra) == (0, 0, 0), r.errors
    assert r.passed, r.failures  # X/Z, protocol, inputs consumed, cycle model
    assert r.model_exact
    assert len(r.latency_cycles) == 30  # quoted over the generated events
    assert r.coverage["acc_saturated"] == coverage.impossible("retina", cfg)["acc_saturated"]
    assert all(isinstance(v, int) and v >= 4 for c, v in r.coverage.items() if c != "acc_saturated"), r.coverage

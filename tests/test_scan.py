"""Parameter scans: spec validation, serial vs Dask equality, resume, failures, hardware metrics."""

from __future__ import annotations

import dataclasses
import importlib.util
import math
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from distributed import Client, LocalCluster

from fasttrack import cli, scan
from fasttrack.scan import load_spec, parse_spec, run_scan

# 3 x 2 grid on 150 telescope events, over the cells along x_ref (n_b: the grid is (tx, x_ref));
# n_b = 2 is invalid (the retina needs >= 3 cells), so two of the six points fail and must be
# recorded, not abort the scan
SPEC = """
algorithm = "retina"

[config]
weight_bits = 12

[search]
kind = "grid"

[search.params]
n_b = [2, 96, 192]
threshold = [4.0, 5.0]

[[samples]]
preset = "telescope"
events = 150
seed = 11
"""
N_POINTS, N_FAILING = 6, 2


def _write(tmp_path: Path, text: str, name: str = "spec.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _assert_tables_equal(a: pa.Table, b: pa.Table) -> None:
    """Exact equality: schema, then every column value (NaN equal to NaN, no tolerance)."""
    assert a.schema == b.schema
    for name in a.column_names:
        ca, cb = a.column(name).to_pylist(), b.column(name).to_pylist()
        if pa.types.is_floating(a.schema.field(name).type):
            np.testing.assert_array_equal(
                np.array(ca, dtype=np.float64), np.array(cb, dtype=np.float64), err_msg=name, strict=True
            )
            assert [v is None for v in ca] == [v is None for v in cb], name
        else:
            assert ca == cb, name


def _assert_nontrivial(table: pa.Table) -> None:
    """The table a scan of SPEC must give: 6 rows, 2 recorded failures, 4 real measurements."""
    assert table.num_rows == N_POINTS
    errors = table.column("error").to_pylist()
    failed = [e for e in errors if e is not None]
    assert len(failed) == N_FAILING
    assert all("n_b" in e and "at least 3 cells" in e for e in failed)
    eff = [e for e, err in zip(table.column("efficiency").to_pylist(), errors, strict=True) if err is None]
    assert len(eff) == N_POINTS - N_FAILING
    assert all(e is not None and math.isfinite(e) and 0.0 < e <= 1.0 for e in eff)
    assert len(set(eff)) > 1  # the parameters change the result
    assert len(set(table.column("point_key").to_pylist())) == N_POINTS


# ------------------------------------------------------------------------------------------
# serial vs Dask
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """A real local Dask cluster: 2 worker processes on loopback, no dashboard."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as c:
        yield c


def test_local_cluster_equals_serial(tmp_path: Path) -> None:
    spec = load_spec(_write(tmp_path, SPEC))
    serial = run_scan(spec, tmp_path / "serial", serial=True, progress=False)
    dask = run_scan(spec, tmp_path / "dask", n_workers=2, progress=False)  # run_scan's own LocalCluster
    _assert_nontrivial(serial.table)
    _assert_tables_equal(serial.table, dask.table)
    assert (serial.n_evaluated, dask.n_evaluated) == (N_POINTS, N_POINTS)
    assert serial.n_failed == dask.n_failed == N_FAILING
    # the files hold the same table as returned
    _assert_tables_equal(scan.read_results(tmp_path / "dask"), dask.table)
    assert (tmp_path / "dask" / "results.csv").read_text() == (tmp_path / "serial" / "results.csv").read_text()
    assert (tmp_path / "dask" / "pareto_fake_rate.png").stat().st_size > 0


def test_existing_scheduler_and_resume(tmp_path: Path, cluster: LocalCluster) -> None:
    spec = load_spec(_write(tmp_path, SPEC))
    first = run_scan(spec, tmp_path / "out", scheduler=cluster.scheduler_address, progress=False)
    _assert_nontrivial(first.table)
    again = run_scan(spec, tmp_path / "out", scheduler=cluster.scheduler_address, progress=False)
    assert (again.n_evaluated, again.n_skipped) == (0, N_POINTS)
    _assert_tables_equal(first.table, again.table)


def test_client_runs_on_the_workers(tmp_path: Path, cluster: LocalCluster) -> None:
    spec = load_spec(_write(tmp_path, SPEC))
    scan.run._sample_events.cache_clear()
    with Client(cluster, set_as_default=False) as client:
        result = run_scan(spec, tmp_path / "out", client=client, progress=False)
        # the events were generated (and cached) in the worker processes, not in this one
        cached = client.run(lambda: scan.run._sample_events.cache_info().currsize)
    _assert_nontrivial(result.table)
    assert sum(cached.values()) >= 1
    assert scan.run._sample_events.cache_info().currsize == 0


# ------------------------------------------------------------------------------------------
# resume and failures (serial: fast)
# ------------------------------------------------------------------------------------------
@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the key of every point evaluated in this process."""
    calls: list[str] = []
    real = scan.run.evaluate_point

    def counting(point: scan.Point) -> dict[str, Any]:
        calls.append(point.key)
        return real(point)

    monkeypatch.setattr(scan.run, "evaluate_point", counting)  # where run_scan looks it up
    return calls


def test_resume_skips_done_points(tmp_path: Path, counted: list[str]) -> None:
    small = SPEC.replace("n_b = [2, 96, 192]", "n_b = [96]")
    first = run_scan(load_spec(_write(tmp_path, small)), tmp_path / "out", serial=True, progress=False)
    assert first.n_evaluated == len(counted) == 2
    full = run_scan(load_spec(_write(tmp_path, SPEC)), tmp_path / "out", serial=True, progress=False)
    assert (full.n_evaluated, full.n_skipped) == (N_POINTS - 2, 2)
    assert len(counted) == N_POINTS and len(set(counted)) == N_POINTS  # nothing evaluated twice
    _assert_nontrivial(full.table)
    again = run_scan(load_spec(_write(tmp_path, SPEC)), tmp_path / "out", serial=True, progress=False)
    assert (again.n_evaluated, again.n_skipped, len(counted)) == (0, N_POINTS, N_POINTS)
    _assert_tables_equal(full.table, again.table)
    # rows are in spec order whatever order they were evaluated in
    fresh = run_scan(load_spec(_write(tmp_path, SPEC)), tmp_path / "fresh", serial=True, progress=False)
    _assert_tables_equal(full.table, fresh.table)


def test_retry_failed_evaluates_only_failed_points(tmp_path: Path, counted: list[str]) -> None:
    spec = load_spec(_write(tmp_path, SPEC))
    first = run_scan(spec, tmp_path / "out", serial=True, progress=False)
    counted.clear()
    retry = run_scan(spec, tmp_path / "out", serial=True, progress=False, retry_failed=True)
    failed_keys = {
        k for k, e in zip(first.table["point_key"].to_pylist(), first.table["error"].to_pylist(), strict=True) if e
    }
    assert set(counted) == failed_keys and len(failed_keys) == N_FAILING
    assert retry.n_evaluated == N_FAILING
    _assert_tables_equal(first.table, retry.table)


def test_rows_of_other_specs_are_kept(tmp_path: Path) -> None:
    run_scan(load_spec(_write(tmp_path, SPEC)), tmp_path / "out", serial=True, progress=False)
    other = SPEC.replace("threshold = [4.0, 5.0]", "threshold = [4.5]")
    result = run_scan(load_spec(_write(tmp_path, other)), tmp_path / "out", serial=True, progress=False)
    assert result.n_evaluated == 3
    assert result.table.num_rows == N_POINTS + 3
    assert result.table["param_threshold"].to_pylist()[:3] == [4.5, 4.5, 4.5]  # this spec's rows first


def test_failing_point_is_recorded(tmp_path: Path) -> None:
    spec = parse_spec(
        {
            "algorithm": "hough",
            "search": {"kind": "grid", "params": {"min_layers": [4, 99]}},
            "samples": [{"preset": "telescope", "events": 50, "seed": 1}],
        }
    )
    result = run_scan(spec, tmp_path, serial=True, progress=False)
    rows = result.table.to_pylist()
    assert [r["param_min_layers"] for r in rows] == [4, 99]
    assert rows[0]["error"] is None and rows[0]["efficiency"] > 0.5
    assert rows[1]["error"].startswith("ValueError: HoughConfig('telescope').min_layers must be in 1..")
    assert rows[1]["efficiency"] is None and rows[1]["config_hash"] is None
    assert result.n_failed == 1


def test_lost_task_is_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Errors raised outside evaluate_point's own guard (a crashed worker, ...) still make a row."""

    class FakeFuture:
        def __init__(self, key: str) -> None:
            self.key = key

        def result(self) -> dict[str, Any]:
            raise RuntimeError("worker lost")

        def release(self) -> None:
            pass

    class FakeClient:
        loop = None

        def map(self, fn: Any, points: list[Any], key: list[str], pure: bool) -> list[FakeFuture]:
            return [FakeFuture(k) for k in key]

        def cancel(self, futures: Any) -> None:
            pass

    monkeypatch.setattr("distributed.as_completed", lambda futures, loop=None: iter(futures))
    spec = load_spec(_write(tmp_path, SPEC))
    result = run_scan(spec, tmp_path / "out", client=FakeClient(), progress=False)  # type: ignore[arg-type]
    assert result.n_failed == N_POINTS
    assert set(result.table["error"].to_pylist()) == {"RuntimeError: worker lost"}


# ------------------------------------------------------------------------------------------
# spec validation
# ------------------------------------------------------------------------------------------
BASE = {
    "top": 'algorithm = "retina"\n',
    "config": "[config]\nweight_bits = 12\n",
    "search": '[search]\nkind = "grid"\n[search.params]\nn_a = [96, 192]\n',
    "samples": '[[samples]]\npreset = "telescope"\nevents = 100\nseed = 1\n',
}


def _spec_text(**parts: str) -> str:
    return "".join(parts.get(k, v) for k, v in BASE.items())


BAD_SPECS = {
    "unknown top-level key": (
        _spec_text(top='algorithm = "retina"\nalgoritm = "hough"\n'),
        "the top level has unknown key 'algoritm' (did you mean 'algorithm'?)",
    ),
    "missing algorithm": (_spec_text(top=""), "algorithm must be one of 'retina', 'hough', got None"),
    "unknown algorithm": (_spec_text(top='algorithm = "kalman"\n'), "algorithm must be one of 'retina', 'hough'"),
    "unknown config field": (_spec_text(config="[config]\nn_aa = 5\n"), "config has unknown key 'n_aa'"),
    "config wrong type": (
        _spec_text(config='[config]\nthreshold = "high"\n'),
        "config.threshold must be float, got str 'high'",
    ),
    "unknown scanned field": (
        _spec_text(search="[search]\n[search.params]\ntreshold = [4.0]\n"),
        "search.params has unknown key 'treshold' (did you mean 'threshold'?)",
    ),
    "scanned wrong type": (
        _spec_text(search='[search]\n[search.params]\nn_a = ["96"]\n'),
        "search.params.n_a[0] must be int, got str '96'",
    ),
    "float for an int field": (
        _spec_text(search="[search]\n[search.params]\nn_a = [96.5]\n"),
        "search.params.n_a[0] must be int, got float 96.5",
    ),
    "empty grid list": (
        _spec_text(search="[search]\n[search.params]\nn_a = []\n"),
        "search.params.n_a is an empty list",
    ),
    "empty grid": (_spec_text(search='[search]\nkind = "grid"\n'), "search.params is empty"),
    "missing search": (_spec_text(search=""), "search is missing"),
    "scalar in a grid": (
        _spec_text(search="[search]\n[search.params]\nn_a = 96\n"),
        "search.params.n_a must be a list of values in a grid search",
    ),
    "unknown search kind": (
        _spec_text(search='[search]\nkind = "bayes"\n[search.params]\nn_a = [96]\n'),
        "search.kind must be 'grid' or 'random'",
    ),
    "random without n_points": (
        _spec_text(search='[search]\nkind = "random"\n[search.params]\nn_a = [96]\n'),
        "search.n_points must be an integer >= 1",
    ),
    "float range of an int field": (
        _spec_text(search='[search]\nkind = "random"\nn_points = 3\n[search.params]\nn_a = {low = 9.5, high = 20}\n'),
        "search.params.n_a is an integer field",
    ),
    "range low >= high": (
        _spec_text(
            search='[search]\nkind = "random"\nn_points = 3\n[search.params]\nthreshold = { low = 5, high = 4 }\n'
        ),
        "search.params.threshold needs low < high",
    ),
    "field in config and params": (
        _spec_text(config="[config]\nn_a = 96\n"),
        "search.params.n_a is also set in [config]",
    ),
    "missing samples": (_spec_text(samples=""), "samples is missing"),
    "sample key typo": (
        _spec_text(samples='[[samples]]\npreset = "telescope"\nevent = 100\nseed = 1\n'),
        "samples[0] has unknown key 'event' (did you mean 'events'?)",
    ),
    "unknown preset": (
        _spec_text(samples='[[samples]]\npreset = "atlas"\nevents = 100\nseed = 1\n'),
        "samples[0].preset must be one of ['barrel', 'telescope', 'velo'], got 'atlas'",
    ),
    "zero events": (
        _spec_text(samples='[[samples]]\npreset = "telescope"\nevents = 0\nseed = 1\n'),
        "samples[0].events must be an integer >= 1, got 0",
    ),
    "unknown mix field": (
        _spec_text(samples='[[samples]]\npreset = "telescope"\nevents = 10\nseed = 1\nmix = { pile_up = 3 }\n'),
        "samples[0].mix has unknown key 'pile_up' (did you mean 'pileup'?)",
    ),
    "invalid mix": (
        _spec_text(samples='[[samples]]\npreset = "telescope"\nevents = 10\nseed = 1\nmix = { pileup = -1 }\n'),
        "samples[0].mix is not a valid event mix for telescope: EventMix.pileup must be >= 0",
    ),
    "unknown metric": (_spec_text(top='algorithm = "retina"\nmetrics = ["power"]\n'), "has unknown metric 'power'"),
    "negative clock": (_spec_text(top='algorithm = "retina"\nclock_mhz = -250\n'), "clock_mhz must be a finite number"),
    "not TOML": ("algorithm = retina\n", "not valid TOML"),
}


@pytest.mark.parametrize("case", sorted(BAD_SPECS))
def test_malformed_spec_names_the_bad_key(tmp_path: Path, case: str) -> None:
    text, message = BAD_SPECS[case]
    path = _write(tmp_path, text)
    with pytest.raises(ValueError) as info:
        load_spec(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_base_spec_is_valid(tmp_path: Path) -> None:
    """The bad specs above differ from this valid one only in what they break."""
    spec = load_spec(_write(tmp_path, _spec_text()))
    assert [p.overrides for p in spec.points()] == [{"weight_bits": 12, "n_a": 96}, {"weight_bits": 12, "n_a": 192}]


def test_random_search_is_deterministic() -> None:
    raw = {
        "algorithm": "retina",
        "search": {
            "kind": "random",
            "n_points": 8,
            "seed": 3,
            "params": {
                "n_a": {"low": 64, "high": 256},
                "sigma": {"low": 0.1, "high": 1.0, "log": True},
                "threshold": [4.0, 4.5, 5.0],
            },
        },
        "samples": [{"preset": "telescope", "events": 10, "seed": 1}],
    }
    a, b = parse_spec(raw).points(), parse_spec(raw).points()
    assert [p.key for p in a] == [p.key for p in b] and len(a) == 8
    for p in a:
        o = p.overrides
        assert isinstance(o["n_a"], int) and 64 <= o["n_a"] <= 256
        assert isinstance(o["sigma"], float) and 0.1 <= o["sigma"] <= 1.0
        assert o["threshold"] in (4.0, 4.5, 5.0)
    other = parse_spec({**raw, "search": {**raw["search"], "seed": 4}}).points()
    assert [p.key for p in other] != [p.key for p in a]


def test_point_key_is_stable_and_sensitive() -> None:
    raw = parse_spec(
        {
            "algorithm": "retina",
            "search": {"params": {"n_a": [96]}},
            "samples": [{"preset": "telescope", "events": 10, "seed": 1}],
        }
    )
    (p,) = raw.points()
    # pinned: a change of the key's recipe would make every stored result look new
    assert p.key == "74c0ae08717eed6c"
    assert replace(p, sample=replace(p.sample, seed=2)).key != p.key
    assert replace(p, params=(("n_a", 97),)).key != p.key
    assert replace(p, metrics=("cycles",)).key != p.key


def test_pareto_front() -> None:
    cost = np.array([1.0, 2.0, 3.0, 2.0, np.nan, 1.0])
    eff = np.array([0.5, 0.9, 0.8, 0.4, 1.0, 0.5])
    # equal points (0 and 5) do not dominate each other; NaN is never on the front
    assert scan.pareto_front(cost, eff).tolist() == [True, True, False, False, False, True]


# ------------------------------------------------------------------------------------------
# hardware metrics
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _FakeCycles:
    cycles_per_event: float
    latency_cycles_mean: float
    latency_cycles_max: int
    event_rate_mhz: float
    instances_for_40mhz: int


@dataclass(frozen=True)
class _FakeSynth:
    lut: int
    ff: int
    dsp: int
    bram: float
    u50_lut_share: float


def test_hardware_metrics_plumbing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Columns and Pareto plots of cycles and resources, against stand-ins of the hw models."""
    cyc = types.ModuleType("fasttrack.hw.cyclemodel")
    cyc.cycle_estimate = lambda algorithm, cfg, events, *, clock_mhz=250.0: _FakeCycles(  # type: ignore[attr-defined]
        float(cfg.n_b), 2.0 * cfg.n_b, 3 * cfg.n_b, clock_mhz / cfg.n_b, math.ceil(40.0 * cfg.n_b / clock_mhz)
    )
    syn = types.ModuleType("fasttrack.hw.synth")
    syn.synthesize = lambda algorithm, preset, *, config: _FakeSynth(  # type: ignore[attr-defined]
        100 * config.n_b, 0, 0, 0.5, 100 * config.n_b / 872_000
    )
    monkeypatch.setitem(sys.modules, "fasttrack.hw.cyclemodel", cyc)
    monkeypatch.setitem(sys.modules, "fasttrack.hw.synth", syn)
    text = SPEC.replace(
        'algorithm = "retina"', 'algorithm = "retina"\nmetrics = ["cycles", "resources"]\nclock_mhz = 200.0'
    )
    spec = load_spec(_write(tmp_path, text))
    result = run_scan(spec, tmp_path / "out", serial=True, progress=False)
    rows = [r for r in result.table.to_pylist() if r["error"] is None]
    assert len(rows) == N_POINTS - N_FAILING
    for r in rows:
        assert r["cycles_per_event"] == r["param_n_b"] and r["clock_mhz"] == 200.0
        assert r["lut"] == 100 * r["param_n_b"] and r["bram"] == 0.5
    assert {p.name for p in result.paths if p.suffix == ".png"} == {"pareto_lut.png", "pareto_cycles_per_event.png"}


def test_missing_hardware_model_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fasttrack.hw.synth", None)  # import fails as if not installed
    text = SPEC.replace('algorithm = "retina"', 'algorithm = "retina"\nmetrics = ["resources"]')
    spec = load_spec(_write(tmp_path, text))
    with pytest.raises(ValueError, match=r"metrics requests 'resources', which needs fasttrack\.hw\.synth"):
        run_scan(spec, tmp_path / "out", serial=True, progress=False)


@pytest.mark.skipif(
    importlib.util.find_spec("fasttrack.hw.cyclemodel") is None, reason="fasttrack.hw.cyclemodel is not there yet"
)
def test_cycles_with_the_real_cycle_model(tmp_path: Path) -> None:
    text = SPEC.replace('algorithm = "retina"', 'algorithm = "retina"\nmetrics = ["cycles"]')
    result = run_scan(load_spec(_write(tmp_path, text)), tmp_path / "out", serial=True, progress=False)
    rows = [r for r in result.table.to_pylist() if r["error"] is None]
    assert len(rows) == N_POINTS - N_FAILING
    assert all(r["cycles_per_event"] > 0 and r["instances_for_40mhz"] >= 1 for r in rows)
    assert (tmp_path / "out" / "pareto_cycles_per_event.png").exists()


# ------------------------------------------------------------------------------------------
# command line
# ------------------------------------------------------------------------------------------
def test_cli_scan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(tmp_path, SPEC)
    assert cli.main(["scan", str(spec), "--out", str(tmp_path / "out"), "--serial"]) == 0
    out = capsys.readouterr().out
    assert f"{N_POINTS} points, {N_POINTS} evaluated, 0 already done, {N_FAILING} failed" in out
    assert (tmp_path / "out" / "results.parquet").exists() and (tmp_path / "out" / "results.csv").exists()
    # some points failed, not all: exit status 0 and a summary of the failures on stdout
    assert f"{N_FAILING} of {N_POINTS} points failed:\n  {N_FAILING} points: ValueError: " in out
    assert "n_b needs at least 3 cells (got 2)" in out


def test_cli_scan_bad_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(tmp_path, _spec_text(config="[config]\nn_aa = 5\n"))
    assert cli.main(["scan", str(spec), "--out", str(tmp_path / "out"), "--serial"]) == 2
    assert "config has unknown key 'n_aa'" in capsys.readouterr().err


def test_example_spec_is_valid() -> None:
    path = Path(__file__).resolve().parents[1] / "examples" / "scan_telescope.toml"
    spec = load_spec(path)
    assert spec.algorithm == "retina" and len(spec.points()) == 12


def test_cli_scan_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["scan", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "usage: fasttrack scan" in out and "--scheduler ADDRESS" in out and "--serial" in out


def test_hardware_metric_of_an_algorithm_without_hardware_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reference-only algorithm (no Hardware in its registry entry) has no cycle model."""
    from fasttrack import algorithms

    plain = dataclasses.replace(algorithms.get("hough"), name="hough_reference", hardware=None)
    monkeypatch.setitem(algorithms._load(), plain.name, plain)
    text = _spec_text(top='algorithm = "hough_reference"\nmetrics = ["cycles"]\n', config="")
    with pytest.raises(ValueError, match="requests 'cycles', which the hough_reference does not have"):
        load_spec(_write(tmp_path, text))


# every point invalid: the retina needs at least 3 cells; n_b = 1 and n_b = 2 fail with two
# distinct messages, each on both thresholds
ALL_FAILING = SPEC.replace("n_b = [2, 96, 192]", "n_b = [1, 2]")
assert ALL_FAILING != SPEC


def test_cli_scan_every_point_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No point succeeded: exit status 1, the distinct errors with their counts on stderr."""
    monkeypatch.setenv("FASTTRACK_NO_PROGRESS", "1")  # stderr holds the errors alone, no progress bar
    spec = _write(tmp_path, ALL_FAILING)
    assert cli.main(["scan", str(spec), "--out", str(tmp_path / "out"), "--serial", "--no-plots"]) == 1
    captured = capsys.readouterr()
    assert "4 points, 4 evaluated, 0 already done, 4 failed" in captured.out
    assert captured.err.splitlines() == [
        "fasttrack scan: error: no point succeeded; 4 of 4 points failed:",
        "  2 points: ValueError: RetinaConfig('telescope').n_b needs at least 3 cells (got 1)",
        "  2 points: ValueError: RetinaConfig('telescope').n_b needs at least 3 cells (got 2)",
    ]
    # the failures are stored all the same; a rerun that evaluates nothing still fails
    assert (tmp_path / "out" / "results.parquet").exists()
    assert cli.main(["scan", str(spec), "--out", str(tmp_path / "out"), "--serial", "--no-plots"]) == 1
    assert "4 points, 0 evaluated, 4 already done, 4 failed" in capsys.readouterr().out

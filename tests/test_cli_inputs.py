"""Every command takes --preset or --detector FILE, --config FILE and --events FILE; clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fasttrack import cli, detector, generate

ROOT = Path(__file__).resolve().parents[1]
DET5 = str(ROOT / "examples" / "detector_telescope5.json")
ACTS_DET = str(ROOT / "examples" / "detector_acts_telescope.toml")
ACTS_CSV = str(ROOT / "tests" / "data" / "acts_telescope")

WITH_EVENTS = ["evaluate", "vectors", "csim", "cosim", "report", "demo"]
WITHOUT_EVENTS = ["codegen", "synth"]  # they read no events


@pytest.mark.parametrize("command", WITH_EVENTS + WITHOUT_EVENTS + ["generate"])
def test_every_command_takes_the_shared_inputs(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = [command] if command in ("report", "demo", "generate") else [command, "retina"]
    with pytest.raises(SystemExit) as exc:
        cli.main([*args, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--preset" in out and "--detector FILE" in out
    if command != "generate":
        assert "--config FILE" in out
    if command in WITH_EVENTS:
        assert "--events FILE" in out


def _err(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert cli.main(argv) == 2
    return capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["evaluate", "retina", "--preset", "telescope", "-n", "0"], "-n/--events must be >= 1, got 0"),
        (["demo", "-n", "0"], "-n/--events must be >= 1, got 0"),
        (["cosim", "retina", "--preset", "telescope", "--clock-mhz", "0"], "--clock-mhz must be a positive number"),
        (["evaluate", "retina", "--preset", "telescope", "--detector", DET5], "give --preset or --detector, not both"),
        (["evaluate", "retina"], "give the detector: --preset P, --detector FILE or --events FILE"),
        (["evaluate", "hough", "--preset", "velo", "-n", "5"], "does not run on the velo detector"),
        (["codegen", "retina", "--detector", "nope.toml", "-o", "x"], "detector file nope.toml: cannot read it"),
        (["evaluate", "retina", "--events", "nope.parquet"], "events file 'nope.parquet' does not exist"),
    ],
)
def test_clear_errors(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    assert message in _err(capsys, argv)


def test_cosim_velo_is_refused_before_verilator(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from fasttrack.hw import cosim, rtlsim

    def no_build(*a: object, **k: object) -> None:
        raise AssertionError("the RTL build started")

    monkeypatch.setattr(rtlsim, "build_model", no_build)
    monkeypatch.setattr(cosim, "build_rtl", no_build)
    err = _err(capsys, ["cosim", "retina", "--preset", "velo"])
    assert "no retina RTL for velo" in err and "takes 1D measurements" in err
    err = _err(capsys, ["synth", "retina", "--preset", "velo"])
    assert "no retina RTL for velo" in err


def test_unwritable_outputs_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    out = blocker / "sub"
    for argv in (
        ["codegen", "retina", "--preset", "telescope", "-o", str(out)],
        ["vectors", "retina", "--preset", "telescope", "-n", "2", "-o", str(out)],
        ["generate", "--preset", "telescope", "-n", "2", "-o", str(out / "e.parquet")],
        ["demo", "--preset", "telescope", "-n", "2", "--out", str(out)],
        ["report", "--preset", "telescope", "-n", "2", "--out", str(out)],
        ["cosim", "retina", "--preset", "telescope", "--json", str(out / "c.json")],
    ):
        err = _err(capsys, argv)
        assert "cannot write" in err and str(out) in err, (argv, err)
    err = _err(capsys, ["codegen", "retina", "--preset", "telescope", "-o", str(blocker)])
    assert f"{blocker}: it is a file, not a folder" in err


def test_config_file_overrides_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "c.toml"
    good.write_text("n_b = 256\nthreshold = 3.5\n")
    assert (
        cli.main(["codegen", "retina", "--preset", "telescope", "--config", str(good), "-o", str(tmp_path / "a")]) == 0
    )
    assert cli.main(["codegen", "retina", "--preset", "telescope", "-o", str(tmp_path / "b")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("hash ")[1][:16] != lines[1].split("hash ")[1][:16]
    header = (tmp_path / "a" / "retina_params.h").read_text()
    assert "constexpr long long N_B = 256LL;" in header
    bad = tmp_path / "bad.toml"
    bad.write_text("treshold = 3\n")
    err = _err(capsys, ["evaluate", "retina", "--preset", "telescope", "--config", str(bad)])
    assert f"config file {bad}" in err and "did you mean 'threshold'" in err


def test_evaluate_on_a_detector_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["evaluate", "retina", "--detector", DET5, "-n", "60", "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["events"] == 60 and s["fixed"]["n_particles"] > 0


def test_generate_then_evaluate_a_file_in_chunks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "t5.parquet"
    assert cli.main(["generate", "--detector", DET5, "-n", "90", "-o", str(f)]) == 0
    capsys.readouterr()
    argv = ["evaluate", "retina", "--events", str(f), "--json", "--serial"]
    assert cli.main([*argv, "--chunk-events", "25"]) == 0
    chunked = json.loads(capsys.readouterr().out)
    assert cli.main([*argv, "--chunk-events", "1000"]) == 0
    whole = json.loads(capsys.readouterr().out)
    assert chunked["chunks"] == 4 and whole["chunks"] == 1
    for mode in ("float", "fixed"):
        for k in ("n_particles", "n_matched_particles", "n_fake_tracks", "n_duplicate_tracks"):
            assert chunked[mode][k] == whole[mode][k]
    assert cli.main(["evaluate", "retina", "--events", str(f), "--mode", "fixed", "--json"]) == 0
    assert "float" not in json.loads(capsys.readouterr().out)


def test_vectors_and_codegen_on_user_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = generate.generate(detector.telescope(), 12, seed=3).save(tmp_path / "t.parquet")
    assert cli.main(["vectors", "retina", "--events", str(f), "-o", str(tmp_path / "v")]) == 0
    assert "12 events" in capsys.readouterr().out
    assert cli.main(["codegen", "hough", "--detector", DET5, "-o", str(tmp_path / "h")]) == 0
    assert (tmp_path / "h" / "hough_params.h").exists()


def test_legacy_events_number_still_counts(tmp_path: Path) -> None:
    from fasttrack.inputs import resolve

    args = cli.build_parser().parse_args(["cosim", "retina", "--preset", "telescope", "--events", "7"])
    inputs = resolve(args, "cosim", "retina")
    assert inputs.n_events == 7 and inputs.events_file is None


def test_info_shows_a_detector_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["info", "--detector", DET5]) == 0
    out = capsys.readouterr().out
    assert "detector telescope5: 5 plane layers" in out and "detector barrel" not in out


def test_demo_on_a_detector_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"retina": {"threshold": 3.0}}))
    argv = [
        "demo",
        "--detector",
        DET5,
        "-n",
        "30",
        "--no-plots",
        "--json",
        "--out",
        str(tmp_path),
        "--config",
        str(cfg),
    ]
    assert cli.main(argv) == 0
    summary = json.loads(capsys.readouterr().out)
    assert "retina-fixed" in summary["presets"]["telescope5"]["algorithms"]


def test_evaluate_acts_csv_events(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["evaluate", "retina", "--detector", ACTS_DET, "--events", ACTS_CSV, "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["events"] == 3 and s["fixed"]["n_particles"] > 0

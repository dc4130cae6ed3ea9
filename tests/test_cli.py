"""The `fasttrack` command: help, info, generate, demo."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fasttrack import cli
from fasttrack.events import Events


@pytest.mark.parametrize("command", [[], ["info"], ["generate"], ["demo"]])
def test_help_describes_each_command(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main([*command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "usage: fasttrack" in out
    assert len(out.splitlines()) > 5


def test_info_lists_every_preset(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["info"]) == 0
    out = capsys.readouterr().out
    for name in ("telescope", "barrel", "velo"):
        assert f"detector {name}:" in out
    assert "track model barrel-rphi" in out


def test_info_json_round_trips(capsys: pytest.CaptureFixture[str]) -> None:
    from fasttrack.detector import Detector, barrel

    assert cli.main(["info", "--preset", "barrel", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert Detector.from_dict(d["barrel"]) == barrel()


def test_generate_writes_loadable_parquet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "t.parquet"
    assert (
        cli.main(
            [
                "generate",
                "--preset",
                "telescope",
                "-n",
                "30",
                "--seed",
                "5",
                "-o",
                str(out),
                "--particles-per-vertex",
                "2",
            ]
        )
        == 0
    )
    assert "wrote 30 telescope events" in capsys.readouterr().out
    ev = Events.load(out)
    assert len(ev) == 30 and ev.seed == 5
    assert ev.detector.name == "telescope"


def test_generate_rejects_bad_override(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = cli.main(
        ["generate", "--preset", "telescope", "-n", "3", "-o", str(tmp_path / "x.parquet"), "--min-layers", "99"]
    )
    assert rc == 2
    assert "min_layers" in capsys.readouterr().err


def test_demo_writes_summary_and_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo", "--out", str(tmp_path), "--preset", "telescope", "-n", "40", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    saved = json.loads((tmp_path / "summary.json").read_text())
    assert printed == saved
    tel = saved["presets"]["telescope"]
    assert tel["events"] == 40
    assert tel["algorithms"]["truth"]["efficiency"] == 1.0
    assert saved["figures"], "the demo must write figures"
    for name in saved["figures"]:
        assert (tmp_path / name).stat().st_size > 1000


def test_console_script_runs() -> None:
    exe = Path(sys.executable).parent / "fasttrack"
    if not exe.exists():
        pytest.skip("console script not installed in this environment")
    res = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True)
    assert res.stdout.startswith("fasttrack ")


def test_evaluate_reports_both_modes(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["evaluate", "retina", "--preset", "telescope", "-n", "60", "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["events"] == 60
    for mode in ("float", "fixed"):
        assert 0.9 <= s[mode]["efficiency"] <= 1.0
        assert set(s[mode]["resolution_in_cells"]) == {"x_ref_mm", "tx"}
    assert 0.0 <= s["same_candidates_fraction"] <= 1.0


def test_csim_command_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    if shutil.which("g++") is None:
        pytest.skip("C-simulation needs g++")
    out = tmp_path / "csim.json"
    assert cli.main(["csim", "hough", "--preset", "barrel", "-n", "20", "--json", str(out)]) == 0
    assert "bit-exact: yes" in capsys.readouterr().out
    d = json.loads(out.read_text())
    assert {"algorithm", "preset", "types", "events", "mismatches", "bit_exact"} <= set(d)
    assert d["algorithm"] == "hough" and d["events"] == 20 and d["mismatches"] == 0 and d["bit_exact"] is True

"""The HTML report: figures written and referenced, firmware and scan sections, input checks."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from fasttrack import cli
from fasttrack.report import load_cosim, load_synth, write_report
from fasttrack.scan import parse_spec, run_scan

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

COSIM = {
    "algorithm": "retina",
    "preset": "telescope",
    "simulator": "verilator",
    "events": 40,
    "mismatches": 0,
    "bit_exact": True,
    "cycles_per_event": 37.5,
    "event_rate_mhz": 6.67,
    "clock_mhz": 250.0,
    "latency_cycles_mean": 120.5,
    "latency_cycles_max": 180,
    "instances_for_40mhz": 6,
    "latency_cycles": [100, 110, 120, 130, 125, 118, 180, 95, 111, 140],
}
SYNTH = {
    "algorithm": "retina",
    "preset": "telescope",
    "lut": 123456,
    "ff": 234567,
    "dsp": 12,
    "bram": 40,
    "u50_lut_share": 0.1416,
    "u50_ff_share": 0.1345,
    "u50_dsp_share": 0.002,
}


def _json(tmp_path: Path, name: str, data: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def _images(html_path: Path) -> list[str]:
    """The PNGs the page references; each must exist beside it and be a PNG."""
    text = html_path.read_text()
    srcs = re.findall(r'<img src="([^"]+)"', text)
    assert srcs, "the report has no figure"
    for src in srcs:
        png = html_path.parent / src
        assert png.exists(), src
        assert png.read_bytes()[:8] == PNG_MAGIC, src
    # and every PNG written is on the page
    assert sorted(srcs) == sorted(p.name for p in html_path.parent.glob("*.png"))
    return srcs


def test_report_physics_only(tmp_path: Path) -> None:
    path = write_report(tmp_path / "r", algorithm="retina", preset="telescope", n_events=100, config={"n_b": 144})
    assert path == tmp_path / "r" / "report.html"
    srcs = _images(path)
    assert {"response_map.png", "event.png", "hits_per_event.png"} <= set(srcs)
    assert {"resolution_x_ref_mm.png", "resolution_tx.png"} <= set(srcs)
    assert any(s.startswith("efficiency_") for s in srcs)
    text = path.read_text()
    assert "<h1>fasttrack report: retina on telescope</h1>" in text
    assert '<span class="over">n_b</span></td><td><span class="over">144</span>' in text  # the override, marked
    assert "Co-simulation" not in text and "Synthesis" not in text and "Parameter scan" not in text
    assert "<script" not in text and "http" not in text  # self-contained: nothing fetched


def test_report_with_firmware_and_scan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = parse_spec(
        {
            "algorithm": "retina",
            "search": {"params": {"n_b": [2, 96, 192]}},  # cells along x_ref
            "samples": [{"preset": "telescope", "events": 100, "seed": 3}],
        }
    )
    run_scan(spec, tmp_path / "scan", serial=True, progress=False, plots=False)
    cfg = tmp_path / "cfg.toml"
    cfg.write_text("threshold = 4.0\n")
    args = ["report", "--algorithm", "retina", "--preset", "telescope", "-n", "100", "--config", str(cfg)]
    args += ["--cosim-json", str(_json(tmp_path, "cosim.json", COSIM))]
    args += ["--synth-json", str(_json(tmp_path, "synth.json", SYNTH))]
    args += ["--scan", str(tmp_path / "scan" / "results.parquet"), "--out", str(tmp_path / "r")]
    assert cli.main(args) == 0
    path = tmp_path / "r" / "report.html"
    assert f"wrote {path}" in capsys.readouterr().out
    srcs = set(_images(path))
    assert {"cosim_throughput.png", "cosim_latency.png", "synth_resources.png"} <= srcs
    assert {"scan_pareto_fake_rate.png", "scan_efficiency_vs_params.png"} <= srcs
    text = path.read_text()
    assert '<p class="ok"><b>bit-exact with the golden model, every check passed</b></p>' in text
    assert "<td>cycles_per_event</td><td>37.5</td>" in text
    assert "<td>LUT</td><td>123,456</td><td>14.2 %</td>" in text
    assert "3 points, 1 failed" in text and "Pareto front" in text and "at least 3 cells" in text
    assert "Note:" not in text  # the firmware results are of this algorithm and preset


def test_report_takes_algorithm_from_cosim_and_flags_problems(tmp_path: Path) -> None:
    bad = {**COSIM, "algorithm": "hough", "bit_exact": False, "mismatches": 3, "config_hash": "0123456789abcdef"}
    del bad["latency_cycles"]
    path = write_report(tmp_path / "r", cosim_json=_json(tmp_path, "c.json", bad), n_events=100)
    srcs = set(_images(path))
    assert "accumulator.png" in srcs and "cosim_latency.png" not in srcs
    text = path.read_text()
    assert "<h1>fasttrack report: hough on telescope</h1>" in text
    assert '<p class="bad"><b>NOT bit-exact: 3 mismatches</b></p>' in text
    assert "Note: this co-simulation is of config 0123456789abcdef" in text


def test_report_fails_a_bit_exact_cosim_whose_other_checks_failed(tmp_path: Path) -> None:
    bad = {**COSIM, "passed": False, "failures": ["check run: X/Z: 1 times X or Z on out_data"]}
    path = write_report(tmp_path / "r", cosim_json=_json(tmp_path, "c.json", bad), n_events=100)
    assert '<p class="bad"><b>FAILED: check run: X/Z: 1 times X or Z on out_data</b></p>' in path.read_text()


@pytest.mark.parametrize(
    ("loader", "data", "message"),
    [
        (load_cosim, {k: v for k, v in COSIM.items() if k != "bit_exact"}, "lacks ['bit_exact']"),
        (load_cosim, {**COSIM, "events": "forty"}, "'events' has the wrong type (str 'forty')"),
        (load_cosim, {**COSIM, "latency_cycles": "slow"}, "'latency_cycles' must be a list of numbers"),
        (load_synth, {k: v for k, v in SYNTH.items() if k not in ("lut", "ff")}, "lacks ['lut', 'ff']"),
        (load_synth, [1, 2], "must hold one table/object, got list"),
    ],
)
def test_firmware_json_is_checked(tmp_path: Path, loader: Any, data: Any, message: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError) as info:
        loader(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_bad_inputs_fail_before_any_work(tmp_path: Path) -> None:
    not_json = tmp_path / "c.json"
    not_json.write_text("{bit_exact: yes")
    with pytest.raises(ValueError, match="not valid JSON"):
        write_report(tmp_path / "r", cosim_json=not_json)
    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps({"thresold": 4}))
    with pytest.raises(ValueError, match=r"unknown key 'thresold' \(did you mean 'threshold'\?\)") as info:
        write_report(tmp_path / "r", config=cfg)
    assert str(cfg) in str(info.value)
    with pytest.raises(ValueError, match="unknown preset 'lhcb'"):
        write_report(tmp_path / "r", preset="lhcb")
    assert not (tmp_path / "r").exists()


def test_cli_report_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["report", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for option in ("--algorithm", "--preset", "--config FILE", "--cosim-json FILE", "--synth-json FILE", "--scan FILE"):
        assert option in out

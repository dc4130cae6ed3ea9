"""The hardware room's plumbing: where sources live (installed or checkout), build folders
that two runs cannot share at once, failed tools that name their log, the platform facts."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from fasttrack.hw import build, platform, sources

REPO = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------------------------------
# sources: a checkout, an installed wheel, the documented setting
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of this checkout, built offline (hatchling from the dev extra)."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", str(REPO), "-w", str(out)],
        check=True,
        capture_output=True,
    )
    (whl,) = out.glob("fasttrack-*.whl")
    return whl


def test_the_wheel_ships_hdl_hls_and_the_harness(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    share = "fasttrack/hw/share"
    for path in (REPO / "hdl").rglob("*.sv"):
        assert f"{share}/{path.relative_to(REPO)}" in names, path
    for want in ("hls/include/ft_types.h", "hls/tb/retina_tb.cpp", "hls/retina/retina.cpp", "sim/ft_harness.py"):
        assert f"{share}/{want}" in names, want
    assert "fasttrack/py.typed" in names
    assert not any("__pycache__" in n or n.startswith(("build/", "tests/")) for n in names)


def _where(python_path: Path, env_extra: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != sources.ENV} | env_extra
    env["PYTHONPATH"] = str(python_path)
    code = "from fasttrack.hw import sources, build; print(sources.root()); print(build.build_root())"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=cwd)


def test_an_installed_package_finds_its_own_sources(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    home = tmp_path / "home"
    res = _where(site, {"HOME": str(home), "XDG_CACHE_HOME": "", "FASTTRACK_BUILD_DIR": ""}, tmp_path)
    assert res.returncode == 0, res.stderr
    root, build_root = res.stdout.split()
    assert Path(root) == site / "fasttrack" / "hw" / "share"
    assert (Path(root) / "hdl" / "common" / "ft_fifo.sv").read_bytes() == (REPO / "hdl/common/ft_fifo.sv").read_bytes()
    assert Path(build_root) == home / ".cache" / "fasttrack"  # not a checkout: builds go to the user's cache


def test_the_documented_setting_wins_and_is_checked(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    res = _where(site, {sources.ENV: str(REPO)}, tmp_path)
    assert res.returncode == 0 and res.stdout.split()[0] == str(REPO), res.stderr
    res = _where(site, {sources.ENV: str(tmp_path)}, tmp_path)
    assert res.returncode != 0 and f"${sources.ENV}" in res.stderr and "hdl/, hls/ and sim/" in res.stderr


def test_a_checkout_uses_its_own_folders() -> None:
    if sources.checkout_root() is None:
        pytest.skip("not running from a source checkout")
    assert sources.root() == REPO
    assert sources.hdl_dir() == REPO / "hdl" and sources.sim_dir() == REPO / "sim"


# ------------------------------------------------------------------------------------------
# build folders: hashing, locks, failures that name their log
# ------------------------------------------------------------------------------------------
def test_digest_follows_names_contents_and_extras(tmp_path: Path) -> None:
    a = tmp_path / "a.sv"
    a.write_text("module a; endmodule\n")
    key = build.digest([a], "cfg1")
    assert key == build.digest([a], "cfg1") and len(key) == 16
    assert key != build.digest([a], "cfg2")
    a.write_text("module a; wire w; endmodule\n")
    assert key != build.digest([a], "cfg1")


def _hold(folder: str, hold_s: float, log: str) -> None:
    with build.locked(Path(folder), say=lambda msg: None):
        with open(log, "a") as f:
            f.write(f"in {time.monotonic():.6f}\n")
        time.sleep(hold_s)
        with open(log, "a") as f:
            f.write(f"out {time.monotonic():.6f}\n")


def test_two_runs_never_hold_one_build_folder_at_once(tmp_path: Path) -> None:
    """Two processes take the same folder: the second enters only after the first left."""
    folder, log = tmp_path / "cosim" / "x_1234", tmp_path / "log.txt"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_hold, args=(str(folder), 0.6, str(log))) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    events = [line.split() for line in log.read_text().splitlines()]
    assert [e[0] for e in events] == ["in", "out", "in", "out"], events  # never in, in
    assert folder.is_dir() and (tmp_path / "cosim" / "x_1234.lock").exists()


def test_the_waiting_run_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "synth" / "y"
    ctx = multiprocessing.get_context("spawn")
    holder = ctx.Process(target=_hold, args=(str(folder), 1.5, str(tmp_path / "log.txt")))
    holder.start()
    deadline = time.monotonic() + 20
    while not (tmp_path / "log.txt").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    said: list[str] = []
    with build.locked(folder, say=said.append):
        pass
    holder.join(30)
    assert len(said) == 1 and "waiting for another run" in said[0] and str(folder) in said[0]


def test_a_failed_tool_names_its_log_and_shows_its_last_lines(tmp_path: Path) -> None:
    script = (
        "import sys\nfor k in range(40): print('line', k)\n"
        "print('error: the planted failure', file=sys.stderr)\nsys.exit(3)"
    )
    log = tmp_path / "tool.log"
    with pytest.raises(build.BuildError) as err:
        build.run_logged([sys.executable, "-c", script], log, what="the planted tool")
    text = str(err.value)
    assert "the planted tool failed (exit 3)" in text and str(log) in text
    assert "error: the planted failure" in text and "line 39" in text and "line 0\n" not in text
    assert err.value.log == log
    assert build.run_logged([sys.executable, "-c", "print('ok')"], tmp_path / "ok.log", what="fine") >= 0.0


def test_the_ticker_reports_elapsed_time_and_step(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    log = tmp_path / "y.log"
    log.write_text("1. Executing Verilog-2005 frontend\n2.3. Executing ABC9 pass.\n")
    with build.Ticker("yosys (top)", build.yosys_step(log), every_s=0.05, enabled=True):
        time.sleep(0.3)
    err = capsys.readouterr().err
    assert "... yosys (top):" in err and "pass ABC9" in err
    with build.Ticker("quiet", every_s=0.05, enabled=False):
        time.sleep(0.1)
    assert capsys.readouterr().err == ""


# ------------------------------------------------------------------------------------------
# the platform: one place for the clock, the card and the LHC rate
# ------------------------------------------------------------------------------------------
def test_platform_facts_and_instances() -> None:
    assert platform.CLOCK_MHZ == 250.0 and platform.clock_period_ns() == 4.0
    assert platform.U50.lut == 872_000 and platform.U50.part == "xcu50-fsvh2104-2-e"
    assert platform.instances_for(6.25) == 1 and platform.instances_for(6.26) == 2
    assert platform.instances_for(55.635) == 9
    with pytest.raises(ValueError, match="positive frequency"):
        platform.clock_period_ns(0.0)


def test_no_clock_or_card_written_outside_the_platform_module() -> None:
    """250 MHz, the 4 ns period, the U50's part and LUT count and the 40 MHz rate appear in
    fasttrack.hw.platform only (code, not prose: docstrings and comments may cite them)."""
    import ast
    import re

    offenders = []
    for path in (REPO / "src" / "fasttrack").rglob("*.py"):
        if path.name == "platform.py":
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, (int, float))
                and not isinstance(node.value, bool)
            ):
                if node.value in (250.0, 872_000, 1_743_000, 5_952, 1_344) or (
                    node.value == 40.0 and isinstance(node.value, float)
                ):
                    offenders.append(f"{path.name}:{node.lineno} {node.value!r}")
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.search(r"xcu50", node.value):
                offenders.append(f"{path.name}:{node.lineno} {node.value!r}")
    assert not offenders, offenders


# ------------------------------------------------------------------------------------------
# the RTL build and co-simulation under the lock, and a failed build
# ------------------------------------------------------------------------------------------
def _tiny_retina() -> object:
    from fasttrack import detector
    from fasttrack.retina import RetinaConfig

    return RetinaConfig.for_rtl(detector.telescope(), n_a=12, n_b=6, sigma=4.0, max_hits=12, max_tracks=2)


def test_a_broken_rtl_source_fails_the_build_naming_its_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from fasttrack.hw import cosim

    if not cosim.simulator_available("icarus"):
        pytest.skip("iverilog is not installed (.ci/run installs it)")
    copy = tmp_path / "src"
    for sub in ("hdl", "hls", "sim"):
        shutil.copytree(REPO / sub, copy / sub)
    engine = copy / "hdl" / "retina" / "retina_engine.sv"
    engine.write_text(engine.read_text().replace("endmodule", "endmodule_planted_typo", 1))
    monkeypatch.setenv(sources.ENV, str(copy))
    monkeypatch.setenv("FASTTRACK_BUILD_DIR", str(tmp_path / "build"))
    with pytest.raises(build.BuildError) as err:
        cosim.build_rtl("retina", _tiny_retina(), "icarus")
    text = str(err.value)
    assert "building retina_axis on icarus failed" in text and "build.log" in text  # the AXI4-Stream top
    assert "retina_engine.sv" in text and "last lines of the log" in text


def _cosim_tiny(build_dir: str, result: str) -> None:
    import json

    from fasttrack import detector, generate
    from fasttrack.hw import cosim

    os.environ["FASTTRACK_BUILD_DIR"] = build_dir
    ev = generate.generate(detector.telescope(), 12, seed=3)
    r = cosim.run_cosim("retina", "telescope", events=ev, config=_tiny_retina(), sim="icarus", seed=3)
    Path(result).write_text(json.dumps({"bit_exact": r.bit_exact, "model_exact": r.model_exact}))


def test_two_cosim_runs_at_once_share_one_build_safely(tmp_path: Path) -> None:
    """Two co-simulations of the same design started together (before the lock, the second
    corrupted the first's build: 'Command failed with return code: 2'): both pass."""
    import json

    from fasttrack.hw import cosim

    if not cosim.simulator_available("icarus"):
        pytest.skip("iverilog is not installed (.ci/run installs it)")
    ctx = multiprocessing.get_context("spawn")
    results = [tmp_path / f"r{k}.json" for k in range(2)]
    procs = [ctx.Process(target=_cosim_tiny, args=(str(tmp_path / "build"), str(r))) for r in results]
    for p in procs:
        p.start()
    for p in procs:
        p.join(600)
        assert p.exitcode == 0
    for r in results:
        assert json.loads(r.read_text()) == {"bit_exact": True, "model_exact": True}
    assert len(list((tmp_path / "build" / "cosim").glob("retina_*_icarus_*.lock"))) == 1


# ------------------------------------------------------------------------------------------
# names that moved still work for one release, with a warning
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("fasttrack.codegen:retina_files", "fasttrack.hw.retina:files"),
        ("fasttrack.codegen:mem_lines", "fasttrack.hw.codegen:mem_lines"),
        ("fasttrack.vectors:read_vectors", "fasttrack.hw.vectors:read_vectors"),
        ("fasttrack.vectors:write_hough_vectors", "fasttrack.hw.hough:write_vectors"),
        ("fasttrack.hwconfig:bits_unsigned", "fasttrack.bits:bits_unsigned"),
        ("fasttrack.retina.presets:rtl_config", "fasttrack.retina.config:RetinaConfig.for_rtl"),
        ("fasttrack.hough.presets:default_config", "fasttrack.hough.config:HoughConfig.for_detector"),
    ],
)
def test_moved_names_forward_with_a_deprecation_warning(old: str, new: str) -> None:
    import importlib

    def resolve(path: str) -> object:
        module, attr = path.split(":")
        obj: object = importlib.import_module(module)
        for part in attr.split("."):
            obj = getattr(obj, part)
        return obj

    with pytest.warns(DeprecationWarning, match=f"{old.replace(':', '.')} is deprecated"):
        got = resolve(old)
    assert got == resolve(new)


def test_deprecated_codegen_writers_still_write(tmp_path: Path) -> None:
    from fasttrack import codegen, detector
    from fasttrack.hough import HoughConfig
    from fasttrack.hw import hough as hough_hw

    cfg = HoughConfig.for_detector(detector.barrel())
    with pytest.warns(DeprecationWarning, match="write_hough is deprecated"):
        paths = codegen.write_hough(cfg, tmp_path)
    assert {p.name: p.read_text() for p in paths} == hough_hw.files(cfg)

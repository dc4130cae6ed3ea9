"""Build folders, source hashing, locks, logged tool runs and progress for long builds.

Every hardware build (C-simulation testbenches, simulator models, yosys runs) lives in a
folder of its own under :func:`build_root`, named by a hash of everything that decides its
content (:func:`digest`), so a build is reused while its sources and config are unchanged.
Two runs may start the same build at once (two terminals, two pytest workers): each build
folder is held under an exclusive lock (:func:`locked`) for as long as a run builds or
uses it, so the second run waits (and says so) instead of corrupting the first.

A tool that fails raises :class:`BuildError`, which names the log file and shows its last
lines. Long tool runs show their elapsed time and current step on stderr
(:class:`Ticker`; off with ``FASTTRACK_NO_PROGRESS=1``).

Build root: ``$FASTTRACK_BUILD_DIR``; else the ``build/`` folder of the source checkout
the package runs from; else ``$XDG_CACHE_HOME/fasttrack`` (``~/.cache/fasttrack``).

Example
-------
>>> from fasttrack.hw import build
>>> key = build.digest([], "config-hash", "flags")
>>> len(key)
16
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from .sources import checkout_root

__all__ = [
    "BuildError",
    "Ticker",
    "build_dir",
    "build_root",
    "digest",
    "last_line",
    "locked",
    "progress_enabled",
    "run_logged",
    "tail",
    "yosys_step",
]


def build_root() -> Path:
    """The folder every build goes under (see the module docstring)."""
    env = os.environ.get("FASTTRACK_BUILD_DIR")
    if env:
        return Path(env).expanduser()
    top = checkout_root()
    if top is not None:
        return top / "build"
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "fasttrack"


def build_dir(kind: str) -> Path:
    """``build_root() / kind``: ``csim``, ``cosim``, ``synth``, ``timing``, ``modules`` ..."""
    return build_root() / kind


def digest(paths: Iterable[Path], *extra: str) -> str:
    """16 hex digits of SHA-256 over the files' names and contents and the ``extra`` strings."""
    h = hashlib.sha256()
    for text in extra:
        h.update(text.encode())
        h.update(b"\0")
    for p in paths:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


@contextmanager
def locked(folder: Path, *, say: Callable[[str], None] | None = None) -> Iterator[Path]:
    """Hold an exclusive lock on ``folder`` (through ``<folder>.lock`` beside it) while the
    block runs; a second holder waits, and ``say`` tells the user so."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    lock_path = folder.with_name(folder.name + ".lock")
    with open(lock_path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            (say or _stderr)(f"waiting for another run that holds {folder} ...")
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            yield folder
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def tail(path: Path, lines: int = 25) -> str:
    """The last ``lines`` lines of a text file ('' when it does not exist)."""
    if not path.exists():
        return ""
    text = path.read_text(errors="replace").splitlines()
    return "\n".join(text[-lines:])


class BuildError(RuntimeError):
    """A tool failed; the message names its log file and shows the log's last lines."""

    def __init__(self, what: str, log: Path, code: int | None = None, lines: int = 25) -> None:
        self.log = log
        status = "" if code is None else f" (exit {code})"
        shown = tail(log, lines)
        super().__init__(
            f"{what} failed{status}; log: {log}" + (f"\n--- last lines of the log ---\n{shown}" if shown else "")
        )


def progress_enabled() -> bool:
    """False under ``FASTTRACK_NO_PROGRESS=1`` (CI) or when stderr is not a terminal."""
    if os.environ.get("FASTTRACK_NO_PROGRESS", "") not in ("", "0"):
        return False
    return sys.stderr.isatty()


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class Ticker:
    """While its ``with`` block runs, print every ``every_s`` seconds the elapsed time and the
    current step (from ``step()``, e.g. the last pass in a log) on stderr."""

    def __init__(
        self, what: str, step: Callable[[], str] | None = None, *, every_s: float = 10.0, enabled: bool | None = None
    ) -> None:
        self.what, self.step, self.every_s = what, step, every_s
        self.enabled = progress_enabled() if enabled is None else enabled
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.t0 = 0.0

    def __enter__(self) -> Ticker:
        self.t0 = time.perf_counter()
        if self.enabled:
            self._thread = threading.Thread(target=self._loop, daemon=True)
            self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.wait(self.every_s):
            step = ""
            try:
                step = self.step() if self.step else ""
            except OSError:
                pass
            _stderr(f"... {self.what}: {time.perf_counter() - self.t0:.0f} s" + (f", {step}" if step else ""))

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    @property
    def elapsed_s(self) -> float:
        return time.perf_counter() - self.t0


def last_line(log: Path, width: int = 72) -> Callable[[], str]:
    """A step reader for :class:`Ticker`: the last non-empty line of ``log``, shortened."""

    def read() -> str:
        if not log.exists():
            return ""
        with open(log, "rb") as fh:
            fh.seek(max(0, fh.seek(0, os.SEEK_END) - 4096))
            lines = [ln for ln in fh.read().decode(errors="replace").splitlines() if ln.strip()]
        return lines[-1].strip()[:width] if lines else ""

    return read


_YOSYS_PASS = re.compile(r"^[\d.]+\s+Executing (.+?)(?: pass)?\b.*$", re.M)


def yosys_step(log: Path) -> Callable[[], str]:
    """A step reader for :class:`Ticker`: the last pass a yosys log announced."""

    def read() -> str:
        if not log.exists():
            return ""
        with open(log, "rb") as fh:
            fh.seek(max(0, fh.seek(0, os.SEEK_END) - 65536))
            found = _YOSYS_PASS.findall(fh.read().decode(errors="replace"))
        return f"pass {found[-1]}" if found else ""

    return read


def run_logged(
    cmd: Sequence[str],
    log: Path,
    *,
    what: str,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    step: Callable[[], str] | None = None,
) -> float:
    """Run ``cmd`` with its output in ``log``, showing progress; seconds taken.

    Raises :class:`BuildError` (log path and last lines) when the command fails.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as fh, Ticker(what, step or last_line(log)) as ticker:
        proc = subprocess.run(
            list(cmd), cwd=cwd, env=None if env is None else dict(env), stdout=fh, stderr=subprocess.STDOUT, check=False
        )
    if proc.returncode != 0:
        raise BuildError(what, log, proc.returncode)
    return ticker.elapsed_s

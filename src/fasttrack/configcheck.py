"""Checks every algorithm config runs on construction, and the warnings fasttrack issues.

* :func:`check_field_types`: an ``int`` field takes an integer (a NumPy integer is
  normalised to ``int``; ``48.5``, ``48.0``, ``"48"`` and ``True`` are refused), a
  ``float`` field a real number (not a string or a bool; NaN and infinities are refused
  by each config's range checks, which name the bound), tuples element by element, with
  a message naming the field;
* :func:`check_memory`: a grid whose tables or accumulators would not fit in this
  machine's memory is refused before anything is allocated, with the size it would need;
* :func:`check_known_fields`: an unknown keyword (a typo) is a TypeError that names the
  closest field.

Warnings: :class:`FasttrackWarning` is the base class of every warning fasttrack issues;
:class:`ConfigWarning` flags a config that is valid but ill-suited to its detector (cells
far coarser than the resolution, a parameter range that misses the acceptance; see
:mod:`fasttrack.derive`). Silence them with the standard filters, e.g.
``warnings.simplefilter("ignore", ConfigWarning)``.

Example
-------
>>> from fasttrack.configcheck import format_bytes
>>> format_bytes(3 * 2**30)
'3.0 GiB'
"""

from __future__ import annotations

import dataclasses
import difflib
import numbers
import os
import types
import typing
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

__all__ = [
    "ConfigWarning",
    "FasttrackWarning",
    "check_field_types",
    "check_known_fields",
    "check_memory",
    "format_bytes",
    "physical_memory_bytes",
]


class FasttrackWarning(UserWarning):
    """Base class of the warnings fasttrack issues."""


class ConfigWarning(FasttrackWarning):
    """A valid config that is ill-suited to its detector; the message says what to change."""


Fail = Callable[[str, str], Any]


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _is_int(v: Any) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _is_real(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _check_value(v: Any, hint: Any) -> str | None:
    """``None`` if ``v`` fits ``hint``, else what is wrong (only int, float, bool and tuples
    of them are checked; other hints pass)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is int:
        return None if _is_int(v) else f"must be an integer, got {type(v).__name__} {v!r}"
    if hint is float:  # NaN and infinities are left to the config's range checks, which name the bound
        return None if _is_real(v) else f"must be a number, got {type(v).__name__} {v!r}"
    if hint is bool:
        return None if isinstance(v, bool) else f"must be True or False, got {v!r}"
    if origin in (typing.Union, types.UnionType):
        if v is None and type(None) in args:
            return None
        problems = [_check_value(v, a) for a in args if a is not type(None)]
        return None if any(p is None for p in problems) else problems[0]
    if origin is tuple:
        if not isinstance(v, tuple):
            return f"must be a tuple, got {type(v).__name__} {v!r}"
        each = args[0] if len(args) == 2 and args[1] is Ellipsis else None
        for k, item in enumerate(v):  # lengths and shapes are left to the config's own checks
            if each is None and k >= len(args):
                break
            p = _check_value(item, each if each is not None else args[k])
            if p is not None:
                return f"[{k}] {p}"
    return None


def check_field_types(cfg: Any, fail: Fail) -> None:
    """Check every field of the dataclass ``cfg`` against its annotation (see the module
    docstring); ``fail(field, message)`` raises. NumPy integers in ``int`` fields become ``int``."""
    hints = _hints(type(cfg))
    for f in dataclasses.fields(cfg):
        v = getattr(cfg, f.name)
        hint = hints[f.name]
        if hint is int and _is_int(v) and type(v) is not int:
            object.__setattr__(cfg, f.name, int(v))
            continue
        problem = _check_value(v, hint)
        if problem is not None:
            fail(f.name, problem)


def check_known_fields(cls: type, names: Iterable[str], extras: Iterable[str] = ()) -> None:
    """A TypeError naming the closest field when ``names`` holds one ``cls`` does not have."""
    allowed = [f.name for f in dataclasses.fields(cls)] + list(extras)
    for name in names:
        if name not in allowed:
            close = difflib.get_close_matches(name, allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise TypeError(f"{cls.__name__} has no field {name!r}{hint}; fields: {', '.join(allowed)}")


@cache
def physical_memory_bytes() -> int:
    """This machine's physical memory (bytes); 2^40 when the system does not say."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 1 << 40


def format_bytes(n: float) -> str:
    """``n`` bytes in the largest binary unit that keeps it >= 1 (``'3.0 GiB'``)."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError  # pragma: no cover


def check_memory(fail: Fail, fieldname: str, need_bytes: float, what: str) -> None:
    """Refuse (``fail(fieldname, ...)``) a config whose tables and working arrays, ``what``,
    would take more than this machine's physical memory."""
    have = physical_memory_bytes()
    if need_bytes > have:
        fail(
            fieldname,
            f"gives a grid that would need {format_bytes(need_bytes)} ({what}); this machine has "
            f"{format_bytes(have)} of memory: use fewer cells",
        )


def worker_threads() -> int:
    """How many events are processed at once (numba's threads), for the memory estimate."""
    import numba

    return max(1, int(numba.get_num_threads()))

"""Config overrides: which names an algorithm's config takes, and checking values against them.

An *override* sets one field of an algorithm's config (``threshold = 4.5``) on top of the
preset's default (``default_config(det, **overrides)`` of :mod:`fasttrack.algorithms`).
The names are the fields of the config class (``dataclasses.fields``) plus the algorithm's
``config_hints`` and ``config_extras`` (the retina's ``roi_sigmas``); a value must fit the
field's type annotation, and TOML/JSON lists become tuples. A scan spec's ``[config]`` and
``[search.params]`` and the report's ``--config FILE`` follow these rules.

A rejected input raises :class:`ValueError` ``"<source>: <where> <what is wrong>"``, with a
"did you mean" for a misspelt name; the helpers :func:`fail`, :func:`fail_unknown`,
:func:`as_table` and :func:`checked` give other input checkers (the scan spec) the same form.

Example
-------
>>> from fasttrack.overrides import check_overrides
>>> check_overrides("retina", {"n_a": 96, "sigma": 1, "threshold": 4})
{'n_a': 96, 'sigma': 1.0, 'threshold': 4.0}
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import tomllib
import types
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from . import algorithms

__all__ = [
    "accepts",
    "as_table",
    "check_overrides",
    "checked",
    "coerce",
    "fail",
    "fail_unknown",
    "field_hints",
    "load_overrides",
    "read_mapping",
    "type_name",
]


# ------------------------------------------------------------------------------------------
# rejecting an input
# ------------------------------------------------------------------------------------------
def fail(source: str, where: str, msg: str) -> typing.NoReturn:
    """Reject an input: a ValueError ``"<source>: <where> <msg>"`` (source: the file, where: the key)."""
    raise ValueError(f"{source}: {where} {msg}")


def fail_unknown(source: str, where: str, key: str, allowed: Iterable[str]) -> typing.NoReturn:
    """Reject the unknown name ``key`` of ``where``, naming the closest allowed one and all of them.

    >>> fail_unknown("f.toml", "config", "treshold", ["threshold", "n_a"])
    Traceback (most recent call last):
    ...
    ValueError: f.toml: config has unknown key 'treshold' (did you mean 'threshold'?); allowed: threshold, n_a
    """
    allowed = list(allowed)
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    fail(source, where, f"has unknown key {key!r}{hint}; allowed: {', '.join(allowed)}")


def as_table(source: str, where: str, value: Any) -> Mapping[str, Any]:
    """``value`` if it is a mapping (a TOML table, a JSON object), else reject it."""
    if not isinstance(value, Mapping):
        fail(source, where, f"must be a table, got {type(value).__name__} {value!r}")
    return value


# ------------------------------------------------------------------------------------------
# types
# ------------------------------------------------------------------------------------------
def field_hints(algorithm: str) -> dict[str, Any]:
    """Override name -> expected type for an algorithm's config (fields + the spec's extras).

    >>> field_hints("retina")["n_a"]
    <class 'int'>
    """
    algo = algorithms.get(algorithm)
    cls = algo.config_class
    hints = typing.get_type_hints(cls)
    out = {f.name: hints[f.name] for f in dataclasses.fields(cls)}
    out.update(algo.config_hints)
    out.update(algo.config_extras)
    return out


def type_name(hint: Any) -> str:
    """A type annotation in words, for messages.

    >>> type_name(tuple[float, ...]), type_name(int | None), type_name(Literal["a", "b"])
    ('a list of float', 'int', "one of 'a', 'b'")
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(type_name(a) for a in args if a is not type(None))
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return f"a list of {type_name(args[0])}"
        return f"a list of {len(args)} values ({', '.join(type_name(a) for a in args)})"
    return getattr(hint, "__name__", str(hint))


def coerce(value: Any, hint: Any) -> Any:
    """``value`` converted to ``hint`` (lists become tuples, ints floats); TypeError if it does not fit.

    A bool is not an int, a float is not an int, and ``None`` never fits (TOML has no null).

    >>> coerce([1, 2.5], tuple[float, ...]), coerce(3, float | None)
    ((1.0, 2.5), 3.0)
    >>> coerce(96.5, int)
    Traceback (most recent call last):
    ...
    TypeError: must be int, got float 96.5
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is bool:
        if isinstance(value, bool):
            return value
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif hint is str:
        if isinstance(value, str):
            return value
    elif origin is Literal:
        if value in args and isinstance(value, str):
            return value
    elif origin in (typing.Union, types.UnionType):
        for option in args:
            if option is type(None):
                continue
            try:
                return coerce(value, option)
            except TypeError:
                pass
    elif origin is tuple and isinstance(value, (list, tuple)):
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(coerce(v, args[0]) for v in value)
        if len(value) == len(args):
            return tuple(coerce(v, a) for v, a in zip(value, args, strict=True))
    raise TypeError(f"must be {type_name(hint)}, got {type(value).__name__} {value!r}")


def accepts(hint: Any, value: Any) -> bool:
    """Whether ``value`` fits ``hint`` (:func:`coerce` would take it).

    >>> accepts(int, 1), accepts(int, 0.5), accepts(float, 1)
    (True, False, True)
    """
    try:
        coerce(value, hint)
    except TypeError:
        return False
    return True


def checked(source: str, where: str, value: Any, hint: Any) -> Any:
    """:func:`coerce`, rejecting a value that does not fit as ``"<source>: <where> must be ..."``."""
    try:
        return coerce(value, hint)
    except TypeError as err:
        fail(source, where, str(err))


# ------------------------------------------------------------------------------------------
# overrides
# ------------------------------------------------------------------------------------------
def check_overrides(
    algorithm: str, overrides: Mapping[str, Any], *, source: str = "<overrides>", where: str = "config"
) -> dict[str, Any]:
    """Validate config overrides against the algorithm's config fields; return them coerced.

    Names must be fields of the config class (``dataclasses.fields``) or the algorithm's
    extras (the retina's ``roi_sigmas``); values must fit the field's type (lists become
    tuples). ``source`` and ``where`` name the input in the ValueError of a bad one.

    >>> check_overrides("retina", {"n_a": 96, "sigma": 1})
    {'n_a': 96, 'sigma': 1.0}
    >>> check_overrides("retina", {"n_aa": 96})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: <overrides>: config has unknown key 'n_aa' (did you mean 'n_a'?); allowed: ...
    """
    hints = field_hints(algorithm)
    out: dict[str, Any] = {}
    for name, value in as_table(source, where, overrides).items():
        if name not in hints:
            fail_unknown(source, where, name, hints)
        out[name] = checked(source, f"{where}.{name}", value, hints[name])
    return out


def read_mapping(path: str | Path, what: str) -> dict[str, Any]:
    """The one table a TOML (``.toml``) or JSON (any other suffix) file holds.

    ``what`` names the file in the ValueError raised when it cannot be read or parsed or
    holds something other than one table (``"co-simulation JSON <path>: not valid JSON: ..."``).
    """
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as err:
        raise ValueError(f"{what} {path}: cannot read it ({err.strerror})") from None
    try:
        data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as err:
        kind = "TOML" if path.suffix == ".toml" else "JSON"
        raise ValueError(f"{what} {path}: not valid {kind}: {err}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{what} {path}: must hold one table/object, got {type(data).__name__}")
    return data


def load_overrides(path: str | Path, algorithm: str) -> dict[str, Any]:
    """Config overrides from a TOML or JSON file (a flat table ``field = value``), validated.

    A bad name or value raises ValueError naming the file and the key.
    """
    path = Path(path)
    return check_overrides(algorithm, read_mapping(path, "config file"), source=f"config file {path}", where="config")

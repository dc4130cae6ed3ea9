"""Modules that moved, kept importable for one release: their names warn and forward."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from typing import Any


def forwarder(old: str, targets: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for the moved module ``old``: ``name -> "module:attribute"``."""

    def __getattr__(name: str) -> Any:
        if name not in targets:
            raise AttributeError(f"module {old!r} has no attribute {name!r}")
        module, attr = targets[name].split(":")
        warnings.warn(f"{old}.{name} is deprecated; use {module}.{attr}", DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module(module), attr)

    return __getattr__

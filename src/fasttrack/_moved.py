"""Names that moved, kept importable for one release: they warn and forward."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from typing import Any


def forwarder(old: str, targets: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for the module ``old`` whose names moved:
    ``name -> "module:attribute"`` (the attribute may be dotted: ``"m:Class.method"``)."""

    def __getattr__(name: str) -> Any:
        if name not in targets:
            raise AttributeError(f"module {old!r} has no attribute {name!r}")
        module, attr = targets[name].split(":")
        warnings.warn(f"{old}.{name} is deprecated; use {module}.{attr}", DeprecationWarning, stacklevel=2)
        obj: Any = importlib.import_module(module)
        for part in attr.split("."):
            obj = getattr(obj, part)
        return obj

    return __getattr__

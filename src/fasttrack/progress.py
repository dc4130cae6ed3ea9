"""Progress bars for long work (tqdm), switched off with ``FASTTRACK_NO_PROGRESS=1``."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress_bar(
    items: Iterable[T], *, desc: str, unit: str = "it", disable: bool = False, total: int | None = None
) -> Iterator[T]:
    """Iterate ``items`` with a tqdm bar on stderr unless disabled (or env says so)."""
    off = disable or os.environ.get("FASTTRACK_NO_PROGRESS", "") not in ("", "0")
    yield from tqdm(items, desc=desc, unit=unit, disable=off, total=total, dynamic_ncols=True, leave=False)

"""Blocks of events for the numba kernels' ``prange``: each block allocates its work
arrays once and reuses them event after event, since allocating (and faulting in) a map
per event cost more than filling it."""

from __future__ import annotations

import numba as nb

EVENTS_PER_BLOCK = 64  # events per parallel work item


@nb.njit(cache=True)
def n_blocks(n_ev: int) -> int:
    """Blocks of about :data:`EVENTS_PER_BLOCK` events (at least one)."""
    return max(1, (n_ev + EVENTS_PER_BLOCK - 1) // EVENTS_PER_BLOCK)


@nb.njit(cache=True)
def block_events(blk: int, n_blk: int, n_ev: int) -> tuple[int, int]:
    """The events ``e0:e1`` of block ``blk`` of ``n_blk``."""
    return blk * n_ev // n_blk, (blk + 1) * n_ev // n_blk

"""What the reference finders (:class:`~fasttrack.retina.Retina`,
:class:`~fasttrack.hough.Hough`) share beyond their own ``run``: tracks alone, and one
event's map over the parameter grid."""

from __future__ import annotations

from typing import Any, Literal

import awkward as ak
import numpy as np
import pyarrow as pa

from .events import Events

__all__ = ["Mode", "OverflowFlags", "ReferenceFinder"]

Mode = Literal["float", "fixed"]


class OverflowFlags:
    """The per-event capacity flags of a finder's output (a dataclass with ``tracks``,
    ``n_hits_dropped``, ``n_candidates`` and ``event_number``): what the end-of-event word
    flags, and the events' numbers (labels, :attr:`fasttrack.events.Events.event_number`)."""

    tracks: ak.Array
    n_hits_dropped: np.ndarray
    n_candidates: np.ndarray
    event_number: np.ndarray | None

    @property
    def event_numbers(self) -> np.ndarray:
        """The number of each event (0..N-1 for an output built without them)."""
        if self.event_number is None:
            return np.arange(len(self.tracks), dtype=np.int64)
        return np.asarray(self.event_number)

    @property
    def overflow_event_numbers(self) -> np.ndarray:
        """Numbers of the events that lost hits or tracks to a capacity."""
        return self.event_numbers[self.hit_overflow | self.track_overflow]

    def track_table(self) -> pa.Table:
        """The tracks as a flat table, one row per track: ``event`` (the event number),
        ``track`` (index in its event), then the tracks' fields (``hit_ids`` as a list)."""
        counts = np.asarray(ak.num(self.tracks, axis=1), dtype=np.int64)
        starts = np.repeat(np.cumsum(counts) - counts, counts)
        flat = ak.flatten(self.tracks, axis=1)
        cols: dict[str, Any] = {
            "event": np.repeat(self.event_numbers, counts),
            "track": (np.arange(int(counts.sum())) - starts).astype(np.int32),
        }
        for name in self.tracks.fields:
            col = flat[name]
            cols[name] = ak.to_arrow(col, extensionarray=False) if col.ndim > 1 else ak.to_numpy(col)
        return pa.table(cols)

    @property
    def hit_overflow(self) -> np.ndarray:
        """Events that lost hits beyond the hit capacity."""
        return np.asarray(self.n_hits_dropped) > 0

    @property
    def track_overflow(self) -> np.ndarray:
        """Events that had more candidates than the output holds."""
        return np.asarray(self.n_candidates) > np.asarray(ak.num(self.tracks, axis=1))


class ReferenceFinder:
    """Base of the reference finders: subclasses give ``config`` and ``run(events, mode,
    keep_maps=...)`` returning an output with ``tracks`` and ``maps``."""

    config: Any

    def run(self, events: Events, mode: Mode = "fixed", *, keep_maps: bool = False) -> Any:  # pragma: no cover
        raise NotImplementedError

    def find(self, events: Events, mode: Mode = "fixed") -> ak.Array:
        """Tracks of every event (the output's ``tracks``)."""
        return self.run(events, mode).tracks

    def event_map(self, events: Events, index: int = 0, mode: Mode = "fixed") -> np.ndarray:
        """One event's map over the grid, shape (n_a, n_b): the retina's response, the
        Hough's layers per cell."""
        out = self.run(events[index], mode, keep_maps=True)
        assert out.maps is not None
        return np.asarray(out.maps[0])

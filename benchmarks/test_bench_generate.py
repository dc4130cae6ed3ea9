"""Generator throughput: events per second for each preset with its default event mix.

``make bench`` times these (pytest-benchmark, group ``generate``); under ``make test``
(``--benchmark-disable``) each runs once as a test. Every timed result is checked: the
number of events, and that the first and last events equal the same events generated on
their own (determinism: an event depends only on the seed and its number).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest

from fasttrack import detector, generate
from fasttrack.events import Events

# events per timed call: about 0.05-0.2 s each on one core
N_EVENTS = {"telescope": 2000, "barrel": 500, "velo": 100}
SEED = 2024


def _same_hits(a: Events, b: Events) -> bool:
    return a.hits.tolist() == b.hits.tolist() and (
        a.particles is not None and b.particles is not None and a.particles.tolist() == b.particles.tolist()
    )


@pytest.mark.parametrize("name", list(N_EVENTS))
def test_generate_events_per_second(benchmark: Any, name: str) -> None:
    det = detector.preset(name)
    n = N_EVENTS[name]
    generate.generate(det, 3, seed=1, progress=False)  # warm up: numba compiles or loads its cache
    durations: list[float] = []

    def run() -> Events:
        t0 = time.perf_counter()
        ev = generate.generate(det, n, seed=SEED, progress=False)
        durations.append(time.perf_counter() - t0)
        return ev

    benchmark.group = "generate"
    ev = benchmark(run)

    assert len(ev) == n and ev.seed == SEED and ev.first_event == 0
    assert ev.n_hits.sum() > 0 and ev.n_particles.sum() > 0
    assert _same_hits(ev[0], generate.generate(det, 1, seed=SEED, progress=False))
    assert _same_hits(ev[n - 1], generate.generate(det, 1, seed=SEED, first_event=n - 1))
    stats = getattr(benchmark, "stats", None)
    seconds = stats.stats.mean if stats is not None else float(np.mean(durations))
    benchmark.extra_info["events"] = n
    benchmark.extra_info["events_per_s"] = n / seconds
    benchmark.extra_info["hits_per_event"] = float(ev.n_hits.mean())

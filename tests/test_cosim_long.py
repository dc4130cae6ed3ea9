"""10⁵-event co-simulations of each kernel's RTL config (issue 16): bit-exact, every input
consumed, no X/Z, no protocol fault, the cycle model exact for every event.

Behind the ``longcosim`` marker, with the full-size builds the always-on suite leaves out
(the Hough telescope and the retina barrel, in tests/test_rtl_*.py): off by default, run
with ``make test-longcosim`` and quote the figures.
"""

from __future__ import annotations

import pytest

from fasttrack.hw import cosim

pytestmark = pytest.mark.longcosim


@pytest.mark.parametrize(("algorithm", "preset", "seed"), [("retina", "telescope", 31), ("hough", "barrel", 32)])
def test_100k_events_bit_exact_with_an_exact_cycle_model(algorithm: str, preset: str, seed: int) -> None:
    r = cosim.run_cosim(algorithm, preset, n_events=100_000, seed=seed)
    print(r.table())
    assert r.events == 100_000
    assert r.bit_exact and (r.mismatches, r.missing, r.extra) == (0, 0, 0), r.errors
    assert r.passed, r.failures  # X/Z, protocol, inputs consumed, cycle model
    assert r.model_exact

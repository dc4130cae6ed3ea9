"""Shared fixtures: generated samples of each preset (built once per session) and helpers."""

from __future__ import annotations

from collections.abc import Callable

import awkward as ak
import numpy as np
import pytest

from fasttrack import detector, generate
from fasttrack.events import Events

# events per preset sample: enough for the structural checks, cheap to generate
SAMPLE_SIZES = {"telescope": 400, "barrel": 60, "velo": 20}
SAMPLE_SEEDS = {"telescope": 101, "barrel": 202, "velo": 303}


def assert_awkward_equal(a: ak.Array | None, b: ak.Array | None, what: str) -> None:
    """Exact equality of two ``N * var * {record}`` arrays: type, counts, every field."""
    if a is None or b is None:
        assert a is None and b is None, f"{what}: one side is None"
        return
    assert str(a.type) == str(b.type), f"{what}: type {a.type} != {b.type}"
    np.testing.assert_array_equal(ak.num(a, axis=1), ak.num(b, axis=1), err_msg=f"{what}: counts")
    for name in a.fields:
        fa = ak.to_numpy(ak.flatten(a[name], axis=1))
        fb = ak.to_numpy(ak.flatten(b[name], axis=1))
        assert fa.dtype == fb.dtype, f"{what}.{name}: dtype {fa.dtype} != {fb.dtype}"
        np.testing.assert_array_equal(fa, fb, err_msg=f"{what}.{name}", strict=True)


def assert_events_equal(a: Events, b: Events, *, check_first_event: bool = True) -> None:
    """Exact equality of two samples, field by field (hits, particles, detector, seed, event
    numbers)."""
    assert len(a) == len(b)
    assert a.detector == b.detector
    assert a.seed == b.seed
    if check_first_event:
        assert a.first_event == b.first_event
        np.testing.assert_array_equal(a.event_number, b.event_number, strict=True)
    assert_awkward_equal(a.hits, b.hits, "hits")
    assert_awkward_equal(a.particles, b.particles, "particles")


@pytest.fixture(scope="session")
def events_equal() -> Callable[..., None]:
    """The exact comparison of two :class:`Events` (a fixture so every test module can use it)."""
    return assert_events_equal


@pytest.fixture(scope="session")
def preset_samples() -> dict[str, Events]:
    """One generated sample of each preset with its default event mix."""
    return {
        name: generate.generate(detector.preset(name), n, seed=SAMPLE_SEEDS[name], progress=False)
        for name, n in SAMPLE_SIZES.items()
    }


@pytest.fixture(params=sorted(SAMPLE_SIZES))
def preset_sample(request: pytest.FixtureRequest, preset_samples: dict[str, Events]) -> Events:
    """Each preset's sample in turn."""
    return preset_samples[request.param]


# ------------------------------------------------------------------------------------------
# the long runs: only when asked for by name
# ------------------------------------------------------------------------------------------
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``fullsynth`` (a full-size yosys run, up to about 50 min) run only when
    the ``-m`` expression names the marker (``make test-synth``: ``-m fullsynth``): a
    command line ``-m "not slow"`` replaces the default ``-m "not fullsynth"`` of
    pyproject's addopts and would otherwise start them by accident."""
    if "fullsynth" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="full-size synthesis: run with -m fullsynth (make test-synth)")
    for item in items:
        if item.get_closest_marker("fullsynth") is not None:
            item.add_marker(skip)

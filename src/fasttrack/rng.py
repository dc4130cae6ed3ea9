"""Counter-seeded random streams for numba kernels: xoshiro256** seeded by splitmix64.

Every event gets its own stream, a pure function of ``(seed, event number)`` with 64 bits
of each, so samples do not depend on threads or chunking, identical events do not recur
(numba's ``np.random.seed`` takes only 32 bits: about one repeated event per 10⁴ in a
million-event sample), and the numbers do not change when numba or numpy change their
own generators. A stream is a ``uint64[4]`` state array.

Samplers: uniform (53-bit), normal (Marsaglia polar), Poisson (multiplication for
λ < 10, Hörmann's PTRS transformed rejection above, as numpy does).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

__all__ = ["new_state", "next_u64", "normal", "poisson", "randint", "seed_state", "uniform", "uniform_range"]

_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)


@nb.njit(cache=True, inline="always")
def _splitmix64(x: np.uint64) -> tuple[np.uint64, np.uint64]:
    x = x + np.uint64(0x9E3779B97F4A7C15)
    z = x
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x, z ^ (z >> np.uint64(31))


@nb.njit(cache=True)
def seed_state(state: np.ndarray, seed: np.uint64, stream: np.uint64) -> None:
    """Fill ``state`` for stream ``stream`` of ``seed`` (both 64-bit)."""
    x, k = _splitmix64(np.uint64(seed))
    x = k ^ (np.uint64(stream) * np.uint64(0xD1B54A32D192ED03))
    for i in range(4):
        x, state[i] = _splitmix64(x)
    if state[0] == 0 and state[1] == 0 and state[2] == 0 and state[3] == 0:  # pragma: no cover
        state[0] = np.uint64(1)


def new_state(seed: int, stream: int = 0) -> np.ndarray:
    """A seeded state array (for use from Python and in tests)."""
    s = np.zeros(4, dtype=np.uint64)
    seed_state(s, np.uint64(seed), np.uint64(stream))
    return s


@nb.njit(cache=True, inline="always")
def _rotl(x: np.uint64, k: int) -> np.uint64:
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@nb.njit(cache=True)
def next_u64(s: np.ndarray) -> np.uint64:
    """xoshiro256** (Blackman & Vigna)."""
    result = _rotl(s[1] * np.uint64(5), 7) * np.uint64(9)
    t = s[1] << np.uint64(17)
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = _rotl(s[3], 45)
    return result


@nb.njit(cache=True)
def uniform(s: np.ndarray) -> float:
    """Uniform in [0, 1) with 53 random bits."""
    return float(next_u64(s) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@nb.njit(cache=True)
def uniform_range(s: np.ndarray, lo: float, hi: float) -> float:
    return lo + (hi - lo) * uniform(s)


@nb.njit(cache=True)
def randint(s: np.ndarray, n: int) -> int:
    """Uniform integer in [0, n)."""
    return min(int(uniform(s) * n), n - 1)


@nb.njit(cache=True)
def normal(s: np.ndarray) -> float:
    """Standard normal (Marsaglia polar method, one value per call)."""
    while True:
        u = 2.0 * uniform(s) - 1.0
        v = 2.0 * uniform(s) - 1.0
        r2 = u * u + v * v
        if 0.0 < r2 < 1.0:
            return u * math.sqrt(-2.0 * math.log(r2) / r2)


@nb.njit(cache=True)
def poisson(s: np.ndarray, lam: float) -> int:
    """Poisson-distributed integer of mean ``lam`` (0 for lam <= 0)."""
    if lam <= 0.0:
        return 0
    if lam < 10.0:
        enlam = math.exp(-lam)
        k = 0
        prod = 1.0
        while True:
            prod *= uniform(s)
            if prod > enlam:
                k += 1
            else:
                return k
    # PTRS: W. Hörmann, Insurance: Mathematics and Economics 12 (1993) 39
    slam = math.sqrt(lam)
    loglam = math.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    invalpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2.0)
    while True:
        u = uniform(s) - 0.5
        v = uniform(s)
        us = 0.5 - abs(u)
        k = int(math.floor((2.0 * a / us + b) * u + lam + 0.43))
        if us >= 0.07 and v <= vr:
            return k
        if k < 0 or (us < 0.013 and v > us):
            continue
        if (math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b)) <= (
            -lam + k * loglam - math.lgamma(k + 1.0)
        ):
            return k

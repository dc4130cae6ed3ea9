"""fasttrack.fixed against the real ap_fixed / ac_fixed headers and an exact rational model.

The C++ oracle (tests/cpp/fixed_oracle.cpp) is compiled once per session with g++ against
the vendored headers in hls/third_party/, for every type under test, into
build/fixed_oracle/<hash>/ (reused while sources and headers are unchanged). Every
comparison is exact equality of raw integers. Without g++ those tests skip.
"""

from __future__ import annotations

import hashlib
import math
import os
import random
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import numba as nb
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fasttrack import fixed
from fasttrack.fixed import OVERFLOW_MODES, ROUNDING_MODES, FixedType

REPO = Path(__file__).resolve().parents[1]
CPP_DIR = REPO / "tests" / "cpp"
AP_TYPES = REPO / "hls" / "third_party" / "ap_types"
AC_TYPES = REPO / "hls" / "third_party" / "ac_types" / "include"
BUILD_ROOT = REPO / "build" / "fixed_oracle"
CXX = os.environ.get("CXX", "g++")
CXXFLAGS = ["-std=c++17", "-O1", "-w"]
N_PARTS = 4  # translation units compiled in parallel

MODES = [(q, o) for q in ROUNDING_MODES for o in OVERFLOW_MODES]
HYP = settings(deadline=None, database=None, max_examples=300)

Shape = tuple[int, int, bool]  # (width, integer, signed)

# every rounding x overflow mode, ap_fixed and ac_fixed: widths 1..40, integer bits
# negative, zero, inside and above the width
FULL_SHAPES: list[Shape] = [
    (1, 1, True),
    (4, -2, True),
    (8, 3, True),
    (6, 9, True),
    (32, 16, True),
    (1, 0, False),
    (5, 7, False),
    (10, 3, False),
]
# more shapes, 7 modes each (diag_modes): every mode is used by three of them. The sets
# are kept small because each type costs g++ ~40 ms (see _COMPILE_COST).
DIAG_SHAPES: list[Shape] = [
    (1, -2, True),
    (2, 2, True),
    (5, 0, True),
    (12, -3, True),
    (16, 6, True),
    (20, 24, True),
    (40, 20, True),
    (53, 10, True),
    (62, 31, True),
    (2, 3, False),
    (16, 0, False),
    (31, 12, False),
    (62, 2, False),
]
# requantize (an ap_fixed assignment): (source, target); the source rounds TRN, wraps
FULL_PAIRS: list[tuple[Shape, Shape]] = [
    ((16, 6, True), (8, 3, True)),  # narrower, fewer fractional bits
    ((8, 8, False), (6, 4, True)),  # unsigned -> signed
    ((9, 3, True), (5, 1, False)),  # signed -> unsigned
]
DIAG_PAIRS: list[tuple[Shape, Shape]] = [
    ((62, 30, True), (30, 31, True)),  # widest source, LSB coarser than one
    ((10, 2, True), (10, 6, True)),  # rounding carry, more integer bits
    ((20, -2, True), (4, -4, True)),  # negative integer bits
    ((6, 2, True), (10, 8, True)),  # wider: the header skips its overflow check
    ((4, 1, True), (12, 6, True)),  # more fractional bits: no rounding
    ((8, 3, True), (1, 1, True)),  # one-bit target
    ((10, 5, True), (3, 8, True)),  # target LSB coarser than the whole source range
    ((12, 12, False), (8, 4, False)),  # unsigned -> unsigned
]
AP_INT_WIDTHS = [1, 5, 8, 13, 32, 40, 62]


def diag_modes(k: int) -> list[tuple[str, str]]:
    return [(q, OVERFLOW_MODES[(i + k) % 4]) for i, q in enumerate(ROUNDING_MODES)]


def shape_modes() -> list[tuple[Shape, list[tuple[str, str]]]]:
    return [(s, MODES) for s in FULL_SHAPES] + [(s, diag_modes(k)) for k, s in enumerate(DIAG_SHAPES)]


def pair_modes() -> list[tuple[Shape, Shape, list[tuple[str, str]]]]:
    return [(a, b, MODES) for a, b in FULL_PAIRS] + [(a, b, diag_modes(k)) for k, (a, b) in enumerate(DIAG_PAIRS)]


def ftype(shape: tuple[int, int, bool], q: str = "TRN", o: str = "WRAP") -> FixedType:
    return FixedType(shape[0], shape[1], shape[2], q, o)


# ---------------------------------------------------------------------------------------
# exact rational model (independent of fasttrack.fixed's bit manipulation)
# ---------------------------------------------------------------------------------------


def ref_round(v: Fraction, mode: str) -> int:
    fl = math.floor(v)
    rem = v - fl
    half = Fraction(1, 2)
    up = {
        "TRN": False,
        "TRN_ZERO": v < 0 and rem != 0,
        "RND": rem >= half,
        "RND_ZERO": rem > half or (rem == half and v < 0),
        "RND_MIN_INF": rem > half,
        "RND_INF": rem > half or (rem == half and v > 0),
        "RND_CONV": rem > half or (rem == half and fl % 2 == 1),
    }[mode]
    return fl + int(up)


def ref_fit(n: int, t: FixedType) -> int:
    lo, hi = t.min_raw, t.max_raw
    if t.overflow == "SAT_SYM" and t.signed and t.width > 1:
        lo += 1
    if lo <= n <= hi:
        return n
    if t.overflow == "WRAP":
        n %= 1 << t.width
        return n - (1 << t.width) if t.signed and n > t.max_raw else n
    if t.overflow == "SAT_ZERO":
        return 0
    return hi if n > hi else lo


def ref_quantize(v: Fraction, t: FixedType) -> int:
    return ref_fit(ref_round(v * Fraction(2) ** t.fractional, t.rounding), t)


# ---------------------------------------------------------------------------------------
# validation and spelling
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"width": 0, "integer": 0}, "width"),
        ({"width": 63, "integer": 0}, "width"),
        ({"width": 8.0, "integer": 0}, "width"),
        ({"width": True, "integer": 0}, "width"),
        ({"width": 8, "integer": 513}, "integer"),
        ({"width": 8, "integer": "3"}, "integer"),
        ({"width": 8, "integer": 3, "signed": 1}, "signed"),
        ({"width": 8, "integer": 3, "rounding": "AP_RND"}, "rounding"),
        ({"width": 8, "integer": 3, "rounding": "rnd"}, "rounding"),
        ({"width": 8, "integer": 3, "overflow": "SATURATE"}, "overflow"),
    ],
)
def test_invalid_types_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValueError, match=rf"FixedType\.{field}"):
        FixedType(**kwargs)  # type: ignore[arg-type]


def test_numpy_integers_are_accepted_and_stored_as_int() -> None:
    t = FixedType(np.int64(8), np.int32(3), np.bool_(False))  # type: ignore[arg-type]
    assert type(t.width) is int and type(t.integer) is int and t.signed is False
    assert t == FixedType(8, 3, False)
    assert hash(t) == hash(FixedType(8, 3, False))


@pytest.mark.parametrize(
    ("t", "cpp", "ac"),
    [
        (
            FixedType(16, 6, True, "RND_CONV", "SAT"),
            "ap_fixed<16,6,AP_RND_CONV,AP_SAT>",
            "ac_fixed<16,6,true,AC_RND_CONV,AC_SAT>",
        ),
        (FixedType(8, 8, False), "ap_ufixed<8,8>", "ac_fixed<8,8,false>"),
        (FixedType(10, -2, True, "RND"), "ap_fixed<10,-2,AP_RND>", "ac_fixed<10,-2,true,AC_RND>"),
        (
            FixedType(10, 12, False, "TRN", "SAT_SYM"),
            "ap_ufixed<10,12,AP_TRN,AP_SAT_SYM>",
            "ac_fixed<10,12,false,AC_TRN,AC_SAT_SYM>",
        ),
        (FixedType.ap_int(12), "ap_fixed<12,12,AP_TRN_ZERO>", "ac_fixed<12,12,true,AC_TRN_ZERO>"),
        (FixedType.ap_uint(7), "ap_ufixed<7,7,AP_TRN_ZERO>", "ac_fixed<7,7,false,AC_TRN_ZERO>"),
        (
            FixedType(12, 12, True, "TRN_ZERO", "SAT"),
            "ap_fixed<12,12,AP_TRN_ZERO,AP_SAT>",
            "ac_fixed<12,12,true,AC_TRN_ZERO,AC_SAT>",
        ),
    ],
)
def test_cpp_and_ac_spelling(t: FixedType, cpp: str, ac: str) -> None:
    assert t.cpp_type() == cpp
    assert t.ac_type() == ac


def test_properties() -> None:
    t = FixedType(8, 3)
    assert (t.fractional, t.lsb, t.min_raw, t.max_raw) == (5, 1 / 32, -128, 127)
    assert (t.min_value, t.max_value) == (-4.0, 127 / 32)
    u = FixedType(4, 6, signed=False, rounding="RND_INF", overflow="SAT_ZERO")
    assert (u.fractional, u.lsb, u.min_raw, u.max_raw) == (-2, 4.0, 0, 15)
    assert ROUNDING_MODES[u.rounding_code] == "RND_INF" and u.rounding_code == fixed.Q_RND_INF
    assert OVERFLOW_MODES[u.overflow_code] == "SAT_ZERO" and u.overflow_code == fixed.O_SAT_ZERO


def test_bad_inputs_are_rejected() -> None:
    t = FixedType(8, 3)
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError, match="NaN or infinite"):
            t.quantize([0.0, bad])
    with pytest.raises(TypeError, match="real numbers"):
        t.quantize(["1.0"])
    with pytest.raises(TypeError, match="real numbers"):
        t.quantize(np.array([1 + 1j]))
    with pytest.raises(ValueError, match="outside"):
        t.requantize([200], from_type=FixedType(8, 3))
    with pytest.raises(TypeError, match="integers"):
        t.requantize([1.5], from_type=FixedType(8, 3))
    with pytest.raises(TypeError, match="integers"):
        t.to_float([1.5])
    with pytest.raises(TypeError, match="FixedType"):
        t.requantize([1], from_type="ap_fixed<8,3>")  # type: ignore[arg-type]


def test_shapes_and_integer_inputs() -> None:
    t = FixedType(8, 3, rounding="RND")
    x = np.arange(12, dtype=np.float64).reshape(3, 4) / 7
    assert t.quantize(x).shape == (3, 4)
    assert t.quantize(x).dtype == np.int64
    assert t.quantize(0.25).shape == ()
    assert t.quantize(np.float32(0.25)) == 8
    # integers are taken exactly (an ap_fixed built from a C++ integer)
    big = np.array([2**61 + 1, -(2**61) - 1], dtype=np.int64)
    assert FixedType(62, 62).quantize(big).tolist() == [-(2**61) + 1, 2**61 - 1]  # wrapped
    assert FixedType(62, 62, overflow="SAT").quantize(big).tolist() == [2**61 - 1, -(2**61)]
    assert FixedType(4, 4).quantize(np.array([True, False])).tolist() == [1, 0]


# ---------------------------------------------------------------------------------------
# properties against the exact rational model
# ---------------------------------------------------------------------------------------

types_st = st.builds(
    FixedType,
    width=st.integers(1, fixed.MAX_WIDTH),
    integer=st.integers(-40, 80),
    signed=st.booleans(),
    rounding=st.sampled_from(ROUNDING_MODES),
    overflow=st.sampled_from(OVERFLOW_MODES),
)


@st.composite
def type_and_values(draw: st.DrawFn) -> tuple[FixedType, list[float]]:
    """A type and doubles around its range, on its LSB grid, on ties, and anywhere."""
    t = draw(types_st)
    near = st.builds(
        lambda k, f: math.ldexp(k + f, -t.fractional),
        st.integers(t.min_raw * 2 - 4, t.max_raw * 2 + 4),
        st.sampled_from([0.0, 0.5, 0.25, 0.75, 2.0**-30, 1 - 2.0**-30]),
    )
    anywhere = st.floats(allow_nan=False, allow_infinity=False)
    return t, draw(st.lists(st.one_of(near, anywhere), min_size=1, max_size=20))


@HYP
@given(type_and_values())
def test_quantize_is_the_exact_rational_model(tv: tuple[FixedType, list[float]]) -> None:
    t, xs = tv
    assert t.quantize(np.array(xs)).tolist() == [ref_quantize(Fraction(x), t) for x in xs]


@HYP
@given(types_st, types_st, st.data())
def test_requantize_is_the_exact_rational_model(src: FixedType, dst: FixedType, data: st.DataObject) -> None:
    raws = data.draw(st.lists(st.integers(src.min_raw, src.max_raw), min_size=1, max_size=20))
    expected = [ref_quantize(Fraction(r) * Fraction(2) ** -src.fractional, dst) for r in raws]
    if src == dst:  # a C++ copy: SAT_SYM keeps a most negative value
        expected = raws
    assert dst.requantize(np.array(raws), from_type=src).tolist() == expected


@HYP
@given(types_st.filter(lambda t: t.width <= 53), st.data())
def test_quantize_of_to_float_is_the_identity(t: FixedType, data: st.DataObject) -> None:
    raws = np.array(data.draw(st.lists(st.integers(t.min_raw, t.max_raw), min_size=1)))
    back = t.quantize(t.to_float(raws))
    if t.overflow == "SAT_SYM" and t.signed and t.width > 1:
        # the one exception: SAT_SYM never yields the most negative raw value
        raws = np.where(raws == t.min_raw, t.min_raw + 1, raws)
    np.testing.assert_array_equal(back, raws)
    assert (t.requantize(raws, from_type=replace(t, overflow="WRAP")) == back).all()


@HYP
@given(type_and_values())
def test_saturating_modes_stay_in_range_and_wrap_is_modular(tv: tuple[FixedType, list[float]]) -> None:
    t, xs = tv
    x = np.array(xs)
    wrapped = replace(t, overflow="WRAP").quantize(x)
    sat = replace(t, overflow="SAT").quantize(x)
    assert ((sat >= t.min_raw) & (sat <= t.max_raw)).all()
    sym = replace(t, overflow="SAT_SYM").quantize(x)
    assert ((sym >= (t.min_raw + (t.signed and t.width > 1))) & (sym <= t.max_raw)).all()
    # WRAP is the exactly rounded value modulo 2**width; in range, SAT changes nothing
    rounded = [ref_round(Fraction(v) * Fraction(2) ** t.fractional, t.rounding) for v in xs]
    for k, n in enumerate(rounded):
        m = n % (1 << t.width)
        assert wrapped[k] == (m - (1 << t.width) if t.signed and m > t.max_raw else m)
        if t.min_raw <= n <= t.max_raw:
            assert sat[k] == n


# ---------------------------------------------------------------------------------------
# integer helpers
# ---------------------------------------------------------------------------------------

int64s = st.integers(-(2**62), 2**62 - 1)


@HYP
@given(int64s, int64s.filter(lambda b: b != 0))
def test_div_trunc_and_rem_trunc_are_cpp_division(a: int, b: int) -> None:
    q = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)  # C++: toward zero
    assert fixed.div_trunc(a, b) == q
    assert fixed.rem_trunc(a, b) == a - b * q


def test_div_trunc_examples() -> None:
    cases = [(-7, 2), (7, -2), (-7, -2), (7, 2)]
    assert [fixed.div_trunc(a, b) for a, b in cases] == [-3, -3, 3, 3]
    assert [fixed.rem_trunc(a, b) for a, b in cases] == [-1, 1, -1, 1]


def test_div_trunc_by_zero_raises() -> None:
    with pytest.raises(ZeroDivisionError):
        fixed.div_trunc(1, 0)


@HYP
@given(int64s, int64s, st.integers(1, 62), st.booleans())
def test_wrap_saturate_and_sat_add(a: int, b: int, width: int, signed: bool) -> None:
    t = FixedType(width, width, signed)
    m = (a + b) % (1 << width)
    assert fixed.wrap(a + b, width, signed) == (m - (1 << width) if m > t.max_raw else m)
    assert fixed.sat_add(a, b, width, signed) == min(max(a + b, t.min_raw), t.max_raw)
    assert fixed.saturate(a, width, signed) == min(max(a, t.min_raw), t.max_raw)


@HYP
@given(st.integers(-(2**63), 2**63 - 1), st.integers(0, 200), st.integers(1, 62), st.booleans())
def test_shifts(x: int, n: int, width: int, signed: bool) -> None:
    assert fixed.shift_right(x, n) == x >> n
    m = (x << n) % (1 << width)
    expect = m - (1 << width) if signed and m >= (1 << (width - 1)) else m
    assert fixed.shift_left(x, n, width, signed) == expect


@HYP
@given(st.integers(-(2**63), 2**63 - 1), st.integers(-200, 200), types_st)
def test_quantize_raw_is_exact_for_any_int64_and_shift(x: int, shift: int, t: FixedType) -> None:
    got = fixed.quantize_raw(x, shift, t.width, t.signed, t.rounding_code, t.overflow_code)
    assert got == ref_fit(ref_round(Fraction(x) * Fraction(2) ** -shift, t.rounding), t)


def test_helpers_are_callable_from_other_kernels() -> None:
    @nb.njit
    def accumulate(raws: np.ndarray, shift: int) -> int:
        acc = 0
        for r in raws:
            q = fixed.quantize_raw(r, shift, 8, True, fixed.Q_RND_CONV, fixed.O_SAT)
            acc = fixed.sat_add(acc, q, 10, True)
        return fixed.div_trunc(acc, -3)

    raws = np.array([1000, 333, -7] + [4000] * 4, dtype=np.int64)
    t = FixedType(8, 8, rounding="RND_CONV", overflow="SAT")
    assert t.requantize(raws, from_type=FixedType(20, 16)).tolist() == [62, 21, 0] + [127] * 4
    assert accumulate(raws, 4) == -170  # 591 saturates to 511 (10 bits); 511 / -3 -> -170


# ---------------------------------------------------------------------------------------
# the C++ oracle
# ---------------------------------------------------------------------------------------


# tests/cpp/fixed_oracle.cpp reads requests such as "apf 16 6 1 RND_CONV SAT 0x1.8p+1" and
# prints the raw value the headers produce; its header comment lists the operations.


def _key5(t: FixedType) -> str:
    return f"{t.width} {t.integer} {int(t.signed)} {t.rounding} {t.overflow}"


def _reg5(t: FixedType) -> str:
    return f"{t.width}, {t.integer}, {int(t.signed)}, {t.rounding}, {t.overflow}"


# ac_fixed keeps the most negative raw when an AC_SAT_SYM source is assigned without
# rounding to an AC_SAT_SYM type; ap_fixed maps it to -max (see FixedType.ac_type). The
# first pair is an identical type: a C++ copy for both.
SYM_PAIRS: list[tuple[Shape, Shape]] = [
    ((8, 4, True), (8, 4, True)),
    ((8, 4, True), (10, 4, True)),
    ((8, 4, True), (8, 5, True)),
]


def _oracle_registrations() -> list[str]:
    regs: list[str] = []
    for shape, modes in shape_modes():
        for q, o in modes:
            t = ftype(shape, q, o)
            regs += [f"REG_APF({_reg5(t)})", f"REG_ACF({_reg5(t)})"]
    for w in AP_INT_WIDTHS:
        regs += [f"REG_API({w}, 1)", f"REG_API({w}, 0)"]
    for (w2, i2, s2), dst, modes in pair_modes():
        for q, o in modes:
            for kind in ("APR", "ACR"):
                regs.append(f"REG_{kind}({w2}, {i2}, {int(s2)}, WRAP, {_reg5(ftype(dst, q, o))})")
    for (w2, i2, _), dst in SYM_PAIRS:
        target = _reg5(ftype(dst, "TRN", "SAT_SYM"))
        regs += [f"REG_{kind}({w2}, {i2}, 1, SAT_SYM, {target})" for kind in ("APR", "ACR")]
    return regs


# g++ -O1 time per instantiation (ms, measured): the ap_fixed(double) constructor dominates
_COMPILE_COST = {"REG_APF": 45.0, "REG_APR": 40.0, "REG_ACR": 23.0, "REG_ACF": 12.0, "REG_API": 10.0}


def _build_oracle() -> Path:
    """Compile the oracle for every type under test, cached in build/ by source hash."""
    parts: list[list[str]] = [[] for _ in range(N_PARTS)]
    load = [0.0] * N_PARTS
    for reg in sorted(_oracle_registrations(), key=lambda r: -_COMPILE_COST[r[:7]]):
        k = load.index(min(load))  # balance the translation units by compile time
        parts[k].append(reg)
        load[k] += _COMPILE_COST[reg[:7]]
    sources = {
        f"oracle_types_{k}.cpp": '#define FT_TYPES_PART\n#include "fixed_oracle.cpp"\n'
        f"void register_part_{k}(Registry& r) {{\n" + "\n".join(part) + "\n}\n"
        for k, part in enumerate(parts)
    }
    sources["oracle_parts.inc"] = (
        "".join(f"void register_part_{k}(Registry&);\n" for k in range(N_PARTS))
        + "void register_all(Registry& r) {\n"
        + "".join(f"  register_part_{k}(r);\n" for k in range(N_PARTS))
        + "}\n"
    )
    version = subprocess.run([CXX, "--version"], capture_output=True, text=True, check=True)
    h = hashlib.sha256(version.stdout.encode() + " ".join(CXXFLAGS).encode())
    for name, text in sorted(sources.items()):
        h.update(name.encode() + text.encode())
    for p in sorted([CPP_DIR / "fixed_oracle.cpp", *AP_TYPES.rglob("*.h"), *AC_TYPES.rglob("*.h")]):
        h.update(str(p.relative_to(REPO)).encode() + p.read_bytes())
    final = BUILD_ROOT / h.hexdigest()[:16]
    exe = final / "fixed_oracle"
    if exe.exists():
        return exe
    BUILD_ROOT.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="tmp-", dir=BUILD_ROOT))
    try:
        for name, text in sources.items():
            (tmp / name).write_text(text)
        inc = ["-isystem", str(AP_TYPES), "-isystem", str(AC_TYPES), "-I", str(CPP_DIR), "-I", str(tmp)]
        units = [CPP_DIR / "fixed_oracle.cpp", *(tmp / n for n in sources if n.endswith(".cpp"))]
        jobs = [
            (
                u,
                subprocess.Popen(
                    [CXX, *CXXFLAGS, *inc, "-c", str(u), "-o", str(tmp / f"{k}.o")],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                ),
            )
            for k, u in enumerate(units)
        ]
        failures = []
        for unit, job in jobs:
            out, _ = job.communicate()
            if job.returncode:
                failures.append(f"compiling {unit} failed:\n{out[-4000:]}")
        if failures:
            raise RuntimeError("\n".join(failures))
        objs = [str(tmp / f"{k}.o") for k in range(len(units))]
        subprocess.run([CXX, *objs, "-o", str(tmp / "fixed_oracle")], check=True)
        try:
            tmp.rename(final)
        except OSError:  # another session built the same sources meanwhile
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return exe


@dataclass(frozen=True)
class Oracle:
    exe: Path

    def run(self, lines: Sequence[str]) -> np.ndarray:
        """One raw per request line, from the compiled headers."""
        proc = subprocess.run(
            [str(self.exe)], input="\n".join(lines) + "\n", capture_output=True, text=True, check=False
        )
        out = proc.stdout.splitlines()
        unknown = [line for line in out if line.startswith("ERR")]
        assert proc.returncode == 0 and not unknown, f"oracle stale or failed: {unknown[:3]}"
        assert len(out) == len(lines), "the oracle dropped requests"
        return np.array(out, dtype=np.int64)


@pytest.fixture(scope="session")
def oracle() -> Oracle:
    if shutil.which(CXX) is None:
        pytest.skip(
            f"{CXX} not found on PATH: the cross-check against the ap_fixed/ac_fixed headers needs a C++17 compiler"
        )
    return Oracle(_build_oracle())


# ---- values under test --------------------------------------------------------------


def values_for(t: FixedType, seed: int) -> np.ndarray:
    """Doubles for a shape: random, exact ties, both overflow edges, extremes."""
    rng = random.Random(seed)
    lo, hi, f = t.min_raw, t.max_raw, t.fractional
    span = hi - lo + 1
    raws: list[float] = []
    if t.width <= 8:  # every eighth of an LSB over the range and four LSBs beyond
        raws += [k / 8 for k in range((lo - 4) * 8, (hi + 5) * 8)]
    else:
        for _ in range(300):
            k = rng.randint(lo - span // 4, hi + span // 4)
            raws.append(k + rng.choice([0.0, 0.5, 0.25, 0.75, rng.random()]))
        raws += [k + 0.5 for k in range(-25, 25)]  # ties near zero, both signs
    for edge in (lo, hi, lo + 1, hi - 1, 0, -1, 1, hi + 1, lo - 1):
        raws += [edge + d for d in (-2.0, -1.5, -1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)]
    xs = [math.ldexp(r, -f) for r in raws]
    for _ in range(60):  # any exponent near the type, any mantissa
        e = rng.randint(-f - 60, t.integer + 70)
        xs.append(math.ldexp(rng.choice([-1, 1]) * rng.getrandbits(53) / 2.0**53, e))
    xs += [0.0, -0.0, 5e-324, -5e-324, 1e-300, -1e-300, 1e300, -1e300, 2.0**63, -(2.0**63)]
    return np.array(xs, dtype=np.float64)


def ac_expected(t: FixedType, x: np.ndarray) -> tuple[np.ndarray, int]:
    """quantize() with the ac_fixed difference documented in FixedType.ac_type.

    Returns the expected raws and how many of them the difference changed.
    """
    out = t.quantize(x)
    if t.signed and t.width % 32 == 0 and t.overflow == "SAT_ZERO":
        quirk = (x < t.min_value) & (out == t.min_raw)  # below range, rounded up into it
        out[quirk] = 0
        return out, int(quirk.sum())
    return out, 0


AC_SAFE = 2.0**-900  # ac_fixed(double) loses bits of inputs this close to zero


def _compare(label: str, got: np.ndarray, expected: np.ndarray, inputs: Sequence[object]) -> str:
    """Empty if equal, else a report of the first mismatches."""
    bad = np.flatnonzero(got != expected)
    if not bad.size:
        return ""
    rows = [f"  input {inputs[k]!r}: C++ {got[k]}, python {expected[k]}" for k in bad[:5]]
    return f"{label}: {bad.size} of {got.size} differ\n" + "\n".join(rows)


def _from_double(oracle: Oracle, op: str) -> tuple[int, int]:
    """Compare every type under test; returns (values compared, ac differences seen)."""
    lines: list[str] = []
    expected: list[np.ndarray] = []
    spans: list[tuple[str, int, list[str]]] = []
    quirks = 0
    for n, (shape, modes) in enumerate(shape_modes()):
        x = values_for(ftype(shape), seed=n)
        if op == "acf":
            x = x[(x == 0) | (np.abs(x) >= AC_SAFE)]
        hexes = [v.hex() for v in x.tolist()]
        for q, o in modes:
            t = ftype(shape, q, o)
            spans.append((t.cpp_type() if op == "apf" else t.ac_type(), len(lines), hexes))
            lines += [f"{op} {_key5(t)} {hx}" for hx in hexes]
            if op == "acf":
                exp, k = ac_expected(t, x)
                quirks += k
            else:
                exp = t.quantize(x)
            expected.append(exp)
    got = oracle.run(lines)
    exp_all = np.concatenate(expected)
    reports = [_compare(name, got[s : s + len(hx)], exp_all[s : s + len(hx)], hx) for name, s, hx in spans]
    reports = [r for r in reports if r]
    assert not reports, "\n".join(reports[:10])
    return len(lines), quirks


def test_ap_fixed_from_double(oracle: Oracle) -> None:
    n, _ = _from_double(oracle, "apf")
    assert n > 150_000


def test_ac_fixed_from_double(oracle: Oracle) -> None:
    _, quirks = _from_double(oracle, "acf")
    assert quirks > 0  # the documented AC_SAT_ZERO difference is real, not hypothetical


def test_ap_int_from_double(oracle: Oracle) -> None:
    """ap_int<W>(x) truncates toward zero and wraps, but yields 1 for -0.5 < x < 0."""
    lines: list[str] = []
    expected: list[np.ndarray] = []
    inputs: list[str] = []
    bug_seen = 0
    for w in AP_INT_WIDTHS:
        for signed in (True, False):
            t = FixedType.ap_int(w) if signed else FixedType.ap_uint(w)
            x = values_for(t, seed=w)
            lines += [f"api {w} {int(signed)} {v.hex()}" for v in x.tolist()]
            inputs += [f"ap_{'' if signed else 'u'}int<{w}>({v.hex()})" for v in x.tolist()]
            exp = t.quantize(x)
            header_bug = (x > -0.5) & (x < 0)
            exp[header_bug] = fixed.wrap(1, w, signed)
            bug_seen += int(header_bug.sum())
            expected.append(exp)
    report = _compare("ap_int", oracle.run(lines), np.concatenate(expected), inputs)
    assert not report, report
    assert bug_seen > 0


@pytest.mark.parametrize("op", ["apr", "acr"])
def test_requantize(oracle: Oracle, op: str) -> None:
    rng = random.Random(7)
    lines: list[str] = []
    expected: list[np.ndarray] = []
    inputs: list[str] = []
    for src_shape, dst_shape, modes in pair_modes():
        src = ftype(src_shape)
        for q, o in modes:
            dst = ftype(dst_shape, q, o)
            raws = _raws_for(src, dst, rng)
            head = f"{op} {src.width} {src.integer} {int(src.signed)} WRAP"
            lines += [f"{head} {r} {_key5(dst)}" for r in raws]
            inputs += [f"{dst.cpp_type()} = {src.cpp_type()} raw {r}" for r in raws]
            expected.append(dst.requantize(np.array(raws), from_type=src))
    report = _compare(op, oracle.run(lines), np.concatenate(expected), inputs)
    assert not report, report
    assert len(lines) > 10_000


def _raws_for(src: FixedType, dst: FixedType, rng: random.Random) -> list[int]:
    """Every source raw for narrow sources, else random raws, edges and exact ties."""
    if src.width <= 12:
        return list(range(src.min_raw, src.max_raw + 1))
    raws = [rng.randint(src.min_raw, src.max_raw) for _ in range(400)]
    shift = max(src.fractional - dst.fractional, 0)
    half = 1 << (shift - 1) if shift else 0
    for base in (0, src.min_raw, src.max_raw, dst.max_raw << shift, dst.min_raw << shift):
        for d in range(-3, 4):
            raws += [base + d, base + (d << shift) + half, base + (d << shift) - half]
    return sorted({min(max(r, src.min_raw), src.max_raw) for r in raws})


def test_sat_sym_source_ap_versus_ac(oracle: Oracle) -> None:
    """ap maps the most negative raw to -max unless it is a copy; ac keeps it more often."""
    for (w2, i2, _), dst_shape in SYM_PAIRS:
        src, dst = FixedType(w2, i2, overflow="SAT_SYM"), ftype(dst_shape, "TRN", "SAT_SYM")
        raws = np.arange(src.min_raw, src.max_raw + 1)
        ours = dst.requantize(raws, from_type=src)
        ap = oracle.run([f"apr {w2} {i2} 1 SAT_SYM {r} {_key5(dst)}" for r in raws])
        ac = oracle.run([f"acr {w2} {i2} 1 SAT_SYM {r} {_key5(dst)}" for r in raws])
        np.testing.assert_array_equal(ap, ours)
        np.testing.assert_array_equal(ac[1:], ours[1:])
        if dst == src:  # a copy: the bits stay
            assert ours[0] == ap[0] == ac[0] == src.min_raw
        elif dst.fractional >= src.fractional:  # no rounding; lands on the most negative
            assert src.min_raw << (dst.fractional - src.fractional) == dst.min_raw
            assert (ap[0], ac[0]) == (dst.min_raw + 1, dst.min_raw)
        else:  # -8.0 into ap_fixed<8,5>: not the most negative value, no difference
            assert ap[0] == ac[0] == ours[0] == -64


# ---- the checker can fail -----------------------------------------------------------

# Modes that no value can tell apart on an unsigned type that saturates: they differ
# only on negative values, which all end at 0.
_UNSIGNED_SAT_SAME_Q = [{"TRN", "TRN_ZERO"}, {"RND", "RND_INF"}, {"RND_ZERO", "RND_MIN_INF"}]


def _equivalent(signed: bool, a: tuple[str, str], b: tuple[str, str]) -> bool:
    (q, o), (q2, o2) = a, b
    if signed:
        return a == b
    same_o = o == o2 or {o, o2} == {"SAT", "SAT_SYM"}
    saturating = "WRAP" not in (o, o2)
    same_q = q == q2 or (saturating and {q, q2} in _UNSIGNED_SAT_SAME_Q)
    return same_o and same_q


@pytest.mark.parametrize("shape", [(8, 3, True), (6, 9, True), (32, 16, True), (10, 3, False)])
def test_every_wrong_mode_is_caught(oracle: Oracle, shape: Shape) -> None:
    """Python run with any other mode than C++ is reported, unless the modes are the same."""
    x = values_for(ftype(shape), seed=0)
    hexes = [v.hex() for v in x.tolist()]
    lines = [f"apf {_key5(ftype(shape, q, o))} {hx}" for q, o in MODES for hx in hexes]
    got = oracle.run(lines).reshape(len(MODES), len(x))
    for i, mode in enumerate(MODES):
        for wrong in MODES:
            caught = bool(_compare("", got[i], ftype(shape, *wrong).quantize(x), hexes))
            assert caught != _equivalent(shape[2], mode, wrong), (shape, mode, wrong)


def test_a_flipped_bit_is_caught(oracle: Oracle) -> None:
    t = FixedType(32, 16, rounding="RND_CONV", overflow="SAT")
    x = values_for(t, seed=1)
    got = oracle.run([f"apf {_key5(t)} {v.hex()}" for v in x.tolist()])
    expected = t.quantize(x)
    assert _compare("ok", got, expected, x.tolist()) == ""
    expected[17] ^= 1
    report = _compare("planted", got, expected, x.tolist())
    assert report.startswith("planted: 1 of") and repr(x.tolist()[17]) in report

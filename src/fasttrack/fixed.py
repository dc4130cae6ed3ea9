"""Fixed-point types with exactly the semantics of Xilinx ``ap_fixed`` / ``ap_ufixed`` / ``ap_int``.

A :class:`FixedType` is ``(width, integer, signed, rounding, overflow)`` with the meaning
of ``ap_fixed<W,I,Q,O>`` (``ap_ufixed`` when unsigned): a value is held as a raw integer
of ``width`` bits, ``value = raw * 2**-(width - integer)``. ``integer`` may be negative,
zero or larger than ``width``.

Converting a number to a type (:meth:`FixedType.quantize`, :meth:`FixedType.requantize`)
first *rounds* the exact value to a multiple of the LSB, then handles *overflow*, as the
Xilinx headers do:

=========== ===========================================================================
rounding    a value between two LSB steps goes to ...
=========== ===========================================================================
TRN         the lower one (floor; the default)
TRN_ZERO    the one nearer zero
RND         the nearer one; ties go up (toward +inf)
RND_ZERO    the nearer one; ties go toward zero
RND_MIN_INF the nearer one; ties go down (toward -inf)
RND_INF     the nearer one; ties go away from zero
RND_CONV    the nearer one; ties go to the even raw value
=========== ===========================================================================

=========== ===========================================================================
overflow    a rounded raw value outside ``[min_raw, max_raw]`` becomes ...
=========== ===========================================================================
WRAP        its low ``width`` bits (two's complement; the default)
SAT         the nearest end of the range
SAT_ZERO    zero
SAT_SYM     the nearest end of ``[-max_raw, max_raw]`` (signed; unsigned: as SAT). The
            most negative raw value is never produced, not even for an in-range input:
            ``ap_fixed<8,4,AP_TRN,AP_SAT_SYM>(-8.0)`` holds ``-7.9375``. The exception is
            ``width == 1``, where the headers keep ``-1`` (SAT_SYM acts as SAT there).
=========== ===========================================================================

This is checked bit for bit against the headers vendored in ``hls/third_party`` (Xilinx
ap_types, Algorithmic C ac_types 4.8) by ``tests/test_fixed.py``.

``FixedType.ap_int(W)`` / ``FixedType.ap_uint(W)`` give the conversion semantics of
``ap_int<W>`` / ``ap_uint<W>`` (truncate toward zero, then wrap):
``(W, W, signed, "TRN_ZERO", "WRAP")``, spelled ``ap_fixed<W,W,AP_TRN_ZERO>`` by
:meth:`FixedType.cpp_type`. That spelling is deliberate: the ap_int headers themselves
get two fractional cases wrong, and ``ap_fixed<W,W,AP_TRN_ZERO>`` does not:

* ``ap_int<W>(x)`` for a double ``-0.5 < x < 0`` holds ``+1`` (wrapped to ``W`` bits:
  the shifted magnitude is set to ``-1`` before the final negation), not ``0``;
* ``ap_int<W>`` assigned from an ``ap_fixed`` with ``I <= 0`` is wrong for negative
  values (``I == 0``: ``-1`` instead of ``0``) or uninitialised (``I < 0``).

Assigning an identical type is a C++ copy, not a conversion: the bits stay as they are
(:meth:`FixedType.requantize` does the same), which matters only for SAT_SYM holding
the most negative value.

Everything is exact integer arithmetic: a double is a dyadic rational ``m * 2**e`` and is
rounded from its exact bits, never through a float multiplication. Widths are limited to
:data:`MAX_WIDTH` (62) bits so raw values and the sum of two of them fit in ``int64``.

The scalar helpers (:func:`quantize_raw`, :func:`apply_overflow`, :func:`wrap`,
:func:`saturate`, :func:`sat_add`, :func:`shift_right`, :func:`shift_left`,
:func:`div_trunc`, :func:`rem_trunc`) are ``numba.njit`` functions that other kernels
call directly; pass modes as the integer codes ``Q_*`` / ``O_*`` (or
``FixedType.rounding_code`` / ``overflow_code``).

Example
-------
>>> from fasttrack.fixed import FixedType
>>> t = FixedType(8, 3, rounding="RND_CONV", overflow="SAT")
>>> t.cpp_type()
'ap_fixed<8,3,AP_RND_CONV,AP_SAT>'
>>> t.quantize([0.1, 2.5 / 32, 3.5 / 32, 100.0, -100.0]).tolist()  # LSB 1/32, ties to even
[3, 2, 4, 127, -128]
>>> float(t.to_float(t.quantize(1.23)))
1.21875
>>> FixedType(4, 1, overflow="SAT").requantize(t.quantize(1.23), from_type=t).tolist()
7
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from typing import Final

import numba as nb
import numpy as np
import numpy.typing as npt

__all__ = [
    "MAX_ABS_INTEGER",
    "MAX_WIDTH",
    "OVERFLOW_MODES",
    "O_SAT",
    "O_SAT_SYM",
    "O_SAT_ZERO",
    "O_WRAP",
    "Q_RND",
    "Q_RND_CONV",
    "Q_RND_INF",
    "Q_RND_MIN_INF",
    "Q_RND_ZERO",
    "Q_TRN",
    "Q_TRN_ZERO",
    "ROUNDING_MODES",
    "FixedType",
    "apply_overflow",
    "div_trunc",
    "mod_centred",
    "quantize_raw",
    "rem_trunc",
    "round_shift_right",
    "sat_add",
    "saturate",
    "shift_left",
    "shift_right",
    "wrap",
]

MAX_WIDTH: Final = 62
"""Largest supported ``width``: raw values and the sum of two of them fit in int64."""
MAX_ABS_INTEGER: Final = 512
"""Largest supported ``abs(integer)``; keeps every LSB a normal double."""

# Mode codes, usable as compile-time constants inside numba kernels.
Q_TRN: Final = 0
Q_TRN_ZERO: Final = 1
Q_RND: Final = 2
Q_RND_ZERO: Final = 3
Q_RND_MIN_INF: Final = 4
Q_RND_INF: Final = 5
Q_RND_CONV: Final = 6
O_WRAP: Final = 0
O_SAT: Final = 1
O_SAT_ZERO: Final = 2
O_SAT_SYM: Final = 3

ROUNDING_MODES: Final = ("TRN", "TRN_ZERO", "RND", "RND_ZERO", "RND_MIN_INF", "RND_INF", "RND_CONV")
"""Rounding mode names; a mode's code is its index here."""
OVERFLOW_MODES: Final = ("WRAP", "SAT", "SAT_ZERO", "SAT_SYM")
"""Overflow mode names; a mode's code is its index here."""

_LOW63: Final = 0x7FFF_FFFF_FFFF_FFFF
_TWO53: Final = 9007199254740992.0


# ---------------------------------------------------------------------------------------
# integer helpers (numba)
# ---------------------------------------------------------------------------------------


@nb.njit(cache=True)
def wrap(x: int, width: int, signed: bool) -> int:
    """The low ``width`` bits of ``x`` as an ``ap_int<width>`` (signed) or ``ap_uint``."""
    m = 1 << width
    v = x & (m - 1)
    if signed and v >= (m >> 1):
        v -= m
    return v


@nb.njit(cache=True)
def mod_centred(x: int | np.int64, period: int | np.int64) -> int:
    """``x`` reduced modulo ``period`` (> 0) into ``[−h, period − h)``, ``h = period >> 1``.

    The modular compare of a coordinate that is a turn of ``period`` LSBs (the φ wrap,
    :mod:`fasttrack.azimuth`). When ``period = 2^w`` it equals :func:`wrap` to ``w`` bits
    signed, i.e. the low ``w`` bits of a two's-complement difference: no logic in hardware.
    """
    h = period >> 1
    return int((x + h) % period - h)  # Python/numba % of a positive period is >= 0 (floor mod)


@nb.njit(cache=True)
def saturate(x: int, width: int, signed: bool) -> int:
    """``x`` clamped to the range of a ``width``-bit signed or unsigned integer."""
    hi = (1 << (width - 1 if signed else width)) - 1
    lo = -hi - 1 if signed else 0
    if x > hi:
        return hi
    if x < lo:
        return lo
    return x


@nb.njit(cache=True)
def sat_add(a: int, b: int, width: int, signed: bool) -> int:
    """``a + b`` saturated to ``width`` bits; ``-2**62 <= a, b < 2**62`` (raws of <= 62 bits)."""
    return saturate(a + b, width, signed)


@nb.njit(cache=True)
def shift_right(x: int, n: int) -> int:
    """Arithmetic shift right (``floor(x / 2**n)``, as ``>>`` on a signed ``ap_int``); n >= 0."""
    if n < 0:
        raise ValueError("shift_right: negative shift")
    if n > 63:
        n = 63
    return x >> n


@nb.njit(cache=True)
def shift_left(x: int, n: int, width: int, signed: bool) -> int:
    """``x << n`` kept to ``width`` bits, as ``<<`` on an ``ap_int<width>``; n >= 0."""
    if n < 0:
        raise ValueError("shift_left: negative shift")
    if n >= 64:
        return 0
    return wrap(x << n, width, signed)  # int64 << keeps the low 64 bits: enough to wrap


@nb.njit(cache=True)
def div_trunc(a: int, b: int) -> int:
    """``a / b`` truncated toward zero, as C++ integer ``/`` (``|a|, |b| < 2**63``)."""
    if b == 0:
        raise ZeroDivisionError("div_trunc: division by zero")
    q = abs(a) // abs(b)
    if (a < 0) != (b < 0):
        return -q
    return q


@nb.njit(cache=True)
def rem_trunc(a: int, b: int) -> int:
    """``a - b * div_trunc(a, b)``, as C++ integer ``%`` (sign of ``a``)."""
    return a - b * div_trunc(a, b)


@nb.njit(cache=True)
def round_shift_right(raw: int, shift: int, rounding: int) -> int:
    """``raw * 2**-shift`` rounded to an integer with ``rounding`` (a ``Q_*`` code); shift >= 1.

    Exact for every int64 ``raw`` and any ``shift >= 1``; the result never overflows.
    """
    neg = raw < 0
    if shift <= 63:
        q = raw >> shift
        qb = ((raw >> (shift - 1)) & 1) != 0  # the first dropped bit (weight 1/2)
        sticky = (raw & ((1 << (shift - 1)) - 1)) != 0  # any bit below it
    else:  # every bit of raw is dropped; bits above 63 repeat the sign
        q = raw >> 63
        qb = neg
        sticky = (raw & _LOW63) != 0 or (shift > 64 and neg)
    if rounding == Q_TRN:
        inc = False
    elif rounding == Q_TRN_ZERO:
        inc = neg and (qb or sticky)
    elif rounding == Q_RND:
        inc = qb
    elif rounding == Q_RND_ZERO:
        inc = qb and (neg or sticky)
    elif rounding == Q_RND_MIN_INF:
        inc = qb and sticky
    elif rounding == Q_RND_INF:
        inc = qb and (not neg or sticky)
    elif rounding == Q_RND_CONV:
        inc = qb and ((q & 1) != 0 or sticky)
    else:
        raise ValueError("round_shift_right: unknown rounding code")
    return q + 1 if inc else q


@nb.njit(cache=True)
def apply_overflow(n: int, width: int, signed: bool, overflow: int) -> int:
    """Fit the (already rounded) raw value ``n`` to ``width`` bits with ``overflow`` (``O_*``)."""
    hi = (1 << (width - 1 if signed else width)) - 1
    lo = -hi - 1 if signed else 0
    # SAT_SYM never yields the most negative value (except at width 1: see module doc)
    sym_lo = lo + 1 if (overflow == O_SAT_SYM and signed and width > 1) else lo
    if sym_lo <= n <= hi:
        return n
    if overflow == O_WRAP:
        return wrap(n, width, signed)
    if overflow == O_SAT_ZERO:
        return 0
    if overflow == O_SAT or overflow == O_SAT_SYM:
        return hi if n > hi else sym_lo
    raise ValueError("apply_overflow: unknown overflow code")


@nb.njit(cache=True)
def quantize_raw(raw: int, shift: int, width: int, signed: bool, rounding: int, overflow: int) -> int:
    """Convert ``raw * 2**-shift`` (in units of the target LSB) to a ``width``-bit raw value.

    ``shift`` is the number of extra fractional bits of ``raw`` (negative: ``raw`` is in
    coarser units). Rounds with ``rounding`` then handles overflow with ``overflow``, as an
    ``ap_fixed`` assignment does. Exact for every int64 ``raw`` and any ``shift``.
    """
    if shift > 0:
        return apply_overflow(round_shift_right(raw, shift, rounding), width, signed, overflow)
    k = -shift
    if raw == 0 or k == 0:
        return apply_overflow(raw, width, signed, overflow)
    if overflow == O_WRAP:
        return 0 if k >= 64 else wrap(raw << k, width, signed)
    # exact raw * 2**k may not fit in int64: decide the range first
    hi = (1 << (width - 1 if signed else width)) - 1
    lo = -hi - 1 if signed else 0
    if k >= 63:
        too_high = raw > 0
        too_low = raw < 0
    else:
        too_high = raw > (hi >> k)
        too_low = raw < -((-lo) >> k)
    if too_high:
        return apply_overflow(hi + 1, width, signed, overflow)
    if too_low:
        return apply_overflow(lo - 1, width, signed, overflow)
    return apply_overflow(raw << k, width, signed, overflow)


@nb.njit(cache=True)
def _quantize_float_array(
    x: np.ndarray, frac: int, width: int, signed: bool, rounding: int, overflow: int
) -> np.ndarray:
    out = np.empty(x.size, np.int64)
    for k in range(x.size):
        m, e = math.frexp(x[k])  # x = m * 2**e exactly, 0.5 <= |m| < 1
        mant = int(m * _TWO53)  # exact: |mant| < 2**53
        out[k] = quantize_raw(mant, 53 - e - frac, width, signed, rounding, overflow)
    return out


@nb.njit(cache=True)
def _quantize_int_array(
    raw: np.ndarray, shift: int, width: int, signed: bool, rounding: int, overflow: int
) -> np.ndarray:
    out = np.empty(raw.size, np.int64)
    for k in range(raw.size):
        out[k] = quantize_raw(raw[k], shift, width, signed, rounding, overflow)
    return out


# ---------------------------------------------------------------------------------------
# the type
# ---------------------------------------------------------------------------------------


def _as_int(name: str, value: object) -> int:
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"FixedType.{name} must be an integer, got {value!r}")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError(f"FixedType.{name} must be an integer, got {value!r}") from None


@dataclass(frozen=True)
class FixedType:
    """A fixed-point type with the semantics of ``ap_fixed<W,I,Q,O>`` / ``ap_ufixed``.

    Parameters
    ----------
    width: total bits ``W``, 1..62.
    integer: integer bits ``I`` (sign bit included when signed), -512..512; may exceed
        ``width`` or be negative. The LSB is ``2**-(width - integer)``.
    signed: ``ap_fixed`` (True) or ``ap_ufixed`` (False).
    rounding: one of :data:`ROUNDING_MODES` (``"TRN"`` = ``AP_TRN``, ...).
    overflow: one of :data:`OVERFLOW_MODES` (``"WRAP"`` = ``AP_WRAP``, ...).

    Example
    -------
    >>> FixedType(16, 6, rounding="RND_CONV", overflow="SAT").cpp_type()
    'ap_fixed<16,6,AP_RND_CONV,AP_SAT>'
    >>> FixedType(8, 8, signed=False).cpp_type(), FixedType.ap_int(12).cpp_type()
    ('ap_ufixed<8,8>', 'ap_fixed<12,12,AP_TRN_ZERO>')
    """

    width: int
    integer: int
    signed: bool = True
    rounding: str = "TRN"
    overflow: str = "WRAP"

    def __post_init__(self) -> None:
        width = _as_int("width", self.width)
        integer = _as_int("integer", self.integer)
        if not 1 <= width <= MAX_WIDTH:
            raise ValueError(f"FixedType.width must be in 1..{MAX_WIDTH} (raw values are int64), got {width}")
        if not -MAX_ABS_INTEGER <= integer <= MAX_ABS_INTEGER:
            raise ValueError(f"FixedType.integer must be in -{MAX_ABS_INTEGER}..{MAX_ABS_INTEGER}, got {integer}")
        if not isinstance(self.signed, bool | np.bool_):
            raise ValueError(f"FixedType.signed must be True or False, got {self.signed!r}")
        if self.rounding not in ROUNDING_MODES:
            raise ValueError(
                f"FixedType.rounding must be one of {', '.join(ROUNDING_MODES)} "
                f"(without the AP_ prefix), got {self.rounding!r}"
            )
        if self.overflow not in OVERFLOW_MODES:
            raise ValueError(
                f"FixedType.overflow must be one of {', '.join(OVERFLOW_MODES)} "
                f"(without the AP_ prefix), got {self.overflow!r}"
            )
        object.__setattr__(self, "width", width)
        object.__setattr__(self, "integer", integer)
        object.__setattr__(self, "signed", bool(self.signed))

    # -- constructors -----------------------------------------------------------------

    @classmethod
    def ap_int(cls, width: int) -> FixedType:
        """Conversions as into ``ap_int<width>``: truncate toward zero, then wrap.

        Spelled ``ap_fixed<width,width,AP_TRN_ZERO>`` in C++ (see the module docstring for
        the two cases where ``ap_int`` itself differs).
        """
        return cls(width, width, True, "TRN_ZERO", "WRAP")

    @classmethod
    def ap_uint(cls, width: int) -> FixedType:
        """Conversions as into ``ap_uint<width>``: truncate toward zero, then wrap."""
        return cls(width, width, False, "TRN_ZERO", "WRAP")

    # -- properties -------------------------------------------------------------------

    @property
    def fractional(self) -> int:
        """Fractional bits ``width - integer`` (negative when ``integer > width``)."""
        return self.width - self.integer

    @property
    def lsb(self) -> float:
        """Value of one raw step, ``2**-fractional`` (exact)."""
        return math.ldexp(1.0, -self.fractional)

    @property
    def min_raw(self) -> int:
        """Most negative raw value (``-2**(width-1)``, or 0 when unsigned)."""
        return -(1 << (self.width - 1)) if self.signed else 0

    @property
    def max_raw(self) -> int:
        """Largest raw value (``2**(width-1) - 1``, or ``2**width - 1`` when unsigned)."""
        return (1 << (self.width - 1 if self.signed else self.width)) - 1

    @property
    def min_value(self) -> float:
        """``min_raw * lsb`` (SAT_SYM never produces it: see the module docstring)."""
        return math.ldexp(float(self.min_raw), -self.fractional)

    @property
    def max_value(self) -> float:
        """``max_raw * lsb``, rounded to the nearest double when ``width > 53``."""
        return math.ldexp(float(self.max_raw), -self.fractional)

    @property
    def rounding_code(self) -> int:
        """The ``Q_*`` code of :attr:`rounding`, for numba kernels."""
        return ROUNDING_MODES.index(self.rounding)

    @property
    def overflow_code(self) -> int:
        """The ``O_*`` code of :attr:`overflow`, for numba kernels."""
        return OVERFLOW_MODES.index(self.overflow)

    # -- C++ spellings ----------------------------------------------------------------

    def cpp_type(self) -> str:
        """The Xilinx HLS type, trailing defaults omitted: ``'ap_fixed<16,6,AP_RND,AP_SAT>'``."""
        args = [str(self.width), str(self.integer)]
        if self.rounding != "TRN" or self.overflow != "WRAP":
            args.append("AP_" + self.rounding)
        if self.overflow != "WRAP":
            args.append("AP_" + self.overflow)
        return f"ap_{'' if self.signed else 'u'}fixed<{','.join(args)}>"

    def ac_type(self) -> str:
        """The Algorithmic C type, e.g. ``'ac_fixed<16,6,true,AC_RND_CONV,AC_SAT>'``.

        The conversions agree with :meth:`quantize` and :meth:`requantize` (checked against
        the ac_types 4.8 headers) except in these cases, where ac_fixed differs from
        ``ap_fixed``:

        * ``AC_SAT_ZERO`` with a signed ``W`` that is a multiple of 32: a negative double
          below the range that *rounds up* to exactly the most negative value gives 0
          (ac checks the overflow of its 32-bit words before rounding); ap_fixed keeps
          the most negative value.
        * ``ac_fixed(double)`` scales the double by ``2**-(I+...)`` in floating point
          first, so an input that becomes subnormal loses bits (``-5e-324`` with AC_TRN
          gives 0, not -1 LSB). Only inputs within about ``2**(I-1000)`` of zero are
          affected.
        * Assigning an ``ac_fixed`` whose own mode is ``AC_SAT_SYM`` to an ``AC_SAT_SYM``
          type without dropping fractional bits keeps the most negative raw value (ac
          trusts the source to be symmetric already); ap_fixed maps it to ``-max_raw``.
        * ``ac_int<W,S>`` built from a double rounds toward minus infinity (it is
          ``ac_fixed<W,W,S>``); the :meth:`ap_int` type is ``ac_fixed<W,W,S,AC_TRN_ZERO>``.
        * ac adds ``AC_RND_CONV_ODD`` (ties to odd), which has no ap_fixed counterpart
          and no :class:`FixedType` mode.
        """
        args = [str(self.width), str(self.integer), "true" if self.signed else "false"]
        if self.rounding != "TRN" or self.overflow != "WRAP":
            args.append("AC_" + self.rounding)
        if self.overflow != "WRAP":
            args.append("AC_" + self.overflow)
        return f"ac_fixed<{','.join(args)}>"

    # -- conversions ------------------------------------------------------------------

    def quantize(self, x: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Raw values of this type constructed from ``x``, as ``ap_fixed<...> v = x`` does.

        ``x``: floats (any finite double, rounded from its exact value) or integers
        (taken exactly, as an ``ap_fixed`` built from a C++ integer). Returns int64 raws of
        the same shape; ``value = raw * lsb``.
        """
        arr = np.asarray(x)
        kind = arr.dtype.kind
        if kind in "biu":
            if kind == "u" and arr.size and int(arr.max()) > _LOW63:
                raise ValueError("FixedType.quantize: unsigned integers above 2**63-1")
            raw = np.ascontiguousarray(arr, dtype=np.int64).ravel()
            out = _quantize_int_array(
                raw, -self.fractional, self.width, self.signed, self.rounding_code, self.overflow_code
            )
        elif kind == "f":
            if arr.dtype.itemsize > 8:
                raise ValueError(
                    "FixedType.quantize: long double input would be rounded to double; "
                    "convert it yourself if that is what you want"
                )
            flt = np.ascontiguousarray(arr, dtype=np.float64).ravel()
            if not np.isfinite(flt).all():
                raise ValueError("FixedType.quantize: NaN or infinite input has no fixed value")
            out = _quantize_float_array(
                flt, self.fractional, self.width, self.signed, self.rounding_code, self.overflow_code
            )
        else:
            raise TypeError(f"FixedType.quantize: expected real numbers, got dtype {arr.dtype}")
        return out.reshape(arr.shape)

    def requantize(self, raw: npt.ArrayLike, from_type: FixedType) -> npt.NDArray[np.int64]:
        """Raws of this type assigned from raws of ``from_type`` (``ap_fixed`` ``operator=``).

        Exact integer arithmetic: rounds away the extra fractional bits of ``from_type``
        with this type's rounding, then applies this type's overflow mode. When
        ``from_type`` equals this type the raws are returned unchanged, as a C++ copy.
        """
        if not isinstance(from_type, FixedType):
            raise TypeError(f"requantize: from_type must be a FixedType, got {from_type!r}")
        arr = np.asarray(raw)
        if arr.dtype.kind not in "biu":
            raise TypeError(f"requantize: raw values must be integers, got dtype {arr.dtype}")
        src = np.ascontiguousarray(arr, dtype=np.int64).ravel()
        if src.size and (src.min() < from_type.min_raw or src.max() > from_type.max_raw):
            raise ValueError(
                f"requantize: raw values outside [{from_type.min_raw}, {from_type.max_raw}] "
                f"cannot be raws of {from_type.cpp_type()}"
            )
        if from_type == self:
            return src.reshape(arr.shape).copy()
        out = _quantize_int_array(
            src, from_type.fractional - self.fractional, self.width, self.signed, self.rounding_code, self.overflow_code
        )
        return out.reshape(arr.shape)

    def to_float(self, raw: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """``raw * lsb`` as float64 (exact when ``|raw| < 2**53``, else nearest double)."""
        arr = np.asarray(raw)
        if arr.dtype.kind not in "biu":
            raise TypeError(f"to_float: raw values must be integers, got dtype {arr.dtype}")
        return np.ldexp(arr.astype(np.float64), -self.fractional)

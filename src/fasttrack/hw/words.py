"""Bit layouts of the stream words, one definition for Python, C++ and SystemVerilog.

The RTL and HLS kernels read field positions from the generated package and header
(``IN_<FIELD>_LSB``, ``IN_<FIELD>_BITS``, ``OUT_...``; :mod:`fasttrack.hw.codegen` writes
them from these layouts), and the cocotb driver and scoreboard pack and unpack words with
the same :class:`WordLayout`, so no two sides can disagree about a field. Each
algorithm's layouts are in its hardware module (:mod:`fasttrack.hw.retina`,
:mod:`fasttrack.hw.hough`).

Example
-------
>>> lay = WordLayout((Field("a", 3), Field("b", 4, signed=True)))
>>> w = lay.pack({"a": 5, "b": -2})
>>> hex(w), lay.unpack(w)
('0x75', {'a': 5, 'b': -2})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["EVENT_TAG_BITS", "Field", "WordLayout"]

EVENT_TAG_BITS = 16  # the event number carried by output words, modulo 2^16


@dataclass(frozen=True)
class Field:
    """One field of a word: name, width, two's complement or unsigned, and what it holds
    (documentation only: the bit-map tables of ``hdl/README.md`` print it)."""

    name: str
    bits: int
    signed: bool = False
    doc: str = field(default="", compare=False)


@dataclass(frozen=True)
class WordLayout:
    """Fields packed from bit 0 upwards in the order given."""

    fields: tuple[Field, ...]

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate field names in {names}")
        for f in self.fields:
            if f.bits < 1:
                raise ValueError(f"field {f.name!r} needs at least 1 bit (got {f.bits})")

    @property
    def bits(self) -> int:
        return sum(f.bits for f in self.fields)

    @property
    def tdata_bits(self) -> int:
        """The AXI4-Stream TDATA width: the word padded with zeros to a whole number of bytes."""
        return -(-self.bits // 8) * 8

    def markdown(self) -> str:
        """The bit map as a Markdown table: bits, field, width, signedness, meaning."""
        rows = ["| bits | field | width | type | meaning |", "|---|---|---|---|---|"]
        for f in self.fields:
            lo = self.lsb(f.name)
            span = f"{lo}" if f.bits == 1 else f"{lo + f.bits - 1}:{lo}"
            rows.append(f"| {span} | `{f.name}` | {f.bits} | {'signed' if f.signed else 'unsigned'} | {f.doc} |")
        if self.tdata_bits > self.bits:
            hi, lo = self.tdata_bits - 1, self.bits
            rows.append(f"| {hi if hi == lo else f'{hi}:{lo}'} | (padding) | {hi - lo + 1} | | 0 out, ignored in |")
        return "\n".join(rows)

    def lsb(self, name: str) -> int:
        pos = 0
        for f in self.fields:
            if f.name == name:
                return pos
            pos += f.bits
        raise KeyError(name)

    def pack(self, values: Mapping[str, int]) -> int:
        """The word holding ``values`` (missing fields are 0); a value that does not fit
        its field raises ``ValueError`` naming the field."""
        unknown = set(values) - {f.name for f in self.fields}
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)}")
        word, pos = 0, 0
        for f in self.fields:
            v = int(values.get(f.name, 0))
            lo, hi = (-(1 << (f.bits - 1)), (1 << (f.bits - 1)) - 1) if f.signed else (0, (1 << f.bits) - 1)
            if not lo <= v <= hi:
                raise ValueError(
                    f"field {f.name!r} = {v} does not fit {f.bits} {'signed' if f.signed else 'unsigned'} bits"
                )
            word |= (v & ((1 << f.bits) - 1)) << pos
            pos += f.bits
        return word

    @classmethod
    def from_fields(cls, fields: list[tuple[str, int, bool]] | list[list[Any]]) -> WordLayout:
        """The layout of ``[(name, bits, signed), ...]`` (as :meth:`to_fields` lists it)."""
        return cls(tuple(Field(str(n), int(b), bool(s)) for n, b, s in fields))

    def to_fields(self) -> list[tuple[str, int, bool]]:
        """``[(name, bits, signed), ...]``: the layout as JSON-ready data (for the cocotb harness)."""
        return [(f.name, f.bits, f.signed) for f in self.fields]

    def unpack(self, word: int) -> dict[str, int]:
        out, pos = {}, 0
        for f in self.fields:
            v = (word >> pos) & ((1 << f.bits) - 1)
            if f.signed and v >> (f.bits - 1):
                v -= 1 << f.bits
            out[f.name] = v
            pos += f.bits
        return out

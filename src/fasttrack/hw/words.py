"""Bit layouts of the RTL stream words, one definition for Python and SystemVerilog.

The RTL reads field positions from the generated SV package (``IN_<FIELD>_LSB``,
``IN_<FIELD>_BITS``, ``OUT_...``; :mod:`fasttrack.codegen` writes them from these layouts)
and the cocotb driver and monitor pack and unpack words with the same :class:`WordLayout`,
so the two sides cannot disagree about a field.

Retina input: one lane per detector layer; a lane carries its layer's hits of an event,
the last one flagged ``last`` (a layer without hits sends one word with ``is_hit = 0,
last = 1``). ``seq`` is the hit's position in the event's input order, saturated at the
field's largest value (the golden model's capacity rule: hits with ``seq >= MAX_HITS`` are
dropped and counted).

Hough input: one lane; one word per hit in input order (``eoe = 0``), then the
end-of-event word (``eoe = 1``, other fields 0). Hough output: the HLS kernel's stream
(``hls/hough/hough.h``): per output candidate a track word (``kind = HOUGH_KIND_TRACK``)
and its hit-id words (``HOUGH_KIND_HIT``), then the end-of-event word
(``HOUGH_KIND_EOE``, ``last = 1``) with the counters; every word carries the event tag.

Retina output: one word per track (``last = 0``), then the end-of-event word (``last =
1``) with the counters; fields that do not apply to a word are 0.

Example
-------
>>> lay = WordLayout((Field("a", 3), Field("b", 4, signed=True)))
>>> w = lay.pack({"a": 5, "b": -2})
>>> hex(w), lay.unpack(w)
('0x75', {'a': 5, 'b': -2})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..hough.config import HoughConfig
from ..hwconfig import bits_unsigned
from ..retina.config import RetinaConfig

__all__ = [
    "EVENT_TAG_BITS",
    "HOUGH_CMP_LANES",
    "HOUGH_KIND_EOE",
    "HOUGH_KIND_HIT",
    "HOUGH_KIND_TRACK",
    "HOUGH_MINI_LANES",
    "Field",
    "WordLayout",
    "hough_fill_bins",
    "hough_lane_layout",
    "hough_max_candidates",
    "hough_track_layout",
    "retina_lane_layout",
    "retina_seq_bits",
    "retina_track_layout",
]

EVENT_TAG_BITS = 16  # the event number carried by output words, modulo 2^16


@dataclass(frozen=True)
class Field:
    """One field of a word: name, width, two's complement or unsigned."""

    name: str
    bits: int
    signed: bool = False


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

    def unpack(self, word: int) -> dict[str, int]:
        out, pos = {}, 0
        for f in self.fields:
            v = (word >> pos) & ((1 << f.bits) - 1)
            if f.signed and v >> (f.bits - 1):
                v -= 1 << f.bits
            out[f.name] = v
            pos += f.bits
        return out


def retina_seq_bits(cfg: RetinaConfig) -> int:
    """Width of the ``seq`` field. It saturates at its largest value (>= MAX_HITS): the RTL
    only needs to know whether a hit is beyond the capacity, so events of any size fit."""
    return bits_unsigned(cfg.max_hits)


def retina_lane_layout(cfg: RetinaConfig) -> WordLayout:
    """The hit word of one input lane (one lane per layer; 1D measurements)."""
    return WordLayout(
        (
            Field("is_hit", 1),
            Field("last", 1),
            Field("seq", retina_seq_bits(cfg)),
            Field("coord", cfg.coord_bits, signed=True),
            Field("bend", max(cfg.bend_bits, 1), signed=True),
        )
    )


def retina_track_layout(cfg: RetinaConfig) -> WordLayout:
    """The output word: a track, or the end-of-event word with the event's counters."""
    return WordLayout(
        (
            Field("last", 1),
            Field("cell_a", bits_unsigned(cfg.n_a - 1)),
            Field("cell_b", bits_unsigned(cfg.n_b - 1)),
            Field("off_a", cfg.centroid_frac_bits + 2, signed=True),
            Field("off_b", cfg.centroid_frac_bits + 2, signed=True),
            Field("quality", cfg.acc_bits),
            Field("n_tracks", bits_unsigned(cfg.max_tracks)),
            Field("n_hits_dropped", cfg.drop_count_bits),
            Field("n_maxima", bits_unsigned(cfg.n_cells)),
            Field("hit_overflow", 1),
            Field("track_overflow", 1),
            Field("event", EVENT_TAG_BITS),
        )
    )


# ---------------------------------------------------------------------------------------
# Hough transform
# ---------------------------------------------------------------------------------------
HOUGH_KIND_TRACK, HOUGH_KIND_HIT, HOUGH_KIND_EOE = 0, 1, 2  # the `kind` of an output word


def hough_fill_bins(cfg: HoughConfig) -> int:
    """Bins one hit can fill in one column: min(MAX_BINS_PER_COLUMN, N_B)."""
    return min(cfg.max_bins_per_column, cfg.n_b)


# micro-architecture of hdl/hough/hough_top.sv (not detector choices; the generated package
# carries them as MINI_LANES and CMP_LANES, the cycle model reads them here): listed hits the
# mini-Hough refills per clock (lane t takes the slots s with s % HOUGH_MINI_LANES == t), and
# kept candidates one duplicate check compares per clock. Powers of two.
HOUGH_MINI_LANES = 4
HOUGH_CMP_LANES = 2


def hough_max_candidates(cfg: HoughConfig) -> int:
    """Candidates an event can have before duplicate removal (the HLS kernel's kMaxCand):
    a candidate cell needs MIN_LAYERS fills, an event has at most MAX_HITS·N_A·F fills,
    and the mini-Hough makes up to 4 candidates of a cell."""
    cells = min(cfg.n_a * cfg.n_b, cfg.max_hits * cfg.n_a * hough_fill_bins(cfg) // cfg.min_layers)
    return cells * (4 if cfg.mini_hough else 1)


def hough_lane_layout(cfg: HoughConfig) -> WordLayout:
    """The hit word of the single input lane."""
    return WordLayout(
        (
            Field("eoe", 1),
            Field("layer", bits_unsigned(cfg.n_layers - 1)),
            Field("coord", cfg.coord_bits, signed=True),
            Field("bend", max(cfg.bend_bits, 1), signed=True),
            Field("hit_id", cfg.hit_id_bits),
        )
    )


def hough_track_layout(cfg: HoughConfig) -> WordLayout:
    """The output word: a candidate, one of its hit ids, or the end-of-event word."""
    return WordLayout(
        (
            Field("last", 1),
            Field("kind", 2),
            Field("column", bits_unsigned(cfg.n_a - 1)),
            Field("bin", bits_unsigned(cfg.n_b - 1)),
            Field("sub", 3, signed=True),
            Field("layer_mask", cfg.n_layers),
            Field("n_hits", bits_unsigned(cfg.max_hits_per_cell)),
            Field("hit_id", cfg.hit_id_bits),
            Field("n", bits_unsigned(cfg.max_tracks)),
            Field("n_hits_dropped", cfg.drop_count_bits),
            Field("n_candidates", bits_unsigned(hough_max_candidates(cfg))),
            Field("n_fills_capped", bits_unsigned(cfg.max_hits * cfg.n_a * cfg.n_b)),
            Field("n_list_overflows", bits_unsigned(cfg.max_hits * cfg.n_a * hough_fill_bins(cfg))),
            Field("event", EVENT_TAG_BITS),
        )
    )

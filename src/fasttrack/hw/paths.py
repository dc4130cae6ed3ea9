"""Longest timing paths of a yosys netlist mapped to UltraScale+ cells, with a delay model.

The input is a module of a ``write_json`` netlist after ``synth_xilinx -family xcup``. A
path starts at a register output (``FD*``, ``SRL*``, block RAM, the write clock of a
distributed RAM) or at an input port, and ends at a register input (D, CE, set, reset; the
write pins of a RAM) or at an output port. Along a path this module counts

* **LUT levels**: ``LUT1``..``LUT6`` and ``MUXF7/8/9`` cells (as Vivado counts logic levels),
  and an asynchronous read through a distributed RAM (address → data) as one level;
* **carry cells**: ``CARRY4``/``CARRY8`` (yosys maps UltraScale+ carry chains to
  ``CARRY4`` cells of four bits each);
* **cells**: every primitive on the path (``INV`` included, which Vivado folds into the
  next LUT and which costs no level here).

and estimates its delay with :class:`DelayModel`. The longest path is the one of the
largest estimated delay. Sub-modules are analysed first and enter their parent as timing
arcs per port (output ← register, input → register, input → output), so a path that
crosses a module boundary is found whole in the parent: the design is timed as Vivado
would see it flattened, while each module is reported on its own.

Example
-------
>>> m = {"ports": {"a": {"direction": "input", "bits": [2]}, "y": {"direction": "output", "bits": [4]}},
...      "cells": {"r": {"type": "FDRE", "port_directions": {"C": "input", "D": "input", "Q": "output",
...                      "CE": "input", "R": "input"}, "connections": {"C": [9], "D": [3], "Q": [4],
...                      "CE": ["1"], "R": ["0"]}},
...                "l": {"type": "LUT2", "port_directions": {"I0": "input", "I1": "input", "O": "output"},
...                      "connections": {"I0": [2], "I1": [4], "O": [3]}}},
...      "netnames": {"a": {"bits": [2]}, "y": {"bits": [4]}, "d": {"bits": [3]}}}
>>> t = analyse_module("m", m, {})
>>> t.reg_to_reg.lut_levels, t.in_to_reg.lut_levels, t.reg_to_out.lut_levels
(1, 1, 0)
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

__all__ = ["DelayModel", "ModuleArcs", "ModuleTiming", "Path", "analyse_design", "analyse_module"]


@dataclass(frozen=True)
class DelayModel:
    """A first-order path delay model for UltraScale+ (speed grade -2), in ns.

    ``delay = Σ cells' logic delay + Σ routed nets + overhead``, where a net is *routed*
    unless it is one of the slice's dedicated connections (LUT → MUXF, MUXF → MUXF,
    LUT → CARRY, CARRY → CARRY), and the overhead of a register-to-register path is
    clock-to-Q, the last routed net into the register, its setup time and the clock
    uncertainty. Per LUT level with its routing this makes ``lut_ns + net_ns`` = 0.5 ns,
    so 6 LUT levels and a short carry chain fit in 4 ns (250 MHz) and 7 do not.

    Calibration (stated, not measured on silicon here): the cell delays are of the order
    of the UltraScale+ data sheet's CLB switching characteristics (DS923/DS922: LUT
    propagation 0.05–0.12 ns, CARRY8 a few tens of ps per bit group, clock-to-Q about
    0.1 ns, setup about 0.05 ns); the average routed net of 0.4 ns is what Vivado
    timing reports show for moderately filled UltraScale+ designs, where routing is
    60–70 % of a path (UG949, timing closure chapter); with these figures the model puts
    the usual guideline for UltraScale+ -2 (about 6–8 logic levels at 250–300 MHz) at
    the same place. The ECP5 place-and-route check (:mod:`fasttrack.hw.crosscheck`,
    ``fasttrack timing ALG --cross-check-ecp5``) tests that the model *ranks* paths as a
    real router does.
    """

    lut_ns: float = 0.10
    muxf_ns: float = 0.08
    carry_ns: float = 0.05  # per CARRY4 cell (four bits)
    lutram_read_ns: float = 0.45  # distributed RAM, address to data out
    net_ns: float = 0.40
    clock_to_q_ns: float = 0.10
    setup_ns: float = 0.05
    uncertainty_ns: float = 0.15

    @property
    def overhead_ns(self) -> float:
        """What a register-to-register path adds to its cells and inner nets."""
        return self.clock_to_q_ns + self.net_ns + self.setup_ns + self.uncertainty_ns

    def to_dict(self) -> dict[str, float]:
        return {**asdict(self), "overhead_ns": self.overhead_ns}


MODEL = DelayModel()


@dataclass(frozen=True)
class Path:
    """One timing path: its counts, estimated delay (cells and inner nets, no overhead),
    start and end signal names and the primitive types along it."""

    lut_levels: int = 0
    carry_cells: int = 0
    cells: int = 0
    delay_ns: float = 0.0
    start: str = ""
    end: str = ""
    through: tuple[str, ...] = ()

    def then(self, other: Path) -> Path:
        """This path followed by ``other`` (which starts where this one ends)."""
        return Path(
            self.lut_levels + other.lut_levels,
            self.carry_cells + other.carry_cells,
            self.cells + other.cells,
            self.delay_ns + other.delay_ns,
            self.start,
            other.end,
            self.through + other.through,
        )

    def fmax_mhz(self, model: DelayModel = MODEL) -> float:
        """Clock this register-to-register path allows."""
        return 1000.0 / (self.delay_ns + model.overhead_ns)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "through": list(self.through)}

    def describe(self) -> str:
        return (f"{self.lut_levels} LUT + {self.carry_cells} carry ({self.cells} cells, {self.delay_ns:.2f} ns)"
                f"  {self.start} -> {self.end}")  # fmt: skip


PortBit = tuple[str, int]  # (port name, bit index)


@dataclass
class ModuleArcs:
    """A module's timing as its parent sees it, per port bit: the longest path from a
    register to each output bit, from each input bit to a register, and from an input bit
    to an output bit (bit by bit, so no false path is made by lumping a bus)."""

    out_from_reg: dict[PortBit, Path] = field(default_factory=dict)
    in_to_reg: dict[PortBit, Path] = field(default_factory=dict)
    in_to_out: dict[tuple[PortBit, PortBit], Path] = field(default_factory=dict)

    def merge(self, other: ModuleArcs) -> ModuleArcs:
        """The worse of two variants, port by port (sampled copies of a replicated module)."""
        out = ModuleArcs(dict(self.out_from_reg), dict(self.in_to_reg), dict(self.in_to_out))
        for mine, theirs in ((out.out_from_reg, other.out_from_reg), (out.in_to_reg, other.in_to_reg),
                             (out.in_to_out, other.in_to_out)):  # fmt: skip
            for k, p in theirs.items():  # type: ignore[attr-defined]
                if k not in mine or p.delay_ns > mine[k].delay_ns:  # type: ignore[operator,index]
                    mine[k] = p  # type: ignore[index]
        return out


@dataclass
class ModuleTiming:
    """The longest path of each kind inside one module (sub-modules' arcs included)."""

    module: str
    reg_to_reg: Path | None
    in_to_reg: Path | None
    reg_to_out: Path | None
    in_to_out: Path | None
    arcs: ModuleArcs
    cells: int = 0

    def worst_lut_levels(self) -> int:
        return self.reg_to_reg.lut_levels if self.reg_to_reg else 0

    def fmax_mhz(self, model: DelayModel = MODEL) -> float | None:
        return self.reg_to_reg.fmax_mhz(model) if self.reg_to_reg else None

    def to_dict(self, model: DelayModel = MODEL) -> dict[str, Any]:
        return {
            "module": self.module,
            "cells": self.cells,
            "fmax_mhz": self.fmax_mhz(model),
            **{k: (getattr(self, k).to_dict() if getattr(self, k) else None)
               for k in ("reg_to_reg", "in_to_reg", "reg_to_out", "in_to_out")},
        }  # fmt: skip


# --- cell classes -------------------------------------------------------------------------------
_LUT = re.compile(r"LUT[1-6]$")
_MUXF = re.compile(r"MUXF[789]$")
_CARRY = re.compile(r"CARRY[48]$")
_FF = re.compile(r"FD[A-Z]*$")
_LATCH = re.compile(r"LD[A-Z]*$")
_SRL = re.compile(r"SRL(C)?(16|32)E?$")
_LUTRAM = re.compile(r"RAM(32|64|128|256|512)(X1[SD]|M|M16|M8)$")
_BRAM = re.compile(r"(RAMB(18|36)E\d|URAM288(_BASE)?|FIFO(18|36)E\d)$")
_DSP = re.compile(r"DSP48E\d$")
_CLOCK_PINS = re.compile(r"(C|CLK|WCLK|CLKARDCLK|CLKBWRCLK|CLK[AB]|RDCLK|WRCLK)$")
_RAM_READ_ADDR = re.compile(r"(ADDR[A-H]\d*|A\d*|DPRA\d*|A)$")
_BUFFERS = {"BUFG", "BUFGCE", "IBUF", "OBUF", "BUF"}


def _kind(cell_type: str) -> str:
    for kind, pat in (("lut", _LUT), ("muxf", _MUXF), ("carry", _CARRY), ("ff", _FF), ("latch", _LATCH),
                      ("srl", _SRL), ("lutram", _LUTRAM), ("bram", _BRAM), ("dsp", _DSP)):  # fmt: skip
        if pat.match(cell_type):
            return kind
    if cell_type == "INV":
        return "inv"
    if cell_type in _BUFFERS:
        return "buf"
    return "unknown"


def _logic(kind: str, model: DelayModel) -> tuple[int, int, float]:
    """(LUT levels, carry cells, delay) of passing through one cell of ``kind``."""
    return {
        "lut": (1, 0, model.lut_ns),
        "muxf": (1, 0, model.muxf_ns),
        "carry": (0, 1, model.carry_ns),
        "inv": (0, 0, 0.0),
        "buf": (0, 0, 0.0),
        "lutram": (1, 0, model.lutram_read_ns),
        "srl": (1, 0, model.lutram_read_ns),
    }[kind]


def _dedicated(driver_kind: str | None, kind: str, pin: str) -> bool:
    """Whether the net from a ``driver_kind`` cell into ``pin`` of a ``kind`` cell is one of
    the slice's dedicated connections (no general routing)."""
    if kind == "inv":  # Vivado folds an inverter into the LUT it drives or is driven by
        return True
    if kind == "muxf":
        return driver_kind in ("lut", "muxf")
    if kind == "carry":
        return driver_kind == "carry" if pin in ("CI", "CI_TOP") else driver_kind == "lut"
    return False


def _bit_names(mod: Mapping[str, Any]) -> dict[Any, str]:
    """Bit id -> a readable signal name (user names before generated ones)."""
    names: dict[Any, str] = {}
    for hidden in (1, 0):  # user names (hide_name 0) written last, so they win
        for name, net in mod.get("netnames", {}).items():
            if int(net.get("hide_name", 0)) != hidden:
                continue
            bits = net["bits"]
            for i, b in enumerate(bits):
                names[b] = name if len(bits) == 1 else f"{name}[{i}]"
    return names


class _Graph:
    """Nodes are net bits and combinational cells (one node per cell, every input to every
    output: conservative within a cell); edges carry whether the net is routed."""

    def __init__(self) -> None:
        self.succ: dict[Any, list[tuple[Any, bool]]] = defaultdict(list)
        self.weight: dict[Any, Path] = {}  # cell node -> the cell's own contribution

    def edge(self, a: Any, b: Any, routed: bool) -> None:
        self.succ[a].append((b, routed))

    def order(self, what: str) -> list[Any]:
        indeg: dict[Any, int] = defaultdict(int)
        nodes: set[Any] = set(self.succ)
        for outs in self.succ.values():
            for b, _ in outs:
                indeg[b] += 1
                nodes.add(b)
        queue = deque(n for n in nodes if indeg[n] == 0)
        out: list[Any] = []
        while queue:
            n = queue.popleft()
            out.append(n)
            for b, _ in self.succ.get(n, ()):
                indeg[b] -= 1
                if indeg[b] == 0:
                    queue.append(b)
        if len(out) != len(nodes):
            stuck = sorted(str(n[1]) for n in nodes if indeg[n] > 0 and isinstance(n, tuple) and n[0] == "cell")
            raise ValueError(f"{what}: combinational loop through {', '.join(stuck[:6]) or 'nets'}")
        return out


def _const(bit: Any) -> bool:
    return isinstance(bit, str)  # "0", "1", "x", "z"


def analyse_module(
    name: str, mod: Mapping[str, Any], children: Mapping[str, ModuleArcs], model: DelayModel = MODEL
) -> ModuleTiming:
    """The longest paths of one netlist module; ``children`` gives the arcs of the
    sub-modules (and black boxes) it instantiates, by cell type."""
    names = _bit_names(mod)
    g = _Graph()
    driver_kind: dict[Any, str] = {}
    reg_starts: dict[Any, Path] = {}  # bit -> the path up to that bit's driver output
    endpoints: list[tuple[Any, Path]] = []  # (bit, what the path adds after the bit)
    n_cells = 0

    def nm(bit: Any) -> str:
        return names.get(bit, f"n{bit}")

    for cname, cell in mod["cells"].items():
        ctype = cell["type"]
        dirs = cell.get("port_directions", {})
        conns = cell["connections"]
        ins = [(p, b) for p, bits in conns.items() if dirs.get(p) == "input" for b in bits if not _const(b)]
        outs = [(p, b) for p, bits in conns.items() if dirs.get(p) == "output" for b in bits]
        if ctype in children:
            arcs = children[ctype]
            n_cells += 1

            def at(pb: PortBit, conns: Mapping[str, Any] = conns) -> Any:
                bits = conns.get(pb[0], [])
                b = bits[pb[1]] if pb[1] < len(bits) else "x"
                return None if _const(b) else b

            for pb, path in arcs.out_from_reg.items():
                if (b := at(pb)) is not None:
                    driver_kind[b] = "macro"
                    reg_starts[b] = replace(path, start=f"{cname}/{path.start}")
            for pb, path in arcs.in_to_reg.items():
                if (b := at(pb)) is not None:
                    endpoints.append((b, replace(path, end=f"{cname}/{path.end}")))
            for (pi, po), path in arcs.in_to_out.items():
                bi, bo = at(pi), at(po)
                if bi is None or bo is None:
                    continue
                node: Any = ("arc", cname, pi, po)
                g.weight[node] = replace(path, through=(f"{cname}:{pi[0]}[{pi[1]}]->{po[0]}[{po[1]}]", *path.through))
                g.edge(bi, node, True)
                driver_kind[bo] = "macro"
                g.edge(node, bo, False)
            continue
        kind = _kind(ctype)
        if kind == "unknown":
            raise ValueError(f"module {name}: cell {cname} of type {ctype} is neither a known UltraScale+ "
                             "primitive nor a sub-module with timing arcs")  # fmt: skip
        n_cells += 1
        for _, b in outs:
            driver_kind[b] = kind
        if kind in ("ff", "latch", "bram", "dsp"):
            # sequential: outputs start paths, data/control inputs end them
            for _, b in outs:
                reg_starts[b] = Path(start=nm(b))
            for p, b in ins:
                if not _CLOCK_PINS.match(p):
                    endpoints.append((b, Path(end=f"{cname}.{p}")))
            continue
        if kind in ("srl", "lutram"):
            # synchronous write (ends), asynchronous read from the address (a LUT level),
            # and the written content reaching the output after the write clock (a start)
            lut, carry, delay = _logic(kind, model)
            node = ("cell", cname)
            g.weight[node] = Path(lut, carry, 1, delay, through=(ctype,))
            for p, b in ins:
                if _CLOCK_PINS.match(p):
                    continue
                endpoints.append((b, Path(end=f"{cname}.{p}")))
                if _RAM_READ_ADDR.match(p):
                    g.edge(b, node, True)
            for _, b in outs:
                written = model.clock_to_q_ns + delay
                reg_starts[b] = Path(lut, carry, 1, written, start=f"{cname}(write)", through=(ctype,))
                g.edge(node, b, False)
            continue
        lut, carry, delay = _logic(kind, model)
        node = ("cell", cname)
        g.weight[node] = Path(lut, carry, 1, delay, through=(ctype,))
        for p, b in ins:
            g.edge(b, ("pin", cname, p, b), True)  # resolved below, once all drivers are known
        for _, b in outs:
            g.edge(node, b, False)
    # input-pin placeholders: decide routed vs dedicated now that every driver is known
    cell_kind = {cname: _kind(c["type"]) for cname, c in mod["cells"].items() if c["type"] not in children}
    for cname, c in mod["cells"].items():  # an inverter is transparent: its output has its input's driver kind
        if cell_kind.get(cname) == "inv":
            src = c["connections"].get("I", [None])[0]
            for b in c["connections"].get("O", []):
                driver_kind[b] = driver_kind.get(src, "inv")
    fixed: dict[Any, list[tuple[Any, bool]]] = defaultdict(list)
    for a, outs_ in g.succ.items():
        for b, routed in outs_:
            if isinstance(b, tuple) and b[0] == "pin":
                _, cname, pin, _bit = b
                fixed[a].append((("cell", cname), not _dedicated(driver_kind.get(a), cell_kind[cname], pin)))
            else:
                fixed[a].append((b, routed))
    g.succ = fixed

    port_bits = {p: [b for b in v["bits"] if not _const(b)] for p, v in mod["ports"].items()}
    inputs = [p for p, v in mod["ports"].items() if v["direction"] == "input"]
    outputs = [p for p, v in mod["ports"].items() if v["direction"] == "output"]
    for p in outputs:
        for b in port_bits[p]:
            g.succ.setdefault(b, [])
    order = g.order(f"module {name}")
    rank = {n: i for i, n in enumerate(order)}

    def propagate(sources: Mapping[Any, Path]) -> dict[Any, Path]:
        arr: dict[Any, Path] = dict(sources)
        reach, todo = set(sources), list(sources)
        while todo:  # visit only what the sources reach, in topological order
            for b, _ in g.succ.get(todo.pop(), ()):
                if b not in reach:
                    reach.add(b)
                    todo.append(b)
        for n in sorted(reach, key=lambda n: rank.get(n, -1)):
            here = arr.get(n)
            if here is None:
                continue
            for b, routed in g.succ.get(n, ()):
                step = g.weight.get(b)
                cand = here
                if routed:
                    cand = replace(cand, delay_ns=cand.delay_ns + model.net_ns)
                if step is not None:
                    cand = cand.then(replace(step, start="", end=""))
                    cand = replace(cand, start=here.start)
                cur = arr.get(b)
                if cur is None or cand.delay_ns > cur.delay_ns:
                    arr[b] = cand
        return arr

    def worst(paths: Iterable[Path | None]) -> Path | None:
        best: Path | None = None
        for p in paths:
            if p is not None and (best is None or p.delay_ns > best.delay_ns):
                best = p
        return best

    ends_at: dict[Any, list[Path]] = defaultdict(list)
    for b, tail in endpoints:
        ends_at[b].append(tail)

    def ends(arr: Mapping[Any, Path]) -> Path | None:
        return worst(arr[b].then(tail) for b in arr if b in ends_at for tail in ends_at[b])

    arcs = ModuleArcs()
    from_reg = propagate(reg_starts)
    reg_to_reg = ends(from_reg)
    out_bits = [((p, i), b) for p in outputs for i, b in enumerate(mod["ports"][p]["bits"]) if not _const(b)]
    for pb, b in out_bits:
        if b in from_reg:
            arcs.out_from_reg[pb] = replace(from_reg[b], end=nm(b))
    in_paths: list[Path | None] = []
    in_out_paths: list[Path | None] = []
    for p in inputs:
        if re.fullmatch(r"clk|clock|aclk|ap_clk", p):
            continue
        for i, b in enumerate(mod["ports"][p]["bits"]):
            if _const(b):
                continue
            arr = propagate({b: Path(start=nm(b))})
            into = ends(arr)
            if into is not None:
                arcs.in_to_reg[(p, i)] = into
                in_paths.append(into)
            for pb, ob in out_bits:
                if ob in arr:
                    arcs.in_to_out[((p, i), pb)] = replace(arr[ob], end=nm(ob))
                    in_out_paths.append(arcs.in_to_out[((p, i), pb)])
    return ModuleTiming(
        module=name,
        reg_to_reg=reg_to_reg,
        in_to_reg=worst(in_paths),
        reg_to_out=worst(arcs.out_from_reg.values()),
        in_to_out=worst(in_out_paths),
        arcs=arcs,
        cells=n_cells,
    )


def analyse_design(
    netlist: Mapping[str, Any], top: str, extra: Mapping[str, ModuleArcs] | None = None, model: DelayModel = MODEL
) -> dict[str, ModuleTiming]:
    """Every module of a ``write_json`` netlist reachable from ``top``, children first.

    ``extra`` gives arcs for cell types that are black boxes in this netlist (the sampled
    copies of a replicated module, analysed in runs of their own)."""
    mods = {n: m for n, m in netlist["modules"].items() if not int(m.get("attributes", {}).get("blackbox", 0) or 0)}
    if top not in mods:  # a parameterised top: $paramod\\<top>\\P=...
        named = [n for n in mods if n.startswith("$paramod") and n.split("\\")[1:2] == [top]]
        top = named[0] if len(named) == 1 else top
    if top not in mods:
        raise ValueError(f"module {top!r} not in the netlist (has {', '.join(sorted(mods))})")
    done: dict[str, ModuleTiming] = {}
    arcs: dict[str, ModuleArcs] = dict(extra or {})

    def visit(n: str, stack: tuple[str, ...]) -> None:
        if n in done:
            return
        if n in stack:
            raise ValueError(f"recursive module hierarchy: {' -> '.join((*stack, n))}")
        for cell in mods[n]["cells"].values():
            t = cell["type"]
            if t in mods:
                visit(t, (*stack, n))
        done[n] = analyse_module(n, mods[n], arcs, model)
        arcs[n] = done[n].arcs

    visit(top, ())
    return done

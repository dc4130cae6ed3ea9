// fasttrack: elaboration-time checks of parameter combinations.
//
// `FT_ELAB_ERROR(("format", args...)) inside a generate-if stops elaboration with the
// message (Verilator, yosys). Icarus 11 has no elaboration-time $error: there the check
// fails at time 0 instead, before any clock edge, with the same message.
`ifndef FT_CHECKS_SVH
`define FT_CHECKS_SVH
`ifdef __ICARUS__
`define FT_ELAB_ERROR(args) initial begin $error args; $finish(1); end
`else
`define FT_ELAB_ERROR(args) $error args;
`endif
`endif

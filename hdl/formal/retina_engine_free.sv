// fasttrack formal: an abstract retina_engine for the bounded event-stream proof of retina_top.
//
// Same name and ports as hdl/retina/retina_engine.sv, read INSTEAD of it: the readout
// register resets to 0 and, at each snapshot, takes a value the solver chooses freely
// (anyseq); between snapshots it holds, as the real one does. Every behaviour of the real
// engine is one of these, so a stream property proved with the abstract engines holds with
// the real ones, for every accumulator content (every pattern of local maxima, ties,
// thresholds and centroids) rather than for the hits the solver would have to construct.
// The engines' arithmetic itself is checked word for word by the co-simulation.
`default_nettype none

/* verilator lint_off IMPORTSTAR */
import retina_pkg::*;
/* verilator lint_on IMPORTSTAR */

module retina_engine
#(
    parameter int CELL = 0
) (
    input  wire logic                              clk,
    input  wire logic                              rst,
    input  wire logic [N_LAYERS-1:0]               use_hit,
    input  wire logic [N_LAYERS*COORD_BITS-1:0]    coord,
    input  wire logic                              snapshot,
    output logic      [ACC_BITS-1:0]               acc_out
);
  (* anyseq *) logic [ACC_BITS-1:0] f_any;
  always_ff @(posedge clk) begin
    if (rst) acc_out <= '0;
    else if (snapshot) acc_out <= f_any;
  end
  logic unused;
  assign unused = ^{use_hit, coord, CELL};
endmodule

`default_nettype wire

// fasttrack formal: top of the ft_fifo proof (hdl/formal/ft_fifo_props.svh holds the properties).
//
// The environment is free: any in_valid, in_data, out_ready in every clock; the only
// assumption is a reset in the first clock. WIDTH and DEPTH come from the .sby script
// (fasttrack.hw.formal), small enough for the solver, large enough for every case
// (wrap-around of both pointers, full and empty, push and pop in one clock).
`default_nettype none

module ft_fifo_formal #(
    parameter int WIDTH = 4,
    parameter int DEPTH = 4
) (
    input wire logic                     clk,
    input wire logic                     rst,
    input wire logic                     in_valid,
    input wire logic [WIDTH-1:0]         in_data,
    input wire logic                     out_ready
);
  logic in_ready, out_valid;
  logic [WIDTH-1:0] out_data;
  logic [$clog2(DEPTH):0] count;

  logic f_first = 1'b1;
  always @(posedge clk) f_first <= 1'b0;
  always @(*) if (f_first) assume (rst);

  ft_fifo #(.WIDTH(WIDTH), .DEPTH(DEPTH)) dut (
      .clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready), .in_data(in_data),
      .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data), .count(count)
  );
endmodule

`default_nettype wire

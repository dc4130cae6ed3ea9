// fasttrack: synchronous FIFO with valid/ready on both sides (first-word fall-through).
//
// DEPTH words (a power of two); `count` is the number of words held, so a producer with
// words in flight can reserve space (credit) before it commits them.
`default_nettype none
`include "ft_checks.svh"

module ft_fifo #(
    parameter int WIDTH = 8,  // word width (bits)
    parameter int DEPTH = 16  // words, a power of two >= 2
) (
    input  wire logic                     clk,
    input  wire logic                     rst,        // synchronous, active high: empties the FIFO
    input  wire logic                     in_valid,
    output logic                          in_ready,
    input  wire logic [WIDTH-1:0]         in_data,
    output logic                          out_valid,
    input  wire logic                     out_ready,
    output logic      [WIDTH-1:0]         out_data,
    output logic      [$clog2(DEPTH):0]   count
);
  localparam int AW = $clog2(DEPTH);
  if (DEPTH < 2 || (1 << AW) != DEPTH) begin : g_bad_depth
    `FT_ELAB_ERROR(("ft_fifo: DEPTH = %0d must be a power of two >= 2", DEPTH))
  end

  logic [WIDTH-1:0] mem [DEPTH];
  logic [AW:0] wr_ptr, rd_ptr;  // one extra bit tells full from empty

  assign count     = wr_ptr - rd_ptr;
  assign in_ready  = count != (AW + 1)'(DEPTH);
  assign out_valid = count != '0;
  assign out_data  = mem[rd_ptr[AW-1:0]];

  always_ff @(posedge clk) begin
    if (rst) begin
      wr_ptr <= '0;
      rd_ptr <= '0;
    end else begin
      if (in_valid && in_ready) begin
        mem[wr_ptr[AW-1:0]] <= in_data;
        wr_ptr <= wr_ptr + 1'b1;
      end
      if (out_valid && out_ready) rd_ptr <= rd_ptr + 1'b1;
    end
  end
endmodule

`default_nettype wire

// fasttrack formal: the AXI4-Stream boundary hough_axis (constants from hough_pkg).
//
// Environment (the only assumptions): a reset in the first clock; every slave lane follows
// the AXI4-Stream rule (TVALID, once high, stays high until TREADY, with TDATA and TLAST
// unchanged); m_axis_tready is free. Proved by k-induction, every clock: under back-pressure
// (TVALID && !TREADY) the master keeps TVALID high and TDATA and TLAST unchanged (the AXI4-Stream
// rule on the kernel's side), and TDATA's padding above the word is zero.
`default_nettype none

/* verilator lint_off IMPORTSTAR */
import hough_pkg::*;
/* verilator lint_on IMPORTSTAR */

module hough_axis_formal (
    input wire logic                     clk,
    input wire logic                     rst,
    input wire logic [0:0]               s_axis_tvalid,
    input wire logic [IN_TDATA_BITS-1:0] s_axis_tdata,
    input wire logic [0:0]               s_axis_tlast,
    input wire logic                     m_axis_tready
);
  localparam int NL = 1;
  localparam int TI = int'(IN_TDATA_BITS);
  localparam int TO = int'(OUT_TDATA_BITS);
  localparam int OW = int'(OUT_WORD_BITS);

  logic [0:0] s_axis_tready;
  logic m_axis_tvalid, m_axis_tlast;
  logic [TO-1:0] m_axis_tdata;

  hough_axis dut (
      .clk(clk), .rst(rst), .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready),
      .s_axis_tdata(s_axis_tdata), .s_axis_tlast(s_axis_tlast), .m_axis_tvalid(m_axis_tvalid),
      .m_axis_tready(m_axis_tready), .m_axis_tdata(m_axis_tdata), .m_axis_tlast(m_axis_tlast)
  );

  logic f_first = 1'b1;  // the initial state: a reset is assumed in the first clock
  always @(posedge clk) f_first <= 1'b0;
  logic f_prev_rst, f_was_live;
  always @(posedge clk) f_prev_rst <= rst;
  assign f_was_live = !f_first && !f_prev_rst;

  logic [0:0] f_prev_wait, f_prev_last;
  logic [NL*TI-1:0] f_prev_in;
  logic f_prev_stall, f_prev_tlast;
  logic [TO-1:0] f_prev_out;
  always @(posedge clk) begin
    f_prev_wait  <= s_axis_tvalid & ~s_axis_tready;
    f_prev_in    <= s_axis_tdata;
    f_prev_last  <= s_axis_tlast;
    f_prev_stall <= m_axis_tvalid && !m_axis_tready;
    f_prev_out   <= m_axis_tdata;
    f_prev_tlast <= m_axis_tlast;
  end
  always @(*) begin
    if (f_first) assume (rst);
    for (int l = 0; l < NL; l++) begin
      if (f_was_live && f_prev_wait[l]) begin
        assume (s_axis_tvalid[l]);
        assume (s_axis_tdata[l * TI +: TI] == f_prev_in[l * TI +: TI]);
        assume (s_axis_tlast[l] == f_prev_last[l]);
      end
    end
  end

  always @(*) if (f_was_live && f_prev_stall) begin
    hough_axis_stall_tvalid: assert (m_axis_tvalid);
    hough_axis_stall_tdata: assert (m_axis_tdata == f_prev_out);
    hough_axis_stall_tlast: assert (m_axis_tlast == f_prev_tlast);
  end
  if (TO > OW) begin : g_pad
    always @(*) if (!f_first) begin
      hough_axis_tdata_padding: assert (m_axis_tdata[TO-1:OW] == '0);
    end
  end
endmodule

`default_nettype wire

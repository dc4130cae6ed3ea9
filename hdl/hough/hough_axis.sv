// fasttrack Hough transform: the kernel's AXI4-Stream boundary (wiring only).
//
// One AXI4-Stream slave (the hit words) and one AXI4-Stream master (track, hit-id and
// end-of-event words) around hough_top. TDATA is the word of fasttrack.hw.hough
// (lane_layout / track_layout) padded with zeros to a byte multiple; the input padding is
// ignored. TLAST marks the end-of-event word: on the input it is what hough_top sees as
// the word's `eoe` bit (the bit inside TDATA is replaced by TLAST), on the output it is the
// end word's `last` bit. The bit maps are tabulated in hdl/README.md.
`default_nettype none
`include "ft_checks.svh"

// file scope: yosys does not take imports in module headers
/* verilator lint_off IMPORTSTAR */
import hough_pkg::*;
/* verilator lint_on IMPORTSTAR */

module hough_axis
(
    input  wire logic                        clk,
    input  wire logic                        rst,  // synchronous, active high
    input  wire logic [0:0]                  s_axis_tvalid,
    output logic      [0:0]                  s_axis_tready,
    /* verilator lint_off UNUSEDSIGNAL */  // the padding and the word's own eoe bit (TLAST replaces it)
    input  wire logic [IN_TDATA_BITS-1:0]    s_axis_tdata,
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire logic [0:0]                  s_axis_tlast,
    output logic                             m_axis_tvalid,
    input  wire logic                        m_axis_tready,
    output logic      [OUT_TDATA_BITS-1:0]   m_axis_tdata,
    output logic                             m_axis_tlast
);
  localparam int IW = int'(IN_WORD_BITS);
  localparam int OW = int'(OUT_WORD_BITS);
  localparam int TI = int'(IN_TDATA_BITS);
  localparam int TO = int'(OUT_TDATA_BITS);
  if (TI < IW || TO < OW || TI % 8 != 0 || TO % 8 != 0) begin : g_bad_tdata
    `FT_ELAB_ERROR(("hough_axis: TDATA widths %0d / %0d must be byte multiples holding the words (%0d / %0d bits)", TI, TO, IW, OW))
  end

  logic [IW-1:0] in_data;
  logic [OW-1:0] out_data;
  // the word with its `eoe` bit taken from TLAST
  assign in_data = (s_axis_tdata[IW-1:0] & ~(IW'(1) << IN_EOE_LSB)) | (IW'(s_axis_tlast[0]) << IN_EOE_LSB);

  hough_top u_top (
      .clk(clk), .rst(rst),
      .in_valid(s_axis_tvalid), .in_ready(s_axis_tready), .in_data(in_data),
      .out_valid(m_axis_tvalid), .out_ready(m_axis_tready), .out_data(out_data)
  );

  assign m_axis_tdata = TO'(out_data);
  assign m_axis_tlast = out_data[OUT_LAST_LSB];
endmodule

`default_nettype wire

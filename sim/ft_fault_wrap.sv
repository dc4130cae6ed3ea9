// Planted faults for the co-simulation's own tests (tests/test_cosim_checks.py): a top with
// the ports of the design under test, `FT_FAULT_DUT (default retina_axis), that passes
// everything through except one fault, chosen by the parameter FAULT. The RTL in hdl/ is not
// touched; this file is compiled as the top instead of the design's own.
//
//   FAULT = 0  none: the design as it is
//   FAULT = 1  an X on an output bit: out_data[BIT] reads X (0 | X) for one cycle, the first
//              cycle a word that did not wait is taken at once (out_valid and out_ready high)
//              and has that bit 0 (so the word is right but for the X, and no waiting word
//              changes: the fault is the X alone; four-state
//              simulators only: on Verilator the X becomes a random 0 or 1)
//   FAULT = 3  TLAST that disagrees with the word: m_axis_tlast inverted on the first word taken
//   FAULT = 2  a word that changes under back-pressure: out_data[BIT] is flipped for one
//              cycle, the second cycle a word waits (out_valid high and out_ready low at the
//              last rising edge, and out_ready still low), once per run; the word taken later
//              is the design's own
//
// N_LANES, IN_BITS and OUT_BITS are the design's port widths (the stream plan's n_lanes,
// lane_tdata_bits and out_tdata_bits: the AXI4-Stream TDATA widths); ft_harness.py drives this top as it drives the design.

`ifndef FT_FAULT_DUT
`define FT_FAULT_DUT retina_axis
`endif

module ft_fault_wrap #(
    parameter int N_LANES  = 1,
    parameter int IN_BITS  = 1,
    parameter int OUT_BITS = 1,
    parameter int FAULT    = 0,
    parameter int BIT      = 0
) (
    input  wire logic                         clk,
    input  wire logic                         rst,
    input  wire logic [N_LANES-1:0]           s_axis_tvalid,
    output logic      [N_LANES-1:0]           s_axis_tready,
    input  wire logic [N_LANES*IN_BITS-1:0]   s_axis_tdata,
    input  wire logic [N_LANES-1:0]           s_axis_tlast,
    output logic                              m_axis_tvalid,
    input  wire logic                         m_axis_tready,
    output logic      [OUT_BITS-1:0]          m_axis_tdata,
    output logic                              m_axis_tlast
);
  // the fault acts on TDATA; the wrapper's own names below are the stream's
  logic out_valid, out_ready;
  logic [OUT_BITS-1:0] out_data;
  assign m_axis_tvalid = out_valid;
  assign out_ready = m_axis_tready;
  assign m_axis_tdata = out_data;
  logic [OUT_BITS-1:0] data;  // the design's word
  logic                tlast; // the design's TLAST
  logic                plant;  // the fault acts in this cycle
  /* verilator lint_off UNUSEDSIGNAL */  // unused without a fault (FAULT = 0)
  logic [OUT_BITS-1:0] mask;  // the planted bit
  logic                done;  // it has acted (once per run)
  logic                waited;  // the word on the port waited at the last rising edge
  /* verilator lint_on UNUSEDSIGNAL */

  `FT_FAULT_DUT dut (
      .clk(clk),
      .rst(rst),
      .s_axis_tvalid(s_axis_tvalid),
      .s_axis_tready(s_axis_tready),
      .s_axis_tdata(s_axis_tdata),
      .s_axis_tlast(s_axis_tlast),
      .m_axis_tvalid(out_valid),
      .m_axis_tready(out_ready),
      .m_axis_tdata(data),
      .m_axis_tlast(tlast)
  );

  assign mask = {{(OUT_BITS - 1) {1'b0}}, 1'b1} << BIT;

  always_ff @(posedge clk) begin
    if (rst) begin
      done   <= 1'b0;
      waited <= 1'b0;
    end else begin
      waited <= out_valid && !out_ready;
      if (plant) done <= 1'b1;
    end
  end

  if (FAULT == 1) begin : g_x
    assign plant = !done && out_valid && out_ready && !waited && !data[BIT];
    assign out_data = plant ? (data & ~mask) | (mask & {OUT_BITS{1'bx}}) : data;
  end else if (FAULT == 2) begin : g_flip
    assign plant = !done && out_valid && waited && !out_ready;
    assign out_data = plant ? data ^ mask : data;
  end else if (FAULT == 3) begin : g_tlast
    assign plant = !done && out_valid && out_ready;
    assign out_data = data;
  end else begin : g_none
    assign plant = 1'b0;
    assign out_data = data;
  end
  // FAULT = 3: TLAST inverted on the first word taken (the word itself is right)
  assign m_axis_tlast = (FAULT == 3 && plant) ? !tlast : tlast;
endmodule

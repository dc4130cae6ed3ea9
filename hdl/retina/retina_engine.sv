// fasttrack artificial retina: one engine = one cell of the grid.
//
// Each clock the engine sees the hit of every layer lane (one lane per layer). The switch
// is the region-of-interest decode of the receptor tables: a hit reaches this engine only
// when |coord - RECEPTOR[l][cell]| <= ROI[l] (and the lane's `use` bit, which already
// holds the bend filter of this engine's row, is set). A reached hit adds
// LUT[l][min(|d| >> LUT_SHIFT[l], LUT_SIZE - 1)] to the accumulator, which saturates at
// ACC_MAX: weights are non-negative, so adding a clock's weights together and saturating
// once equals the golden model's one-by-one saturating adds.
//
// `snapshot` closes the event: the accumulator (this clock's hits included) moves to the
// readout register `acc_out` and restarts at 0, so the next event accumulates while the
// readout works on this one (the double buffer).
`default_nettype none

// file scope: yosys does not take imports in module headers
/* verilator lint_off IMPORTSTAR */
import retina_pkg::*;
/* verilator lint_on IMPORTSTAR */

module retina_engine
#(
    parameter int CELL = 0  // raster cell number i*N_B + j
) (
    input  wire logic                              clk,
    input  wire logic                              rst,
    input  wire logic [N_LAYERS-1:0]               use_hit,   // lane l holds a hit for this engine's row
    input  wire logic [N_LAYERS*COORD_BITS-1:0]    coord,     // lane l's coordinate at [l*COORD_BITS +: COORD_BITS]
    input  wire logic                              snapshot,
    output logic      [ACC_BITS-1:0]               acc_out
);
  localparam int CB = int'(COORD_BITS);
  localparam int WB = int'(WEIGHT_BITS);
  localparam int SUM_BITS = WB + $clog2(int'(N_LAYERS) + 1);

  // the engine's own weight ROM (entry l*LUT_SIZE + index, from LUT_MEM): synthesis keeps
  // only the entries its read ports can reach, a distributed ROM per engine and layer
  logic [WB-1:0] lut [LUT_WORDS];
  initial $readmemh(LUT_MEM, lut);

  logic [N_LAYERS*WB-1:0] weight;  // lane l at [l*WB +: WB]

  for (genvar l = 0; l < N_LAYERS; l++) begin : g_lane
    localparam logic signed [CB-1:0] RECEPTOR = RECEPTORS_FLAT[(l * N_CELLS + CELL) * CB +: CB];
    localparam int ROI_L = int'(ROI_FLAT[l * 32 +: 32]);
    localparam int SHIFT_L = int'(LUT_SHIFT_FLAT[l * 32 +: 32]);
    logic signed [CB-1:0] x;
    logic signed [CB:0]   d;
    logic        [CB:0]   abs_d;     // |d|
    logic        [CB:0]   shifted;  // |d| >> LUT_SHIFT[l]
    logic [LUT_INDEX_BITS-1:0] index;
    assign x       = $signed(coord[l * CB +: CB]);
    assign d       = (CB + 1)'(x) - (CB + 1)'(RECEPTOR);
    assign abs_d    = d[CB] ? (CB + 1)'(-d) : (CB + 1)'(d);
    assign shifted = abs_d >> SHIFT_L;
    assign index   = shifted > (CB + 1)'(LUT_SIZE - 1) ? LUT_INDEX_BITS'(LUT_SIZE - 1) : shifted[LUT_INDEX_BITS-1:0];
    assign weight[l * WB +: WB] = (use_hit[l] && abs_d <= (CB + 1)'(ROI_L)) ? lut[l * LUT_SIZE + int'(index)] : '0;
  end

  logic [SUM_BITS-1:0] sum;
  logic [ACC_BITS:0]   total;  // acc + sum before saturation (sum < 2^ACC_BITS is not assumed)
  logic [ACC_BITS-1:0] acc, acc_next;
  // loops live in functions: an always_comb that accumulates in a loop never settles in
  // Icarus 11 (it is sensitive to its own variable)
  function automatic [SUM_BITS-1:0] sum_of(input logic [N_LAYERS*WB-1:0] w);
    sum_of = '0;
    for (int l = 0; l < N_LAYERS; l++) sum_of = sum_of + SUM_BITS'(w[l * WB +: WB]);
  endfunction
  assign sum = sum_of(weight);
  if (SUM_BITS <= ACC_BITS) begin : g_total_narrow
    assign total = {1'b0, acc} + (ACC_BITS + 1)'(sum);
    assign acc_next = total > (ACC_BITS + 1)'(ACC_MAX) ? ACC_BITS'(ACC_MAX) : total[ACC_BITS-1:0];
  end else begin : g_total_wide
    logic [SUM_BITS:0] wide;
    assign wide = (SUM_BITS + 1)'(acc) + (SUM_BITS + 1)'(sum);
    assign total = '0;
    assign acc_next = wide > (SUM_BITS + 1)'(ACC_MAX) ? ACC_BITS'(ACC_MAX) : wide[ACC_BITS-1:0];
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      acc     <= '0;
      acc_out <= '0;
    end else if (snapshot) begin
      acc_out <= acc_next;
      acc     <= '0;
    end else begin
      acc <= acc_next;
    end
  end
endmodule

`default_nettype wire

// fasttrack Hough transform: one column of the array, both event banks.
//
// Fill side (one hit per clock, from hough_top's stage B): the bins the hit's line
// crosses between this column's edges, ((coord - SHIFT[l][COL or COL+1] - B_MIN) >>>
// BIN_SHIFT), clipped to the array, at most MAX_BINS_PER_COLUMN from the lowest; the bend
// filter |bend - A_BEND[COL]| <= BEND_WINDOW. Each filled cell gets its layer bit, and its
// hit list (a MAX_HITS-bit set over arrival slots) gets the hit's slot while the list
// holds fewer than MAX_HITS_PER_CELL hits; later fills only set the layer bit and are
// counted (list overflows). A cell's candidate flag is set when its layer count reaches
// MIN_LAYERS (a layer count only grows, so the flag is final at the end of the event).
//
// Storage: cells live in F = min(MAX_BINS_PER_COLUMN, N_B) memories per bank, bin j in
// memory j % F at word j / F, so the <= F bins a hit fills in one clock (consecutive bins)
// hit distinct memories: one write port and one asynchronous read port each (LUTRAM),
// shared by the fill's read-modify-write and the readout, which never use the same bank.
// Per memory, bank and word a valid bit says the word is meaningful; clearing a bank
// clears its valid bits and flags in one clock (so the next event need not wait for the
// memories to be wiped). The list update is its own module (hough_list_rmw).
//
// Readout side (hough_top's front readout and hough_lister): the flags of one bank (the
// lister lists the flagged cells in raster order from them), one cell word {list, count,
// mask} at (rd_bank, rd_bin), a bank clear.
`default_nettype none
`include "ft_checks.svh"

/* verilator lint_off IMPORTSTAR */
import hough_pkg::*;
/* verilator lint_on IMPORTSTAR */

module hough_column #(
    parameter int COL = 0  // column index 0..N_A-1 (selects its SHIFT edges and A_BEND)
) (
    input  wire logic                          clk,
    input  wire logic                          rst,
    // fill: a buffered hit (slot < MAX_HITS) of bank fill_bank
    input  wire logic                          fill_en,
    input  wire logic                          fill_bank,
    input  wire logic [LAYER_BITS-1:0]         fill_layer,   // < N_LAYERS when fill_en
    input  wire logic signed [COORD_BITS-1:0]  fill_coord,
    input  wire logic signed [BEND_BITS-1:0]   fill_bend,
    input  wire logic [MAX_HITS-1:0]           fill_slot_bit, // one-hot arrival slot
    output logic      [BIN_BITS:0]             capped,       // bins beyond the cap (this hit)
    output logic      [FILL_BINS_BITS-1:0]     overflows,    // fills of full lists (this hit)
    // readout
    input  wire logic                          rd_bank,
    input  wire logic [BIN_BITS-1:0]           rd_bin,
    output logic      [CELL_WORD_BITS-1:0]     rd_word,      // {list, count, mask} of a flagged cell
    output logic      [N_B-1:0]                rd_flags,     // candidate flags of rd_bank
    input  wire logic                          bank_clr      // clear every cell of rd_bank
);
  localparam int NL = int'(N_LAYERS);
  localparam int NA = int'(N_A);
  localparam int NB = int'(N_B);
  localparam int CB = int'(COORD_BITS);
  localparam int MH = int'(MAX_HITS);
  localparam int CNTW = int'(CELL_COUNT_BITS);
  localparam int CW = int'(CELL_WORD_BITS);
  localparam int F = int'(FILL_BINS);
  localparam int FB2 = $clog2(F);
  localparam int NBP = (NB + F - 1) / F;  // words per memory and bank
  localparam int BAW = NBP > 1 ? $clog2(NBP) : 1;  // word address in a bank's memory
  localparam int EW = CB + 4;             // line ends and bin indexes (signed)
  localparam int DW = BEND_BITS + 2;      // bend difference (signed)

  if ((1 << FB2) != F || F > 4) begin : g_bad_fill
    `FT_ELAB_ERROR(("hough_column: FILL_BINS = %0d must be 1, 2 or 4", F))
  end
  if (CW != NL + CNTW + MH) begin : g_bad_cell
    `FT_ELAB_ERROR(("hough_column: CELL_WORD_BITS = %0d, expected %0d", CW, NL + CNTW + MH))
  end

  function automatic [LAYER_COUNT_BITS-1:0] popcount_nl(input [NL-1:0] m);
    popcount_nl = '0;
    for (int b = 0; b < NL; b++) popcount_nl = popcount_nl + LAYER_COUNT_BITS'(m[b]);
  endfunction

  // ---- this column's edges per layer (constant slices of the generated tables) -------
  // edge + B_MIN, and whether the right edge's line end is the lower one (a constant per
  // layer: e0 < e1 exactly when SHIFT[l][COL+1] < SHIFT[l][COL])
  logic signed [EW-1:0] sh0 [NL];
  logic signed [EW-1:0] sh1 [NL];
  logic [NL-1:0] ord;
  for (genvar l = 0; l < NL; l++) begin : g_edges
    localparam logic signed [CB-1:0] S0 = SHIFT_FLAT[(l * (NA + 1) + COL) * CB +: CB];
    localparam logic signed [CB-1:0] S1 = SHIFT_FLAT[(l * (NA + 1) + COL + 1) * CB +: CB];
    assign sh0[l] = EW'(S0) + EW'(B_MIN);
    assign sh1[l] = EW'(S1) + EW'(B_MIN);
    assign ord[l] = S1 < S0;
  end
  localparam int A_BEND_COL = int'($signed(A_BEND_FLAT[COL * BEND_BITS +: BEND_BITS]));
  // the limits clamped to what a DW-bit signed number holds: a bend (BEND_BITS wide) lies
  // well inside it, so a window reaching beyond accepts the same bends and cannot wrap
  localparam int DW_MAX = (1 << (DW - 1)) - 1;
  localparam int BEND_LO_INT = A_BEND_COL - int'(BEND_WINDOW);
  localparam int BEND_HI_INT = A_BEND_COL + int'(BEND_WINDOW);
  localparam logic signed [DW-1:0] BEND_LO = DW'(BEND_LO_INT < -DW_MAX ? -DW_MAX : BEND_LO_INT);
  localparam logic signed [DW-1:0] BEND_HI = DW'(BEND_HI_INT > DW_MAX ? DW_MAX : BEND_HI_INT);

  // ---- fill pipeline: F1 the hit's bin range (clamped to the array) and bend filter,
  //      F2 its bins per memory, F3 the read-modify-write of the cells; the capped bins
  //      and list overflows of a hit leave registered after F3 (FILL_STAGES clocks
  //      after the hit enters, the package constant the top and the cycle model use) ----
  logic signed [EW-1:0] e0, e1, lo_r, hi_r, lo_c, hi_c;
  logic bend_ok, o;
  logic [LAYER_BITS-1:0] ly;
  always_comb begin
    ly = int'(fill_layer) < NL ? fill_layer : '0;
    o = ord[ly];
    e0 = EW'(fill_coord) - sh0[ly];
    e1 = EW'(fill_coord) - sh1[ly];
    lo_r = (o ? e0 : e1) >>> BIN_SHIFT;
    hi_r = (o ? e1 : e0) >>> BIN_SHIFT;
    lo_c = lo_r < 0 ? '0 : lo_r;
    hi_c = hi_r > EW'(NB - 1) ? EW'(NB - 1) : hi_r;
    // |bend - A_BEND[COL]| <= BEND_WINDOW
    bend_ok = (BEND_FILTER == 0) || (DW'(fill_bend) >= BEND_LO && DW'(fill_bend) <= BEND_HI);
  end
  logic f1_en, f1_bank;
  logic [LAYER_BITS-1:0] f1_layer;
  logic [MAX_HITS-1:0] f1_slot_bit;
  logic signed [EW-1:0] lo, hi;
  always_ff @(posedge clk) begin
    if (rst) f1_en <= 1'b0;
    else f1_en <= fill_en && bend_ok;
    f1_bank <= fill_bank;
    f1_layer <= fill_layer;
    f1_slot_bit <= fill_slot_bit;
    lo <= lo_c;
    hi <= hi_c;
  end

  logic signed [EW-1:0] last;
  logic pass;
  logic [BIN_BITS:0] capped_c;
  always_comb begin
    last = (hi - lo < EW'(MAX_BINS_PER_COLUMN - 1)) ? hi : lo + EW'(MAX_BINS_PER_COLUMN - 1);
    pass = f1_en && lo <= hi;
    capped_c = pass ? (BIN_BITS + 1)'(hi - last) : '0;
  end
  logic f2_bank;
  logic [NL-1:0] layer_bit_f2;  // the hit's layer, one-hot
  logic [MAX_HITS-1:0] slot_bit_f2;
  logic [BIN_BITS:0] capped_f2;
  always_ff @(posedge clk) begin
    f2_bank <= f1_bank;
    layer_bit_f2 <= NL'(1) << f1_layer;
    slot_bit_f2 <= f1_slot_bit;
    if (rst) capped_f2 <= '0;
    else capped_f2 <= capped_c;
  end

  // ---- banks of cells ----------------------------------------------------------------
  // Memory p holds the bins j = F * w + p (word w); per memory, bank and word a valid bit
  // (the word is meaningful) and a candidate flag, set by that memory's own fill lane only
  // (explicit word decoders: yosys maps array-indexed bit writes poorly).
  logic [F-1:0] wr_ovf;
  logic [CW-1:0] rd_p [F];
  logic [NB-1:0] flags_b [2];  // bin order, per bank

  for (genvar p = 0; p < F; p++) begin : g_mem
    logic signed [EW-1:0] k, jb;
    logic [BIN_BITS-1:0] j;
    logic en_c, en, ok_c, ok;
    logic [BAW-1:0] waddr_c, waddr, raddr;
    logic [CW-1:0] q [2];  // read data of each bank's memory
    logic [NL+CNTW-1:0] old;  // {count, mask} before the fill (the list: hough_list_rmw)
    logic [CW-1:0] wword;
    logic [NL-1:0] mask;
    logic [CNTW-1:0] cnt;
    logic [MH-1:0] list;
    logic wflag;
    logic [NBP-1:0] vld [2];
    logic [NBP-1:0] flg [2];
    always_comb begin
      k = EW'((p - int'(lo)) & (F - 1));
      jb = lo + k;
      j = jb[BIN_BITS-1:0];
      en_c = pass && jb <= last;
      waddr_c = BAW'(32'(j) >> FB2);
    end
    // the word's valid bit, looked up a clock ahead (with the write of this clock, to the
    // same bank and word, forwarded): the read-modify-write need not select it
    assign ok_c = vld[f1_bank][waddr_c] || (en && f2_bank == f1_bank && waddr == waddr_c);
    always_ff @(posedge clk) begin
      if (rst) en <= 1'b0;
      else en <= en_c;
      waddr <= waddr_c;
      ok <= ok_c;
    end
    assign raddr = BAW'(32'(rd_bin) >> FB2);
    // one memory per bank, one read port each: the fill never works on the bank under
    // readout (a bank is read out only once full, and filled only while not full)
    for (genvar b = 0; b < 2; b++) begin : g_bank
      logic [CW-1:0] mem [NBP];
      logic we;
      assign we = en && f2_bank == 1'(b);
      assign q[b] = mem[we ? waddr : raddr];
      always_ff @(posedge clk) begin
        if (we) mem[waddr] <= wword;
      end
      // valid bits: set by a write, cleared with the bank; flags: cleared with the bank,
      // and every write stores whether it reached MIN_LAYERS. A cell's layer mask only
      // grows within an event, so the last write's answer is the OR of all of them; the
      // flag needs no read of itself, and a flip-flop with enable (the word decoder) and
      // synchronous reset takes both bits without a LUT of their own. (The readout lists
      // the flagged cells in raster order from these flags: hough_lister.)
      logic en_b, clr_b;
      logic [NBP-1:0] wdec_b;
      assign en_b = en && f2_bank == 1'(b);
      assign clr_b = rst || (bank_clr && rd_bank == 1'(b));
      for (genvar w = 0; w < NBP; w++) begin : g_bit
        assign wdec_b[w] = en_b && waddr == BAW'(w);
        always_ff @(posedge clk) begin
          if (clr_b) vld[b][w] <= 1'b0;
          else if (wdec_b[w]) vld[b][w] <= 1'b1;
          if (clr_b) flg[b][w] <= 1'b0;
          else if (wdec_b[w]) flg[b][w] <= wflag;
        end
      end
      for (genvar w = 0; w < NBP; w++) begin : g_fl
        if (F * w + p < NB) begin : g_in
          assign flags_b[b][F * w + p] = flg[b][w];
        end
      end
    end
    logic full;
    always_comb begin
      old = ok ? q[f2_bank][NL+CNTW-1:0] : '0;
      mask = old[NL-1:0] | layer_bit_f2;
      cnt = old[NL +: CNTW];
      full = cnt == CNTW'(MAX_HITS_PER_CELL);
      wr_ovf[p] = en && full;
      if (!full) cnt = cnt + 1'b1;
      wflag = int'(popcount_nl(mask)) >= int'(MIN_LAYERS);
    end
    assign wword = {list, cnt, mask};
    hough_list_rmw #(.W(MH)) u_list (
        .q0(q[0][NL + CNTW +: MH]), .q1(q[1][NL + CNTW +: MH]), .bank(f2_bank), .valid(ok),
        .full(full), .slot_bit(slot_bit_f2), .list(list)
    );
    assign rd_p[p] = q[rd_bank];
  end

  function automatic [FILL_BINS_BITS-1:0] count_ovf(input [F-1:0] v);
    count_ovf = '0;
    for (int p = 0; p < F; p++) count_ovf = count_ovf + FILL_BINS_BITS'(v[p]);
  endfunction
  always_ff @(posedge clk) begin
    if (rst) begin
      capped <= '0;
      overflows <= '0;
    end else begin
      capped <= capped_f2;
      overflows <= count_ovf(wr_ovf);
    end
  end

  // the readout reads flagged cells only, and a flagged cell's word is meaningful
  assign rd_word = rd_p[32'(rd_bin) & (F - 1)];
  assign rd_flags = flags_b[rd_bank];
endmodule

`default_nettype wire

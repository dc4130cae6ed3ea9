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
// shared by the fill's read-modify-write and the readout, which never use the same bank. Per bank and bin a valid bit says the word is
// meaningful; clearing a bank clears its valid bits in one clock (so the next event need
// not wait for the memories to be wiped).
//
// Readout side (hough_top's readout FSM): the flags of one bank, one cell word
// {list, count, mask} at (rd_bank, rd_bin), a flag clear and a bank clear.
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
    output logic      [2:0]                    overflows,    // fills of full lists (this hit)
    // readout
    input  wire logic                          rd_bank,
    input  wire logic [BIN_BITS-1:0]           rd_bin,
    output logic      [CELL_WORD_BITS-1:0]     rd_word,      // {list, count, mask}, 0 if untouched
    output logic      [N_B-1:0]                rd_flags,     // candidate flags of rd_bank
    input  wire logic                          flag_clr,     // clear flag (rd_bank, rd_bin)
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

  function automatic [7:0] popcount_nl(input [NL-1:0] m);
    popcount_nl = '0;
    for (int b = 0; b < NL; b++) popcount_nl = popcount_nl + 8'(m[b]);
  endfunction

  // ---- this column's edges per layer (constant slices of the generated tables) -------
  logic signed [CB-1:0] sh0 [NL];
  logic signed [CB-1:0] sh1 [NL];
  for (genvar l = 0; l < NL; l++) begin : g_edges
    assign sh0[l] = SHIFT_FLAT[(l * (NA + 1) + COL) * CB +: CB];
    assign sh1[l] = SHIFT_FLAT[(l * (NA + 1) + COL + 1) * CB +: CB];
  end
  localparam logic signed [DW-1:0] A_BEND_COL = DW'($signed(A_BEND_FLAT[COL * BEND_BITS +: BEND_BITS]));

  // ---- bin range of the hit ----------------------------------------------------------
  logic signed [EW-1:0] e0, e1, lo_r, hi_r, lo, hi, last;
  logic signed [DW-1:0] dbend;
  logic bend_ok, pass;
  always_comb begin
    e0 = EW'(fill_coord) - EW'(sh0[int'(fill_layer) < NL ? fill_layer : '0]) - EW'(B_MIN);
    e1 = EW'(fill_coord) - EW'(sh1[int'(fill_layer) < NL ? fill_layer : '0]) - EW'(B_MIN);
    lo_r = (e0 < e1 ? e0 : e1) >>> BIN_SHIFT;
    hi_r = (e0 < e1 ? e1 : e0) >>> BIN_SHIFT;
    lo = lo_r < 0 ? '0 : lo_r;
    hi = hi_r > EW'(NB - 1) ? EW'(NB - 1) : hi_r;
    last = (hi - lo < EW'(MAX_BINS_PER_COLUMN - 1)) ? hi : lo + EW'(MAX_BINS_PER_COLUMN - 1);
    dbend = DW'(fill_bend) - A_BEND_COL;
    if (dbend < 0) dbend = -dbend;
    bend_ok = (BEND_FILTER == 0) || (dbend <= DW'(BEND_WINDOW));
    pass = fill_en && bend_ok && lo <= hi;
    capped = pass ? (BIN_BITS + 1)'(hi - last) : '0;
  end

  // ---- banks of cells ----------------------------------------------------------------
  logic [NB-1:0] vld [2];  // word meaningful
  logic [NB-1:0] flg [2];  // candidate flag
  logic [F-1:0] wr_en;
  logic [BIN_BITS-1:0] wr_bin [F];
  logic [CW-1:0] wr_word [F];
  logic [F-1:0] wr_flag, wr_ovf;
  logic [CW-1:0] rd_p [F];

  for (genvar p = 0; p < F; p++) begin : g_mem
    logic signed [EW-1:0] k, jb;
    logic [BIN_BITS-1:0] j;
    logic en;
    logic [BAW-1:0] waddr, raddr;
    logic [CW-1:0] q [2];  // read data of each bank's memory
    logic [CW-1:0] old;
    logic [NL-1:0] mask;
    logic [CNTW-1:0] cnt;
    logic [MH-1:0] list;
    always_comb begin
      k = EW'((p - int'(lo)) & (F - 1));
      jb = lo + k;
      j = jb[BIN_BITS-1:0];
      en = pass && jb <= last;
      waddr = BAW'(32'(j) >> FB2);
    end
    assign raddr = BAW'(32'(rd_bin) >> FB2);
    // one memory per bank, one read port each: the fill never works on the bank under
    // readout (a bank is read out only once full, and filled only while not full)
    for (genvar b = 0; b < 2; b++) begin : g_bank
      logic [CW-1:0] mem [NBP];
      logic we;
      assign we = en && fill_bank == 1'(b);
      assign q[b] = mem[we ? waddr : raddr];
      always_ff @(posedge clk) begin
        if (we) mem[waddr] <= wr_word[p];
      end
    end
    always_comb begin
      old = (en && vld[fill_bank][j]) ? q[fill_bank] : '0;
      mask = old[NL-1:0] | (NL'(1) << fill_layer);
      cnt = old[NL +: CNTW];
      list = old[NL + CNTW +: MH];
      wr_ovf[p] = en && cnt == CNTW'(MAX_HITS_PER_CELL);
      if (!(en && cnt == CNTW'(MAX_HITS_PER_CELL))) begin
        list = list | fill_slot_bit;
        cnt = cnt + 1'b1;
      end
      wr_word[p] = {list, cnt, mask};
      wr_flag[p] = int'(popcount_nl(mask)) >= int'(MIN_LAYERS);
    end
    assign wr_en[p] = en;
    assign wr_bin[p] = j;
    assign rd_p[p] = q[rd_bank];
  end

  function automatic [2:0] count_ovf(input [F-1:0] v);
    count_ovf = '0;
    for (int p = 0; p < F; p++) count_ovf = count_ovf + 3'(v[p]);
  endfunction
  assign overflows = count_ovf(wr_ovf);

  assign rd_word = vld[rd_bank][rd_bin] ? rd_p[32'(rd_bin) & (F - 1)] : '0;
  assign rd_flags = flg[rd_bank];

  always_ff @(posedge clk) begin
    if (rst) begin
      vld[0] <= '0;
      vld[1] <= '0;
      flg[0] <= '0;
      flg[1] <= '0;
    end else begin
      for (int p = 0; p < F; p++) begin
        if (wr_en[p]) begin
          vld[fill_bank][wr_bin[p]] <= 1'b1;
          if (wr_flag[p]) flg[fill_bank][wr_bin[p]] <= 1'b1;
        end
      end
      if (flag_clr) flg[rd_bank][rd_bin] <= 1'b0;
      if (bank_clr) begin
        vld[rd_bank] <= '0;
        flg[rd_bank] <= '0;
      end
    end
  end
endmodule

`default_nettype wire

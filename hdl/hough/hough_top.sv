// fasttrack Hough transform: the RTL processor (one instance).
//
// Everything it knows about the detector and the array comes from the generated package
// hough_pkg (`fasttrack codegen hough`): sizes, widths, the column-edge tables SHIFT and
// SUB_SHIFT, A_BEND, thresholds, capacities and the stream word layouts. Semantics are
// those of the fixed-point golden model (src/fasttrack/hough) and of the HLS kernel
// (hls/hough/hough.h documents the words, the hit lists as slot sets and the stages).
//
//   in ─► stage A (register) ─► stage B: every column fills its <= F bins (hough_column),
//         hit buffer, counters      │ bank 0 / bank 1 (double buffer: the next event fills
//                                   ▼ one bank while the readout works on the other)
//   front readout (one event): LIST candidate cells (raster order, made ahead by
//   hough_lister from the bank's flags, popped from its FIFO) ─►
//   [MINI: refill each cell 2x2 in a pipeline, MINI_LANES listed hits per clock; refilled
//   cells wait in a FIFO in front of the store, which writes their passing sub-cells one
//   per clock] ─► candidate bank ─► [VISIT: rank order by per-key linked lists,
//   CMP_LANES kept candidates compared per clock (rule "sharing")] ─► hand-over register
//   ─► emission (the event before, from the other candidate bank, while the front readout
//   works on the next): track word, hit-id words, end word.
//
// Input: one lane; one word per hit in input order, then the end-of-event word (eoe = 1;
// an empty event is just that word). Hits after the first MAX_HITS are consumed, counted
// (saturating at 2^DROP_COUNT_BITS - 1) and dropped; a hit with layer >= N_LAYERS takes a
// slot and fills nothing (as the HLS kernel).
//
// Output (fasttrack.hw.hough.track_layout): per output candidate (at most MAX_TRACKS,
// raster order then sub) a WORD_KIND_TRACK word (cell_a = column, cell_b = bin, sub =
// SUB_NONE or the sub-cell, layer_mask, n_hits) and n_hits WORD_KIND_HIT words (hit ids,
// input order); then the WORD_KIND_EOE word (last = 1) with n_tracks, n_hits_dropped,
// n_candidates, n_fills_capped, n_list_overflows. Every word carries the event's number in
// the stream modulo 2^EVENT_TAG_BITS. Every field width is the package's OUT_<FIELD>_BITS.
//
// Literal widths left in this file are local to its micro-architecture, not config values:
// the two cell banks ([1:0] full, [2] counters), the four hit-id banks ([1:0] fhb, rhb, j_hb,
// e_hb: events modulo 4), the 2x2 split of the mini-Hough (four
// sub-cells: [4] arrays, [3:0] masks, the 2-bit q_sel, three half-column edges per layer),
// the readout FSM's state encoding, and datapath intermediates (EW = COORD_BITS + 4 for
// line ends and bin indexes).
//
// Duplicate rules: 0 (none) and 2 (sharing). Rule 1 (local maximum) needs a neighbour scan
// this RTL does not have: rejected at elaboration.
//
// Timing (no back-pressure; fasttrack.hw.hough.schedule states the clocks of
// each readout step exactly): a word per clock in; the front readout of an event starts
// FILL_DELAY + 2 clocks after its end word is accepted (or two after it handed over the
// event before, or one after the emission of the event two before ends) and takes
//   LIST (without the mini-Hough: + LIST_LATENCY if the event has candidate cells, one
//   clock per cell and one more; with it, until the refill pipeline and the store are
//   empty: fasttrack.hw.hough.refill_clocks replays it) + [sharing: keys + 1 + compare
//   clocks] clocks;
// the emission starts two clocks after the hand-over (or after its own event before)
// and takes (skipped candidates + output words + 1) + 1 clocks. The input of event e
// waits only for the front readout of event e - 2 (two cell banks). The output port is
// one word per clock and one word per hit id, so the latency of an event is at least its
// input words plus its output words.
`default_nettype none
`include "ft_checks.svh"

// file scope: yosys does not take imports in module headers
/* verilator lint_off IMPORTSTAR */
import hough_pkg::*;
/* verilator lint_on IMPORTSTAR */

module hough_top
(
    input  wire logic                     clk,
    input  wire logic                     rst,        // synchronous, active high
    input  wire logic [0:0]               in_valid,
    output logic      [0:0]               in_ready,
    input  wire logic [IN_WORD_BITS-1:0]  in_data,
    output logic                          out_valid,
    input  wire logic                     out_ready,
    output logic      [OUT_WORD_BITS-1:0] out_data
);
  localparam int NL = int'(N_LAYERS);
  localparam int NA = int'(N_A);
  localparam int NB = int'(N_B);
  localparam int CB = int'(COORD_BITS);
  localparam int MH = int'(MAX_HITS);
  localparam int ML = int'(MAX_HITS_PER_CELL);
  localparam int CNTW = int'(CELL_COUNT_BITS);
  localparam int CW = int'(CELL_WORD_BITS);
  localparam int SB = int'(SLOT_BITS);        // 0..MAX_HITS
  localparam int MC = int'(MAX_CAND);
  localparam int NCW = int'(N_CAND_BITS);     // 0..MAX_CAND
  localparam int NK = int'(N_KEYS);
  localparam int KW = $clog2(NK + 1);
  localparam int KIW = NK > 1 ? $clog2(NK) : 1;  // key index
  localparam int CIW = MC > 1 ? $clog2(MC) : 1;  // candidate index
  localparam int OW = int'(OUT_WORD_BITS);
  localparam int EW = CB + 4;
  localparam int SUBW = 2 * NA + 1;
  localparam int AB = int'(COLUMN_BITS);
  localparam int BB = int'(BIN_BITS);
  localparam int CAPW = int'(OUT_N_FILLS_CAPPED_BITS);
  localparam int OVFW = int'(OUT_N_LIST_OVERFLOWS_BITS);
  localparam int DRW = int'(DROP_COUNT_BITS);
  localparam int IDW = int'(HIT_ID_BITS);
  localparam int LB = int'(LAYER_BITS);
  localparam int SW = int'(OUT_SUB_BITS);     // sub: SUB_NONE, or 2*(column half) + (bin half)
  localparam int FBW = int'(FILL_BINS_BITS);  // a hit's list overflows in one column, 0..FILL_BINS
  localparam int INFO = AB + BB + SW + NL + CNTW;  // candidate {col, bin, sub, mask, nh}
  // micro-architecture (from the package, as the cycle model reads it): hits the mini-Hough
  // refills per clock, kept candidates one duplicate check compares per clock
  localparam int K = int'(MINI_LANES);
  localparam int KB = $clog2(K);
  localparam int HBD = (MH + K - 1) / K;          // hit-buffer words per lane memory and bank
  localparam int HUW = HBD > 1 ? $clog2(HBD) : 1;  // word within a lane's bank
  localparam int P = int'(CMP_LANES);
  localparam int PB = $clog2(P);
  localparam int MCP = (MC + P - 1) / P;          // kept candidates per compare-lane memory

  // ---- elaboration checks ---------------------------------------------------------------
  if (DUPLICATE_RULE == 1) begin : g_bad_rule
    `FT_ELAB_ERROR(("hough_top: duplicate rule 1 (local maximum) is not implemented in RTL; use 0 or 2"))
  end
  if (IN_COORD_BITS != COORD_BITS || IN_HIT_ID_BITS != HIT_ID_BITS || IN_LAYER_BITS != LAYER_BITS ||
      IN_BEND_BITS != BEND_BITS || OUT_N_HITS_BITS != CELL_COUNT_BITS || OUT_N_CANDIDATES_BITS != N_CAND_BITS ||
      OUT_LAYER_MASK_BITS != N_LAYERS || OUT_CELL_A_BITS != COLUMN_BITS || OUT_CELL_B_BITS != BIN_BITS ||
      OUT_N_HITS_DROPPED_BITS != DROP_COUNT_BITS) begin : g_bad_layout
    `FT_ELAB_ERROR(("hough_top: the word layouts of hough_pkg disagree with its widths"))
  end
  if (MINI_HOUGH != 0 && BIN_SHIFT < 1) begin : g_bad_mini
    `FT_ELAB_ERROR(("hough_top: the mini-Hough needs BIN_SHIFT >= 1"))
  end
  if (FILL_DELAY < 3) begin : g_bad_fill_delay
    `FT_ELAB_ERROR(("hough_top: FILL_DELAY = %0d; the fill pipeline and the counter sums need 3", FILL_DELAY))
  end
  if ((1 << KB) != K || (1 << PB) != P || K > MH) begin : g_bad_lanes
    `FT_ELAB_ERROR(("hough_top: MINI_LANES = %0d and CMP_LANES = %0d must be powers of two, MINI_LANES <= MAX_HITS", K, P))
  end

  // ---- helpers ------------------------------------------------------------------------
  function automatic [LAYER_COUNT_BITS-1:0] popcount_nl(input [NL-1:0] m);
    popcount_nl = '0;
    for (int b = 0; b < NL; b++) popcount_nl = popcount_nl + LAYER_COUNT_BITS'(m[b]);
  endfunction
  function automatic [SB-1:0] popcount_mh(input [MH-1:0] m);
    popcount_mh = '0;
    for (int b = 0; b < MH; b++) popcount_mh = popcount_mh + SB'(m[b]);
  endfunction
  function automatic [SB-1:0] lowest_mh(input [MH-1:0] x);  // lowest set bit (0 if none)
    lowest_mh = '0;
    for (int b = MH - 1; b >= 0; b--) if (x[b]) lowest_mh = SB'(b);
  endfunction
  function automatic [KW-1:0] lowest_nk(input [NK-1:0] x);  // lowest set bit (0 if none)
    lowest_nk = '0;
    for (int b = NK - 1; b >= 0; b--) if (x[b]) lowest_nk = KW'(b);
  endfunction
  // rank key of a candidate (rule "sharing" visits them in key order): fewer missing
  // layers first, then fewer listed hits
  function automatic [KW-1:0] rank_key(input [NL-1:0] m, input [CNTW-1:0] nh);
    rank_key = KW'((NL - int'(popcount_nl(m))) * (ML + 1) + int'(nh));
  endfunction

  // ---- stage A: the input register ------------------------------------------------------
  logic fb;                   // bank the next accepted word belongs to
  logic [1:0] full;           // bank closed to input (its end word came) until the front readout releases it
  logic [1:0] fhb;            // hit-id bank of the next accepted word (events modulo 4)
  logic a_valid, a_bank, a_eoe;
  logic [1:0] a_hb;
  logic [LB-1:0] a_layer;
  logic signed [CB-1:0] a_coord;
  logic signed [BEND_BITS-1:0] a_bend;
  logic [IDW-1:0] a_id;
  logic take;
  assign in_ready[0] = !rst && !full[fb];
  assign take = in_valid[0] && in_ready[0];

  always_ff @(posedge clk) begin
    if (rst) begin
      fb <= 1'b0;
      fhb <= '0;
      a_valid <= 1'b0;
      a_bank <= 1'b0;
      a_hb <= '0;
      a_eoe <= 1'b0;
      a_layer <= '0;
      a_coord <= '0;
      a_bend <= '0;
      a_id <= '0;
    end else begin
      a_valid <= take;
      if (take) begin
        a_bank <= fb;
        a_hb <= fhb;
        a_eoe <= in_data[IN_EOE_LSB];
        a_layer <= in_data[IN_LAYER_LSB +: IN_LAYER_BITS];
        a_coord <= in_data[IN_COORD_LSB +: IN_COORD_BITS];
        a_bend <= in_data[IN_BEND_LSB +: IN_BEND_BITS];
        a_id <= in_data[IN_HIT_ID_LSB +: IN_HIT_ID_BITS];
        if (in_data[IN_EOE_LSB]) begin
          fb <= !fb;
          fhb <= fhb + 1'b1;
        end
      end
    end
  end

  // ---- stage B: fill ----------------------------------------------------------------------
  logic [SB-1:0] slot;        // arrival slot of the next hit of the event being filled
  logic b_hit, b_keep, b_fill;
  logic [MH-1:0] b_slot_bit;
  assign b_hit = a_valid && !a_eoe;
  assign b_keep = b_hit && slot < SB'(MH);
  assign b_fill = b_keep && int'(a_layer) < NL;
  assign b_slot_bit = MH'(1) << slot;

  // readout-side signals the columns see
  logic rb;                                   // bank under readout
  logic [BB-1:0] rd_bin;                      // the lister's read address
  logic bank_clr;
  logic [NA*CW-1:0] col_words;   // column i's word at rd_bin, at [i*CW +: CW]
  logic [NA*NB-1:0] col_flags;   // column i's flags of bank rb, at [i*NB +: NB]
  logic [NA*(BB+1)-1:0] capped_flat;  // column i at [i*(BB+1) +: BB+1]
  logic [NA*FBW-1:0] ovf_flat;   // column i at [i*FBW +: FBW]

  for (genvar i = 0; i < NA; i++) begin : g_col
    hough_column #(.COL(i)) u_col (
        .clk(clk), .rst(rst),
        .fill_en(b_fill), .fill_bank(a_bank), .fill_layer(a_layer), .fill_coord(a_coord),
        .fill_bend(a_bend), .fill_slot_bit(b_slot_bit),
        .capped(capped_flat[i*(BB+1) +: BB+1]), .overflows(ovf_flat[i*FBW +: FBW]),
        .rd_bank(rb), .rd_bin(rd_bin), .rd_word(col_words[i*CW +: CW]), .rd_flags(col_flags[i*NB +: NB]),
        .bank_clr(bank_clr)
    );
  end

  // the capped bins and list overflows of the hit in stage B three clocks ago (the
  // columns' registered fill outputs) over all columns, summed in two registered steps:
  // groups of CGRP columns, then the groups; added to the bank's counters in the clock
  // after (5 clocks after stage B). Functions on packed vectors: an always_comb
  // accumulating in a loop does not settle in Icarus 11.
  localparam int CGRP = 8;
  localparam int NCG = (NA + CGRP - 1) / CGRP;
  function automatic [CAPW-1:0] sum_capped(input [NA*(BB+1)-1:0] v, input int g);
    sum_capped = '0;
    for (int i = g * CGRP; i < NA && i < (g + 1) * CGRP; i++) sum_capped = sum_capped + CAPW'(v[i*(BB+1) +: BB+1]);
  endfunction
  function automatic [OVFW-1:0] sum_ovf(input [NA*FBW-1:0] v, input int g);
    sum_ovf = '0;
    for (int i = g * CGRP; i < NA && i < (g + 1) * CGRP; i++) sum_ovf = sum_ovf + OVFW'(v[i*FBW +: FBW]);
  endfunction
  function automatic [CAPW-1:0] sum_cap_groups(input [NCG*CAPW-1:0] v);
    sum_cap_groups = '0;
    for (int g = 0; g < NCG; g++) sum_cap_groups = sum_cap_groups + v[g*CAPW +: CAPW];
  endfunction
  function automatic [OVFW-1:0] sum_ovf_groups(input [NCG*OVFW-1:0] v);
    sum_ovf_groups = '0;
    for (int g = 0; g < NCG; g++) sum_ovf_groups = sum_ovf_groups + v[g*OVFW +: OVFW];
  endfunction
  logic [NCG*CAPW-1:0] cap_grp;
  logic [NCG*OVFW-1:0] ovf_grp;
  logic [CAPW-1:0] hit_capped;
  logic [OVFW-1:0] hit_ovf;
  // stage B's kept hit and its bank, carried along to the counter update: the columns'
  // three fill steps, then the two registered sums
  localparam int CNT_STAGES = 5;
  logic [CNT_STAGES-1:0] cnt_keep, cnt_bank;
  always_ff @(posedge clk) begin
    for (int g = 0; g < NCG; g++) begin
      cap_grp[g*CAPW +: CAPW] <= sum_capped(capped_flat, g);
      ovf_grp[g*OVFW +: OVFW] <= sum_ovf(ovf_flat, g);
    end
    hit_capped <= sum_cap_groups(cap_grp);
    hit_ovf <= sum_ovf_groups(ovf_grp);
    if (rst) begin
      cnt_keep <= '0;
      cnt_bank <= '0;
    end else begin
      cnt_keep <= {cnt_keep[CNT_STAGES-2:0], b_keep};
      cnt_bank <= {cnt_bank[CNT_STAGES-2:0], a_bank};
    end
  end

  // hit buffer. Hit ids (read by the emission) in four banks, event e in bank e % 4 at
  // bank * MAX_HITS + slot: the emission of event e overlaps the front readout of e + 1 and
  // the fill of e + 2 (and e + 4 cannot start before the emission of e ends: its cell bank
  // waits for the front readout of e + 2, which waits for the emission of e). Layer and
  // coordinate (read by the mini-Hough, MINI_LANES hits per clock) in the two cell banks,
  // in MINI_LANES memories, slot s in memory s % MINI_LANES at word bank * HBD + s /
  // MINI_LANES, so the lanes read distinct memories
  logic [IDW-1:0] hb_id [4 * MH];
  always_ff @(posedge clk) begin
    if (b_keep) hb_id[int'(a_hb) * MH + int'(slot)] <= a_id;
  end

  // per-bank event counters
  logic [DRW-1:0] st_drop [2];
  logic [CAPW-1:0] st_capped [2];
  logic [OVFW-1:0] st_ovf [2];
  logic finish;  // the front readout hands its event to the emission this clock
  // the end-of-event token of stage A, FILL_DELAY clocks late: a full bank (no more input
  // into it) is filled, ready for the front readout, once the columns have written the
  // event's last hit (3 clocks after stage B) and its counters are summed (5 clocks after
  // stage B, the clock the front readout can finish at the earliest when the token sets
  // `filled` 3 clocks after stage A)
  logic [FILL_DELAY-1:0] eoe_dly, eoe_bank;
  logic [1:0] filled;

  always_ff @(posedge clk) begin
    if (rst) begin
      slot <= '0;
      full <= '0;
      filled <= '0;
      eoe_dly <= '0;
      eoe_bank <= '0;
      for (int b = 0; b < 2; b++) begin
        st_drop[b] <= '0;
        st_capped[b] <= '0;
        st_ovf[b] <= '0;
      end
    end else begin
      eoe_dly <= {eoe_dly[FILL_DELAY-2:0], a_valid && a_eoe};
      eoe_bank <= {eoe_bank[FILL_DELAY-2:0], a_bank};
      if (eoe_dly[FILL_DELAY-1]) filled[eoe_bank[FILL_DELAY-1]] <= 1'b1;
      if (a_valid && a_eoe) begin
        full[a_bank] <= 1'b1;
        slot <= '0;
      end
      if (b_keep) begin
        slot <= slot + 1'b1;
      end else if (b_hit && st_drop[a_bank] != '1) begin
        st_drop[a_bank] <= st_drop[a_bank] + 1'b1;
      end
      if (cnt_keep[CNT_STAGES-1]) begin
        st_capped[cnt_bank[CNT_STAGES-1]] <= st_capped[cnt_bank[CNT_STAGES-1]] + hit_capped;
        st_ovf[cnt_bank[CNT_STAGES-1]] <= st_ovf[cnt_bank[CNT_STAGES-1]] + hit_ovf;
      end
      if (finish) begin
        full[rb] <= 1'b0;
        filled[rb] <= 1'b0;
        st_drop[rb] <= '0;
        st_capped[rb] <= '0;
        st_ovf[rb] <= '0;
      end
    end
  end

  // ---- readout: two units ------------------------------------------------------------------
  // The front readout (LIST with the refill, VPICK, VCMP) works on one cell bank and writes
  // the event's candidates into one of two candidate banks; when it is done it releases
  // the cell bank and hands the event (candidate bank, hit-id bank, counters) to the
  // emission, which writes the words while the front readout works on the next event.
  typedef enum logic [1:0] {
    R_IDLE, R_LIST, R_VPICK, R_VCMP
  } rstate_t;
  rstate_t st;
  typedef enum logic [1:0] {
    E_IDLE, E_CAND, E_HITS, E_EOE
  } estate_t;
  estate_t est;

  // candidate buffer (raster order of creation = output order), two banks: candidate k of
  // bank b at b * MAX_CAND + k
  logic [INFO-1:0] c_info [2 * MC];
  logic [MH-1:0] c_hits [2 * MC];
  logic [NCW-1:0] c_next [MC];
  logic c_keep [2 * MC];
  logic [NCW-1:0] n_cand, n_kept;
  logic [NK-1:0] key_present;
  logic [NCW-1:0] key_head [NK];
  logic [NCW-1:0] key_tail [NK];

  // the candidate store (mini-Hough): the refilled cell whose passing sub-cells it writes,
  // one per clock, with their rank keys
  logic [AB-1:0] qi;
  logic [BB-1:0] qj;
  logic [NL-1:0] qm [4];
  logic [MH-1:0] ql [4];
  logic [CNTW-1:0] qn [4];
  logic [KW-1:0] qk [4];
  logic [3:0] q_pend;  // passing sub-cells not yet stored

  // visit (rule 2)
  logic [NCW-1:0] vcur, vtail, ka;  // ka: kept candidates ka*P .. ka*P+P-1 under comparison
  logic [1:0] rhb;                  // hit-id bank of the event under the front readout

  // the hand-over register: an event the front readout has finished, not yet taken by the
  // emission (its candidate bank, hit-id bank, candidates, candidates reported, counters)
  logic j_valid, j_bank;
  logic [1:0] j_hb;
  logic [NCW-1:0] j_n_cand, j_n_report;
  logic [DRW-1:0] j_drop;
  logic [CAPW-1:0] j_capped;
  logic [OVFW-1:0] j_ovf;

  // the emission: the event it writes, the candidate it is at, tracks written so far, the
  // hit ids of the track not yet written
  logic e_bank;
  logic [1:0] e_hb;
  logic [NCW-1:0] e_n_cand, e_n_report, ecur;
  logic [DRW-1:0] e_drop;
  logic [CAPW-1:0] e_capped;
  logic [OVFW-1:0] e_ovf;
  logic [NCW-1:0] e_m;
  logic [MH-1:0] e_rem;
  logic [EVENT_TAG_BITS-1:0] ev_tag;

  // ---- LIST: the candidate cells in raster order, made ahead by hough_lister (its FIFO
  //      head is the next cell; `l_done`: none left of this event) ----
  logic any_cell, l_done, list_now, l_start;
  logic [AB-1:0] rd_i;
  logic [BB-1:0] rd_j;
  logic [CW-1:0] cell_w;
  hough_lister u_lister (
      .clk(clk), .rst(rst), .start(l_start), .flags(col_flags), .rd_bin(rd_bin), .col_words(col_words),
      .pop(list_now), .head_valid(any_cell), .head_i(rd_i), .head_j(rd_j), .head_word(cell_w), .done(l_done)
  );
  logic [NL-1:0] cell_mask;
  logic [CNTW-1:0] cell_cnt;
  logic [MH-1:0] cell_list;
  assign cell_mask = cell_w[NL-1:0];
  assign cell_cnt = cell_w[NL +: CNTW];
  assign cell_list = cell_w[NL + CNTW +: MH];

  // half-column edges [layer][edge] + B_MIN (constant slices of the generated table)
  logic signed [EW-1:0] sub_rom [NL * SUBW];
  for (genvar x = 0; x < NL * SUBW; x++) begin : g_sub_rom
    assign sub_rom[x] = EW'($signed(SUB_SHIFT_FLAT[x * CB +: CB])) + EW'(B_MIN);
  end

  // ---- MINI (mini-Hough): the refill of the listed cells, a pipeline whose only loops are
  //      the slot walk and the accumulation:
  //   SEQ   the cell being refilled: per lane t the lowest of its listed slots s
  //         (s % MINI_LANES = t) not yet issued, one token per clock; the next cell is
  //         loaded (popped from the lister, with a credit of the result FIFO) in the clock
  //         of the last token
  //   T1    the token: the cell, the slot of each lane
  //   T2    each lane's layer and coordinate (hit-buffer read at the registered slot); the
  //         cell's half-column edges (+ B_MIN: a constant table of the column) and its
  //         three sub-bin thresholds ((2 * bin + m) << (BIN_SHIFT - 1), m = 0..2)
  //   T3    each hit's distance to the three half-column edges of its layer
  //   T4    the sub-cells each hit fills, from the distances against the thresholds
  //   ACC   the cell's four sub-cells, accumulated token by token (REFILL_STAGES clocks
  //         after the last token they are complete); a cell with a passing sub-cell goes
  //         into the result FIFO with its rank keys, one without gives its credit back
  //   STORE one passing sub-cell per clock into the candidate bank
  localparam int RSTAGES = 5;  // last token -> ACC complete
  localparam int DQ = 8;       // result FIFO entries
  localparam int DQW = $clog2(DQ);
  localparam int TW = EW + 2;  // distances and thresholds, compared without overflow
  if (RSTAGES != int'(REFILL_STAGES) || DQ != int'(REFILL_QUEUE)) begin : g_bad_refill
    `FT_ELAB_ERROR(("hough_top: REFILL_STAGES, REFILL_QUEUE = %0d, %0d in the package, %0d, %0d in this RTL", REFILL_STAGES, REFILL_QUEUE, RSTAGES, DQ))
  end
  if (MINI_HOUGH != 0 && (MAX_BINS_PER_COLUMN < 1 || ((longint'(N_B) + 1) << BIN_SHIFT) >= (longint'(1) << (TW - 1)))) begin : g_bad_thresholds
    `FT_ELAB_ERROR(("hough_top: the mini-Hough needs MAX_BINS_PER_COLUMN >= 1 and (N_B + 1) << BIN_SHIFT < 2^%0d", TW - 1))
  end
  // whether at most one bit is set; a one-hot word as its bit's index
  function automatic logic at_most_one(input [HBD-1:0] x);
    logic any, many;
    any = 1'b0;
    many = 1'b0;
    for (int b = 0; b < HBD; b++) begin
      many = many | (any & x[b]);
      any = any | x[b];
    end
    at_most_one = !many;
  endfunction
  function automatic [HUW-1:0] encode_hbd(input [HBD-1:0] onehot);
    encode_hbd = '0;
    for (int w = 0; w < HBD; w++) encode_hbd = encode_hbd | (onehot[w] ? HUW'(w) : '0);
  endfunction

  // SEQ
  logic s_on, s_first, s_last, s_load;
  logic [MH-1:0] s_rem;       // listed slots of the cell not yet issued
  logic [AB-1:0] s_i;
  logic [BB-1:0] s_j;
  logic [HBD*K-1:0] s_rem_pad, s_take;  // bit u*K + t: lane t, word u
  logic [K-1:0] s_one, s_lv;
  logic [K*HUW-1:0] s_u;
  logic [DQW:0] r_credits;    // result FIFO entries free, less the cells loaded and not through ACC
  logic refill_done;          // nothing of the event left in the lister, the refill or the store
  assign s_rem_pad = (HBD * K)'(s_rem);
  for (genvar t = 0; t < K; t++) begin : g_seq
    logic [HBD-1:0] r, low;
    for (genvar w = 0; w < HBD; w++) begin : g_bit
      assign r[w] = s_rem_pad[w * K + t];
      assign s_take[w * K + t] = low[w];
    end
    assign low = r & (~r + 1'b1);  // lowest remaining slot of the lane, one-hot
    assign s_one[t] = at_most_one(r);
    assign s_lv[t] = |r;
    assign s_u[t * HUW +: HUW] = encode_hbd(low);
  end
  assign s_last = &s_one;  // this clock's token is the cell's last
  assign s_load = MINI_HOUGH != 0 && st == R_LIST && any_cell && r_credits != '0 && (!s_on || s_last);
  always_ff @(posedge clk) begin
    if (rst) begin
      s_on <= 1'b0;
      s_first <= 1'b0;
      s_rem <= '0;
      s_i <= '0;
      s_j <= '0;
    end else if (s_load) begin
      s_on <= 1'b1;
      s_first <= 1'b1;
      s_rem <= cell_list;
      s_i <= rd_i;
      s_j <= rd_j;
    end else if (s_on) begin
      s_first <= 1'b0;
      s_rem <= s_rem & ~(MH'(s_take));
      if (s_last) s_on <= 1'b0;
    end
  end

  // T1 .. T4: the token's cell and slots travel with it
  logic t1_v, t2_v, t3_v, t4_v;
  logic t1_first, t2_first, t3_first, t4_first;
  logic t1_last, t2_last, t3_last, t4_last;
  logic [AB-1:0] t1_i, t2_i, t3_i, t4_i;
  logic [BB-1:0] t1_j, t2_j, t3_j, t4_j;
  logic [HBD*K-1:0] t1_take, t2_take, t3_take, t4_take;
  logic [K-1:0] t1_lv, t2_lv, t3_lv;
  logic [K*HUW-1:0] t1_u;
  logic signed [EW-1:0] t2_tab [NL * 3];  // [layer * 3 + k]: SUB_SHIFT[layer][2 * i + k] + B_MIN
  logic signed [TW-1:0] t2_c [3], t3_c [3];
  logic [K*4-1:0] t4_hit;   // lane t fills sub-cell q: bit t*4 + q
  logic [K*NL-1:0] t4_lbit;  // lane t's layer bit
  always_ff @(posedge clk) begin
    if (rst) begin
      {t1_v, t2_v, t3_v, t4_v} <= '0;
    end else begin
      {t1_v, t2_v, t3_v, t4_v} <= {s_on, t1_v, t2_v, t3_v};
    end
    {t1_first, t2_first, t3_first, t4_first} <= {s_first, t1_first, t2_first, t3_first};
    {t1_last, t2_last, t3_last, t4_last} <= {s_last, t1_last, t2_last, t3_last};
    {t1_i, t2_i, t3_i, t4_i} <= {s_i, t1_i, t2_i, t3_i};
    {t1_j, t2_j, t3_j, t4_j} <= {s_j, t1_j, t2_j, t3_j};
    {t1_take, t2_take, t3_take, t4_take} <= {s_take, t1_take, t2_take, t3_take};
    {t1_lv, t2_lv, t3_lv} <= {s_lv, t1_lv, t2_lv};
    t1_u <= s_u;
    for (int l = 0; l < NL; l++) begin
      for (int k = 0; k < 3; k++) t2_tab[l * 3 + k] <= sub_rom[l * SUBW + 2 * int'(t1_i) + k];
    end
    for (int m = 0; m < 3; m++) t2_c[m] <= TW'(2 * int'(t1_j) + m) <<< (BIN_SHIFT - 1);
    for (int m = 0; m < 3; m++) t3_c[m] <= t2_c[m];
  end

  for (genvar t = 0; t < K; t++) begin : g_lane
    // the lane's hit buffer: slot s = u * K + t of bank b at word b * HBD + u
    logic [LB-1:0] lay_mem [2 * HBD];
    logic signed [CB-1:0] co_mem [2 * HBD];
    always_ff @(posedge clk) begin
      if (b_keep && (int'(slot) & (K - 1)) == t) begin
        lay_mem[int'(a_bank) * HBD + (int'(slot) >> KB)] <= a_layer;
        co_mem[int'(a_bank) * HBD + (int'(slot) >> KB)] <= a_coord;
      end
    end
    // T2
    logic [LB-1:0] t2_lay;
    logic signed [CB-1:0] t2_co;
    always_ff @(posedge clk) begin
      t2_lay <= lay_mem[int'(rb) * HBD + int'(t1_u[t * HUW +: HUW])];
      t2_co <= co_mem[int'(rb) * HBD + int'(t1_u[t * HUW +: HUW])];
    end
    // T3: distances to the half-column edges k = 0..2 of the hit's layer
    logic signed [EW-1:0] e_d [3];
    logic signed [EW-1:0] t3_e [3];
    logic [NL-1:0] t3_lbit;
    always_comb begin
      int l;
      l = int'(t2_lay) < NL ? int'(t2_lay) : 0;
      for (int k = 0; k < 3; k++) e_d[k] = EW'(t2_co) - t2_tab[l * 3 + k];
    end
    always_ff @(posedge clk) begin
      for (int k = 0; k < 3; k++) t3_e[k] <= e_d[k];
      t3_lbit <= NL'(1) << t2_lay;
    end
    // T4: the hit's line through sub-column si runs from e[si] to e[si + 1] (in sub-bins
    // after >>> (BIN_SHIFT - 1)); it fills sub-bin 2 * bin + sj of the cell when that
    // lies between the ends (clamped to the cell, at most MAX_BINS_PER_COLUMN from the
    // lower end). With ge[k][m] = e[k] >= threshold m, "lower end <= sub-bin x" is
    // "not both ends >= threshold of x + 1" and "x <= upper end" is "either end >=
    // threshold of x" (floor division).
    logic [3:0] hit_d, hit_q;
    logic [NL-1:0] lbit_q;
    always_comb begin
      logic [8:0] ge;  // [k * 3 + m]
      for (int k = 0; k < 3; k++) begin
        for (int m = 0; m < 3; m++) ge[k * 3 + m] = TW'(t3_e[k]) >= t3_c[m];
      end
      for (int si = 0; si < 2; si++) begin
        hit_d[2 * si] = !(ge[si * 3 + 1] && ge[si * 3 + 4]) && (ge[si * 3] || ge[si * 3 + 3]);
        if (MAX_BINS_PER_COLUMN >= 2) begin
          hit_d[2 * si + 1] = !(ge[si * 3 + 2] && ge[si * 3 + 5]) && (ge[si * 3 + 1] || ge[si * 3 + 4]);
        end else begin  // one sub-bin from the lower end: sub-bin 1 only if the lower end is there
          hit_d[2 * si + 1] = ge[si * 3 + 1] && ge[si * 3 + 4] && !(ge[si * 3 + 2] && ge[si * 3 + 5]);
        end
      end
    end
    always_ff @(posedge clk) begin
      hit_q <= t3_lv[t] ? hit_d : 4'b0;
      lbit_q <= t3_lbit;
    end
    assign t4_hit[t * 4 +: 4] = hit_q;
    assign t4_lbit[t * NL +: NL] = lbit_q;
  end

  // ACC (functions over packed vectors: Icarus 11)
  function automatic [NL-1:0] or_layers(input [K*4-1:0] hv, input [K*NL-1:0] lb, input int q);
    or_layers = '0;
    for (int t = 0; t < K; t++) if (hv[t * 4 + q]) or_layers = or_layers | lb[t * NL +: NL];
  endfunction
  function automatic [CNTW-1:0] count_lanes(input [K*4-1:0] hv, input int q);
    count_lanes = '0;
    for (int t = 0; t < K; t++) count_lanes = count_lanes + CNTW'(hv[t * 4 + q]);
  endfunction
  logic a_done;  // the accumulator holds a complete cell
  logic [AB-1:0] a_i;
  logic [BB-1:0] a_j;
  logic [NL-1:0] a_sm [4];
  logic [MH-1:0] a_sl [4];
  logic [CNTW-1:0] a_sn [4];
  logic [NL-1:0] a_sm_next [4];
  logic [MH-1:0] a_sl_next [4];
  logic [CNTW-1:0] a_sn_next [4];
  for (genvar q = 0; q < 4; q++) begin : g_sub
    logic [HBD*K-1:0] add;
    for (genvar t = 0; t < K; t++) begin : g_l
      for (genvar w = 0; w < HBD; w++) begin : g_w
        assign add[w * K + t] = t4_take[w * K + t] & t4_hit[t * 4 + q];
      end
    end
    assign a_sm_next[q] = (t4_first ? '0 : a_sm[q]) | or_layers(t4_hit, t4_lbit, q);
    assign a_sl_next[q] = (t4_first ? '0 : a_sl[q]) | MH'(add);
    assign a_sn_next[q] = (t4_first ? '0 : a_sn[q]) + count_lanes(t4_hit, q);
  end
  always_ff @(posedge clk) begin
    if (rst) a_done <= 1'b0;
    else a_done <= t4_v && t4_last;
    if (t4_v) begin
      a_i <= t4_i;
      a_j <= t4_j;
      for (int q = 0; q < 4; q++) begin
        a_sm[q] <= a_sm_next[q];
        a_sl[q] <= a_sl_next[q];
        a_sn[q] <= a_sn_next[q];
      end
    end
  end

  // the complete cell: which sub-cells pass, their rank keys; into the result FIFO
  logic [3:0] a_pass;
  logic [KW-1:0] a_key [4];
  logic a_push, a_drop;
  for (genvar q = 0; q < 4; q++) begin : g_pass
    assign a_pass[q] = int'(popcount_nl(a_sm[q])) >= int'(MIN_LAYERS);
    assign a_key[q] = rank_key(a_sm[q], a_sn[q]);
  end
  assign a_push = a_done && a_pass != '0;
  assign a_drop = a_done && a_pass == '0;

  logic [AB-1:0] r_i [DQ];
  logic [BB-1:0] r_j [DQ];
  logic [3:0] r_pass [DQ];
  logic [NL-1:0] r_m [DQ * 4];  // entry e, sub-cell q at e * 4 + q
  logic [MH-1:0] r_l [DQ * 4];
  logic [CNTW-1:0] r_n [DQ * 4];
  logic [KW-1:0] r_k [DQ * 4];
  logic [DQW-1:0] r_wr, r_rd;
  logic [DQW:0] r_count;
  always_ff @(posedge clk) begin
    if (a_push) begin
      r_i[r_wr] <= a_i;
      r_j[r_wr] <= a_j;
      r_pass[r_wr] <= a_pass;
      for (int q = 0; q < 4; q++) begin
        r_m[int'(r_wr) * 4 + q] <= a_sm[q];
        r_l[int'(r_wr) * 4 + q] <= a_sl[q];
        r_n[int'(r_wr) * 4 + q] <= a_sn[q];
        r_k[int'(r_wr) * 4 + q] <= a_key[q];
      end
    end
  end

  // ---- candidate store (LIST without the mini-Hough; with it, one clock per passing
  //      sub-cell of the refilled cell at the head of the result FIFO) ----
  logic [1:0] q_sel;
  logic [3:0] q_pend_next;
  logic q_free;  // the store is empty after this clock
  logic q_load;  // ... and takes the FIFO's head
  always_comb begin
    q_sel = q_pend[0] ? 2'd0 : q_pend[1] ? 2'd1 : q_pend[2] ? 2'd2 : 2'd3;
    q_pend_next = q_pend & ~(4'b1 << q_sel);
    q_free = q_pend_next == '0;
  end
  assign q_load = MINI_HOUGH != 0 && q_free && r_count != '0;
  always_ff @(posedge clk) begin
    if (rst) begin
      q_pend <= '0;
      r_wr <= '0;
      r_rd <= '0;
      r_count <= '0;
      r_credits <= (DQW + 1)'(DQ);
    end else begin
      q_pend <= q_load ? r_pass[r_rd] : q_pend_next;
      if (a_push) r_wr <= r_wr + 1'b1;
      if (q_load) r_rd <= r_rd + 1'b1;
      r_count <= r_count + (DQW + 1)'(a_push) - (DQW + 1)'(q_load);
      r_credits <= r_credits - (DQW + 1)'(s_load) + (DQW + 1)'(a_drop) + (DQW + 1)'(q_load);
    end
  end
  assign refill_done = l_done && !s_on && !t1_v && !t2_v && !t3_v && !t4_v && !a_done && r_count == '0 && q_free;
  logic st_en;
  logic [INFO-1:0] st_info;
  logic [MH-1:0] st_hits;
  logic [KW-1:0] st_key;
  always_comb begin
    logic [NL-1:0] mk;
    logic [CNTW-1:0] nh;
    logic signed [SW-1:0] sub;
    if (MINI_HOUGH != 0) begin
      mk = qm[q_sel];
      nh = qn[q_sel];
      sub = SW'(q_sel);
      st_hits = ql[q_sel];
      st_en = q_pend != '0;
      st_info = {qi, qj, sub, mk, nh};
      st_key = qk[q_sel];  // computed before the result FIFO
    end else begin
      mk = cell_mask;
      nh = cell_cnt;
      sub = SW'(SUB_NONE);
      st_hits = cell_list;
      st_en = st == R_LIST && any_cell;
      st_info = {rd_i, rd_j, sub, mk, nh};
      st_key = rank_key(mk, nh);
    end
  end

  // ---- candidate read ports: port A serves VCMP (the candidate visited, in the front's
  //      bank), port B the emission (the candidate output, in the emission's bank); a
  //      register is the read address of every read port of c_hits, c_info, c_keep and the
  //      kept-candidate memories, so synthesis can put them in block RAM
  function automatic int cand_addr(input logic bank, input logic [CIW-1:0] k);
    cand_addr = int'(bank) * MC + int'(k);
  endfunction
  logic [MH-1:0] ca_hits, eb_hits;
  logic [INFO-1:0] eb_info;
  logic [CNTW-1:0] ca_nh;  // VCMP reads only the visited candidate's hit count
  assign ca_hits = c_hits[cand_addr(rb, CIW'(vcur))];
  assign ca_nh = c_info[cand_addr(rb, CIW'(vcur))][CNTW-1:0];
  assign eb_hits = c_hits[cand_addr(e_bank, CIW'(ecur))];
  assign eb_info = c_info[cand_addr(e_bank, CIW'(ecur))];

  // ---- VCMP: compare with CMP_LANES kept candidates (rank order) per clock; kept
  //      candidate k lives in lane k % CMP_LANES at word k / CMP_LANES ----
  logic [MH-1:0] v_hits;
  logic [CNTW-1:0] v_nh;
  logic [P-1:0] v_dupl;
  logic v_dup, v_cover;
  assign v_hits = ca_hits;
  assign v_nh = ca_nh;
  for (genvar p = 0; p < P; p++) begin : g_cmp
    logic [MH-1:0] kh_mem [MCP];
    always_ff @(posedge clk) begin
      if (st == R_VCMP && !v_dup && v_cover && (int'(n_kept) & (P - 1)) == p)
        kh_mem[int'(n_kept) >> PB] <= v_hits;
    end
    logic [MH-1:0] kh;
    assign kh = kh_mem[int'(ka)];
    always_comb begin
      int sh;
      sh = int'(popcount_mh(v_hits & kh));
      v_dupl[p] = int'(ka) * P + p < int'(n_kept) && sh >= int'(DUP_MIN_SHARED) &&
                  int'(v_nh) - sh <= int'(DUP_MAX_NEW);
    end
  end
  assign v_dup = |v_dupl;
  assign v_cover = (int'(ka) + 1) * P >= int'(n_kept);  // every kept candidate compared

  // ---- output register ----
  logic adv, issue;
  logic [OW-1:0] word;
  logic [INFO-1:0] e_info;
  logic e_keep;
  logic [SB-1:0] e_s;
  logic [MH-1:0] e_rem_next;
  assign adv = !out_valid || out_ready;
  assign e_info = eb_info;
  assign e_keep = DUPLICATE_RULE == 2 ? c_keep[cand_addr(e_bank, CIW'(ecur))] : 1'b1;
  assign e_s = lowest_mh(e_rem);
  assign e_rem_next = e_rem & ~(MH'(1) << e_s);
  logic e_stop;
  assign e_stop = ecur == e_n_cand || e_m == NCW'(MAX_TRACKS);

  always_comb begin
    word = '0;
    issue = 1'b0;
    word[OUT_EVENT_LSB +: OUT_EVENT_BITS] = ev_tag;
    case (est)
      E_CAND: if (!e_stop && e_keep && adv) begin
        issue = 1'b1;
        word[OUT_KIND_LSB +: OUT_KIND_BITS] = OUT_KIND_BITS'(WORD_KIND_TRACK);
        {word[OUT_CELL_A_LSB +: OUT_CELL_A_BITS], word[OUT_CELL_B_LSB +: OUT_CELL_B_BITS],
         word[OUT_SUB_LSB +: OUT_SUB_BITS], word[OUT_LAYER_MASK_LSB +: OUT_LAYER_MASK_BITS],
         word[OUT_N_HITS_LSB +: OUT_N_HITS_BITS]} = e_info;
      end
      E_HITS: if (adv) begin
        issue = 1'b1;
        word[OUT_KIND_LSB +: OUT_KIND_BITS] = OUT_KIND_BITS'(WORD_KIND_HIT);
        word[OUT_HIT_ID_LSB +: OUT_HIT_ID_BITS] = hb_id[int'(e_hb) * MH + int'(e_s)];
      end
      E_EOE: if (adv) begin
        issue = 1'b1;
        word[OUT_LAST_LSB] = 1'b1;
        word[OUT_KIND_LSB +: OUT_KIND_BITS] = OUT_KIND_BITS'(WORD_KIND_EOE);
        word[OUT_N_TRACKS_LSB +: OUT_N_TRACKS_BITS] = OUT_N_TRACKS_BITS'(e_m);
        word[OUT_N_HITS_DROPPED_LSB +: OUT_N_HITS_DROPPED_BITS] = e_drop;
        word[OUT_N_CANDIDATES_LSB +: OUT_N_CANDIDATES_BITS] = e_n_report;
        word[OUT_N_FILLS_CAPPED_LSB +: OUT_N_FILLS_CAPPED_BITS] = e_capped;
        word[OUT_N_LIST_OVERFLOWS_LSB +: OUT_N_LIST_OVERFLOWS_BITS] = e_ovf;
      end
      default: ;
    endcase
  end

  // the front readout's last clock of an event: LIST or DRAIN find nothing left (and rule
  // "sharing" is off), or VPICK finds no rank key left
  always_comb begin
    case (st)
      R_LIST: finish = (MINI_HOUGH != 0 ? refill_done : !any_cell && l_done) && DUPLICATE_RULE != 2;
      R_VPICK: finish = key_present == '0;
      default: finish = 1'b0;
    endcase
  end
  // the emission is writing the event of cell bank `rb`'s candidate bank
  logic e_holds_rb;
  assign e_holds_rb = est != E_IDLE && e_bank == rb;
  // a cell is listed (popped from the lister) in LIST: without the mini-Hough one per
  // clock into the candidate bank, with it when the refill loads it; the lister starts in
  // the clock the front readout leaves IDLE
  assign list_now = MINI_HOUGH != 0 ? s_load : st == R_LIST && any_cell;
  assign l_start = st == R_IDLE && filled[rb] && !e_holds_rb;
  assign bank_clr = finish;

  always_ff @(posedge clk) begin
    if (rst) begin
      out_valid <= 1'b0;
      out_data <= '0;
    end else if (issue) begin
      out_valid <= 1'b1;
      out_data <= word;
    end else if (out_ready) begin
      out_valid <= 1'b0;
    end
  end

  // candidate buffer writes, and the heads and tails of the per-key lists (memories: no
  // reset; key_present says which are meaningful)
  always_ff @(posedge clk) begin
    if (st_en && DUPLICATE_RULE == 2) begin
      if (!key_present[KIW'(st_key)]) key_head[KIW'(st_key)] <= n_cand;
      key_tail[KIW'(st_key)] <= n_cand;
    end
    if (st_en) begin
      c_info[cand_addr(rb, CIW'(n_cand))] <= st_info;
      c_hits[cand_addr(rb, CIW'(n_cand))] <= st_hits;
      if (DUPLICATE_RULE == 2 && key_present[KIW'(st_key)]) c_next[CIW'(key_tail[KIW'(st_key)])] <= n_cand;
    end
    if (st == R_VCMP && (v_dup || v_cover)) c_keep[cand_addr(rb, CIW'(vcur))] <= !v_dup;
  end

  // ---- the FSM ----
  always_ff @(posedge clk) begin
    if (rst) begin
      st <= R_IDLE;
      rb <= 1'b0;
      rhb <= '0;
      n_cand <= '0;
      n_kept <= '0;
      key_present <= '0;
      qi <= '0;
      qj <= '0;
      vcur <= '0;
      vtail <= '0;
      ka <= '0;
      for (int k = 0; k < 4; k++) begin
        qm[k] <= '0;
        ql[k] <= '0;
        qn[k] <= '0;
        qk[k] <= '0;
      end
    end else begin
      if (st_en) begin
        n_cand <= n_cand + 1'b1;
        if (DUPLICATE_RULE == 2) key_present[KIW'(st_key)] <= 1'b1;
      end
      if (q_load) begin  // the store takes the next refilled cell
        qi <= r_i[r_rd];
        qj <= r_j[r_rd];
        for (int k = 0; k < 4; k++) begin
          qm[k] <= r_m[int'(r_rd) * 4 + k];
          ql[k] <= r_l[int'(r_rd) * 4 + k];
          qn[k] <= r_n[int'(r_rd) * 4 + k];
          qk[k] <= r_k[int'(r_rd) * 4 + k];
        end
      end
      case (st)
        R_IDLE: if (l_start) begin
          st <= R_LIST;
          n_cand <= '0;
          n_kept <= '0;
          key_present <= '0;
        end
        // the lister's first cell comes LIST_LATENCY clocks after start; without the
        // mini-Hough LIST stores a cell per clock, with it LIST lasts until the refill
        // pipeline, its FIFO and the store are empty
        R_LIST: if (MINI_HOUGH != 0 ? refill_done : !any_cell && l_done) begin
          st <= DUPLICATE_RULE == 2 ? R_VPICK : R_IDLE;
        end
        R_VPICK: begin
          if (key_present == '0) begin
            st <= R_IDLE;
          end else begin
            key_present[KIW'(lowest_nk(key_present))] <= 1'b0;
            vcur <= key_head[KIW'(lowest_nk(key_present))];
            vtail <= key_tail[KIW'(lowest_nk(key_present))];
            ka <= '0;
            st <= R_VCMP;
          end
        end
        R_VCMP: begin
          if (v_dup || v_cover) begin
            if (!v_dup) n_kept <= n_kept + 1'b1;
            ka <= '0;
            if (vcur == vtail) st <= R_VPICK;
            else vcur <= c_next[CIW'(vcur)];
          end else begin
            ka <= ka + 1'b1;
          end
        end
        default: st <= R_IDLE;
      endcase
      if (finish) begin  // release the cell bank, hand the event over
        rb <= !rb;
        rhb <= rhb + 1'b1;
      end
    end
  end

  // ---- the hand-over register and the emission ----
  always_ff @(posedge clk) begin
    if (rst) begin
      j_valid <= 1'b0;
      j_bank <= 1'b0;
      j_hb <= '0;
      j_n_cand <= '0;
      j_n_report <= '0;
      j_drop <= '0;
      j_capped <= '0;
      j_ovf <= '0;
      est <= E_IDLE;
      e_bank <= 1'b0;
      e_hb <= '0;
      e_n_cand <= '0;
      e_n_report <= '0;
      e_drop <= '0;
      e_capped <= '0;
      e_ovf <= '0;
      ecur <= '0;
      e_m <= '0;
      e_rem <= '0;
      ev_tag <= '0;
    end else begin
      // the front readout finishes an event only once the emission has taken the one
      // before (it started after the emission left its candidate bank): never both here
      if (est == E_IDLE && j_valid) j_valid <= 1'b0;
      if (finish) begin
        j_valid <= 1'b1;
        j_bank <= rb;
        j_hb <= rhb;
        j_n_cand <= n_cand;
        j_n_report <= DUPLICATE_RULE == 2 ? n_kept : n_cand;
        j_drop <= st_drop[rb];
        j_capped <= st_capped[rb];
        j_ovf <= st_ovf[rb];
      end
      case (est)
        E_IDLE: if (j_valid) begin
          est <= E_CAND;
          e_bank <= j_bank;
          e_hb <= j_hb;
          e_n_cand <= j_n_cand;
          e_n_report <= j_n_report;
          e_drop <= j_drop;
          e_capped <= j_capped;
          e_ovf <= j_ovf;
          ecur <= '0;
          e_m <= '0;
        end
        E_CAND: begin
          if (e_stop) begin
            est <= E_EOE;
          end else if (!e_keep) begin
            ecur <= ecur + 1'b1;
          end else if (adv) begin
            e_rem <= eb_hits;
            if (eb_hits == '0) begin
              ecur <= ecur + 1'b1;
              e_m <= e_m + 1'b1;
            end else begin
              est <= E_HITS;
            end
          end
        end
        E_HITS: if (adv) begin
          e_rem <= e_rem_next;
          if (e_rem_next == '0) begin
            ecur <= ecur + 1'b1;
            e_m <= e_m + 1'b1;
            est <= E_CAND;
          end
        end
        E_EOE: if (adv) begin
          est <= E_IDLE;
          ev_tag <= ev_tag + 1'b1;
        end
        default: est <= E_IDLE;
      endcase
    end
  end

endmodule

`default_nettype wire

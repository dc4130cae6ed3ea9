// fasttrack Hough transform: the list of candidate cells of one event, in raster order
// (column, then bin), with their cell words, for the front readout of hough_top.
//
// The flags of the bank under readout do not change while it is read out, so the list is
// made ahead of its use, in short registered steps instead of one priority chain over every
// cell per clock:
//   start: per column, whether it has a flagged bin                 -> cols_left
//   column loop: the lowest column left and its flags                -> nxt (one ahead)
//   bin loop: the lowest flagged bin of the current column, one per clock; a column's last
//             bin loads the next column's flags in the same clock (no bubble)  -> p1
//   p2: column and bin as numbers; the bin goes to the columns' read port (rd_bin)
//   p3: every column's word at rd_bin, registered
//   p4: the listed column's word, into a FIFO the front readout pops
// The first cell of an event is at the FIFO head LIST_LATENCY clocks after `start` (then
// one per clock while the FIFO has room); an event without cells is `done` one clock after
// `start`. A credit count keeps the FIFO from overflowing: the bin loop lists a cell only
// when the FIFO will have room for it.
`default_nettype none
`include "ft_checks.svh"

/* verilator lint_off IMPORTSTAR */
import hough_pkg::*;
/* verilator lint_on IMPORTSTAR */

module hough_lister (
    input  wire logic                              clk,
    input  wire logic                              rst,
    input  wire logic                              start,      // a new event: its flags are valid from now
    input  wire logic [N_A*N_B-1:0]                flags,      // column i at [i*N_B +: N_B]
    output logic      [BIN_BITS-1:0]               rd_bin,     // the columns' read address
    input  wire logic [N_A*CELL_WORD_BITS-1:0]     col_words,  // column i's word at rd_bin
    input  wire logic                              pop,        // the front readout takes the head
    output logic                                   head_valid,
    output logic      [COLUMN_BITS-1:0]            head_i,
    output logic      [BIN_BITS-1:0]               head_j,
    output logic      [CELL_WORD_BITS-1:0]         head_word,
    output logic                                   done        // every cell of the event is listed and popped
);
  localparam int NA = int'(N_A);
  localparam int NB = int'(N_B);
  localparam int AB = int'(COLUMN_BITS);
  localparam int BB = int'(BIN_BITS);
  localparam int CW = int'(CELL_WORD_BITS);
  localparam int DEPTH = 8;  // FIFO entries (more than the 3 cells in flight behind the bin loop)
  localparam int PW = $clog2(DEPTH);
  localparam int STAGES = 6;  // start -> cols_left -> nxt -> cur -> p1 -> p2 -> p3 -> FIFO head

  if (STAGES != int'(LIST_LATENCY)) begin : g_bad_latency
    `FT_ELAB_ERROR(("hough_lister: LIST_LATENCY = %0d in the package, %0d in this RTL", LIST_LATENCY, STAGES))
  end

  // lowest set bit, one-hot; whether exactly one bit is set
  function automatic [NA-1:0] lowest_na(input [NA-1:0] x);
    lowest_na = x & (~x + 1'b1);
  endfunction
  function automatic [NB-1:0] lowest_nb(input [NB-1:0] x);
    lowest_nb = x & (~x + 1'b1);
  endfunction
  function automatic logic one_nb(input [NB-1:0] x);
    logic any, many;
    any = 1'b0;
    many = 1'b0;
    for (int b = 0; b < NB; b++) begin
      many = many | (any & x[b]);
      any = any | x[b];
    end
    one_nb = any & !many;
  endfunction
  function automatic [NB-1:0] bits_of(input [NA-1:0] onehot, input [NA*NB-1:0] f);
    bits_of = '0;
    for (int i = 0; i < NA; i++) bits_of = bits_of | (onehot[i] ? f[i * NB +: NB] : '0);
  endfunction
  function automatic [AB-1:0] encode_na(input [NA-1:0] onehot);
    encode_na = '0;
    for (int i = 0; i < NA; i++) encode_na = encode_na | (onehot[i] ? AB'(i) : '0);
  endfunction
  function automatic [BB-1:0] encode_nb(input [NB-1:0] onehot);
    encode_nb = '0;
    for (int j = 0; j < NB; j++) encode_nb = encode_nb | (onehot[j] ? BB'(j) : '0);
  endfunction

  // ---- credits: FIFO entries free, less the cells in flight ----
  logic [PW:0] credits;
  logic emit;  // the bin loop lists a cell this clock

  // ---- column loop ----
  logic [NA-1:0] cols_left, pick;
  logic nxt_valid;
  logic [NA-1:0] nxt_col;
  logic [NB-1:0] nxt_bits;
  logic nxt_take;  // the bin loop takes the next column this clock
  assign pick = lowest_na(cols_left);

  // ---- bin loop ----
  logic cur_valid, cur_single;
  logic [NA-1:0] cur_col;
  logic [NB-1:0] cur_bits, cur_low, rest;
  assign emit = cur_valid && credits != '0;
  assign nxt_take = nxt_valid && (!cur_valid || (emit && cur_single));
  assign rest = cur_bits & ~cur_low;

  always_ff @(posedge clk) begin
    if (rst || start) begin
      cols_left <= '0;
      nxt_valid <= 1'b0;
      cur_valid <= 1'b0;
      if (!rst) begin
        for (int i = 0; i < NA; i++) cols_left[i] <= |flags[i * NB +: NB];
      end
    end else begin
      if (!nxt_valid || nxt_take) begin
        nxt_valid <= cols_left != '0;
        nxt_col <= pick;
        nxt_bits <= bits_of(pick, flags);
        cols_left <= cols_left & ~pick;
      end
      if (nxt_take) begin
        cur_valid <= 1'b1;
        cur_col <= nxt_col;
        cur_bits <= nxt_bits;
        cur_low <= lowest_nb(nxt_bits);
        cur_single <= one_nb(nxt_bits);
      end else if (emit) begin
        if (cur_single) cur_valid <= 1'b0;
        cur_bits <= rest;
        cur_low <= lowest_nb(rest);
        cur_single <= one_nb(rest);
      end
    end
  end

  // ---- p1 .. p3 ----
  logic p1_valid, p2_valid, p3_valid;
  logic [NA-1:0] p1_col;
  logic [NB-1:0] p1_low;
  logic [AB-1:0] p2_i, p3_i;
  logic [BB-1:0] p3_j;
  logic [NA*CW-1:0] p3_words;
  always_ff @(posedge clk) begin
    if (rst || start) begin
      p1_valid <= 1'b0;
      p2_valid <= 1'b0;
      p3_valid <= 1'b0;
    end else begin
      p1_valid <= emit;
      p2_valid <= p1_valid;
      p3_valid <= p2_valid;
    end
    p1_col <= cur_col;
    p1_low <= cur_low;
    p2_i <= encode_na(p1_col);
    rd_bin <= encode_nb(p1_low);
    p3_i <= p2_i;
    p3_j <= rd_bin;
    p3_words <= col_words;
  end

  // ---- FIFO (p4) ----
  logic [AB+BB+CW-1:0] mem [DEPTH];
  logic [PW-1:0] wr, rd;
  logic [PW:0] count;
  logic do_pop;
  assign do_pop = pop && head_valid;
  always_ff @(posedge clk) begin
    if (rst || start) begin
      wr <= '0;
      rd <= '0;
      count <= '0;
      credits <= (PW + 1)'(DEPTH);
    end else begin
      if (p3_valid) begin
        mem[wr] <= {p3_i, p3_j, p3_words[int'(p3_i) * CW +: CW]};
        wr <= wr + 1'b1;
      end
      if (do_pop) rd <= rd + 1'b1;
      count <= count + (PW + 1)'(p3_valid) - (PW + 1)'(do_pop);
      credits <= credits - (PW + 1)'(emit) + (PW + 1)'(do_pop);
    end
  end
  assign head_valid = count != '0;
  assign {head_i, head_j, head_word} = mem[rd];
  assign done = !head_valid && !cur_valid && !nxt_valid && cols_left == '0 && !p1_valid && !p2_valid && !p3_valid;
endmodule

`default_nettype wire

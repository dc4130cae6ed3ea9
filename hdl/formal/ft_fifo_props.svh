// fasttrack formal: properties of ft_fifo, read inside its body.
//
// yosys's Verilog front end has neither `bind` nor hierarchical references, so
// fasttrack.hw.formal copies ft_fifo.sv into the proof's build folder and includes this file
// just before its `endmodule` (the only change to the copy); simulation and synthesis never
// see it. Every property below holds for ANY input sequence once the FIFO has been reset:
// nothing is assumed about the producer or the consumer, so the same copy is proved again
// inside the tops that use the FIFO.
//
// Always on (inductive on their own):
//   * count = words accepted - words handed over since reset, 0 <= count <= DEPTH;
//   * in_ready = (count != DEPTH), out_valid = (count != 0);
//   * under back-pressure (out_valid && !out_ready) out_valid stays high and out_data stays put.
// With FT_FORMAL_FIFO_TRACK (the FIFO's own proof): the word handed over n-th is the word
// accepted n-th, for every n: no word lost, duplicated, reordered or corrupted. The wrapper
// numbers the words on both sides and follows one of them, at a position chosen freely
// by the solver (anyconst): the proof holds for every position, hence for every word.
`ifdef FORMAL
  // The first clock is a reset (assumed here as in every wrapper: the same wire), so from the
  // second clock on the pointers mean something. (A flag "a reset has been seen" would be
  // a second register per module that k-induction could start out of step with the
  // wrapper's: the first-clock flag cannot, it is 1 only in the initial state.)
  logic f_reset_done;
  logic f_first = 1'b1;
  always @(posedge clk) f_first <= 1'b0;
  always @(*) if (f_first) assume (rst);
  assign f_reset_done = !f_first;
  logic f_was_live;           // the previous clock edge was not a reset
  logic f_prev_rst;
  always @(posedge clk) f_prev_rst <= rst;
  assign f_was_live = f_reset_done && !f_prev_rst;

  logic [AW:0] f_prev_count;
  logic f_prev_stall, f_prev_push, f_prev_pop;
  logic [WIDTH-1:0] f_prev_data;
  always @(posedge clk) begin
    f_prev_count <= count;
    f_prev_stall <= out_valid && !out_ready;
    f_prev_push  <= in_valid && in_ready;
    f_prev_pop   <= out_valid && out_ready;
    f_prev_data  <= out_data;
  end

  always @(*) if (f_reset_done) begin
    fifo_count_le_depth: assert (count <= (AW + 1)'(DEPTH));
    fifo_in_ready: assert (in_ready == (count != (AW + 1)'(DEPTH)));
    fifo_out_valid: assert (out_valid == (count != '0));
  end
  always @(*) if (f_was_live) begin
    fifo_count_step: assert (count == f_prev_count + (AW + 1)'(f_prev_push) - (AW + 1)'(f_prev_pop));
    if (f_prev_stall) begin
      fifo_stall_valid: assert (out_valid);
      fifo_stall_data: assert (out_data == f_prev_data);
    end
  end

`ifdef FT_FORMAL_FIFO_TRACK
  // word numbers modulo 2^(AW+2): more than DEPTH words apart never share a number in flight
  localparam int FNW = AW + 2;
  logic [FNW-1:0] f_n_in, f_n_out;
  (* anyconst *) logic [FNW-1:0] f_k;  // the followed word's number
  logic f_have;                        // the followed word is inside the FIFO
  logic [WIDTH-1:0] f_word;            // ... and its value
  logic [FNW-1:0] f_ahead;             // words between the head and the followed word
  assign f_ahead = f_k - f_n_out;
  always @(posedge clk) begin
    if (rst) begin
      f_n_in  <= '0;
      f_n_out <= '0;
      f_have  <= 1'b0;
    end else begin
      if (in_valid && in_ready) f_n_in <= f_n_in + 1'b1;
      if (out_valid && out_ready) f_n_out <= f_n_out + 1'b1;
      if (in_valid && in_ready && f_n_in == f_k) begin
        f_have <= 1'b1;
        f_word <= in_data;
      end else if (out_valid && out_ready && f_n_out == f_k) begin
        f_have <= 1'b0;
      end
    end
  end
  always @(*) if (f_reset_done) begin
    // the spec: the word handed over with number k is the word accepted with number k
    if (out_valid && out_ready && f_n_out == f_k) begin
      fifo_word_order: assert (f_have && out_data == f_word);
    end
    // the inductive invariants that tie the RTL's state to the numbering
    fifo_count_numbers: assert (FNW'(count) == f_n_in - f_n_out);
    fifo_have_window: assert (f_have == (f_ahead < FNW'(count)));
    if (f_have) begin
      fifo_word_stored: assert (mem[AW'(rd_ptr + (AW + 1)'(f_ahead))] == f_word);
    end
  end
`endif
`endif

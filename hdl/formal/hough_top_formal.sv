// fasttrack formal: the stream properties of hough_top (constants from hough_pkg).
//
// Environment (the only assumptions): a reset in the first clock; the input lane follows the
// valid/ready rule (a word offered and not taken is offered again, unchanged, in the next
// clock); out_ready is free. The input words are otherwise arbitrary (any layer,
// coordinate, bend, hit id, end-of-event bit).
//
// Properties (fasttrack.hw.formal runs two proofs of this file):
//  * always (k-induction, every clock): under back-pressure (out_valid && !out_ready) the
//    output word stays offered and unchanged in the next clock.
//  * FT_FORMAL_EVENTS (bounded model check): the event stream. The words of event e carry
//    the tag e (mod 2^EVENT_TAG_BITS); a track word is followed by exactly n_hits hit
//    words, hit words come only there, at most MAX_TRACKS track words precede the end
//    word, whose n_tracks is their number and which alone has `last` set; no end word
//    leaves before its event's end word has been taken at the input.
`default_nettype none

/* verilator lint_off IMPORTSTAR */
import hough_pkg::*;
/* verilator lint_on IMPORTSTAR */

module hough_top_formal (
    input wire logic                     clk,
    input wire logic                     rst,
    input wire logic [0:0]               in_valid,
    input wire logic [IN_WORD_BITS-1:0]  in_data,
    input wire logic                     out_ready
);
  localparam int OW = int'(OUT_WORD_BITS);

  logic [0:0] in_ready;
  logic out_valid;
  logic [OW-1:0] out_data;

  hough_top dut (
      .clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready), .in_data(in_data),
      .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data)
  );

  // ---- environment -------------------------------------------------------------------------
  logic f_first = 1'b1;         // the initial state: a reset is assumed in the first clock
  always @(posedge clk) f_first <= 1'b0;
  logic f_reset_done, f_was_live, f_prev_rst;
  always @(posedge clk) f_prev_rst <= rst;
  assign f_reset_done = !f_first;
  assign f_was_live = f_reset_done && !f_prev_rst;

  logic f_prev_wait, f_prev_stall;
  logic [IN_WORD_BITS-1:0] f_prev_in;
  logic [OW-1:0] f_prev_out;
  always @(posedge clk) begin
    f_prev_wait  <= in_valid[0] && !in_ready[0];
    f_prev_in    <= in_data;
    f_prev_stall <= out_valid && !out_ready;
    f_prev_out   <= out_data;
  end
  always @(*) begin
    if (f_first) assume (rst);
    if (f_was_live && f_prev_wait) begin
      assume (in_valid[0]);
      assume (in_data == f_prev_in);
    end
  end

  // ---- output handshake --------------------------------------------------------------------
  always @(*) if (f_was_live && f_prev_stall) begin
    hough_out_stall_valid: assert (out_valid);
    hough_out_stall_data: assert (out_data == f_prev_out);
  end

`ifdef FT_FORMAL_EVENTS
  // ---- events ------------------------------------------------------------------------------
  logic [7:0] f_events_in, f_ends_out;      // end words taken at the input, handed over
  logic [OUT_N_TRACKS_BITS:0] f_tracks;     // track words of the current output event
  logic [OUT_N_HITS_BITS-1:0] f_hits_left;  // hit words still due after the last track word
  logic f_hand;
  logic [OUT_KIND_BITS-1:0] f_kind;
  assign f_hand = out_valid && out_ready;
  assign f_kind = out_data[OUT_KIND_LSB +: OUT_KIND_BITS];
  always @(posedge clk) begin
    if (rst) begin
      f_events_in <= '0;
      f_ends_out <= '0;
      f_tracks <= '0;
      f_hits_left <= '0;
    end else begin
      if (in_valid[0] && in_ready[0] && in_data[IN_EOE_LSB]) f_events_in <= f_events_in + 1'b1;
      if (f_hand) begin
        if (f_kind == OUT_KIND_BITS'(WORD_KIND_EOE)) begin
          f_ends_out <= f_ends_out + 1'b1;
          f_tracks <= '0;
        end else if (f_kind == OUT_KIND_BITS'(WORD_KIND_TRACK)) begin
          f_tracks <= f_tracks + 1'b1;
          f_hits_left <= out_data[OUT_N_HITS_LSB +: OUT_N_HITS_BITS];
        end else begin
          f_hits_left <= f_hits_left - 1'b1;
        end
      end
    end
  end

  always @(*) if (f_reset_done && !rst && out_valid) begin
    hough_out_tag: assert (out_data[OUT_EVENT_LSB +: OUT_EVENT_BITS] == OUT_EVENT_BITS'(f_ends_out));
    hough_out_last: assert (out_data[OUT_LAST_LSB] == (f_kind == OUT_KIND_BITS'(WORD_KIND_EOE)));
    hough_out_kind: assert (f_kind == OUT_KIND_BITS'(WORD_KIND_TRACK) || f_kind == OUT_KIND_BITS'(WORD_KIND_HIT) ||
                            f_kind == OUT_KIND_BITS'(WORD_KIND_EOE));
    if (f_kind == OUT_KIND_BITS'(WORD_KIND_HIT)) begin
      hough_hit_after_track: assert (f_hits_left != '0);
    end else begin
      hough_hits_complete: assert (f_hits_left == '0);
    end
    if (f_kind == OUT_KIND_BITS'(WORD_KIND_TRACK)) begin
      hough_tracks_capped: assert (int'(f_tracks) < int'(MAX_TRACKS));
    end
    if (f_kind == OUT_KIND_BITS'(WORD_KIND_EOE)) begin
      hough_end_after_input: assert (f_ends_out < f_events_in);
      hough_end_n_tracks: assert ((OUT_N_TRACKS_BITS + 1)'(out_data[OUT_N_TRACKS_LSB +: OUT_N_TRACKS_BITS]) == f_tracks);
    end
  end
`ifdef FT_FORMAL_COVER
  // reachability: the bounded proof above checks these words (not vacuous) within its depth
  always @(*) if (f_reset_done && !rst) begin
    hough_cover_end: cover (f_hand && f_kind == OUT_KIND_BITS'(WORD_KIND_EOE));
    hough_cover_end_stalled: cover (f_was_live && f_prev_stall && f_kind == OUT_KIND_BITS'(WORD_KIND_EOE));
    hough_cover_track: cover (f_hand && f_kind == OUT_KIND_BITS'(WORD_KIND_TRACK));
    hough_cover_hit: cover (f_hand && f_kind == OUT_KIND_BITS'(WORD_KIND_HIT));
    hough_cover_second_end: cover (f_hand && f_kind == OUT_KIND_BITS'(WORD_KIND_EOE) && f_ends_out == 8'd1);
  end
`endif
`endif
endmodule

`default_nettype wire

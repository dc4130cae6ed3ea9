// fasttrack formal: the stream properties of retina_top (constants from retina_pkg).
//
// Environment (the only assumptions): a reset in the first clock; every input lane follows
// the valid/ready rule (a word offered and not taken is offered again, unchanged, in the
// next clock); out_ready is free. The lanes' words are otherwise arbitrary: any is_hit,
// last, seq, coordinate and bend.
//
// Properties (fasttrack.hw.formal runs two proofs of this file):
//  * always (k-induction, every clock): under back-pressure (out_valid && !out_ready) the
//    output word stays offered and unchanged in the next clock. The output FIFO's own
//    properties (hdl/formal/ft_fifo_props.svh, included into its copy) are proved inside
//    the top too and give the induction the FIFO's count invariant.
//  * FT_FORMAL_EVENTS (bounded model check): the event stream.
//      - input: an event is the words of every lane up to and including its `last` word;
//        a lane that has delivered its last word takes nothing more until every lane has
//        (no word of event e+1 is mixed into event e);
//      - output: the words of event e carry the tag e (mod 2^EVENT_TAG_BITS), at most
//        MAX_TRACKS track words then one end word whose n_tracks is the number of track
//        words before it (no track word lost or duplicated between the issue and the port),
//        whose overflow flags agree with its counters;
//      - no end word leaves before its event has completed at the input.
`default_nettype none

/* verilator lint_off IMPORTSTAR */
import retina_pkg::*;
/* verilator lint_on IMPORTSTAR */

module retina_top_formal (
    input wire logic                              clk,
    input wire logic                              rst,
    input wire logic [N_LAYERS-1:0]               in_valid,
    input wire logic [N_LAYERS*IN_WORD_BITS-1:0]  in_data,
    input wire logic                              out_ready
);
  localparam int NL = int'(N_LAYERS);
  localparam int IW = int'(IN_WORD_BITS);
  localparam int OW = int'(OUT_WORD_BITS);

  logic [NL-1:0] in_ready;
  logic out_valid;
  logic [OW-1:0] out_data;

  retina_top dut (
      .clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready), .in_data(in_data),
      .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data)
  );

  // ---- environment -------------------------------------------------------------------------
  logic f_first = 1'b1;         // the initial state: a reset is assumed in the first clock
  always @(posedge clk) f_first <= 1'b0;
  logic f_reset_done, f_was_live, f_prev_rst;
  always @(posedge clk) f_prev_rst <= rst;
  assign f_reset_done = !f_first;                  // every register has been reset
  assign f_was_live = f_reset_done && !f_prev_rst;  // ... and the last clock edge was not a reset

  logic [NL-1:0] f_prev_wait;  // lane offered a word that was not taken
  logic [NL*IW-1:0] f_prev_in;
  logic f_prev_stall;
  logic [OW-1:0] f_prev_out;
  always @(posedge clk) begin
    f_prev_wait  <= in_valid & ~in_ready;
    f_prev_in    <= in_data;
    f_prev_stall <= out_valid && !out_ready;
    f_prev_out   <= out_data;
  end
  always @(*) begin
    if (f_first) assume (rst);
    for (int l = 0; l < NL; l++) begin
      if (f_was_live && f_prev_wait[l]) begin
        assume (in_valid[l]);
        assume (in_data[l * IW +: IW] == f_prev_in[l * IW +: IW]);
      end
    end
  end

  // ---- output handshake --------------------------------------------------------------------
  always @(*) if (f_was_live && f_prev_stall) begin
    retina_out_stall_valid: assert (out_valid);
    retina_out_stall_data: assert (out_data == f_prev_out);
  end

`ifdef FT_FORMAL_EVENTS
  // ---- events ------------------------------------------------------------------------------
  logic [NL-1:0] f_take, f_done, f_done_next;
  logic f_complete;
  logic [7:0] f_events_in, f_ends_out;       // events completed at the input, end words out
  logic [N_TRACKS_BITS:0] f_tracks;          // track words out since the last end word
  assign f_take = in_valid & in_ready;
  assign f_done_next = f_done | (f_take & lane_lasts(in_data));
  assign f_complete = &f_done_next;
  function automatic [NL-1:0] lane_lasts(input logic [NL*IW-1:0] d);
    for (int l = 0; l < NL; l++) lane_lasts[l] = d[l * IW + IN_LAST_LSB];
  endfunction

  logic f_hand, f_last;
  assign f_hand = out_valid && out_ready;
  assign f_last = out_data[OUT_LAST_LSB];
  always @(posedge clk) begin
    if (rst) begin
      f_done <= '0;
      f_events_in <= '0;
      f_ends_out <= '0;
      f_tracks <= '0;
    end else begin
      f_done <= f_complete ? '0 : f_done_next;
      if (f_complete) f_events_in <= f_events_in + 1'b1;
      if (f_hand && f_last) begin
        f_ends_out <= f_ends_out + 1'b1;
        f_tracks <= '0;
      end else if (f_hand) begin
        f_tracks <= f_tracks + 1'b1;
      end
    end
  end

  always @(*) if (f_reset_done && !rst) begin
    retina_lane_waits: assert ((f_take & f_done) == '0);
    if (out_valid) begin
      retina_out_tag: assert (out_data[OUT_EVENT_LSB +: EVENT_TAG_BITS] == EVENT_TAG_BITS'(f_ends_out));
      if (f_last) begin
        retina_end_after_input: assert (f_ends_out < f_events_in);
        retina_end_n_tracks: assert ((N_TRACKS_BITS + 1)'(out_data[OUT_N_TRACKS_LSB +: N_TRACKS_BITS]) == f_tracks);
        retina_end_hit_overflow: assert (out_data[OUT_HIT_OVERFLOW_LSB] ==
                                         (out_data[OUT_N_HITS_DROPPED_LSB +: DROP_COUNT_BITS] != '0));
        retina_end_track_overflow: assert (out_data[OUT_TRACK_OVERFLOW_LSB] ==
            (out_data[OUT_N_CANDIDATES_LSB +: N_CANDIDATES_BITS] > N_CANDIDATES_BITS'(f_tracks)));
      end else begin
        retina_tracks_capped: assert (int'(f_tracks) < int'(MAX_TRACKS));
      end
    end
  end
`ifdef FT_FORMAL_COVER
  // reachability: the bounded proof above checks these words (not vacuous) within its depth
  always @(*) if (f_reset_done && !rst) begin
    retina_cover_end: cover (f_hand && f_last);
    retina_cover_track: cover (f_hand && !f_last);
    retina_cover_track_stalled: cover (f_was_live && f_prev_stall && !f_last);
    retina_cover_two_tracks: cover (f_hand && f_last && f_tracks == (N_TRACKS_BITS + 1)'(2));
    retina_cover_second_end: cover (f_hand && f_last && f_ends_out == 8'd1);
  end
`endif
`endif
endmodule

`default_nettype wire

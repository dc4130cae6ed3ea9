// fasttrack formal: internal properties of retina_top, read inside its body.
//
// As for ft_fifo (ft_fifo_props.svh), fasttrack.hw.formal includes this file just before
// the `endmodule` of retina_top's copy in the proof's build folder; nothing else changes.
//
// The credit rule: a word enters the divider pipeline only when the output FIFO has room
// for it and for every word already in the pipeline, so the FIFO never refuses a divider
// result (retina_top has no path to hold one back: a refused word would be lost). Proved
// by k-induction for every clock, with the invariants it needs: `inflight` counts the
// words in the divider pipeline (a shadow of its valid bits here) and the FIFO's words
// plus those in flight never exceed its depth.
`ifdef FORMAL
  logic f_top_first = 1'b1;
  always @(posedge clk) f_top_first <= 1'b0;
  always @(*) if (f_top_first) assume (rst);

  logic [DIV_STAGES-1:0] f_vpipe;  // the issue of the last DIV_STAGES clocks
  always @(posedge clk) f_vpipe <= rst ? '0 : {f_vpipe[DIV_STAGES-2:0], issue_track || issue_end};
  function automatic int f_ones(input logic [DIV_STAGES-1:0] x);
    f_ones = 0;
    for (int s = 0; s < DIV_STAGES; s++) f_ones = f_ones + int'(x[s]);
  endfunction

  always @(*) if (!f_top_first) begin
    retina_div_valid: assert (div_out_valid == f_vpipe[DIV_STAGES-1] && div_b_valid == div_out_valid);
    retina_inflight: assert (int'(inflight) == f_ones(f_vpipe));
    retina_credit: assert (int'(fifo_count) + int'(inflight) <= FIFO_DEPTH);
    retina_no_word_lost: assert (!div_out_valid || fifo_in_ready);
  end
`endif

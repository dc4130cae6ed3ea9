// fasttrack: pipelined signed fraction q = trunc((num << FRAC_BITS) / den), |num| <= den.
//
// The retina's centroid offsets: the numerator never exceeds the divisor, so the
// quotient has FRAC_BITS + 1 magnitude bits, one per pipeline stage (restoring division).
// Truncation is toward zero (the sign is applied to the magnitude quotient), as the C++
// `/` of the golden model and the HLS kernel; den = 0 gives 0. A payload travels beside
// the operands. The pipeline never stalls: the producer reserves room downstream.
//
// The stage registers are packed arrays: Icarus 11 corrupts wide words of an unpacked
// array written from several generate blocks.
`default_nettype none
`include "ft_checks.svh"

module ft_frac_div #(
    parameter int DEN_BITS     = 16,  // width of |num| and den (unsigned)
    parameter int FRAC_BITS    = 6,   // fractional bits of the quotient
    parameter int STAGES       = FRAC_BITS + 1,  // pipeline stages (latency): one per quotient bit
    parameter int PAYLOAD_BITS = 1
) (
    input  wire logic                      clk,
    input  wire logic                      rst,
    input  wire logic                      in_valid,
    input  wire logic                      in_neg,       // sign of num
    input  wire logic [DEN_BITS-1:0]       in_mag,       // |num| <= den
    input  wire logic [DEN_BITS-1:0]       in_den,
    input  wire logic [PAYLOAD_BITS-1:0]   in_payload,
    output logic                           out_valid,
    output logic signed [FRAC_BITS+1:0]    out_q,        // FRAC_BITS fractional bits, |q| <= 2^FRAC_BITS
    output logic [PAYLOAD_BITS-1:0]        out_payload
);
  if (DEN_BITS < 1 || FRAC_BITS < 1 || PAYLOAD_BITS < 1) begin : g_bad_widths
    `FT_ELAB_ERROR(("ft_frac_div: DEN_BITS = %0d, FRAC_BITS = %0d, PAYLOAD_BITS = %0d must each be >= 1", DEN_BITS, FRAC_BITS, PAYLOAD_BITS))
  end
  if (STAGES != FRAC_BITS + 1) begin : g_bad_stages
    `FT_ELAB_ERROR(("ft_frac_div: STAGES = %0d, but the divider has one stage per quotient bit (%0d)", STAGES, FRAC_BITS + 1))
  end

  logic [STAGES-1:0]                   v;
  logic [STAGES-1:0]                   neg;
  logic [STAGES-1:0]                   zero;  // den == 0
  /* verilator lint_off UNUSEDSIGNAL */  // the last stage's remainder and divisor go nowhere
  logic [STAGES-1:0][DEN_BITS:0]       rem;   // remainder < den, one spare bit for the shift
  logic [STAGES-1:0][DEN_BITS-1:0]     den;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [STAGES-1:0][FRAC_BITS:0]      q;
  logic [STAGES-1:0][PAYLOAD_BITS-1:0] pay;

  // stage s decides quotient bit FRAC_BITS - s: stage 0 compares |num| itself (the bit is
  // set only when |num| == den), later stages the doubled remainder
  always_ff @(posedge clk) begin
    if (rst) v <= '0;
    else v <= {v[STAGES-2:0], in_valid};
    neg  <= {neg[STAGES-2:0], in_neg};
    zero <= {zero[STAGES-2:0], in_den == '0};
  end
  for (genvar s = 0; s < STAGES; s++) begin : g_stage
    logic [DEN_BITS:0]       num;
    logic [DEN_BITS-1:0]     d;
    logic [FRAC_BITS:0]      q_in;
    logic [PAYLOAD_BITS-1:0] p_in;
    if (s == 0) begin : g_first
      assign num  = {1'b0, in_mag};
      assign d    = in_den;
      assign q_in = '0;
      assign p_in = in_payload;
    end else begin : g_next
      assign num  = rem[s-1] << 1;
      assign d    = den[s-1];
      assign q_in = q[s-1];
      assign p_in = pay[s-1];
    end
    always_ff @(posedge clk) begin
      den[s] <= d;
      pay[s] <= p_in;
      if (num >= {1'b0, d}) begin
        rem[s] <= num - {1'b0, d};
        q[s]   <= q_in | ((FRAC_BITS + 1)'(1) << (FRAC_BITS - s));
      end else begin
        rem[s] <= num;
        q[s]   <= q_in;
      end
    end
  end

  logic signed [FRAC_BITS+1:0] q_mag;
  assign q_mag       = $signed({1'b0, q[STAGES-1]});
  assign out_valid   = v[STAGES-1];
  assign out_q       = zero[STAGES-1] ? '0 : (neg[STAGES-1] ? -q_mag : q_mag);
  assign out_payload = pay[STAGES-1];
endmodule

`default_nettype wire

// fasttrack: pipelined signed fraction q = trunc((num << FRAC_BITS) / den), |num| <= den.
//
// The retina's centroid offsets: the numerator never exceeds the divisor, so the
// quotient has FRAC_BITS + 1 magnitude bits, one per pipeline stage (restoring division).
// Truncation is toward zero (the sign is applied to the magnitude quotient), as the C++
// `/` of the golden model and the HLS kernel; den = 0 gives 0. A payload travels beside
// the operands. The pipeline never stalls: the producer reserves room downstream.
`default_nettype none

module ft_frac_div #(
    parameter int DEN_BITS     = 16,  // width of |num| and den (unsigned)
    parameter int FRAC_BITS    = 6,   // fractional bits of the quotient
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
  localparam int STAGES = FRAC_BITS + 1;

  logic                    v   [STAGES];
  logic                    neg [STAGES];
  logic                    zero[STAGES];  // den == 0
  logic [DEN_BITS:0]       rem [STAGES];  // remainder < den, one spare bit for the shift
  logic [DEN_BITS-1:0]     den [STAGES];
  logic [FRAC_BITS:0]      q   [STAGES];
  logic [PAYLOAD_BITS-1:0] pay [STAGES];

  // stage 0: quotient bit FRAC_BITS (set only when |num| == den)
  always_ff @(posedge clk) begin
    if (rst) v[0] <= 1'b0;
    else v[0] <= in_valid;
    neg[0]  <= in_neg;
    zero[0] <= in_den == '0;
    den[0]  <= in_den;
    pay[0]  <= in_payload;
    if (in_mag >= in_den) begin
      q[0]   <= (FRAC_BITS + 1)'(1) << FRAC_BITS;
      rem[0] <= {1'b0, in_mag - in_den};
    end else begin
      q[0]   <= '0;
      rem[0] <= {1'b0, in_mag};
    end
  end

  // stages 1..FRAC_BITS: quotient bit FRAC_BITS - s
  for (genvar s = 1; s < STAGES; s++) begin : g_stage
    logic [DEN_BITS:0] shifted;
    assign shifted = rem[s-1] << 1;
    always_ff @(posedge clk) begin
      if (rst) v[s] <= 1'b0;
      else v[s] <= v[s-1];
      neg[s]  <= neg[s-1];
      zero[s] <= zero[s-1];
      den[s]  <= den[s-1];
      pay[s]  <= pay[s-1];
      if (shifted >= {1'b0, den[s-1]}) begin
        rem[s] <= shifted - {1'b0, den[s-1]};
        q[s]   <= q[s-1] | ((FRAC_BITS + 1)'(1) << (FRAC_BITS - s));
      end else begin
        rem[s] <= shifted;
        q[s]   <= q[s-1];
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

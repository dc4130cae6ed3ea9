// fasttrack formal: an abstract ft_frac_div for the bounded event-stream proof of retina_top.
//
// Same name, parameters and ports as hdl/common/ft_frac_div.sv, read INSTEAD of it: the
// valid bit and the payload travel through STAGES registers exactly as in the real divider
// (the latency, the alignment and the payload are what the stream properties depend on),
// and the quotient is a value the solver chooses freely (anyseq). Every behaviour of the
// real divider is one of these; its quotient is proved separately, for every input of a
// small width (hdl/formal/ft_frac_div_formal.sv).
`default_nettype none

module ft_frac_div #(
    parameter int DEN_BITS     = 16,
    parameter int FRAC_BITS    = 6,
    parameter int STAGES       = FRAC_BITS + 1,
    parameter int PAYLOAD_BITS = 1
) (
    input  wire logic                      clk,
    input  wire logic                      rst,
    input  wire logic                      in_valid,
    input  wire logic                      in_neg,
    input  wire logic [DEN_BITS-1:0]       in_mag,
    input  wire logic [DEN_BITS-1:0]       in_den,
    input  wire logic [PAYLOAD_BITS-1:0]   in_payload,
    output logic                           out_valid,
    output logic signed [FRAC_BITS+1:0]    out_q,
    output logic [PAYLOAD_BITS-1:0]        out_payload
);
  logic [STAGES-1:0] v;
  logic [STAGES-1:0][PAYLOAD_BITS-1:0] pay;
  always_ff @(posedge clk) begin
    if (rst) v <= '0;
    else v <= {v[STAGES-2:0], in_valid};
    pay <= {pay[STAGES-2:0], in_payload};
  end
  (* anyseq *) logic signed [FRAC_BITS+1:0] f_any;
  assign out_valid   = v[STAGES-1];
  assign out_payload = pay[STAGES-1];
  assign out_q       = f_any;
  logic unused;
  assign unused = ^{in_neg, in_mag, in_den};
endmodule

`default_nettype wire

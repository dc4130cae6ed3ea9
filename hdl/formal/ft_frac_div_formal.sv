// fasttrack formal: ft_frac_div against its specification, for every input.
//
// Specification (hdl/common/ft_frac_div.sv): with |num| <= den, the word that enters with
// in_valid leaves exactly STAGES clocks later with out_valid, its payload unchanged and
//   out_q = 0                              when den = 0,
//   out_q = sign(num) * floor((|num| << FRAC_BITS) / den)   otherwise
// (truncation toward zero: the sign is applied to the magnitude quotient). A shadow
// pipeline here delays the operands STAGES clocks and the specification is computed from
// them with yosys's own division, so the solver compares the RTL with the formula for
// every operand value (the widths come from the .sby script: small, e.g. DEN_BITS = 5).
// Assumption on the environment: |num| <= den whenever in_valid (the module's documented
// precondition, which it does not check itself; den = 0 with any |num| is allowed and
// must give 0). The pipeline has no feedback, so k-induction of depth > STAGES proves it
// for every clock, not just the first few.
`default_nettype none

module ft_frac_div_formal #(
    parameter int DEN_BITS     = 5,
    parameter int FRAC_BITS    = 3,
    parameter int PAYLOAD_BITS = 3
) (
    input wire logic                     clk,
    input wire logic                     rst,
    input wire logic                     in_valid,
    input wire logic                     in_neg,
    input wire logic [DEN_BITS-1:0]      in_mag,
    input wire logic [DEN_BITS-1:0]      in_den,
    input wire logic [PAYLOAD_BITS-1:0]  in_payload
);
  localparam int STAGES = FRAC_BITS + 1;
  localparam int QW = FRAC_BITS + 2;            // out_q width
  localparam int WW = DEN_BITS + FRAC_BITS;     // |num| << FRAC_BITS

  logic out_valid;
  logic signed [QW-1:0] out_q;
  logic [PAYLOAD_BITS-1:0] out_payload;

  logic f_first = 1'b1;
  always @(posedge clk) f_first <= 1'b0;
  always @(*) begin
    if (f_first) assume (rst);
    if (in_valid && in_den != '0) assume (in_mag <= in_den);
  end

  ft_frac_div #(.DEN_BITS(DEN_BITS), .FRAC_BITS(FRAC_BITS), .STAGES(STAGES), .PAYLOAD_BITS(PAYLOAD_BITS)) dut (
      .clk(clk), .rst(rst), .in_valid(in_valid), .in_neg(in_neg), .in_mag(in_mag), .in_den(in_den),
      .in_payload(in_payload), .out_valid(out_valid), .out_q(out_q), .out_payload(out_payload)
  );

  // the operands, STAGES clocks late (sh_*[STAGES-1] is what leaves now)
  logic [STAGES-1:0] sh_valid, sh_neg;
  logic [STAGES-1:0][DEN_BITS-1:0] sh_mag, sh_den;
  logic [STAGES-1:0][PAYLOAD_BITS-1:0] sh_pay;
  always @(posedge clk) begin
    sh_valid <= rst ? '0 : {sh_valid[STAGES-2:0], in_valid};
    sh_neg   <= {sh_neg[STAGES-2:0], in_neg};
    sh_mag   <= {sh_mag[STAGES-2:0], in_mag};
    sh_den   <= {sh_den[STAGES-2:0], in_den};
    sh_pay   <= {sh_pay[STAGES-2:0], in_payload};
  end

  logic [WW-1:0] f_quot;             // floor((|num| << F) / den), den != 0
  logic signed [QW-1:0] f_spec;
  assign f_quot = (WW'(sh_mag[STAGES-1]) << FRAC_BITS) / WW'(sh_den[STAGES-1]);
  assign f_spec = sh_den[STAGES-1] == '0 ? '0 : (sh_neg[STAGES-1] ? -(QW'(f_quot)) : QW'(f_quot));

  logic f_reset_done;  // after the first clock (a reset): the valid bits of both pipelines are clear
  assign f_reset_done = !f_first;
  always @(*) begin
    if (f_reset_done) begin
      div_valid_aligned: assert (out_valid == sh_valid[STAGES-1]);
    end
    if (f_reset_done && out_valid) begin
      div_quotient: assert (out_q == f_spec);
      div_payload: assert (out_payload == sh_pay[STAGES-1]);
      if (sh_den[STAGES-1] != '0) begin  // |q| <= 2^FRAC_BITS, as documented: out_q cannot overflow
        div_q_range: assert (f_quot <= WW'(1) << FRAC_BITS);
      end
    end
  end
endmodule

`default_nettype wire

// fasttrack Hough transform: a cell's hit list after one fill (one memory lane of
// hough_column). A module of its own so that synthesis maps each list bit to one LUT
// (bank select, valid, the old bit, the hit's slot bit, list full) instead of sharing
// partial terms across the read-modify-write.
`default_nettype none

module hough_list_rmw #(
    parameter int W = 1  // list bits (MAX_HITS)
) (
    input  wire logic [W-1:0] q0,        // the word's list in bank 0
    input  wire logic [W-1:0] q1,        // ... in bank 1
    input  wire logic         bank,      // the bank filled
    input  wire logic         valid,     // the word is meaningful (else its list is empty)
    input  wire logic         full,      // the list holds MAX_HITS_PER_CELL hits: no new bit
    input  wire logic [W-1:0] slot_bit,  // the hit's arrival slot, one-hot
    output logic      [W-1:0] list
);
  assign list = ({W{valid}} & (bank ? q1 : q0)) | ({W{!full}} & slot_bit);
endmodule

`default_nettype wire

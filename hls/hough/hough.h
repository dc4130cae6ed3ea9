// fasttrack Hough transform, HLS kernel (Vitis HLS; also ac_int / ac_channel with -DFT_USE_AC).
//
// Bit-exact with the fixed-point golden model fasttrack.hough (reference.py, engine.py).
// Every constant, size and width comes from the generated headers hough_params.h /
// hough_tables.h (`fasttrack codegen hough --preset P`, from fasttrack.hw.hough): this file
// names types after them and writes no number that a Python rule decides. The only widths
// it computes are datapath intermediates of the stages (line ends, unclipped bin indexes,
// bend differences), each a sum of generated widths.
//
// One call of hough_top() processes one event:
//
//   hits ──► fill_event ──► find_candidates ──► remove_duplicates ──► emit_tracks ──► cands
//              │  masks, counts, hit lists, hits (layer, coord)           ▲
//              └──────────── hit ids, event counters ─────────────────────┘
//
// Stream words
// ------------
// hit_word (input, one per hit, in input order, then one end-of-event marker):
//     eoe=0: layer, coord (coordinate LSBs), bend (bend LSBs; 0 without the bend filter), hit_id
//     eoe=1: end of event; the other fields are ignored. An empty event is just this marker.
//   Hits after the first MAX_HITS are read, dropped and counted (n_hits_dropped).
//   A hit with layer >= N_LAYERS fills nothing (it cannot come from the golden model).
//
// cand_word (output), tagged by `kind`; per event:
//     for each output candidate (at most MAX_TRACKS, raster order, then sub ascending):
//       WORD_KIND_TRACK  column, bin, sub (SUB_NONE without the mini-Hough), layer_mask, n_hits
//       WORD_KIND_HIT    hit_id, n_hits times: the candidate's hit list in input order
//     then once:
//       WORD_KIND_EOE    n (candidates output), n_hits_dropped, n_candidates (after duplicate
//                        removal, before the output capacity), n_fills_capped, n_list_overflows
//   Fields a kind does not use are 0. Every field has the width of the RTL output word's
//   field (OUT_<FIELD>_BITS of the generated header: fasttrack.hw.hough.track_layout).
//
// Internal representation of hit lists
// ------------------------------------
// A cell's list holds its first MAX_HITS_PER_CELL hits in input order. Hits are numbered
// by their slot (arrival index, 0..MAX_HITS-1), so the list is stored as a MAX_HITS-bit
// set over slots: input order = ascending slot. Shared hits between two candidates are
// popcount(a & b); a list is read out lowest slot first with a priority encoder.
//
// Notes for Vitis HLS (none of this can be checked without the tool; C-simulation is)
// ---------------------------------------------------------------------------------
// * fill_hits is PIPELINE II=1 with the columns unrolled: each column has its own mask /
//   count / list banks (ARRAY_PARTITION complete dim=1), MAX_BINS_PER_COLUMN banks along
//   the bins (cyclic), in LUTRAM. Consecutive hits can hit the same cell, so the
//   read-modify-write is a true loop-carried dependence: if csynth reports II=2 there, add
//   a one-deep write-forwarding register per bank (never DEPENDENCE inter false).
// * find_candidates scans all columns in parallel, one bin per clock (N_B + 1 clocks),
//   then lists candidate cells one per clock; the mini-Hough refill takes one listed hit
//   per clock. remove_duplicates is a stable counting sort plus one pairwise compare
//   (popcount of the AND of two MAX_HITS-bit lists) per clock. Interval per event is about
//   max(N_B + hits, N_B + N_A + candidate cells + listed hits refilled, ...).
// * The candidate buffer holds the worst case MAX_CAND (sharing needs every candidate
//   before the first is output): about 1 Mbit for the barrel and telescope presets, BRAM or
//   URAM, doubled by the DATAFLOW ping-pong; the cell arrays are ~0.3 / 0.7 Mbit (barrel /
//   telescope), also doubled.
// * drain_dropped reads hits beyond MAX_HITS until the end-of-event marker: the only loop
//   without a static bound (the input decides how many hits an event brings).
// * SHIFT, SUB_SHIFT and A_BEND are the generated 'static const long long' tables: ROMs
//   whose values fit COORD_BITS / BEND_BITS (checked by codegen).
#ifndef FASTTRACK_HLS_HOUGH_H
#define FASTTRACK_HLS_HOUGH_H

// The ap_types headers read a value before setting it (ap_private's default constructor
// calls clearUnusedBits), which g++ reports as (maybe-)uninitialized wherever it inlines
// an ap_int temporary. The warning belongs to the vendor header: it is silenced for the
// vendor headers only (GCC's diagnostic state is by source location), so the kernel and
// testbench build with -Wall -Wextra -Werror and nothing else. ft_stream.h also gives
// ft::stream (hls::stream or ac_channel), FT_HLS(...) for '#pragma HLS ...' and FT_LOOP
// for loop labels, both seen by Vitis HLS only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "ft_types.h"
#include "ft_stream.h"
#pragma GCC diagnostic pop

#include "hough_params.h"
#include "hough_tables.h"

namespace hough {

// ---------------------------------------------------------------------------------------
// Types. Sizes (N_A, FILL_BINS, MAX_CAND_CELLS, MAX_CAND, N_KEYS, ...) and the widths of
// counters, indexes and output-word fields are the generated constants themselves, used
// as they are: no copies, no re-derivation. The kernel's own limits:
// ---------------------------------------------------------------------------------------
static_assert(N_LAYERS >= 1 && N_LAYERS <= 32, "layer masks hold at most 32 layers");
static_assert(MAX_HITS >= 1 && MAX_HITS <= 4096, "hit lists are MAX_HITS-bit sets");
static_assert(!MINI_HOUGH || BIN_SHIFT >= 1, "the mini-Hough needs BIN_SHIFT >= 1");
static_assert(DUPLICATE_RULE >= 0 && DUPLICATE_RULE <= 2, "duplicate rule 0, 1 or 2");
static_assert(MAX_CAND >= MAX_CAND_CELLS && MAX_CAND_CELLS >= 1, "candidate buffer");

// Datapath intermediates (sums of generated widths):
// line end b - B_MIN = coord - SHIFT - B_MIN: three COORD_BITS-wide terms
constexpr int kEndBits = COORD_BITS + 2;
// bin index before clipping (in half bins for the mini-Hough); also holds 2*N_B
constexpr int kBinxBits = kEndBits - BIN_SHIFT + 2 > BIN_BITS + 3 ? kEndBits - BIN_SHIFT + 2 : BIN_BITS + 3;

typedef ft::uint<SLOT_BITS> nslot_t;                // 0..MAX_HITS
typedef ft::uint<MAX_HITS> hitset_t;                // hit list: bit s = hit in slot s
typedef ft::uint<CELL_FILLS_BITS> count_t;          // hits that filled a cell (listed or not)
typedef ft::uint<CELL_COUNT_BITS> nlist_t;          // listed hits
typedef ft::uint<LAYER_COUNT_BITS> nlayers_t;       // popcount of a layer mask
typedef ft::sint<OUT_SUB_BITS> sub_t;               // SUB_NONE, or 2*(column half) + (bin half)
typedef ft::uint<OUT_KIND_BITS> kind_t;             // WORD_KIND_TRACK, _HIT or _EOE
typedef ft::sint<kEndBits> end_t;                   // line end minus B_MIN (coordinate LSBs)
typedef ft::sint<kBinxBits> binx_t;                 // unclipped bin index
typedef ft::sint<BEND_BITS + 2> dbend_t;            // bend difference
typedef ft::uint<N_CAND_BITS> ncand_t;              // candidate count / index, 0..MAX_CAND
typedef ft::uint<OUT_N_TRACKS_BITS> ntracks_t;      // 0..MAX_TRACKS
typedef ft::uint<DROP_COUNT_BITS> ndropped_t;       // saturates at 2^DROP_COUNT_BITS - 1
typedef ft::uint<OUT_N_FILLS_CAPPED_BITS> ncapped_t;       // 0..MAX_HITS * N_A * N_B
typedef ft::uint<OUT_N_LIST_OVERFLOWS_BITS> noverflow_t;   // 0..MAX_HITS * N_A * FILL_BINS

// ---------------------------------------------------------------------------------------
// Stream words
// ---------------------------------------------------------------------------------------
// (fields default to 0: hls::stream value-initialises words, and ap_int alone would not)
struct hit_word {
    layer_t layer = 0;
    coord_t coord = 0;  // coordinate LSBs
    bend_t bend = 0;    // bend LSBs (0 without the bend filter)
    hit_id_t hit_id = 0;
    ft::uint<1> eoe = 0;  // 1: end-of-event marker (carries no hit)
};

struct cand_word {
    kind_t kind = 0;                // WORD_KIND_TRACK, WORD_KIND_HIT or WORD_KIND_EOE
    column_t column = 0;            // TRACK
    bin_t bin = 0;                  // TRACK
    sub_t sub = 0;                  // TRACK
    mask_t layer_mask = 0;          // TRACK
    nlist_t n_hits = 0;             // TRACK: hit-id words that follow
    hit_id_t hit_id = 0;            // HIT
    ntracks_t n = 0;                // EOE: candidates output
    ndropped_t n_hits_dropped = 0;  // EOE
    ncand_t n_candidates = 0;       // EOE
    ncapped_t n_fills_capped = 0;   // EOE
    noverflow_t n_list_overflows = 0;  // EOE
};

// ---------------------------------------------------------------------------------------
// Stage data
// ---------------------------------------------------------------------------------------
struct hit_lc {  // what the mini-Hough needs of a buffered hit
    layer_t layer;
    coord_t coord;
};

struct fill_stats {
    nslot_t n_hits;            // hits buffered
    ndropped_t n_hits_dropped;  // hits beyond MAX_HITS
    ncapped_t n_fills_capped;   // bins beyond MAX_BINS_PER_COLUMN
    noverflow_t n_list_overflows;  // fills of cells whose list was full
};

struct candidate {
    column_t column;
    bin_t bin;
    sub_t sub;
    mask_t mask;
    nlayers_t n_layers;  // popcount(mask)
    nlist_t n_hits;      // popcount(hits)
    hitset_t hits;
};

// ---------------------------------------------------------------------------------------
// Stages (hough_top chains them under DATAFLOW; the testbench also calls them alone)
// ---------------------------------------------------------------------------------------

// Read one event's hit words up to and including the end-of-event marker; fill the layer
// masks, hit counts and hit lists of every cell; buffer the hits.
void fill_event(ft::stream<hit_word>& hits, mask_t mask[N_A][N_B], count_t count[N_A][N_B],
                hitset_t list[N_A][N_B], hit_lc hit_buf[MAX_HITS], hit_id_t hit_ids[MAX_HITS],
                fill_stats& stats);

// Cells with at least MIN_LAYERS layers, raster order (rule 1: local maxima only); with the
// mini-Hough their 2x2 sub-cells that reach MIN_LAYERS instead.
void find_candidates(const mask_t mask[N_A][N_B], const count_t count[N_A][N_B],
                     const hitset_t list[N_A][N_B], const hit_lc hit_buf[MAX_HITS],
                     candidate cands[MAX_CAND], ncand_t& n_cands);

// Rule 2 (shared hits): drop duplicates. Every rule: n_kept counts the survivors, and the
// first MAX_TRACKS of them (raster order) go to `kept`, all the output can hold.
void remove_duplicates(const candidate cands[MAX_CAND], ncand_t n_cands, candidate kept[MAX_TRACKS],
                       ncand_t& n_kept);

// The first min(n_kept, MAX_TRACKS) candidates with their hit ids, then the end-of-event word.
void emit_tracks(const candidate kept[MAX_TRACKS], ncand_t n_kept, const hit_id_t hit_ids[MAX_HITS],
                 const fill_stats& stats, ft::stream<cand_word>& out);

}  // namespace hough

// The kernel: one event per call.
void hough_top(ft::stream<hough::hit_word>& hits, ft::stream<hough::cand_word>& cands);

#endif

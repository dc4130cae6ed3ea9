// fasttrack Hough transform, HLS kernel (Vitis HLS; also ac_int / ac_channel with -DFT_USE_AC).
//
// Bit-exact with the fixed-point golden model fasttrack.hough (reference.py, engine.py).
// Every constant comes from the generated headers hough_params.h / hough_tables.h
// (`fasttrack codegen hough --preset P`); this file only derives widths from them.
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
//       KIND_TRACK   column, bin, sub (-1 without the mini-Hough), layer_mask, n_hits
//       KIND_HIT     hit_id, n_hits times: the candidate's hit list in input order
//     then once:
//       KIND_EOE     n (candidates output), n_hits_dropped, n_candidates (after duplicate
//                    removal, before the output capacity), n_fills_capped, n_list_overflows
//   Fields a kind does not use are 0.
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
// * The candidate buffer holds the worst case kMaxCand (sharing needs every candidate
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
// Derived sizes and widths (from the generated constants only)
// ---------------------------------------------------------------------------------------
constexpr int bits_for(long long v) {  // unsigned width holding 0..v
    int w = 1;
    while (w < 62 && (1LL << w) <= v) ++w;
    return w;
}
constexpr long long max_ll(long long a, long long b) { return a > b ? a : b; }
constexpr long long min_ll(long long a, long long b) { return a < b ? a : b; }

constexpr int kNA = N_A;
constexpr int kNB = N_B;
constexpr int kCap = MAX_BINS_PER_COLUMN;                     // bins per column per hit
constexpr int kFillBins = min_ll(MAX_BINS_PER_COLUMN, N_B);   // bins a hit can fill per column
constexpr int kMaxHits = MAX_HITS;
constexpr int kMaxList = MAX_HITS_PER_CELL;
constexpr int kMaxTracks = MAX_TRACKS;
constexpr int kBinShift = BIN_SHIFT;
constexpr int kSubs = MINI_HOUGH ? 4 : 1;  // candidates one cell can give

// A cell is a candidate only with at least MIN_LAYERS fills; an event has at most
// MAX_HITS * N_A * kFillBins fills, so this many candidate cells at most.
constexpr long long kMaxCandCells = min_ll(N_A * N_B, MAX_HITS * N_A * kFillBins / MIN_LAYERS);
constexpr int kMaxCand = kMaxCandCells * kSubs;  // candidates before duplicate removal

static_assert(N_LAYERS >= 1 && N_LAYERS <= 32, "layer masks hold at most 32 layers");
static_assert(MAX_HITS >= 1 && MAX_HITS <= 4096, "hit lists are MAX_HITS-bit sets");
static_assert(!MINI_HOUGH || BIN_SHIFT >= 1, "the mini-Hough needs BIN_SHIFT >= 1");
static_assert(DUPLICATE_RULE >= 0 && DUPLICATE_RULE <= 2, "duplicate rule 0, 1 or 2");
static_assert(kMaxCand >= 1, "candidate buffer");

// line end b - B_MIN = coord - SHIFT - B_MIN: three COORD_BITS-wide terms
constexpr int kEndBits = COORD_BITS + 2;
// bin index before clipping (in half bins for the mini-Hough); also holds 2*N_B
constexpr int kBinxBits = (int)max_ll(kEndBits - BIN_SHIFT + 2, BIN_BITS + 3);

typedef ft::uint<bits_for(MAX_HITS)> nslot_t;        // 0..MAX_HITS
typedef ft::uint<MAX_HITS> hitset_t;                 // hit list: bit s = hit in slot s
typedef ft::uint<bits_for(MAX_HITS)> count_t;        // hits that filled a cell (listed or not)
typedef ft::uint<bits_for(MAX_HITS_PER_CELL)> nlist_t;  // listed hits
typedef ft::uint<bits_for(N_LAYERS)> nlayers_t;      // popcount of a layer mask
typedef ft::sint<3> sub_t;                           // -1, or 2*(column half) + (bin half)
typedef ft::sint<kEndBits> end_t;                    // line end minus B_MIN (coordinate LSBs)
typedef ft::sint<kBinxBits> binx_t;                  // unclipped bin index
typedef ft::sint<BEND_BITS + 2> dbend_t;             // bend difference
typedef ft::uint<bits_for(kMaxCand)> ncand_t;        // candidate count / index
typedef ft::uint<bits_for(MAX_TRACKS)> ntracks_t;
typedef ft::uint<DROP_COUNT_BITS> ndropped_t;         // saturates at 2^DROP_COUNT_BITS - 1
typedef ft::uint<bits_for(MAX_HITS * N_A * N_B)> ncapped_t;
typedef ft::uint<bits_for(MAX_HITS * N_A * kFillBins)> noverflow_t;

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

enum : int { KIND_TRACK = 0, KIND_HIT = 1, KIND_EOE = 2 };

struct cand_word {
    ft::uint<2> kind = 0;           // KIND_TRACK, KIND_HIT or KIND_EOE
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
                     candidate cands[kMaxCand], ncand_t& n_cands);

// Rule 2 (shared hits): drop duplicates. Every rule: n_kept counts the survivors, and the
// first MAX_TRACKS of them (raster order) go to `kept`, all the output can hold.
void remove_duplicates(const candidate cands[kMaxCand], ncand_t n_cands, candidate kept[MAX_TRACKS],
                       ncand_t& n_kept);

// The first min(n_kept, MAX_TRACKS) candidates with their hit ids, then the end-of-event word.
void emit_tracks(const candidate kept[MAX_TRACKS], ncand_t n_kept, const hit_id_t hit_ids[MAX_HITS],
                 const fill_stats& stats, ft::stream<cand_word>& out);

}  // namespace hough

// The kernel: one event per call.
void hough_top(ft::stream<hough::hit_word>& hits, ft::stream<hough::cand_word>& cands);

#endif

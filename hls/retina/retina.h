// fasttrack artificial retina: HLS kernel (Vitis HLS with ap_int, Catapult/Intel with ac_int).
//
// Everything this kernel knows about the detector and the grid comes from the generated
// retina_params.h / retina_tables.h (`fasttrack codegen retina`): sizes, widths, the
// receptor table, the weight LUT, cuts, threshold and capacities. The semantics are those
// of the fixed-point golden model, src/fasttrack/retina/ (reference.py, engine.py):
//
//  1. capacity: the first MAX_HITS hits of an event are processed; later ones are
//     consumed, dropped and counted (n_hits_dropped); an event may carry at most
//     MAX_HITS + DROP_COUNT_MAX hits (the loop bound; the testbench enforces it);
//  2. switch + accumulation: a hit on layer l reaches cell (i, j) when |d| <= ROI[l]
//     (N_MEAS == 1; d = hit - RECEPTORS[l][0][cell]) or dx^2 + dy^2 <= ROI[l]^2
//     (N_MEAS == 2) and, with BEND_FILTER, |bend - A_BEND[i]| <= BEND_WINDOW; it adds
//     LUT[l][min(|d| or d^2 >> LUT_SHIFT[l], LUT_SIZE - 1)] to the cell, saturating at
//     ACC_MAX;
//  3. maxima: acc >= THRESHOLD, > the neighbours earlier in raster order (cell = i*N_B+j),
//     >= the later ones, cells outside the grid count 0;
//  4. output: maxima in raster order, at most MAX_TRACKS (n_maxima counts them all);
//  5. centroid per axis over the 3 cells through the maximum (outside = 0), pedestal
//     m = their minimum: off = (((R+ - m) - (R- - m)) << CENTROID_FRAC_BITS) /
//     ((R- - m) + (R0 - m) + (R+ - m)), truncated toward zero, 0 when the divisor is 0.
//
// Stages (callable one by one from a testbench; retina_top chains them under DATAFLOW):
//
//   hits ──► accumulate_event ──acc──► find_maxima ──maxima, acc──► emit_tracks ──► tracks
//            one hit per clock          one row (N_B cells)          one track or one row
//            (all N_CELLS engines)      per clock                    skip per clock
//
// Stream words (see hit_word, track_word): one event per call of retina_top; an event is
// its hit words followed by one end-of-event word; the kernel answers with one track word
// per track, then one end-of-event word carrying the event's counters and overflow flags.
#ifndef FASTTRACK_RETINA_H
#define FASTTRACK_RETINA_H

// ap_private's default constructor reads its value before setting it (clearUnusedBits),
// which g++ reports as (maybe-)uninitialized wherever it inlines an ap_int temporary. The
// warning belongs to the vendor header, so it is silenced for the vendor headers only
// (GCC keeps the diagnostic state by source location): kernel and testbench still build
// with -Wall -Wextra -Werror and nothing else, and warn on their own uninitialized reads.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "ft_stream.h"
#include "ft_types.h"
#pragma GCC diagnostic pop

#include "retina_params.h"

namespace retina {

// ---------------------------------------------------------------------------------------
// Every width of a counter or an index is a generated constant (fasttrack.hw.retina, one
// Python rule each); what follows are datapath intermediates, sums of generated widths,
// and the bounds of the kernel's loops (nothing here is a detector choice)
// ---------------------------------------------------------------------------------------
/// Largest value of an unsigned width, saturated to what a long long holds.
constexpr long long max_unsigned(int bits) { return bits >= 63 ? 0x7fffffffffffffffLL : (1LL << bits) - 1; }

/// DROP_COUNT_BITS (generated) is the width of the dropped-hit counter of the end-of-event
/// word; it bounds the event the kernel reads (MAX_EVENT_WORDS below).
constexpr long long DROP_COUNT_MAX = max_unsigned(DROP_COUNT_BITS);
/// |d| < 2^COORD_BITS (1D); dx^2 + dy^2 < 2^(2*COORD_BITS + 1) (2D).
constexpr int DIST_BITS = N_MEAS == 1 ? COORD_BITS : 2 * COORD_BITS + 1;
constexpr long long DIST_MAX = max_unsigned(DIST_BITS);
/// |bend - A_BEND[i]| < 2^BEND_BITS.
constexpr int BEND_DIST_BITS = BEND_BITS + 1;
constexpr long long BEND_DIST_MAX = max_unsigned(BEND_DIST_BITS);
/// The 3-cell centroid sums: |num| <= ACC_MAX, den <= 3*ACC_MAX, signed.
constexpr int CSUM_BITS = ACC_BITS + 3;
/// Words of one event on the hit stream: at most MAX_HITS + DROP_COUNT_MAX hits (more
/// would desynchronise the stream: the kernel stops reading there) and the end word.
constexpr long long MAX_EVENT_WORDS = MAX_HITS + DROP_COUNT_MAX + 1;
/// Largest event without drops (the HLS latency report's trip count).
constexpr long long MAX_HITS_WORDS = MAX_HITS + 1;
/// Iterations of the output scan: one per row skipped plus one per track written.
constexpr int EMIT_ITERATIONS = N_A + MAX_TRACKS + 1;

static_assert(N_MEAS == 1 || N_MEAS == 2, "the retina handles 1D and 2D measurements");
static_assert(ACC_MAX == (1LL << ACC_BITS) - 1, "ACC_MAX must be the all-ones accumulator");
static_assert(WEIGHT_BITS <= ACC_BITS, "a weight must fit the accumulator");
static_assert((1LL << LUT_INDEX_BITS) == LUT_SIZE, "LUT_SIZE must be 2^LUT_INDEX_BITS");
static_assert(THRESHOLD >= 1, "the maxima rule treats outside cells as 0 < THRESHOLD");
static_assert((1LL << LAYER_BITS) >= N_LAYERS, "LAYER_BITS must number the layers");
static_assert(N_A <= (1LL << CELL_A_BITS) && N_B <= (1LL << CELL_B_BITS), "cell index widths");
static_assert(CENTROID_FRAC_BITS + 2 <= OFFSET_BITS, "|offset| <= 2^CENTROID_FRAC_BITS must fit");

typedef ft::sint<COORD_BITS + 1> diff_t;              // hit - receptor, coordinate LSBs
typedef ft::uint<DIST_BITS> dist_t;                   // |d| (1D) or dx^2 + dy^2 (2D)
typedef ft::sint<COORD_BITS + 2> reach_t;             // hit -/+ cut: the 1D switch window
typedef ft::uint<LUT_INDEX_BITS> lut_index_t;         // weight LUT index
typedef ft::uint<ACC_BITS + 1> acc_sum_t;             // acc + weight before saturation
typedef ft::sint<BEND_BITS + 1> bend_diff_t;          // bend - A_BEND[i], bend LSBs
typedef ft::uint<BEND_DIST_BITS> bend_dist_t;         // |bend - A_BEND[i]|
typedef ft::uint<N_B> row_mask_t;                     // maxima of one row, bit j = cell (i, j)
typedef ft::sint<CSUM_BITS> csum_t;                   // centroid numerator / denominator
typedef ft::sint<CSUM_BITS + CENTROID_FRAC_BITS> cnum_t;  // numerator << CENTROID_FRAC_BITS
typedef ft::uint<HIT_COUNT_BITS> hit_count_t;         // hits processed, 0..MAX_HITS
typedef ft::uint<DROP_COUNT_BITS> drop_count_t;       // hits dropped, 0..DROP_COUNT_MAX
typedef ft::uint<N_CANDIDATES_BITS> maxima_count_t;   // local maxima, 0..N_CELLS
typedef ft::uint<N_TRACKS_BITS> track_count_t;        // tracks written, 0..MAX_TRACKS

// ---------------------------------------------------------------------------------------
// stream words
// ---------------------------------------------------------------------------------------
/// One hit, or (end = 1) the end-of-event marker, whose other fields are ignored.
struct hit_word {
    layer_t layer;          // detector layer, 0..N_LAYERS-1 (others reach no cell)
    coord_t coord[N_MEAS];  // measurement(s), coordinate LSBs (two's complement)
    bend_t bend;            // stub bend in bend LSBs; used only when BEND_FILTER
    hit_id_t hit_id;        // hit id within the event (carried for association)
    bool end;               // 1: end of event, no hit
};

/// One track (end = 0: cell, centroid, quality) or the end-of-event word (end = 1:
/// the counters and flags; the track fields are 0).
struct track_word {
    cell_a_t cell_a;                // cell index along a (raster row i)
    cell_b_t cell_b;                // cell index along b (column j)
    offset_t off_a;                 // centroid offsets, CENTROID_FRAC_BITS fractional bits
    offset_t off_b;
    acc_t quality;                  // accumulator of the maximum cell
    bool end;                       // 1: end of event
    track_count_t n_tracks;         // end word: tracks written for this event
    drop_count_t n_hits_dropped;    // end word: hits beyond MAX_HITS
    maxima_count_t n_maxima;        // end word: local maxima found (before MAX_TRACKS)
    bool hit_overflow;              // end word: n_hits_dropped > 0
    bool track_overflow;            // end word: n_maxima > n_tracks
};

/// Per-event counters handed from stage to stage.
struct event_stats {
    drop_count_t n_hits_dropped;
    maxima_count_t n_maxima;
};

// ---------------------------------------------------------------------------------------
// stages
// ---------------------------------------------------------------------------------------
/// Read one event's hits (through its end word) and fill `acc` (cleared first); hits
/// beyond MAX_HITS are consumed and counted in `n_hits_dropped`.
void accumulate_event(ft::stream<hit_word>& hits, acc_t acc[N_A][N_B], drop_count_t& n_hits_dropped);

/// Local maxima of `acc`: bit j of `maxima[i]` set for each maximum (i, j); copies `acc`
/// to `acc_out` (the next stage's banked copy) and passes the counters on in `stats`.
void find_maxima(const acc_t acc[N_A][N_B], drop_count_t n_hits_dropped, row_mask_t maxima[N_A],
                 acc_t acc_out[N_A][N_B], event_stats& stats);

/// Pedestal-subtracted 3-cell centroid along one axis, CENTROID_FRAC_BITS fractional bits.
offset_t centroid(acc_t r_minus, acc_t r_centre, acc_t r_plus);

/// Write the first MAX_TRACKS maxima in raster order as track words, then the end word.
void emit_tracks(const row_mask_t maxima[N_A], const acc_t acc[N_A][N_B], event_stats stats,
                 ft::stream<track_word>& tracks);

}  // namespace retina

/// The kernel: one event per call (hit words through the end word in, track words and
/// the end word out). Top-level function, outside the namespace for the HLS tools.
void retina_top(ft::stream<retina::hit_word>& hits, ft::stream<retina::track_word>& tracks);

#endif

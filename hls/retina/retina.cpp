// fasttrack artificial retina: HLS kernel. Semantics, stages and words: retina.h.
//
// Pragmas are written FT_HLS(...) and loop labels FT_LOOP(name) (ft_stream.h): real
// pragmas and labels under Vitis HLS, nothing for plain g++, which cannot silence unknown
// pragmas under -Wall -Werror.
#include "retina.h"

#include "retina_tables.h"

namespace retina {

namespace {

/// All-zero track word (ap_int/ac_int default constructors leave values unset).
track_word zero_track_word() {
    track_word w;
    w.cell_a = 0;
    w.cell_b = 0;
    w.off_a = 0;
    w.off_b = 0;
    w.quality = 0;
    w.end = false;
    w.n_tracks = 0;
    w.n_hits_dropped = 0;
    w.n_maxima = 0;
    w.hit_overflow = false;
    w.track_overflow = false;
    return w;
}

/// One hit into every engine (cell) at once: the switch (region of interest and bend
/// window), the weight LUT and the saturating add. Unrolled over all N_A x N_B cells.
void add_hit(const hit_word& hit, acc_t acc[N_A][N_B]) {
    FT_HLS(inline)
    const int l = hit.layer.to_int();
    if (l >= N_LAYERS) return;  // a layer the config does not know reaches no cell
    // per-hit values in datapath types, shared by all engines (a cut beyond the widest
    // distance passes every cell)
    const long long roi = N_MEAS == 1 ? ROI[l] : ROI[l] * ROI[l];  // on |d| or d^2
    const dist_t cut = dist_t(roi > DIST_MAX ? DIST_MAX : roi);
    const dist_t lut_top = dist_t(LUT_SIZE - 1 > DIST_MAX ? DIST_MAX : LUT_SIZE - 1);
    const bend_dist_t window = bend_dist_t(BEND_WINDOW > BEND_DIST_MAX ? BEND_DIST_MAX : BEND_WINDOW);
    const acc_sum_t acc_max = acc_sum_t(ACC_MAX);
    const int shift = LUT_SHIFT[l];
    const coord_t x = hit.coord[0];
    const coord_t y = hit.coord[N_MEAS - 1];
    // the 1D switch as a window on the receptor (unused in 2D):
    // |x - r| <= cut  <=>  x - cut <= r <= x + cut
    const reach_t x_lo = reach_t(x) - reach_t(cut);
    const reach_t x_hi = reach_t(x) + reach_t(cut);
    FT_LOOP(engines_a)
    for (int i = 0; i < N_A; ++i) {
        FT_HLS(UNROLL)
        bool bend_ok = true;
        if (BEND_FILTER != 0) {
            const bend_diff_t db = bend_diff_t(hit.bend) - bend_diff_t(A_BEND[i]);
            const bend_dist_t bend_dist = db < 0 ? bend_dist_t(-db) : bend_dist_t(db);
            bend_ok = bend_dist <= window;
        }
        FT_LOOP(engines_b)
        for (int j = 0; j < N_B; ++j) {
            FT_HLS(UNROLL)
            const int cell = i * N_B + j;
            dist_t dist;
            if (N_MEAS == 1) {
                const coord_t r = coord_t(RECEPTORS[l][0][cell]);
                if (!bend_ok || r < x_lo || r > x_hi) continue;
                const diff_t d = diff_t(x) - diff_t(r);
                dist = d < 0 ? dist_t(-d) : dist_t(d);
            } else {
                const diff_t dx = diff_t(x) - diff_t(coord_t(RECEPTORS[l][0][cell]));
                const diff_t dy = diff_t(y) - diff_t(coord_t(RECEPTORS[l][N_MEAS - 1][cell]));
                dist = dist_t(dx * dx) + dist_t(dy * dy);
                if (!bend_ok || dist > cut) continue;
            }
            const dist_t scaled = dist >> shift;
            const lut_index_t idx = lut_index_t(scaled > lut_top ? lut_top : scaled);
            const weight_t weight = weight_t(LUT[l][idx.to_int()]);
            const acc_sum_t sum = acc_sum_t(acc[i][j]) + acc_sum_t(weight);
            acc[i][j] = acc_t(sum > acc_max ? acc_max : sum);
        }
    }
}

/// Cell `j` of a row held in registers; outside the grid counts as 0.
acc_t cell_at(const acc_t row[N_B], int j) {
    FT_HLS(inline)
    return (j < 0 || j >= N_B) ? acc_t(0) : row[j];
}

/// Index of the lowest set bit of a non-zero row mask (priority encoder).
int lowest_set(const row_mask_t& m) {
    FT_HLS(inline)
    int first = 0;
    for (int b = N_B - 1; b >= 0; --b) {
        FT_HLS(UNROLL)
        if (m[b]) first = b;
    }
    return first;
}

}  // namespace

// ---------------------------------------------------------------------------------------
void accumulate_event(ft::stream<hit_word>& hits, acc_t acc[N_A][N_B], drop_count_t& n_hits_dropped) {
    // every engine owns its receptors and its copy of the weight LUT (one read per cell
    // per clock); acc itself is partitioned by the caller (retina_top)
    FT_HLS(ARRAY_PARTITION variable = RECEPTORS complete dim = 0)
    FT_HLS(ARRAY_PARTITION variable = LUT complete dim = 0)
    FT_HLS(ARRAY_PARTITION variable = A_BEND complete dim = 0)
    FT_LOOP(clear_a)
    for (int i = 0; i < N_A; ++i) {
        FT_HLS(UNROLL)
        FT_LOOP(clear_b)
        for (int j = 0; j < N_B; ++j) {
            FT_HLS(UNROLL)
            acc[i][j] = 0;
        }
    }
    hit_count_t n_used = 0;
    drop_count_t n_dropped = 0;
    // static bound: an event is at most MAX_HITS + DROP_COUNT_MAX hit words and its end word
    FT_LOOP(hit_loop)
    for (long long k = 0; k < MAX_EVENT_WORDS; ++k) {
        FT_HLS(PIPELINE II = 1)
        FT_HLS(LOOP_TRIPCOUNT min = 1 max = MAX_HITS_WORDS)
        const hit_word hit = hits.read();
        if (hit.end) break;
        if (n_used < MAX_HITS) {
            ++n_used;
            add_hit(hit, acc);
        } else if (n_dropped < DROP_COUNT_MAX) {
            ++n_dropped;
        }
    }
    n_hits_dropped = n_dropped;
}

// ---------------------------------------------------------------------------------------
void find_maxima(const acc_t acc[N_A][N_B], drop_count_t n_hits_dropped, row_mask_t maxima[N_A],
                 acc_t acc_out[N_A][N_B], event_stats& stats) {
    // a 3-row window slides down the map: row k enters, row k - 1 is judged
    acc_t up[N_B], mid[N_B], down[N_B];
    FT_HLS(ARRAY_PARTITION variable = up complete)
    FT_HLS(ARRAY_PARTITION variable = mid complete)
    FT_HLS(ARRAY_PARTITION variable = down complete)
    FT_LOOP(window_init)
    for (int j = 0; j < N_B; ++j) {
        FT_HLS(UNROLL)
        up[j] = 0;   // row -2 (never judged against)
        mid[j] = 0;  // row -1: outside the grid
    }
    maxima_count_t n_maxima = 0;
    FT_LOOP(rows)
    for (int k = 0; k <= N_A; ++k) {
        FT_HLS(PIPELINE II = 1)
        FT_LOOP(load)
        for (int j = 0; j < N_B; ++j) {
            FT_HLS(UNROLL)
            down[j] = k < N_A ? acc[k][j] : acc_t(0);  // row N_A: outside the grid
        }
        if (k > 0) {
            const int r = k - 1;
            row_mask_t mask = 0;
            maxima_count_t in_row = 0;  // maxima of this row
            FT_LOOP(judge)
            for (int j = 0; j < N_B; ++j) {
                FT_HLS(UNROLL)
                const acc_t v = mid[j];
                // > neighbours earlier in raster order, >= later ones
                const bool earlier = v > cell_at(up, j - 1) && v > cell_at(up, j) && v > cell_at(up, j + 1) &&
                                     v > cell_at(mid, j - 1);
                const bool later = v >= cell_at(mid, j + 1) && v >= cell_at(down, j - 1) && v >= cell_at(down, j) &&
                                   v >= cell_at(down, j + 1);
                const bool is_max = v >= THRESHOLD && earlier && later;
                mask[j] = is_max;
                in_row += is_max ? 1 : 0;
                acc_out[r][j] = v;
            }
            maxima[r] = mask;
            n_maxima += in_row;
        }
        FT_LOOP(shift)
        for (int j = 0; j < N_B; ++j) {
            FT_HLS(UNROLL)
            up[j] = mid[j];
            mid[j] = down[j];
        }
    }
    stats.n_hits_dropped = n_hits_dropped;
    stats.n_maxima = n_maxima;
}

// ---------------------------------------------------------------------------------------
offset_t centroid(acc_t r_minus, acc_t r_centre, acc_t r_plus) {
    FT_HLS(inline)
    acc_t pedestal = r_minus < r_centre ? r_minus : r_centre;
    if (r_plus < pedestal) pedestal = r_plus;
    const csum_t dm = csum_t(r_minus) - csum_t(pedestal);
    const csum_t d0 = csum_t(r_centre) - csum_t(pedestal);
    const csum_t dp = csum_t(r_plus) - csum_t(pedestal);
    const csum_t num = dp - dm;
    const csum_t den = dm + d0 + dp;
    if (den == 0) return offset_t(0);
    const cnum_t scaled = cnum_t(num) << CENTROID_FRAC_BITS;
    return offset_t(scaled / den);  // C++ semantics: truncation toward zero
}

// ---------------------------------------------------------------------------------------
void emit_tracks(const row_mask_t maxima[N_A], const acc_t acc[N_A][N_B], event_stats stats,
                 ft::stream<track_word>& tracks) {
    int row = 0;
    row_mask_t left = maxima[0];
    track_count_t n_tracks = 0;
    // each iteration either skips to the next row or writes one track: at most N_A skips
    // and MAX_TRACKS tracks
    FT_LOOP(scan)
    for (int k = 0; k < EMIT_ITERATIONS; ++k) {
        FT_HLS(PIPELINE II = 1)
        if (n_tracks == MAX_TRACKS) break;
        if (left == 0) {
            ++row;
            if (row == N_A) break;
            left = maxima[row];
        } else {
            const int j = lowest_set(left);
            left[j] = 0;
            const acc_t a_minus = row > 0 ? acc[row - 1][j] : acc_t(0);
            const acc_t a_plus = row < N_A - 1 ? acc[row + 1][j] : acc_t(0);
            const acc_t b_minus = j > 0 ? acc[row][j - 1] : acc_t(0);
            const acc_t b_plus = j < N_B - 1 ? acc[row][j + 1] : acc_t(0);
            const acc_t centre = acc[row][j];
            track_word w = zero_track_word();
            w.cell_a = row;
            w.cell_b = j;
            w.off_a = centroid(a_minus, centre, a_plus);
            w.off_b = centroid(b_minus, centre, b_plus);
            w.quality = centre;
            tracks.write(w);
            ++n_tracks;
        }
    }
    track_word end = zero_track_word();
    end.end = true;
    end.n_tracks = n_tracks;
    end.n_hits_dropped = stats.n_hits_dropped;
    end.n_maxima = stats.n_maxima;
    end.hit_overflow = stats.n_hits_dropped != 0;
    end.track_overflow = stats.n_maxima > n_tracks;
    tracks.write(end);
}

}  // namespace retina

// ---------------------------------------------------------------------------------------
void retina_top(ft::stream<retina::hit_word>& hits, ft::stream<retina::track_word>& tracks) {
    FT_HLS(INTERFACE mode = axis port = hits)
    FT_HLS(INTERFACE mode = axis port = tracks)
    FT_HLS(INTERFACE mode = ap_ctrl_chain port = return)
    FT_HLS(DATAFLOW)
    using namespace retina;
    // the engine array: every accumulator a register, all updated in the same clock
    acc_t acc[N_A][N_B];
    FT_HLS(ARRAY_PARTITION variable = acc complete dim = 0)
    // the banked copy for the output stage: a whole row per clock (dim 2), and rows
    // i - 1, i, i + 1 in different banks (cyclic 3 on dim 1) for the centroid
    acc_t acc_banked[N_A][N_B];
    FT_HLS(ARRAY_PARTITION variable = acc_banked complete dim = 2)
    FT_HLS(ARRAY_PARTITION variable = acc_banked cyclic factor = 3 dim = 1)
    row_mask_t maxima[N_A];
    drop_count_t n_hits_dropped;
    event_stats stats;
    accumulate_event(hits, acc, n_hits_dropped);
    find_maxima(acc, n_hits_dropped, maxima, acc_banked, stats);
    emit_tracks(maxima, acc_banked, stats, tracks);
}

// fasttrack Hough transform, HLS kernel: see hough.h for the stream words and the stages.
#include "hough.h"

namespace hough {

namespace {

// Number of set bits of an unsigned word (an adder tree after unrolling).
template <int W>
int popcount(const ft::uint<W>& x) {
    int n = 0;
    for (int b = 0; b < W; ++b) {
        FT_HLS(UNROLL)
        n += x[b] ? 1 : 0;
    }
    return n;
}

// Index of the lowest set bit of a non-empty word (a priority encoder).
template <int W>
int lowest_bit(const ft::uint<W>& x) {
    int s = 0;
    for (int b = W - 1; b >= 0; --b) {
        FT_HLS(UNROLL)
        if (x[b]) s = b;
    }
    return s;
}

int lowest_slot(const hitset_t& x) { return lowest_bit<MAX_HITS>(x); }

bool any_bit(const hitset_t& x) { return x != 0; }

cand_word zero_word(int kind) {
    cand_word w;  // every field 0
    w.kind = kind;
    return w;
}

// Bin range of a line between two column edges: ((coord - shift - B_MIN) >> shift_bits),
// arithmetic shift = floor; lo <= hi.
void bin_range(const coord_t& coord, const coord_t& s0, const coord_t& s1, int shift_bits, binx_t& lo,
               binx_t& hi) {
    const end_t b_min = B_MIN;
    end_t e0 = coord - s0;
    end_t e1 = coord - s1;
    e0 -= b_min;
    e1 -= b_min;
    binx_t a = e0 >> shift_bits;
    binx_t b = e1 >> shift_bits;
    lo = a < b ? a : b;
    hi = a < b ? b : a;
}

// Last bin a hit fills from lo (inclusive), at most MAX_BINS_PER_COLUMN bins, lo <= hi.
binx_t cap_last(const binx_t& lo, const binx_t& hi) {
    binx_t span = hi - lo;
    return span < MAX_BINS_PER_COLUMN - 1 ? hi : binx_t(lo + (MAX_BINS_PER_COLUMN - 1));
}

int layer_count(const mask_t& m) { return popcount<N_LAYERS>(m); }

void store(candidate cands[MAX_CAND], int& n, int i, int j, int sub, const mask_t& m, int nl, int nh,
           const hitset_t& hits) {
    if (n >= MAX_CAND) return;  // cannot happen: MAX_CAND bounds them (fasttrack.hw.hough.max_candidates)
    candidate c;
    c.column = i;
    c.bin = j;
    c.sub = sub;
    c.mask = m;
    c.n_layers = nl;
    c.n_hits = nh;
    c.hits = hits;
    cands[n] = c;
    ++n;
}

// Rank key of a candidate (rule 2), 0..N_KEYS-1: more layers first, then fewer listed hits.
int rank_key(const candidate& c) {
    return (N_LAYERS - c.n_layers.to_int()) * (MAX_HITS_PER_CELL + 1) + c.n_hits.to_int();
}

// Mini-Hough: refill cell (i, j) split 2x2 with its listed hits. Sub-column 2i+si uses the
// half-column edge table; half bins (BIN_SHIFT - 1) 2j, 2j+1; the same bin cap; no bend
// filter. Sub-cells reaching MIN_LAYERS become candidates, sub = 2*si + sj.
void mini_hough(int i, int j, const hitset_t& cell_hits, const hit_lc hit_buf[MAX_HITS],
                candidate cands[MAX_CAND], int& n) {
    mask_t sm[4];
    hitset_t sl[4];
    nlist_t sn[4];
    FT_HLS(ARRAY_PARTITION variable=sm complete)
    FT_HLS(ARRAY_PARTITION variable=sl complete)
    FT_HLS(ARRAY_PARTITION variable=sn complete)
    for (int q = 0; q < 4; ++q) {
        FT_HLS(UNROLL)
        sm[q] = 0;
        sl[q] = 0;
        sn[q] = 0;
    }
    const binx_t b0 = 2 * j, b1 = 2 * j + 1;
    hitset_t rem = cell_hits;
FT_LOOP(mini_hits)
    for (int k = 0; k < MAX_HITS_PER_CELL; ++k) {
        FT_HLS(PIPELINE II=1)
        if (!any_bit(rem)) break;
        const int s = lowest_slot(rem);
        rem[s] = 0;
        const hit_lc h = hit_buf[s];
        const int l = h.layer.to_int();
        for (int si = 0; si < 2; ++si) {
            FT_HLS(UNROLL)
            const int col = 2 * i + si;
            binx_t lo, hi;
            bin_range(h.coord, coord_t(SUB_SHIFT[l][col]), coord_t(SUB_SHIFT[l][col + 1]), BIN_SHIFT - 1, lo, hi);
            if (lo < b0) lo = b0;
            if (hi > b1) hi = b1;
            if (lo > hi) continue;
            const binx_t last = cap_last(lo, hi);
            for (int sj = 0; sj < 2; ++sj) {
                FT_HLS(UNROLL)
                const binx_t b = 2 * j + sj;
                if (b < lo || b > last) continue;
                const int q = 2 * si + sj;
                sm[q][l] = 1;
                sl[q][s] = 1;
                sn[q] = sn[q] + 1;
            }
        }
    }
    for (int q = 0; q < 4; ++q) {
        const int nl = layer_count(sm[q]);
        if (nl >= MIN_LAYERS) store(cands, n, i, j, q, sm[q], nl, sn[q].to_int(), sl[q]);
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------
void fill_event(ft::stream<hit_word>& hits, mask_t mask[N_A][N_B], count_t count[N_A][N_B],
                hitset_t list[N_A][N_B], hit_lc hit_buf[MAX_HITS], hit_id_t hit_ids[MAX_HITS],
                fill_stats& stats) {
FT_LOOP(clear_cells)
    for (int j = 0; j < N_B; ++j) {
        FT_HLS(PIPELINE II=1)
        for (int i = 0; i < N_A; ++i) {
            FT_HLS(UNROLL)
            mask[i][j] = 0;
            count[i][j] = 0;
            list[i][j] = 0;
        }
    }
    nslot_t n_hits = 0;
    ndropped_t n_dropped = 0;
    ncapped_t n_capped = 0;
    noverflow_t n_overflow = 0;
    bool eoe = false;
FT_LOOP(fill_hits)  // one hit per clock: every column (unrolled) fills its <= MAX_BINS_PER_COLUMN bins
    for (int s = 0; s < MAX_HITS; ++s) {
        FT_HLS(PIPELINE II=1)
        const hit_word w = hits.read();
        if (w.eoe) {
            eoe = true;
            break;
        }
        hit_lc h;
        h.layer = w.layer;
        h.coord = w.coord;
        hit_buf[s] = h;
        hit_ids[s] = w.hit_id;
        n_hits = s + 1;
        const bool valid = w.layer < N_LAYERS;
        const int l = valid ? w.layer.to_int() : 0;
        ncapped_t capped = 0;
        noverflow_t overflow = 0;
    FT_LOOP(fill_columns)
        for (int i = 0; i < N_A; ++i) {
            FT_HLS(UNROLL)
            bool pass = valid;
            if (BEND_FILTER) {
                dbend_t d = w.bend;
                d -= bend_t(A_BEND[i]);
                if (d < 0) d = -d;
                pass = pass && d <= BEND_WINDOW;
            }
            binx_t lo, hi;
            bin_range(w.coord, coord_t(SHIFT[l][i]), coord_t(SHIFT[l][i + 1]), BIN_SHIFT, lo, hi);
            if (lo < 0) lo = 0;
            if (hi > N_B - 1) hi = N_B - 1;
            if (!pass || lo > hi) continue;
            const binx_t last = cap_last(lo, hi);
            capped += hi - last;
        FT_LOOP(fill_bins)
            for (int k = 0; k < FILL_BINS; ++k) {
                FT_HLS(UNROLL)
                const binx_t jb = lo + k;
                if (jb > last) continue;
                const int j = jb.to_int();
                mask_t m = mask[i][j];
                m[l] = 1;
                mask[i][j] = m;
                const count_t c = count[i][j];
                if (c < MAX_HITS_PER_CELL) {
                    hitset_t L = list[i][j];
                    L[s] = 1;
                    list[i][j] = L;
                } else {
                    overflow += 1;
                }
                count[i][j] = c + 1;
            }
        }
        n_capped += capped;
        n_overflow += overflow;
    }
FT_LOOP(drain_dropped)  // hits beyond MAX_HITS: read, count (saturating), drop
    while (!eoe) {
        FT_HLS(PIPELINE II=1)
        FT_HLS(LOOP_TRIPCOUNT min=0 max=128)  // for the latency report only
        const hit_word w = hits.read();
        if (w.eoe) {
            eoe = true;
        } else if (n_dropped != ndropped_t(~ndropped_t(0))) {
            n_dropped += 1;
        }
    }
    stats.n_hits = n_hits;
    stats.n_hits_dropped = n_dropped;
    stats.n_fills_capped = n_capped;
    stats.n_list_overflows = n_overflow;
}

// ---------------------------------------------------------------------------------------
void find_candidates(const mask_t mask[N_A][N_B], const count_t count[N_A][N_B],
                     const hitset_t list[N_A][N_B], const hit_lc hit_buf[MAX_HITS],
                     candidate cands[MAX_CAND], ncand_t& n_cands) {
    // 1. candidate flags, all columns in parallel, one bin per clock. Rule 1 (local maximum
    //    of the layer count) looks at a 3-bin window of every column: prev = j-1, cur = j,
    //    next = j+1; outside the array counts 0, which never beats a cell's >= 1 layers,
    //    as the golden model's "skip the neighbour".
    typedef ft::uint<N_B> flags_t;
    flags_t flags[N_A];
    nlayers_t prev[N_A], cur[N_A];
    FT_HLS(ARRAY_PARTITION variable=flags complete)
    FT_HLS(ARRAY_PARTITION variable=prev complete)
    FT_HLS(ARRAY_PARTITION variable=cur complete)
    for (int i = 0; i < N_A; ++i) {
        FT_HLS(UNROLL)
        flags[i] = 0;
        prev[i] = 0;
        cur[i] = 0;
    }
FT_LOOP(scan_bins)
    for (int jn = 0; jn <= N_B; ++jn) {  // jn: the bin read; j = jn - 1: the bin decided
        FT_HLS(PIPELINE II=1)
        nlayers_t next[N_A];
        for (int i = 0; i < N_A; ++i) {
            FT_HLS(UNROLL)
            next[i] = jn < N_B ? layer_count(mask[i][jn < N_B ? jn : 0]) : 0;
        }
        if (jn >= 1) {
            const int j = jn - 1;
            for (int i = 0; i < N_A; ++i) {
                FT_HLS(UNROLL)
                const nlayers_t v = cur[i];
                bool cand = v >= MIN_LAYERS;
                if (DUPLICATE_RULE == 1) {
                    // raster order i*N_B + j: column i-1 and bin j-1 of column i come earlier
                    const nlayers_t z = 0;
                    const nlayers_t l0 = i > 0 ? prev[i > 0 ? i - 1 : 0] : z;
                    const nlayers_t l1 = i > 0 ? cur[i > 0 ? i - 1 : 0] : z;
                    const nlayers_t l2 = i > 0 ? next[i > 0 ? i - 1 : 0] : z;
                    const nlayers_t r0 = i < N_A - 1 ? prev[i < N_A - 1 ? i + 1 : 0] : z;
                    const nlayers_t r1 = i < N_A - 1 ? cur[i < N_A - 1 ? i + 1 : 0] : z;
                    const nlayers_t r2 = i < N_A - 1 ? next[i < N_A - 1 ? i + 1 : 0] : z;
                    cand = cand && v > l0 && v > l1 && v > l2 && v > prev[i] && v >= next[i] && v >= r0 &&
                           v >= r1 && v >= r2;
                }
                flags[i][j] = cand ? 1 : 0;
            }
        }
        for (int i = 0; i < N_A; ++i) {
            FT_HLS(UNROLL)
            prev[i] = cur[i];
            cur[i] = next[i];
        }
    }
    // candidate cells in raster order: column by column, one cell per clock
    column_t cell_col[MAX_CAND_CELLS];
    bin_t cell_bin[MAX_CAND_CELLS];
    int n_cells = 0;
FT_LOOP(list_columns)
    for (int i = 0; i < N_A; ++i) {
        flags_t f = flags[i];
    FT_LOOP(list_bins)
        for (int k = 0; k < N_B; ++k) {
            FT_HLS(PIPELINE II=1)
            if (f == 0) break;
            const int j = lowest_bit<N_B>(f);
            f[j] = 0;
            if (n_cells < MAX_CAND_CELLS) {  // always (fasttrack.hw.hough.max_candidate_cells)
                cell_col[n_cells] = i;
                cell_bin[n_cells] = j;
                ++n_cells;
            }
        }
    }
    // 2. the cells themselves, or (mini-Hough) their sub-cells that reach MIN_LAYERS
    int n = 0;
    if (MINI_HOUGH) {
    FT_LOOP(refill_cells)
        for (int k = 0; k < MAX_CAND_CELLS; ++k) {
            if (k >= n_cells) break;
            const int i = cell_col[k].to_int(), j = cell_bin[k].to_int();
            mini_hough(i, j, list[i][j], hit_buf, cands, n);  // its hit loop is pipelined
        }
    } else {
    FT_LOOP(store_cells)
        for (int k = 0; k < MAX_CAND_CELLS; ++k) {
            FT_HLS(PIPELINE II=1)
            if (k >= n_cells) break;
            const int i = cell_col[k].to_int(), j = cell_bin[k].to_int();
            const mask_t m = mask[i][j];
            const count_t c = count[i][j];
            const int nh = c < MAX_HITS_PER_CELL ? c.to_int() : MAX_HITS_PER_CELL;
            store(cands, n, i, j, SUB_NONE, m, layer_count(m), nh, list[i][j]);
        }
    }
    n_cands = n;
}

// ---------------------------------------------------------------------------------------
void remove_duplicates(const candidate cands[MAX_CAND], ncand_t n_cands, candidate kept[MAX_TRACKS],
                       ncand_t& n_kept) {
    const int n = n_cands.to_int();
    bool keep[MAX_CAND];
    if (DUPLICATE_RULE == 2) {
        // rank: more layers, then fewer listed hits, then raster order: a stable counting
        // sort on rank_key (N_KEYS keys)
        ncand_t start[N_KEYS];
        ncand_t order[MAX_CAND];
        ncand_t kept_idx[MAX_CAND];
    FT_LOOP(rank_clear)
        for (int k = 0; k < N_KEYS; ++k) {
            FT_HLS(PIPELINE II=1)
            start[k] = 0;
        }
    FT_LOOP(rank_histogram)
        for (int c = 0; c < MAX_CAND; ++c) {
            FT_HLS(PIPELINE II=1)
            if (c >= n) break;
            const int key = rank_key(cands[c]);
            start[key] = start[key] + 1;
        }
        ncand_t sum = 0;
    FT_LOOP(rank_prefix)
        for (int k = 0; k < N_KEYS; ++k) {
            FT_HLS(PIPELINE II=1)
            const ncand_t h = start[k];
            start[k] = sum;
            sum += h;
        }
    FT_LOOP(rank_place)
        for (int c = 0; c < MAX_CAND; ++c) {
            FT_HLS(PIPELINE II=1)
            if (c >= n) break;
            const int key = rank_key(cands[c]);
            order[start[key].to_int()] = c;
            start[key] = start[key] + 1;
        }
        // a candidate is a duplicate of a better-ranked kept one when it shares at least
        // DUP_MIN_SHARED listed hits with it and has at most DUP_MAX_NEW hits it lacks
        int nk = 0;
    FT_LOOP(rank_visit)
        for (int r = 0; r < MAX_CAND; ++r) {
            if (r >= n) break;
            const int c = order[r].to_int();
            const hitset_t hc = cands[c].hits;
            const int nh = cands[c].n_hits.to_int();
            bool dup = false;
        FT_LOOP(rank_compare)
            for (int q = 0; q < MAX_CAND; ++q) {
                FT_HLS(PIPELINE II=1)
                if (q >= nk) break;
                const hitset_t both = hc & cands[kept_idx[q].to_int()].hits;
                const int sh = popcount<MAX_HITS>(both);
                if (sh >= DUP_MIN_SHARED && nh - sh <= DUP_MAX_NEW) {
                    dup = true;
                    break;
                }
            }
            keep[c] = !dup;
            if (!dup) {
                kept_idx[nk] = c;
                ++nk;
            }
        }
    } else {
    FT_LOOP(keep_all)
        for (int c = 0; c < MAX_CAND; ++c) {
            FT_HLS(PIPELINE II=1)
            if (c >= n) break;
            keep[c] = true;
        }
    }
    int m = 0;
FT_LOOP(compact)
    for (int c = 0; c < MAX_CAND; ++c) {
        FT_HLS(PIPELINE II=1)
        if (c >= n) break;
        if (!keep[c]) continue;
        if (m < MAX_TRACKS) kept[m] = cands[c];
        ++m;
    }
    n_kept = m;
}

// ---------------------------------------------------------------------------------------
void emit_tracks(const candidate kept[MAX_TRACKS], ncand_t n_kept, const hit_id_t hit_ids[MAX_HITS],
                 const fill_stats& stats, ft::stream<cand_word>& out) {
    const int n_out = n_kept < MAX_TRACKS ? n_kept.to_int() : MAX_TRACKS;
FT_LOOP(emit_candidates)
    for (int t = 0; t < MAX_TRACKS; ++t) {
        if (t >= n_out) break;
        const candidate c = kept[t];
        cand_word w = zero_word(WORD_KIND_TRACK);
        w.column = c.column;
        w.bin = c.bin;
        w.sub = c.sub;
        w.layer_mask = c.mask;
        w.n_hits = c.n_hits;
        out.write(w);
        hitset_t rem = c.hits;
    FT_LOOP(emit_hits)
        for (int k = 0; k < MAX_HITS_PER_CELL; ++k) {
            FT_HLS(PIPELINE II=1)
            if (!any_bit(rem)) break;
            const int s = lowest_slot(rem);
            rem[s] = 0;
            cand_word h = zero_word(WORD_KIND_HIT);
            h.hit_id = hit_ids[s];
            out.write(h);
        }
    }
    cand_word e = zero_word(WORD_KIND_EOE);
    e.n = n_out;
    e.n_hits_dropped = stats.n_hits_dropped;
    e.n_candidates = n_kept;
    e.n_fills_capped = stats.n_fills_capped;
    e.n_list_overflows = stats.n_list_overflows;
    out.write(e);
}

}  // namespace hough

// ---------------------------------------------------------------------------------------
void hough_top(ft::stream<hough::hit_word>& hits, ft::stream<hough::cand_word>& cands) {
    FT_HLS(INTERFACE mode=axis port=hits)
    FT_HLS(INTERFACE mode=axis port=cands)
    FT_HLS(INTERFACE mode=ap_ctrl_chain port=return)
    using namespace hough;
    mask_t mask[N_A][N_B];
    count_t count[N_A][N_B];
    hitset_t list[N_A][N_B];
    // one bank per column, MAX_BINS_PER_COLUMN banks along the bins: a hit's fills in one
    // clock touch distinct banks; LUTRAM for the one-cycle read-modify-write
    FT_HLS(ARRAY_PARTITION variable=mask complete dim=1)
    FT_HLS(ARRAY_PARTITION variable=count complete dim=1)
    FT_HLS(ARRAY_PARTITION variable=list complete dim=1)
    FT_HLS(ARRAY_PARTITION variable=mask cyclic factor=FILL_BINS dim=2)
    FT_HLS(ARRAY_PARTITION variable=count cyclic factor=FILL_BINS dim=2)
    FT_HLS(ARRAY_PARTITION variable=list cyclic factor=FILL_BINS dim=2)
    FT_HLS(BIND_STORAGE variable=mask type=ram_2p impl=lutram)
    FT_HLS(BIND_STORAGE variable=count type=ram_2p impl=lutram)
    FT_HLS(BIND_STORAGE variable=list type=ram_2p impl=lutram)
    hit_lc hit_buf[MAX_HITS];
    hit_id_t hit_ids[MAX_HITS];
    fill_stats stats;
    candidate cand_buf[MAX_CAND];
    candidate kept[MAX_TRACKS];
    ncand_t n_cands, n_kept;
    FT_HLS(DATAFLOW)
    fill_event(hits, mask, count, list, hit_buf, hit_ids, stats);
    find_candidates(mask, count, list, hit_buf, cand_buf, n_cands);
    remove_duplicates(cand_buf, n_cands, kept, n_kept);
    emit_tracks(kept, n_kept, hit_ids, stats, cands);
}

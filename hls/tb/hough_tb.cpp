// C-simulation testbench of the Hough kernel (hls/hough): bit-exact against the golden model.
//
//   hough_tb <vector-folder>
//
// Reads hough_hits.txt, hough_masks.txt and hough_tracks.txt (fasttrack.hw.vectors, read by
// ft_vectors.h), refuses files of another config (header '# config <name> <hash>' against
// hough::CONFIG_HASH), and for every event
//   1. runs fill_event() and compares the layer mask and hit count of EVERY cell (cells
//      absent from hough_masks.txt must be 0);
//   2. runs hough_top() and compares every output word: each candidate (column, bin, sub,
//      layer mask, hit count, hit ids) in order, and the end-of-event word (n,
//      n_hits_dropped, n_candidates, n_fills_capped, n_list_overflows); a missing or an
//      extra word, or a word after the end-of-event word, is a mismatch.
// Prints the first mismatches, then the summary line of ft_testbench.h
//   hough csim: events=<N> tracks=<T> mismatches=<M> bit_exact=<0|1>
// (T: candidates the vectors expect) and exits 0 only when every word matched (1 on
// mismatch, 2 on a usage or parse error).
#include <string>
#include <vector>

#include "ft_testbench.h"
#include "ft_vectors.h"
#include "hough.h"

namespace {

using namespace hough;
using ft::tb::Checker;
namespace vec = ft::vectors;

const vec::HitFormat kHits{1, BEND_FILTER != 0, int(LAYER_BITS), int(COORD_BITS), int(BEND_BITS),
                                   int(HIT_ID_BITS)};

// stage buffers for fill_event (static: too large for some stacks)
mask_t g_mask[N_A][N_B];
count_t g_count[N_A][N_B];
hitset_t g_list[N_A][N_B];
hit_lc g_hit_buf[MAX_HITS];
hit_id_t g_hit_ids[MAX_HITS];
long long g_exp_mask[N_A * N_B];
long long g_exp_count[N_A * N_B];

std::vector<hit_word> hit_words(const vec::File& f, const vec::Event& ev) {
    std::vector<hit_word> words;
    for (const vec::Record& r : ev.records) {
        const vec::Hit h = vec::hit(f, r, kHits);
        hit_word w;
        w.layer = h.layer;
        w.coord = h.coord[0];
        w.bend = h.bend;
        w.hit_id = h.hit_id;
        w.eoe = 0;
        words.push_back(w);
    }
    hit_word end;
    end.eoe = 1;  // the other fields stay 0
    words.push_back(end);
    return words;
}

// Stage 1: every cell's layer mask and hit count.
void check_masks(const std::vector<hit_word>& words, const vec::File& f, const vec::Event& ev, Checker& ck) {
    const long long event = ev.head[0];
    const long long n_cells = N_A * N_B;
    for (long long c = 0; c < n_cells; ++c) g_exp_mask[c] = g_exp_count[c] = 0;
    long long prev = -1;
    for (const vec::Record& r : ev.records) {
        const long long cell = r.v[0];
        if (cell < 0 || cell >= n_cells) vec::parse_fail(f.path, r.line, "cell outside the array");
        if (cell <= prev) vec::parse_fail(f.path, r.line, "cells not in increasing raster order");
        prev = cell;
        g_exp_mask[cell] = r.v[1];
        g_exp_count[cell] = r.v[2];
    }
    ft::stream<hit_word> in;
    for (const hit_word& w : words) in.write(w);
    fill_stats st;
    fill_event(in, g_mask, g_count, g_list, g_hit_buf, g_hit_ids, st);
    if (!in.empty()) ck.fail(event, "fill_event left input words unread");
    for (int i = 0; i < N_A; ++i) {
        for (int j = 0; j < N_B; ++j) {
            const long long c = (long long)i * N_B + j;
            const std::string where = "cell " + std::to_string(c) + " (column " + std::to_string(i) + ", bin " +
                                      std::to_string(j) + ")";
            ck.check(event, where + " layer mask", (long long)g_mask[i][j].to_uint64(), g_exp_mask[c]);
            ck.check(event, where + " hit count", (long long)g_count[i][j].to_uint64(), g_exp_count[c]);
        }
    }
}

// Stage 2: the kernel's output words against the tracks file.
void check_tracks(const std::vector<hit_word>& words, const vec::File& f, const vec::Event& ev, Checker& ck) {
    const long long event = ev.head[0];
    struct Track {
        long long column, bin, sub, mask;
        std::vector<long long> ids;
    };
    std::vector<Track> want;
    for (const vec::Record& r : ev.records) {
        if (r.v.size() < 5 || r.v[4] < 0 || r.v.size() != 5 + (size_t)r.v[4])
            vec::parse_fail(f.path, r.line, "expected 'T column bin sub layer_mask n hit_id...' with n ids");
        Track t{r.v[0], r.v[1], r.v[2], r.v[3], std::vector<long long>(r.v.begin() + 5, r.v.end())};
        want.push_back(t);
    }
    ft::stream<hit_word> in;
    ft::stream<cand_word> out;
    for (const hit_word& w : words) in.write(w);
    hough_top(in, out);
    if (!in.empty()) ck.fail(event, "hough_top left input words unread");
    std::vector<cand_word> got;
    while (!out.empty()) got.push_back(out.read());

    size_t p = 0, t = 0;
    bool eoe_seen = false;
    while (p < got.size()) {
        const cand_word w = got[p++];
        const int kind = w.kind.to_int();
        if (kind == WORD_KIND_EOE) {
            eoe_seen = true;
            break;
        }
        if (kind != WORD_KIND_TRACK) {
            ck.fail(event, "output word " + std::to_string(p - 1) + " of kind " + std::to_string(kind) +
                                   " where a candidate or end-of-event word was due");
            continue;
        }
        const std::string who = "candidate " + std::to_string(t);
        const long long n = w.n_hits.to_int64();
        std::vector<long long> ids;
        for (long long k = 0; k < n && p < got.size() && got[p].kind.to_int() == WORD_KIND_HIT; ++k)
            ids.push_back(got[p++].hit_id.to_int64());
        if ((long long)ids.size() != n)
            ck.fail(event, who + ": announced " + std::to_string(n) + " hit ids, " + std::to_string(ids.size()) +
                                   " followed");
        if (t >= want.size()) {
            ck.fail(event, who + ": extra candidate (column " + std::to_string(w.column.to_int64()) + ", bin " +
                                   std::to_string(w.bin.to_int64()) + ")");
            ++t;
            continue;
        }
        const Track& x = want[t++];
        ck.check(event, who + " column", w.column.to_int64(), x.column);
        ck.check(event, who + " bin", w.bin.to_int64(), x.bin);
        ck.check(event, who + " sub", w.sub.to_int64(), x.sub);
        ck.check(event, who + " layer mask", (long long)w.layer_mask.to_uint64(), x.mask);
        ck.check(event, who + " hit count", n, (long long)x.ids.size());
        for (size_t k = 0; k < x.ids.size() && k < ids.size(); ++k)
            ck.check(event, who + " hit id " + std::to_string(k), ids[k], x.ids[k]);
    }
    for (; t < want.size(); ++t) ck.fail(event, "candidate " + std::to_string(t) + ": missing");
    if (!eoe_seen) {
        ck.fail(event, "missing end-of-event word");
    } else {
        const cand_word& e = got[p - 1];
        ck.check(event, "end-of-event n", e.n.to_int64(), ev.head[1]);
        ck.check(event, "end-of-event n_hits_dropped", (long long)e.n_hits_dropped.to_uint64(), ev.head[2]);
        ck.check(event, "end-of-event n_candidates", (long long)e.n_candidates.to_uint64(), ev.head[3]);
        ck.check(event, "end-of-event n_fills_capped", (long long)e.n_fills_capped.to_uint64(), ev.head[4]);
        ck.check(event, "end-of-event n_list_overflows", (long long)e.n_list_overflows.to_uint64(), ev.head[5]);
    }
    if (p < got.size()) ck.fail(event, std::to_string(got.size() - p) + " extra words after the end-of-event word");
}

}  // namespace

int main(int argc, char** argv) {
    return ft::tb::run("hough", CONFIG_HASH, argc, argv, [](const vec::Folder& read, ft::tb::Tally& t) {
        const vec::File hits = read(vec::hits_stage(kHits));
        const vec::File masks = read({"masks", 'C', 3, 2});
        const vec::File trk = read({"tracks", 'T', -1, 6});
        vec::same_events({&hits, &masks, &trk});
        for (size_t e = 0; e < hits.events.size(); ++e) {
            const std::vector<hit_word> words = hit_words(hits, hits.events[e]);
            check_masks(words, masks, masks.events[e], t.ck);
            check_tracks(words, trk, trk.events[e], t.ck);
            ++t.events;
            t.tracks += (long long)trk.events[e].records.size();
        }
    });
}

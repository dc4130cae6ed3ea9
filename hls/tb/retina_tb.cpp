// C-simulation testbench of the retina kernel (hls/retina): bit-exact against the golden
// model's test vectors (src/fasttrack/hw/vectors.py, read by ft_vectors.h).
//
//   retina_tb <vector dir>
//
// Reads retina_hits.txt, retina_accumulator.txt, retina_maxima.txt, retina_tracks.txt,
// checks each header's config hash against retina::CONFIG_HASH, and for every event
//   1. streams the hits into accumulate_event and compares every accumulator cell (the
//      file lists the non-zero ones; absent cells are 0) and the dropped-hit count;
//   2. runs find_maxima on that map and compares the full maxima list;
//   3. streams the hits into retina_top and compares every track word and the
//      end-of-event word (n_tracks, n_hits_dropped, n_maxima, overflow flags);
// any missing or extra output word, or unread input, is a mismatch. Prints the first
// mismatches on stderr and the summary line of ft_testbench.h on stdout:
//
//   retina csim: events=<N> tracks=<T> mismatches=<M> bit_exact=<0|1>
//
// (T: track words the kernel wrote). Exit status 0 when bit-exact, 1 on mismatches,
// 2 on a usage or parse error (the summary line then says bit_exact=0).
#include <memory>
#include <string>
#include <vector>

#include "ft_testbench.h"
#include "ft_vectors.h"
#include "retina.h"

namespace {

using namespace retina;
using ft::tb::Checker;
namespace vec = ft::vectors;
using ft::tb::Fields;

const vec::HitFormat kHits{int(N_MEAS), BEND_FILTER != 0, int(LAYER_BITS), int(COORD_BITS),
                                   int(BEND_BITS), int(HIT_ID_BITS)};

/// The hit words of one event (input: out-of-range fields are parse errors, not wraps).
std::vector<hit_word> hit_words(const vec::File& vf, const vec::Event& ev) {
    if (static_cast<long long>(ev.records.size()) > MAX_EVENT_WORDS - 1)
        vec::parse_fail(vf.path, ev.line,
                                "more hits than the kernel's hit stream carries per event (MAX_EVENT_WORDS - 1)");
    std::vector<hit_word> out;
    for (const vec::Record& r : ev.records) {
        const vec::Hit h = vec::hit(vf, r, kHits);
        hit_word w;
        w.layer = h.layer;
        for (int m = 0; m < N_MEAS; ++m) w.coord[m] = h.coord[m];
        w.bend = h.bend;
        w.hit_id = h.hit_id;
        w.end = false;
        out.push_back(w);
    }
    return out;
}

hit_word end_word() {
    hit_word w;
    w.layer = 0;
    for (int m = 0; m < N_MEAS; ++m) w.coord[m] = 0;
    w.bend = 0;
    w.hit_id = 0;
    w.end = true;
    return w;
}

void feed(ft::stream<hit_word>& s, const std::vector<hit_word>& hits) {
    for (const hit_word& w : hits) s.write(w);
    s.write(end_word());
}

/// The kernel's output of one event and what the vector files expect of it.
struct EventCheck {
    long long event;
    const std::vector<hit_word>& hits;
    const vec::Event& acc_ev;
    const vec::Event& max_ev;
    const vec::Event& trk_ev;
};

/// Stage 1: accumulate_event; every cell of the map and the dropped-hit count.
void check_accumulator(Checker& ck, const EventCheck& ec, acc_t acc[N_A][N_B]) {
    ft::stream<hit_word> s;
    feed(s, ec.hits);
    drop_count_t dropped;
    accumulate_event(s, acc, dropped);
    if (!s.empty()) {
        ck.fail(ec.event, "accumulate_event left input words unread");
        while (!s.empty()) s.read();
    }
    ck.word(ec.event, "accumulate_event n_hits_dropped", {dropped.to_int64()}, {ec.trk_ev.head[2]});
    std::vector<long long> want(static_cast<size_t>(N_CELLS), 0);
    std::vector<bool> seen(static_cast<size_t>(N_CELLS), false);
    for (const vec::Record& r : ec.acc_ev.records) {
        const long long c = r.v[0];
        if (c < 0 || c >= N_CELLS || seen[static_cast<size_t>(c)]) {
            ck.fail(ec.event, "accumulator record out of the grid or repeated (cell acc)", {}, r.v);
            continue;
        }
        seen[static_cast<size_t>(c)] = true;
        want[static_cast<size_t>(c)] = r.v[1];
    }
    for (long long c = 0; c < N_CELLS; ++c) {
        const long long got = acc[c / N_B][c % N_B].to_int64();
        if (got != want[static_cast<size_t>(c)])
            ck.fail(ec.event, "accumulator cell " + std::to_string(c) + " (i j acc)", {c / N_B, c % N_B, got},
                    {c / N_B, c % N_B, want[static_cast<size_t>(c)]});
    }
}

/// Stage 2: find_maxima on the kernel's map; the full list (before MAX_TRACKS).
void check_maxima(Checker& ck, const EventCheck& ec, const acc_t acc[N_A][N_B], row_mask_t maxima[N_A],
                  acc_t acc_banked[N_A][N_B]) {
    event_stats stats;
    find_maxima(acc, drop_count_t(0), maxima, acc_banked, stats);
    std::vector<Fields> got, want;
    for (int i = 0; i < N_A; ++i)
        for (int j = 0; j < N_B; ++j)
            if (maxima[i][j]) got.push_back({i, j, acc[i][j].to_int64()});
    for (const vec::Record& r : ec.max_ev.records) want.push_back(r.v);
    ck.words(ec.event, "maximum (i j acc)", got, want);
    ck.word(ec.event, "find_maxima n_maxima", {stats.n_maxima.to_int64()}, {ec.trk_ev.head[3]});
    for (int i = 0; i < N_A; ++i)
        for (int j = 0; j < N_B; ++j)
            if (acc_banked[i][j] != acc[i][j])
                ck.fail(ec.event, "find_maxima copy of cell (i j acc)", {i, j, acc_banked[i][j].to_int64()},
                        {i, j, acc[i][j].to_int64()});
}

/// The kernel: every track word and the end-of-event word; returns the track words written.
long long check_top(Checker& ck, const EventCheck& ec) {
    ft::stream<hit_word> s;
    ft::stream<track_word> out;
    feed(s, ec.hits);
    retina_top(s, out);
    if (!s.empty()) {
        ck.fail(ec.event, "retina_top left input words unread");
        while (!s.empty()) s.read();
    }
    std::vector<track_word> words;  // everything the kernel wrote
    while (!out.empty()) words.push_back(out.read());
    size_t end_at = 0;
    while (end_at < words.size() && !words[end_at].end) ++end_at;
    std::vector<Fields> got, want;
    for (size_t k = 0; k < end_at; ++k) {
        const track_word& w = words[k];
        got.push_back({w.cell_a.to_int64(), w.cell_b.to_int64(), w.off_a.to_int64(), w.off_b.to_int64(),
                       w.quality.to_int64()});
    }
    for (const vec::Record& r : ec.trk_ev.records) want.push_back(r.v);
    ck.words(ec.event, "track (i j off_a off_b quality)", got, want);
    // the end word: n_tracks n_hits_dropped n_maxima hit_overflow track_overflow
    const long long n = ec.trk_ev.head[1], dropped = ec.trk_ev.head[2], n_maxima = ec.trk_ev.head[3];
    const Fields want_end = {n, dropped, n_maxima, dropped > 0, n_maxima > n};
    const std::string what = "end word (n_tracks n_hits_dropped n_maxima hit_overflow track_overflow)";
    if (end_at == words.size()) {
        ck.fail(ec.event, "missing " + what, {}, want_end);
        return static_cast<long long>(got.size());
    }
    const track_word& w = words[end_at];
    ck.word(ec.event, what,
            {w.n_tracks.to_int64(), w.n_hits_dropped.to_int64(), w.n_maxima.to_int64(), w.hit_overflow,
             w.track_overflow},
            want_end);
    if (w.n_tracks.to_int64() != static_cast<long long>(end_at))
        ck.fail(ec.event, "end word n_tracks vs track words written", {w.n_tracks.to_int64()},
                {static_cast<long long>(end_at)});
    for (size_t k = end_at + 1; k < words.size(); ++k)
        ck.fail(ec.event, "extra word after the end-of-event word (end)", {words[k].end}, {});
    return static_cast<long long>(got.size());
}

}  // namespace

int main(int argc, char** argv) {
    return ft::tb::run("retina", CONFIG_HASH, argc, argv, [](const vec::Folder& read, ft::tb::Tally& t) {
        const vec::File hits = read(vec::hits_stage(kHits));
        const vec::File accs = read({"accumulator", 'A', 2, 2});
        const vec::File maxs = read({"maxima", 'M', 3, 2});
        const vec::File trks = read({"tracks", 'T', 5, 4});
        vec::same_events({&hits, &accs, &maxs, &trks});

        // the maps live on the heap: a few 10k-cell arrays are too much for some stacks
        auto acc = std::make_unique<acc_t[][N_B]>(N_A);
        auto acc_banked = std::make_unique<acc_t[][N_B]>(N_A);
        auto maxima = std::make_unique<row_mask_t[]>(N_A);

        for (size_t e = 0; e < hits.events.size(); ++e) {
            const std::vector<hit_word> in = hit_words(hits, hits.events[e]);
            const EventCheck ec{hits.events[e].head[0], in, accs.events[e], maxs.events[e], trks.events[e]};
            check_accumulator(t.ck, ec, acc.get());
            check_maxima(t.ck, ec, acc.get(), maxima.get(), acc_banked.get());
            t.tracks += check_top(t.ck, ec);
            ++t.events;
        }
    });
}

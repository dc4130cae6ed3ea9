// C-simulation testbench of the Hough kernel (hls/hough): bit-exact against the golden model.
//
//   hough_tb <vector-folder>
//
// Reads hough_hits.txt, hough_masks.txt and hough_tracks.txt (fasttrack.vectors), refuses
// files of another config (header '# config <name> <hash>' against hough::CONFIG_HASH),
// and for every event
//   1. runs fill_event() and compares the layer mask and hit count of EVERY cell (cells
//      absent from hough_masks.txt must be 0);
//   2. runs hough_top() and compares every output word: each candidate (column, bin, sub,
//      layer mask, hit count, hit ids) in order, and the end-of-event word (n,
//      n_hits_dropped, n_candidates, n_fills_capped, n_list_overflows); a missing or an
//      extra word, or a word after the end-of-event word, is a mismatch.
// Prints the first mismatches, then one summary line
//   hough csim: events=<N> tracks=<T> mismatches=<M> bit_exact=<0|1>
// and exits 0 only when every word matched (1 on mismatch, 2 on a parse error).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "hough.h"

namespace {

using namespace hough;

struct Record {
    std::string tag;
    std::vector<long long> v;
    int line;
};

struct Event {
    std::vector<long long> head;  // the E line's numbers
    std::vector<Record> records;
    int line;
};

struct VecFile {
    std::string path;
    std::vector<Event> events;
};

struct ParseError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& path, int line, const std::string& msg) {
    throw ParseError(path + ":" + std::to_string(line) + ": " + msg);
}

// One stage file: header checks, then E lines each followed by exactly n records.
VecFile read_file(const std::string& dir, const std::string& stage) {
    VecFile f;
    f.path = dir + "/hough_" + stage + ".txt";
    std::ifstream in(f.path);
    if (!in) throw ParseError(f.path + ": cannot open");
    bool fmt = false, kind = false, stg = false, cfg = false;
    long long remaining = 0;
    std::string text;
    int n = 0;
    while (std::getline(in, text)) {
        ++n;
        if (text.empty()) continue;
        std::istringstream ss(text);
        std::string tag;
        if (!(ss >> tag)) continue;
        if (tag[0] == '#') {
            std::string key = tag.size() > 1 ? tag.substr(1) : "";
            if (key.empty()) ss >> key;
            std::string a, b;
            ss >> a >> b;
            if (key == "fasttrack-vectors") {
                if (a != "1") fail(f.path, n, "vector format " + a + ", this testbench reads format 1");
                fmt = true;
            } else if (key == "kind") {
                if (a != "hough") fail(f.path, n, "kind '" + a + "', expected 'hough'");
                kind = true;
            } else if (key == "stage") {
                if (a != stage) fail(f.path, n, "stage '" + a + "', expected '" + stage + "'");
                stg = true;
            } else if (key == "config") {
                if (b != CONFIG_HASH)
                    fail(f.path, n, "config '" + a + "' hash " + b + " differs from the kernel's " + CONFIG_HASH +
                                        " (regenerate the headers or the vectors)");
                cfg = true;
            }
            continue;
        }
        Record r;
        r.tag = tag;
        r.line = n;
        long long x;
        while (ss >> x) r.v.push_back(x);
        if (!ss.eof()) fail(f.path, n, "non-integer field in '" + text + "'");
        if (tag == "E") {
            if (remaining)
                fail(f.path, n, "event starts with " + std::to_string(remaining) +
                                    " records of the previous one missing");
            if (r.v.size() < 2 || r.v[1] < 0) fail(f.path, n, "an E line needs <event> <n> with n >= 0");
            if (!fmt || !kind || !stg || !cfg)
                fail(f.path, n, "data before the full header (fasttrack-vectors, kind, stage, config)");
            Event e;
            e.head = r.v;
            e.line = n;
            f.events.push_back(e);
            remaining = r.v[1];
        } else {
            if (f.events.empty()) fail(f.path, n, "record before the first E line");
            if (remaining == 0) fail(f.path, n, "more records than the E line announced");
            f.events.back().records.push_back(r);
            --remaining;
        }
    }
    if (remaining) fail(f.path, n, "the last event misses " + std::to_string(remaining) + " records");
    if (!fmt || !cfg) fail(f.path, n, "header lacks '# fasttrack-vectors 1' or '# config <name> <hash>'");
    return f;
}

bool fits_signed(long long v, int w) { return v >= -(1LL << (w - 1)) && v <= (1LL << (w - 1)) - 1; }
bool fits_unsigned(long long v, int w) { return v >= 0 && v <= (1LL << w) - 1; }

// The scoreboard: counts mismatches, prints the first few.
struct Score {
    long long mismatches = 0;
    int printed = 0;
    void mismatch(long long event, const std::string& what) {
        ++mismatches;
        if (printed < 20) {
            std::fprintf(stderr, "MISMATCH event %lld: %s\n", event, what.c_str());
            ++printed;
        } else if (printed == 20) {
            std::fprintf(stderr, "... further mismatches not shown\n");
            ++printed;
        }
    }
    void check(long long event, const std::string& what, long long got, long long want) {
        if (got != want) mismatch(event, what + ": got " + std::to_string(got) + ", expected " + std::to_string(want));
    }
};

// stage buffers for fill_event (static: too large for some stacks)
mask_t g_mask[N_A][N_B];
count_t g_count[N_A][N_B];
hitset_t g_list[N_A][N_B];
hit_lc g_hit_buf[MAX_HITS];
hit_id_t g_hit_ids[MAX_HITS];
long long g_exp_mask[N_A * N_B];
long long g_exp_count[N_A * N_B];

std::vector<hit_word> hit_words(const VecFile& f, const Event& ev) {
    std::vector<hit_word> words;
    const size_t nf = BEND_FILTER ? 4 : 3;
    for (const Record& r : ev.records) {
        if (r.tag != "H" || r.v.size() != nf)
            fail(f.path, r.line,
                 BEND_FILTER ? "expected 'H layer coord bend hit_id'" : "expected 'H layer coord hit_id'");
        const long long layer = r.v[0], coord = r.v[1], bend = BEND_FILTER ? r.v[2] : 0, id = r.v[nf - 1];
        if (!fits_unsigned(layer, LAYER_BITS)) fail(f.path, r.line, "layer does not fit LAYER_BITS");
        if (!fits_signed(coord, COORD_BITS)) fail(f.path, r.line, "coordinate does not fit COORD_BITS");
        if (!fits_signed(bend, BEND_BITS)) fail(f.path, r.line, "bend does not fit BEND_BITS");
        if (!fits_unsigned(id, HIT_ID_BITS)) fail(f.path, r.line, "hit id does not fit HIT_ID_BITS");
        hit_word w;
        w.layer = layer;
        w.coord = coord;
        w.bend = bend;
        w.hit_id = id;
        w.eoe = 0;
        words.push_back(w);
    }
    hit_word end;
    end.layer = 0;
    end.coord = 0;
    end.bend = 0;
    end.hit_id = 0;
    end.eoe = 1;
    words.push_back(end);
    return words;
}

// Stage 1: every cell's layer mask and hit count.
void check_masks(const std::vector<hit_word>& words, const VecFile& f, const Event& ev, Score& sc) {
    const long long event = ev.head[0];
    const long long n_cells = N_A * N_B;
    for (long long c = 0; c < n_cells; ++c) g_exp_mask[c] = g_exp_count[c] = 0;
    long long prev = -1;
    for (const Record& r : ev.records) {
        if (r.tag != "C" || r.v.size() != 3) fail(f.path, r.line, "expected 'C cell layer_mask n_hits'");
        const long long cell = r.v[0];
        if (cell < 0 || cell >= n_cells) fail(f.path, r.line, "cell outside the array");
        if (cell <= prev) fail(f.path, r.line, "cells not in increasing raster order");
        prev = cell;
        g_exp_mask[cell] = r.v[1];
        g_exp_count[cell] = r.v[2];
    }
    ft::stream<hit_word> in;
    for (const hit_word& w : words) in.write(w);
    fill_stats st;
    fill_event(in, g_mask, g_count, g_list, g_hit_buf, g_hit_ids, st);
    if (!in.empty()) sc.mismatch(event, "fill_event left input words unread");
    for (int i = 0; i < N_A; ++i) {
        for (int j = 0; j < N_B; ++j) {
            const long long c = (long long)i * N_B + j;
            const std::string where = "cell " + std::to_string(c) + " (column " + std::to_string(i) + ", bin " +
                                      std::to_string(j) + ")";
            sc.check(event, where + " layer mask", (long long)g_mask[i][j].to_uint64(), g_exp_mask[c]);
            sc.check(event, where + " hit count", (long long)g_count[i][j].to_uint64(), g_exp_count[c]);
        }
    }
}

// Stage 2: the kernel's output words against the tracks file.
void check_tracks(const std::vector<hit_word>& words, const VecFile& f, const Event& ev, Score& sc) {
    const long long event = ev.head[0];
    if (ev.head.size() != 6)
        fail(f.path, ev.line, "expected 'E event n n_hits_dropped n_candidates n_fills_capped n_list_overflows'");
    struct Track {
        long long column, bin, sub, mask;
        std::vector<long long> ids;
    };
    std::vector<Track> want;
    for (const Record& r : ev.records) {
        if (r.tag != "T" || r.v.size() < 5 || r.v[4] < 0 || r.v.size() != 5 + (size_t)r.v[4])
            fail(f.path, r.line, "expected 'T column bin sub layer_mask n hit_id...' with n ids");
        Track t{r.v[0], r.v[1], r.v[2], r.v[3], std::vector<long long>(r.v.begin() + 5, r.v.end())};
        want.push_back(t);
    }
    ft::stream<hit_word> in;
    ft::stream<cand_word> out;
    for (const hit_word& w : words) in.write(w);
    hough_top(in, out);
    if (!in.empty()) sc.mismatch(event, "hough_top left input words unread");
    std::vector<cand_word> got;
    while (!out.empty()) got.push_back(out.read());

    size_t p = 0, t = 0;
    bool eoe_seen = false;
    while (p < got.size()) {
        const cand_word w = got[p++];
        const int kind = w.kind.to_int();
        if (kind == KIND_EOE) {
            eoe_seen = true;
            break;
        }
        if (kind != KIND_TRACK) {
            sc.mismatch(event, "output word " + std::to_string(p - 1) + " of kind " + std::to_string(kind) +
                                   " where a candidate or end-of-event word was due");
            continue;
        }
        const std::string who = "candidate " + std::to_string(t);
        const long long n = w.n_hits.to_int64();
        std::vector<long long> ids;
        for (long long k = 0; k < n && p < got.size() && got[p].kind.to_int() == KIND_HIT; ++k)
            ids.push_back(got[p++].hit_id.to_int64());
        if ((long long)ids.size() != n)
            sc.mismatch(event, who + ": announced " + std::to_string(n) + " hit ids, " + std::to_string(ids.size()) +
                                   " followed");
        if (t >= want.size()) {
            sc.mismatch(event, who + ": extra candidate (column " + std::to_string(w.column.to_int64()) + ", bin " +
                                   std::to_string(w.bin.to_int64()) + ")");
            ++t;
            continue;
        }
        const Track& x = want[t++];
        sc.check(event, who + " column", w.column.to_int64(), x.column);
        sc.check(event, who + " bin", w.bin.to_int64(), x.bin);
        sc.check(event, who + " sub", w.sub.to_int64(), x.sub);
        sc.check(event, who + " layer mask", (long long)w.layer_mask.to_uint64(), x.mask);
        sc.check(event, who + " hit count", n, (long long)x.ids.size());
        for (size_t k = 0; k < x.ids.size() && k < ids.size(); ++k)
            sc.check(event, who + " hit id " + std::to_string(k), ids[k], x.ids[k]);
    }
    for (; t < want.size(); ++t) sc.mismatch(event, "candidate " + std::to_string(t) + ": missing");
    if (!eoe_seen) {
        sc.mismatch(event, "missing end-of-event word");
    } else {
        const cand_word& e = got[p - 1];
        sc.check(event, "end-of-event n", e.n.to_int64(), ev.head[1]);
        sc.check(event, "end-of-event n_hits_dropped", (long long)e.n_hits_dropped.to_uint64(), ev.head[2]);
        sc.check(event, "end-of-event n_candidates", (long long)e.n_candidates.to_uint64(), ev.head[3]);
        sc.check(event, "end-of-event n_fills_capped", (long long)e.n_fills_capped.to_uint64(), ev.head[4]);
        sc.check(event, "end-of-event n_list_overflows", (long long)e.n_list_overflows.to_uint64(), ev.head[5]);
    }
    if (p < got.size()) sc.mismatch(event, std::to_string(got.size() - p) + " extra words after the end-of-event word");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <vector-folder with hough_hits.txt, hough_masks.txt, hough_tracks.txt>\n",
                     argv[0]);
        return 2;
    }
    const auto t0 = std::chrono::steady_clock::now();
    Score sc;
    long long events = 0, tracks = 0;
    try {
        const std::string dir = argv[1];
        const VecFile hits = read_file(dir, "hits");
        const VecFile masks = read_file(dir, "masks");
        const VecFile trk = read_file(dir, "tracks");
        if (masks.events.size() != hits.events.size() || trk.events.size() != hits.events.size())
            throw ParseError(dir + ": the stage files hold " + std::to_string(hits.events.size()) + ", " +
                             std::to_string(masks.events.size()) + " and " + std::to_string(trk.events.size()) +
                             " events");
        for (size_t e = 0; e < hits.events.size(); ++e) {
            const Event& eh = hits.events[e];
            if (masks.events[e].head[0] != eh.head[0] || trk.events[e].head[0] != eh.head[0])
                fail(trk.path, trk.events[e].line, "event numbers of the stage files differ");
            const std::vector<hit_word> words = hit_words(hits, eh);
            check_masks(words, masks, masks.events[e], sc);
            check_tracks(words, trk, trk.events[e], sc);
            ++events;
            tracks += (long long)trk.events[e].records.size();
        }
    } catch (const ParseError& err) {
        std::fprintf(stderr, "hough csim: error: %s\n", err.what());
        std::printf("hough csim: events=%lld tracks=%lld mismatches=%lld bit_exact=0\n", events, tracks,
                    sc.mismatches);
        return 2;
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("hough csim: config %s, %lld events in %.3f s\n", CONFIG_HASH, events, secs);
    std::printf("hough csim: events=%lld tracks=%lld mismatches=%lld bit_exact=%d\n", events, tracks, sc.mismatches,
                sc.mismatches == 0 ? 1 : 0);
    return sc.mismatches == 0 ? 0 : 1;
}

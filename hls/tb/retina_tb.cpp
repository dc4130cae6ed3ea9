// C-simulation testbench of the retina kernel (hls/retina): bit-exact against the golden
// model's test vectors (src/fasttrack/vectors.py).
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
// mismatches on stderr and exactly one summary line on stdout:
//
//   retina csim: events=<N> tracks=<T> mismatches=<M> bit_exact=<0|1>
//
// (T: track words the kernel wrote). Exit status 0 when bit-exact, 1 on mismatches,
// 2 on a usage or parse error (the summary line then says bit_exact=0).
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "retina.h"

namespace {

using namespace retina;

// ---------------------------------------------------------------------------------------
// vector files
// ---------------------------------------------------------------------------------------
struct Record {
    char tag;
    std::vector<long long> v;
    int line;
};

struct Event {
    std::vector<long long> e;  // the E line's numbers: event, n, stage values...
    std::vector<Record> records;
    int line;
};

struct VectorFile {
    std::string path;
    std::map<std::string, std::vector<std::string>> header;
    std::vector<Event> events;
};

[[noreturn]] void parse_fail(const std::string& path, int line, const std::string& msg) {
    std::ostringstream s;
    s << path << ":" << line << ": " << msg;
    throw std::runtime_error(s.str());
}

/// Parse a vector file: headers, then E lines each followed by exactly n records of
/// `tag` with `n_values` integers; `e_values`: numbers on each E line.
VectorFile read_vectors(const std::string& dir, const std::string& stage, char tag, size_t n_values,
                        size_t e_values) {
    VectorFile vf;
    vf.path = dir + "/retina_" + stage + ".txt";
    std::ifstream in(vf.path);
    if (!in) throw std::runtime_error("cannot open " + vf.path);
    std::string text;
    long long remaining = 0;
    int n = 0;
    while (std::getline(in, text)) {
        ++n;
        if (text.empty()) continue;
        if (text[0] == '#') {
            std::istringstream s(text.substr(1));
            std::string key, word;
            if (!(s >> key)) continue;
            std::vector<std::string> words;
            while (s >> word) words.push_back(word);
            vf.header[key] = words;
            continue;
        }
        const char* p = text.c_str();
        const char t = *p++;
        if (*p != ' ' && *p != '\0') parse_fail(vf.path, n, "a record tag is one letter: '" + text + "'");
        std::vector<long long> nums;
        while (*p) {
            while (*p == ' ') ++p;
            if (!*p) break;
            char* after = nullptr;
            errno = 0;
            const long long v = std::strtoll(p, &after, 10);
            if (after == p || errno != 0 || (*after != ' ' && *after != '\0'))
                parse_fail(vf.path, n, "non-integer field in '" + text + "'");
            nums.push_back(v);
            p = after;
        }
        if (t == 'E') {
            if (remaining) parse_fail(vf.path, n, "event starts with " + std::to_string(remaining) + " records of the previous one missing");
            if (nums.size() != e_values || nums[1] < 0)
                parse_fail(vf.path, n, "an E line here needs " + std::to_string(e_values) + " numbers with n >= 0");
            vf.events.push_back(Event{nums, {}, n});
            remaining = nums[1];
        } else {
            if (t != tag) parse_fail(vf.path, n, std::string("unexpected record '") + t + "' (want '" + tag + "')");
            if (vf.events.empty()) parse_fail(vf.path, n, "record before the first E line");
            if (remaining == 0) parse_fail(vf.path, n, "more records than the E line announced");
            if (nums.size() != n_values)
                parse_fail(vf.path, n, std::string("a '") + tag + "' record needs " + std::to_string(n_values) + " numbers");
            vf.events.back().records.push_back(Record{t, nums, n});
            --remaining;
        }
    }
    if (remaining) parse_fail(vf.path, vf.events.back().line, "the last event misses records");
    auto field = [&](const char* key) -> std::vector<std::string> {
        auto it = vf.header.find(key);
        return it == vf.header.end() ? std::vector<std::string>{} : it->second;
    };
    if (field("fasttrack-vectors") != std::vector<std::string>{"1"}) parse_fail(vf.path, 1, "not a fasttrack vector file of format 1");
    if (field("kind") != std::vector<std::string>{"retina"}) parse_fail(vf.path, 1, "not a retina vector file");
    if (field("stage") != std::vector<std::string>{stage}) parse_fail(vf.path, 1, "not the '" + stage + "' stage");
    const auto cfg = field("config");
    if (cfg.size() != 2) parse_fail(vf.path, 1, "the header lacks '# config <name> <hash>'");
    if (cfg[1] != CONFIG_HASH)
        parse_fail(vf.path, 1, "config hash " + cfg[1] + " (" + cfg[0] + ") differs from the kernel's " + CONFIG_HASH +
                                   ": regenerate the headers or the vectors");
    return vf;
}

bool fits_signed(long long v, int bits) { return v >= -(1LL << (bits - 1)) && v < (1LL << (bits - 1)); }
bool fits_unsigned(long long v, int bits) { return v >= 0 && v < (1LL << bits); }

/// The hit words of one event (input: out-of-range fields are parse errors, not wraps).
std::vector<hit_word> hit_words(const VectorFile& vf, const Event& ev) {
    if (static_cast<long long>(ev.records.size()) > MAX_EVENT_WORDS - 1)
        parse_fail(vf.path, ev.line, "more hits than the kernel's hit stream carries per event (MAX_EVENT_WORDS - 1)");
    std::vector<hit_word> out;
    for (const Record& r : ev.records) {
        size_t k = 0;
        hit_word w;
        const long long layer = r.v[k++];
        if (!fits_unsigned(layer, LAYER_BITS)) parse_fail(vf.path, r.line, "layer does not fit LAYER_BITS");
        w.layer = layer;
        for (int m = 0; m < N_MEAS; ++m) {
            const long long c = r.v[k++];
            if (!fits_signed(c, COORD_BITS)) parse_fail(vf.path, r.line, "coordinate does not fit COORD_BITS");
            w.coord[m] = c;
        }
        w.bend = 0;
        if (BEND_FILTER) {
            const long long b = r.v[k++];
            if (!fits_signed(b, BEND_BITS)) parse_fail(vf.path, r.line, "bend does not fit BEND_BITS");
            w.bend = b;
        }
        const long long id = r.v[k++];
        if (!fits_unsigned(id, HIT_ID_BITS)) parse_fail(vf.path, r.line, "hit id does not fit HIT_ID_BITS");
        w.hit_id = id;
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

// ---------------------------------------------------------------------------------------
// comparison: one mismatch per differing, missing or extra word
// ---------------------------------------------------------------------------------------
typedef std::vector<long long> Fields;

std::string show(const Fields& f) {
    if (f.empty()) return "none";
    std::string out = "(";
    for (size_t k = 0; k < f.size(); ++k) out += (k ? " " : "") + std::to_string(f[k]);
    return out + ")";
}

struct Checker {
    long long mismatches = 0;
    static constexpr long long show_max = 20;

    /// A differing word: `got` or `want` empty for an extra or a missing word.
    void fail(long long event, const std::string& what, const Fields& got, const Fields& want) {
        if (mismatches < show_max)
            std::fprintf(stderr, "event %lld %s: kernel %s, expected %s\n", event, what.c_str(), show(got).c_str(),
                         show(want).c_str());
        else if (mismatches == show_max)
            std::fprintf(stderr, "(further mismatches not shown)\n");
        ++mismatches;
    }
    void word(long long event, const std::string& what, const Fields& got, const Fields& want) {
        if (got != want) fail(event, what, got, want);
    }
    /// Two lists of words, element by element; the longer one's tail is extra/missing.
    void words(long long event, const std::string& what, const std::vector<Fields>& got,
               const std::vector<Fields>& want) {
        for (size_t k = 0; k < got.size() || k < want.size(); ++k) {
            const std::string at = what + " #" + std::to_string(k);
            if (k >= want.size()) fail(event, "extra " + at, got[k], {});
            else if (k >= got.size()) fail(event, "missing " + at, {}, want[k]);
            else word(event, at, got[k], want[k]);
        }
    }
};

/// The kernel's output of one event and what the vector files expect of it.
struct EventCheck {
    long long event;
    const std::vector<hit_word>& hits;
    const Event& acc_ev;
    const Event& max_ev;
    const Event& trk_ev;
};

long long n_tracks_seen = 0;

/// Stage 1: accumulate_event; every cell of the map and the dropped-hit count.
void check_accumulator(Checker& ck, const EventCheck& ec, acc_t acc[N_A][N_B]) {
    ft::stream<hit_word> s;
    feed(s, ec.hits);
    drop_count_t dropped;
    accumulate_event(s, acc, dropped);
    if (!s.empty()) {
        ck.fail(ec.event, "accumulate_event left input words unread", {}, {});
        while (!s.empty()) s.read();
    }
    ck.word(ec.event, "accumulate_event n_hits_dropped", {dropped.to_int64()}, {ec.trk_ev.e[2]});
    std::vector<long long> want(static_cast<size_t>(N_CELLS), 0);
    std::vector<bool> seen(static_cast<size_t>(N_CELLS), false);
    for (const Record& r : ec.acc_ev.records) {
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
    for (const Record& r : ec.max_ev.records) want.push_back(r.v);
    ck.words(ec.event, "maximum (i j acc)", got, want);
    ck.word(ec.event, "find_maxima n_maxima", {stats.n_maxima.to_int64()}, {ec.trk_ev.e[3]});
    for (int i = 0; i < N_A; ++i)
        for (int j = 0; j < N_B; ++j)
            if (acc_banked[i][j] != acc[i][j])
                ck.fail(ec.event, "find_maxima copy of cell (i j acc)", {i, j, acc_banked[i][j].to_int64()},
                        {i, j, acc[i][j].to_int64()});
}

/// The kernel: every track word and the end-of-event word.
void check_top(Checker& ck, const EventCheck& ec) {
    ft::stream<hit_word> s;
    ft::stream<track_word> out;
    feed(s, ec.hits);
    retina_top(s, out);
    if (!s.empty()) {
        ck.fail(ec.event, "retina_top left input words unread", {}, {});
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
    n_tracks_seen += static_cast<long long>(got.size());
    for (const Record& r : ec.trk_ev.records) want.push_back(r.v);
    ck.words(ec.event, "track (i j off_a off_b quality)", got, want);
    // the end word: n_tracks n_hits_dropped n_maxima hit_overflow track_overflow
    const long long n = ec.trk_ev.e[1], dropped = ec.trk_ev.e[2], n_maxima = ec.trk_ev.e[3];
    const Fields want_end = {n, dropped, n_maxima, dropped > 0, n_maxima > n};
    const std::string what = "end word (n_tracks n_hits_dropped n_maxima hit_overflow track_overflow)";
    if (end_at == words.size()) {
        ck.fail(ec.event, "missing " + what, {}, want_end);
        return;
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
}

}  // namespace

int main(int argc, char** argv) {
    long long n_events = 0;
    Checker ck;
    try {
        if (argc != 2) throw std::runtime_error(std::string("usage: ") + argv[0] + " <vector dir>");
        const std::string dir = argv[1];
        const size_t hit_values = 1 + N_MEAS + (BEND_FILTER ? 1 : 0) + 1;
        const VectorFile hits = read_vectors(dir, "hits", 'H', hit_values, 2);
        const VectorFile accs = read_vectors(dir, "accumulator", 'A', 2, 2);
        const VectorFile maxs = read_vectors(dir, "maxima", 'M', 3, 2);
        const VectorFile trks = read_vectors(dir, "tracks", 'T', 5, 4);
        const size_t n = hits.events.size();
        if (accs.events.size() != n || maxs.events.size() != n || trks.events.size() != n)
            throw std::runtime_error("the four vector files hold different numbers of events");

        // the maps live on the heap: a few 10k-cell arrays are too much for some stacks
        auto acc = std::make_unique<acc_t[][N_B]>(N_A);
        auto acc_banked = std::make_unique<acc_t[][N_B]>(N_A);
        auto maxima = std::make_unique<row_mask_t[]>(N_A);

        for (size_t e = 0; e < n; ++e) {
            const long long ev = hits.events[e].e[0];
            if (accs.events[e].e[0] != ev || maxs.events[e].e[0] != ev || trks.events[e].e[0] != ev)
                throw std::runtime_error("event " + std::to_string(ev) + ": the vector files disagree on event numbers");
            const std::vector<hit_word> in = hit_words(hits, hits.events[e]);
            const EventCheck ec{ev, in, accs.events[e], maxs.events[e], trks.events[e]};
            check_accumulator(ck, ec, acc.get());
            check_maxima(ck, ec, acc.get(), maxima.get(), acc_banked.get());
            check_top(ck, ec);
            ++n_events;
        }
    } catch (const std::exception& err) {
        std::fprintf(stderr, "retina csim: error: %s\n", err.what());
        std::printf("retina csim: events=%lld tracks=%lld mismatches=%lld bit_exact=0\n", n_events, n_tracks_seen,
                    ck.mismatches);
        return 2;
    }
    const bool exact = ck.mismatches == 0;
    std::printf("retina csim: events=%lld tracks=%lld mismatches=%lld bit_exact=%d\n", n_events, n_tracks_seen,
                ck.mismatches, exact ? 1 : 0);
    return exact ? 0 : 1;
}

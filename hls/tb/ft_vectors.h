// fasttrack test vectors for the C-simulation testbenches: the one C++ reader of the vector
// file format written by fasttrack.hw.vectors (format, header and records documented there).
//
//   # fasttrack-vectors 1          format
//   # kind <algorithm>             checked against the testbench's kernel
//   # stage <stage>                checked against the file the testbench asked for
//   # config <name> <hash>         checked against the kernel's generated CONFIG_HASH
//   E <event> <n> [values...]      an event: n records follow
//   <T> <integer>...               a record, one-letter tag T
//
// Every violation (a file that cannot be opened, a header that is missing or names another
// kind, stage or config, a non-integer field, a wrong tag, record length or record count)
// throws ParseError naming the file and line; ft_testbench.h turns it into exit status 2
// and a summary line with bit_exact=0.
#ifndef FASTTRACK_FT_VECTORS_H
#define FASTTRACK_FT_VECTORS_H

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ft {
namespace vectors {

constexpr const char FORMAT[] = "1";  // fasttrack.hw.vectors.FORMAT

/// A malformed or mismatched vector file (or a testbench's refusal of its contents).
struct ParseError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// One record line: its tag, its integers, its line number.
struct Record {
    char tag;
    std::vector<long long> v;
    int line;
};

/// One event: the E line's numbers (event, n, stage values...) and its n records.
struct Event {
    std::vector<long long> head;
    std::vector<Record> records;
    int line;
};

/// A parsed stage file.
struct File {
    std::string path;
    std::map<std::string, std::vector<std::string>> header;
    std::vector<Event> events;
};

/// What a stage file must hold; `values` < 0: any number of integers per record (the
/// testbench checks them), `head_values` < 0: at least <event> <n> on each E line.
struct Stage {
    const char* name;  // file <kind>_<name>.txt, header '# stage <name>'
    char tag;          // the records' tag
    int values;        // integers per record
    int head_values;   // integers per E line
};

[[noreturn]] inline void parse_fail(const std::string& path, int line, const std::string& msg) {
    throw ParseError(path + ":" + std::to_string(line) + ": " + msg);
}

/// Integers of a record line after its tag (strict: "12x" or "1e3" is an error).
inline std::vector<long long> integers(const std::string& path, int line, const std::string& text, size_t from) {
    std::vector<long long> nums;
    const char* p = text.c_str() + from;
    while (*p) {
        while (*p == ' ') ++p;
        if (!*p) break;
        char* after = nullptr;
        errno = 0;
        const long long v = std::strtoll(p, &after, 10);
        if (after == p || errno != 0 || (*after != ' ' && *after != '\0'))
            parse_fail(path, line, "non-integer field in '" + text + "'");
        nums.push_back(v);
        p = after;
    }
    return nums;
}

/// Read `<dir>/<kind>_<stage>.txt`: the full header first (format, kind, stage, config
/// with `config_hash`), then E lines each followed by exactly n records of `stage.tag`.
inline File read(const std::string& dir, const std::string& kind, const Stage& stage, const std::string& config_hash) {
    File f;
    f.path = dir + "/" + kind + "_" + stage.name + ".txt";
    std::ifstream in(f.path);
    if (!in) throw ParseError(f.path + ": cannot open");
    auto field = [&f](const char* key) {
        const auto it = f.header.find(key);
        return it == f.header.end() ? std::vector<std::string>{} : it->second;
    };
    bool header_checked = false;
    auto check_header = [&](int line) {  // the header ends at the first record
        if (field("fasttrack-vectors") != std::vector<std::string>{FORMAT})
            parse_fail(f.path, line, std::string("not a fasttrack vector file of format ") + FORMAT);
        if (field("kind") != std::vector<std::string>{kind}) parse_fail(f.path, line, "not a " + kind + " vector file");
        if (field("stage") != std::vector<std::string>{stage.name})
            parse_fail(f.path, line, std::string("not the '") + stage.name + "' stage");
        const auto cfg = field("config");
        if (cfg.size() != 2) parse_fail(f.path, line, "the header lacks '# config <name> <hash>'");
        if (cfg[1] != config_hash)
            parse_fail(f.path, line, "config hash " + cfg[1] + " (" + cfg[0] + ") differs from the kernel's " +
                                         config_hash + ": regenerate the headers or the vectors");
        header_checked = true;
    };
    long long remaining = 0;
    std::string text;
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
            f.header[key] = words;
            continue;
        }
        if (!header_checked) check_header(n);
        const char tag = text[0];
        if (text.size() > 1 && text[1] != ' ') parse_fail(f.path, n, "a record tag is one letter: '" + text + "'");
        const std::vector<long long> nums = integers(f.path, n, text, 1);
        if (tag == 'E') {
            if (remaining)
                parse_fail(f.path, n,
                           "event starts with " + std::to_string(remaining) + " records of the previous one missing");
            const bool count_ok = stage.head_values < 0 ? nums.size() >= 2 : nums.size() == size_t(stage.head_values);
            if (!count_ok || nums[1] < 0)
                parse_fail(f.path, n,
                           stage.head_values < 0 ? std::string("an E line needs <event> <n> with n >= 0")
                                                 : "an E line here needs " + std::to_string(stage.head_values) +
                                                       " numbers with n >= 0");
            f.events.push_back(Event{nums, {}, n});
            remaining = nums[1];
        } else {
            if (tag != stage.tag)
                parse_fail(f.path, n, std::string("unexpected record '") + tag + "' (want '" + stage.tag + "')");
            if (f.events.empty()) parse_fail(f.path, n, "record before the first E line");
            if (remaining == 0) parse_fail(f.path, n, "more records than the E line announced");
            if (stage.values >= 0 && nums.size() != size_t(stage.values))
                parse_fail(f.path, n, std::string("a '") + stage.tag + "' record needs " +
                                          std::to_string(stage.values) + " numbers");
            f.events.back().records.push_back(Record{tag, nums, n});
            --remaining;
        }
    }
    if (remaining)
        parse_fail(f.path, f.events.back().line, "the last event misses " + std::to_string(remaining) + " records");
    if (!header_checked) check_header(n);  // a file without events
    return f;
}

/// The stage files of one kernel and config in one folder: `folder(stage)` reads one.
struct Folder {
    std::string dir;
    std::string kind;
    std::string config_hash;
    File operator()(const Stage& stage) const { return read(dir, kind, stage, config_hash); }
};

/// The stage files of one run must hold the same events, in the same order.
inline void same_events(const std::vector<const File*>& files) {
    const File& first = *files.front();
    for (const File* f : files) {
        if (f->events.size() != first.events.size())
            throw ParseError(f->path + ": " + std::to_string(f->events.size()) + " events, " + first.path + ": " +
                             std::to_string(first.events.size()));
        for (size_t e = 0; e < first.events.size(); ++e)
            if (f->events[e].head[0] != first.events[e].head[0])
                parse_fail(f->path, f->events[e].line, "event numbers of the stage files differ");
    }
}

inline bool fits_signed(long long v, int bits) { return v >= -(1LL << (bits - 1)) && v <= (1LL << (bits - 1)) - 1; }
inline bool fits_unsigned(long long v, int bits) { return v >= 0 && v <= (1LL << bits) - 1; }

/// The hits stage's record layout and the widths of the kernel's hit word.
struct HitFormat {
    int n_meas;      // coordinates per hit
    bool bend;       // a bend field (the config's bend filter is on)
    int layer_bits;  // LAYER_BITS
    int coord_bits;  // COORD_BITS
    int bend_bits;   // BEND_BITS
    int id_bits;     // HIT_ID_BITS

    /// Integers of an H record: layer, n_meas coordinates, [bend], hit id.
    int values() const { return 1 + n_meas + (bend ? 1 : 0) + 1; }
};

/// The hits stage: E <event> <n>, then n H records.
inline Stage hits_stage(const HitFormat& fmt) { return Stage{"hits", 'H', fmt.values(), 2}; }

/// One hit of the hits stage, every field checked against its width (an input that does
/// not fit is a parse error, not a wrap).
struct Hit {
    long long layer;
    std::vector<long long> coord;
    long long bend;  // 0 without the bend field
    long long hit_id;
};

inline Hit hit(const File& f, const Record& r, const HitFormat& fmt) {
    if (r.v.size() != size_t(fmt.values()))
        parse_fail(f.path, r.line, "a hit record needs " + std::to_string(fmt.values()) + " numbers");
    Hit h;
    size_t k = 0;
    h.layer = r.v[k++];
    if (!fits_unsigned(h.layer, fmt.layer_bits)) parse_fail(f.path, r.line, "layer does not fit LAYER_BITS");
    for (int m = 0; m < fmt.n_meas; ++m) {
        h.coord.push_back(r.v[k++]);
        if (!fits_signed(h.coord.back(), fmt.coord_bits))
            parse_fail(f.path, r.line, "coordinate does not fit COORD_BITS");
    }
    h.bend = fmt.bend ? r.v[k++] : 0;
    if (!fits_signed(h.bend, fmt.bend_bits)) parse_fail(f.path, r.line, "bend does not fit BEND_BITS");
    h.hit_id = r.v[k++];
    if (!fits_unsigned(h.hit_id, fmt.id_bits)) parse_fail(f.path, r.line, "hit id does not fit HIT_ID_BITS");
    return h;
}

}  // namespace vectors
}  // namespace ft

#endif

// fasttrack C-simulation testbench helpers shared by every kernel's testbench: the
// scoreboard (ft::tb::Checker) and the main() frame (ft::tb::run) that prints the one
// summary line fasttrack.hw.csim reads,
//
//   <kernel> csim: events=<N> tracks=<T> mismatches=<M> bit_exact=<0|1>
//
// and sets the exit status: 0 when every word matched, 1 on a mismatch, 2 on a usage or
// parse error (ft::vectors::ParseError, or any other exception), whose summary line then
// says bit_exact=0.
#ifndef FASTTRACK_FT_TESTBENCH_H
#define FASTTRACK_FT_TESTBENCH_H

#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "ft_vectors.h"

namespace ft {
namespace tb {

/// The values of one word, as the testbench compares them.
typedef std::vector<long long> Fields;

inline std::string show(const Fields& f) {
    if (f.empty()) return "none";
    std::string out = "(";
    for (size_t k = 0; k < f.size(); ++k) out += (k ? " " : "") + std::to_string(f[k]);
    return out + ")";
}

/// The scoreboard: counts every mismatch, prints the first few on stderr.
struct Checker {
    long long mismatches = 0;
    static constexpr long long show_max = 20;

    void fail(long long event, const std::string& what) {
        if (mismatches < show_max)
            std::fprintf(stderr, "MISMATCH event %lld: %s\n", event, what.c_str());
        else if (mismatches == show_max)
            std::fprintf(stderr, "... further mismatches not shown\n");
        ++mismatches;
    }
    /// A differing word: `got` or `want` empty for an extra or a missing word.
    void fail(long long event, const std::string& what, const Fields& got, const Fields& want) {
        fail(event, what + ": kernel " + show(got) + ", expected " + show(want));
    }
    void check(long long event, const std::string& what, long long got, long long want) {
        if (got != want) fail(event, what, {got}, {want});
    }
    void word(long long event, const std::string& what, const Fields& got, const Fields& want) {
        if (got != want) fail(event, what, got, want);
    }
    /// Two lists of words, element by element; the longer one's tail is extra/missing.
    void words(long long event, const std::string& what, const std::vector<Fields>& got,
               const std::vector<Fields>& want) {
        for (size_t k = 0; k < got.size() || k < want.size(); ++k) {
            const std::string at = what + " #" + std::to_string(k);
            if (k >= want.size())
                fail(event, "extra " + at, got[k], {});
            else if (k >= got.size())
                fail(event, "missing " + at, {}, want[k]);
            else
                word(event, at, got[k], want[k]);
        }
    }
};

/// What a testbench run has seen so far (the summary line's numbers).
struct Tally {
    long long events = 0;
    long long tracks = 0;  // as the kernel's testbench counts them (see its header comment)
    Checker ck;
};

/// main() of a testbench: `<exe> <vector folder>`; `body(folder, tally)` reads the
/// kernel's stage files (`folder(stage)`: vectors::Folder, which refuses files of another
/// kind or config), runs the kernel and fills `tally`. Prints the summary line and returns
/// the exit status.
template <class Body>
int run(const char* kernel, const char* config_hash, int argc, char** argv, Body body) {
    const auto t0 = std::chrono::steady_clock::now();
    Tally t;
    auto summary = [&](bool exact) {
        std::printf("%s csim: events=%lld tracks=%lld mismatches=%lld bit_exact=%d\n", kernel, t.events, t.tracks,
                    t.ck.mismatches, exact ? 1 : 0);
    };
    try {
        if (argc != 2)
            throw vectors::ParseError(std::string("usage: ") + argv[0] + " <folder with the " + kernel +
                                      "_*.txt vector files>");
        body(vectors::Folder{argv[1], kernel, config_hash}, t);
    } catch (const std::exception& err) {
        std::fprintf(stderr, "%s csim: error: %s\n", kernel, err.what());
        summary(false);
        return 2;
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%s csim: config %s, %lld events in %.3f s\n", kernel, config_hash, t.events, secs);
    summary(t.ck.mismatches == 0);
    return t.ck.mismatches == 0 ? 0 : 1;
}

}  // namespace tb
}  // namespace ft

#endif

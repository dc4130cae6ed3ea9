// C-simulation testbench of the fit kernel: reads fit_vectors.txt (fasttrack.fit.codegen),
// runs every track and compares every output word. Prints one summary line
//   fit csim: tracks=T mismatches=M bit_exact=0|1
// and exits 1 on any difference (2 on a usage, parse or config-hash error).
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "fit.h"

int main(int argc, char **argv) {
    if (argc != 2) {
        std::cerr << "usage: fit_tb <fit_vectors.txt>\n";
        std::cout << "fit csim: tracks=0 mismatches=0 bit_exact=0\n";
        return 2;
    }
    std::ifstream in(argv[1]);
    if (!in) {
        std::cerr << "cannot open " << argv[1] << "\n";
        std::cout << "fit csim: tracks=0 mismatches=0 bit_exact=0\n";
        return 2;
    }
    std::string line;
    bool hash_ok = false;
    long tracks = 0, mismatches = 0, expected_lines = 0;
    fit::Result res;
    bool pending = false;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        std::istringstream ss(line);
        std::string tag;
        ss >> tag;
        if (tag == "#") {
            std::string key, value;
            ss >> key >> value;
            if (key == "config") {
                if (value != fit::CONFIG_HASH) {
                    std::cerr << "config hash " << value << " != kernel's " << fit::CONFIG_HASH << "\n";
                    std::cout << "fit csim: tracks=0 mismatches=0 bit_exact=0\n";
                    return 2;
                }
                hash_ok = true;
            }
        } else if (tag == "T") {
            long pat, seed, n;
            ss >> pat >> seed >> n;
            if (!ss || n > fit::N_ROWS || pat < 0 || pat >= fit::N_PATTERNS) {
                std::cerr << "bad track line: " << line << "\n";
                std::cout << "fit csim: tracks=" << tracks << " mismatches=" << mismatches << " bit_exact=0\n";
                return 2;
            }
            fit::Row rows[fit::N_ROWS];
            for (int i = 0; i < fit::N_ROWS; ++i) {
                rows[i].layer = 0;
                rows[i].meas = 0;
                rows[i].y = 0;
            }
            for (int i = 0; i < n; ++i) {
                long l, m, y;
                ss >> l >> m >> y;
                rows[i].layer = l;
                rows[i].meas = m;
                rows[i].y = y;
            }
            fit::fit_track(rows, int(n), int(pat), fit::param_t(seed), res);
            ++tracks;
            pending = true;
        } else if (tag == "R") {
            ++expected_lines;
            if (!pending) {
                ++mismatches;
                continue;
            }
            pending = false;
            long long want;
            bool bad = false;
            for (int j = 0; j < fit::N_PARAMS; ++j) {
                ss >> want;
                bad |= (res.p[j].to_int64() != want);
            }
            ss >> want;
            bad |= ((long long)res.chi2.to_uint64() != want);
            ss >> want;
            bad |= (res.worst.to_int() != want);
            ss >> want;
            bad |= (res.worst_c.to_int64() != want);
            if (bad) {
                if (mismatches < 10) std::cerr << "mismatch at track " << tracks - 1 << ": " << line << "\n";
                ++mismatches;
            }
        }
    }
    if (pending) ++mismatches;  // a track without expected output
    const bool exact = hash_ok && tracks > 0 && mismatches == 0 && expected_lines == tracks;
    std::cout << "fit csim: tracks=" << tracks << " mismatches=" << mismatches << " bit_exact=" << (exact ? 1 : 0)
              << "\n";
    return exact ? 0 : 1;
}

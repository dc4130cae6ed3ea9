// Checks of the generated retina headers (retina_params.h, retina_tables.h) under a real
// C++ compiler and the real vendor types; driven by tests/test_codegen.py.
//
// Build: g++ -std=c++17 -Wall -Wextra -Werror -isystem <ap_types> -I hls/include -I <generated>
//        [-DFT_USE_AC -isystem <ac_types/include>] -DEXPECT_N_A=... (one per constant below)
//
// Compile time: every constant equals the Python config's value (EXPECT_* macros), the type
// aliases have the stated widths, the tables have the stated sizes.
// Run time: every table entry survives a round trip through its hardware type (so the widths
// hold the values under ap_int / ac_int semantics), the accumulator type wraps just above
// ACC_MAX, and every table entry is printed ("NAME v0 v1 ...") for the test to compare
// with the config's tables. Exit status 1 and "bad N" on stdout if a round trip fails.
// -DFT_PARAMS_ONLY checks retina_params.h alone (for configs whose tables are slow to compile).

#include "retina_params.h"
#ifndef FT_PARAMS_ONLY
#include "retina_tables.h"
#endif

#include <cstdio>

#define FT_EXPECT(name) static_assert(retina::name == (EXPECT_##name), #name " differs from the Python config")
FT_EXPECT(N_LAYERS);
FT_EXPECT(N_MEAS);
FT_EXPECT(N_A);
FT_EXPECT(N_B);
FT_EXPECT(N_CELLS);
FT_EXPECT(COORD_BITS);
FT_EXPECT(HIT_ID_BITS);
FT_EXPECT(WEIGHT_BITS);
FT_EXPECT(LUT_SIZE);
FT_EXPECT(ACC_BITS);
FT_EXPECT(ACC_MAX);
FT_EXPECT(THRESHOLD);
FT_EXPECT(ASSOC_WEIGHT);
FT_EXPECT(CENTROID_FRAC_BITS);
FT_EXPECT(MAX_HITS);
FT_EXPECT(MAX_TRACKS);
FT_EXPECT(RECEPTOR_WORDS);
FT_EXPECT(LUT_WORDS);

static_assert(retina::coord_t::width == retina::COORD_BITS, "coord_t width");
static_assert(retina::hit_id_t::width == retina::HIT_ID_BITS, "hit_id_t width");
static_assert(retina::weight_t::width == retina::WEIGHT_BITS, "weight_t width");
static_assert(retina::acc_t::width == retina::ACC_BITS, "acc_t width");
static_assert(retina::offset_t::width == retina::OFFSET_BITS, "offset_t width");
static_assert((1LL << retina::LAYER_BITS) >= retina::N_LAYERS, "layer_t holds every layer");
static_assert((1LL << retina::CELL_A_BITS) >= retina::N_A, "cell_a_t holds every cell index");
static_assert((1LL << retina::CELL_B_BITS) >= retina::N_B, "cell_b_t holds every cell index");
static_assert((1LL << retina::LUT_INDEX_BITS) == retina::LUT_SIZE, "LUT index width");
static_assert((1LL << retina::HIT_ID_BITS) >= retina::MAX_HITS, "hit ids number MAX_HITS hits");
static_assert(retina::N_CELLS == retina::N_A * retina::N_B, "N_CELLS");
static_assert(retina::ACC_MAX == (1LL << retina::ACC_BITS) - 1, "ACC_MAX");

#ifndef FT_PARAMS_ONLY
static_assert(sizeof(retina::RECEPTORS) / sizeof(long long) == retina::RECEPTOR_WORDS, "RECEPTORS size");
static_assert(sizeof(retina::LUT) / sizeof(long long) == retina::LUT_WORDS, "LUT size");
static_assert(sizeof(retina::A_BEND) / sizeof(long long) == retina::N_A, "A_BEND size");

static void print(const char* name, const long long* v, long long n) {
  std::printf("%s", name);
  for (long long k = 0; k < n; ++k) std::printf(" %lld", v[k]);
  std::printf("\n");
}

int main() {
  int bad = 0;
  const long long* rec = &retina::RECEPTORS[0][0][0];
  for (long long k = 0; k < retina::RECEPTOR_WORDS; ++k) {
    retina::coord_t v = rec[k];
    if (v.to_int64() != rec[k]) ++bad;
  }
  const long long* lut = &retina::LUT[0][0];
  for (long long k = 0; k < retina::LUT_WORDS; ++k) {
    retina::weight_t w = lut[k];
    if (lut[k] < 0 || static_cast<long long>(w.to_uint64()) != lut[k]) ++bad;
  }
  retina::acc_t thr = retina::THRESHOLD;
  if (static_cast<long long>(thr.to_uint64()) != retina::THRESHOLD) ++bad;
  retina::acc_t top = retina::ACC_MAX;
  retina::acc_t above = retina::ACC_MAX + 1;  // one more than the accumulator holds wraps to 0
  if (static_cast<long long>(top.to_uint64()) != retina::ACC_MAX || above.to_uint64() != 0) ++bad;
  retina::hit_id_t last_id = retina::MAX_HITS - 1;
  if (static_cast<long long>(last_id.to_uint64()) != retina::MAX_HITS - 1) ++bad;
  std::printf("bad %d\n", bad);
  long long scalars[] = {retina::N_LAYERS, retina::N_A, retina::N_B, retina::COORD_BITS, retina::THRESHOLD};
  print("SCALARS", scalars, 5);
  print("ROI", retina::ROI, retina::N_LAYERS);
  long long shifts[retina::N_LAYERS];
  for (long long l = 0; l < retina::N_LAYERS; ++l) shifts[l] = retina::LUT_SHIFT[l];
  print("LUT_SHIFT", shifts, retina::N_LAYERS);
  print("RECEPTORS", rec, retina::RECEPTOR_WORDS);
  print("LUT", lut, retina::LUT_WORDS);
  print("A_BEND", retina::A_BEND, retina::N_A);
  return bad != 0;
}
#endif  // FT_PARAMS_ONLY

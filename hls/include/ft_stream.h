// fasttrack portable streams and HLS pragmas: one alias layer, two vendor families.
//   default          hls::stream<T>   (Vitis HLS; the C model in hls/third_party/ap_types)
//   -DFT_USE_AC      ac_channel<T>    (Algorithmic C: Catapult, and a plain-g++ C model)
// Kernels use ft::stream<T> and only the members both provide: read(), write(), empty().
//
// FT_HLS(...) is `#pragma HLS ...` when Vitis HLS compiles the source (csynth defines
// __SYNTHESIS__, the Vitis front end __VITIS_HLS__) and nothing otherwise, so the kernels
// build warning-free under g++ -Wall -Werror: g++ 12 reports every unknown `#pragma`
// (-Wunknown-pragmas) and cannot silence that from inside a file (GCC bug 53431, fixed in
// 13). FT_HLS(PIPELINE II = 1) is #pragma HLS PIPELINE II = 1. The arguments are
// macro-expanded before they are stringised: write `inline`, not `INLINE` (ap_common.h
// defines INLINE as `inline __attribute__((always_inline))`); HLS keywords are
// case-insensitive. FT_PRAGMA(...) is the same without the `HLS` and without expansion.
// FT_LOOP(name) labels the loop that follows for the HLS reports (`name:`), and is empty
// for g++, which would flag the unused label (-Wunused-label).
#ifndef FASTTRACK_FT_STREAM_H
#define FASTTRACK_FT_STREAM_H

#ifdef FT_USE_AC
#include <ac_channel.h>
namespace ft {
template <class T> using stream = ac_channel<T>;
}  // namespace ft
#else
#include <hls_stream.h>
namespace ft {
template <class T> using stream = hls::stream<T>;
}  // namespace ft
#endif

#ifndef FT_HLS
#if defined(__SYNTHESIS__) || defined(__VITIS_HLS__)
#define FT_PRAGMA(...) _Pragma(#__VA_ARGS__)
#define FT_HLS(...) FT_PRAGMA(HLS __VA_ARGS__)
#define FT_LOOP(name) name:
#else
#define FT_PRAGMA(...)
#define FT_HLS(...)
#define FT_LOOP(name)
#endif
#endif

#endif

// fasttrack portable integer types: one alias layer, two vendor type families.
//   default          Xilinx ap_int / ap_uint   (Vitis HLS)
//   -DFT_USE_AC      Algorithmic C ac_int      (Intel HLS, Catapult)
// Kernels use only ft::sint<W> and ft::uint<W>; generated headers name their widths.
#ifndef FASTTRACK_FT_TYPES_H
#define FASTTRACK_FT_TYPES_H

#ifdef FT_USE_AC
#include <ac_int.h>
namespace ft {
template <int W> using sint = ac_int<W, true>;
template <int W> using uint = ac_int<W, false>;
}  // namespace ft
#else
#include <ap_int.h>
namespace ft {
template <int W> using sint = ap_int<W>;
template <int W> using uint = ap_uint<W>;
}  // namespace ft
#endif

#endif

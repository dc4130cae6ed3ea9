// fasttrack track fit: the linearised least-squares fit of one track, bit-exact with the
// fixed-point golden model (fasttrack.fit.kernels.fit_fixed). Every constant comes from
// the generated fit_params.h (fasttrack.fit.codegen); the types from ft_types.h (ap_int, or
// ac_int with -DFT_USE_AC).
#ifndef FASTTRACK_FIT_H
#define FASTTRACK_FIT_H

// ap_private's default constructor reads its value before setting it (clearUnusedBits);
// silenced for the vendor headers only, as in retina.h.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "ft_types.h"
#pragma GCC diagnostic pop

#include "fit_params.h"

namespace fit {

// Every product is of two operands whose widths sum to at most 64 (a single machine word
// in both type families); sums are bounded below 2^61 (fasttrack/fit/kernels.py).
typedef ft::sint<ACC_BITS> acc_t;            // sums
typedef ft::sint<POLY_FRAC + 2> poly_t;      // Q30 values of the helix remainder, |x| <= 0.75
typedef ft::sint<ACC_BITS - RES_BITS> row_t;  // Σ_s V⁻¹[r, s]·e_s >> T_SHIFT
typedef ft::sint<KX_BITS> kx_t;               // KX constants
typedef ft::sint<ACC_BITS - RZ_BITS> prod_t;  // cotθ·u >> 16
typedef ft::sint<RZ_BITS> rz_t;               // RZ constants
typedef ft::sint<U_BITS> u_t;                 // outlier score: (V⁻¹e)_r, (V⁻¹e)_r·qd_r
typedef ft::sint<MEAS_BITS> meas_t;  // measurement word (fit LSB per coordinate)
typedef ft::sint<PARAM_BITS> param_t;
typedef ft::uint<CHI2_BITS> chi2_t;  // χ² · 2^CHI2_FRAC
typedef ft::sint<RES_BITS> res_t;    // residual y' − H·p
typedef ft::sint<COEF_BITS> coef_t;  // W, V⁻¹, H constants
typedef ft::sint<INDEX_BITS> index_t;       // pattern index, row counts, layer, hit index

struct Row {
    index_t layer;
    index_t meas;  // 0: x or φ; 1: y or z
    meas_t y;
};

struct Result {
    param_t p[N_PARAMS];
    chi2_t chi2;
    index_t worst;  // hit (in the track) of the largest outlier score
    acc_t worst_c;  // that score, χ² LSBs
};

// one track: rows in layer order (n_rows = hits · N_MEAS), its pattern and q/pT seed
void fit_track(const Row rows[N_ROWS], int n_rows, int pattern, param_t seed, Result &out);

}  // namespace fit

#endif

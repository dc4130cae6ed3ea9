// fasttrack track fit kernel: see fit.h and the step list in fasttrack/fit/kernels.py.
#include "fit.h"

namespace fit {

// round half up of x·2^-s (s > 0), or x·2^s exactly (s <= 0)
static acc_t rnd(acc_t x, int s) {
    if (s <= 0) return x << (-s);
    const acc_t half = acc_t(1) << (s - 1);
    return acc_t(x + half) >> s;
}

static acc_t sat(acc_t x, int bits, bool is_signed) {
    const acc_t hi = (acc_t(1) << (is_signed ? bits - 1 : bits)) - 1;
    const acc_t lo = is_signed ? acc_t(-hi - 1) : acc_t(0);
    if (x > hi) return hi;
    if (x < lo) return lo;
    return x;
}

// u = asin(x)/x − 1 and g = asin(x) − x in Q(POLY_FRAC), floor shifts
static void series(poly_t x, poly_t &u, poly_t &g) {
    const poly_t y2 = acc_t(x * x) >> POLY_FRAC;
    poly_t t = POLY[3];
    t = poly_t(POLY[2]) + poly_t(acc_t(y2 * t) >> POLY_FRAC);
    t = poly_t(POLY[1]) + poly_t(acc_t(y2 * t) >> POLY_FRAC);
    t = poly_t(POLY[0]) + poly_t(acc_t(y2 * t) >> POLY_FRAC);
    u = acc_t(y2 * t) >> POLY_FRAC;
    g = acc_t(x * u) >> POLY_FRAC;
}

static poly_t x_of(kx_t kx, param_t q) {
    const acc_t x = rnd(acc_t(kx * q), KX_SHIFT);
    if (x > X_MAX_HW) return X_MAX_HW;
    if (x < -X_MAX_HW) return -X_MAX_HW;
    return poly_t(x);
}

static acc_t remainder(int layer, int meas, param_t q, param_t cot) {
    poly_t u, g;
    series(x_of(kx_t(KX[layer]), q), u, g);
    if (meas == 0) {
        poly_t ut, gt;
        series(x_of(kx_t(KX[N_LAYERS]), q), ut, gt);
        return rnd(acc_t(g) - acc_t(gt), PHI_SHIFT);
    }
    const prod_t prod = rnd(acc_t(cot * u), 16);
    return -rnd(acc_t(prod * rz_t(RZ[layer])), POLY_FRAC - 16 + RZ_FRAC);
}

void fit_track(const Row rows[N_ROWS], int n_rows, int pattern, param_t seed, Result &out) {
    meas_t yc[N_ROWS];
    res_t e[N_ROWS];
    param_t p[N_PARAMS];
    param_t q = seed;
    param_t cot = 0;
    const int c_shift = VINV_FRAC - T_SHIFT - CHI2_FRAC;
    for (int pass = 0; pass < N_PASSES; ++pass) {
        for (int i = 0; i < n_rows; ++i) {
            acc_t v = rows[i].y;
            if (HELIX) v += remainder(rows[i].layer.to_int(), rows[i].meas.to_int(), q, cot);
            yc[i] = meas_t(sat(v, MEAS_BITS, true));
        }
        for (int j = 0; j < N_PARAMS; ++j) {
            acc_t s = 0;
            for (int i = 0; i < n_rows; ++i) s += acc_t(coef_t(W[pattern][j][i]) * yc[i]);
            p[j] = param_t(sat(rnd(s, W_FRAC[j]), PARAM_BITS, true));
        }
        if (HELIX) {
            q = p[0];
            cot = p[N_PARAMS - 1];
        }
    }
    for (int i = 0; i < n_rows; ++i) {
        const int lay = rows[i].layer.to_int(), m = rows[i].meas.to_int();
        acc_t s = 0;
        for (int j = 0; j < N_PARAMS; ++j) s += acc_t(coef_t(H[lay][m][j]) * p[j]);
        e[i] = res_t(sat(acc_t(yc[i]) - rnd(s, H_FRAC), RES_BITS, true));
    }
    acc_t acc = 0, hit_c = 0, worst_c = 0;
    int worst = -1;
    for (int i = 0; i < n_rows; ++i) {
        acc_t s = 0;
        for (int i2 = 0; i2 < n_rows; ++i2) s += acc_t(coef_t(VINV[pattern][i][i2]) * e[i2]);
        const row_t t = rnd(s, T_SHIFT);
        acc += acc_t(e[i] * t);
        // outlier score: (V⁻¹e)_r² / Q_rr in χ² LSBs
        const u_t u = sat(rnd(t, VINV_FRAC - T_SHIFT - U_FRAC), U_BITS, true);
        const u_t v = sat(rnd(acc_t(u * coef_t(QD[pattern][i])), QD_FRAC + V_SHIFT), U_BITS, true);
        hit_c += rnd(acc_t(u * v), 2 * U_FRAC - V_SHIFT - CHI2_FRAC);
        if (i % N_MEAS == N_MEAS - 1) {
            if (worst < 0 || hit_c > worst_c) {
                worst_c = hit_c;
                worst = i / N_MEAS;
            }
            hit_c = 0;
        }
    }
    for (int j = 0; j < N_PARAMS; ++j) out.p[j] = p[j];
    out.chi2 = chi2_t(sat(rnd(acc, c_shift), CHI2_BITS, false));
    out.worst = worst;
    out.worst_c = worst_c;
}

}  // namespace fit

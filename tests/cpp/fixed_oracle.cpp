// Oracle for fasttrack.fixed: the raw integer that the real Xilinx ap_fixed /
// ap_int and Algorithmic C ac_fixed headers produce for a conversion.
//
// The types under test are template arguments, so they must be known at compile
// time: tests/test_fixed.py writes `oracle_types_<k>.cpp` files, each defining
// `void register_part_<k>(Registry&)` with one REG_* line per type (macros below),
// and a `oracle_parts.inc` calling them all. This file holds the fixed part.
//
// stdin, one request per line (whitespace separated, value as decimal or C99 hex
// float, e.g. 0x1.8p+1, parsed exactly by strtod; raws as decimal integers):
//
//   apf W I S Q O x                  raw of ap_fixed<W,I,Q,O>(x)   (ap_ufixed if S=0)
//   api W S x                        raw of ap_int<W>(x)           (ap_uint if S=0)
//   acf W I S Q O x                  raw of ac_fixed<W,I,S,Q,O>(x)
//   apr W2 I2 S2 O2 raw W I S Q O    raw of ap_fixed<W,I,..> = source built from raw bits
//   acr W2 I2 S2 O2 raw W I S Q O    the same with ac_fixed (O2 matters for AC_SAT_SYM)
//
// Q and O are the mode names without prefix (RND_CONV, SAT, ...). The source of
// apr/acr has rounding TRN (a source's rounding never matters in an assignment).
// stdout: one signed decimal raw per line; an unknown type prints "ERR <key>" and
// the process exits 2 at the end so the caller learns the build is stale.

#include <ap_fixed.h>
#include <ap_int.h>
#include <ac_fixed.h>
#include <ac_int.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <type_traits>
#include <unordered_map>

using FromDouble = long long (*)(double);
using FromRaw = long long (*)(long long);

struct Registry {
  std::unordered_map<std::string, FromDouble> from_double;
  std::unordered_map<std::string, FromRaw> from_raw;
};

// ---- raw bits of a value, sign-extended for signed types ------------------------

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O>
long long ap_raw(const ap_fixed_base<W, I, S, Q, O, 0>& v) {
  ap_int_base<W, S> bits;
  bits.V = v.V;
  return S ? bits.to_int64() : static_cast<long long>(bits.to_uint64());
}

template <int W, int I, bool S, ac_q_mode Q, ac_o_mode O>
long long ac_raw(const ac_fixed<W, I, S, Q, O>& v) {
  ac_int<W, S> bits = v.template slc<W>(0);
  return S ? bits.to_int64() : static_cast<long long>(bits.to_uint64());
}

// ---- the conversions under test -------------------------------------------------

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O>
using ap_t = typename std::conditional<S, ap_fixed<W, I, Q, O>, ap_ufixed<W, I, Q, O>>::type;

template <int W, bool S>
using apint_t = typename std::conditional<S, ap_int<W>, ap_uint<W>>::type;

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O>
long long ap_from_double(double x) {
  ap_t<W, I, S, Q, O> v = x;
  return ap_raw<W, I, S, Q, O>(v);
}

template <int W, bool S>
long long apint_from_double(double x) {
  apint_t<W, S> v = x;
  return S ? v.to_int64() : static_cast<long long>(v.to_uint64());
}

template <int W, int I, bool S, ac_q_mode Q, ac_o_mode O>
long long ac_from_double(double x) {
  ac_fixed<W, I, S, Q, O> v = x;
  return ac_raw(v);
}

template <int W2, int I2, bool S2, ap_o_mode O2, int W, int I, bool S, ap_q_mode Q, ap_o_mode O>
long long ap_from_raw(long long raw) {
  ap_t<W2, I2, S2, AP_TRN, O2> src;
  src.V = raw;  // the low W2 bits
  ap_t<W, I, S, Q, O> v = src;
  return ap_raw<W, I, S, Q, O>(v);
}

template <int W2, int I2, bool S2, ac_o_mode O2, int W, int I, bool S, ac_q_mode Q, ac_o_mode O>
long long ac_from_raw(long long raw) {
  ac_fixed<W2, I2, S2, AC_TRN, O2> src;
  src.set_slc(0, ac_int<W2, S2>(raw));
  ac_fixed<W, I, S, Q, O> v = src;
  return ac_raw(v);
}

// ---- registration macros used by the generated files ----------------------------

#define FT_KEY5(W, I, S, Q, O) (std::string(#W " " #I " " #S " " #Q " " #O))

#define REG_APF(W, I, S, Q, O) \
  r.from_double["apf " + FT_KEY5(W, I, S, Q, O)] = &ap_from_double<W, I, S, AP_##Q, AP_##O>;
#define REG_ACF(W, I, S, Q, O) \
  r.from_double["acf " + FT_KEY5(W, I, S, Q, O)] = &ac_from_double<W, I, S, AC_##Q, AC_##O>;
#define REG_API(W, S) r.from_double[std::string("api " #W " " #S)] = &apint_from_double<W, S>;
#define REG_APR(W2, I2, S2, O2, W, I, S, Q, O)                                     \
  r.from_raw[std::string("apr " #W2 " " #I2 " " #S2 " " #O2 " ") +                \
             FT_KEY5(W, I, S, Q, O)] =                                              \
      &ap_from_raw<W2, I2, S2, AP_##O2, W, I, S, AP_##Q, AP_##O>;
#define REG_ACR(W2, I2, S2, O2, W, I, S, Q, O)                                     \
  r.from_raw[std::string("acr " #W2 " " #I2 " " #S2 " " #O2 " ") +                \
             FT_KEY5(W, I, S, Q, O)] =                                              \
      &ac_from_raw<W2, I2, S2, AC_##O2, W, I, S, AC_##Q, AC_##O>;

#ifndef FT_TYPES_PART
// ---- the driver (only in the main translation unit) -----------------------------

#include "oracle_parts.inc"  // declares and calls register_part_<k>(Registry&)

int main() {
  std::ios::sync_with_stdio(false);
  Registry r;
  register_all(r);
  bool stale = false;
  std::string line;
  std::string out;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    std::istringstream in(line);
    std::string op;
    in >> op;
    std::string key = op;
    int n_fields = (op == "api") ? 2 : (op == "apr" || op == "acr") ? 4 : 5;
    std::string field;
    for (int k = 0; k < n_fields; ++k) {
      in >> field;
      key += " " + field;
    }
    long long result = 0;
    bool found = false;
    if (op == "apr" || op == "acr") {
      long long raw = 0;
      in >> raw;
      for (int k = 0; k < 5; ++k) {
        in >> field;
        key += " " + field;
      }
      auto it = r.from_raw.find(key);
      if ((found = it != r.from_raw.end())) result = it->second(raw);
    } else {
      in >> field;
      double x = std::strtod(field.c_str(), nullptr);
      auto it = r.from_double.find(key);
      if ((found = it != r.from_double.end())) result = it->second(x);
    }
    if (found) {
      out += std::to_string(result);
    } else {
      out += "ERR " + key;
      stale = true;
    }
    out += '\n';
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return stale ? 2 : 0;
}
#endif

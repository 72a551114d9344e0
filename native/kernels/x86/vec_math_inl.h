// Vectorised activations for the x86 kernels' fused epilogue.
//
// Written once against a vector-ops traits type (Avx2Ops, Avx512Ops) and
// instantiated inside each ISA's translation unit. Every lane runs the same
// sequence of IEEE operations (FMAs where written, never contracted by the
// compiler: the build uses -ffp-contract=off), so the AVX2 and AVX-512 kernels
// produce bitwise-identical outputs.
//
// Design. The one transcendental core is a float exp with range reduction:
// e^x = 2^n (1 + u), |r| <= ln2/2, u = r + r^2 q(r), q a degree-5
// polynomial (relative error 2.7e-9), 2^n applied as two normal-float
// factors so that only the last product can round (into a subnormal or inf),
// and a multiplier m can be folded in first (m e^x stays accurate where e^x
// alone is subnormal: silu's x e^x). sigmoid, tanh, silu, softplus, elu,
// selu and exponential are finished in float from there (tanh with an odd
// polynomial near 0, softplus with a log1p polynomial on [0, 1], elu/selu
// through expm1 = 2^n u + (2^n - 1), which keeps u's relative accuracy near
// 0). gelu and mish are finished in double on the two halves of the vector
// (the float core's 2^n (1 + u) is widened exactly): their float formulas
// lose up to 4 ulp (gelu: the Phi tail polynomial and its reciprocal
// argument; mish: e (e + 2) / (e (e + 2) + 2)), the double ones 1. The
// activations without a transcendental part (relu, leaky_relu, hard_*,
// softsign) are evaluated exactly as the float64 reference does.
//
// Accuracy against the float64 reference (activate_f64: libm in double,
// rounded once to float), as the largest distance in float ulps measured by
// test_x86_kernels.cc over every 7th float in [-120, 120] (both signs, 321
// million points per activation) and sparser beyond, plus special values:
//
//   bitwise equal: linear, relu, relu6, leaky_relu, hard_sigmoid, hard_silu,
//                  softsign
//   1 ulp:         exponential, gelu, mish
//   2 ulp:         sigmoid, tanh, softplus, log_sigmoid, elu, selu
//   3 ulp:         silu (x e^x / (1 + e) near x = -3.2)
//
// (kX86ActivationUlpBound in x86_kernels.h asserts these plus one ulp for
// the approximated ones, since the sweep samples a seventh of the floats.) NaN in gives NaN out; +-0, +-inf and overflow follow
// the reference. Cost on the AVX2 machine (Zen 3, one core): about 0.1-0.4
// ns per value for the exact ones, 0.6-1.4 ns for the float-finished ones,
// 2.2 (mish) and 3.9 (gelu) for the double-finished ones.
//
// Include only from ISA translation units, after the traits header; all of it
// has internal linkage (conv-design §4: no vector code in shared COMDATs).
#pragma once

#include <cstdint>

#include "kernels/activation.h"

namespace simd_conv2d {
namespace {

// ---------------------------------------------------------------- constants
// Polynomial coefficients, ascending powers, fitted offline (weighted
// least squares iterated towards minimax relative error, 40-digit arithmetic).

// (e^r - 1 - r) / r^2 on |r| <= ln2/2, float; relative error 2.7e-9.
constexpr float kExpQ[6] = {0.5f, 0.166666672f, 0.0416664667f, 0.00833336078f, 0.00139336556f,
                            0.000198577152f};
constexpr float kLog2e = 1.44269504f;
// ln 2 = kLn2Hi + kLn2Lo; kLn2Hi has 9 significant bits, so n * kLn2Hi is
// exact for |n| < 2^15 and x - n * kLn2Hi is exact (Sterbenz).
constexpr float kLn2Hi = 0.693359375f;
constexpr float kLn2Lo = -2.12194440e-4f;

// log1p(e) / e on [0, 1], float; relative error 7.4e-10.
constexpr float kLog1pF[11] = {1.0f,          -0.499999821f, 0.333325595f,  -0.249872595f,
                               0.198906779f,  -0.161054313f, 0.124178454f,  -0.0824334621f,
                               0.0414711982f, -0.0134042287f, 0.00202958216f};
// (tanh(x) - x) / x^3 as a polynomial in x^2, |x| <= 0.625, float; relative
// error 4.8e-9.
constexpr float kTanhSmallF[6] = {-0.333333343f, 0.133333042f,  -0.0539592616f,
                                  0.021768935f,  -0.00834399089f, 0.00229279068f};

// The rest are evaluated in double.
// (Phi(x) - 1/2) / x as a polynomial in x^2, |x| <= 0.65 (Phi = normal CDF);
// relative error 5.9e-10.
constexpr double kGeluSmall[5] = {0.3989422801662858, -0.06649035241997836, 0.0099730343266868672,
                                  -0.001183851672538593, 0.0001059074448755545};
// Phi(-z) = e^(-z^2/2) t P(t), t = 1 / (1 + 0.35 z), 0.65 <= z <= 15;
// relative error of t P(t) 9.5e-11.
constexpr double kGeluTScale = 0.35;
constexpr double kGeluTail[11] = {0.13963066580220998,  0.13960094739817414,  0.12294866363085262,
                                  0.084696319686032445, 0.063261450037317313, -0.074413930439113804,
                                  0.16289865017174668,  -0.34892506878213575, 0.3372496927572079,
                                  -0.15585744844467397, 0.028911368675775696};
constexpr double kSeluScale = 1.0507009873554805;
constexpr double kSeluAlpha = 1.6732632423543772;

// ---------------------------------------------------------------- helpers

template <class T, int N>
inline typename T::V horner(typename T::V x, const float (&c)[N]) {
  typename T::V p = T::set1(c[N - 1]);
  for (int i = N - 2; i >= 0; --i) p = T::fma(p, x, T::set1(c[i]));
  return p;
}

template <class T, int N>
inline typename T::D horner_d(typename T::D x, const double (&c)[N]) {
  typename T::D p = T::dset1(c[N - 1]);
  for (int i = N - 2; i >= 0; --i) p = T::dfma(p, x, T::dset1(c[i]));
  return p;
}

// Lanes [0, L/2) (h = 0) or [L/2, L) (h = 1) of a float vector, as doubles.
template <class T>
inline typename T::D half_d(typename T::V v, int h) {
  return h == 0 ? T::lo_to_double(v) : T::hi_to_double(v);
}

// Applies f to both double halves of x and rounds once.
template <class T, class F>
inline typename T::V via_double(typename T::V x, F f) {
  return T::from_doubles(f(T::lo_to_double(x)), f(T::hi_to_double(x)));
}

template <class T>
inline typename T::V abs_(typename T::V x) {
  return T::bit_andnot(T::set1(-0.0f), x);
}

template <class T>
inline typename T::V neg_abs(typename T::V x) {
  return T::bit_or(T::set1(-0.0f), x);
}

template <class T>
inline typename T::V sign_bit(typename T::V x) {
  return T::bit_and(T::set1(-0.0f), x);
}

// max(lo, min(hi, x)) that keeps NaN (x86 min/max return their second
// operand when either is NaN).
template <class T>
inline typename T::V clamp_keep_nan(typename T::V x, float lo, float hi) {
  return T::max(T::set1(lo), T::min(T::set1(hi), x));
}

template <class T>
inline typename T::V keep_nan(typename T::V x, typename T::V r) {
  return T::select(T::is_nan(x), x, r);
}

template <class T>
inline typename T::V nan_if(typename T::M m, typename T::V r) {
  return T::select(m, T::set1(__builtin_nanf("")), r);
}

// e^(x_hi + x_lo) = 2^n (1 + u), u = r + r^2 q(r), for x_hi in [-120, 89]
// (callers clamp) and |x_lo| tiny. The reduced argument r and q(r) are float;
// the caller forms u in float (expm1_reduced_f) or double (exp_d), which keeps
// r's exactness for |x| < ln2/2 (n = 0, r = x). n is integral in
// [-173, 128]; its 2^n is kept as two normal floats 2^k1 * 2^k2.
template <class T>
struct ExpParts {
  typename T::V r, q;
  typename T::V f1, f2;
};

template <class T>
inline ExpParts<T> exp_parts(typename T::V x_hi, typename T::V x_lo) {
  using V = typename T::V;
  using I = typename T::I;
  const V n = T::round_nearest(T::mul(x_hi, T::set1(kLog2e)));
  V r = T::fnma(n, T::set1(kLn2Hi), x_hi);  // exact
  r = T::fnma(n, T::set1(kLn2Lo), r);
  r = T::add(r, x_lo);
  const I k = T::to_int_exact(n);
  const I k1 = T::int_half_floor(k);
  return {r, horner<T>(r, kExpQ), T::pow2(k1), T::pow2(T::int_sub(k, k1))};
}

// Half h of u = e^r - 1 = r + r^2 q(r), in double.
template <class T>
inline typename T::D expm1_reduced_d(const ExpParts<T>& e, int h) {
  const typename T::D r = half_d<T>(e.r, h);
  return T::dfma(T::dmul(r, r), half_d<T>(e.q, h), r);
}

// Half h of 2^n in double (exact).
template <class T>
inline typename T::D pow2_d(const ExpParts<T>& e, int h) {
  return T::dmul(half_d<T>(e.f1, h), half_d<T>(e.f2, h));
}

// Half h of e^x = 2^n (1 + u) in double: no underflow, and the roundings
// there are at 2^-53, so only r's and q's float errors reach the caller.
template <class T>
inline typename T::D exp_d(const ExpParts<T>& e, int h) {
  return T::dmul(T::dadd(T::dset1(1.0), expm1_reduced_d<T>(e, h)), pow2_d<T>(e, h));
}

// Float finishes of the exp core (for the activations whose float formula
// stays within 2 ulp; see the header comment).

// u = e^r - 1 in float.
template <class T>
inline typename T::V expm1_reduced_f(const ExpParts<T>& e) {
  return T::fma(T::mul(e.r, e.r), e.q, e.r);
}

// m e^x: m (1 + u) with one rounding (an FMA), then the exact-or-once-rounded
// scaling by 2^k1 and 2^k2 (only the last product can round, into a
// subnormal or inf), so m e^x stays accurate where e^x alone is subnormal.
template <class T>
inline typename T::V exp_mul_f(typename T::V m, const ExpParts<T>& e) {
  return T::mul(T::mul(T::fma(m, expm1_reduced_f<T>(e), m), e.f1), e.f2);
}

// e^x - 1 for x <= 0 from parts clamped to [-30, 0] (n >= -44, so 2^n is a
// normal float): 2^n u + (2^n - 1), where 2^n - 1 is exact for n >= -24 and
// n = 0 gives u itself; x = -0 gives -0.
template <class T>
inline typename T::V expm1_neg_f(typename T::V x) {
  using V = typename T::V;
  const ExpParts<T> e = exp_parts<T>(clamp_keep_nan<T>(x, -30.0f, 0.0f), T::zero());
  const V p = T::mul(e.f1, e.f2);
  const V r = T::fma(p, expm1_reduced_f<T>(e), T::sub(p, T::set1(1.0f)));
  return T::bit_or(r, sign_bit<T>(x));
}

// e^-|x| parts (the argument most activations want), clamped.
template <class T>
inline ExpParts<T> exp_neg_abs_parts(typename T::V x) {
  return exp_parts<T>(clamp_keep_nan<T>(neg_abs<T>(x), -120.0f, 0.0f), T::zero());
}

// ---------------------------------------------------------------- activations

template <class T>
inline typename T::V relu_(typename T::V x) {
  // max(0, x) keeps NaN (second operand) but returns x for x = -0; adding +0
  // turns -0 into +0, as the reference does, and changes nothing else.
  return T::add(T::max(T::zero(), x), T::zero());
}

template <class T>
inline typename T::V relu6_(typename T::V x) {
  return T::min(T::set1(6.0f), relu_<T>(x));
}

template <class T>
inline typename T::V exponential_(typename T::V x) {
  const ExpParts<T> e = exp_parts<T>(clamp_keep_nan<T>(x, -120.0f, 89.0f), T::zero());
  return keep_nan<T>(x, exp_mul_f<T>(T::set1(1.0f), e));
}

// 1 / (1 + e^-x) = (x >= 0 ? 1 : e) / (1 + e), e = e^-|x|.
template <class T>
inline typename T::V sigmoid_(typename T::V x) {
  using V = typename T::V;
  const V one = T::set1(1.0f);
  const V e = exp_mul_f<T>(one, exp_neg_abs_parts<T>(x));
  const V num = T::select(T::ge(x, T::zero()), one, e);
  return keep_nan<T>(x, T::div(num, T::add(one, e)));
}

// x / (1 + e^-x) = (x >= 0 ? x : x e^x) / (1 + e), e = e^-|x|; x e^x is
// formed before the final scaling (exp_mul_f).
template <class T>
inline typename T::V silu_(typename T::V x) {
  using V = typename T::V;
  const ExpParts<T> parts = exp_neg_abs_parts<T>(x);
  const V one = T::set1(1.0f);
  const V e = exp_mul_f<T>(one, parts);
  // Below -120 the result is -0 in float: clamp x along with its exponent.
  const V xe = exp_mul_f<T>(T::max(T::set1(-120.0f), x), parts);
  const V r = T::div(T::select(T::ge(x, T::zero()), x, xe), T::add(one, e));
  // Reference: -inf / (1 + inf) = NaN.
  return keep_nan<T>(x, nan_if<T>(T::eq(x, T::set1(-__builtin_huge_valf())), r));
}

// tanh |x|: a + a^3 P(a^2) for a <= 0.625, else -m / (2 + m) with
// m = e^-2a - 1; the sign of x is put back at the end.
template <class T>
inline typename T::V tanh_(typename T::V x) {
  using V = typename T::V;
  const V a = abs_<T>(x);
  const V a2 = T::mul(a, a);
  const V small = T::fma(T::mul(a2, a), horner<T>(a2, kTanhSmallF), a);
  // -2a is exact; past a = 9.01 tanh rounds to 1.
  const V m = expm1_neg_f<T>(T::mul(T::set1(-2.0f), T::min(T::set1(15.0f), a)));
  const V large = T::div(T::bit_xor(m, T::set1(-0.0f)), T::add(T::set1(2.0f), m));
  const V r = T::select(T::le(a, T::set1(0.625f)), small, large);
  return keep_nan<T>(x, T::bit_or(r, sign_bit<T>(x)));
}

// gelu(x) = x Phi(x) (Keras' default, exact erf form), Phi the normal CDF:
//   |x| <= 0.65: x (1/2 + x A(x^2))
//   otherwise, with z = |x| and Q = Phi(-z) = e^(-z^2/2) t P(t):
//     x < 0: x Q          x > 0: x (1 - Q)
//   x >= 6: x (Phi rounds to 1 there).
// z^2/2 goes to the exp core as hi + lo: its float rounding alone would cost
// several ulps at large z.
template <class T>
inline typename T::V gelu_(typename T::V x) {
  using V = typename T::V;
  using D = typename T::D;
  const V xc = T::max(T::set1(-15.0f), x);  // gelu(-15) rounds to -0 already
  const V z = abs_<T>(xc);
  const V z2 = T::mul(z, z);
  const V z2_lo = T::fnma(z, z, z2);  // z2 - z*z exactly, i.e. -(error of z2)
  const ExpParts<T> parts =
      exp_parts<T>(T::mul(T::set1(-0.5f), z2), T::mul(T::set1(0.5f), z2_lo));
  D r[2];
  for (int h = 0; h < 2; ++h) {
    const D xd = half_d<T>(xc, h);
    const D zd = T::dabs(xd);
    const D small =
        T::dmul(xd, T::dfma(xd, horner_d<T>(T::dmul(xd, xd), kGeluSmall), T::dset1(0.5)));
    const D t = T::ddiv(T::dset1(1.0), T::dfma(T::dset1(kGeluTScale), zd, T::dset1(1.0)));
    const D q = T::dmul(T::dmul(t, horner_d<T>(t, kGeluTail)), exp_d<T>(parts, h));
    const D xq = T::dmul(xd, q);
    const D tail = T::dselect(T::dlt(xd, T::dset1(0.0)), xq, T::dsub(xd, xq));
    r[h] = T::dselect(T::dle(zd, T::dset1(0.65)), small, tail);
  }
  V out = T::from_doubles(r[0], r[1]);
  out = T::select(T::ge(x, T::set1(6.0f)), x, out);
  // Reference: -inf * erfc(inf) = -inf * 0 = NaN.
  return keep_nan<T>(x, nan_if<T>(T::eq(x, T::set1(-__builtin_huge_valf())), out));
}

// log(1 + e^x) = max(x, 0) + log1p(e), e = e^-|x|.
template <class T>
inline typename T::V softplus_(typename T::V x) {
  using V = typename T::V;
  const V e = exp_mul_f<T>(T::set1(1.0f), exp_neg_abs_parts<T>(x));
  const V pos = T::select(T::gt(x, T::zero()), x, T::zero());
  return keep_nan<T>(x, T::fma(e, horner<T>(e, kLog1pF), pos));
}

template <class T>
inline typename T::V log_sigmoid_(typename T::V x) {
  const typename T::V sign = T::set1(-0.0f);
  return T::bit_xor(softplus_<T>(T::bit_xor(x, sign)), sign);
}

// x tanh(softplus(x)). With e = e^-|x|:
//   x > 0:  x (1 + 2e) / (1 + 2e + 2e^2)
//   x <= 0: x n / (n + 2), n = e (e + 2)
template <class T>
inline typename T::V mish_(typename T::V x) {
  using D = typename T::D;
  const ExpParts<T> parts = exp_neg_abs_parts<T>(x);
  const typename T::V xm = T::max(T::set1(-120.0f), x);  // as in silu
  D r[2];
  for (int h = 0; h < 2; ++h) {
    const D xd = half_d<T>(xm, h);
    const D e = exp_d<T>(parts, h);
    const D two = T::dset1(2.0);
    const D e2 = T::dadd(e, e);
    const D num = T::dadd(T::dset1(1.0), e2);
    const D g_pos = T::ddiv(num, T::dfma(e2, e, num));
    const D n = T::dmul(e, T::dadd(e, two));
    const D g_neg = T::ddiv(n, T::dadd(n, two));
    r[h] = T::dmul(xd, T::dselect(T::dgt(xd, T::dset1(0.0)), g_pos, g_neg));
  }
  const typename T::V out = T::from_doubles(r[0], r[1]);
  // Reference: -inf * tanh(softplus(-inf)) = -inf * 0 = NaN.
  return keep_nan<T>(x, nan_if<T>(T::eq(x, T::set1(-__builtin_huge_valf())), out));
}

// x >= 0 ? x : alpha expm1(x), the product taken in double.
template <class T>
inline typename T::V elu_(typename T::V x, double alpha) {
  using D = typename T::D;
  const typename T::V neg =
      via_double<T>(expm1_neg_f<T>(x), [alpha](D d) { return T::dmul(T::dset1(alpha), d); });
  return keep_nan<T>(x, T::select(T::ge(x, T::zero()), x, neg));
}

// scale (x > 0 ? x : alpha expm1(x)), the products taken in double (so the
// positive side is exact); -0 stays -0 (expm1_neg_f keeps the sign).
template <class T>
inline typename T::V selu_(typename T::V x) {
  using D = typename T::D;
  const typename T::V pos = via_double<T>(x, [](D d) { return T::dmul(T::dset1(kSeluScale), d); });
  const typename T::V neg = via_double<T>(expm1_neg_f<T>(x), [](D d) {
    return T::dmul(T::dset1(kSeluScale), T::dmul(T::dset1(kSeluAlpha), d));
  });
  return keep_nan<T>(x, T::select(T::gt(x, T::zero()), pos, neg));
}

// ---- no transcendental part: the reference's double arithmetic, exactly

template <class T>
inline typename T::V leaky_relu_(typename T::V x, double alpha) {
  using D = typename T::D;
  return via_double<T>(x, [alpha](D d) {
    return T::dselect(T::dge(d, T::dset1(0.0)), d, T::dmul(T::dset1(alpha), d));
  });
}

template <class T>
inline typename T::D hard_sigmoid_d(typename T::D d) {
  using D = typename T::D;
  const D t = T::dadd(T::ddiv(d, T::dset1(6.0)), T::dset1(0.5));
  return T::dselect(T::dlt(t, T::dset1(0.0)), T::dset1(0.0),
                    T::dselect(T::dgt(t, T::dset1(1.0)), T::dset1(1.0), t));
}

template <class T>
inline typename T::V hard_sigmoid_(typename T::V x) {
  return via_double<T>(x, [](typename T::D d) { return hard_sigmoid_d<T>(d); });
}

template <class T>
inline typename T::V hard_silu_(typename T::V x) {
  return via_double<T>(x, [](typename T::D d) { return T::dmul(d, hard_sigmoid_d<T>(d)); });
}

template <class T>
inline typename T::V softsign_(typename T::V x) {
  return via_double<T>(x, [](typename T::D d) {
    return T::ddiv(d, T::dadd(T::dset1(1.0), T::dabs(d)));
  });
}

// ---------------------------------------------------------------- dispatch

// Applies one activation to `count` whole vectors at `values` (count *
// T::kLanes floats), in place.
template <class T, class F>
inline void map_vectors(float* values, std::int64_t count, F f) {
  for (std::int64_t i = 0; i < count; ++i) {
    float* p = values + i * T::kLanes;
    T::store(p, f(T::load(p)));
  }
}

template <class T>
void activate_vectors(float* values, std::int64_t count, const Epilogue& epilogue) {
  using V = typename T::V;
  const double alpha = epilogue.alpha;
  switch (epilogue.activation) {
    case Activation::kLinear:
      return;
    case Activation::kRelu:
      return map_vectors<T>(values, count, [](V x) { return relu_<T>(x); });
    case Activation::kRelu6:
      return map_vectors<T>(values, count, [](V x) { return relu6_<T>(x); });
    case Activation::kLeakyRelu:
      return map_vectors<T>(values, count, [alpha](V x) { return leaky_relu_<T>(x, alpha); });
    case Activation::kElu:
      return map_vectors<T>(values, count, [alpha](V x) { return elu_<T>(x, alpha); });
    case Activation::kSelu:
      return map_vectors<T>(values, count, [](V x) { return selu_<T>(x); });
    case Activation::kSigmoid:
      return map_vectors<T>(values, count, [](V x) { return sigmoid_<T>(x); });
    case Activation::kTanh:
      return map_vectors<T>(values, count, [](V x) { return tanh_<T>(x); });
    case Activation::kSilu:
      return map_vectors<T>(values, count, [](V x) { return silu_<T>(x); });
    case Activation::kGelu:
      return map_vectors<T>(values, count, [](V x) { return gelu_<T>(x); });
    case Activation::kHardSigmoid:
      return map_vectors<T>(values, count, [](V x) { return hard_sigmoid_<T>(x); });
    case Activation::kHardSilu:
      return map_vectors<T>(values, count, [](V x) { return hard_silu_<T>(x); });
    case Activation::kSoftplus:
      return map_vectors<T>(values, count, [](V x) { return softplus_<T>(x); });
    case Activation::kSoftsign:
      return map_vectors<T>(values, count, [](V x) { return softsign_<T>(x); });
    case Activation::kExponential:
      return map_vectors<T>(values, count, [](V x) { return exponential_<T>(x); });
    case Activation::kMish:
      return map_vectors<T>(values, count, [](V x) { return mish_<T>(x); });
    case Activation::kLogSigmoid:
      return map_vectors<T>(values, count, [](V x) { return log_sigmoid_<T>(x); });
  }
}

// The same on `count` floats (any count): whole vectors in place, the tail
// through a padded copy.
template <class T>
void activate_floats(float* values, std::int64_t count, const Epilogue& epilogue) {
  const std::int64_t whole = count / T::kLanes;
  activate_vectors<T>(values, whole, epilogue);
  const std::int64_t tail = count - whole * T::kLanes;
  if (tail == 0) return;
  alignas(64) float buffer[T::kLanes] = {};
  for (std::int64_t i = 0; i < tail; ++i) buffer[i] = values[whole * T::kLanes + i];
  activate_vectors<T>(buffer, 1, epilogue);
  for (std::int64_t i = 0; i < tail; ++i) values[whole * T::kLanes + i] = buffer[i];
}

}  // namespace
}  // namespace simd_conv2d

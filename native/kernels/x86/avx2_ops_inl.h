// AVX2 + FMA vector operations for the shared x86 kernel templates.
//
// Include only from translation units compiled with the AVX2 flags
// (native/kernels/avx2/*). Everything here has internal linkage (anonymous
// namespace), so no AVX2 code can be merged into a COMDAT that baseline code
// also uses (conv-design §4).
//
// Every operation maps to one IEEE-exact instruction whose AVX-512
// counterpart in avx512_ops_inl.h computes the same value per lane
// (including min/max's NaN rule: the second operand is returned when either
// is NaN), so templates written against these traits give bitwise-identical
// results on both ISAs.
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace simd_conv2d {
namespace {

struct Avx2Ops {
  using V = __m256;    // 8 floats
  using M = __m256;    // lane mask: all-ones / all-zeros per lane
  using I = __m256i;   // 8 int32
  using D = __m256d;   // 4 doubles: half of a V
  using DM = __m256d;  // double lane mask
  static constexpr int kLanes = 8;

  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  // Stores lanes [0, n), 0 <= n <= kLanes; never touches memory past them.
  static void store_n(float* p, V v, int n) {
    if (n >= kLanes) {
      _mm256_storeu_ps(p, v);
    } else if (n > 0) {
      alignas(32) static const std::int32_t kMask[16] = {-1, -1, -1, -1, -1, -1, -1, -1,
                                                         0,  0,  0,  0,  0,  0,  0,  0};
      const __m256i m = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kMask + 8 - n));
      _mm256_maskstore_ps(p, m, v);
    }
  }
  // Lanes [0, n) of a vector, 1 <= n < kLanes, for loads and stores that
  // must not touch memory past them (vmaskmovps does not fault on masked-off
  // lanes).
  using TailMask = __m256i;
  static TailMask tail_mask(int n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static V load_tail(const float* p, TailMask m) { return _mm256_maskload_ps(p, m); }  // others 0
  static void store_tail(float* p, V v, TailMask m) { _mm256_maskstore_ps(p, m, v); }
  static V broadcast(const float* p) { return _mm256_broadcast_ss(p); }
  static V set1(float x) { return _mm256_set1_ps(x); }
  static V zero() { return _mm256_setzero_ps(); }

  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V div(V a, V b) { return _mm256_div_ps(a, b); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }    // a*b + c, one rounding
  static V fnma(V a, V b, V c) { return _mm256_fnmadd_ps(a, b, c); }  // c - a*b, one rounding
  // x86 min/max: when either operand is NaN (or both are zeros) the SECOND
  // operand is returned.
  static V min(V a, V b) { return _mm256_min_ps(a, b); }
  static V max(V a, V b) { return _mm256_max_ps(a, b); }
  static V round_nearest(V a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }

  static V bit_and(V a, V b) { return _mm256_and_ps(a, b); }
  static V bit_or(V a, V b) { return _mm256_or_ps(a, b); }
  static V bit_xor(V a, V b) { return _mm256_xor_ps(a, b); }
  static V bit_andnot(V a, V b) { return _mm256_andnot_ps(a, b); }  // ~a & b

  // Ordered, quiet comparisons: false when either operand is NaN.
  static M lt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static M le(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
  static M gt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
  static M ge(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_GE_OQ); }
  static M eq(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
  static M is_nan(V a) { return _mm256_cmp_ps(a, a, _CMP_UNORD_Q); }
  static V select(M m, V if_true, V if_false) { return _mm256_blendv_ps(if_false, if_true, m); }

  // Integer lanes, for building powers of two.
  static I to_int_exact(V a) { return _mm256_cvttps_epi32(a); }  // a is integral
  static I int_add(I a, I b) { return _mm256_add_epi32(a, b); }
  static I int_sub(I a, I b) { return _mm256_sub_epi32(a, b); }
  static I int_half_floor(I a) { return _mm256_srai_epi32(a, 1); }
  // 2^k as a float for -126 <= k <= 127.
  static V pow2(I k) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k, _mm256_set1_epi32(127)), 23));
  }

  // Double-precision halves (lanes [0, 4) and [4, 8)), for the activations
  // that are evaluated exactly as the float64 reference does.
  static D lo_to_double(V a) { return _mm256_cvtps_pd(_mm256_castps256_ps128(a)); }
  static D hi_to_double(V a) { return _mm256_cvtps_pd(_mm256_extractf128_ps(a, 1)); }
  static V from_doubles(D lo, D hi) {
    return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm256_cvtpd_ps(lo)), _mm256_cvtpd_ps(hi), 1);
  }
  static D dset1(double x) { return _mm256_set1_pd(x); }
  static D dadd(D a, D b) { return _mm256_add_pd(a, b); }
  static D dsub(D a, D b) { return _mm256_sub_pd(a, b); }
  static D dfma(D a, D b, D c) { return _mm256_fmadd_pd(a, b, c); }
  static DM dle(D a, D b) { return _mm256_cmp_pd(a, b, _CMP_LE_OQ); }
  static D dmul(D a, D b) { return _mm256_mul_pd(a, b); }
  static D ddiv(D a, D b) { return _mm256_div_pd(a, b); }
  static D dabs(D a) { return _mm256_andnot_pd(_mm256_set1_pd(-0.0), a); }
  static DM dlt(D a, D b) { return _mm256_cmp_pd(a, b, _CMP_LT_OQ); }
  static DM dgt(D a, D b) { return _mm256_cmp_pd(a, b, _CMP_GT_OQ); }
  static DM dge(D a, D b) { return _mm256_cmp_pd(a, b, _CMP_GE_OQ); }
  static D dselect(DM m, D if_true, D if_false) { return _mm256_blendv_pd(if_false, if_true, m); }
};

}  // namespace
}  // namespace simd_conv2d

// AVX-512 (F/BW/DQ/VL) vector operations for the shared x86 kernel templates.
//
// The same interface as Avx2Ops (avx2_ops_inl.h), 16 lanes wide, with each
// operation the same IEEE operation per lane, so a template instantiated with
// either computes bitwise-identical results. Include only from translation
// units compiled with the AVX-512 flags (native/kernels/avx512/*), or from
// the test-only SIMDe emulation (native/tests/emulated/), which defines these
// _mm512_* names first; an intrinsic added here must exist in SIMDe or in
// tests/emulated/simde_avx512_gaps_inl.h (the emulated build fails otherwise).
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace simd_conv2d {
namespace {

struct Avx512Ops {
  using V = __m512;     // 16 floats
  using M = __mmask16;  // lane mask
  using I = __m512i;    // 16 int32
  using D = __m512d;    // 8 doubles: half of a V
  using DM = __mmask8;
  static constexpr int kLanes = 16;

  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  // Stores lanes [0, n), 0 <= n <= kLanes; masked-off lanes are not accessed.
  static void store_n(float* p, V v, int n) {
    if (n >= kLanes) {
      _mm512_storeu_ps(p, v);
    } else if (n > 0) {
      _mm512_mask_storeu_ps(p, static_cast<__mmask16>((1u << n) - 1u), v);
    }
  }
  // Lanes [0, n), 1 <= n < kLanes; masked-off lanes are not accessed.
  using TailMask = __mmask16;
  static TailMask tail_mask(int n) { return static_cast<__mmask16>((1u << n) - 1u); }
  static V load_tail(const float* p, TailMask m) { return _mm512_maskz_loadu_ps(m, p); }  // others 0
  static void store_tail(float* p, V v, TailMask m) { _mm512_mask_storeu_ps(p, m, v); }
  static V broadcast(const float* p) { return _mm512_set1_ps(*p); }
  static V set1(float x) { return _mm512_set1_ps(x); }
  static V zero() { return _mm512_setzero_ps(); }

  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V div(V a, V b) { return _mm512_div_ps(a, b); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V fnma(V a, V b, V c) { return _mm512_fnmadd_ps(a, b, c); }
  // Same NaN/zero rule as vminps/vmaxps on ymm: the second operand wins.
  static V min(V a, V b) { return _mm512_min_ps(a, b); }
  static V max(V a, V b) { return _mm512_max_ps(a, b); }
  static V round_nearest(V a) {
    return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }

  static V bit_and(V a, V b) { return _mm512_and_ps(a, b); }
  static V bit_or(V a, V b) { return _mm512_or_ps(a, b); }
  static V bit_xor(V a, V b) { return _mm512_xor_ps(a, b); }
  static V bit_andnot(V a, V b) { return _mm512_andnot_ps(a, b); }

  static M lt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
  static M le(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ); }
  static M gt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
  static M ge(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_GE_OQ); }
  static M eq(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
  static M is_nan(V a) { return _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q); }
  static V select(M m, V if_true, V if_false) { return _mm512_mask_blend_ps(m, if_false, if_true); }

  static I to_int_exact(V a) { return _mm512_cvttps_epi32(a); }
  static I int_add(I a, I b) { return _mm512_add_epi32(a, b); }
  static I int_sub(I a, I b) { return _mm512_sub_epi32(a, b); }
  static I int_half_floor(I a) { return _mm512_srai_epi32(a, 1); }
  static V pow2(I k) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(k, _mm512_set1_epi32(127)), 23));
  }

  static D lo_to_double(V a) { return _mm512_cvtps_pd(_mm512_castps512_ps256(a)); }
  static D hi_to_double(V a) { return _mm512_cvtps_pd(_mm512_extractf32x8_ps(a, 1)); }
  static V from_doubles(D lo, D hi) {
    return _mm512_insertf32x8(_mm512_castps256_ps512(_mm512_cvtpd_ps(lo)), _mm512_cvtpd_ps(hi), 1);
  }
  static D dset1(double x) { return _mm512_set1_pd(x); }
  static D dadd(D a, D b) { return _mm512_add_pd(a, b); }
  static D dsub(D a, D b) { return _mm512_sub_pd(a, b); }
  static D dfma(D a, D b, D c) { return _mm512_fmadd_pd(a, b, c); }
  static DM dle(D a, D b) { return _mm512_cmp_pd_mask(a, b, _CMP_LE_OQ); }
  static D dmul(D a, D b) { return _mm512_mul_pd(a, b); }
  static D ddiv(D a, D b) { return _mm512_div_pd(a, b); }
  static D dabs(D a) { return _mm512_abs_pd(a); }
  static DM dlt(D a, D b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
  static DM dgt(D a, D b) { return _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ); }
  static DM dge(D a, D b) { return _mm512_cmp_pd_mask(a, b, _CMP_GE_OQ); }
  static D dselect(DM m, D if_true, D if_false) { return _mm512_mask_blend_pd(m, if_false, if_true); }
};

}  // namespace
}  // namespace simd_conv2d

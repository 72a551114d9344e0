// The ten AVX-512 intrinsics the kernels use that SIMDe 0.7.4 (Debian 12's
// libsimde-dev) does not implement, for the emulated test build only.
//
// Each is written as the hardware instruction's own per-lane operation: two
// native 256-bit AVX operations on the halves (the same IEEE conversion, the
// same shift, the same in-lane permute, the same compare), or, for the
// masked store, one scalar store per selected lane, so masked-off lanes are never read or written (AVX-512 suppresses faults
// there, and the kernels store tile tails next to other threads' outputs).
// They replace any SIMDe version of the same name, so the build does not
// depend on which SIMDe release is installed. Include after
// <simde/x86/avx512.h> in a translation unit built with -mavx2 -mfma.
#pragma once

#include <simde/x86/avx512.h>

#include <cstdint>
#include <cstring>

#if !defined(__AVX2__) || !defined(__FMA__)
#error "the halves below are native AVX2 operations: build with -mavx2 -mfma"
#endif

namespace sc2d_emu {

struct Halves {
  __m256 lo, hi;
};

static inline Halves halves(simde__m512 v) {
  Halves h;
  std::memcpy(&h, &v, sizeof h);
  return h;
}

static inline simde__m512 join(__m256 lo, __m256 hi) {
  const Halves h{lo, hi};
  simde__m512 v;
  std::memcpy(&v, &h, sizeof v);
  return v;
}

struct HalvesI {
  __m256i lo, hi;
};

static inline HalvesI halves_i(simde__m512i v) {
  HalvesI h;
  std::memcpy(&h, &v, sizeof h);
  return h;
}

static inline simde__m512i join_i(__m256i lo, __m256i hi) {
  const HalvesI h{lo, hi};
  simde__m512i v;
  std::memcpy(&v, &h, sizeof v);
  return v;
}

// vmovups m512{k}, zmm
static inline void mm512_mask_storeu_ps(void* p, simde__mmask16 k, simde__m512 v) {
  float lanes[16];
  std::memcpy(lanes, &v, sizeof lanes);
  float* out = static_cast<float*>(p);
  for (int i = 0; i < 16; ++i) {
    if ((k >> i) & 1u) out[i] = lanes[i];
  }
}

// vmovups zmm{k}{z}, m512: masked-off lanes are zero and never read.
static inline simde__m512 mm512_maskz_loadu_ps(simde__mmask16 k, const void* p) {
  float lanes[16] = {};
  const float* in = static_cast<const float*>(p);
  for (int i = 0; i < 16; ++i) {
    if ((k >> i) & 1u) lanes[i] = in[i];
  }
  simde__m512 v;
  std::memcpy(&v, lanes, sizeof v);
  return v;
}

// vcvttps2dq zmm, zmm (out-of-range lanes give 0x80000000 on both)
static inline simde__m512i mm512_cvttps_epi32(simde__m512 a) {
  const Halves h = halves(a);
  return join_i(_mm256_cvttps_epi32(h.lo), _mm256_cvttps_epi32(h.hi));
}

// vpsrad zmm, zmm, imm8
static inline simde__m512i mm512_srai_epi32(simde__m512i a, int imm8) {
  const HalvesI h = halves_i(a);
  const __m128i count = _mm_cvtsi32_si128(imm8);
  return join_i(_mm256_sra_epi32(h.lo, count), _mm256_sra_epi32(h.hi, count));
}

// vcvtps2pd zmm, ymm
static inline simde__m512d mm512_cvtps_pd(simde__m256 a) {
  __m256 v;
  std::memcpy(&v, &a, sizeof v);
  const __m256d lo = _mm256_cvtps_pd(_mm256_castps256_ps128(v));
  const __m256d hi = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
  const __m256d both[2] = {lo, hi};
  simde__m512d r;
  std::memcpy(&r, both, sizeof r);
  return r;
}

// vcvtpd2ps ymm, zmm (current rounding mode, as the instruction)
static inline simde__m256 mm512_cvtpd_ps(simde__m512d a) {
  __m256d both[2];
  std::memcpy(both, &a, sizeof both);
  const __m256 r = _mm256_insertf128_ps(_mm256_castps128_ps256(_mm256_cvtpd_ps(both[0])),
                                        _mm256_cvtpd_ps(both[1]), 1);
  simde__m256 out;
  std::memcpy(&out, &r, sizeof out);
  return out;
}

// vextractf32x8 ymm, zmm, imm8 (bit 0 picks the half)
static inline simde__m256 mm512_extractf32x8_ps(simde__m512 a, int imm8) {
  const Halves h = halves(a);
  const __m256 r = (imm8 & 1) ? h.hi : h.lo;
  simde__m256 out;
  std::memcpy(&out, &r, sizeof out);
  return out;
}

// vpermilps zmm, zmm, zmm: within each 128-bit lane, by the low 2 bits of
// each index (the ymm form does the same on its two lanes).
static inline simde__m512 mm512_permutevar_ps(simde__m512 a, simde__m512i idx) {
  const Halves h = halves(a);
  const HalvesI i = halves_i(idx);
  return join(_mm256_permutevar_ps(h.lo, i.lo), _mm256_permutevar_ps(h.hi, i.hi));
}

// vpermilps zmm, zmm, imm8: the same selection as by register, with every
// 128-bit lane's four 2-bit fields taken from imm8.
static inline simde__m512 mm512_permute_ps(simde__m512 a, int imm8) {
  const __m256i idx = _mm256_setr_epi32(imm8 & 3, (imm8 >> 2) & 3, (imm8 >> 4) & 3, (imm8 >> 6) & 3,
                                        imm8 & 3, (imm8 >> 2) & 3, (imm8 >> 4) & 3, (imm8 >> 6) & 3);
  const Halves h = halves(a);
  return join(_mm256_permutevar_ps(h.lo, idx), _mm256_permutevar_ps(h.hi, idx));
}

// vpcmpd k, zmm, zmm, 4 (not equal)
static inline simde__mmask16 mm512_cmpneq_epi32_mask(simde__m512i a, simde__m512i b) {
  const HalvesI x = halves_i(a);
  const HalvesI y = halves_i(b);
  const unsigned lo = static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(x.lo, y.lo))));
  const unsigned hi = static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(x.hi, y.hi))));
  return static_cast<simde__mmask16>(~(lo | (hi << 8)) & 0xFFFFu);
}

}  // namespace sc2d_emu

#undef _mm512_mask_storeu_ps
#define _mm512_mask_storeu_ps(p, k, v) ::sc2d_emu::mm512_mask_storeu_ps((p), (k), (v))
#undef _mm512_maskz_loadu_ps
#define _mm512_maskz_loadu_ps(k, p) ::sc2d_emu::mm512_maskz_loadu_ps((k), (p))
#undef _mm512_cvttps_epi32
#define _mm512_cvttps_epi32(a) ::sc2d_emu::mm512_cvttps_epi32(a)
#undef _mm512_srai_epi32
#define _mm512_srai_epi32(a, imm8) ::sc2d_emu::mm512_srai_epi32((a), (imm8))
#undef _mm512_cvtps_pd
#define _mm512_cvtps_pd(a) ::sc2d_emu::mm512_cvtps_pd(a)
#undef _mm512_cvtpd_ps
#define _mm512_cvtpd_ps(a) ::sc2d_emu::mm512_cvtpd_ps(a)
#undef _mm512_extractf32x8_ps
#define _mm512_extractf32x8_ps(a, imm8) ::sc2d_emu::mm512_extractf32x8_ps((a), (imm8))
#undef _mm512_permutevar_ps
#define _mm512_permutevar_ps(a, idx) ::sc2d_emu::mm512_permutevar_ps((a), (idx))
#undef _mm512_permute_ps
#define _mm512_permute_ps(a, imm8) ::sc2d_emu::mm512_permute_ps((a), (imm8))
#undef _mm512_cmpneq_epi32_mask
#define _mm512_cmpneq_epi32_mask(a, b) ::sc2d_emu::mm512_cmpneq_epi32_mask((a), (b))

// The FMA throughput loop on 512-bit registers. Only this file is compiled
// with -mavx512f, and fma_peak calls it only when the CPU reports AVX-512F,
// so the peak is the better of ymm and zmm: on CPUs that run a zmm FMA as two
// ymm halves (AMD Zen 4) the two agree, on those with full-width 512-bit
// FMA units zmm doubles it, and "% of peak" must count against that.
#include <immintrin.h>

#include <cstdint>

namespace bench {

// As fma_loop_avx2: 12 independent chains, x = x*m + c, which converges.
float fma_loop_avx512(std::int64_t iterations) {
  const __m512 m = _mm512_set1_ps(0.999f);
  const __m512 c = _mm512_set1_ps(0.001f);
  __m512 a[12];
  for (int k = 0; k < 12; ++k) a[k] = _mm512_set1_ps(0.10f + 0.01f * static_cast<float>(k));
  for (std::int64_t i = 0; i < iterations; ++i) {
#pragma GCC unroll 12
    for (int k = 0; k < 12; ++k) a[k] = _mm512_fmadd_ps(a[k], m, c);
  }
  __m512 s = a[0];
  for (int k = 1; k < 12; ++k) s = _mm512_add_ps(s, a[k]);
  return _mm512_reduce_add_ps(s);
}

}  // namespace bench

// The product's AVX-512 pointwise kernel, textually included and compiled
// against SIMDe, as conv_f32_nhwc_12x32_avx512_simde.cc explains. Its calls
// to the 12 x 32 tile (short runs, tail pixels) go to that tile's emulated
// build.
#if defined(__AVX512F__)
#error "this file emulates AVX-512: build it without -mavx512*"
#endif

#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>

#include "tests/emulated/simde_avx512_gaps_inl.h"

#define conv_f32_nhwc_12x32_avx512 conv_f32_nhwc_12x32_avx512_emulated
#define pointwise_f32_nhwc_4x6x16_avx512 pointwise_f32_nhwc_4x6x16_avx512_emulated
#include "kernels/avx512/pointwise_f32_nhwc_4x6x16_avx512.cc"
#undef conv_f32_nhwc_12x32_avx512
#undef pointwise_f32_nhwc_4x6x16_avx512

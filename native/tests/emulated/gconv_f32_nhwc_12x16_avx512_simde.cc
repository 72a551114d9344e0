// The product's AVX-512 small-group kernel translation unit over SIMDe, for
// the tests only: the same arrangement, flags and reasons as
// conv_f32_nhwc_12x32_avx512_simde.cc (fused FMAs need -mfma; exported names
// get an _emulated suffix; everything else keeps internal linkage).
#if defined(__AVX512F__)
#error "this file emulates AVX-512: build it without -mavx512*"
#endif

#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>

#include "tests/emulated/simde_avx512_gaps_inl.h"

#define gconv_f32_nhwc_12x16_avx512 gconv_f32_nhwc_12x16_avx512_emulated
#include "kernels/avx512/gconv_f32_nhwc_12x16_avx512.cc"
#undef gconv_f32_nhwc_12x16_avx512

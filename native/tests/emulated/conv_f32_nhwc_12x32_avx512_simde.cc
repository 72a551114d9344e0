// The product's AVX-512 kernel translation unit, textually included, with
// SIMDe's portable _mm512_* in place of the compiler's: the logic under test
// is the shipped source itself, not a copy. Built with the AVX2 kernels'
// flags (-mavx2 -mfma -mf16c) and never -mavx512*: SIMDe then computes each
// 512-bit operation as two native 256-bit ones, and its _mm512_fmadd_ps is
// two vfmadd ymm (fused, one rounding); without -mfma SIMDe falls back to
// a*b + c with two roundings, and the bitwise tests would fail.
//
// Exported names get an _emulated suffix so this object links next to the
// real AVX-512 kernel in the test binary. Everything else keeps the product
// file's internal linkage (the anonymous namespace), so no AVX2 COMDAT
// reaches baseline code (scripts/check-isa-leaks.sh checks this object too).
#if defined(__AVX512F__)
#error "this file emulates AVX-512: build it without -mavx512*"
#endif

#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>

#include "tests/emulated/simde_avx512_gaps_inl.h"

#define conv_f32_nhwc_12x32_avx512 conv_f32_nhwc_12x32_avx512_emulated
#define activate_f32_avx512 activate_f32_avx512_emulated
#include "kernels/avx512/conv_f32_nhwc_12x32_avx512.cc"
#undef conv_f32_nhwc_12x32_avx512
#undef activate_f32_avx512

# node-gyp build of the same addon CMakeLists.txt builds (for `npm install`
# from source through node-gyp-build, and `npx node-gyp rebuild`).
# Keep the source list and flags in step with CMakeLists.txt.
{
  "variables": {
    "sc2d_version": "<!(node -p \"require('./package.json').version\")",
  },
  "targets": [
    {
      "target_name": "simd_conv2d",
      "sources": [
        "native/addon/compute_queue.cc",
        "native/addon/conv_call.cc",
        "native/addon/conv2d_async.cc",
        "native/addon/conv2d_sync.cc",
        "native/addon/js_values.cc",
        "native/addon/malloc_policy.cc",
        "native/addon/module.cc",
        "native/addon/packed_weights_object.cc",
        "native/common/block_pool.cc",
        "native/common/check.cc",
        "native/conv/conv2d.cc",
        "native/conv/depthwise.cc",
        "native/conv/pointwise.cc",
        "native/conv/grouped.cc",
        "native/conv/tiling.cc",
        "native/conv/layout_transpose.cc",
        "native/conv/pack.cc",
        "native/conv/plan.cc",
        "native/cpu/cpu_features.cc",
        "native/cpu/dispatch.cc",
        "native/kernels/activation_names.cc",
        "native/kernels/epilogue_f64.cc",
        "native/kernels/registry.cc",
        "native/kernels/tile_checks.cc",
        "native/kernels/scalar/conv_f32_nhwc_4x8_scalar.cc",
        "native/kernels/scalar/dwconv_f32_nhwc_scalar.cc",
        "native/kernels/scalar/gconv_f32_nhwc_scalar.cc",
        "native/parallel/available_cpus.cc",
        "native/parallel/parallel_for.cc",
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "native",
      ],
      "defines": [
        "NAPI_VERSION=9",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_ADDON_API_CPP_EXCEPTIONS_ALL",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "SIMD_CONV2D_VERSION=\"<(sc2d_version)\"",
      ],
      # Node's common.gypi turns exceptions and RTTI off and picks -O3 and
      # gnu++17; the addon needs exceptions, and both build systems should
      # compile the same code the same way (-O2, no FP contraction).
      "cflags!": ["-fno-exceptions", "-O3"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-O3"],
      "cflags": ["-O2", "-ffp-contract=off", "-fvisibility=hidden", "-fPIC"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-fvisibility-inlines-hidden"],
      "configurations": {
        "Release": {
          "cflags!": ["-O3"],
          "cflags_cc!": ["-O3"],
          "cflags": ["-O2"],
        },
      },
      "conditions": [
        # The x86 SIMD kernels (AVX2 + FMA, AVX-512) live in their own static
        # libraries below, the only code built with those ISA flags; the
        # defines make registry.cc list their tables. (MSVC is not supported
        # for them, as in CMakeLists.txt.)
        ["target_arch=='x64' and OS!='win'", {
          "dependencies": ["simd_conv2d_avx2", "simd_conv2d_avx512"],
          "defines": ["SIMD_CONV2D_HAVE_AVX2=1", "SIMD_CONV2D_HAVE_AVX512=1"],
        }],
        ["target_arch=='arm64' and OS!='win'", {
          "dependencies": ["simd_conv2d_neon"],
          "defines": ["SIMD_CONV2D_HAVE_NEON=1"],
        }],
        ["OS=='linux' or OS=='freebsd'", {
          "cflags": ["-fopenmp"],
          # The run path lets a prebuilt binary find the OpenMP runtime shipped
          # beside it (npm run prebuild copies libgomp.so.1 there); a build
          # from source finds the system's through the usual search.
          "ldflags": ["-fopenmp", "-Wl,-rpath,'$$ORIGIN'"],
        }],
        ["OS=='mac'", {
          # Apple clang has no -fopenmp; the build is single-threaded there.
          "xcode_settings": {
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "GCC_ENABLE_CPP_RTTI": "YES",
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
            "GCC_OPTIMIZATION_LEVEL": "2",
            "OTHER_CFLAGS": ["-ffp-contract=off"],
          },
        }],
        ["OS=='win'", {
          "defines": ["_HAS_EXCEPTIONS=1"],
          "msvs_settings": {
            "VCCLCompilerTool": {
              "ExceptionHandling": 1,
              "RuntimeTypeInfo": "true",
              "Optimization": 2,
              "AdditionalOptions": ["/std:c++17", "/openmp", "/fp:precise"],
            },
          },
        }],
      ],
    },
  ],
  # One static library per x86 ISA: node-gyp has no per-file flags, so each
  # ISA's kernel files (CMakeLists.txt's SC2D_AVX2_SOURCES /
  # SC2D_AVX512_SOURCES; keep the lists in step) are compiled here with the
  # addon's base flags plus that ISA's, and nothing else is.
  "conditions": [
    ["target_arch=='x64' and OS!='win'", {
      "targets": [
        {
          "target_name": "simd_conv2d_avx2",
          "type": "static_library",
          "include_dirs": ["native"],
          "cflags!": ["-fno-exceptions", "-O3"],
          "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-O3"],
          "cflags_cc": ["-std=c++17", "-fexceptions", "-fvisibility-inlines-hidden"],
          "configurations": {
            "Release": {"cflags!": ["-O3"], "cflags_cc!": ["-O3"], "cflags": ["-O2"]},
          },
          "sources": [
            "native/kernels/avx2/conv_f32_nhwc_6x16_avx2.cc",
            "native/kernels/avx2/dwconv_f32_nhwc_avx2.cc",
            "native/kernels/avx2/gconv_f32_nhwc_12x8_avx2.cc",
          ],
          "cflags": ["-O2", "-ffp-contract=off", "-fvisibility=hidden", "-fPIC",
                     "-mavx2", "-mfma", "-mf16c"],
          "xcode_settings": {
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
            "GCC_OPTIMIZATION_LEVEL": "2",
            "OTHER_CFLAGS": ["-ffp-contract=off", "-mavx2", "-mfma", "-mf16c"],
          },
        },
        {
          "target_name": "simd_conv2d_avx512",
          "type": "static_library",
          "include_dirs": ["native"],
          "cflags!": ["-fno-exceptions", "-O3"],
          "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-O3"],
          "cflags_cc": ["-std=c++17", "-fexceptions", "-fvisibility-inlines-hidden"],
          "configurations": {
            "Release": {"cflags!": ["-O3"], "cflags_cc!": ["-O3"], "cflags": ["-O2"]},
          },
          "sources": [
            "native/kernels/avx512/conv_f32_nhwc_12x32_avx512.cc",
            "native/kernels/avx512/pointwise_f32_nhwc_4x6x16_avx512.cc",
            "native/kernels/avx512/dwconv_f32_nhwc_avx512.cc",
            "native/kernels/avx512/gconv_f32_nhwc_12x16_avx512.cc",
          ],
          "cflags": ["-O2", "-ffp-contract=off", "-fvisibility=hidden", "-fPIC",
                     "-mavx512f", "-mavx512bw", "-mavx512dq", "-mavx512vl", "-mavx2", "-mfma",
                     "-mf16c"],
          "xcode_settings": {
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
            "GCC_OPTIMIZATION_LEVEL": "2",
            "OTHER_CFLAGS": ["-ffp-contract=off", "-mavx512f", "-mavx512bw", "-mavx512dq",
                             "-mavx512vl", "-mavx2", "-mfma", "-mf16c"],
          },
        },
      ],
    }],
    ["target_arch=='arm64' and OS!='win'", {
      "targets": [
        {
          # Advanced SIMD is baseline on AArch64: no ISA flags, only
          # CMakeLists.txt's SC2D_NEON_FLAGS (GCC's pre-RA scheduler pass off
          # for these files; keep the lists in step).
          "target_name": "simd_conv2d_neon",
          "type": "static_library",
          "include_dirs": ["native"],
          "cflags!": ["-fno-exceptions", "-O3"],
          "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-O3"],
          "cflags_cc": ["-std=c++17", "-fexceptions", "-fvisibility-inlines-hidden"],
          "configurations": {
            "Release": {"cflags!": ["-O3"], "cflags_cc!": ["-O3"], "cflags": ["-O2"]},
          },
          "sources": [
            "native/kernels/neon/conv_f32_nhwc_8x8_neon.cc",
            "native/kernels/neon/gconv_f32_nhwc_8x8_neon.cc",
            "native/kernels/neon/dwconv_f32_nhwc_neon.cc",
          ],
          "cflags": ["-O2", "-ffp-contract=off", "-fvisibility=hidden", "-fPIC"],
          "conditions": [
            ["OS=='linux'", {"cflags": ["-fno-schedule-insns"]}],
          ],
        },
      ],
    }],
  ],
}

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
        "native/addon/conv_call.cc",
        "native/addon/conv2d_async.cc",
        "native/addon/conv2d_sync.cc",
        "native/addon/js_values.cc",
        "native/addon/module.cc",
        "native/addon/packed_weights_object.cc",
        "native/common/check.cc",
        "native/conv/conv2d.cc",
        "native/conv/tiling.cc",
        "native/conv/layout_transpose.cc",
        "native/conv/pack.cc",
        "native/conv/plan.cc",
        "native/cpu/cpu_features.cc",
        "native/cpu/dispatch.cc",
        "native/kernels/activation_names.cc",
        "native/kernels/epilogue_f64.cc",
        "native/kernels/registry.cc",
        "native/kernels/scalar/conv_f32_nhwc_4x8_scalar.cc",
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
        ["OS=='linux' or OS=='freebsd'", {
          "cflags": ["-fopenmp"],
          "ldflags": ["-fopenmp"],
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
}

// Times oneDNN's convolution on the suite layers, as a native ceiling for the
// same math: f32, forward_inference, src/dst in NHWC ("acdb", the layout our
// users hold), weights in the primitive's preferred layout (format `any`),
// packed once before timing, as our layer packs its weights once in
// setWeights. Dilation uses oneDNN's convention (0 = dense, i.e. Keras d - 1).
//
//   onednn_conv --threads T [--target-s ...] --ref-dir DIR --layer ... [--layer ...]
//
// Threads: Debian's libdnnl is built on OpenMP; the orchestrator also sets
// OMP_NUM_THREADS=T so the pool is created with T threads.
#include <omp.h>

#include <dnnl.hpp>

#include "common.h"

using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

namespace {

dnnl::convolution_forward::primitive_desc make_pd(const dnnl::engine& eng, dnnl::algorithm alg,
                                                  const memory::desc& src, const memory::desc& wei,
                                                  const memory::desc& dst, const memory::dims& strides,
                                                  const memory::dims& dil, const memory::dims& pad_l,
                                                  const memory::dims& pad_r) {
#if DNNL_VERSION_MAJOR >= 3
  return dnnl::convolution_forward::primitive_desc(eng, dnnl::prop_kind::forward_inference, alg, src,
                                                   wei, dst, strides, dil, pad_l, pad_r);
#else
  dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference, alg, src, wei, dst, strides,
                                    dil, pad_l, pad_r);
  return dnnl::convolution_forward::primitive_desc(d, eng);
#endif
}

void run_layer(const bench::Options& o, const bench::Layer& l, const dnnl::engine& eng,
               dnnl::stream& strm) {
  const long G = l.groups;
  const memory::dims src_dims{l.N, l.Cin, l.H, l.W};
  const memory::dims dst_dims{l.N, l.Cout, l.Ho, l.Wo};
  // With groups, oneDNN weights are (G, Cout/G, Cin/G, Kh, Kw); the Keras
  // HWIO buffer is exactly the "hwigo" (decab) layout of those dims.
  const memory::dims wei_dims = G > 1 ? memory::dims{G, l.Cout / G, l.Cin / G, l.Kh, l.Kw}
                                      : memory::dims{l.Cout, l.Cin, l.Kh, l.Kw};
  const tag user_wei_tag = G > 1 ? tag::hwigo : tag::hwio;

  const memory::desc src_md(src_dims, dt::f32, tag::acdb);
  const memory::desc dst_md(dst_dims, dt::f32, tag::acdb);
  const memory::desc wei_any(wei_dims, dt::f32, tag::any);
  const memory::dims strides{l.stride, l.stride};
  const memory::dims dil{l.dilation - 1, l.dilation - 1};
  const memory::dims pad_l{l.pad_top, l.pad_left};
  const memory::dims pad_r{l.pad_bottom, l.pad_right};

  dnnl::convolution_forward::primitive_desc pd;
  try {
    pd = make_pd(eng, dnnl::algorithm::convolution_direct, src_md, wei_any, dst_md, strides, dil,
                 pad_l, pad_r);
  } catch (const dnnl::error&) {
    pd = make_pd(eng, dnnl::algorithm::convolution_auto, src_md, wei_any, dst_md, strides, dil,
                 pad_l, pad_r);
  }

  auto x = bench::make_buffer(l.input_size());
  auto w = bench::make_buffer(l.kernel_size());
  auto y = bench::make_buffer(l.output_size());
  bench::fill_input(l, x.get());
  bench::fill_kernel(l, w.get());

  memory user_wei(memory::desc(wei_dims, dt::f32, user_wei_tag), eng, w.get());
  memory wei(pd.weights_desc(), eng);
  dnnl::reorder(user_wei, wei).execute(strm, user_wei, wei);  // once, not timed
  strm.wait();
  // src/dst are NHWC as requested; use the caller's buffers directly.
  memory src(pd.src_desc(), eng, x.get());
  memory dst(pd.dst_desc(), eng, y.get());
  dnnl::convolution_forward conv(pd);

  auto run = [&] {
    conv.execute(strm, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}});
    strm.wait();
  };
  bench::check_and_time(o, l, "onednn", pd.impl_info_str(), y.get(), run);
}

}  // namespace

int main(int argc, char** argv) {
  const bench::Options o = bench::parse_options(argc, argv);
  omp_set_num_threads(o.threads);
  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  dnnl::stream strm(eng);
  const dnnl::version_t* v = dnnl::version();
  char buf[256];
  std::snprintf(buf, sizeof buf, "\"type\":\"meta\",\"version\":\"oneDNN %d.%d.%d\",\"threads\":%d",
                v->major, v->minor, v->patch, omp_get_max_threads());
  bench::emit(buf);
  for (const auto& l : o.layers) {
    try {
      run_layer(o, l, eng, strm);
    } catch (const std::exception& e) {
      std::snprintf(buf, sizeof buf, "\"type\":\"skip\",\"layer\":\"%s\",\"key\":\"onednn\",\"reason\":\"%s\"",
                    l.id.c_str(), bench::json_escape(e.what()).c_str());
      bench::emit(buf);
    }
  }
  return 0;
}

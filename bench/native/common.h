// Shared pieces of the native benchmarks: the suite's deterministic data,
// layer arguments, the timing protocol (the same as bench/timing.js), the
// output check, and the JSON lines the Node orchestrator reads.
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace bench {

// ---------------------------------------------------------------- data
// value(i, seed) of suite.json's `data` field; uint32 arithmetic wraps
// exactly like the JS Math.imul version.
inline float suite_value(std::uint64_t i, std::uint32_t seed) {
  const std::uint32_t u = static_cast<std::uint32_t>(i) * 2654435761u + seed;
  return static_cast<float>((u >> 8) / 16777216.0 * 2.0 - 1.0);
}

// 64-byte aligned float buffer: unaligned buffers made oneDNN and simple
// loops slower and erratic on the project machine (perf-anchors.md).
struct AlignedFree {
  void operator()(float* p) const { std::free(p); }
};
using Buffer = std::unique_ptr<float[], AlignedFree>;
inline Buffer make_buffer(std::size_t n) {
  const std::size_t bytes = ((n * sizeof(float) + 63) / 64) * 64;
  auto* p = static_cast<float*>(std::aligned_alloc(64, bytes ? bytes : 64));
  if (!p) throw std::bad_alloc();
  std::memset(p, 0, bytes ? bytes : 64);
  return Buffer(p);
}

// ---------------------------------------------------------------- layers
struct Layer {
  std::string id;
  long N, H, W, Cin, Cout, Kh, Kw, stride, dilation, groups;
  long pad_top, pad_bottom, pad_left, pad_right, Ho, Wo;
  std::string padding;  // "same" | "valid"

  std::size_t input_size() const { return std::size_t(N) * H * W * Cin; }
  std::size_t kernel_size() const { return std::size_t(Kh) * Kw * (Cin / groups) * Cout; }
  std::size_t output_size() const { return std::size_t(N) * Ho * Wo * Cout; }
};

// --layer id:N:H:W:Cin:Cout:Kh:Kw:stride:dilation:groups:pt:pb:pl:pr:Ho:Wo:padding
inline bool parse_layer(const std::string& s, Layer* l) {
  std::vector<std::string> f;
  std::stringstream ss(s);
  std::string tok;
  while (std::getline(ss, tok, ':')) f.push_back(tok);
  if (f.size() != 18) return false;
  long* v[] = {&l->N, &l->H, &l->W, &l->Cin, &l->Cout, &l->Kh, &l->Kw, &l->stride,
               &l->dilation, &l->groups, &l->pad_top, &l->pad_bottom, &l->pad_left,
               &l->pad_right, &l->Ho, &l->Wo};
  l->id = f[0];
  for (int i = 0; i < 16; ++i) *v[i] = std::strtol(f[i + 1].c_str(), nullptr, 10);
  l->padding = f[17];
  return true;
}

inline void fill_input(const Layer& l, float* x) {
  for (std::size_t i = 0; i < l.input_size(); ++i) x[i] = suite_value(i, 1);
}
// Keras HWIO (Kh, Kw, Cin/groups, Cout), scaled by 1/sqrt(fan-in).
inline void fill_kernel(const Layer& l, float* w) {
  const double scale = 1.0 / std::sqrt(double(l.Kh * l.Kw * (l.Cin / l.groups)));
  for (std::size_t i = 0; i < l.kernel_size(); ++i) {
    w[i] = static_cast<float>(suite_value(i, 2) * scale);
  }
}

// ---------------------------------------------------------------- options
struct Options {
  int threads = 1;
  double target_s = 0.5;
  int min_runs = 5;
  int max_runs = 2000;
  int warmup_calls = 3;
  double warmup_s = 0.1;
  std::string ref_dir;
  std::vector<Layer> layers;
};

inline Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const std::string v = argv[i + 1];
    if (k == "--threads") o.threads = std::atoi(v.c_str());
    else if (k == "--target-s") o.target_s = std::atof(v.c_str());
    else if (k == "--min-runs") o.min_runs = std::atoi(v.c_str());
    else if (k == "--max-runs") o.max_runs = std::atoi(v.c_str());
    else if (k == "--warmup-calls") o.warmup_calls = std::atoi(v.c_str());
    else if (k == "--warmup-s") o.warmup_s = std::atof(v.c_str());
    else if (k == "--ref-dir") o.ref_dir = v;
    else if (k == "--layer") {
      Layer l;
      if (!parse_layer(v, &l)) {
        std::fprintf(stderr, "bad --layer %s\n", v.c_str());
        std::exit(2);
      }
      o.layers.push_back(l);
    } else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  if (o.threads < 1) o.threads = 1;
  return o;
}

// ---------------------------------------------------------------- timing
struct Timing {
  double ms = 0, min_ms = 0, p25 = 0, p75 = 0;
  int runs = 0;
};

inline double now_ms() {
  using clock = std::chrono::steady_clock;
  return std::chrono::duration<double, std::milli>(clock::now().time_since_epoch()).count();
}

// Warm up (≥ warmup_calls and ≥ warmup_s), size N from the warm-up speed to
// take ~target_s, then the median of N single-call times.
inline Timing measure(const Options& o, const std::function<void()>& fn) {
  int calls = 0;
  const double w0 = now_ms();
  while (calls < o.warmup_calls || now_ms() - w0 < o.warmup_s * 1000) {
    fn();
    ++calls;
    if (now_ms() - w0 > 4 * o.target_s * 1000) break;
  }
  const double per_call = (now_ms() - w0) / calls;
  int n = static_cast<int>(std::lround(o.target_s * 1000 / std::max(per_call, 1e-3)));
  n = std::max(o.min_runs, std::min(o.max_runs, n));
  std::vector<double> t(n);
  for (int i = 0; i < n; ++i) {
    const double t0 = now_ms();
    fn();
    t[i] = now_ms() - t0;
  }
  std::sort(t.begin(), t.end());
  auto q = [&](double f) { return t[std::min<std::size_t>(n - 1, std::size_t(f * (n - 1) + 0.5))]; };
  Timing r;
  r.runs = n;
  r.ms = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
  r.min_ms = t[0];
  r.p25 = q(0.25);
  r.p75 = q(0.75);
  return r;
}

// ---------------------------------------------------------------- output
inline double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

inline std::string json_escape(const std::string& s) {
  std::string r;
  for (char c : s) {
    if (c == '"' || c == '\\') r += '\\', r += c;
    else if (static_cast<unsigned char>(c) < 0x20) r += ' ';
    else r += c;
  }
  return r;
}

// Every protocol line starts with "@@bench " so stray library output on
// stdout can never be mistaken for a result.
inline void emit(const std::string& json_body) {
  std::printf("@@bench {%s,\"cpuS\":%.4f}\n", json_body.c_str(), cpu_seconds());
  std::fflush(stdout);
}

// ---------------------------------------------------------------- check
// max|y - ref| / max|ref| against <ref_dir>/<id>.f32 (our addon's output,
// written by the orchestrator). Returns -1 when there is no reference file.
inline double check_against_ref(const Options& o, const Layer& l, const float* y) {
  if (o.ref_dir.empty()) return -1;
  std::ifstream f(o.ref_dir + "/" + l.id + ".f32", std::ios::binary);
  if (!f) return -1;
  std::vector<float> ref(l.output_size());
  f.read(reinterpret_cast<char*>(ref.data()), std::streamsize(ref.size() * sizeof(float)));
  if (std::size_t(f.gcount()) != ref.size() * sizeof(float)) return -1;
  double max_diff = 0, max_ref = 0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const double d = std::fabs(double(y[i]) - ref[i]);
    if (!(d <= max_diff)) max_diff = std::isnan(d) ? INFINITY : d;
    max_ref = std::max(max_ref, std::fabs(double(ref[i])));
  }
  return max_ref > 0 ? max_diff / max_ref : max_diff;
}

inline constexpr double kTolerance = 1e-4;

// Check, then time: emits a "result" line, or a "fail" line (and no timing)
// when the output disagrees with ours, so a wrong computation is never timed.
inline void check_and_time(const Options& o, const Layer& l, const std::string& key,
                           const std::string& impl, const float* y,
                           const std::function<void()>& run) {
  run();
  const double err = check_against_ref(o, l, y);
  char buf[512];
  if (err >= 0 && !(err < kTolerance)) {
    std::snprintf(buf, sizeof buf,
                  "\"type\":\"fail\",\"layer\":\"%s\",\"key\":\"%s\",\"err\":%.3e,\"impl\":\"%s\"",
                  l.id.c_str(), key.c_str(), std::isinf(err) ? 1e300 : err,
                  json_escape(impl).c_str());
    emit(buf);
    return;
  }
  const Timing t = measure(o, run);
  char err_text[32] = "null";
  if (err >= 0) std::snprintf(err_text, sizeof err_text, "%.3e", err);
  std::snprintf(buf, sizeof buf,
                "\"type\":\"result\",\"layer\":\"%s\",\"key\":\"%s\",\"ms\":%.6f,\"minMs\":%.6f,"
                "\"p25\":%.6f,\"p75\":%.6f,\"runs\":%d,\"err\":%s,\"impl\":\"%s\"",
                l.id.c_str(), key.c_str(), t.ms, t.min_ms, t.p25, t.p75, t.runs,
                err_text, json_escape(impl).c_str());
  emit(buf);
}

}  // namespace bench

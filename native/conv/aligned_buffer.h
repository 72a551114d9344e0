// An uninitialised, 64-byte aligned float array.
//
// 64 bytes is a cache line and the widest vector load (AVX-512), so packed
// weight blocks never straddle lines unnecessarily. Uninitialised because the
// large temporaries are fully overwritten anyway. Large arrays are recycled
// through the block pool (common/block_pool.h), which spares them page faults.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <new>

#include "common/block_pool.h"

namespace simd_conv2d {

class AlignedFloats {
 public:
  static constexpr std::size_t kAlignment = kPoolAlignment;

  AlignedFloats() = default;
  // Throws std::bad_alloc when the memory is not available or the size does
  // not fit size_t.
  explicit AlignedFloats(std::int64_t count) : size_(count) {
    if (count <= 0) {
      size_ = 0;
      return;
    }
    if (static_cast<std::uint64_t>(count) >
        std::numeric_limits<std::size_t>::max() / sizeof(float)) {
      throw std::bad_alloc();
    }
    const std::size_t bytes = static_cast<std::size_t>(count) * sizeof(float);
    data_ = std::unique_ptr<float, Free>(static_cast<float*>(pool_acquire(bytes)), Free{bytes});
  }

  float* data() { return data_.get(); }
  const float* data() const { return data_.get(); }
  std::int64_t size() const { return size_; }

 private:
  struct Free {
    std::size_t bytes = 0;
    void operator()(float* p) const { pool_release(p, bytes); }
  };
  std::unique_ptr<float, Free> data_{nullptr, Free{}};
  std::int64_t size_ = 0;
};

}  // namespace simd_conv2d

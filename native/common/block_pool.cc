#include "common/block_pool.h"

#include <mutex>
#include <new>
#include <unordered_map>

namespace simd_conv2d {
namespace {

// Blocks are sized in 64 KiB steps so that calls with slightly different
// shapes still share them.
constexpr std::size_t kGranule = std::size_t{64} << 10;

std::size_t block_size(std::size_t bytes) {
  if (bytes < kPoolMinBytes) return bytes == 0 ? kPoolAlignment : bytes;
  if (bytes > static_cast<std::size_t>(-1) - kGranule) throw std::bad_alloc();
  return (bytes + kGranule - 1) / kGranule * kGranule;
}

struct Pool {
  std::mutex mutex;
  std::unordered_multimap<std::size_t, void*> free_blocks;
  std::size_t cached = 0;
};

// Never destroyed: blocks may be released by finalizers during process exit.
Pool& pool() {
  static Pool* p = new Pool();
  return *p;
}

void* allocate(std::size_t size) { return ::operator new(size, std::align_val_t{kPoolAlignment}); }
void deallocate(void* block) noexcept { ::operator delete(block, std::align_val_t{kPoolAlignment}); }

}  // namespace

void* pool_acquire(std::size_t bytes) {
  const std::size_t size = block_size(bytes);
  if (size >= kPoolMinBytes) {
    Pool& p = pool();
    std::lock_guard<std::mutex> lock(p.mutex);
    auto it = p.free_blocks.find(size);
    if (it != p.free_blocks.end()) {
      void* block = it->second;
      p.free_blocks.erase(it);
      p.cached -= size;
      return block;
    }
  }
  return allocate(size);
}

void pool_release(void* block, std::size_t bytes) noexcept {
  if (block == nullptr) return;
  const std::size_t size = block_size(bytes);
  if (size >= kPoolMinBytes) {
    Pool& p = pool();
    std::lock_guard<std::mutex> lock(p.mutex);
    if (p.cached + size <= kPoolMaxCachedBytes) {
      p.free_blocks.emplace(size, block);
      p.cached += size;
      return;
    }
  }
  deallocate(block);
}

std::size_t pool_cached_bytes() noexcept {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  return p.cached;
}

}  // namespace simd_conv2d

// The block pool recycles large buffers (so they need no page faults) and
// caps what it keeps.
#include <cstdint>
#include <vector>

#include "common/block_pool.h"
#include "tests/check.h"

namespace sc2d_test {
namespace {

using namespace simd_conv2d;

TEST_CASE(pool_recycles_large_blocks) {
  const std::size_t bytes = 3 * kPoolMinBytes + 123;
  void* a = pool_acquire(bytes);
  CHECK(a != nullptr && reinterpret_cast<std::uintptr_t>(a) % kPoolAlignment == 0);
  const std::size_t before = pool_cached_bytes();
  pool_release(a, bytes);
  CHECK(pool_cached_bytes() > before);
  void* b = pool_acquire(bytes + 1000);  // same 64 KiB granule: the same block comes back
  CHECK(b == a);
  CHECK(pool_cached_bytes() == before);
  pool_release(b, bytes + 1000);
}

TEST_CASE(pool_leaves_small_blocks_alone) {
  const std::size_t before = pool_cached_bytes();
  void* a = pool_acquire(4096);
  CHECK(a != nullptr && reinterpret_cast<std::uintptr_t>(a) % kPoolAlignment == 0);
  pool_release(a, 4096);
  CHECK(pool_cached_bytes() == before);
  pool_release(pool_acquire(0), 0);
}

TEST_CASE(pool_caps_what_it_keeps) {
  std::vector<void*> blocks;
  const std::size_t bytes = 8 * kPoolMinBytes;
  for (std::size_t i = 0; i < 2 * kPoolMaxCachedBytes / bytes; ++i) blocks.push_back(pool_acquire(bytes));
  for (void* b : blocks) pool_release(b, bytes);
  CHECK(pool_cached_bytes() <= kPoolMaxCachedBytes);
}

}  // namespace
}  // namespace sc2d_test

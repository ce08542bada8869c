// used_memory counts every way the process takes and returns heap memory
// (malloc, calloc, realloc, the aligned forms, new/delete), so that the
// maxmemory check can read it before each command. Under ASan the count is
// the sanitizer's, which these checks hold for too.
#include <gtest/gtest.h>

#include <malloc.h>

#include <cstdlib>
#include <memory>

#include "server/core/memory.h"

namespace arbor::core {
namespace {

constexpr size_t kBlock = 1 << 20;

// The compiler may drop an allocation nothing uses; this one is used.
void* keep(void* block) {
  asm volatile("" : : "r"(block) : "memory");
  return block;
}

// The count moved by at least `bytes` (other threads may allocate a little).
bool grew_by(uint64_t before, uint64_t bytes) { return used_memory() >= before + bytes; }
bool back_to(uint64_t before) { return used_memory() < before + kBlock / 2; }

TEST(MemoryCount, MallocFreeAndCalloc) {
  const uint64_t before = used_memory();
  void* block = keep(std::malloc(kBlock));
  ASSERT_NE(block, nullptr);
  EXPECT_TRUE(grew_by(before, kBlock));
  std::free(block);
  EXPECT_TRUE(back_to(before));
  block = keep(std::calloc(kBlock / 8, 8));
  EXPECT_TRUE(grew_by(before, kBlock));
  std::free(block);
  EXPECT_TRUE(back_to(before));
}

TEST(MemoryCount, ReallocGrowsShrinksAndFrees) {
  const uint64_t before = used_memory();
  void* block = keep(std::realloc(nullptr, 1024));
  block = keep(std::realloc(block, 4 * kBlock));
  EXPECT_TRUE(grew_by(before, 4 * kBlock));
  block = keep(std::realloc(block, 16));
  EXPECT_TRUE(back_to(before));
  std::free(block);
  EXPECT_TRUE(back_to(before));
}

TEST(MemoryCount, AlignedFormsAndNewDelete) {
  const uint64_t before = used_memory();
  void* aligned = nullptr;
  ASSERT_EQ(posix_memalign(&aligned, 4096, kBlock), 0);
  keep(aligned);
  void* other = keep(std::aligned_alloc(64, kBlock));
  EXPECT_TRUE(grew_by(before, 2 * kBlock));
  std::free(aligned);
  std::free(other);
  EXPECT_TRUE(back_to(before));
  auto bytes = std::make_unique<char[]>(kBlock);
  keep(bytes.get());
  EXPECT_TRUE(grew_by(before, kBlock));
  bytes.reset();
  EXPECT_TRUE(back_to(before));
}

}  // namespace
}  // namespace arbor::core

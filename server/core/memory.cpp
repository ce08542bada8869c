// used_memory from our own count of the heap, as Redis's zmalloc keeps one.
//
// glibc's own figure (mallinfo2) walks every free chunk of every arena: on a
// fragmented heap of a few million keys one call takes over 100 ms, too slow
// for the cron's peak tracking, let alone the maxmemory check before each
// command. So the process's malloc family is interposed here (glibc supports
// replacing malloc; these forward to its __libc_* entry points) and each
// block's usable size is added to or taken from one relaxed counter. A
// block's usable size is what Redis counts on libc too (malloc_usable_size).
#include "server/core/memory.h"

#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <fstream>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// Exported by the sanitizer runtimes (whose malloc must stay theirs); GCC
// ships no header declaring it.
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#else
#define ARBOR_COUNTING_MALLOC 1
#endif

#if defined(ARBOR_COUNTING_MALLOC)
namespace {

// Signed: a thread may free what another allocated, and the lazy freer's
// thread does exactly that; only the sum means anything.
std::atomic<int64_t> allocated_bytes{0};

void* counted(void* block) {
  if (block != nullptr)
    allocated_bytes.fetch_add(static_cast<int64_t>(malloc_usable_size(block)), std::memory_order_relaxed);
  return block;
}

void uncount(void* block) {
  allocated_bytes.fetch_sub(static_cast<int64_t>(malloc_usable_size(block)), std::memory_order_relaxed);
}

}  // namespace

extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* block, size_t size);
void* __libc_memalign(size_t alignment, size_t size);
void* __libc_valloc(size_t size);
void* __libc_pvalloc(size_t size);
void __libc_free(void* block);

void* malloc(size_t size) noexcept { return counted(__libc_malloc(size)); }
void* calloc(size_t count, size_t size) noexcept { return counted(__libc_calloc(count, size)); }
void* memalign(size_t alignment, size_t size) noexcept { return counted(__libc_memalign(alignment, size)); }
void* aligned_alloc(size_t alignment, size_t size) noexcept { return counted(__libc_memalign(alignment, size)); }
void* valloc(size_t size) noexcept { return counted(__libc_valloc(size)); }
void* pvalloc(size_t size) noexcept { return counted(__libc_pvalloc(size)); }

void free(void* block) noexcept {
  if (block == nullptr) return;
  uncount(block);
  __libc_free(block);
}

void* realloc(void* block, size_t size) noexcept {
  const size_t before = block != nullptr ? malloc_usable_size(block) : 0;
  void* moved = __libc_realloc(block, size);
  if (moved != nullptr) {
    allocated_bytes.fetch_add(static_cast<int64_t>(malloc_usable_size(moved)) - static_cast<int64_t>(before),
                              std::memory_order_relaxed);
  } else if (block != nullptr && size == 0) {
    allocated_bytes.fetch_sub(static_cast<int64_t>(before), std::memory_order_relaxed);  // glibc freed it
  }
  return moved;
}

void* reallocarray(void* block, size_t count, size_t size) noexcept {
  size_t total = 0;
  if (__builtin_mul_overflow(count, size, &total)) {
    errno = ENOMEM;
    return nullptr;
  }
  return realloc(block, total);
}

int posix_memalign(void** out, size_t alignment, size_t size) noexcept {
  if (alignment % sizeof(void*) != 0 || (alignment & (alignment - 1)) != 0 || alignment == 0) return EINVAL;
  void* block = counted(__libc_memalign(alignment, size));
  if (block == nullptr) return ENOMEM;
  *out = block;
  return 0;
}
}  // extern "C"
#endif

namespace arbor::core {

uint64_t used_memory() {
#if defined(ARBOR_COUNTING_MALLOC)
  const int64_t bytes = allocated_bytes.load(std::memory_order_relaxed);
  return bytes > 0 ? static_cast<uint64_t>(bytes) : 0;
#else
  // Under a sanitizer malloc is the sanitizer's: ask it instead.
  return __sanitizer_get_current_allocated_bytes();
#endif
}

uint64_t resident_memory() {
  std::ifstream statm("/proc/self/statm");
  uint64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

uint64_t total_system_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
  return pages > 0 && size > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(size) : 0;
}

}  // namespace arbor::core

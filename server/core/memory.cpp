// used_memory from the allocator.
#include "server/core/memory.h"

#include <malloc.h>

#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
// Exported by the ASan runtime; GCC ships no header declaring it.
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace arbor::core {

// Under AddressSanitizer malloc is ASan's, which mallinfo2() does not see;
// ask the sanitizer instead so INFO stays useful (tests compare used_memory
// before and after) in sanitizer builds.
uint64_t used_memory() {
#if defined(__SANITIZE_ADDRESS__)
  return __sanitizer_get_current_allocated_bytes();
#else
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
#endif
}

}  // namespace arbor::core

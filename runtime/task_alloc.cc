#include "runtime/task_alloc.h"

#include <cstdlib>
#include <new>

#if !defined(CORIO_SYSTEM_ALLOCATOR)
#include <mimalloc.h>
#endif

namespace corio::internal {

void* allocate_frame(size_t bytes) {
#if defined(CORIO_SYSTEM_ALLOCATOR)
  void* p = std::malloc(bytes);
#else
  void* p = mi_malloc(bytes);
#endif
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void free_frame(void* ptr) {
#if defined(CORIO_SYSTEM_ALLOCATOR)
  std::free(ptr);
#else
  mi_free(ptr);
#endif
}

}  // namespace corio::internal

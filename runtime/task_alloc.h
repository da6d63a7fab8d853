// Allocation of coroutine frames (with their TaskHeader prefix).
//
// Optimized builds take frames from mimalloc, whose per-thread free lists make the
// allocate-on-one-worker, free-on-another pattern of spawned tasks cheap. Sanitizer builds
// use the system allocator so ASAN/TSAN see every allocation.
#pragma once

#include <cstddef>

namespace corio::internal {

void* allocate_frame(size_t bytes);
void free_frame(void* ptr);

}  // namespace corio::internal

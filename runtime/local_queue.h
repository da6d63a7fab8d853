// LocalQueue: a worker's fixed-capacity run queue.
//
// Single producer, many consumers: only the owning worker pushes (at the tail) and pops
// (at the head, so the queue is FIFO and fair); thieves on other workers take half of the
// queued tasks from the head with one CAS.
//
// Layout: `head_` packs two 32-bit indices, (steal, real). `real` is the next task to pop;
// `steal` lags behind `real` while a thief is copying tasks out, and equals it otherwise.
// The owner never writes into slots in [steal, real + len), so a thief may copy them
// without holding any lock. `tail_` is written only by the owner.
//
// When the ring is full, push_back moves half of it plus the new task to the injector in
// one batch (a worker that outruns its capacity shares the surplus with everyone).
//
// Capacity is 256, or 4 when built with CORIO_SMALL_LOCAL_QUEUE (a test-only setting that
// makes wrap-around and overflow happen in ordinary tests).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "runtime/task_header.h"

namespace corio::internal {

class Injector;

#if defined(CORIO_SMALL_LOCAL_QUEUE)
inline constexpr uint32_t kLocalQueueCapacity = 4;
#else
inline constexpr uint32_t kLocalQueueCapacity = 256;
#endif

class LocalQueue {
 public:
  static constexpr uint32_t kCapacity = kLocalQueueCapacity;
  static constexpr uint32_t kMask = kCapacity - 1;
  static_assert((kCapacity & kMask) == 0, "capacity must be a power of two");

  LocalQueue() {
    for (auto& slot : buffer_) slot.store(nullptr, std::memory_order_relaxed);
  }
  LocalQueue(const LocalQueue&) = delete;
  LocalQueue& operator=(const LocalQueue&) = delete;

  // Owner only. Queues `task`; when full, moves half the queue and `task` to `overflow`.
  // Returns true if it overflowed.
  bool push_back(TaskHeader* task, Injector& overflow);
  // Owner only.
  TaskHeader* pop();
  // Thief: moves about half of this queue into `dst` (owned by the caller) and returns one
  // of the stolen tasks to run right away, or null.
  TaskHeader* steal_into(LocalQueue& dst, uint32_t& stolen);

  // Any thread; approximate when racing.
  uint32_t len() const;
  bool is_empty() const { return len() == 0; }
  // Owner only: room left.
  uint32_t remaining_slots() const;

 private:
  static uint64_t pack(uint32_t steal, uint32_t real) {
    return (uint64_t{steal} << 32) | real;
  }
  static uint32_t steal_part(uint64_t h) { return static_cast<uint32_t>(h >> 32); }
  static uint32_t real_part(uint64_t h) { return static_cast<uint32_t>(h); }

  bool push_overflow(TaskHeader* task, uint32_t head, uint32_t tail, Injector& overflow);
  uint32_t steal_into_claim(LocalQueue& dst, uint32_t dst_tail);

  alignas(64) std::atomic<uint64_t> head_{0};
  alignas(64) std::atomic<uint32_t> tail_{0};
  // Slots are atomics only so that concurrent owner/thief accesses are well defined; the
  // protocol above keeps them disjoint, so relaxed accesses suffice.
  std::array<std::atomic<TaskHeader*>, kCapacity> buffer_;
};

}  // namespace corio::internal

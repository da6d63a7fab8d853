#include "runtime/local_queue.h"

#include <cassert>

#include "runtime/injector.h"

namespace corio::internal {

bool LocalQueue::push_back(TaskHeader* task, Injector& overflow) {
  for (;;) {
    // Ordering: acquire pairs with a thief's release CAS of head_, so the slots it copied
    // out are free before we overwrite them.
    uint64_t head = head_.load(std::memory_order_acquire);
    uint32_t steal = steal_part(head);
    uint32_t real = real_part(head);
    uint32_t tail = tail_.load(std::memory_order_relaxed);  // only we write it
    if (tail - steal < kCapacity) {
      buffer_[tail & kMask].store(task, std::memory_order_relaxed);
      // Ordering: release publishes the slot to a thief's acquire load of tail_.
      tail_.store(tail + 1, std::memory_order_release);
      return false;
    }
    if (steal != real) {
      // A thief is copying tasks out and will make room soon; meanwhile this one goes to
      // the injector on its own.
      overflow.push(task);
      return true;
    }
    if (push_overflow(task, real, tail, overflow)) return true;
    // A thief claimed tasks between our load and our CAS: there is room now; retry.
  }
}

bool LocalQueue::push_overflow(TaskHeader* task, uint32_t head, uint32_t tail,
                               Injector& overflow) {
  constexpr uint32_t kHalf = kCapacity / 2;
  assert(tail - head == kCapacity);
  (void)tail;
  uint64_t expected = pack(head, head);
  // Ordering: acq_rel; claims the oldest half exactly as a thief would.
  if (!head_.compare_exchange_strong(expected, pack(head + kHalf, head + kHalf),
                                     std::memory_order_acq_rel, std::memory_order_relaxed)) {
    return false;
  }
  TaskHeader* first = buffer_[head & kMask].load(std::memory_order_relaxed);
  TaskHeader* last = first;
  for (uint32_t i = 1; i < kHalf; ++i) {
    TaskHeader* next = buffer_[(head + i) & kMask].load(std::memory_order_relaxed);
    last->queue_next = next;
    last = next;
  }
  last->queue_next = task;
  task->queue_next = nullptr;
  overflow.push_batch(first, task, kHalf + 1);
  return true;
}

TaskHeader* LocalQueue::pop() {
  uint64_t head = head_.load(std::memory_order_acquire);
  for (;;) {
    uint32_t steal = steal_part(head);
    uint32_t real = real_part(head);
    uint32_t tail = tail_.load(std::memory_order_relaxed);
    if (real == tail) return nullptr;
    uint32_t next_real = real + 1;
    uint64_t next = steal == real ? pack(next_real, next_real) : pack(steal, next_real);
    // Ordering: acq_rel; a successful CAS makes slot `real` ours against thieves.
    if (head_.compare_exchange_weak(head, next, std::memory_order_acq_rel,
                                    std::memory_order_acquire)) {
      return buffer_[real & kMask].load(std::memory_order_relaxed);
    }
  }
}

TaskHeader* LocalQueue::steal_into(LocalQueue& dst, uint32_t& stolen) {
  stolen = 0;
  uint32_t dst_tail = dst.tail_.load(std::memory_order_relaxed);  // we own dst
  uint32_t dst_steal = steal_part(dst.head_.load(std::memory_order_acquire));
  if (dst_tail - dst_steal > kCapacity / 2) return nullptr;  // no room for half a queue
  uint32_t n = steal_into_claim(dst, dst_tail);
  if (n == 0) return nullptr;
  stolen = n;
  // Run the last stolen task now; publish the others in dst.
  --n;
  TaskHeader* task = dst.buffer_[(dst_tail + n) & kMask].load(std::memory_order_relaxed);
  if (n > 0) {
    // Ordering: release publishes the copied slots to thieves of dst.
    dst.tail_.store(dst_tail + n, std::memory_order_release);
  }
  return task;
}

uint32_t LocalQueue::steal_into_claim(LocalQueue& dst, uint32_t dst_tail) {
  uint64_t prev = head_.load(std::memory_order_acquire);
  uint64_t next;
  uint32_t n;
  for (;;) {
    uint32_t steal = steal_part(prev);
    uint32_t real = real_part(prev);
    if (steal != real) return 0;  // another thief is at work
    // Ordering: acquire pairs with the owner's release store of tail_: the slots up to
    // tail are written.
    uint32_t tail = tail_.load(std::memory_order_acquire);
    n = tail - real;
    n -= n / 2;
    if (n == 0 || n > kCapacity) return 0;  // empty, or a torn read of a moving queue
    next = pack(steal, real + n);
    // Ordering: acq_rel; claims [real, real + n) while `steal` keeps the owner off them.
    if (head_.compare_exchange_weak(prev, next, std::memory_order_acq_rel,
                                    std::memory_order_acquire)) {
      break;
    }
  }
  uint32_t first = steal_part(next);
  for (uint32_t i = 0; i < n; ++i) {
    TaskHeader* task = buffer_[(first + i) & kMask].load(std::memory_order_relaxed);
    dst.buffer_[(dst_tail + i) & kMask].store(task, std::memory_order_relaxed);
  }
  // Release the claim: steal catches up with real (the owner may have popped meanwhile).
  prev = next;
  for (;;) {
    uint32_t real = real_part(prev);
    // Ordering: release tells the owner the copied slots may be reused.
    if (head_.compare_exchange_weak(prev, pack(real, real), std::memory_order_acq_rel,
                                    std::memory_order_acquire)) {
      return n;
    }
  }
}

uint32_t LocalQueue::len() const {
  uint64_t head = head_.load(std::memory_order_acquire);
  uint32_t tail = tail_.load(std::memory_order_acquire);
  return tail - real_part(head);
}

uint32_t LocalQueue::remaining_slots() const {
  uint64_t head = head_.load(std::memory_order_acquire);
  uint32_t tail = tail_.load(std::memory_order_relaxed);
  return kCapacity - (tail - steal_part(head));
}

}  // namespace corio::internal

// The two value queues behind mpsc channels: many producers, one consumer, FIFO in the
// order positions/links were claimed (a value whose push completed before another push
// started is received first).
//
// BoundedRing: a fixed ring of slots, each with a sequence number (after Vyukov's bounded
// queue). A producer claims a position with one fetch_add and fills its slot; the consumer
// reads slots in position order. The ring never overflows because the channel lets a
// producer in only with a semaphore permit, and the consumer returns the permit only after
// it has emptied the slot: with at most `capacity` permits and `capacity` <= slots, the
// slot of a freshly claimed position is always one the consumer is done with (the wait in
// push only covers that store becoming visible). The slots are allocated once, at
// creation, like a Go buffered channel.
//
// NodeQueue: an intrusive linked list (after Vyukov's MPSC node queue) with one node per
// value, for unbounded channels. push is one exchange plus one store; pop may briefly see
// "empty" while a producer is between its exchange and its link store. That producer
// wakes the consumer after linking, so a waiting receiver cannot miss the value.
//
// Both publish a value with a seq_cst store and the consumer checks with a seq_cst load:
// the channel's receiver relies on that when it re-checks after registering its waker
// (see atomic_waker.h).
//
// Thread-safety: push from any thread; pop, and destruction, from the consumer only.
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <thread>
#include <utility>

namespace corio::sync::internal {

template <typename T>
class BoundedRing {
 public:
  explicit BoundedRing(size_t min_slots)
      : mask_(std::bit_ceil(min_slots) - 1), slots_(new Slot[mask_ + 1]) {
    for (uint64_t i = 0; i <= mask_; ++i) slots_[i].seq.store(i, std::memory_order_relaxed);
  }
  BoundedRing(const BoundedRing&) = delete;
  BoundedRing& operator=(const BoundedRing&) = delete;
  ~BoundedRing() {
    // Every claimed position was filled (producers finish push before they can go away).
    while (pop()) {
    }
  }

  size_t slots() const { return mask_ + 1; }

  // The caller holds a permit: fewer than slots() values are queued or being consumed.
  void push(T value) {
    // Ordering: relaxed; the position only has to be unique. The slot's seq carries data.
    uint64_t pos = tail_.fetch_add(1, std::memory_order_relaxed);
    Slot& slot = slots_[pos & mask_];
    // Ordering: acquire pairs with the consumer's release store of seq after it moved the
    // previous lap's value out.
    while (slot.seq.load(std::memory_order_acquire) != pos) std::this_thread::yield();
    new (slot.storage) T(std::move(value));
    slot.seq.store(pos + 1);  // seq_cst: publishes the value; see the header comment
  }

  // Consumer only.
  std::optional<T> pop() {
    Slot& slot = slots_[head_ & mask_];
    if (slot.seq.load() != head_ + 1) return std::nullopt;  // seq_cst: see header
    T* value = std::launder(reinterpret_cast<T*>(slot.storage));
    std::optional<T> out(std::move(*value));
    value->~T();
    // Ordering: release hands the emptied slot to the producer of the next lap.
    slot.seq.store(head_ + mask_ + 1, std::memory_order_release);
    ++head_;
    return out;
  }

 private:
  struct Slot {
    std::atomic<uint64_t> seq;
    alignas(T) unsigned char storage[sizeof(T)];
  };

  const uint64_t mask_;
  const std::unique_ptr<Slot[]> slots_;
  alignas(64) std::atomic<uint64_t> tail_{0};  // next position to claim (producers)
  alignas(64) uint64_t head_ = 0;              // next position to read (consumer)
};

template <typename T>
class NodeQueue {
 public:
  NodeQueue() : head_(new Node()), tail_(head_) {}
  NodeQueue(const NodeQueue&) = delete;
  NodeQueue& operator=(const NodeQueue&) = delete;
  ~NodeQueue() {
    while (head_ != nullptr) {
      Node* next = head_->next.load(std::memory_order_relaxed);
      delete head_;
      head_ = next;
    }
  }

  void push(T value) {
    Node* node = new Node(std::move(value));
    // Ordering: acq_rel pairs with the previous producer's exchange: we write prev->next,
    // so prev's construction (next = nullptr) must happen before that write, and ours
    // before the next producer's.
    Node* prev = tail_.exchange(node, std::memory_order_acq_rel);
    prev->next.store(node);  // seq_cst: publishes the value; see the header comment
  }

  // Consumer only. Empty also while a producer is between its exchange and its link.
  std::optional<T> pop() {
    Node* next = head_->next.load();  // seq_cst: see the header comment
    if (next == nullptr) return std::nullopt;
    std::optional<T> out(std::move(*next->value));
    next->value.reset();
    delete head_;
    head_ = next;  // `next` becomes the (empty) stub
    return out;
  }

 private:
  struct Node {
    Node() = default;
    explicit Node(T v) : value(std::move(v)) {}
    std::atomic<Node*> next{nullptr};
    std::optional<T> value;
  };

  Node* head_;  // consumer: the stub (last consumed node)
  alignas(64) std::atomic<Node*> tail_;
};

}  // namespace corio::sync::internal

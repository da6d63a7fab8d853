// JoinHandle<T>: the awaitable result of a spawned task.
//
//   JoinHandle<int> h = spawn(compute());
//   absl::StatusOr<int> r = co_await h;   // value, or CancelledError if aborted
//
// - Awaiting yields absl::StatusOr<T> (absl::Status for T = void): the task's value, or
//   absl::CancelledError if the task was aborted or its runtime shut down first. An
//   exception that escaped the task is rethrown to the awaiter.
// - abort() asks the task to stop: it is destroyed at its current suspension point (its
//   locals' destructors run) the next time a worker picks it up. A task that already
//   finished keeps its value.
// - Destroying the handle detaches the task: it keeps running, its output is dropped.
// - A handle can be awaited once; awaiting it again throws std::logic_error.
//
// Thread-safety: the handle is a value used by one thread at a time; the task it refers to
// may run anywhere. The protocol on the join waker slot is described in task_header.h.
// Cancel-safety: destroying a pending `co_await handle` just detaches the task.
#pragma once

#include <stdexcept>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "runtime/poll.h"
#include "runtime/task.h"
#include "runtime/task_harness.h"
#include "runtime/task_header.h"
#include "runtime/waker.h"

namespace corio {

template <typename T>
using JoinResult = std::conditional_t<std::is_void_v<T>, absl::Status, absl::StatusOr<T>>;

template <typename T>
class JoinHandle {
 public:
  JoinHandle() = default;
  // Takes over the JoinHandle reference of a task from internal::into_spawned.
  explicit JoinHandle(TaskHeader* task) : task_(task) {}
  JoinHandle(JoinHandle&& other) noexcept
      : task_(std::exchange(other.task_, nullptr)), taken_(other.taken_) {}
  JoinHandle& operator=(JoinHandle&& other) noexcept {
    if (this != &other) {
      detach();
      task_ = std::exchange(other.task_, nullptr);
      taken_ = other.taken_;
    }
    return *this;
  }
  ~JoinHandle() { detach(); }

  // Future interface (what `co_await handle` uses).
  Poll<JoinResult<T>> poll(Context& cx) {
    if (task_ == nullptr) throw std::logic_error("corio: polled an empty JoinHandle");
    if (taken_) throw std::logic_error("corio: JoinHandle awaited twice");
    if (!is_finished() && register_waker(cx.waker())) return kPending;
    return take_output();
  }

  // Requests cancellation. No effect on a finished task.
  void abort() {
    if (task_ != nullptr && task_->transition_to_notified_and_cancel()) {
      task_->scheduler()->schedule(task_, /*is_yield=*/true);
    }
  }

  bool is_finished() const {
    return task_ != nullptr && (task_->load_state() & TaskHeader::kComplete) != 0;
  }

  // For runtimes that wait for the task themselves (block_on): the output of a finished
  // task.
  JoinResult<T> take_finished_output() { return take_output(); }

 private:
  // Stores `waker` for the completer. false: the task completed meanwhile.
  bool register_waker(const Waker& waker) {
    uint64_t state = task_->load_state();
    if (state & TaskHeader::kJoinWaker) {
      // The slot is the task's; we may only read it.
      if (task_->join_waker == waker.task()) return true;
      if (!task_->unset_join_waker()) return false;
    }
    // The slot is ours now.
    if (task_->join_waker != nullptr) task_->join_waker->ref_dec();
    task_->join_waker = Waker(waker).release();
    if (task_->set_join_waker()) return true;
    std::exchange(task_->join_waker, nullptr)->ref_dec();
    return false;
  }

  JoinResult<T> take_output() {
    taken_ = true;
    // Ordering: acquire pairs with the release in transition_to_complete, so the output
    // written by the task's last poll is visible.
    if (task_->load_state(std::memory_order_acquire) & TaskHeader::kCancelled) {
      return absl::CancelledError("task was cancelled");
    }
    // The frame is gone already; the output waits in its slot (see task_header.h).
    auto* slot = internal::Promise<T>::slot_of(task_);
    struct DropLeftoversOnExit {
      internal::OutputSlot<T>* slot;
      ~DropLeftoversOnExit() { slot->reset(); }
    } drop{slot};
    if constexpr (std::is_void_v<T>) {
      internal::Promise<T>::take_result(slot);
      return absl::OkStatus();
    } else {
      return internal::Promise<T>::take_result(slot);
    }
  }

  void detach() {
    TaskHeader* task = std::exchange(task_, nullptr);
    if (task == nullptr) return;
    uint64_t prev = task->drop_join_interest();
    bool complete = (prev & TaskHeader::kComplete) != 0;
    if (complete && !taken_ && (prev & TaskHeader::kCancelled) == 0) {
      task->destroy_output();  // nobody will read it
    }
    if (!complete || (prev & TaskHeader::kJoinWaker) == 0) {
      // The waker slot is ours (see drop_join_interest).
      if (TaskHeader* w = std::exchange(task->join_waker, nullptr)) w->ref_dec();
    }
    task->ref_dec();
  }

  TaskHeader* task_ = nullptr;
  bool taken_ = false;
};

}  // namespace corio

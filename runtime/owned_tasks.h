// OwnedTasks: every live task a runtime has spawned, so shutdown can cancel them all.
//
// A task that waits forever on a resource it owns (a channel whose sender it also holds)
// is reachable only from itself; without this list, dropping the runtime would leak it.
// The list holds one counted reference per task (the third reference of init_spawned).
//
// Sharded intrusive doubly-linked lists (TaskHeader::owned_prev/owned_next), each under
// its own mutex, so concurrent spawns and completions on different workers rarely meet.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>

#include "runtime/task_header.h"

namespace corio::internal {

class OwnedTasks {
 public:
  static constexpr uint32_t kNotOwned = ~uint32_t{0};

  OwnedTasks() = default;
  OwnedTasks(const OwnedTasks&) = delete;
  OwnedTasks& operator=(const OwnedTasks&) = delete;

  // Adds a freshly spawned task (three references, see init_spawned). Once closed, cancels
  // the task instead, dropping the references the queue and this list would have held
  // (its JoinHandle then reports CancelledError), and returns false: do not queue it.
  [[nodiscard]] bool bind_or_cancel(TaskHeader* task);
  // Removes a completed task. true if it was listed (the caller drops the list's
  // reference); false if shutdown already took it out.
  [[nodiscard]] bool remove(TaskHeader* task);
  // Refuses further binds and cancels every listed task (runtime shutdown; no worker may be
  // running). Cancelling may wake other tasks: the caller drains its queues afterwards.
  void close_and_cancel_all();

  size_t len() const;

 private:
  static constexpr uint32_t kShards = 16;
  struct alignas(64) Shard {
    std::mutex mu;
    TaskHeader* head = nullptr;
    bool closed = false;
    size_t len = 0;
  };
  static uint32_t shard_of(const TaskHeader* task) {
    return static_cast<uint32_t>((reinterpret_cast<uintptr_t>(task) >> 6) % kShards);
  }
  static void unlink(Shard& shard, TaskHeader* task);
  TaskHeader* pop_any();

  std::array<Shard, kShards> shards_;
};

}  // namespace corio::internal

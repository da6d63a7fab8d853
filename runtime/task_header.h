// TaskHeader: the type-erased head of every task, and its state word.
//
// Every Task<T> coroutine frame is allocated with a TaskHeader just before it (see
// task_alloc.h), so spawning a coroutine needs no second allocation: the header becomes the
// spawned task's control block. Wakers, JoinHandles, run queues and the scheduler's list
// of owned tasks all hold counted references to the header.
//
// The state word packs the lifecycle flags (low bits) and the reference count (high bits),
// so that "wake" is a single read-modify-write that both sets NOTIFIED and decides whether
// the task must be queued: it is queued only on the idle -> notified edge.
//
// Ground rules (who may touch what):
//  - `state` is atomic; every transition is a method below returning a [[nodiscard]] enum.
//  - RUNNING is held by exactly one thread: the one polling (or cancelling) the task. Only
//    that thread resumes or destroys the coroutine frame while the task is incomplete.
//  - `queue_next` belongs to whichever queue holds the task's NOTIFIED reference.
//  - `owned_prev`/`owned_next` belong to the scheduler's OwnedTasks, under its lock.
//  - `join_waker` belongs to the JoinHandle while JOIN_WAKER is clear, and to the task
//    (its completer) while JOIN_WAKER is set. See join_handle.h.
//  - The coroutine frame after the header is destroyed exactly once, by the thread holding
//    RUNNING: when the task completes (before COMPLETE is published, so the task's
//    parameters and captures, say a channel Sender, are gone by the time a joiner sees it
//    finished, as Tokio drops a finished future) or when it is cancelled.
//  - The output (value or exception) lives in an OutputSlot after the frame, in the same
//    block (see task.h), so it outlives the frame. It belongs to the task until COMPLETE,
//    then to the JoinHandle (which moves it out, or drops it when detached); whatever is
//    left is destroyed by dealloc(). The memory (header + frame + slot) is freed when the
//    reference count reaches zero.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace corio {

class Scheduler;
class TaskHeader;
class PromiseBase;

// Type-specific operations of a spawned task.
struct TaskVTable {
  // The promise of the coroutine whose frame follows the header.
  PromiseBase* (*promise)(TaskHeader*);
  // Destroys what the output slot holds (idempotent: leaves it empty).
  void (*destroy_output)(TaskHeader*);
};

// Outcomes of state transitions. Each is [[nodiscard]]: every case needs handling.
enum class [[nodiscard]] TransitionToRunning { kSuccess, kCancelled, kFailed };
enum class [[nodiscard]] TransitionToIdle { kOk, kOkNotified, kOkDealloc, kCancelled };
enum class [[nodiscard]] TransitionToNotified { kDoNothing, kSubmit, kDealloc };

class TaskHeader {
 public:
  // State flags. The reference count occupies the bits from kRefOne upwards.
  static constexpr uint64_t kRunning = 1 << 0;       // one thread is polling the task
  static constexpr uint64_t kComplete = 1 << 1;      // finished (value, exception or cancel)
  static constexpr uint64_t kNotified = 1 << 2;      // woken; a queue holds a reference
  static constexpr uint64_t kCancelled = 1 << 3;     // abort() requested or done
  static constexpr uint64_t kJoinInterest = 1 << 4;  // a JoinHandle still exists
  static constexpr uint64_t kJoinWaker = 1 << 5;     // join_waker is set, owned by the task
  static constexpr uint64_t kRefOne = 1 << 6;
  static constexpr uint64_t kFlagMask = kRefOne - 1;

  TaskHeader() = default;
  TaskHeader(const TaskHeader&) = delete;
  TaskHeader& operator=(const TaskHeader&) = delete;

  // Turns a freshly allocated coroutine's header into a spawned task: NOTIFIED (it will be
  // queued by the caller), JOIN_INTEREST, and three references: the run queue's, the
  // JoinHandle's and OwnedTasks'.
  void init_spawned(const TaskVTable* vtable, Scheduler* scheduler);

  // True once init_spawned ran: the frame's memory is then freed by the last reference.
  bool is_spawned() const { return vtable_ != nullptr; }

  // The coroutine frame that follows this header.
  void* frame();
  static TaskHeader* from_frame(void* frame);
  PromiseBase* promise() { return vtable_->promise(this); }
  void* output_slot() { return static_cast<char*>(frame()) + output_offset; }
  // Drops the output nobody will read (spawned tasks only; idempotent).
  void destroy_output() { vtable_->destroy_output(this); }
  Scheduler* scheduler() const { return scheduler_; }

  // --- reference counting -------------------------------------------------------------
  void ref_inc();
  // Drops one reference; frees the task on the last one.
  void ref_dec();
  // Drops `n` references at once; frees the task if they were the last.
  void ref_dec_n(uint64_t n);

  // --- transitions ---------------------------------------------------------------------
  // Poller: NOTIFIED -> RUNNING. kCancelled means the caller now holds RUNNING and must
  // cancel the task instead of polling it.
  TransitionToRunning transition_to_running();
  // Poller, after a poll that returned Pending. kOkNotified: the task was woken while
  // running; the caller must queue it again, reusing its queue reference. kOk / kOkDealloc:
  // the caller's queue reference was dropped. kCancelled: abort() arrived while running; the
  // caller still holds RUNNING and must cancel.
  TransitionToIdle transition_to_idle();
  // Poller: RUNNING -> COMPLETE. `cancelled` says the frame was destroyed without an
  // output; otherwise CANCELLED is cleared (an abort that raced with the last poll loses),
  // so that COMPLETE and CANCELLED together always mean "no output". Returns the state
  // just after the transition.
  uint64_t transition_to_complete(bool cancelled);
  // wake(): consumes the caller's reference.
  TransitionToNotified transition_to_notified_by_val();
  // wake_by_ref(): kSubmit means a new reference was taken for the queue.
  TransitionToNotified transition_to_notified_by_ref();
  // abort(): true means the caller took a new reference and must queue the task (which
  // will then be cancelled by its poller).
  [[nodiscard]] bool transition_to_notified_and_cancel();
  // Runtime shutdown: marks the task cancelled; true means the caller now holds RUNNING
  // (the task was idle) and must cancel it.
  [[nodiscard]] bool transition_to_shutdown();

  // --- join handle side (see join_handle.h) --------------------------------------------
  uint64_t load_state(std::memory_order order = std::memory_order_acquire) const {
    return state_.load(order);
  }
  // Sets JOIN_WAKER; fails (returns false) if the task completed meanwhile.
  [[nodiscard]] bool set_join_waker();
  // Clears JOIN_WAKER so the JoinHandle may replace the waker; fails if completed.
  [[nodiscard]] bool unset_join_waker();
  // The JoinHandle is dropped. Returns the state before the transition; if it was not
  // COMPLETE, JOIN_WAKER was cleared as well and the waker slot belongs to the caller.
  uint64_t drop_join_interest();
  // Completer, after waking the join waker: hands the waker slot back. Returns the state
  // after the transition.
  uint64_t unset_join_waker_after_complete();

  static uint64_t ref_count(uint64_t state) { return state / kRefOne; }

  // Frees the memory. Only for the caller whose transition took the count to zero.
  void dealloc();

  // --- fields -------------------------------------------------------------------------
  TaskHeader* queue_next = nullptr;   // intrusive link for the injector and batches
  TaskHeader* owned_prev = nullptr;   // intrusive links for OwnedTasks
  TaskHeader* owned_next = nullptr;
  TaskHeader* join_waker = nullptr;   // the JoinHandle's waker (a counted reference)
  uint32_t owned_shard = ~uint32_t{0};  // which OwnedTasks shard lists it (~0: none)
  // Where the output slot starts, in bytes from frame(). Set once by operator new.
  uint32_t output_offset = 0;

 private:
  std::atomic<uint64_t> state_{0};
  const TaskVTable* vtable_ = nullptr;
  Scheduler* scheduler_ = nullptr;
};

// The header is 64 bytes so that the frame after it keeps the 16-byte alignment that
// operator new guarantees.
inline constexpr size_t kTaskHeaderPrefix = 64;
static_assert(sizeof(TaskHeader) <= kTaskHeaderPrefix);

inline void* TaskHeader::frame() { return reinterpret_cast<char*>(this) + kTaskHeaderPrefix; }
inline TaskHeader* TaskHeader::from_frame(void* frame) {
  return reinterpret_cast<TaskHeader*>(static_cast<char*>(frame) - kTaskHeaderPrefix);
}

}  // namespace corio

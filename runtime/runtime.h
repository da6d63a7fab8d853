// Runtime: the entry point. Builds a scheduler, runs a root task with block_on, spawns.
//
//   corio::Runtime rt = corio::Builder::multi_thread().worker_threads(2).build();
//   int v = rt.block_on(main_task());
//
// Inside a task, the free functions spawn(), spawn_blocking(), yield_now() and
// Handle::current() refer to the runtime running it.
//
// Threads:
//  - block_on may be called from any thread that is not one of the runtime's workers (it
//    would block a worker: std::logic_error). The root task runs on the calling thread
//    (multi-thread flavour) or drives the whole runtime (current-thread flavour).
//  - spawn may be called from anywhere through a Handle; the free spawn() needs to be
//    inside a runtime (std::logic_error otherwise). After shutdown a spawned task is
//    cancelled at once and its JoinHandle reports CancelledError.
//  - Destroying the Runtime shuts it down: workers stop, every remaining task is destroyed
//    at its suspension point (cancelled), the blocking pool finishes running closures and
//    drops queued ones. It must not be destroyed from one of its own worker threads.
//  - Wakers may outlive the Runtime; waking a task of a destroyed runtime must not race
//    with that destruction.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "runtime/coop.h"
#include "runtime/join_handle.h"
#include "runtime/metrics.h"
#include "runtime/runtime_core.h"
#include "runtime/task.h"
#include "runtime/task_harness.h"

namespace corio {

class Runtime;

// A cheap, copyable reference to a runtime, usable from any thread.
class Handle {
 public:
  // The runtime the calling thread is inside (a worker, or a thread in block_on).
  // Throws std::logic_error outside any runtime.
  static Handle current();
  // As current(), but empty instead of throwing.
  static std::optional<Handle> try_current();

  template <typename T>
  JoinHandle<T> spawn(Task<T> task) const {
    TaskHeader* header = internal::into_spawned(std::move(task), core_.get());
    core_->spawn(header);
    return JoinHandle<T>(header);
  }

  RuntimeMetrics metrics() const { return core_->metrics(); }
  internal::RuntimeCore* core() const { return core_.get(); }

 private:
  friend class Runtime;
  explicit Handle(std::shared_ptr<internal::RuntimeCore> core) : core_(std::move(core)) {}
  std::shared_ptr<internal::RuntimeCore> core_;
};

class Runtime {
 public:
  Runtime(Runtime&&) noexcept = default;
  Runtime& operator=(Runtime&&) noexcept = default;
  ~Runtime();

  // Runs `task` to completion on this thread and returns its value (rethrowing its
  // exception).
  template <typename T>
  T block_on(Task<T> task) {
    TaskHeader* root = adopt_root(std::move(task), std::nullopt);
    JoinHandle<T> handle(root);
    auto result = handle.take_finished_output();
    if constexpr (std::is_void_v<T>) {
      if (!result.ok()) throw std::runtime_error(std::string(result.message()));
    } else {
      if (!result.ok()) throw std::runtime_error(std::string(result.status().message()));
      return *std::move(result);
    }
  }

  // As block_on, but gives up after `timeout`: the task is then cancelled and
  // DeadlineExceeded is returned. Tests use it to turn a hang (a future that forgot its
  // waker) into a clear failure.
  template <typename T>
  JoinResult<T> block_on_for(Task<T> task, std::chrono::nanoseconds timeout) {
    bool finished = true;
    TaskHeader* root = adopt_root(std::move(task), timeout, &finished);
    JoinHandle<T> handle(root);
    auto result = handle.take_finished_output();
    if (!finished) {
      return absl::DeadlineExceededError("block_on_for: the task did not complete in time");
    }
    return result;
  }

  template <typename T>
  JoinHandle<T> spawn(Task<T> task) {
    return handle().spawn(std::move(task));
  }

  Handle handle() const { return Handle(core_); }
  RuntimeMetrics metrics() const { return core_->metrics(); }

  // Shuts down now (as the destructor would).
  void shutdown();

 private:
  // Hands the task to the core's block_on; the returned header carries the root's
  // JoinHandle reference. If block_on refuses (misuse), the frame is freed and the error
  // rethrown.
  template <typename T>
  TaskHeader* adopt_root(Task<T> task, std::optional<std::chrono::nanoseconds> timeout,
                         bool* finished = nullptr) {
    TaskHeader* root = TaskHeader::from_frame(task.release().address());
    try {
      bool done = core_->block_on(root, internal::vtable_for<T>(), timeout);
      if (finished != nullptr) *finished = done;
    } catch (...) {
      if (!root->is_spawned()) internal::destroy_frame(root);  // frees the never-run frame
      throw;
    }
    return root;
  }

  friend class Builder;
  explicit Runtime(std::shared_ptr<internal::RuntimeCore> core) : core_(std::move(core)) {}
  std::shared_ptr<internal::RuntimeCore> core_;
};

class Builder {
 public:
  static Builder multi_thread();
  static Builder current_thread();

  // Number of worker threads (multi-thread flavour). Default: the number of cores.
  Builder& worker_threads(size_t n);
  Builder& thread_name(std::string name);
  // Check the global queue every `n` polls (fairness for remotely spawned tasks).
  Builder& global_queue_interval(uint32_t n);
  // Poll the I/O and timer drivers every `n` polls (used once those drivers exist).
  Builder& event_interval(uint32_t n);
  Builder& max_blocking_threads(size_t n);
  Builder& enable_time();
  Builder& enable_io();
  Builder& enable_all();
  // Multi-thread flavour: a worker that queues work for itself wakes a parked sibling to
  // share it once its queue holds at least `n` tasks. Default 1 (as Tokio: any queued task
  // may be stolen at once). A larger value saves the futex wake and context switch of a
  // sibling for small backlogs, at the price of up to n-1 tasks waiting behind a long
  // poll: for servers whose tasks poll briefly (the Redis server uses 4, which cut its CPU
  // per request by 10-15% under redis-benchmark). Work from outside the runtime, and
  // work a searching worker finds, still wake siblings at once.
  Builder& wake_threshold(uint32_t n);
  // Disables the LIFO slot (multi-thread flavour).
  Builder& disable_lifo_slot();
  // Current-thread flavour: pick the next task at random, from this seed (stress tests).
  Builder& random_order_seed(uint64_t seed);
  // Seed for the runtime's random choices (steal victims).
  Builder& rng_seed(uint64_t seed);

  Runtime build() const;

 private:
  enum class Flavor { kMultiThread, kCurrentThread };
  internal::DriverStack build_drivers() const;
  explicit Builder(Flavor flavor) : flavor_(flavor) {}

  Flavor flavor_;
  size_t workers_ = 0;
  std::string thread_name_ = "corio-worker";
  uint32_t global_queue_interval_ = 31;
  uint32_t event_interval_ = 61;
  size_t max_blocking_threads_ = 512;
  bool enable_time_ = false;
  bool enable_io_ = false;
  bool lifo_slot_ = true;
  uint32_t wake_threshold_ = 1;
  std::optional<uint64_t> random_order_seed_;
  uint64_t rng_seed_ = 0x9E3779B97F4A7C15ull;
};

// Spawns onto the runtime the calling thread is inside (std::logic_error if none).
template <typename T>
JoinHandle<T> spawn(Task<T> task) {
  // Straight to the thread's core: no Handle, so no shared_ptr count traffic per spawn.
  internal::RuntimeCore* core = internal::current_core_or_throw();
  TaskHeader* header = internal::into_spawned(std::move(task), core);
  core->spawn(header);
  return JoinHandle<T>(header);
}

// Yields to the scheduler once: the task goes to the back of its worker's queue.
class YieldNow {
 public:
  Poll<void> poll(Context& cx) {
    if (yielded_) return Ready();
    yielded_ = true;
    cx.waker().wake_by_ref();
    return kPending;
  }

 private:
  bool yielded_ = false;
};
inline YieldNow yield_now() { return {}; }

namespace internal {

// Where a blocking closure leaves its result for the task awaiting it.
template <typename R>
class BlockingCell {
 public:
  template <typename F>
  void run(F& f) {
    try {
      if constexpr (std::is_void_v<R>) {
        f();
        value_.emplace();
      } else {
        value_.emplace(f());
      }
    } catch (...) {
      error_ = std::current_exception();
    }
    finish();
  }
  // The closure was dropped without running (shutdown).
  void abandon() { finish(); }

  Poll<R> poll(Context& cx) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!done_) {
        if (!waker_.will_wake(cx.waker())) waker_ = cx.waker();
        return kPending;
      }
    }
    if (error_) std::rethrow_exception(error_);
    if (!value_) throw std::runtime_error("corio: blocking closure dropped at shutdown");
    if constexpr (std::is_void_v<R>) {
      return Ready();
    } else {
      return std::move(*value_);
    }
  }

 private:
  struct Unit {};
  void finish() {
    Waker waker;
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
      waker = std::move(waker_);
    }
    waker.wake();
  }

  std::mutex mu_;
  bool done_ = false;  // guarded by mu_
  Waker waker_;        // guarded by mu_
  // Written before done_ is set under mu_, read after seeing done_ under mu_.
  std::optional<std::conditional_t<std::is_void_v<R>, Unit, R>> value_;
  std::exception_ptr error_;
};

// Has a constructor on purpose: GCC 12 destroys an *aggregate* temporary with non-trivial
// members twice when it appears in a co_await expression (`co_await Agg{shared_ptr}`
// drops the shared_ptr twice). Futures with constructors are not affected.
template <typename R>
class CellFuture {
 public:
  explicit CellFuture(std::shared_ptr<BlockingCell<R>> cell) : cell_(std::move(cell)) {}
  Poll<R> poll(Context& cx) { return cell_->poll(cx); }

 private:
  std::shared_ptr<BlockingCell<R>> cell_;
};

template <typename R>
Task<R> await_blocking(std::shared_ptr<BlockingCell<R>> cell) {
  co_return co_await CellFuture<R>(std::move(cell));
}

}  // namespace internal

// Runs `f` on the runtime's blocking pool; the JoinHandle yields its result.
template <typename F>
auto spawn_blocking(F f) -> JoinHandle<std::invoke_result_t<F&>> {
  using R = std::invoke_result_t<F&>;
  Handle handle = Handle::current();
  auto cell = std::make_shared<internal::BlockingCell<R>>();
  struct Job {
    std::shared_ptr<internal::BlockingCell<R>> cell;
    F f;
    bool ran = false;
    Job(std::shared_ptr<internal::BlockingCell<R>> c, F fn) : cell(std::move(c)), f(std::move(fn)) {}
    Job(Job&& o) noexcept : cell(std::move(o.cell)), f(std::move(o.f)), ran(o.ran) {}
    ~Job() {
      if (cell && !ran) cell->abandon();
    }
    void operator()() {
      ran = true;
      cell->run(f);
    }
  };
  handle.core()->blocking_pool().submit(Job(cell, std::move(f)));
  return handle.spawn(internal::await_blocking<R>(std::move(cell)));
}

}  // namespace corio

// RuntimeCore: what Runtime, Handle and spawn() need from a scheduler flavour.
//
// Implemented by MultiThreadScheduler and CurrentThreadScheduler. A Runtime owns its core
// through a shared_ptr; Handles share it. The core of the runtime a thread is "inside"
// (a worker thread, or a thread in block_on) is published in a thread-local, which is
// what Handle::current() and the free spawn() read.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "runtime/blocking_pool.h"
#include "runtime/driver.h"
#include "runtime/metrics.h"
#include "runtime/scheduler.h"
#include "runtime/task_header.h"

namespace corio::time {
class TimeDriver;
}  // namespace corio::time
namespace corio::io {
class Reactor;
}  // namespace corio::io

namespace corio::internal {

// The driver stack a runtime parks in (see driver.h), with typed views of its layers.
struct DriverStack {
  std::unique_ptr<Driver> top;            // what workers park in; null: plain futex parking
  time::TimeDriver* time = nullptr;       // the time layer, if enabled
  io::Reactor* reactor = nullptr;         // the I/O layer, if enabled
};

class RuntimeCore : public Scheduler, public std::enable_shared_from_this<RuntimeCore> {
 public:
  explicit RuntimeCore(size_t max_blocking_threads) : blocking_pool_(max_blocking_threads) {}
  virtual ~RuntimeCore() = default;

  // Takes a task fresh from into_spawned (three references), records it and queues it.
  // After shutdown the task is cancelled at once instead (its JoinHandle reports it).
  virtual void spawn(TaskHeader* task) = 0;

  // Adopts `root` (the header of a Task's frame) as a task bound to a scheduler of this
  // flavour's choosing (init_spawned with `vtable`) and runs it to completion on the
  // calling thread, driving the runtime as the flavour requires. Returns false if `timeout`
  // passed first; the root is then cancelled before this returns. Either way the caller
  // holds the root's JoinHandle reference afterwards.
  virtual bool block_on(TaskHeader* root, const TaskVTable* vtable,
                std::optional<std::chrono::nanoseconds> timeout) = 0;

  // Stops the workers, cancels every task, drains the queues and the blocking pool.
  // Idempotent. Must not be called from one of this runtime's worker threads.
  virtual void shutdown() = 0;

  // True on a thread that may not block: one of this runtime's workers.
  virtual bool on_worker_thread() const = 0;

  virtual RuntimeMetrics metrics() const = 0;

  BlockingPool& blocking_pool() { return blocking_pool_; }

  // Installed by Builder before the runtime starts; constant afterwards.
  void set_drivers(DriverStack drivers) { drivers_ = std::move(drivers); }
  time::TimeDriver* time_driver() const { return drivers_.time; }
  io::Reactor* reactor() const { return drivers_.reactor; }

 protected:
  Driver* driver() const { return drivers_.top.get(); }
  // Lets go of everything registered with the drivers (after the tasks are gone).
  void shutdown_drivers() {
    if (drivers_.top) drivers_.top->shutdown();
  }

  BlockingPool blocking_pool_;
  DriverStack drivers_;
};

// The runtime the current thread is inside, or null.
inline thread_local RuntimeCore* tl_current_core = nullptr;

// tl_current_core, or std::logic_error naming the misuse.
RuntimeCore* current_core_or_throw();

// Sets tl_current_core for a scope.
class EnterRuntime {
 public:
  explicit EnterRuntime(RuntimeCore* core) : saved_(tl_current_core) { tl_current_core = core; }
  ~EnterRuntime() { tl_current_core = saved_; }
  EnterRuntime(const EnterRuntime&) = delete;
  EnterRuntime& operator=(const EnterRuntime&) = delete;

 private:
  RuntimeCore* saved_;
};

}  // namespace corio::internal

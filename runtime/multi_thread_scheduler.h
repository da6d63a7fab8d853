// MultiThreadScheduler: N workers, work stealing.
//
// Per worker: a LocalQueue (256 slots, owner pushes/pops, thieves steal half), a LIFO slot
// holding the task most recently woken by that worker (message ping-pong stays in cache),
// and a Parker. Shared: the Injector (tasks from outside the workers and queue overflow),
// OwnedTasks (for shutdown), and the idle state below.
//
// Worker loop: every `global_queue_interval` ticks the injector is checked first (so
// remote tasks are not starved by busy local queues); otherwise local queue, then a batch
// from the injector, then stealing, then parking. After polling a task the worker runs the
// task left in its LIFO slot, at most kMaxLifoPolls times in a row; beyond that the slot's
// task goes to the back of the local queue so the LIFO slot cannot starve the queue.
//
// Idle protocol (one atomic word, `idle_state_`: unparked workers << 32 | searching):
//  - At most half of the workers search (steal) at once.
//  - Whoever queues stealable work calls notify_parked(): if no worker is searching and
//    one is parked, it unparks one, counted as searching.
//  - A searching worker that finds work stops searching; if it was the last searcher it
//    wakes a sibling (more work may be waiting), so work never waits while a core sleeps.
//  - A worker about to park re-checks every queue after announcing itself parked (if it
//    was the last searcher), so a notification racing with its parking is not lost.
//  Ordering: idle_state_ is read and written seq_cst, and notify_parked() starts with a
//  seq_cst fence, so "push work, then read idle state" and "announce parked, then read
//  queues" cannot both miss each other (store-load ordering on both sides).
//
// Drivers (driver.h): a worker with nothing to do parks on its own Parker; if the runtime
// has drivers (time, I/O) and no other worker is inside them, it parks inside the driver
// instead (epoll_wait / futex with the next timer deadline as timeout), and unparking it
// wakes the driver. Tasks the driver wakes on that worker land in its own queue, and it
// leaves the sleepers to run them. Busy workers poll the driver without blocking every
// `event_interval` ticks (maintain_driver), so timers and I/O progress under load.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/driver.h"
#include "runtime/injector.h"
#include "runtime/local_queue.h"
#include "runtime/metrics.h"
#include "runtime/owned_tasks.h"
#include "runtime/parker.h"
#include "runtime/runtime_core.h"

namespace corio::internal {

struct MultiThreadOptions {
  size_t workers = 2;
  std::string thread_name = "corio-worker";
  uint32_t global_queue_interval = 31;
  uint32_t event_interval = 61;
  bool lifo_slot = true;
  uint32_t wake_threshold = 1;  // see Builder::wake_threshold
  uint64_t seed = 0x9E3779B97F4A7C15ull;
  size_t max_blocking_threads = 512;
};

class MultiThreadScheduler final : public RuntimeCore {
 public:
  explicit MultiThreadScheduler(MultiThreadOptions options);
  ~MultiThreadScheduler() override;

  // Starts the worker threads. Separate from the constructor so that the object is fully
  // built (and owned by a shared_ptr) before any worker runs.
  void start();

  void schedule(TaskHeader* task, bool is_yield) override;
  // A task that spent its budget wakes no sibling unless other work waits behind it:
  // alone in the queue, this worker runs it again at once, and a woken sibling would only
  // steal it back (a futex wake and a context switch every kTaskBudget operations of a
  // busy loop; Tokio defers such wakes to the worker's next park for the same reason).
  void schedule_budget_yield(TaskHeader* task) override;
  bool release(TaskHeader* task) override;
  void spawn(TaskHeader* task) override;
  bool block_on(TaskHeader* root, const TaskVTable* vtable,
                std::optional<std::chrono::nanoseconds> timeout) override;
  void shutdown() override;
  bool on_worker_thread() const override;
  RuntimeMetrics metrics() const override;

 private:
  static constexpr int kMaxLifoPolls = 3;

  struct Worker {
    size_t index = 0;
    LocalQueue queue;
    TaskHeader* lifo = nullptr;  // owner only
    Parker parker;
    WorkerCounters counters;
    std::thread thread;
    bool searching = false;  // owner only
    uint32_t tick = 0;       // owner only
    uint64_t rng = 0;        // owner only
  };

  void worker_main(Worker& w);
  TaskHeader* next_task(Worker& w);
  TaskHeader* next_remote_task(Worker& w);
  TaskHeader* steal_work(Worker& w);
  void run(Worker& w, TaskHeader* task);
  void park_worker(Worker& w);
  void maintain_driver(Worker& w);
  void notify_parked();
  bool has_stealable_work() const;

  // Idle state helpers.
  static constexpr uint64_t kOneSearching = 1;
  static constexpr uint64_t kOneUnparked = uint64_t{1} << 32;
  static uint64_t searching_of(uint64_t s) { return s & 0xffffffffu; }
  static uint64_t unparked_of(uint64_t s) { return s >> 32; }
  bool transition_to_searching();
  bool transition_from_searching();  // true if it was the last searcher

  const MultiThreadOptions options_;
  std::vector<std::unique_ptr<Worker>> workers_;
  Injector injector_;
  OwnedTasks owned_;
  std::atomic<uint64_t> idle_state_;
  std::mutex sleepers_mu_;
  std::vector<size_t> sleepers_;  // guarded by sleepers_mu_
  std::unique_ptr<DriverSlot> driver_slot_;  // null when no driver is enabled
  std::atomic<bool> shutdown_{false};
  std::once_flag shutdown_once_;
};

}  // namespace corio::internal

#include "runtime/current_thread_scheduler.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "runtime/coop.h"
#include "runtime/task_harness.h"

namespace corio::internal {
namespace {
thread_local const CurrentThreadScheduler* tl_driving = nullptr;
}  // namespace

CurrentThreadScheduler::CurrentThreadScheduler(CurrentThreadOptions options)
    : RuntimeCore(options.max_blocking_threads), rng_(options.random_order_seed) {
  if (rng_) *rng_ |= 1;  // xorshift needs a non-zero state
}

CurrentThreadScheduler::~CurrentThreadScheduler() { shutdown(); }

bool CurrentThreadScheduler::on_worker_thread() const { return tl_driving == this; }

void CurrentThreadScheduler::schedule(TaskHeader* task, bool /*is_yield*/) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!closed_) {
      queue_.push_back(task);
      task = nullptr;
    }
  }
  if (task != nullptr) {
    task->ref_dec();  // shut down: the task was cancelled
    return;
  }
  if (tl_driving == this) {
    counters_.local_schedules.inc();
  } else {
    parker_.unpark();
  }
}

TaskHeader* CurrentThreadScheduler::pop() {
  std::lock_guard<std::mutex> lock(mu_);
  if (queue_.empty()) return nullptr;
  if (rng_ && queue_.size() > 1) {
    uint64_t& x = *rng_;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    size_t pick = (x * 0x2545F4914F6CDD1Dull) % queue_.size();
    std::swap(queue_[0], queue_[pick]);
  }
  TaskHeader* task = queue_.front();
  queue_.pop_front();
  return task;
}

void CurrentThreadScheduler::spawn(TaskHeader* task) {
  if (owned_.bind_or_cancel(task)) schedule(task, /*is_yield=*/false);
}

bool CurrentThreadScheduler::release(TaskHeader* task) { return owned_.remove(task); }

bool CurrentThreadScheduler::block_on(TaskHeader* root, const TaskVTable* vtable,
                                      std::optional<std::chrono::nanoseconds> timeout) {
  if (tl_driving != nullptr) {
    throw std::logic_error(
        "corio: block_on called from inside a runtime's task; use co_await instead");
  }
  auto deadline = timeout ? std::chrono::steady_clock::now() + *timeout
                          : std::chrono::steady_clock::time_point::max();
  root->init_spawned(vtable, this);
  spawn(root);
  std::lock_guard<std::mutex> driving(driver_mu_);
  tl_driving = this;
  EnterRuntime enter(this);
  coop::internal::tl_forced_yield_counter = &counters_.budget_forced_yields;
  bool timed_out = false;
  uint32_t tick = 0;
  while ((root->load_state() & TaskHeader::kComplete) == 0) {
    // A busy runtime must still fire timers and see I/O.
    if (++tick % kEventInterval == 0 && driver() != nullptr) {
      driver()->park(std::chrono::nanoseconds::zero());
    }
    if (TaskHeader* task = pop()) {
      run_task(task);
      counters_.polls.inc();
      continue;
    }
    counters_.parks.inc();
    std::optional<std::chrono::nanoseconds> park_timeout;
    if (timeout && !timed_out) {
      park_timeout = std::max(std::chrono::nanoseconds::zero(),
                              std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  deadline - std::chrono::steady_clock::now()));
    }
    if (driver() != nullptr) {
      // The driver dispatches what became ready (wakes tasks into our queue) before it
      // returns; a wake from another thread unparks it.
      parker_.park_driver(driver(), park_timeout);
    } else if (park_timeout) {
      parker_.park_for(*park_timeout);
    } else {
      parker_.park();
    }
    counters_.unparks.inc();
    if (park_timeout && !timed_out && std::chrono::steady_clock::now() >= deadline) {
      timed_out = true;
      if (root->transition_to_notified_and_cancel()) schedule(root, true);
    }
  }
  coop::internal::tl_forced_yield_counter = nullptr;
  tl_driving = nullptr;
  return !timed_out || (root->load_state() & TaskHeader::kCancelled) == 0;
}

void CurrentThreadScheduler::shutdown() {
  std::call_once(shutdown_once_, [this] {
    owned_.close_and_cancel_all();
    std::deque<TaskHeader*> queued;
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
      queued.swap(queue_);
    }
    for (TaskHeader* task : queued) task->ref_dec();
    blocking_pool_.shutdown();
    shutdown_drivers();
  });
}

RuntimeMetrics CurrentThreadScheduler::metrics() const {
  RuntimeMetrics m;
  WorkerMetrics w;
  w.polls = counters_.polls.get();
  w.parks = counters_.parks.get();
  w.unparks = counters_.unparks.get();
  w.local_schedules = counters_.local_schedules.get();
  w.budget_forced_yields = counters_.budget_forced_yields.load(std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(const_cast<std::mutex&>(mu_));
    w.queue_depth = queue_.size();
  }
  m.workers.push_back(w);
  m.live_tasks = owned_.len();
  m.blocking_threads = blocking_pool_.threads();
  m.blocking_idle_threads = blocking_pool_.idle_threads();
  return m;
}

}  // namespace corio::internal

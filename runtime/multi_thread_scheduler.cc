#include "runtime/multi_thread_scheduler.h"

#include <pthread.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "runtime/block_on_driver.h"
#include "runtime/coop.h"
#include "runtime/task_harness.h"

namespace corio::internal {
namespace {

// The worker the current thread is, and the scheduler it belongs to.
thread_local void* tl_worker = nullptr;
thread_local const MultiThreadScheduler* tl_worker_owner = nullptr;

uint64_t next_random(uint64_t& state) {
  // xorshift64*
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545F4914F6CDD1Dull;
}

}  // namespace

MultiThreadScheduler::MultiThreadScheduler(MultiThreadOptions options)
    : RuntimeCore(options.max_blocking_threads),
      options_(std::move(options)),
      idle_state_(kOneUnparked * std::max<size_t>(1, options_.workers)) {
  size_t n = std::max<size_t>(1, options_.workers);
  uint64_t seed = options_.seed;
  for (size_t i = 0; i < n; ++i) {
    auto w = std::make_unique<Worker>();
    w->index = i;
    w->rng = next_random(seed) | 1;
    workers_.push_back(std::move(w));
  }
}

MultiThreadScheduler::~MultiThreadScheduler() { shutdown(); }

void MultiThreadScheduler::start() {
  if (driver() != nullptr) driver_slot_ = std::make_unique<DriverSlot>(driver());
  for (auto& w : workers_) {
    Worker* worker = w.get();
    worker->thread = std::thread([this, worker] { worker_main(*worker); });
    std::string name = options_.thread_name.substr(0, 15);
    pthread_setname_np(worker->thread.native_handle(), name.c_str());
  }
}

bool MultiThreadScheduler::on_worker_thread() const { return tl_worker_owner == this; }

void MultiThreadScheduler::worker_main(Worker& w) {
  tl_worker = &w;
  tl_worker_owner = this;
  EnterRuntime enter(this);
  coop::internal::tl_forced_yield_counter = &w.counters.budget_forced_yields;
  // Ordering: acquire pairs with the release store in shutdown().
  while (!shutdown_.load(std::memory_order_acquire)) {
    ++w.tick;
    if (w.tick % options_.event_interval == 0) maintain_driver(w);
    TaskHeader* task = next_task(w);
    if (task == nullptr) task = steal_work(w);
    if (task != nullptr) {
      run(w, task);
      continue;
    }
    park_worker(w);
  }
  coop::internal::tl_forced_yield_counter = nullptr;
  tl_worker_owner = nullptr;
  tl_worker = nullptr;
}

TaskHeader* MultiThreadScheduler::next_task(Worker& w) {
  if (w.tick % options_.global_queue_interval == 0) {
    if (TaskHeader* task = injector_.pop()) {
      w.counters.remote_schedules.inc();
      return task;
    }
  }
  if (TaskHeader* task = w.queue.pop()) return task;
  return next_remote_task(w);
}

TaskHeader* MultiThreadScheduler::next_remote_task(Worker& w) {
  if (injector_.is_empty()) return nullptr;
  // Take a fair share of the injector in one lock: our share of it, bounded by the room
  // left in the local queue.
  size_t share = injector_.len() / workers_.size() + 1;
  size_t room = std::min<size_t>(w.queue.remaining_slots(), LocalQueue::kCapacity / 2);
  size_t popped = 0;
  TaskHeader* first = injector_.pop_batch(std::max<size_t>(1, std::min(share, room)), popped);
  if (first == nullptr) return nullptr;
  w.counters.remote_schedules.inc(popped);
  for (TaskHeader* t = first->queue_next; t != nullptr;) {
    TaskHeader* next = t->queue_next;
    if (w.queue.push_back(t, injector_)) w.counters.overflows.inc();
    t = next;
  }
  return first;
}

bool MultiThreadScheduler::transition_to_searching() {
  uint64_t s = idle_state_.load(std::memory_order_seq_cst);
  if (2 * searching_of(s) >= workers_.size()) return false;
  idle_state_.fetch_add(kOneSearching, std::memory_order_seq_cst);
  return true;
}

bool MultiThreadScheduler::transition_from_searching() {
  uint64_t prev = idle_state_.fetch_sub(kOneSearching, std::memory_order_seq_cst);
  return searching_of(prev) == 1;
}

TaskHeader* MultiThreadScheduler::steal_work(Worker& w) {
  if (!w.searching) {
    if (!transition_to_searching()) return nullptr;
    w.searching = true;
  }
  size_t n = workers_.size();
  size_t start = next_random(w.rng) % n;
  for (size_t i = 0; i < n; ++i) {
    size_t victim = (start + i) % n;
    if (victim == w.index) continue;
    uint32_t stolen = 0;
    if (TaskHeader* task = workers_[victim]->queue.steal_into(w.queue, stolen)) {
      w.counters.steals.inc(stolen);
      w.counters.steal_operations.inc();
      return task;
    }
  }
  return next_remote_task(w);
}

void MultiThreadScheduler::run(Worker& w, TaskHeader* task) {
  if (w.searching) {
    w.searching = false;
    // The last searcher to find work wakes a sibling: there may be more.
    if (transition_from_searching()) notify_parked();
  }
  run_task(task);
  w.counters.polls.inc();
  for (int i = 0; i < kMaxLifoPolls && w.lifo != nullptr; ++i) {
    run_task(std::exchange(w.lifo, nullptr));
    w.counters.polls.inc();
  }
  if (w.lifo != nullptr) {
    // Starvation guard: the LIFO slot had its turns; its task waits in line. No sibling
    // is woken for it: this worker is busy and runs it next (as Tokio does); waking one
    // here cost a futex wake every few tasks of a spawn chain.
    if (w.queue.push_back(std::exchange(w.lifo, nullptr), injector_)) w.counters.overflows.inc();
  }
}

void MultiThreadScheduler::schedule(TaskHeader* task, bool is_yield) {
  if (tl_worker_owner == this && !shutdown_.load(std::memory_order_relaxed)) {
    auto& w = *static_cast<Worker*>(tl_worker);
    w.counters.local_schedules.inc();
    if (!is_yield && options_.lifo_slot) {
      TaskHeader* prev = std::exchange(w.lifo, task);
      if (prev == nullptr) return;  // runs right after the current task
      task = prev;
    }
    if (w.queue.push_back(task, injector_)) w.counters.overflows.inc();
    // A worker's own backlog below wake_threshold is left to it: waking a sibling costs a
    // futex wake here and a context switch there, more than a few short polls (servers).
    if (w.queue.len() >= options_.wake_threshold) notify_parked();
    return;
  }
  if (!injector_.push(task)) {
    // Shut down: the task was cancelled; drop the queue's reference.
    task->ref_dec();
    return;
  }
  notify_parked();
}

void MultiThreadScheduler::schedule_budget_yield(TaskHeader* task) {
  if (tl_worker_owner != this || shutdown_.load(std::memory_order_relaxed)) {
    schedule(task, /*is_yield=*/true);
    return;
  }
  auto& w = *static_cast<Worker*>(tl_worker);
  w.counters.local_schedules.inc();
  if (w.queue.push_back(task, injector_)) w.counters.overflows.inc();
  // The task itself does not count (a thief may already have taken it: len() may be 0).
  uint32_t others = w.queue.len();
  if (others > 0) --others;
  if (others >= options_.wake_threshold) notify_parked();
}

void MultiThreadScheduler::notify_parked() {
  // Ordering: seq_cst fence: our queue push must be visible before we read idle_state_, as
  // a parking worker's announcement must be before it re-reads the queues.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  uint64_t s = idle_state_.load(std::memory_order_seq_cst);
  if (searching_of(s) != 0 || unparked_of(s) >= workers_.size()) return;
  size_t id;
  {
    std::lock_guard<std::mutex> lock(sleepers_mu_);
    s = idle_state_.load(std::memory_order_seq_cst);
    if (searching_of(s) != 0 || unparked_of(s) >= workers_.size() || sleepers_.empty()) return;
    idle_state_.fetch_add(kOneUnparked | kOneSearching, std::memory_order_seq_cst);
    id = sleepers_.back();
    sleepers_.pop_back();
  }
  workers_[id]->parker.unpark();
}

bool MultiThreadScheduler::has_stealable_work() const {
  if (!injector_.is_empty()) return true;
  for (const auto& w : workers_) {
    if (!w->queue.is_empty()) return true;
  }
  return false;
}

void MultiThreadScheduler::maintain_driver(Worker& w) {
  // A busy runtime must still fire timers and see I/O: poll the driver without blocking,
  // if no parked worker is inside it. What it wakes lands in our queue.
  if (driver_slot_ == nullptr || !driver_slot_->try_lock()) return;
  driver_slot_->driver()->park(std::chrono::nanoseconds::zero());
  driver_slot_->unlock();
  if (w.lifo != nullptr) {
    if (w.queue.push_back(std::exchange(w.lifo, nullptr), injector_)) w.counters.overflows.inc();
  }
}

void MultiThreadScheduler::park_worker(Worker& w) {
  bool was_searching = std::exchange(w.searching, false);
  bool last_searcher;
  {
    std::lock_guard<std::mutex> lock(sleepers_mu_);
    uint64_t prev = idle_state_.fetch_sub(kOneUnparked | (was_searching ? kOneSearching : 0),
                                          std::memory_order_seq_cst);
    last_searcher = was_searching && searching_of(prev) == 1;
    sleepers_.push_back(w.index);
  }
  if (last_searcher && has_stealable_work()) notify_parked();
  for (;;) {
    w.counters.parks.inc();
    // One parked worker at a time sleeps inside the driver (epoll / next timer); the
    // others sleep on their futex.
    if (driver_slot_ != nullptr && driver_slot_->try_lock()) {
      w.parker.park_driver(driver_slot_->driver(), std::nullopt);
      driver_slot_->unlock();
    } else {
      w.parker.park();
    }
    w.counters.unparks.inc();
    if (shutdown_.load(std::memory_order_acquire)) return;
    // Tasks the driver woke on this thread went to the LIFO slot; the worker loop only
    // looks at the queue, so move it there whichever way we leave.
    if (w.lifo != nullptr) {
      if (w.queue.push_back(std::exchange(w.lifo, nullptr), injector_)) {
        w.counters.overflows.inc();
      }
    }
    std::lock_guard<std::mutex> lock(sleepers_mu_);
    auto listed = std::find(sleepers_.begin(), sleepers_.end(), w.index);
    if (listed == sleepers_.end()) {
      // Woken by notify_parked, which counted us as unparked and searching.
      w.searching = true;
      return;
    }
    if (!w.queue.is_empty()) {
      // The driver woke tasks onto our own queue (timers, I/O): run them.
      sleepers_.erase(listed);
      idle_state_.fetch_add(kOneUnparked, std::memory_order_seq_cst);
      return;
    }
    // Nothing for us (a stale unpark, or the driver woke nobody): sleep again.
  }
}

void MultiThreadScheduler::spawn(TaskHeader* task) {
  if (owned_.bind_or_cancel(task)) schedule(task, /*is_yield=*/false);
}

bool MultiThreadScheduler::release(TaskHeader* task) { return owned_.remove(task); }

bool MultiThreadScheduler::block_on(TaskHeader* root, const TaskVTable* vtable,
                                    std::optional<std::chrono::nanoseconds> timeout) {
  if (on_worker_thread()) {
    throw std::logic_error(
        "corio: block_on called from a runtime worker thread (it would block the worker); "
        "use co_await inside the task instead");
  }
  BlockOnDriver driver;
  root->init_spawned(vtable, &driver);
  EnterRuntime enter(this);
  return driver.run(root, timeout);
}

void MultiThreadScheduler::shutdown() {
  if (on_worker_thread()) {
    std::fprintf(stderr, "corio: a runtime was shut down from its own worker thread\n");
    std::abort();
  }
  std::call_once(shutdown_once_, [this] {
    // Ordering: release pairs with the workers' acquire loads of shutdown_.
    shutdown_.store(true, std::memory_order_release);
    for (auto& w : workers_) w->parker.unpark();
    for (auto& w : workers_) {
      if (w->thread.joinable()) w->thread.join();
    }
    // Every worker has stopped: cancel what is left. Cancelling may wake other tasks; with
    // no worker running, those wakes land in the injector, drained below.
    owned_.close_and_cancel_all();
    for (auto& w : workers_) {
      while (TaskHeader* task = w->queue.pop()) task->ref_dec();
      if (TaskHeader* task = std::exchange(w->lifo, nullptr)) task->ref_dec();
    }
    for (TaskHeader* task = injector_.close(); task != nullptr;) {
      TaskHeader* next = task->queue_next;
      task->ref_dec();
      task = next;
    }
    blocking_pool_.shutdown();
    shutdown_drivers();
  });
}

RuntimeMetrics MultiThreadScheduler::metrics() const {
  RuntimeMetrics m;
  for (const auto& w : workers_) {
    WorkerMetrics wm;
    wm.polls = w->counters.polls.get();
    wm.steals = w->counters.steals.get();
    wm.steal_operations = w->counters.steal_operations.get();
    wm.overflows = w->counters.overflows.get();
    wm.parks = w->counters.parks.get();
    wm.unparks = w->counters.unparks.get();
    wm.local_schedules = w->counters.local_schedules.get();
    wm.remote_schedules = w->counters.remote_schedules.get();
    wm.budget_forced_yields = w->counters.budget_forced_yields.load(std::memory_order_relaxed);
    wm.queue_depth = w->queue.len();
    m.workers.push_back(wm);
  }
  m.injector_depth = injector_.len();
  m.live_tasks = owned_.len();
  m.blocking_threads = blocking_pool_.threads();
  m.blocking_idle_threads = blocking_pool_.idle_threads();
  return m;
}

}  // namespace corio::internal

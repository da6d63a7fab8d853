#include "runtime/time/time_driver.h"

#include <algorithm>
#include <stdexcept>
#include <utility>
#include <vector>

#include "runtime/runtime_core.h"

namespace corio::time {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

TimeDriver::TimeDriver(std::unique_ptr<internal::Driver> inner, bool pausable)
    : inner_(std::move(inner)), pausable_(pausable), epoch_(clock_.now()) {}

TimeDriver::~TimeDriver() { shutdown(); }

uint64_t TimeDriver::deadline_to_tick(Instant deadline) const {
  if (deadline <= epoch_) return 0;
  auto ns = std::chrono::duration_cast<nanoseconds>(deadline - epoch_).count();
  return static_cast<uint64_t>((ns + 999'999) / 1'000'000);
}

uint64_t TimeDriver::now_tick() const {
  Instant now = clock_.now();
  if (now <= epoch_) return 0;
  return static_cast<uint64_t>(std::chrono::duration_cast<milliseconds>(now - epoch_).count());
}

void TimeDriver::pause_clock() {
  if (clock_.is_paused()) return;
  clock_.pause();
  clock_.advance_to(epoch_ + milliseconds(deadline_to_tick(clock_.now())));
}

bool TimeDriver::register_timer(TimerState* timer, uint64_t tick, const Waker& waker) {
  timer->fired.store(false, std::memory_order_relaxed);
  timer->wanted_tick.store(tick, std::memory_order_relaxed);
  bool wake_parked;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shut_down_ || !wheel_.insert(timer, tick)) return false;
    timer->waker = waker;
    // A driver asleep past this deadline must wake to re-arm its timeout.
    wake_parked = parked_until_ != 0 && tick < parked_until_;
  }
  if (wake_parked) inner_->unpark();
  return true;
}

void TimeDriver::update_waker(TimerState* timer, const Waker& waker) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!timer->fired.load(std::memory_order_relaxed)) timer->waker = waker;
}

void TimeDriver::cancel(TimerState* timer) {
  Waker dropped;  // released outside the lock: dropping a waker may free a task
  std::lock_guard<std::mutex> lock(mu_);
  wheel_.remove(timer);
  dropped = std::move(timer->waker);
}

size_t TimeDriver::process() {
  uint64_t now = now_tick();
  size_t fired = 0;
  Waker batch[kWakeBatch];
  for (;;) {
    int n = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      while (n < kWakeBatch) {
        auto* timer = static_cast<TimerState*>(wheel_.poll(now));
        if (timer == nullptr) break;
        // A reset to a later deadline: file it again rather than fire.
        uint64_t wanted = timer->wanted_tick.load(std::memory_order_relaxed);
        if (wanted > timer->deadline() && wheel_.insert(timer, wanted)) continue;
        batch[n++] = std::move(timer->waker);
        // Ordering: release: the owner that sees `fired` also sees we are done with it.
        timer->fired.store(true, std::memory_order_release);
      }
    }
    for (int i = 0; i < n; ++i) std::move(batch[i]).wake();
    fired += n;
    if (n < kWakeBatch) return fired;
  }
}

size_t TimeDriver::registered_count() {
  std::lock_guard<std::mutex> lock(mu_);
  return wheel_.size();
}

std::optional<uint64_t> TimeDriver::next_expiration() {
  std::lock_guard<std::mutex> lock(mu_);
  return wheel_.next_expiration();
}

void TimeDriver::park(std::optional<nanoseconds> timeout) {
  std::optional<uint64_t> next;
  {
    std::lock_guard<std::mutex> lock(mu_);
    next = wheel_.next_expiration();
    // Not "parked" when it will not block: a registration need not wake us then.
    parked_until_ = (timeout && timeout->count() == 0) ? 0 : next.value_or(UINT64_MAX);
  }
  if (clock_.is_paused() && next && !(timeout && timeout->count() == 0)) {
    // Idle with time frozen: pick up whatever the inner driver has, then jump to the
    // deadline instead of sleeping until it.
    inner_->park(nanoseconds::zero());
    clock_.advance_to(epoch_ + milliseconds(*next));
  } else {
    std::optional<nanoseconds> sleep_for = timeout;
    if (next) {
      // Until the tick's exact instant, not in whole ms from a rounded-down reading.
      nanoseconds until = std::max(nanoseconds::zero(),
                                   std::chrono::duration_cast<nanoseconds>(
                                       epoch_ + milliseconds(*next) - clock_.now()));
      if (!sleep_for || until < *sleep_for) sleep_for = until;
    }
    inner_->park(sleep_for);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    parked_until_ = 0;
  }
  process();
}

void TimeDriver::shutdown() {
  // Whatever is still filed belongs to futures that outlived their tasks; let go of their
  // wakers and mark them fired so their destructors skip the driver. The wakers are
  // dropped after unlocking: the last reference to a task may destroy it, and with it a
  // Sleep that would take the lock.
  std::vector<Waker> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shut_down_) return;
    shut_down_ = true;
    while (auto* timer = static_cast<TimerState*>(wheel_.poll(UINT64_MAX))) {
      dropped.push_back(std::move(timer->waker));
      timer->fired.store(true, std::memory_order_release);
    }
  }
  dropped.clear();
  inner_->shutdown();
}

TimeDriver& current_time_driver() {
  internal::RuntimeCore* core = internal::tl_current_core;
  if (core == nullptr) {
    throw std::logic_error("corio: timers need a runtime: call from inside a runtime's task");
  }
  TimeDriver* driver = core->time_driver();
  if (driver == nullptr) {
    throw std::logic_error(
        "corio: this runtime has no timer: build it with Builder::enable_time() "
        "(or enable_all())");
  }
  return *driver;
}

}  // namespace corio::time

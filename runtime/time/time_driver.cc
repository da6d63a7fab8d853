#include "runtime/time/time_driver.h"

#include <algorithm>
#include <stdexcept>
#include <utility>
#include <vector>

#include "runtime/runtime_core.h"

namespace corio::time {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

namespace {
constexpr int64_t kNsPerMs = 1'000'000;
uint64_t ms_of(int64_t ns) { return static_cast<uint64_t>(ns / kNsPerMs); }
}  // namespace

TimeDriver::TimeDriver(std::unique_ptr<internal::Driver> inner, bool pausable)
    : inner_(std::move(inner)), pausable_(pausable), epoch_(clock_.now()) {}

TimeDriver::~TimeDriver() { shutdown(); }

int64_t TimeDriver::to_ns(Instant t) const {
  if (t <= epoch_) return 0;
  return std::chrono::duration_cast<nanoseconds>(t - epoch_).count();
}

void TimeDriver::pause_clock() {
  if (clock_.is_paused()) return;
  clock_.pause();
  // Start paused time on a whole millisecond of the epoch: a paused test then reads round
  // numbers, and sleeps of whole milliseconds land exactly.
  int64_t ns = to_ns(clock_.now());
  clock_.advance_to(epoch_ + milliseconds((ns + kNsPerMs - 1) / kNsPerMs));
}

void TimeDriver::file_locked(TimerState* timer, int64_t wanted_ns) {
  // The wheel refuses a millisecond that has come already: such a timer waits in near_.
  if (!wheel_.insert(timer, ms_of(wanted_ns))) {
    near_.push_back(timer);
    ++near_count_;
    near_min_ns_ = std::min(near_min_ns_, wanted_ns);
  }
}

bool TimeDriver::register_timer(TimerState* timer, Instant deadline, const Waker& waker) {
  int64_t ns = to_ns(deadline);
  timer->fired.store(false, std::memory_order_relaxed);
  timer->wanted_ns.store(ns, std::memory_order_relaxed);
  bool wake_parked;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shut_down_) return false;
    file_locked(timer, ns);
    timer->waker = waker;
    // A driver asleep past this deadline must wake to re-arm its timeout.
    wake_parked = parked_until_ns_ != 0 && ns < parked_until_ns_;
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
  if (near_.holds(timer)) {
    near_.remove(timer);
    --near_count_;
  } else {
    wheel_.remove(timer);
  }
  dropped = std::move(timer->waker);
}

size_t TimeDriver::process() {
  int64_t now_ns = to_ns(clock_.now());
  uint64_t now_ms = ms_of(now_ns);
  size_t fired = 0;
  Waker batch[kWakeBatch];
  auto fire = [&](TimerState* timer, int& n) {
    batch[n++] = std::move(timer->waker);
    // Ordering: release: the owner that sees `fired` also sees we are done with it.
    timer->fired.store(true, std::memory_order_release);
  };
  for (;;) {
    int n = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      // Timers whose exact deadline, in an earlier pass, was still ahead. Scanned only when
      // the earliest of them is due; the scan recomputes that bound.
      if (now_ns >= near_min_ns_) {
        int64_t min_left = INT64_MAX;
        for (TimerEntry* e = near_.front(); e != nullptr;) {
          TimerEntry* next = EntryList::next(e);
          auto* timer = static_cast<TimerState*>(e);
          int64_t wanted = timer->wanted_ns.load(std::memory_order_relaxed);
          if (ms_of(wanted) > now_ms) {  // reset later: back to the wheel
            near_.remove(timer);
            --near_count_;
            file_locked(timer, wanted);
          } else if (wanted <= now_ns && n < kWakeBatch) {
            near_.remove(timer);
            --near_count_;
            fire(timer, n);
          } else {
            min_left = std::min(min_left, wanted);
          }
          e = next;
        }
        near_min_ns_ = min_left;
      }
      while (n < kWakeBatch) {
        auto* timer = static_cast<TimerState*>(wheel_.poll(now_ms));
        if (timer == nullptr) break;
        int64_t wanted = timer->wanted_ns.load(std::memory_order_relaxed);
        if (wanted <= now_ns) {
          fire(timer, n);
        } else {
          // Its millisecond has come but not its exact deadline (or it was reset later):
          // the wheel takes a later millisecond back, near_ keeps this one.
          file_locked(timer, wanted);
        }
      }
    }
    for (int i = 0; i < n; ++i) std::move(batch[i]).wake();
    fired += n;
    if (n < kWakeBatch) return fired;
  }
}

size_t TimeDriver::registered_count() {
  std::lock_guard<std::mutex> lock(mu_);
  return wheel_.size() + near_count_;
}

std::optional<int64_t> TimeDriver::next_wake_ns_locked() const {
  std::optional<int64_t> next;
  if (auto ms = wheel_.next_expiration()) next = static_cast<int64_t>(*ms) * kNsPerMs;
  if (near_count_ > 0 && (!next || near_min_ns_ < *next)) next = near_min_ns_;
  return next;
}

void TimeDriver::park(std::optional<nanoseconds> timeout) {
  bool polling = timeout && timeout->count() == 0;
  std::optional<int64_t> next;
  {
    std::lock_guard<std::mutex> lock(mu_);
    next = next_wake_ns_locked();
    // Not "parked" when it will not block: a registration need not wake us then.
    parked_until_ns_ = polling ? 0 : next.value_or(INT64_MAX);
  }
  if (clock_.is_paused() && next && !polling) {
    // Idle with time frozen: pick up whatever the inner driver has, then jump to the
    // deadline instead of sleeping until it.
    inner_->park(nanoseconds::zero());
    clock_.advance_to(epoch_ + nanoseconds(*next));
  } else {
    std::optional<nanoseconds> sleep_for = timeout;
    if (next) {
      nanoseconds until = std::max(nanoseconds::zero(), nanoseconds(*next - to_ns(clock_.now())));
      if (!sleep_for || until < *sleep_for) sleep_for = until;
    }
    inner_->park(sleep_for);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    parked_until_ns_ = 0;
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
    auto let_go = [&](TimerState* timer) {
      dropped.push_back(std::move(timer->waker));
      timer->fired.store(true, std::memory_order_release);
    };
    while (auto* timer = static_cast<TimerState*>(near_.pop_front())) let_go(timer);
    near_count_ = 0;
    near_min_ns_ = INT64_MAX;
    while (auto* timer = static_cast<TimerState*>(wheel_.poll(UINT64_MAX))) let_go(timer);
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

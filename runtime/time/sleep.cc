#include "runtime/time/sleep.h"

#include <stdexcept>

#include "runtime/runtime_core.h"

namespace corio::time {

Sleep::Sleep(Instant deadline) : driver_(&current_time_driver()), deadline_(deadline) {}

Sleep::Sleep(Sleep&& other) noexcept
    : driver_(other.driver_), deadline_(other.deadline_), completed_(other.completed_) {
  // Moving a registered Sleep would leave the wheel pointing at the old object.
  if (other.registered_) std::terminate();
}

Sleep::~Sleep() {
  // Ordering: acquire pairs with the driver's release of `fired`: after seeing it, the
  // driver is done with timer_ and it may be destroyed.
  if (registered_ && !timer_.fired.load(std::memory_order_acquire)) driver_->cancel(&timer_);
}

bool Sleep::is_elapsed() const { return completed_ || driver_->now() >= deadline_; }

Poll<void> Sleep::poll(Context& cx) {
  if (completed_) return Ready();
  if (registered_) {
    if (!timer_.fired.load(std::memory_order_acquire)) {
      // Polled again without firing (a join/select sibling woke the task): the waker may
      // have changed if the future moved between tasks.
      if (registered_task_ != cx.waker().task()) {
        driver_->update_waker(&timer_, cx.waker());
        registered_task_ = cx.waker().task();
      }
      return kPending;
    }
    registered_ = false;
    // A reset(later) can race with the driver firing the old deadline; the clock decides.
  }
  if (driver_->now() >= deadline_ ||
      !driver_->register_timer(&timer_, deadline_, cx.waker())) {
    completed_ = true;
    return Ready();
  }
  registered_ = true;
  registered_task_ = cx.waker().task();
  return kPending;
}

void Sleep::reset(Instant deadline) {
  Instant old = deadline_;
  deadline_ = deadline;
  completed_ = false;
  if (!registered_) return;
  if (deadline >= old && !timer_.fired.load(std::memory_order_acquire)) {
    // Later: the driver re-files it when the old deadline comes up; no lock here.
    timer_.wanted_ns.store(driver_->to_ns(deadline), std::memory_order_relaxed);
    return;
  }
  // Earlier, or already fired: unlink; the next poll registers the new deadline.
  if (!timer_.fired.load(std::memory_order_acquire)) driver_->cancel(&timer_);
  registered_ = false;
}

Sleep sleep(std::chrono::nanoseconds duration) { return Sleep(now() + duration); }

Instant now() {
  internal::RuntimeCore* core = internal::tl_current_core;
  if (core != nullptr && core->time_driver() != nullptr) return core->time_driver()->now();
  return std::chrono::steady_clock::now();
}

namespace {
TimeDriver& pausable_driver() {
  TimeDriver& driver = current_time_driver();
  if (!driver.pausable()) {
    throw std::logic_error(
        "corio: time::pause/advance need a current-thread runtime "
        "(Builder::current_thread().enable_time())");
  }
  return driver;
}
}  // namespace

void pause() { pausable_driver().pause_clock(); }
void resume() { pausable_driver().clock().resume(); }
void advance(std::chrono::nanoseconds d) {
  TimeDriver& driver = pausable_driver();
  driver.clock().advance(d);
  driver.process();
}

}  // namespace corio::time

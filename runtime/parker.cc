#include "runtime/parker.h"

#include "runtime/driver.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

namespace corio::internal {
namespace {

void futex_wait(std::atomic<uint32_t>* word, uint32_t expected, const timespec* timeout) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT_PRIVATE, expected, timeout,
          nullptr, 0);
}

void futex_wake_one(std::atomic<uint32_t>* word) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAKE_PRIVATE, 1, nullptr,
          nullptr, 0);
}

}  // namespace

void Parker::park() {
  uint32_t expected = kNotified;
  // Ordering: acquire pairs with the release in unpark(): what the unparker wrote before
  // unparking is visible once we return.
  if (state_.compare_exchange_strong(expected, kEmpty, std::memory_order_acquire)) return;
  expected = kEmpty;
  if (!state_.compare_exchange_strong(expected, kParked, std::memory_order_acquire)) {
    // Must have been notified between the two CASes.
    state_.exchange(kEmpty, std::memory_order_acquire);
    return;
  }
  for (;;) {
    futex_wait(&state_, kParked, nullptr);
    expected = kNotified;
    if (state_.compare_exchange_strong(expected, kEmpty, std::memory_order_acquire)) return;
    // Spurious wake-up: still parked.
  }
}

bool Parker::park_for(std::chrono::nanoseconds timeout) {
  uint32_t expected = kNotified;
  if (state_.compare_exchange_strong(expected, kEmpty, std::memory_order_acquire)) return true;
  expected = kEmpty;
  if (!state_.compare_exchange_strong(expected, kParked, std::memory_order_acquire)) {
    state_.exchange(kEmpty, std::memory_order_acquire);
    return true;
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::nanoseconds::zero()) break;
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    futex_wait(&state_, kParked, &ts);
    expected = kNotified;
    if (state_.compare_exchange_strong(expected, kEmpty, std::memory_order_acquire)) return true;
  }
  // Timed out; an unpark may still race in, in which case we consume it.
  return state_.exchange(kEmpty, std::memory_order_acquire) == kNotified;
}

void Parker::park_driver(Driver* driver, std::optional<std::chrono::nanoseconds> timeout) {
  driver_.store(driver, std::memory_order_relaxed);
  uint32_t expected = kEmpty;
  // Ordering: acq_rel: publishes driver_ to unpark(), and acquires a pending unpark.
  if (!state_.compare_exchange_strong(expected, kParkedDriver, std::memory_order_acq_rel)) {
    state_.exchange(kEmpty, std::memory_order_acquire);  // notified: consume it
    return;
  }
  driver->park(timeout);
  // Whatever happened meanwhile (an unpark that also woke the driver) is consumed here.
  state_.exchange(kEmpty, std::memory_order_acquire);
}

void Parker::unpark() {
  // Ordering: release pairs with the acquire in park(); acquire makes driver_ readable.
  uint32_t prev = state_.exchange(kNotified, std::memory_order_acq_rel);
  if (prev == kParked) {
    futex_wake_one(&state_);
  } else if (prev == kParkedDriver) {
    driver_.load(std::memory_order_relaxed)->unpark();
  }
}

}  // namespace corio::internal

// timeout(duration, future): the future's output, or DeadlineExceeded if the deadline
// comes first.
//
//   absl::StatusOr<std::string> line = co_await time::timeout(2s, read_line(stream));
//
// Output: absl::StatusOr<T> for a future of T, absl::Status for a future of void.
// The inner future is polled before the deadline is checked, so a future that is ready by
// the poll that sees the deadline pass still wins.
//
// Cancel-safety: when the deadline wins, the inner future is destroyed at once (as a select
// loser is); when the inner future wins, the timer is unlinked at once. Destroying a pending
// Timeout destroys both. Whether the inner future loses data when destroyed is up to it.
#pragma once

#include <chrono>
#include <optional>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "runtime/poll.h"
#include "runtime/task.h"
#include "runtime/time/sleep.h"

namespace corio::time {

template <typename T>
using TimeoutResult = std::conditional_t<std::is_void_v<T>, absl::Status, absl::StatusOr<T>>;

template <Future F>
class Timeout {
 public:
  using Inner = FutureOutput<F>;

  Timeout(F inner, Instant deadline) : inner_(std::move(inner)), sleep_(std::in_place, deadline) {}

  Poll<TimeoutResult<Inner>> poll(Context& cx) {
    if constexpr (std::is_void_v<Inner>) {
      if (inner_->poll(cx).is_ready()) {
        sleep_.reset();
        return absl::OkStatus();
      }
    } else {
      auto p = inner_->poll(cx);
      if (p.is_ready()) {
        sleep_.reset();
        return TimeoutResult<Inner>(p.take());
      }
    }
    if (sleep_->poll(cx).is_pending()) return kPending;
    inner_.reset();
    return TimeoutResult<Inner>(absl::DeadlineExceededError("deadline has elapsed"));
  }

 private:
  std::optional<F> inner_;
  std::optional<Sleep> sleep_;
};

template <Future F>
Timeout<F> timeout_at(Instant deadline, F future) {
  return Timeout<F>(std::move(future), deadline);
}

template <Future F>
Timeout<F> timeout(std::chrono::nanoseconds duration, F future) {
  return Timeout<F>(std::move(future), now() + duration);
}

}  // namespace corio::time

#include "tools/loadgen/due_timer.h"

#include <sys/timerfd.h>

#include "net/net_error.h"

namespace corio::loadgen {

absl::StatusOr<DueTimer> DueTimer::create() {
  // steady_clock is CLOCK_MONOTONIC in libstdc++, so its readings are timerfd deadlines.
  int fd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd < 0) return net::errno_error(errno, "timerfd_create");
  auto source = net::IoSource::adopt(fd);
  if (!source.ok()) return source.status();
  return DueTimer(*std::move(source));
}

void DueTimer::arm(std::chrono::steady_clock::time_point due) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(due.time_since_epoch()).count();
  if (ns <= 0) ns = 1;  // an all-zero it_value would disarm the timer
  itimerspec spec{};
  spec.it_value.tv_sec = ns / 1'000'000'000;
  spec.it_value.tv_nsec = ns % 1'000'000'000;
  // Cannot fail for a valid fd and a normalized time.
  (void)::timerfd_settime(source_.fd(), TFD_TIMER_ABSTIME, &spec, nullptr);
}

}  // namespace corio::loadgen

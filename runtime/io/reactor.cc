#include "runtime/io/reactor.h"

#include <errno.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "runtime/runtime_core.h"

namespace corio::io {

namespace {
// epoll_event.data of the eventfd; every other event carries a ScheduledIo*.
constexpr uint64_t kUnparkToken = 0;
constexpr int kMaxEvents = 1024;

absl::Status errno_status(const char* what) {
  return absl::ErrnoToStatus(errno, what);
}
}  // namespace

Poll<ReadyEvent> ScheduledIo::poll_ready(Context& cx, Direction dir) {
  uint32_t mask = mask_for(dir);
  // Ordering: acquire pairs with set_readiness's release: bytes the kernel reported are
  // there when we read.
  uint32_t word = readiness_.load(std::memory_order_acquire);
  if (word & mask) return ReadyEvent{word & mask, word >> kTickShift};
  std::lock_guard<std::mutex> lock(mu_);
  Waker& slot = dir == Direction::kRead ? reader_ : writer_;
  if (!slot.will_wake(cx.waker())) slot = cx.waker();
  // Re-check under the lock: set_readiness takes it after updating the word, so either we
  // see the new readiness here or it sees our waker.
  word = readiness_.load(std::memory_order_acquire);
  if (word & mask) return ReadyEvent{word & mask, word >> kTickShift};
  return kPending;
}

void ScheduledIo::clear_readiness(const ReadyEvent& event, Direction dir) {
  // Closed states are final: never clear them.
  uint32_t clear = event.ready & (dir == Direction::kRead ? kReadable : kWritable);
  uint32_t word = readiness_.load(std::memory_order_relaxed);
  while ((word >> kTickShift) == event.tick && (word & clear) != 0) {
    if (readiness_.compare_exchange_weak(word, word & ~clear, std::memory_order_acq_rel)) return;
  }
}

void ScheduledIo::set_readiness(uint32_t ready) {
  uint32_t word = readiness_.load(std::memory_order_relaxed);
  uint32_t next;
  do {
    uint32_t tick = (word >> kTickShift) + 1;
    next = (tick << kTickShift) | ((word | ready) & kReadyMask);
  } while (!readiness_.compare_exchange_weak(word, next, std::memory_order_acq_rel));
  Waker r, w;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (ready & mask_for(Direction::kRead)) r = std::move(reader_);
    if (ready & mask_for(Direction::kWrite)) w = std::move(writer_);
  }
  std::move(r).wake();
  std::move(w).wake();
}

void ScheduledIo::shutdown() { set_readiness(kReadClosed | kWriteClosed); }

void ScheduledIo::clear_waker(Direction dir) {
  Waker dropped;
  std::lock_guard<std::mutex> lock(mu_);
  dropped = std::move(dir == Direction::kRead ? reader_ : writer_);
}

absl::StatusOr<std::unique_ptr<Reactor>> Reactor::create() {
  int epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) return errno_status("epoll_create1");
  int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (efd < 0) {
    absl::Status s = errno_status("eventfd");
    close(epfd);
    return s;
  }
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLET;
  ev.data.u64 = kUnparkToken;
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, efd, &ev) != 0) {
    absl::Status s = errno_status("epoll_ctl(eventfd)");
    close(efd);
    close(epfd);
    return s;
  }
  return std::unique_ptr<Reactor>(new Reactor(epfd, efd));
}

Reactor::~Reactor() {
  shutdown();
  free_retired();
  close(eventfd_);
  close(epfd_);
}

void Reactor::park(std::optional<std::chrono::nanoseconds> timeout) {
  free_retired();
  epoll_event events[kMaxEvents];
  int n;
  if (!timeout) {
    n = epoll_wait(epfd_, events, kMaxEvents, -1);
  } else {
    // Nanosecond timeouts (epoll_pwait2, Linux 5.11): rounding a timer's wait up to whole
    // milliseconds would add up to 1 ms of lateness to every timer.
    auto ns = std::max<int64_t>(0, timeout->count());
    timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    n = epoll_pwait2(epfd_, events, kMaxEvents, &ts, nullptr);
    if (n < 0 && errno == ENOSYS) {
      int ms = static_cast<int>(std::min<int64_t>((ns + 999'999) / 1'000'000, 1 << 30));
      n = epoll_wait(epfd_, events, kMaxEvents, ms);
    }
  }
  if (n < 0) return;  // EINTR: the caller loops
  (void)registrations_.load(std::memory_order_acquire);
  for (int i = 0; i < n; ++i) {
    if (events[i].data.u64 == kUnparkToken) {
      uint64_t drained;
      while (read(eventfd_, &drained, sizeof drained) > 0) {
      }
      continue;
    }
    uint32_t e = events[i].events;
    uint32_t ready = 0;
    if (e & (EPOLLIN | EPOLLPRI)) ready |= kReadable;
    if (e & EPOLLOUT) ready |= kWritable;
    if (e & EPOLLRDHUP) ready |= kReadClosed;
    if (e & (EPOLLHUP | EPOLLERR)) ready |= kReadClosed | kWriteClosed;
    static_cast<ScheduledIo*>(events[i].data.ptr)->set_readiness(ready);
  }
}

void Reactor::unpark() {
  uint64_t one = 1;
  // EAGAIN means the counter is already non-zero: the wake-up is pending anyway.
  [[maybe_unused]] ssize_t r = write(eventfd_, &one, sizeof one);
}

absl::StatusOr<ScheduledIo*> Reactor::register_fd(int fd) {
  if (is_shutdown_.load(std::memory_order_acquire)) {
    return absl::FailedPreconditionError("the runtime's I/O driver has shut down");
  }
  auto* io = new ScheduledIo();
  registrations_.fetch_add(1, std::memory_order_release);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.ptr = io;
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    absl::Status s = errno_status("epoll_ctl(ADD)");
    delete io;
    return s;
  }
  std::lock_guard<std::mutex> lock(mu_);
  live_.push_back(io);
  return io;
}

void Reactor::deregister(int fd, ScheduledIo* io) {
  epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = std::find(live_.begin(), live_.end(), io);
  if (it != live_.end()) {
    *it = live_.back();
    live_.pop_back();
  }
  retired_.push_back(io);
}

void Reactor::free_retired() {
  std::vector<ScheduledIo*> retired;
  {
    std::lock_guard<std::mutex> lock(mu_);
    retired.swap(retired_);
  }
  for (ScheduledIo* io : retired) delete io;
}

void Reactor::shutdown() {
  if (is_shutdown_.exchange(true, std::memory_order_acq_rel)) return;
  // Wake every waiter so it sees the end (its task is usually gone already).
  std::vector<ScheduledIo*> live;
  {
    std::lock_guard<std::mutex> lock(mu_);
    live = live_;
  }
  for (ScheduledIo* io : live) io->shutdown();
}

Reactor& current_reactor() {
  internal::RuntimeCore* core = internal::tl_current_core;
  if (core == nullptr) {
    throw std::logic_error("corio: I/O needs a runtime: call from inside a runtime's task");
  }
  Reactor* reactor = core->reactor();
  if (reactor == nullptr) {
    throw std::logic_error(
        "corio: this runtime has no I/O driver: build it with Builder::enable_io() "
        "(or enable_all())");
  }
  return *reactor;
}

}  // namespace corio::io

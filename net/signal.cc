#include "net/signal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "net/net_error.h"

namespace corio::net {
namespace {

constexpr int kMaxSignal = 65;

struct Registry {
  std::atomic<uint64_t> deliveries[kMaxSignal] = {};
  std::atomic<bool> installed[kMaxSignal] = {};
  int pipe_read = -1;
  int pipe_write = -1;
  std::mutex mu;
  std::list<std::pair<Signal::Recv*, Waker>> waiters[kMaxSignal];  // guarded by mu
};

Registry& registry() {
  static Registry* r = new Registry();  // never destroyed: the handler may run at exit
  return *r;
}

void on_signal(int signum) {
  int saved = errno;
  Registry& r = registry();
  r.deliveries[signum].fetch_add(1, std::memory_order_release);
  char b = static_cast<char>(signum);
  [[maybe_unused]] ssize_t n = write(r.pipe_write, &b, 1);  // full pipe: a wake is pending
  errno = saved;
}

void watch_pipe() {
  Registry& r = registry();
  char buf[64];
  for (;;) {
    ssize_t n = read(r.pipe_read, buf, sizeof buf);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) continue;
      return;
    }
    std::list<std::pair<Signal::Recv*, Waker>> woken[kMaxSignal];
    {
      std::lock_guard<std::mutex> lock(r.mu);
      for (ssize_t i = 0; i < n; ++i) {
        int s = static_cast<unsigned char>(buf[i]);
        if (s > 0 && s < kMaxSignal) woken[s].splice(woken[s].end(), r.waiters[s]);
      }
      // Tell their owners, still under the lock, that the entries left the list.
      for (auto& list : woken) {
        for (auto& [recv, waker] : list) recv->mark_unlinked_locked();
      }
    }
    for (auto& list : woken) {
      for (auto& [recv, waker] : list) std::move(waker).wake();
    }
  }
}

absl::Status install(int signum) {
  static std::once_flag pipe_once;
  static absl::Status pipe_status;
  Registry& r = registry();
  std::call_once(pipe_once, [&] {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
      pipe_status = errno_error(errno, "pipe2");
      return;
    }
    // The write end must never block inside the handler.
    fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK);
    r.pipe_read = fds[0];
    r.pipe_write = fds[1];
    std::thread(watch_pipe).detach();
  });
  if (!pipe_status.ok()) return pipe_status;
  static std::mutex install_mu;
  std::lock_guard<std::mutex> lock(install_mu);
  if (r.installed[signum].load()) return absl::OkStatus();
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  if (sigaction(signum, &sa, nullptr) != 0) return errno_error(errno, "sigaction");
  r.installed[signum].store(true);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Signal> Signal::listen(int signum) {
  if (signum <= 0 || signum >= kMaxSignal || signum == SIGKILL || signum == SIGSTOP) {
    return absl::InvalidArgumentError(absl::StrCat("signal ", signum, " cannot be listened for"));
  }
  if (absl::Status s = install(signum); !s.ok()) return s;
  return Signal(signum, registry().deliveries[signum].load(std::memory_order_acquire));
}

Signal::Recv::~Recv() {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  if (linked_) r.waiters[signal_->signum_].erase(entry_);
}

Poll<void> Signal::Recv::poll(Context& cx) {
  Registry& r = registry();
  auto ready = [&] {
    uint64_t now = r.deliveries[signal_->signum_].load(std::memory_order_acquire);
    if (now == signal_->seen_) return false;
    signal_->seen_ = now;
    return true;
  };
  if (ready()) return Ready();
  std::lock_guard<std::mutex> lock(r.mu);
  auto& list = r.waiters[signal_->signum_];
  if (linked_) {
    entry_->second = cx.waker();
  } else {
    entry_ = list.emplace(list.end(), this, cx.waker());
    linked_ = true;
  }
  // A delivery between the first check and the registration: the watcher may already
  // have run; check again.
  if (ready()) {
    list.erase(entry_);
    linked_ = false;
    return Ready();
  }
  return kPending;
}

void raise_signal(int signum) { ::kill(getpid(), signum); }

}  // namespace corio::net

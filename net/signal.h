// Signals as awaitable events: SIGINT, SIGTERM (and any other catchable signal).
//
//   auto sig = net::Signal::listen(SIGTERM);
//   co_await sig->recv();        // the next SIGTERM delivered after listen() / the last recv
//
// Several listeners (in several tasks) may wait for the same signal: each sees every
// delivery (deliveries between two recv() calls coalesce into one, as in Tokio).
//
// How: listen() installs a handler for the signal (once per process, never removed) that
// counts the delivery and writes a byte to a self-pipe; a watcher thread blocked on the
// pipe wakes every waiting listener. Nothing runs in the handler but an atomic add and a
// write(2), both async-signal-safe.
//
// Cancel-safety: destroying a pending recv() unlinks its waker; no delivery is consumed.
// Threads: a Signal belongs to one task at a time; listen() may be called from anywhere.
#pragma once

#include <cstdint>
#include <list>

#include "absl/status/statusor.h"
#include "runtime/poll.h"
#include "runtime/waker.h"

namespace corio::net {

class Signal {
 public:
  static absl::StatusOr<Signal> listen(int signum);

  class Recv {
   public:
    explicit Recv(Signal* signal) : signal_(signal) {}
    Recv(Recv&& other) noexcept : signal_(other.signal_) {}
    ~Recv();
    Poll<void> poll(Context& cx);
    // For the watcher thread, under the registry lock: its entry was taken off the list.
    void mark_unlinked_locked() { linked_ = false; }

   private:
    Signal* signal_;
    bool linked_ = false;  // guarded by the registry lock
    std::list<std::pair<Recv*, Waker>>::iterator entry_;
  };

  Recv recv() { return Recv(this); }
  int signum() const { return signum_; }

 private:
  Signal(int signum, uint64_t seen) : signum_(signum), seen_(seen) {}
  int signum_;
  uint64_t seen_;  // deliveries observed so far
};

// Raises `signum` for this process (tests).
void raise_signal(int signum);

}  // namespace corio::net

// Reactor: the I/O driver. Edge-triggered epoll, one readiness word per registered fd.
//
// It is the bottom of the driver stack (runtime/driver.h): park() blocks in epoll_wait (the
// time driver above passes the next timer deadline as timeout), unpark() writes an
// eventfd. Each event sets readiness bits on the fd's ScheduledIo and wakes its reader
// and/or writer.
//
// Readiness protocol (per ScheduledIo): an I/O operation first looks at the readiness
// word; if the direction it needs is not ready it parks its waker in that direction's
// slot. If it is ready, it tries the syscall; on EAGAIN it clears exactly the readiness
// it observed (a `tick` in the word changes with every event, so readiness delivered after
// the observation is never cleared by mistake), and waits again.
//
// Lifetime: a ScheduledIo is owned by its Registration. Deregistering removes the fd from
// epoll and hands the object back to the reactor, which frees it at the start of its next
// park, after every event of the previous epoll_wait (which may still name it) has been
// dispatched. park() runs on one thread at a time, which is what makes that safe.
//
// Threads: park() from the thread holding the driver slot; everything else from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "runtime/driver.h"
#include "runtime/poll.h"
#include "runtime/waker.h"

namespace corio::io {

enum class Direction { kRead, kWrite };

// Readiness bits.
inline constexpr uint32_t kReadable = 1;
inline constexpr uint32_t kWritable = 2;
inline constexpr uint32_t kReadClosed = 4;   // peer shut down its write side (EPOLLRDHUP)
inline constexpr uint32_t kWriteClosed = 8;  // EPOLLHUP / EPOLLERR: writes will fail
inline constexpr uint32_t kReadyMask = 0xff;
inline constexpr uint32_t kTickShift = 8;    // the rest of the word counts events

// What a poll_ready observed: the readiness bits and the tick they came with.
struct ReadyEvent {
  uint32_t ready = 0;
  uint32_t tick = 0;
};

class ScheduledIo {
 public:
  // Readiness that satisfies `dir` (closed counts as ready: the syscall reports it).
  static uint32_t mask_for(Direction dir) {
    return dir == Direction::kRead ? (kReadable | kReadClosed | kWriteClosed)
                                   : (kWritable | kWriteClosed);
  }

  // The readiness of `dir` right now (ready may be 0), for an operation that tries its
  // syscall before registering interest.
  ReadyEvent snapshot(Direction dir) const {
    uint32_t word = readiness_.load(std::memory_order_acquire);
    return ReadyEvent{word & mask_for(dir), word >> kTickShift};
  }
  // Ready(event) if `dir` is ready; otherwise stores the waker and returns Pending.
  Poll<ReadyEvent> poll_ready(Context& cx, Direction dir);
  // Clears the bits of `event` that `dir` needs, unless an event arrived since.
  void clear_readiness(const ReadyEvent& event, Direction dir);
  // Called by the reactor: adds readiness and wakes the interested waiters.
  void set_readiness(uint32_t ready);
  // Wakes both waiters with everything "ready" so they observe the shutdown.
  void shutdown();
  // Drops any stored waker of `dir` (its operation was destroyed).
  void clear_waker(Direction dir);

 private:
  std::atomic<uint32_t> readiness_{0};
  std::mutex mu_;
  Waker reader_;  // guarded by mu_
  Waker writer_;  // guarded by mu_
};

class Reactor final : public internal::Driver {
 public:
  // Creates the epoll and eventfd descriptors; fails (errno status) if the process has run
  // out of descriptors.
  static absl::StatusOr<std::unique_ptr<Reactor>> create();
  ~Reactor() override;

  void park(std::optional<std::chrono::nanoseconds> timeout) override;
  void unpark() override;
  void shutdown() override;

  // Adds `fd` (non-blocking) for read and write readiness, edge-triggered.
  absl::StatusOr<ScheduledIo*> register_fd(int fd);
  // Removes `fd` from epoll (the caller closes it afterwards) and retires `io`.
  void deregister(int fd, ScheduledIo* io);


 private:
  Reactor(int epfd, int eventfd) : epfd_(epfd), eventfd_(eventfd) {}
  void free_retired();

  const int epfd_;
  const int eventfd_;
  std::atomic<bool> is_shutdown_{false};
  // Bumped (release) after a ScheduledIo is built and before epoll learns its address; the
  // parker loads it (acquire) after epoll_wait. The kernel already orders the two, but
  // the sanitizers cannot see through epoll: this makes the hand-over explicit.
  std::atomic<uint64_t> registrations_{0};
  std::mutex mu_;
  std::vector<ScheduledIo*> retired_;  // guarded by mu_
  std::vector<ScheduledIo*> live_;     // guarded by mu_ (to wake them all on shutdown)
};

// The reactor of the runtime the calling thread is in; std::logic_error naming the fix
// (Builder::enable_io) when there is none.
Reactor& current_reactor();

}  // namespace corio::io

// Semaphore: a fair (FIFO), asynchronous counting semaphore.
//
//   Semaphore sem(3);
//   absl::StatusOr<SemaphorePermit> p = co_await sem.acquire(2);  // waits for 2 permits
//   ...                                                            // p returns them on drop
//
// Contract
// - acquire(n) completes once n permits are assigned to it. Waiters are served strictly in
//   arrival order: a waiter that needs many permits at the head of the queue collects
//   permits as they are released, and later waiters (even ones asking for one permit)
//   wait behind it, so a large acquire is never starved by small ones.
// - try_acquire(n) never waits. It fails with absl::UnavailableError when fewer than n
//   permits are free or when others are already queued (it does not jump the queue).
// - close() makes every queued acquire and every later acquire/try_acquire fail with
//   absl::CancelledError. Permits already handed out stay valid and may still be returned.
// - A SemaphorePermit / OwnedSemaphorePermit gives its permits back when destroyed, unless
//   forget() was called. OwnedSemaphorePermit keeps the semaphore alive (shared_ptr), so it
//   may move into another task.
// - add_permits(n) adds permits (handing them to queued waiters first). The total may not
//   exceed kMaxPermits (std::overflow_error).
//
// Cancellation: destroying a pending acquire future (task aborted, select loser, timeout)
// unlinks it. Permits already assigned to it (some or all of what it asked for) are
// returned to the semaphore and passed on to the next waiters; nothing is lost.
//
// Thread-safety: every method may be called from any thread, inside or outside a runtime.
// An acquire future belongs to one task at a time. The semaphore must outlive its
// non-owned permits and pending acquire futures.
//
// Implementation: one atomic word holds the free permits, a CLOSED bit and a QUEUED bit
// (the wait list is non-empty). While QUEUED is clear, acquire and release are one CAS
// each and never take the lock. While it is set, everything goes through the mutex, which
// guards the intrusive wait list; free permits are then always 0, because each queued
// waiter took every free permit when it queued and releases go to the head waiter first.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "runtime/poll.h"
#include "runtime/waker.h"
#include "sync/wait_list.h"

namespace corio::sync {

class Semaphore;

// Outcome of a non-waiting acquire.
enum class [[nodiscard]] TryAcquireResult { kAcquired, kNoPermits, kClosed };

// The low-level acquire of `n` raw permits: the intrusive waiter every permit-based
// primitive (mpsc, Mutex, RwLock) is built on. Output: OkStatus, after which the caller
// owns the n permits and must give them back with Semaphore::release(); or
// CancelledError (closed), after which it owns none.
//
// Movable only before its first poll (it is linked into the semaphore's list after).
class PermitRequest {
 public:
  PermitRequest(Semaphore* semaphore, size_t permits) : sem_(semaphore), needed_(permits) {}
  PermitRequest(PermitRequest&& other) noexcept : sem_(other.sem_), needed_(other.needed_) {}
  PermitRequest(const PermitRequest&) = delete;
  PermitRequest& operator=(const PermitRequest&) = delete;
  // Cancellation: unlinks and returns whatever had been assigned.
  ~PermitRequest();

  Poll<absl::Status> poll(Context& cx);

  size_t permits() const { return needed_; }
  Semaphore* semaphore() const { return sem_; }

 private:
  friend class Semaphore;
  // kInit: not polled yet. kQueued: linked; `remaining_` still to assign. kGranted: fully
  // assigned and unlinked by a releaser, not yet seen by poll. kClosed: unlinked by close()
  // (which took back any partial assignment). kDone: poll returned Ready.
  enum State : uint8_t { kInit, kQueued, kGranted, kClosed, kDone };

  struct Node : WaitNode {
    explicit Node(PermitRequest* r) : request(r) {}
    PermitRequest* request;
  };

  Poll<absl::Status> finish(State observed);

  Semaphore* sem_;
  size_t needed_;
  // Written under the semaphore's mutex; read without it by poll() and the destructor.
  // Ordering: release by the releaser that grants/closes, acquire by poll (so permits and
  // whatever they protect are visible to the new owner).
  std::atomic<State> state_{kInit};
  size_t remaining_ = 0;  // guarded by sem_->mu_ while kQueued
  Waker waker_;           // guarded by sem_->mu_ while kQueued
  Node node_{this};
};

// Permits acquired from a Semaphore; returned when destroyed.
class SemaphorePermit {
 public:
  SemaphorePermit() = default;
  SemaphorePermit(Semaphore* semaphore, size_t permits) : sem_(semaphore), permits_(permits) {}
  SemaphorePermit(SemaphorePermit&& other) noexcept
      : sem_(std::exchange(other.sem_, nullptr)), permits_(std::exchange(other.permits_, 0)) {}
  SemaphorePermit& operator=(SemaphorePermit&& other) noexcept;
  SemaphorePermit(const SemaphorePermit&) = delete;
  SemaphorePermit& operator=(const SemaphorePermit&) = delete;
  ~SemaphorePermit() { reset(); }

  size_t num_permits() const { return permits_; }
  // Keeps the permits out of the semaphore for good (they are not returned).
  void forget() { permits_ = 0; }
  // Takes over `other`'s permits; both must come from the same semaphore.
  void merge(SemaphorePermit&& other);

 private:
  void reset();
  Semaphore* sem_ = nullptr;
  size_t permits_ = 0;
};

// As SemaphorePermit, but keeps its semaphore alive: may outlive the scope that acquired
// it and move into another task.
class OwnedSemaphorePermit {
 public:
  OwnedSemaphorePermit() = default;
  OwnedSemaphorePermit(std::shared_ptr<Semaphore> semaphore, size_t permits)
      : sem_(std::move(semaphore)), permits_(permits) {}
  OwnedSemaphorePermit(OwnedSemaphorePermit&& other) noexcept
      : sem_(std::move(other.sem_)), permits_(std::exchange(other.permits_, 0)) {}
  OwnedSemaphorePermit& operator=(OwnedSemaphorePermit&& other) noexcept;
  OwnedSemaphorePermit(const OwnedSemaphorePermit&) = delete;
  OwnedSemaphorePermit& operator=(const OwnedSemaphorePermit&) = delete;
  ~OwnedSemaphorePermit() { reset(); }

  size_t num_permits() const { return permits_; }
  void forget() { permits_ = 0; }
  const std::shared_ptr<Semaphore>& semaphore() const { return sem_; }

 private:
  void reset();
  std::shared_ptr<Semaphore> sem_;
  size_t permits_ = 0;
};

class Semaphore {
 public:
  // The most permits a semaphore can hold.
  static constexpr size_t kMaxPermits = SIZE_MAX >> 3;

  explicit Semaphore(size_t permits);
  Semaphore(const Semaphore&) = delete;
  Semaphore& operator=(const Semaphore&) = delete;
  // Requires that no acquire is pending.
  ~Semaphore();

  // Future of acquire(): absl::StatusOr<SemaphorePermit> (CancelledError when closed).
  class Acquire {
   public:
    Acquire(Semaphore* semaphore, size_t permits) : request_(semaphore, permits) {}
    Poll<absl::StatusOr<SemaphorePermit>> poll(Context& cx);

   private:
    PermitRequest request_;
  };

  // Future of acquire_owned(): absl::StatusOr<OwnedSemaphorePermit>.
  class AcquireOwned {
   public:
    AcquireOwned(std::shared_ptr<Semaphore> semaphore, size_t permits)
        : sem_(std::move(semaphore)), request_(sem_.get(), permits) {}
    AcquireOwned(AcquireOwned&& other) noexcept
        : sem_(std::move(other.sem_)), request_(std::move(other.request_)) {}
    Poll<absl::StatusOr<OwnedSemaphorePermit>> poll(Context& cx);

   private:
    std::shared_ptr<Semaphore> sem_;  // declared first: outlives request_
    PermitRequest request_;
  };

  // Waits for `n` permits (FIFO). Cancel-safe: see the header comment.
  Acquire acquire(size_t n = 1) { return Acquire(this, n); }
  static AcquireOwned acquire_owned(std::shared_ptr<Semaphore> semaphore, size_t n = 1) {
    return AcquireOwned(std::move(semaphore), n);
  }

  // Never waits: UnavailableError if the permits are not free right now (or others are
  // queued), CancelledError if closed.
  absl::StatusOr<SemaphorePermit> try_acquire(size_t n = 1);
  static absl::StatusOr<OwnedSemaphorePermit> try_acquire_owned(
      std::shared_ptr<Semaphore> semaphore, size_t n = 1);

  // Adds `n` permits; queued waiters are served first. std::overflow_error past
  // kMaxPermits.
  void add_permits(size_t n);
  // Fails every queued and future acquire. Idempotent.
  void close();
  bool is_closed() const;
  // Free permits right now (0 while anyone is queued).
  size_t available_permits() const;

  // --- raw permits (for primitives built on the semaphore) -------------------------------
  // Takes `n` permits if they are free and nobody is queued.
  TryAcquireResult try_acquire_raw(size_t n);
  // Gives back `n` raw permits (those of a PermitRequest, or of try_acquire_raw).
  void release(size_t n);

 private:
  friend class PermitRequest;

  // State word: free permits << kPermitShift | kQueued | kClosed.
  static constexpr uint64_t kClosed = 1;
  static constexpr uint64_t kQueued = 2;
  static constexpr int kPermitShift = 2;

  // Serves queued waiters from `n` released permits; whatever is left goes back to the
  // free count (clearing QUEUED once the list is empty). Requires `lock` held on mu_; drops
  // it, waking the served waiters in rounds of WakeBatch::kCapacity.
  void release_locked(std::unique_lock<std::mutex>& lock, uint64_t n);

  // Ordering: the free count is handed between releasers and acquirers with acq_rel CAS
  // (release publishes what the permits protect, acquire sees it).
  std::atomic<uint64_t> state_;
  std::mutex mu_;
  WaitList waiters_;  // guarded by mu_: PermitRequest::node_ of queued requests, FIFO
};

}  // namespace corio::sync

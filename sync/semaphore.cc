#include "sync/semaphore.h"

#include <algorithm>
#include <cassert>
#include <stdexcept>
#include <vector>

#include "runtime/coop.h"
#include "sync/internal/wake_batch.h"

namespace corio::sync {

namespace {
absl::Status closed_error() { return absl::CancelledError("semaphore closed"); }
}  // namespace

// --- Semaphore ------------------------------------------------------------------------------

Semaphore::Semaphore(size_t permits) : state_(0) {
  if (permits > kMaxPermits) throw std::overflow_error("Semaphore: too many permits");
  state_.store(uint64_t{permits} << kPermitShift, std::memory_order_relaxed);
}

Semaphore::~Semaphore() { assert(waiters_.empty()); }

size_t Semaphore::available_permits() const {
  // Ordering: relaxed; a snapshot for the caller, synchronizes nothing.
  return state_.load(std::memory_order_relaxed) >> kPermitShift;
}

bool Semaphore::is_closed() const {
  // Ordering: acquire pairs with close()'s fetch_or so a caller seeing CLOSED sees what
  // happened before close().
  return (state_.load(std::memory_order_acquire) & kClosed) != 0;
}

TryAcquireResult Semaphore::try_acquire_raw(size_t n) {
  const uint64_t want = uint64_t{n} << kPermitShift;
  // Ordering: relaxed first read; the CAS below carries the ordering.
  uint64_t s = state_.load(std::memory_order_relaxed);
  for (;;) {
    if (s & kClosed) return TryAcquireResult::kClosed;
    if (n == 0) return TryAcquireResult::kAcquired;
    // QUEUED means earlier acquirers wait: do not overtake them (and free is 0 anyway).
    if ((s & kQueued) || s < want) return TryAcquireResult::kNoPermits;
    // Ordering: acquire pairs with the releasing CAS/fetch of whoever freed the permits;
    // release is not needed on success but the failure load must be at least relaxed.
    if (state_.compare_exchange_weak(s, s - want, std::memory_order_acquire,
                                     std::memory_order_relaxed)) {
      return TryAcquireResult::kAcquired;
    }
  }
}

void Semaphore::release(size_t n) {
  if (n == 0) return;
  const uint64_t add = uint64_t{n} << kPermitShift;
  uint64_t s = state_.load(std::memory_order_relaxed);
  while ((s & kQueued) == 0) {
    // Ordering: release publishes the permit holder's writes to the next acquirer.
    if (state_.compare_exchange_weak(s, s + add, std::memory_order_release,
                                     std::memory_order_relaxed)) {
      return;
    }
  }
  std::unique_lock<std::mutex> lock(mu_);
  release_locked(lock, n);
}

void Semaphore::release_locked(std::unique_lock<std::mutex>& lock, uint64_t n) {
  internal::WakeBatch batch;
  for (;;) {
    while (n > 0 && !waiters_.empty() && !batch.full()) {
      auto* request = static_cast<PermitRequest::Node*>(waiters_.front())->request;
      uint64_t take = std::min<uint64_t>(n, request->remaining_);
      request->remaining_ -= take;
      n -= take;
      if (request->remaining_ == 0) {
        waiters_.pop_front();
        batch.push(std::move(request->waker_));
        // Ordering: release pairs with poll()'s acquire load. After this store the
        // request may be destroyed by its owner: do not touch it again.
        request->state_.store(PermitRequest::kGranted, std::memory_order_release);
      }
    }
    if (waiters_.empty()) {
      // Leftover permits become free and QUEUED goes away, in one RMW. QUEUED only changes
      // under mu_, so reading it here is exact; the free count may be changing under our
      // feet only while QUEUED is clear, which fetch_add tolerates.
      uint64_t queued = state_.load(std::memory_order_relaxed) & kQueued;
      // Ordering: release publishes the releasers' writes to the next acquirer.
      state_.fetch_add((n << kPermitShift) - queued, std::memory_order_release);
      break;
    }
    if (n == 0) break;  // waiters remain, free stays 0, QUEUED stays set
    // The batch is full: wake outside the lock, then serve the rest.
    lock.unlock();
    batch.wake_all();
    lock.lock();
  }
  lock.unlock();
  batch.wake_all();
}

void Semaphore::add_permits(size_t n) {
  if (n == 0) return;
  uint64_t s = state_.load(std::memory_order_relaxed);
  // A best-effort check: queued waiters absorb permits, so this bounds the free count.
  if ((s >> kPermitShift) + n > kMaxPermits) {
    throw std::overflow_error("Semaphore::add_permits: more than kMaxPermits permits");
  }
  release(n);
}

void Semaphore::close() {
  std::vector<Waker> to_wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Ordering: release pairs with is_closed()'s acquire.
    state_.fetch_or(kClosed, std::memory_order_release);
    uint64_t returned = 0;
    to_wake.reserve(waiters_.size());
    while (WaitNode* node = waiters_.pop_front()) {
      PermitRequest* request = static_cast<PermitRequest::Node*>(node)->request;
      // A partial assignment goes back to the free count: it is the request's no more.
      returned += request->needed_ - request->remaining_;
      to_wake.push_back(std::move(request->waker_));
      // Ordering: release pairs with poll()'s acquire. The request may vanish after this.
      request->state_.store(PermitRequest::kClosed, std::memory_order_release);
    }
    if (state_.load(std::memory_order_relaxed) & kQueued) {
      // Ordering: release, as in release_locked.
      state_.fetch_add((returned << kPermitShift) - kQueued, std::memory_order_release);
    }
  }
  for (Waker& w : to_wake) w.wake();
}

absl::StatusOr<SemaphorePermit> Semaphore::try_acquire(size_t n) {
  switch (try_acquire_raw(n)) {
    case TryAcquireResult::kAcquired:
      return SemaphorePermit(this, n);
    case TryAcquireResult::kNoPermits:
      return absl::UnavailableError("semaphore: no permits available");
    case TryAcquireResult::kClosed:
      break;
  }
  return closed_error();
}

absl::StatusOr<OwnedSemaphorePermit> Semaphore::try_acquire_owned(
    std::shared_ptr<Semaphore> semaphore, size_t n) {
  switch (semaphore->try_acquire_raw(n)) {
    case TryAcquireResult::kAcquired:
      return OwnedSemaphorePermit(std::move(semaphore), n);
    case TryAcquireResult::kNoPermits:
      return absl::UnavailableError("semaphore: no permits available");
    case TryAcquireResult::kClosed:
      break;
  }
  return closed_error();
}

Poll<absl::StatusOr<SemaphorePermit>> Semaphore::Acquire::poll(Context& cx) {
  auto p = request_.poll(cx);
  if (p.is_pending()) return kPending;
  absl::Status status = p.take();
  if (!status.ok()) return absl::StatusOr<SemaphorePermit>(std::move(status));
  return absl::StatusOr<SemaphorePermit>(SemaphorePermit(request_.semaphore(), request_.permits()));
}

Poll<absl::StatusOr<OwnedSemaphorePermit>> Semaphore::AcquireOwned::poll(Context& cx) {
  auto p = request_.poll(cx);
  if (p.is_pending()) return kPending;
  absl::Status status = p.take();
  if (!status.ok()) return absl::StatusOr<OwnedSemaphorePermit>(std::move(status));
  return absl::StatusOr<OwnedSemaphorePermit>(OwnedSemaphorePermit(sem_, request_.permits()));
}

// --- PermitRequest --------------------------------------------------------------------------

Poll<absl::Status> PermitRequest::finish(State observed) {
  state_.store(kDone, std::memory_order_relaxed);
  if (observed == kGranted) return absl::OkStatus();
  return closed_error();
}

Poll<absl::Status> PermitRequest::poll(Context& cx) {
  // Ordering: acquire pairs with the release store of release_locked()/close().
  State s = state_.load(std::memory_order_acquire);
  if (s == kGranted || s == kClosed) return finish(s);
  if (s == kDone) throw std::logic_error("corio: PermitRequest polled after completion");
  // Budget: an acquire that could complete at once counts as an operation (Tokio does the
  // same), so a task looping on a free semaphore still yields.
  if (!coop::poll_proceed(cx)) return kPending;

  if (s == kQueued) {
    std::lock_guard<std::mutex> lock(sem_->mu_);
    s = state_.load(std::memory_order_acquire);
    if (s == kQueued) {
      if (!waker_.will_wake(cx.waker())) waker_ = cx.waker();
      return kPending;
    }
    // Granted or closed meanwhile.
  } else {
    // kInit: the lock-free path first.
    switch (sem_->try_acquire_raw(needed_)) {
      case TryAcquireResult::kAcquired:
        return finish(kGranted);
      case TryAcquireResult::kClosed:
        return finish(kClosed);
      case TryAcquireResult::kNoPermits:
        break;
    }
    std::lock_guard<std::mutex> lock(sem_->mu_);
    const uint64_t want = uint64_t{needed_} << Semaphore::kPermitShift;
    uint64_t word = sem_->state_.load(std::memory_order_relaxed);
    for (;;) {
      if (word & Semaphore::kClosed) return finish(kClosed);
      if (!(word & Semaphore::kQueued) && word >= want) {
        // Freed between the fast path and the lock.
        // Ordering: acquire, as in try_acquire_raw.
        if (sem_->state_.compare_exchange_weak(word, word - want, std::memory_order_acquire,
                                               std::memory_order_relaxed)) {
          return finish(kGranted);
        }
        continue;
      }
      // Take every free permit (a partial assignment) and set QUEUED, in one step: from
      // here on free stays 0 and releases come through the lock to the head waiter.
      uint64_t free = word >> Semaphore::kPermitShift;
      uint64_t next = (word & Semaphore::kClosed) | Semaphore::kQueued;
      // Ordering: acquire pairs with the releases that freed the permits we take.
      if (sem_->state_.compare_exchange_weak(word, next, std::memory_order_acquire,
                                             std::memory_order_relaxed)) {
        remaining_ = needed_ - free;
        waker_ = cx.waker();
        sem_->waiters_.push_back(&node_);
        state_.store(kQueued, std::memory_order_relaxed);
        return kPending;
      }
    }
  }
  return finish(state_.load(std::memory_order_acquire));
}

PermitRequest::~PermitRequest() {
  // Ordering: acquire, as in poll().
  State s = state_.load(std::memory_order_acquire);
  if (s == kInit || s == kDone || s == kClosed) return;
  if (s == kQueued) {
    std::unique_lock<std::mutex> lock(sem_->mu_);
    s = state_.load(std::memory_order_acquire);
    if (s == kQueued) {
      sem_->waiters_.remove(&node_);
      waker_ = Waker();
      // Give back the partial assignment; also clears QUEUED if the list is now empty.
      sem_->release_locked(lock, needed_ - remaining_);
      return;
    }
    if (s == kClosed) return;
  }
  // Fully granted but never observed: the permits are still ours to return.
  sem_->release(needed_);
}

// --- permits --------------------------------------------------------------------------------

SemaphorePermit& SemaphorePermit::operator=(SemaphorePermit&& other) noexcept {
  if (this != &other) {
    reset();
    sem_ = std::exchange(other.sem_, nullptr);
    permits_ = std::exchange(other.permits_, 0);
  }
  return *this;
}

void SemaphorePermit::merge(SemaphorePermit&& other) {
  if (other.permits_ == 0) return;
  if (sem_ == nullptr) sem_ = other.sem_;
  if (other.sem_ != sem_) throw std::invalid_argument("SemaphorePermit::merge: other semaphore");
  permits_ += std::exchange(other.permits_, 0);
  other.sem_ = nullptr;
}

void SemaphorePermit::reset() {
  if (sem_ != nullptr) std::exchange(sem_, nullptr)->release(std::exchange(permits_, 0));
}

OwnedSemaphorePermit& OwnedSemaphorePermit::operator=(OwnedSemaphorePermit&& other) noexcept {
  if (this != &other) {
    reset();
    sem_ = std::move(other.sem_);
    permits_ = std::exchange(other.permits_, 0);
  }
  return *this;
}

void OwnedSemaphorePermit::reset() {
  if (sem_ != nullptr) {
    sem_->release(std::exchange(permits_, 0));
    sem_.reset();
  }
}

}  // namespace corio::sync

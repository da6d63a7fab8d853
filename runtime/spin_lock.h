// SpinLock: a test-and-test-and-set lock for critical sections of a few dozen
// instructions (the injector's list splicing), where a futex hand-off under contention
// costs far more than the section itself: with std::mutex, a worker popping a batch while
// the spawning thread pushed paid a futex wake per contended unlock (6.5% of the CPU of
// spawn_many_remote_idle).
//
// A waiter spins with `pause` for a bounded number of rounds, then yields its core, so a
// preempted holder (more threads than cores) is not starved by its waiters.
//
// Meets BasicLockable (std::lock_guard works). Memory order: acquire on lock, release on
// unlock, as any mutex.
#pragma once

#include <atomic>
#include <thread>

namespace corio::internal {

class SpinLock {
 public:
  void lock() {
    for (;;) {
      if (!locked_.exchange(true, std::memory_order_acquire)) return;
      for (int spins = 0; locked_.load(std::memory_order_relaxed); ++spins) {
        if (spins < kSpinsBeforeYield) {
          cpu_relax();
        } else {
          std::this_thread::yield();
        }
      }
    }
  }
  bool try_lock() { return !locked_.exchange(true, std::memory_order_acquire); }
  void unlock() { locked_.store(false, std::memory_order_release); }

 private:
  static constexpr int kSpinsBeforeYield = 64;
  static void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
  }
  std::atomic<bool> locked_{false};
};

}  // namespace corio::internal

// ForeignThread: a plain thread (outside every runtime) that runs posted actions after a
// short random delay, so that wakes, aborts and spawns arrive from outside the workers at
// moments the scheduler does not choose.
//
// Thread-safety: post() from any thread. Actions run one at a time on the foreign thread,
// each after its own delay (in posting order of their due times). The destructor runs
// what is still queued at once, then joins: an action may hold the last reference to a
// task or a flag, and must not outlive the objects it touches.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace corio::stress {

class ForeignThread {
 public:
  explicit ForeignThread(uint64_t seed);
  ~ForeignThread();
  ForeignThread(const ForeignThread&) = delete;
  ForeignThread& operator=(const ForeignThread&) = delete;

  // Runs `action` on the foreign thread after a random delay of up to `max_delay`.
  void post(std::function<void()> action,
            std::chrono::microseconds max_delay = std::chrono::microseconds(200));
  // Actions run so far.
  uint64_t executed() const;

 private:
  void run();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t rng_state_;                                                    // guarded by mu_
  std::multimap<std::chrono::steady_clock::time_point, std::function<void()>> due_;  // mu_
  bool stopping_ = false;                                                 // guarded by mu_
  uint64_t executed_ = 0;                                                 // guarded by mu_
  std::thread thread_;
};

}  // namespace corio::stress

#include "runtime/runtime.h"

#include <thread>

#include "runtime/current_thread_scheduler.h"
#include "runtime/multi_thread_scheduler.h"
#include "runtime/io/reactor.h"
#include "runtime/time/time_driver.h"

namespace corio {

namespace internal {
RuntimeCore* current_core_or_throw() {
  if (tl_current_core != nullptr) return tl_current_core;
  throw std::logic_error(
      "corio: no runtime in scope (spawn/Handle::current called outside a runtime's "
      "worker or block_on)");
}
}  // namespace internal

Handle Handle::current() {
  return Handle(internal::current_core_or_throw()->shared_from_this());
}

std::optional<Handle> Handle::try_current() {
  internal::RuntimeCore* core = internal::tl_current_core;
  if (core == nullptr) return std::nullopt;
  return Handle(core->shared_from_this());
}

Runtime::~Runtime() {
  if (core_) core_->shutdown();
}

void Runtime::shutdown() { core_->shutdown(); }

Builder Builder::multi_thread() { return Builder(Flavor::kMultiThread); }
Builder Builder::current_thread() { return Builder(Flavor::kCurrentThread); }

Builder& Builder::worker_threads(size_t n) {
  workers_ = n;
  return *this;
}
Builder& Builder::thread_name(std::string name) {
  thread_name_ = std::move(name);
  return *this;
}
Builder& Builder::global_queue_interval(uint32_t n) {
  global_queue_interval_ = n == 0 ? 1 : n;
  return *this;
}
Builder& Builder::event_interval(uint32_t n) {
  event_interval_ = n == 0 ? 1 : n;
  return *this;
}
Builder& Builder::max_blocking_threads(size_t n) {
  max_blocking_threads_ = n == 0 ? 1 : n;
  return *this;
}
Builder& Builder::enable_time() {
  enable_time_ = true;
  return *this;
}
Builder& Builder::enable_io() {
  enable_io_ = true;
  return *this;
}
Builder& Builder::enable_all() { return enable_time().enable_io(); }
Builder& Builder::wake_threshold(uint32_t n) {
  wake_threshold_ = n == 0 ? 1 : n;
  return *this;
}

Builder& Builder::disable_lifo_slot() {
  lifo_slot_ = false;
  return *this;
}
Builder& Builder::random_order_seed(uint64_t seed) {
  random_order_seed_ = seed;
  return *this;
}
Builder& Builder::rng_seed(uint64_t seed) {
  rng_seed_ = seed;
  return *this;
}

internal::DriverStack Builder::build_drivers() const {
  internal::DriverStack stack;
  if (!enable_time_ && !enable_io_) return stack;
  std::unique_ptr<internal::Driver> bottom;
  if (enable_io_) {
    auto reactor = io::Reactor::create();
    if (!reactor.ok()) {
      throw std::runtime_error("corio: cannot start the I/O driver: " +
                               std::string(reactor.status().message()));
    }
    stack.reactor = reactor->get();
    bottom = *std::move(reactor);
  } else {
    bottom = std::make_unique<internal::ThreadParkDriver>();
  }
  if (enable_time_) {
    // The test clock may only pause a current-thread runtime: there an idle park means
    // the whole runtime is idle, so jumping to the next deadline is safe.
    auto time = std::make_unique<time::TimeDriver>(std::move(bottom),
                                                   flavor_ == Flavor::kCurrentThread);
    stack.time = time.get();
    stack.top = std::move(time);
  } else {
    stack.top = std::move(bottom);
  }
  return stack;
}

Runtime Builder::build() const {
  if (flavor_ == Flavor::kCurrentThread) {
    internal::CurrentThreadOptions options;
    options.random_order_seed = random_order_seed_;
    options.max_blocking_threads = max_blocking_threads_;
    auto core = std::make_shared<internal::CurrentThreadScheduler>(options);
    core->set_drivers(build_drivers());
    return Runtime(std::move(core));
  }
  internal::MultiThreadOptions options;
  options.workers = workers_ != 0 ? workers_ : std::max(1u, std::thread::hardware_concurrency());
  options.thread_name = thread_name_;
  options.global_queue_interval = global_queue_interval_;
  options.event_interval = event_interval_;
  options.lifo_slot = lifo_slot_;
  options.wake_threshold = wake_threshold_;
  options.seed = rng_seed_;
  options.max_blocking_threads = max_blocking_threads_;
  auto core = std::make_shared<internal::MultiThreadScheduler>(options);
  core->set_drivers(build_drivers());
  core->start();
  return Runtime(std::move(core));
}

}  // namespace corio

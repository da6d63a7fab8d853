#include "tools/loadgen/load_thread.h"

#include <sys/prctl.h>

#include "absl/strings/str_cat.h"
#include "runtime/runtime.h"
#include "runtime/time/sleep.h"
#include "tools/loadgen/connection.h"

namespace corio::loadgen {

LoadThread::LoadThread(RunPlan& plan, ThreadSlot& slot, int first_connection, int connections,
                       uint64_t budget)
    : plan_(plan),
      slot_(slot),
      first_connection_(first_connection),
      connections_(connections),
      budget_(budget) {}

void LoadThread::run() {
  if (config().rate > 0) {
    // Open loop: requests are due at precise instants; the default timer slack (50 us)
    // would make every timerfd wake-up late by up to that much.
    (void)::prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
  }
  Runtime rt = Builder::current_thread().enable_all().build();
  rt.block_on(main_task());
}

Task<void> LoadThread::main_task() {
  std::vector<JoinHandle<void>> connections;
  connections.reserve(static_cast<size_t>(connections_));
  for (int i = 0; i < connections_; ++i) {
    connections.push_back(spawn(run_connection(*this, first_connection_ + i)));
  }
  // The publisher borrows `connections` and *this: it is aborted and awaited below,
  // before either goes away.
  auto publisher = spawn(publish_loop(&connections));
  for (auto& c : connections) (void)co_await c;
  publisher.abort();
  (void)co_await publisher;
  publish(/*finished=*/true);
}

Task<void> LoadThread::publish_loop(std::vector<JoinHandle<void>>* connections) {
  std::optional<Instant> stopped_at;
  bool aborted = false;
  for (;;) {
    auto nap = time::sleep(kPublishPeriod);
    co_await nap;
    publish(/*finished=*/false);
    Instant now = Clock::now();
    if (!stopped_at && stopping(now)) stopped_at = now;
    // Ordering: relaxed; the flag only shortens the grace.
    bool fail_fast = plan_.failed_fast.load(std::memory_order_relaxed);
    if (stopped_at && !aborted && (fail_fast || now - *stopped_at >= kStopGrace)) {
      // Still waiting for replies past the grace (or failing fast): stop waiting.
      for (auto& c : *connections) c.abort();
      aborted = true;
    }
  }
}

void LoadThread::publish(bool finished) {
  std::lock_guard<std::mutex> lock(slot_.mu);
  slot_.latency.merge(latency_);
  slot_.tally.add(tally_);
  if (!first_error_.empty() && !reported_error_) {
    if (slot_.first_error.empty()) slot_.first_error = first_error_;
    reported_error_ = true;
  }
  if (last_reply_ > slot_.last_reply) slot_.last_reply = last_reply_;
  slot_.live_connections = live_connections_;
  slot_.gave_up = gave_up_;
  slot_.finished = finished;
  latency_.reset();
  tally_ = Tally{};
}

void LoadThread::note_error(std::string_view what) {
  if (first_error_.empty()) first_error_ = std::string(what);
  if (config().fail_fast) {
    // Ordering: relaxed; polled flags (see stopping()).
    plan_.failed_fast.store(true, std::memory_order_relaxed);
    plan_.stop.store(true, std::memory_order_relaxed);
  }
}

void LoadThread::error_replies(uint64_t n, ReplyScanner& scanner) {
  tally_.error_replies += n;
  std::string text = scanner.take_first_error();
  note_error(text.empty() ? std::string_view("error reply") : std::string_view(text));
}

void LoadThread::connect_failed(const absl::Status& status) {
  ++tally_.connect_failures;
  note_error(std::string(status.message()));
}

void LoadThread::connection_lost(const absl::Status& status) {
  ++tally_.disconnects;
  note_error(absl::StrCat("connection lost: ", status.message()));
}

}  // namespace corio::loadgen

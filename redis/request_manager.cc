#include "redis/request_manager.h"

#include <atomic>
#include <stdexcept>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "redis/manager_connection.h"
#include "runtime/combinators.h"
#include "runtime/runtime.h"
#include "runtime/time/sleep.h"

namespace corio::redis {
namespace internal {

// What every copy of a handle shares. Destroying it drops the channels' senders, which
// finishes the channels: the connection tasks then read the replies still owed and stop.
struct ManagerShared {
  RequestManagerOptions options;
  std::vector<RequestSender> senders;  // one per connection; send() is const and thread-safe
  std::atomic<size_t> next{0};
  sync::CancellationToken shutdown;
  std::shared_ptr<ManagerCounters> counters = std::make_shared<ManagerCounters>();

  const RequestSender& pick() {
    if (senders.size() == 1) return senders[0];
    return senders[next.fetch_add(1, std::memory_order_relaxed) % senders.size()];
  }
};

}  // namespace internal

namespace {

absl::Status shut_down() { return absl::CancelledError("redis request manager: shut down"); }

absl::Status timed_out(std::chrono::nanoseconds limit, const char* where) {
  return absl::DeadlineExceededError(absl::StrCat(
      "redis request timed out after ",
      std::chrono::duration_cast<std::chrono::milliseconds>(limit).count(), " ms ", where));
}

}  // namespace

RequestManager RequestManager::start(std::string address, RequestManagerOptions options) {
  if (options.connections == 0 || options.queue_capacity == 0 || options.max_in_flight == 0) {
    throw std::invalid_argument(
        "RequestManager: connections, queue_capacity and max_in_flight must be positive");
  }
  auto shared = std::make_shared<internal::ManagerShared>();
  shared->options = options;
  for (size_t i = 0; i < options.connections; ++i) {
    auto [sender, receiver] = sync::mpsc::channel<internal::PendingRequest>(options.queue_capacity);
    shared->senders.push_back(std::move(sender));
    // Detached: the task ends by itself once the channel is finished or on shutdown.
    (void)spawn(internal::run_manager_connection(address, options, std::move(receiver),
                                                 shared->shutdown, shared->counters));
  }
  return RequestManager(std::move(shared));
}

Task<absl::StatusOr<Frame>> RequestManager::request(std::string encoded) {
  internal::ManagerShared& m = *shared_;
  auto channel = sync::oneshot::channel<internal::Reply>();
  internal::PendingRequest request{std::move(encoded), std::move(channel.first)};
  sync::oneshot::Receiver<internal::Reply>& reply = channel.second;
  const internal::RequestSender& sender = m.pick();

  if (m.options.request_timeout.count() <= 0) {
    auto sending = sender.send(std::move(request));
    auto refused = co_await sending;
    if (refused) co_return shut_down();
    absl::StatusOr<internal::Reply> answer = co_await reply;
    if (!answer.ok()) co_return shut_down();  // the responder died unused: shutdown
    co_return *std::move(answer);
  }

  // The same, racing one deadline for the whole request.
  const time::Instant deadline = time::now() + m.options.request_timeout;
  auto sending = select(sender.send(std::move(request)), time::sleep_until(deadline));
  auto sent = co_await sending;
  if (sent.index() == 1) co_return timed_out(m.options.request_timeout, "waiting for queue room");
  if (std::get<0>(sent)) co_return shut_down();
  auto waiting = select(std::move(reply), time::sleep_until(deadline));
  auto answer = co_await waiting;
  if (answer.index() == 1) co_return timed_out(m.options.request_timeout, "waiting for the reply");
  absl::StatusOr<internal::Reply>& got = std::get<0>(answer);
  if (!got.ok()) co_return shut_down();
  co_return *std::move(got);
}

void RequestManager::shutdown() { shared_->shutdown.cancel(); }

size_t RequestManager::free_queue_slots() const {
  size_t free = 0;
  for (const internal::RequestSender& s : shared_->senders) free += s.capacity();
  return free;
}

RequestManagerStats RequestManager::stats() const {
  const internal::ManagerCounters& c = *shared_->counters;
  auto get = [](const std::atomic<uint64_t>& v) { return v.load(std::memory_order_relaxed); };
  return RequestManagerStats{get(c.connects), get(c.connect_failures), get(c.batches),
                             get(c.requests_written), get(c.requests_dropped)};
}

}  // namespace corio::redis

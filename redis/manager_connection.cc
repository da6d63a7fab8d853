#include "redis/manager_connection.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "redis/resp_connection.h"
#include "runtime/combinators.h"
#include "runtime/time/sleep.h"
#include "sync/notify.h"

namespace corio::redis::internal {
namespace {

absl::string_view av(std::string_view s) { return {s.data(), s.size()}; }

// A caller's own copy of `why`. Copying an absl::Status shares its heap representation
// through a reference count; callers on other threads would then drop that count
// concurrently, which is correct but invisible to ThreadSanitizer (Debian's Abseil is
// not instrumented), so every failed request gets an unshared status instead.
Reply failure(const absl::Status& why) { return Reply(absl::Status(why.code(), why.message())); }

enum class SessionEnd {
  kLost,      // the connection failed; lost_ says why
  kFinished,  // every handle is gone and every reply has been read
  kShutdown,  // shutdown() was called
};

// The state of one connection task; lives in run_manager_connection's coroutine frame,
// so every coroutine below (all awaited from run()) may refer to it.
class ManagerConnection {
 public:
  ManagerConnection(std::string address, RequestManagerOptions options,
                    RequestReceiver requests, sync::CancellationToken shutdown,
                    std::shared_ptr<ManagerCounters> counters)
      : address_(std::move(address)),
        options_(options),
        requests_(std::move(requests)),
        shutdown_(std::move(shutdown)),
        counters_(std::move(counters)) {}

  Task<void> run();

 private:
  Task<absl::StatusOr<RespConnection>> connect();
  Task<SessionEnd> serve(RespConnection& conn);
  Task<SessionEnd> write_loop(RespConnection& conn);
  Task<SessionEnd> read_loop(RespConnection& conn);
  // Waits for a reply to come in (the reader notifies while writer_waiting_).
  Task<void> wait_for_replies();
  // Fails requests arriving before `deadline` with `why`. False: stop (shutdown, or the
  // channel is finished).
  Task<bool> reject_until(time::Instant deadline, absl::Status why);

  // Appends a request to the batch being built, unless its caller has gone.
  void add_to_batch(PendingRequest& request);
  void fail_in_flight(const absl::Status& why);
  void fail_queued(const absl::Status& why);

  const std::string address_;
  const RequestManagerOptions options_;
  RequestReceiver requests_;
  const sync::CancellationToken shutdown_;
  const std::shared_ptr<ManagerCounters> counters_;

  // Responders of written requests, in the order their replies will come.
  std::deque<sync::oneshot::Sender<Reply>> in_flight_;
  std::string batch_;
  absl::Status lost_;           // why the last session ended with kLost
  bool writer_waiting_ = false;  // the writer waits in wait_for_replies()
  sync::Notify reply_came_;
};

Task<void> ManagerConnection::run() {
  std::chrono::nanoseconds backoff = options_.reconnect_min;
  while (!shutdown_.is_cancelled()) {
    auto connecting = connect();
    absl::StatusOr<RespConnection> conn = co_await connecting;
    if (shutdown_.is_cancelled()) break;
    absl::Status why;
    if (conn.ok()) {
      counters_->add(counters_->connects);
      backoff = options_.reconnect_min;
      auto serving = serve(*conn);
      SessionEnd end = co_await serving;
      conn->close();
      if (end == SessionEnd::kShutdown) break;
      if (end == SessionEnd::kFinished) co_return;
      why = absl::UnavailableError(absl::StrCat("redis: connection to ", av(address_),
                                                " lost: ", lost_.message()));
      fail_in_flight(why);
    } else {
      counters_->add(counters_->connect_failures);
      why = absl::UnavailableError(absl::StrCat("redis: cannot connect to ", av(address_), ": ",
                                                conn.status().message()));
    }
    fail_queued(why);
    auto rejecting = reject_until(time::now() + backoff, why);
    if (!co_await rejecting) break;
    backoff = std::min(backoff * 2, options_.reconnect_max);
  }
  requests_.close();
  absl::Status stopped = absl::CancelledError("redis request manager: shut down");
  fail_in_flight(stopped);
  fail_queued(stopped);
}

Task<absl::StatusOr<RespConnection>> ManagerConnection::connect() {
  auto connecting = RespConnection::connect(address_, options_.connect_timeout);
  auto stopping = shutdown_.cancelled();
  auto racing = select(std::move(connecting), std::move(stopping));
  auto first = co_await racing;
  if (first.index() == 1) co_return absl::CancelledError("redis request manager: shut down");
  co_return std::get<0>(std::move(first));
}

Task<SessionEnd> ManagerConnection::serve(RespConnection& conn) {
  lost_ = absl::OkStatus();
  auto writing = write_loop(conn);
  auto reading = read_loop(conn);
  auto stopping = shutdown_.cancelled();
  auto racing = select(std::move(writing), std::move(reading), std::move(stopping));
  auto first = co_await racing;
  switch (first.index()) {
    case 0:
      co_return std::get<0>(first);
    case 1:
      co_return std::get<1>(first);
    default:
      co_return SessionEnd::kShutdown;
  }
}

Task<void> ManagerConnection::wait_for_replies() {
  writer_waiting_ = true;
  auto waiting = reply_came_.notified();
  co_await waiting;
  writer_waiting_ = false;
}

Task<SessionEnd> ManagerConnection::write_loop(RespConnection& conn) {
  for (;;) {
    while (in_flight_.size() >= options_.max_in_flight) {
      auto waiting = wait_for_replies();
      co_await waiting;
    }
    auto receiving = requests_.recv();
    std::optional<PendingRequest> first = co_await receiving;
    if (!first) {
      // Every handle is gone: nobody can send any more. Let the reader finish.
      while (!in_flight_.empty()) {
        auto waiting = wait_for_replies();
        co_await waiting;
      }
      co_return SessionEnd::kFinished;
    }
    batch_.clear();
    size_t before = in_flight_.size();
    add_to_batch(*first);
    while (batch_.size() < options_.max_batch_bytes &&
           in_flight_.size() < options_.max_in_flight) {
      absl::StatusOr<PendingRequest> more = requests_.try_recv();
      if (!more.ok()) break;
      add_to_batch(*more);
    }
    if (batch_.empty()) continue;
    counters_->add(counters_->batches);
    counters_->add(counters_->requests_written, in_flight_.size() - before);
    auto writing = conn.write_all(batch_);
    absl::Status written = co_await writing;
    if (!written.ok()) {
      lost_ = written;
      co_return SessionEnd::kLost;
    }
  }
}

void ManagerConnection::add_to_batch(PendingRequest& request) {
  if (request.responder.is_closed()) {
    counters_->add(counters_->requests_dropped);
    return;
  }
  batch_.append(request.encoded);
  in_flight_.push_back(std::move(request.responder));
}

Task<SessionEnd> ManagerConnection::read_loop(RespConnection& conn) {
  for (;;) {
    for (;;) {
      absl::StatusOr<std::optional<Frame>> next = conn.next_buffered();
      if (!next.ok()) {
        lost_ = next.status();
        co_return SessionEnd::kLost;
      }
      if (!next->has_value()) break;
      if (in_flight_.empty()) {
        lost_ = absl::DataLossError("a reply to no request: " + (*next)->to_string());
        co_return SessionEnd::kLost;
      }
      sync::oneshot::Sender<Reply> responder = std::move(in_flight_.front());
      in_flight_.pop_front();
      // Fails, dropping the reply, if the caller has gone.
      (void)responder.send(Reply(**std::move(next)));
    }
    if (writer_waiting_) reply_came_.notify_one();
    auto filling = conn.fill();
    absl::Status filled = co_await filling;
    if (!filled.ok()) {
      lost_ = filled;
      co_return SessionEnd::kLost;
    }
  }
}

Task<bool> ManagerConnection::reject_until(time::Instant deadline, absl::Status why) {
  for (;;) {
    auto receiving = requests_.recv();
    auto sleeping = time::sleep_until(deadline);
    auto stopping = shutdown_.cancelled();
    auto racing = select(std::move(receiving), std::move(sleeping), std::move(stopping));
    auto first = co_await racing;
    if (first.index() != 0) co_return first.index() == 1;
    std::optional<PendingRequest>& request = std::get<0>(first);
    if (!request) co_return false;
    (void)request->responder.send(failure(why));
  }
}

void ManagerConnection::fail_in_flight(const absl::Status& why) {
  while (!in_flight_.empty()) {
    (void)in_flight_.front().send(failure(why));
    in_flight_.pop_front();
  }
}

void ManagerConnection::fail_queued(const absl::Status& why) {
  for (;;) {
    absl::StatusOr<PendingRequest> request = requests_.try_recv();
    if (!request.ok()) return;
    (void)request->responder.send(failure(why));
  }
}

}  // namespace

Task<void> run_manager_connection(std::string address, RequestManagerOptions options,
                                  RequestReceiver requests, sync::CancellationToken shutdown,
                                  std::shared_ptr<ManagerCounters> counters) {
  ManagerConnection connection(std::move(address), options, std::move(requests),
                               std::move(shutdown), std::move(counters));
  auto running = connection.run();
  co_await running;
}

}  // namespace corio::redis::internal

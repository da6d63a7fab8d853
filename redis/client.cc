#include "redis/client.h"

#include <utility>

namespace corio::redis {
namespace {

// How far one request got; decides, if its Task is destroyed there, what the connection
// owes (see the header's cancellation paragraph).
class RequestProgress {
 public:
  enum class Stage { kWriting, kAwaitingReply, kFinished };
  RequestProgress(size_t* abandoned, absl::Status* broken)
      : abandoned_(abandoned), broken_(broken) {}
  RequestProgress(const RequestProgress&) = delete;
  ~RequestProgress() {
    if (stage_ == Stage::kWriting) {
      *broken_ = absl::FailedPreconditionError(
          "redis client: a cancelled request left a partly written command on the "
          "connection");
    } else if (stage_ == Stage::kAwaitingReply) {
      ++*abandoned_;
    }
  }
  void set(Stage s) { stage_ = s; }

 private:
  size_t* abandoned_;
  absl::Status* broken_;
  Stage stage_ = Stage::kWriting;
};

}  // namespace

Task<absl::StatusOr<Client>> Client::connect(std::string address) {
  auto connecting = RespConnection::connect(std::move(address));
  auto conn = co_await connecting;
  if (!conn.ok()) co_return conn.status();
  co_return Client(*std::move(conn));
}

Task<absl::Status> Client::skip_abandoned_replies() {
  while (abandoned_ > 0) {
    auto reading = conn_.read_frame();
    absl::StatusOr<Frame> dropped = co_await reading;
    if (!dropped.ok()) {
      broken_ = dropped.status();
      co_return broken_;
    }
    --abandoned_;
  }
  co_return absl::OkStatus();
}

Task<absl::StatusOr<Frame>> Client::request(std::string encoded) {
  if (!broken_.ok()) co_return broken_;
  if (abandoned_ > 0) {
    auto skipping = skip_abandoned_replies();
    absl::Status s = co_await skipping;
    if (!s.ok()) co_return s;
  }
  RequestProgress progress(&abandoned_, &broken_);
  auto writing = conn_.write_all(encoded);
  absl::Status written = co_await writing;
  if (!written.ok()) {
    progress.set(RequestProgress::Stage::kFinished);
    broken_ = written;
    co_return written;
  }
  progress.set(RequestProgress::Stage::kAwaitingReply);
  auto reading = conn_.read_frame();
  absl::StatusOr<Frame> reply = co_await reading;
  progress.set(RequestProgress::Stage::kFinished);
  if (!reply.ok()) broken_ = reply.status();
  co_return reply;
}

Task<absl::StatusOr<Subscriber>> Client::subscribe(std::vector<std::string> channels) {
  return into_subscriber(false, std::move(channels));
}

Task<absl::StatusOr<Subscriber>> Client::psubscribe(std::vector<std::string> patterns) {
  return into_subscriber(true, std::move(patterns));
}

Task<absl::StatusOr<Subscriber>> Client::into_subscriber(bool patterns,
                                                         std::vector<std::string> names) {
  if (names.empty()) {
    co_return absl::InvalidArgumentError("subscribe: at least one channel or pattern");
  }
  if (!broken_.ok()) co_return broken_;
  if (abandoned_ > 0) {
    auto skipping = skip_abandoned_replies();
    absl::Status s = co_await skipping;
    if (!s.ok()) co_return s;
  }
  broken_ = absl::FailedPreconditionError(
      "redis client: the connection was handed over to a Subscriber");
  Subscriber sub(std::move(conn_));
  auto changing = patterns ? sub.psubscribe(std::move(names)) : sub.subscribe(std::move(names));
  absl::Status s = co_await changing;
  if (!s.ok()) co_return s;
  co_return std::move(sub);
}

}  // namespace corio::redis

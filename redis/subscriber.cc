#include "redis/subscriber.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "redis/client_reply.h"
#include "redis/command_builder.h"

namespace corio::redis {
namespace {

bool is_string(const Frame& f) {
  return f.kind() == Frame::Kind::kBulk || f.kind() == Frame::Kind::kSimple;
}

absl::Status not_pubsub(const Frame& f) {
  return absl::DataLossError("subscriber: unexpected frame " + f.to_string());
}

}  // namespace

absl::StatusOr<std::optional<std::string>> Subscriber::file(Frame frame) {
  if (frame.kind() == Frame::Kind::kError) return server_error(frame.str());
  // RESP2 sends pub/sub frames as arrays, RESP3 as pushes.
  if (frame.kind() != Frame::Kind::kArray && frame.kind() != Frame::Kind::kPush) {
    return not_pubsub(frame);
  }
  const std::vector<Frame>& e = frame.elements();
  if (e.empty() || !is_string(e[0])) return not_pubsub(frame);
  const std::string& kind = e[0].str();
  if (kind == "message" && e.size() == 3 && is_string(e[1]) && is_string(e[2])) {
    messages_.push_back(Message{e[1].str(), e[2].str(), std::nullopt});
    return std::optional<std::string>();
  }
  if (kind == "pmessage" && e.size() == 4 && is_string(e[1]) && is_string(e[2]) &&
      is_string(e[3])) {
    messages_.push_back(Message{e[2].str(), e[3].str(), e[1].str()});
    return std::optional<std::string>();
  }
  if (e.size() == 3 && e[2].kind() == Frame::Kind::kInteger &&
      (is_string(e[1]) || e[1].is_null())) {
    // A confirmation: [kind, name or nil, subscriptions left].
    if (kind == "subscribe") {
      channels_.insert(e[1].str());
    } else if (kind == "psubscribe") {
      patterns_.insert(e[1].str());
    } else if (kind == "unsubscribe") {
      if (!e[1].is_null()) channels_.erase(e[1].str());
    } else if (kind == "punsubscribe") {
      if (!e[1].is_null()) patterns_.erase(e[1].str());
    } else {
      return not_pubsub(frame);
    }
    return std::optional<std::string>(kind);
  }
  if (kind == "pong") return std::optional<std::string>(kind);
  return not_pubsub(frame);
}

Task<absl::StatusOr<Message>> Subscriber::next_message() {
  for (;;) {
    if (!messages_.empty()) {
      Message m = std::move(messages_.front());
      messages_.pop_front();
      co_return m;
    }
    auto reading = conn_.read_frame();
    absl::StatusOr<Frame> frame = co_await reading;
    if (!frame.ok()) co_return frame.status();
    auto filed = file(*std::move(frame));
    if (!filed.ok()) co_return filed.status();
  }
}

Task<absl::Status> Subscriber::change(const char* command, std::vector<std::string> names) {
  std::string confirmation(command);
  std::transform(confirmation.begin(), confirmation.end(), confirmation.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  size_t expected = names.size();
  if (expected == 0) {
    const NameSet& current = confirmation == "unsubscribe" ? channels_ : patterns_;
    expected = std::max<size_t>(1, current.size());
  }
  std::string bytes = CommandBuilder(1 + names.size()).arg(command).args(names).take();
  auto writing = conn_.write_all(bytes);
  absl::Status written = co_await writing;
  if (!written.ok()) co_return written;
  size_t confirmed = 0;
  while (confirmed < expected) {
    auto reading = conn_.read_frame();
    absl::StatusOr<Frame> frame = co_await reading;
    if (!frame.ok()) co_return frame.status();
    auto filed = file(*std::move(frame));
    if (!filed.ok()) co_return filed.status();
    if (filed->has_value() && **filed == confirmation) ++confirmed;
  }
  co_return absl::OkStatus();
}

Task<absl::Status> Subscriber::subscribe(std::vector<std::string> channels) {
  if (channels.empty()) co_return absl::InvalidArgumentError("subscribe: no channel");
  auto changing = change("SUBSCRIBE", std::move(channels));
  co_return co_await changing;
}

Task<absl::Status> Subscriber::unsubscribe(std::vector<std::string> channels) {
  return change("UNSUBSCRIBE", std::move(channels));
}

Task<absl::Status> Subscriber::psubscribe(std::vector<std::string> patterns) {
  if (patterns.empty()) co_return absl::InvalidArgumentError("psubscribe: no pattern");
  auto changing = change("PSUBSCRIBE", std::move(patterns));
  co_return co_await changing;
}

Task<absl::Status> Subscriber::punsubscribe(std::vector<std::string> patterns) {
  return change("PUNSUBSCRIBE", std::move(patterns));
}

}  // namespace corio::redis

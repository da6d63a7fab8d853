// TypedCommands<Derived>: the typed Redis operations shared by Client and RequestManager
// (get, set, del, exists, incr, incrby, expire, ttl, mget, mset, publish, ping, call).
//
//   absl::StatusOr<std::optional<std::string>> v = co_await client.get("k");
//   absl::StatusOr<bool> set = co_await client.set("k", "v", {.condition = kIfAbsent});
//   absl::StatusOr<Frame> any = co_await client.call({"OBJECT", "ENCODING", "k"});
//
// `Derived` supplies one primitive, `Task<absl::StatusOr<Frame>> request(std::string
// encoded)`: send one encoded command, return its reply frame (error replies included, as
// frames). Each operation here encodes its command *before returning* its Task, so the
// std::string_view arguments need only live until the call returns, even though the Task
// is lazy; the Task then awaits request() and decodes the reply (client_reply.h): server
// errors become is_server_error() statuses, replies of an unexpected kind kDataLoss.
//
// Lifetime: the returned Task refers to the object it was called on (the Client or the
// RequestManager handle), which must outlive it: await it before destroying the object.
// Threads and cancellation: those of Derived::request (see client.h, request_manager.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "redis/client_reply.h"
#include "redis/command_builder.h"
#include "redis/frame.h"
#include "runtime/task.h"

namespace corio::redis {

// Arguments passed by view: one string, a braced list, or a vector of strings. Consumed
// (encoded) before the operation returns its Task.
class ArgList {
 public:
  ArgList(const char* one) : one_(one), views_(&one_, 1) {}
  ArgList(std::string_view one) : one_(one), views_(&one_, 1) {}
  ArgList(const std::string& one) : one_(one), views_(&one_, 1) {}
  ArgList(std::initializer_list<std::string_view> many) : views_(many.begin(), many.size()) {}
  ArgList(std::span<const std::string_view> many) : views_(many) {}
  ArgList(const std::vector<std::string>& many) : strings_(many) {}
  ArgList(const ArgList&) = delete;
  ArgList& operator=(const ArgList&) = delete;

  size_t size() const { return strings_.empty() ? views_.size() : strings_.size(); }
  void append_to(CommandBuilder& b) const {
    if (strings_.empty()) {
      b.args(views_);
    } else {
      b.args(strings_);
    }
  }

 private:
  std::string_view one_;
  std::span<const std::string_view> views_;
  std::span<const std::string> strings_;
};

// SET's options.
struct SetOptions {
  enum class Condition : uint8_t {
    kAlways,
    kIfAbsent,   // NX: only if the key does not exist
    kIfPresent,  // XX: only if it exists
  };
  Condition condition = Condition::kAlways;
  // PX: expire after this long (rounded down to milliseconds by the encoding).
  std::optional<std::chrono::milliseconds> expire_after;
  // KEEPTTL: keep the key's current time to live (without expire_after).
  bool keep_ttl = false;

  // Shorthands (GCC before 14 warns about designated initializers that skip members).
  static SetOptions if_absent() { return with(Condition::kIfAbsent); }
  static SetOptions if_present() { return with(Condition::kIfPresent); }
  static SetOptions expiring_after(std::chrono::milliseconds ttl) {
    SetOptions o;
    o.expire_after = ttl;
    return o;
  }

 private:
  static SetOptions with(Condition c) {
    SetOptions o;
    o.condition = c;
    return o;
  }
};

template <typename Derived>
class TypedCommands {
 public:
  // Any command. Error replies become statuses; the frame otherwise, as sent.
  Task<absl::StatusOr<Frame>> call(ArgList args) {
    CommandBuilder b(args.size());
    args.append_to(b);
    return request_as(b.take(), &decode_frame, "");
  }

  // PING -> "PONG"; PING message -> message.
  Task<absl::StatusOr<std::string>> ping() {
    return request_as(encode_command({"PING"}), &decode_string, "PING");
  }
  Task<absl::StatusOr<std::string>> ping(std::string_view message) {
    return request_as(encode_command({"PING", message}), &decode_string, "PING");
  }

  // The value, or nullopt if the key does not exist.
  Task<absl::StatusOr<std::optional<std::string>>> get(std::string_view key) {
    return request_as(encode_command({"GET", key}), &decode_optional_string, "GET");
  }

  // true: set; false: the NX/XX condition was not met (nothing changed).
  Task<absl::StatusOr<bool>> set(std::string_view key, std::string_view value,
                                 SetOptions options = {}) {
    size_t argc = 3 + (options.expire_after ? 2 : 0) +
                  (options.condition != SetOptions::Condition::kAlways ? 1 : 0) +
                  (options.keep_ttl ? 1 : 0);
    CommandBuilder b(argc);
    b.arg("SET").arg(key).arg(value);
    if (options.expire_after) b.arg("PX").arg(int64_t{options.expire_after->count()});
    if (options.condition == SetOptions::Condition::kIfAbsent) b.arg("NX");
    if (options.condition == SetOptions::Condition::kIfPresent) b.arg("XX");
    if (options.keep_ttl) b.arg("KEEPTTL");
    return request_as(b.take(), &decode_set_reply, "SET");
  }

  // How many of the keys existed (and were deleted).
  Task<absl::StatusOr<int64_t>> del(ArgList keys) { return keyed("DEL", keys, &decode_integer); }
  // How many of the keys exist (a key named twice counts twice).
  Task<absl::StatusOr<int64_t>> exists(ArgList keys) {
    return keyed("EXISTS", keys, &decode_integer);
  }

  // The value after the increment.
  Task<absl::StatusOr<int64_t>> incr(std::string_view key) {
    return request_as(encode_command({"INCR", key}), &decode_integer, "INCR");
  }
  Task<absl::StatusOr<int64_t>> incrby(std::string_view key, int64_t delta) {
    return request_as(CommandBuilder(3).arg("INCRBY").arg(key).arg(delta).take(),
                      &decode_integer, "INCRBY");
  }

  // true if the timeout was set (false: no such key).
  Task<absl::StatusOr<bool>> expire(std::string_view key, std::chrono::seconds after) {
    return request_as(CommandBuilder(3).arg("EXPIRE").arg(key).arg(int64_t{after.count()}).take(),
                      &decode_flag, "EXPIRE");
  }
  // Seconds to live; -1: the key has no expiry; -2: no such key (Redis's convention).
  Task<absl::StatusOr<int64_t>> ttl(std::string_view key) {
    return request_as(encode_command({"TTL", key}), &decode_integer, "TTL");
  }

  // The values in key order, nullopt for missing keys.
  Task<absl::StatusOr<std::vector<std::optional<std::string>>>> mget(ArgList keys) {
    return keyed("MGET", keys, &decode_optional_strings);
  }
  // Sets every pair at once.
  Task<absl::Status> mset(std::span<const std::pair<std::string, std::string>> pairs) {
    CommandBuilder b(1 + 2 * pairs.size());
    b.arg("MSET");
    for (const auto& [k, v] : pairs) b.arg(k).arg(v);
    return request_as(b.take(), &decode_ok, "MSET");
  }
  Task<absl::Status> mset(
      std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
    CommandBuilder b(1 + 2 * pairs.size());
    b.arg("MSET");
    for (const auto& [k, v] : pairs) b.arg(k).arg(v);
    return request_as(b.take(), &decode_ok, "MSET");
  }

  // How many subscribers received the message.
  Task<absl::StatusOr<int64_t>> publish(std::string_view channel, std::string_view message) {
    return request_as(encode_command({"PUBLISH", channel, message}), &decode_integer,
                      "PUBLISH");
  }

 private:
  static absl::StatusOr<Frame> decode_frame(Frame f, std::string_view) {
    return frame_or_error(std::move(f));
  }
  static absl::StatusOr<bool> decode_set_reply(Frame f, std::string_view) {
    return decode_set(std::move(f));
  }

  template <typename R>
  Task<R> keyed(const char* command, const ArgList& keys, R (*decode)(Frame, std::string_view)) {
    CommandBuilder b(1 + keys.size());
    b.arg(command);
    keys.append_to(b);
    return request_as(b.take(), decode, command);
  }

  // Sends `encoded` through Derived::request and decodes the reply. `op` must be a
  // string literal (it outlives the Task).
  template <typename R>
  Task<R> request_as(std::string encoded, R (*decode)(Frame, std::string_view),
                     std::string_view op) {
    auto requesting = static_cast<Derived*>(this)->request(std::move(encoded));
    absl::StatusOr<Frame> reply = co_await requesting;
    if (!reply.ok()) co_return reply.status();
    co_return decode(*std::move(reply), op);
  }
};

}  // namespace corio::redis

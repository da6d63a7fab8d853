#include "redis/client_reply.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace corio::redis {
namespace {

// The payload that marks a status as a server's error reply.
constexpr char kServerErrorUrl[] = "corio.redis/server-error";

absl::Status unexpected(std::string_view op, const Frame& f) {
  return absl::DataLossError(absl::StrCat("unexpected reply to ", absl::string_view(op.data(), op.size()), ": ",
                                          f.to_string()));
}

}  // namespace

absl::Status server_error(std::string_view message) {
  absl::Status s(absl::StatusCode::kUnknown, absl::string_view(message.data(), message.size()));
  s.SetPayload(kServerErrorUrl, absl::Cord());
  return s;
}

bool is_server_error(const absl::Status& status) {
  return !status.ok() && status.GetPayload(kServerErrorUrl).has_value();
}

std::string_view server_error_prefix(const absl::Status& status) {
  if (!is_server_error(status)) return {};
  std::string_view m(status.message().data(), status.message().size());
  return m.substr(0, m.find(' '));
}

absl::StatusOr<Frame> frame_or_error(Frame f) {
  if (f.kind() == Frame::Kind::kError) return server_error(f.str());
  return f;
}

absl::Status decode_ok(Frame f, std::string_view op) {
  if (f.kind() == Frame::Kind::kError) return server_error(f.str());
  if (f.kind() != Frame::Kind::kSimple) return unexpected(op, f);
  return absl::OkStatus();
}

absl::StatusOr<int64_t> decode_integer(Frame f, std::string_view op) {
  if (f.kind() == Frame::Kind::kError) return server_error(f.str());
  if (f.kind() != Frame::Kind::kInteger) return unexpected(op, f);
  return f.as_integer();
}

absl::StatusOr<bool> decode_flag(Frame f, std::string_view op) {
  auto v = decode_integer(std::move(f), op);
  if (!v.ok()) return v.status();
  if (*v != 0 && *v != 1) return unexpected(op, Frame::integer(*v));
  return *v == 1;
}

absl::StatusOr<std::string> decode_string(Frame f, std::string_view op) {
  if (f.kind() == Frame::Kind::kError) return server_error(f.str());
  if (f.kind() != Frame::Kind::kBulk && f.kind() != Frame::Kind::kSimple) {
    return unexpected(op, f);
  }
  return f.str();
}

absl::StatusOr<std::optional<std::string>> decode_optional_string(Frame f,
                                                                  std::string_view op) {
  if (f.is_null()) return std::optional<std::string>();
  auto s = decode_string(std::move(f), op);
  if (!s.ok()) return s.status();
  return std::optional<std::string>(*std::move(s));
}

absl::StatusOr<bool> decode_set(Frame f) {
  if (f.is_null()) return false;
  absl::Status s = decode_ok(std::move(f), "SET");
  if (!s.ok()) return s;
  return true;
}

absl::StatusOr<std::vector<std::optional<std::string>>> decode_optional_strings(
    Frame f, std::string_view op) {
  if (f.kind() == Frame::Kind::kError) return server_error(f.str());
  if (f.kind() != Frame::Kind::kArray) return unexpected(op, f);
  std::vector<std::optional<std::string>> out;
  out.reserve(f.elements().size());
  for (const Frame& e : f.elements()) {
    if (e.is_null()) {
      out.emplace_back();
    } else if (e.kind() == Frame::Kind::kBulk) {
      out.emplace_back(e.str());
    } else {
      return unexpected(op, e);
    }
  }
  return out;
}

}  // namespace corio::redis

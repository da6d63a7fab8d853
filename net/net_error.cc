#include "net/net_error.h"

#include <cerrno>
#include <string>

#include "absl/strings/cord.h"

namespace corio::net {
namespace {
constexpr char kErrnoPayload[] = "corio.dev/errno";
}  // namespace

absl::Status errno_error(int err, const char* operation) {
  absl::Status s = absl::ErrnoToStatus(err, operation);
  s.SetPayload(kErrnoPayload, absl::Cord(std::to_string(err)));
  return s;
}

const absl::Status& would_block_error() {
  static const absl::Status* const kWouldBlock =
      new absl::Status(errno_error(EAGAIN, "would block"));
  return *kWouldBlock;
}

int errno_of(const absl::Status& status) {
  auto payload = status.GetPayload(kErrnoPayload);
  if (!payload) return 0;
  return std::stoi(std::string(*payload));
}

}  // namespace corio::net

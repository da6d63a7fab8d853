#include "net/net_error.h"

#include <cerrno>
#include <cstring>
#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace corio::net {
namespace {
constexpr char kErrnoPayload[] = "corio.dev/errno";
}  // namespace

absl::Status errno_error(int err, const char* operation) {
  // absl::ErrnoToStatus's message, without absl's strerror cache: Debian's Abseil is not
  // built with TSAN, so the cache's first use from two workers at once is reported as a
  // race. glibc's own table is constant.
  const char* text = strerrordesc_np(err);
  std::string message = text != nullptr ? absl::StrCat(operation, ": ", text)
                                        : absl::StrCat(operation, ": Unknown error ", err);
  absl::Status s(absl::ErrnoToStatusCode(err), message);
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

// Errors from sockets: absl::Status values that keep the errno they came from.
//
// The status code follows absl::ErrnoToStatus (ECONNREFUSED and ECONNRESET are
// kUnavailable, ETIMEDOUT kDeadlineExceeded, EMFILE kResourceExhausted, ...), the message
// names the operation and strerror's text ("connect: Connection refused"), and
// errno_of(status) gives the number back, for callers that must tell ECONNRESET from EPIPE.
#pragma once

#include "absl/status/status.h"

namespace corio::net {

absl::Status errno_error(int err, const char* operation);
// The status of an operation that would block (EAGAIN), built once: try_read/try_write
// hit it constantly, and formatting strerror and a payload each time cost more than the
// syscall.
const absl::Status& would_block_error();
// The errno a status was made from, or 0.
int errno_of(const absl::Status& status);

}  // namespace corio::net

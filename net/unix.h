// Unix domain sockets: UnixListener and UnixStream, with Stream's operations.
//
//   auto l = UnixListener::bind("/tmp/app.sock");
//   auto s = co_await UnixStream::connect("/tmp/app.sock");
//
// bind() fails with "address in use" if the path exists; removing a stale socket file is
// the caller's decision.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "net/listener.h"
#include "net/stream.h"
#include "runtime/task.h"

namespace corio::net {

class UnixStream : public Stream {
 public:
  UnixStream() = default;
  explicit UnixStream(IoSource source) : Stream(std::move(source)) {}
  static Task<absl::StatusOr<UnixStream>> connect(std::string path);
};

class UnixListener {
 public:
  static absl::StatusOr<UnixListener> bind(std::string_view path, int backlog = 1024);
  // Cancel-safe; errors as Listener (listener.h).
  Task<absl::StatusOr<UnixStream>> accept();

 private:
  explicit UnixListener(Listener l) : listener_(std::move(l)) {}
  Listener listener_;
};

}  // namespace corio::net

// Support for the server's end-to-end and fault tests (tests/redis_*_test.cc).
//
// - InProcessServer: our Server on a multi-thread runtime in a background thread, on a free
//   loopback port, stopped (gracefully) when destroyed.
// - ServerProcess: the //redis:server binary (a `data` dependency of the test) or the
//   system's /usr/bin/redis-server, started as a subprocess; signals, exit status.
// - RespClient: a blocking RESP client on a plain socket, for test threads. Every wait is
//   bounded (a hang becomes an error status, never a stuck test).
// - AsyncRespClient: the same on a corio TcpStream, for tests that run the server and the
//   client on one current-thread runtime (the paused clock).
// - run_process: runs a command line (redis-cli, redis-benchmark) with a stdin text and a
//   time limit, and captures its output.
//
// Threads: each object belongs to the thread that created it; InProcessServer::server()
// may only be used for the Server's thread-safe members (request_shutdown, config before
// the first connection...).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "net/byte_buffer.h"
#include "net/tcp.h"
#include "redis/frame.h"
#include "redis/resp_parser.h"
#include "redis/server.h"
#include "runtime/task.h"

namespace corio::redis::e2e {

using namespace std::chrono_literals;

// The multibulk encoding of a command.
std::string encode_command(const std::vector<std::string>& args);

// Polls `done` every few milliseconds until it is true or `limit` passes; returns its last
// value. For conditions the server reaches asynchronously (a client's slot freed...).
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s);

// Resident set size of a process (this one by default), in bytes; 0 if unreadable.
uint64_t rss_bytes(pid_t pid = 0);

// Built with AddressSanitizer (RSS then follows total allocation, not live memory).
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif

// Runs `f` when destroyed: joins helper threads even when an ASSERT returns early.
class OnScopeExit {
 public:
  explicit OnScopeExit(std::function<void()> f) : f_(std::move(f)) {}
  ~OnScopeExit() {
    if (f_) f_();
  }
  OnScopeExit(const OnScopeExit&) = delete;
  OnScopeExit& operator=(const OnScopeExit&) = delete;

 private:
  std::function<void()> f_;
};

// A directory for the test's files (TEST_TMPDIR under Bazel).
std::string test_tmpdir();

class InProcessServer {
 public:
  // Binds config.bind on a free port (config.port is ignored) and serves until stopped.
  explicit InProcessServer(ServerConfig config = {}, size_t workers = 2);
  ~InProcessServer();
  InProcessServer(const InProcessServer&) = delete;
  InProcessServer& operator=(const InProcessServer&) = delete;

  uint16_t port() const { return port_; }
  Server& server() { return *server_; }
  // Requests a graceful shutdown and waits for run() to return and the runtime to stop.
  void stop();
  // Waits up to `limit` for run() to return on its own (SHUTDOWN from a client).
  bool wait_stopped(std::chrono::milliseconds limit);
  // run()'s result once it has returned.
  absl::Status run_status();
  // How many clients were still registered when run() returned (before the runtime was
  // shut down, which cancels whatever connection tasks are left).
  size_t clients_at_stop();
  // The value of `key` in database 0 once stopped (nullopt: no such key).
  std::optional<std::string> value_after_stop(std::string_view key);

 private:
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool started_ = false;   // guarded by mu_
  bool finished_ = false;  // guarded by mu_
  size_t clients_at_stop_ = 0;  // guarded by mu_
  absl::Status status_;    // guarded by mu_
};

// How RespClient connects and how long it waits.
struct ClientOptions {
  // SO_RCVBUF / SO_SNDBUF set before connecting (0: the kernel's default). A small receive
  // buffer makes a client that does not read push back on the server quickly.
  int receive_buffer = 0;
  int send_buffer = 0;
  // Bound on each wait for a reply / for the socket.
  std::chrono::milliseconds timeout = 10s;
};

class RespClient {
 public:
  static absl::StatusOr<RespClient> connect(uint16_t port, ClientOptions options);
  static absl::StatusOr<RespClient> connect(uint16_t port) {
    return connect(port, ClientOptions{});
  }
  // A Unix socket (the reference redis-server in some tests).
  static absl::StatusOr<RespClient> connect_unix(const std::string& path,
                                                 ClientOptions options = {});

  RespClient(RespClient&& other) noexcept;
  RespClient& operator=(RespClient&& other) noexcept;
  ~RespClient();

  // Writes all of `bytes` (blocking, bounded by the timeout).
  absl::Status send_raw(std::string_view bytes);
  absl::Status send(const std::vector<std::string>& args) { return send_raw(encode_command(args)); }
  // Reads one whole reply frame.
  absl::StatusOr<Frame> read_reply();
  // send + read_reply.
  absl::StatusOr<Frame> command(const std::vector<std::string>& args);
  // Reads until the server closes the connection; returns what arrived (bytes already
  // buffered included). DeadlineExceeded if it stays open past the timeout.
  absl::StatusOr<std::string> read_until_eof();
  // True if the server closed (EOF or reset) within `limit`, reading and dropping bytes.
  bool wait_closed(std::chrono::milliseconds limit);
  // True if the server closed its end within `limit`, without reading anything (so a
  // server blocked writing to us stays blocked: reading would let it finish its writes).
  bool wait_peer_closed(std::chrono::milliseconds limit);
  // Writes without blocking: bytes accepted by the kernel (0 when the buffer is full).
  absl::StatusOr<size_t> try_send(std::string_view bytes);

  // Closes gracefully (FIN) or abortively (RST: SO_LINGER 0).
  void close();
  void reset();
  int fd() const { return fd_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

  // Bytes received but not parsed into a frame yet.
  std::string_view pending() const { return std::string_view(in_).substr(pos_); }

 private:
  RespClient(int fd, std::chrono::milliseconds timeout) : fd_(fd), timeout_(timeout) {}
  // One recv into in_, waiting up to `until`. 0 at EOF.
  absl::StatusOr<size_t> fill(std::chrono::steady_clock::time_point until);

  int fd_ = -1;
  std::chrono::milliseconds timeout_;
  std::string in_;
  size_t pos_ = 0;  // in_[0, pos_) is parsed
};

// The reply to `args` on a fresh connection (simple queries in tests).
absl::StatusOr<Frame> query(uint16_t port, const std::vector<std::string>& args);
// A field of INFO (e.g. "connected_clients"), as an integer.
absl::StatusOr<int64_t> info_field(RespClient& client, std::string_view field);

// A client on the runtime's reactor (for a server on the same current-thread runtime).
class AsyncRespClient {
 public:
  static Task<absl::StatusOr<AsyncRespClient>> connect(uint16_t port);

  Task<absl::Status> send(const std::vector<std::string>& args);
  Task<absl::Status> send_raw(std::string bytes);
  Task<absl::StatusOr<Frame>> read_reply();
  // Reads `n` replies in one coroutine. (Awaiting read_reply() in a loop would grow the
  // stack in unoptimized and sanitizer builds, where GCC does not turn symmetric transfer
  // into a tail call, once thousands of replies are already buffered.)
  Task<absl::StatusOr<std::vector<Frame>>> read_replies(size_t n);
  Task<absl::StatusOr<Frame>> command(std::vector<std::string> args);

 private:
  explicit AsyncRespClient(net::TcpStream stream) : stream_(std::move(stream)) {}
  net::TcpStream stream_;
  net::ByteBuffer in_;
};

// A finished subprocess.
struct ProcessResult {
  int exit_code = -1;  // -1 if killed by a signal or timed out
  int signal = 0;
  bool timed_out = false;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs argv[0] (a path) with `input` on stdin; kills it (SIGKILL) after `limit`.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input,
                          std::chrono::milliseconds limit);

// A long-running subprocess (a server).
class ServerProcess {
 public:
  // Our //redis:server (from the test's runfiles) with `args`; waits for its "ready" line
  // and reads the port from it. Pass --port=0 (the default here) for a free port.
  static absl::StatusOr<ServerProcess> start_ours(std::vector<std::string> args);
  // /usr/bin/redis-server listening on a Unix socket in the test's tmpdir (no TCP port,
  // so no port race); `args` are extra "--name value" settings.
  static absl::StatusOr<ServerProcess> start_reference(std::vector<std::string> args = {});
  // /usr/bin/redis-server on 127.0.0.1:`port` (0: an unused one, see port()), for clients
  // that only speak TCP. Start it again on the same port to model a server restart.
  static absl::StatusOr<ServerProcess> start_reference_tcp(uint16_t port = 0,
                                                           std::vector<std::string> args = {});

  ServerProcess(ServerProcess&& other) noexcept;
  ServerProcess& operator=(ServerProcess&&) = delete;
  ~ServerProcess();  // SIGKILL if still running

  pid_t pid() const { return pid_; }
  uint16_t port() const { return port_; }                       // ours, reference_tcp
  const std::string& unix_socket() const { return socket_; }   // reference
  void signal(int sig);
  // Waits up to `limit` for the process to exit; its exit status if it did.
  std::optional<ProcessResult> wait(std::chrono::milliseconds limit);
  // Everything the process wrote to stdout/stderr so far (from their capture files).
  std::string output() const;

 private:
  ServerProcess() = default;
  pid_t pid_ = -1;
  bool reaped_ = false;
  uint16_t port_ = 0;
  std::string socket_;
  std::string out_path_;
};

// The path of a runfile of this test ("redis/server" -> $TEST_SRCDIR/corio/redis/server).
std::string runfile(std::string_view path);

// A loopback port nobody listens on right now (bound to port 0, then closed).
uint16_t unused_port();

// True if nothing accepts connections on 127.0.0.1:port.
bool port_closed(uint16_t port);

}  // namespace corio::redis::e2e

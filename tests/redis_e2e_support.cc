#include "tests/redis_e2e_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "runtime/combinators.h"
#include "runtime/runtime.h"

extern char** environ;

namespace corio::redis::e2e {
namespace {

using Clock = std::chrono::steady_clock;

absl::Status errno_status(const char* what) {
  return absl::UnavailableError(std::string(what) + ": " + std::strerror(errno));
}

int remaining_ms(Clock::time_point until) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

// Waits for `events` on fd until `until`: true if ready (or error/hang-up).
bool wait_fd(int fd, short events, Clock::time_point until) {
  for (;;) {
    pollfd p{fd, events, 0};
    int r = ::poll(&p, 1, remaining_ms(until));
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) return true;  // let the caller's syscall report it
  }
}

std::atomic<int> file_counter{0};

std::string unique_path(std::string_view dir, std::string_view stem) {
  return std::string(dir) + "/" + std::string(stem) + "-" + std::to_string(getpid()) + "-" +
         std::to_string(file_counter.fetch_add(1));
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// The environment for a server subprocess: ours, plus (when this test is built with
// ThreadSanitizer, and so is the server) the options tests/tsan_options.cc gives the
// test itself.
std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).rfind("TSAN_OPTIONS=", 0) != 0) env.emplace_back(*e);
  }
#if defined(__SANITIZE_THREAD__)
  const char* inherited = std::getenv("TSAN_OPTIONS");
  env.push_back("TSAN_OPTIONS=detect_deadlocks=0:suppressions=" +
                runfile("tests/tsan_known_races.supp") +
                (inherited != nullptr ? ":" + std::string(inherited) : std::string()));
#else
  if (const char* inherited = std::getenv("TSAN_OPTIONS")) {
    env.push_back(std::string("TSAN_OPTIONS=") + inherited);
  }
#endif
  return env;
}

// posix_spawn with stdin from `in_path` (or /dev/null) and stdout+stderr to files.
absl::StatusOr<pid_t> spawn(const std::vector<std::string>& argv, const std::string& in_path,
                            const std::string& out_path, const std::string& err_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in_path.empty() ? "/dev/null" : in_path.c_str(),
                                   O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_strings = child_environment();
  std::vector<char*> env;
  for (std::string& e : env_strings) env.push_back(e.data());
  env.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return absl::UnavailableError("posix_spawn " + argv[0] + ": " + std::strerror(rc));
  }
  return pid;
}

// Reaps `pid` if it exited within `limit`.
std::optional<int> wait_pid(pid_t pid, std::chrono::milliseconds limit) {
  auto until = Clock::now() + limit;
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) return std::nullopt;
    if (Clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(5ms);
  }
}

void fill_result(int status, ProcessResult& r) {
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
}

// Parses a whole frame at in[pos...]; advances pos. nullopt: incomplete.
absl::StatusOr<std::optional<Frame>> parse_at(const std::string& in, size_t& pos) {
  if (pos >= in.size()) return std::optional<Frame>();
  FrameParser::Result r = ParseFrame(std::string_view(in).substr(pos));
  if (r.status == ParseStatus::kIncomplete) return std::optional<Frame>();
  if (r.status != ParseStatus::kComplete) {
    return absl::DataLossError("unparsable reply: " + r.error);
  }
  pos += r.consumed;
  return std::optional<Frame>(std::move(r.frame));
}

}  // namespace

std::string encode_command(const std::vector<std::string>& args) {
  std::string s = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) {
    s += "$" + std::to_string(a.size()) + "\r\n";
    s += a;
    s += "\r\n";
  }
  return s;
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  auto until = Clock::now() + limit;
  for (;;) {
    if (done()) return true;
    if (Clock::now() >= until) return false;
    std::this_thread::sleep_for(5ms);
  }
}

uint64_t rss_bytes(pid_t pid) {
  std::string path = pid == 0 ? "/proc/self/statm" : "/proc/" + std::to_string(pid) + "/statm";
  std::ifstream f(path);
  uint64_t pages = 0, resident = 0;
  if (!(f >> pages >> resident)) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

std::string test_tmpdir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

std::string runfile(std::string_view path) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  std::string base = srcdir != nullptr ? srcdir : ".";
  return base + "/corio/" + std::string(path);
}

bool port_closed(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int r = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  int err = errno;
  ::close(fd);
  return r != 0 && err == ECONNREFUSED;
}

// ---- InProcessServer ----

InProcessServer::InProcessServer(ServerConfig config, size_t workers) {
  config.port = 0;
  thread_ = std::thread([this, config = std::move(config), workers]() mutable {
    Runtime rt = Builder::multi_thread()
                     .worker_threads(workers)
                     .thread_name("e2e-server")
                     .enable_all()
                     .build();
    // The Server reads the runtime's clock when it is built: build it inside.
    absl::Status bound = rt.block_on(co_invoke([&]() -> Task<absl::Status> {
      server_ = std::make_unique<Server>(std::move(config));
      co_return server_->bind();
    }));
    {
      std::lock_guard<std::mutex> lock(mu_);
      port_ = server_->port();
      started_ = true;
      if (!bound.ok()) {
        finished_ = true;
        status_ = bound;
      }
    }
    cv_.notify_all();
    if (!bound.ok()) return;
    absl::Status s = rt.block_on(server_->run());
    size_t left = server_->client_count();
    // Cancels whatever connection tasks remain while the Server is still alive (their
    // destructors unregister from it); the Server itself is destroyed by ~InProcessServer.
    rt.shutdown();
    {
      std::lock_guard<std::mutex> lock(mu_);
      finished_ = true;
      status_ = s;
      clients_at_stop_ = left;
    }
    cv_.notify_all();
  });
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return started_; });
  if (finished_) {
    lock.unlock();
    thread_.join();
    throw std::runtime_error("InProcessServer: bind failed: " + status_.ToString());
  }
}

InProcessServer::~InProcessServer() {
  stop();
  server_.reset();
}

void InProcessServer::stop() {
  if (!thread_.joinable()) return;
  server_->request_shutdown();
  thread_.join();
}

bool InProcessServer::wait_stopped(std::chrono::milliseconds limit) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, limit, [&] { return finished_; });
}

absl::Status InProcessServer::run_status() {
  std::lock_guard<std::mutex> lock(mu_);
  return finished_ ? status_ : absl::FailedPreconditionError("still running");
}

size_t InProcessServer::clients_at_stop() {
  std::lock_guard<std::mutex> lock(mu_);
  return clients_at_stop_;
}

std::optional<std::string> InProcessServer::value_after_stop(std::string_view key) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!finished_) throw std::logic_error("value_after_stop: the server is running");
  }
  Shard& shard = server_->keyspace().shard(0, key);
  std::lock_guard<std::mutex> lock(shard.mu);
  const Entry* e = shard.peek(key);
  if (e == nullptr) return std::nullopt;
  return std::string(e->value());
}

// ---- RespClient ----

absl::StatusOr<RespClient> RespClient::connect(uint16_t port, ClientOptions options) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno_status("socket");
  if (options.receive_buffer > 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &options.receive_buffer, sizeof(int));
  }
  if (options.send_buffer > 0) {
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &options.send_buffer, sizeof(int));
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    absl::Status s = errno_status("connect");
    ::close(fd);
    return s;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return RespClient(fd, options.timeout);
}

absl::StatusOr<RespClient> RespClient::connect_unix(const std::string& path,
                                                   ClientOptions options) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno_status("socket");
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof(a.sun_path) - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    absl::Status s = errno_status("connect");
    ::close(fd);
    return s;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return RespClient(fd, options.timeout);
}

RespClient::RespClient(RespClient&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      timeout_(other.timeout_),
      in_(std::move(other.in_)),
      pos_(std::exchange(other.pos_, 0)) {}

RespClient& RespClient::operator=(RespClient&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    timeout_ = other.timeout_;
    in_ = std::move(other.in_);
    pos_ = std::exchange(other.pos_, 0);
  }
  return *this;
}

RespClient::~RespClient() { close(); }

void RespClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void RespClient::reset() {
  if (fd_ < 0) return;
  linger l{1, 0};
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close();
}

absl::StatusOr<size_t> RespClient::try_send(std::string_view bytes) {
  ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n >= 0) return static_cast<size_t>(n);
  if (errno == EAGAIN || errno == EWOULDBLOCK) return size_t{0};
  return errno_status("send");
}

absl::Status RespClient::send_raw(std::string_view bytes) {
  auto until = Clock::now() + timeout_;
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!wait_fd(fd_, POLLOUT, until)) {
        return absl::DeadlineExceededError("send: the server stopped reading");
      }
      continue;
    }
    return errno_status("send");
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> RespClient::fill(Clock::time_point until) {
  char buf[64 * 1024];
  for (;;) {
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      in_.append(buf, static_cast<size_t>(n));
      return static_cast<size_t>(n);
    }
    if (n == 0) return size_t{0};
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return errno_status("recv");
    if (!wait_fd(fd_, POLLIN, until)) {
      return absl::DeadlineExceededError("no reply in time (" + std::to_string(in_.size()) +
                                         " bytes buffered)");
    }
  }
}

absl::StatusOr<Frame> RespClient::read_reply() {
  auto until = Clock::now() + timeout_;
  for (;;) {
    auto parsed = parse_at(in_, pos_);
    if (!parsed.ok()) return parsed.status();
    if (parsed->has_value()) {
      if (pos_ == in_.size()) {
        in_.clear();
        pos_ = 0;
      } else if (pos_ > 64 * 1024 && pos_ > in_.size() / 2) {
        in_.erase(0, pos_);
        pos_ = 0;
      }
      return std::move(**parsed);
    }
    auto n = fill(until);
    if (!n.ok()) return n.status();
    if (*n == 0) {
      return absl::UnavailableError("connection closed by the server (" +
                                    std::to_string(in_.size() - pos_) +
                                    " bytes of a partial reply)");
    }
  }
}

absl::StatusOr<Frame> RespClient::command(const std::vector<std::string>& args) {
  if (absl::Status s = send(args); !s.ok()) return s;
  return read_reply();
}

absl::StatusOr<std::string> RespClient::read_until_eof() {
  auto until = Clock::now() + timeout_;
  for (;;) {
    auto n = fill(until);
    if (!n.ok() && !absl::IsUnavailable(n.status())) return n.status();
    // EOF, or a reset after the server closed with our bytes unread: closed either way.
    if (!n.ok() || *n == 0) {
      std::string rest = in_.substr(pos_);
      in_.clear();
      pos_ = 0;
      return rest;
    }
  }
}

bool RespClient::wait_closed(std::chrono::milliseconds limit) {
  auto until = Clock::now() + limit;
  for (;;) {
    in_.clear();
    pos_ = 0;
    auto n = fill(until);
    if (!n.ok()) return absl::IsUnavailable(n.status());
    if (*n == 0) return true;
  }
}

bool RespClient::wait_peer_closed(std::chrono::milliseconds limit) {
  auto until = Clock::now() + limit;
  for (;;) {
    pollfd p{fd_, POLLRDHUP, 0};
    int r = ::poll(&p, 1, remaining_ms(until));
    if (r > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) return true;
    if (r == 0) return false;
    if (r < 0 && errno != EINTR) return false;
  }
}

absl::StatusOr<Frame> query(uint16_t port, const std::vector<std::string>& args) {
  auto c = RespClient::connect(port);
  if (!c.ok()) return c.status();
  return c->command(args);
}

absl::StatusOr<int64_t> info_field(RespClient& client, std::string_view field) {
  auto r = client.command({"INFO", "everything"});
  if (!r.ok()) return r.status();
  std::string text;
  if (r->kind() == Frame::Kind::kBulk) {
    text = r->str();
  } else if (r->kind() == Frame::Kind::kVerbatim) {
    text = std::string(r->verbatim_text());
  } else {
    return absl::DataLossError("INFO replied " + r->to_string());
  }
  std::string key = std::string(field) + ":";
  size_t at = 0;
  while ((at = text.find(key, at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') {
      return std::strtoll(text.c_str() + at + key.size(), nullptr, 10);
    }
    at += key.size();
  }
  return absl::NotFoundError("no INFO field " + std::string(field));
}

// ---- AsyncRespClient ----

Task<absl::StatusOr<AsyncRespClient>> AsyncRespClient::connect(uint16_t port) {
  auto connecting = net::TcpStream::connect("127.0.0.1:" + std::to_string(port));
  auto stream = co_await connecting;
  if (!stream.ok()) co_return stream.status();
  co_return AsyncRespClient(*std::move(stream));
}

Task<absl::Status> AsyncRespClient::send_raw(std::string bytes) {
  auto writing = stream_.write_all(bytes);
  co_return co_await writing;
}

Task<absl::Status> AsyncRespClient::send(const std::vector<std::string>& args) {
  std::string bytes = encode_command(args);
  auto writing = stream_.write_all(bytes);
  co_return co_await writing;
}

Task<absl::StatusOr<std::vector<Frame>>> AsyncRespClient::read_replies(size_t n) {
  std::vector<Frame> frames;
  while (frames.size() < n) {
    if (!in_.empty()) {
      FrameParser::Result r = ParseFrame(in_.readable_view());
      if (r.status == ParseStatus::kComplete) {
        in_.consume(r.consumed);
        frames.push_back(std::move(r.frame));
        continue;
      }
      if (r.status != ParseStatus::kIncomplete) {
        co_return absl::DataLossError("unparsable reply: " + r.error);
      }
    }
    auto reading = stream_.read_buf(in_, 64 * 1024);
    auto got = co_await reading;
    if (!got.ok()) co_return got.status();
    if (*got == 0) co_return absl::UnavailableError("connection closed by the server");
  }
  co_return frames;
}

Task<absl::StatusOr<Frame>> AsyncRespClient::read_reply() {
  auto reading = read_replies(1);
  auto frames = co_await reading;
  if (!frames.ok()) co_return frames.status();
  co_return std::move(frames->front());
}

Task<absl::StatusOr<Frame>> AsyncRespClient::command(std::vector<std::string> args) {
  auto sending = send(args);
  absl::Status s = co_await sending;
  if (!s.ok()) co_return s;
  auto reading = read_reply();
  co_return co_await reading;
}

// ---- Processes ----

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input,
                          std::chrono::milliseconds limit) {
  ProcessResult result;
  std::string dir = test_tmpdir();
  std::string in_path = unique_path(dir, "stdin");
  std::string out_path = unique_path(dir, "stdout");
  std::string err_path = unique_path(dir, "stderr");
  {
    std::ofstream f(in_path, std::ios::binary);
    f << input;
  }
  auto pid = spawn(argv, in_path, out_path, err_path);
  if (!pid.ok()) {
    result.err = pid.status().ToString();
    return result;
  }
  std::optional<int> status = wait_pid(*pid, limit);
  if (!status) {
    result.timed_out = true;
    ::kill(*pid, SIGKILL);
    status = wait_pid(*pid, 10s);
  }
  if (status) fill_result(*status, result);
  if (result.timed_out) result.exit_code = -1;
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  std::remove(in_path.c_str());
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return result;
}

absl::StatusOr<ServerProcess> ServerProcess::start_ours(std::vector<std::string> args) {
  ServerProcess p;
  p.out_path_ = unique_path(test_tmpdir(), "corio-server.out");
  std::vector<std::string> argv = {runfile("redis/server"), "--port=0"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto pid = spawn(argv, "", p.out_path_, p.out_path_ + ".err");
  if (!pid.ok()) return pid.status();
  p.pid_ = *pid;
  // "corio-redis ready on 127.0.0.1:PORT, ..." (sanitizer builds start slowly).
  auto until = Clock::now() + 30s;
  for (;;) {
    std::string out = read_file(p.out_path_);
    size_t at = out.find("ready on ");
    size_t comma = at == std::string::npos ? std::string::npos : out.find(',', at);
    if (comma != std::string::npos) {
      size_t colon = out.rfind(':', comma);
      p.port_ = static_cast<uint16_t>(std::atoi(out.c_str() + colon + 1));
      return p;
    }
    if (auto st = wait_pid(p.pid_, 0ms)) {
      p.reaped_ = true;
      return absl::UnavailableError("the server exited before it was ready: " + p.output());
    }
    if (Clock::now() >= until) {
      return absl::DeadlineExceededError("the server did not get ready: " + p.output());
    }
    std::this_thread::sleep_for(10ms);
  }
}

absl::StatusOr<ServerProcess> ServerProcess::start_reference(std::vector<std::string> args) {
  ServerProcess p;
  std::string dir = test_tmpdir();
  p.out_path_ = unique_path(dir, "redis-server.out");
  // Unix socket paths are limited to 107 bytes; Bazel's tmpdir can be longer.
  p.socket_ = unique_path("/tmp", "corio-e2e-redis") + ".sock";
  std::vector<std::string> argv = {"/usr/bin/redis-server", "--port", "0", "--unixsocket",
                                   p.socket_, "--save", "", "--appendonly", "no",
                                   "--dir", dir, "--daemonize", "no"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto pid = spawn(argv, "", p.out_path_, p.out_path_ + ".err");
  if (!pid.ok()) return pid.status();
  p.pid_ = *pid;
  auto until = Clock::now() + 20s;
  for (;;) {
    if (RespClient::connect_unix(p.socket_).ok()) return p;
    if (wait_pid(p.pid_, 0ms)) {
      p.reaped_ = true;
      return absl::UnavailableError("redis-server exited: " + p.output());
    }
    if (Clock::now() >= until) {
      return absl::DeadlineExceededError("redis-server did not get ready: " + p.output());
    }
    std::this_thread::sleep_for(10ms);
  }
}

absl::StatusOr<ServerProcess> ServerProcess::start_reference_tcp(uint16_t port,
                                                                 std::vector<std::string> args) {
  ServerProcess p;
  std::string dir = test_tmpdir();
  p.out_path_ = unique_path(dir, "redis-server.out");
  p.port_ = port != 0 ? port : unused_port();
  std::vector<std::string> argv = {"/usr/bin/redis-server", "--bind", "127.0.0.1", "--port",
                                   std::to_string(p.port_), "--save", "", "--appendonly", "no",
                                   "--dir", dir, "--daemonize", "no"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto pid = spawn(argv, "", p.out_path_, p.out_path_ + ".err");
  if (!pid.ok()) return pid.status();
  p.pid_ = *pid;
  auto until = Clock::now() + 20s;
  for (;;) {
    if (RespClient::connect(p.port_).ok()) return p;
    if (wait_pid(p.pid_, 0ms)) {
      p.reaped_ = true;
      return absl::UnavailableError("redis-server exited: " + p.output());
    }
    if (Clock::now() >= until) {
      return absl::DeadlineExceededError("redis-server did not get ready: " + p.output());
    }
    std::this_thread::sleep_for(10ms);
  }
}

uint16_t unused_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof(a);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

ServerProcess::ServerProcess(ServerProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      reaped_(other.reaped_),
      port_(other.port_),
      socket_(std::move(other.socket_)),
      out_path_(std::move(other.out_path_)) {}

ServerProcess::~ServerProcess() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    (void)wait_pid(pid_, 10s);
  }
  if (!socket_.empty()) std::remove(socket_.c_str());
}

void ServerProcess::signal(int sig) {
  if (pid_ > 0 && !reaped_) ::kill(pid_, sig);
}

std::optional<ProcessResult> ServerProcess::wait(std::chrono::milliseconds limit) {
  if (pid_ <= 0 || reaped_) return std::nullopt;
  std::optional<int> status = wait_pid(pid_, limit);
  if (!status) return std::nullopt;
  reaped_ = true;
  ProcessResult r;
  fill_result(*status, r);
  r.out = read_file(out_path_);
  r.err = read_file(out_path_ + ".err");
  return r;
}

std::string ServerProcess::output() const {
  return read_file(out_path_) + read_file(out_path_ + ".err");
}

}  // namespace corio::redis::e2e

#include "redis/connection.h"

#include <chrono>
#include <string>

#include "net/byte_buffer.h"
#include "net/net_error.h"
#include "redis/client_state.h"
#include "redis/commands/util.h"
#include "redis/command_table.h"
#include "redis/cycle_clock.h"
#include "redis/reply_writer.h"
#include "redis/resp_parser.h"
#include "redis/server.h"
#include "runtime/combinators.h"

namespace corio::redis {
namespace {

constexpr size_t kReadChunk = 16 * 1024;
// Output is written once it passes this size even in the middle of a batch, so a huge
// pipeline does not buffer all its replies.
constexpr size_t kFlushThreshold = 64 * 1024;

// A C string's view of `s`: Redis formats arguments with %s, which stops at a NUL byte.
std::string_view c_str_view(std::string_view s) {
  size_t nul = s.find('\0');
  return nul == std::string_view::npos ? s : s.substr(0, nul);
}

std::string unknown_command_error(const CommandArgs& args) {
  // Redis 7.0: each argument quoted, until 128 bytes of them.
  std::string quoted;
  for (size_t i = 1; i < args.size() && quoted.size() < 128; ++i) {
    size_t room = 128 - quoted.size();
    quoted += "'";
    quoted += c_str_view(args[i]).substr(0, room);
    quoted += "' ";
  }
  return "unknown command '" + std::string(c_str_view(args[0]).substr(0, 128)) +
         "', with args beginning with: " + quoted;
}

std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return u;
}

bool password_required(Server& server) {
  std::lock_guard<std::mutex> lock(server.config_mu());
  return !server.config().requirepass.empty();
}

}  // namespace

void discard_transaction(Server& server, ClientState& client) {
  client.in_multi = false;
  client.multi_error = false;
  client.queued.clear();
  if (!client.watched.empty()) server.keyspace().unwatch_all(client.dirty, client.watched);
  client.watched.clear();
  client.dirty->store(false);
}

void run_command(Server& server, ClientState& client, const CommandSpec& spec,
                 const CommandArgs& args, ReplyWriter& out) {
  CommandContext ctx{server, server.keyspace(), client, args, out};
  uint64_t errors_before = out.errors();
  uint64_t start = CycleClock::now();
  spec.handler(ctx);
  uint64_t ticks = CycleClock::now() - start;
  // Ordering: relaxed: statistics only.
  spec.stats->calls.fetch_add(1, std::memory_order_relaxed);
  spec.stats->ticks.fetch_add(ticks, std::memory_order_relaxed);
  // EXEC's own reply holds its commands' errors: they were counted as they ran.
  if (out.errors() != errors_before && spec.name != "exec") {
    spec.stats->failed_calls.fetch_add(1, std::memory_order_relaxed);
    server.record_error(out.last_error_code());
  }
  server.stats().commands_processed.fetch_add(1, std::memory_order_relaxed);
}

// The checks of Redis 7.0's processCommand, in its order: existence, arity, NOAUTH,
// commands refused inside MULTI, the RESP2 subscribed context; then MULTI queues the
// command or it runs. A refused command flags an open transaction (EXEC will answer
// EXECABORT); a refused EXEC discards the transaction at once and says why.
void execute_command(Server& server, ClientState& client, const CommandArgs& args,
                     ReplyWriter& out) {
  // Redis closes connections that look like HTTP requests (cross-protocol attacks).
  if (iequals(args[0], "host:") || iequals(args[0], "post")) {
    client.close_after_reply = true;
    return;
  }
  const CommandTable& table = CommandTable::instance();
  const CommandSpec* spec = table.lookup(args.args());
  client.last_command = spec != nullptr ? spec->name : std::string_view("NULL");
  bool is_exec = spec != nullptr && spec->name == "exec";
  // `code`: the error code when it is not ERR (Redis's shared errors such as NOAUTH).
  auto reject = [&](std::string_view text, std::string_view code = {}) {
    if (client.in_multi) client.multi_error = true;
    if (spec != nullptr && spec->stats != nullptr) {
      spec->stats->rejected_calls.fetch_add(1, std::memory_order_relaxed);
    }
    std::string msg(text);
    if (!code.empty()) msg = std::string(code) + " " + msg;
    if (is_exec) {
      discard_transaction(server, client);
      out.error("EXECABORT Transaction discarded because of: " + msg);
    } else {
      out.error(code.empty() ? "ERR " + msg : msg);
    }
    server.record_error(out.last_error_code());
  };
  if (spec == nullptr || spec->handler == nullptr) {
    const CommandSpec* container = table.find(args[0]);
    if (container != nullptr && !container->subcommands.empty() && args.size() > 1) {
      reject("unknown subcommand '" + std::string(c_str_view(args[1]).substr(0, 128)) +
             "'. Try " + upper(c_str_view(args[0])) + " HELP.");
    } else if (spec != nullptr) {
      reject("wrong number of arguments for '" + std::string(spec->name) + "' command");
    } else {
      reject(unknown_command_error(args));
    }
    return;
  }
  int argc = static_cast<int>(args.size());
  if ((spec->arity > 0 && argc != spec->arity) || (spec->arity < 0 && argc < -spec->arity)) {
    reject("wrong number of arguments for '" + std::string(spec->name) + "' command");
    return;
  }
  if (!client.authenticated && (spec->flags & kNoAuth) == 0 && password_required(server)) {
    reject("Authentication required.", "NOAUTH");
    return;
  }
  if (client.in_multi && (spec->flags & kNoMulti) != 0) {
    reject("Command not allowed inside a transaction");
    return;
  }
  if (client.protocol == 2 && client.subscriptions() > 0 && (spec->flags & kSubscribed) == 0) {
    reject("Can't execute '" + std::string(spec->name) +
           "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in "
           "this context");
    return;
  }
  if (client.in_multi && (spec->flags & kNotQueued) == 0) {
    client.queued.push_back({spec, std::vector<std::string>(args.begin(), args.end())});
    out.simple("QUEUED");
    return;
  }
  run_command(server, client, *spec, args, out);
}

namespace {

// The next command in `rest`, when it is a whole RESP array of bulk strings
// ("*N\r\n$L\r\nNAME\r\n$K\r\nKEY\r\n..."): its first argument after the name (empty if
// it has none) and its length in bytes. `length` 0: not whole, or not of that shape. Only
// a hint for prefetching: nothing is validated beyond staying inside `rest`.
struct PeekedCommand {
  std::string_view key;
  size_t length = 0;
};

PeekedCommand peek_command(std::string_view rest) {
  // Long argument lists are not worth walking for a hint.
  constexpr int64_t kMaxPeekedArguments = 64;
  size_t pos = 0;
  auto read_header = [&](char type) -> int64_t {
    if (pos >= rest.size() || rest[pos] != type) return -1;
    int64_t n = 0;
    size_t i = pos + 1;
    for (; i < rest.size() && rest[i] >= '0' && rest[i] <= '9' && n < (int64_t{1} << 40); ++i) {
      n = n * 10 + (rest[i] - '0');
    }
    if (i + 1 >= rest.size() || rest[i] != '\r') return -1;
    pos = i + 2;
    return n;
  };
  int64_t count = read_header('*');
  if (count < 1 || count > kMaxPeekedArguments) return {};
  PeekedCommand peeked;
  for (int64_t arg = 0; arg < count; ++arg) {
    int64_t len = read_header('$');
    if (len < 0 || pos + static_cast<size_t>(len) + 2 > rest.size()) return {};
    if (arg == 1) peeked.key = rest.substr(pos, static_cast<size_t>(len));
    pos += static_cast<size_t>(len) + 2;
  }
  peeked.length = pos;
  return peeked;
}

// Look-ahead over a pipelined batch for Keyspace::prefetch_slots and prefetch_entry: the
// hash-table group of the command two ahead, and the entry of the command one ahead, whose
// group was requested one step earlier. Each command is peeked once: the one found two
// ahead is the next one at the following step. A key that the command before it uses too
// is in cache already, and not worth a try_lock of its shard.
class Lookahead {
 public:
  explicit Lookahead(Keyspace& ks) : ks_(ks) {}

  // Before the batch's first command: the groups of the first two.
  void start(int db, std::string_view input) {
    PeekedCommand first = peek_command(input);
    if (first.length == 0) return;
    if (!first.key.empty()) ks_.prefetch_slots(db, first.key);
    remember(input.substr(first.length), peek_command(input.substr(first.length)));
    if (!cached_.key.empty() && cached_.key != first.key) ks_.prefetch_slots(db, cached_.key);
  }

  // After the current command (whose key is `current_key`, empty if none) was parsed;
  // `rest` is the input after it.
  void step(int db, std::string_view current_key, std::string_view rest) {
    PeekedCommand next = take_cached(rest);
    if (next.length == 0) return;
    std::string_view after_rest = rest.substr(next.length);
    PeekedCommand after = peek_command(after_rest);
    remember(after_rest, after);
    if (!after.key.empty() && after.key != next.key) ks_.prefetch_slots(db, after.key);
    if (!next.key.empty() && next.key != current_key) ks_.prefetch_entry(db, next.key);
  }

 private:
  void remember(std::string_view at, PeekedCommand peeked) {
    cached_at_ = at.data();
    cached_ = peeked;
  }
  // The command at the start of `rest`: the cached peek if it was taken there.
  PeekedCommand take_cached(std::string_view rest) {
    if (cached_at_ == rest.data() && cached_.length <= rest.size()) return cached_;
    return peek_command(rest);
  }

  Keyspace& ks_;
  const char* cached_at_ = nullptr;
  PeekedCommand cached_;
};

// Per-worker buffers: a batch is read, parsed, executed and its replies written without
// an await in between, so the buffers of the worker running it can be borrowed for it.
// Only what must outlive an await (a partial command, replies the socket did not take)
// is copied into the connection's own buffers, so idle connections hold none.
thread_local net::ByteBuffer tl_input;
thread_local net::ByteBuffer tl_output;

class Connection {
 public:
  Connection(Server& server, net::TcpStream stream, net::SocketAddr peer)
      : server_(server), stream_(std::move(stream)), parser_(server.config().limits) {
    client_.id = server.next_client_id();
    client_.addr = peer.to_string();
    if (auto local = stream_.local_addr(); local.ok()) client_.laddr = local->to_string();
    client_.fd = stream_.fd();
    client_.created_ms = server.now_ms();
    client_.last_interaction_ms = client_.created_ms;
    // As Redis: a client is authenticated from the start when no password is set.
    client_.authenticated = !password_required(server);
    server.add_client(&client_);
  }
  ~Connection() {
    server_.unsubscribe_all(&client_);
    if (!client_.watched.empty()) server_.keyspace().unwatch_all(client_.dirty, client_.watched);
    server_.remove_client(&client_);
  }

  Task<void> run();

 private:
  enum class Outcome { kContinue, kClose };
  // Parses and executes every complete command in `in` (consuming them), replies into
  // `out`. Stops early once `out` is large, so a huge pipeline is answered in pieces.
  Outcome process_input(net::ByteBuffer& in, net::ByteBuffer& out);
  // Moves pending pub/sub messages into `out`. false: the inbox overflowed.
  bool drain_inbox(net::ByteBuffer& out);
  // Writes what the socket takes now from tl_output; the rest moves to out_ (written by
  // run() with an await). false: the connection failed.
  bool write_now();
  // Writes out_ (what the socket did not take), watching the inbox meanwhile. false: the
  // write failed, or the client was killed / overflowed its pub/sub limit.
  Task<bool> write_backlog();
  bool must_stop() const {
    return client_.killed.load(std::memory_order_acquire) || server_.shutting_down();
  }

  Server& server_;
  net::TcpStream stream_;
  ClientState client_;
  net::ByteBuffer in_;   // a partial command carried across awaits
  net::ByteBuffer out_;  // replies the socket did not take yet
  RequestParser parser_;
  CommandArgs args_;
};

Connection::Outcome Connection::process_input(net::ByteBuffer& in, net::ByteBuffer& out) {
  NowCache clock(server_.keyspace());  // one clock reading per batch
  ReplyWriter writer(out, client_.protocol);
  uint64_t executed = 0;
  Outcome outcome = Outcome::kContinue;
  Lookahead lookahead(server_.keyspace());
  lookahead.start(client_.db, in.readable_view());
  for (;;) {
    bool auth_required = !client_.authenticated && password_required(server_);
    ParseResult r = parser_.parse(in.readable_view(), args_, auth_required);
    if (r.status == ParseStatus::kIncomplete) break;
    if (r.status == ParseStatus::kQueryBufferFull) {
      outcome = Outcome::kClose;
      break;
    }
    if (r.status == ParseStatus::kError) {
      writer.error("ERR Protocol error: " + r.error);
      outcome = Outcome::kClose;
      break;
    }
    if (!args_.empty()) {
      // Start loading what the next commands will look up while this one runs.
      lookahead.step(client_.db, args_.size() > 1 ? args_[1] : "",
                     in.readable_view().substr(r.consumed));
      execute_command(server_, client_, args_, writer);
      writer.set_protocol(client_.protocol);  // HELLO may have switched it
      ++executed;
    }
    in.consume(r.consumed);
    if (client_.close_after_reply || client_.killed.load(std::memory_order_acquire)) {
      outcome = Outcome::kClose;
      break;
    }
    if (out.size() >= kFlushThreshold) break;
  }
  if (executed > 0) client_.last_interaction_ms = server_.now_ms();
  return outcome;
}

bool Connection::drain_inbox(net::ByteBuffer& out) {
  Inbox& inbox = *client_.inbox;
  std::lock_guard<std::mutex> lock(inbox.mu);
  if (inbox.overflowed) return false;
  for (auto& m : inbox.messages) out.append(client_.protocol == 3 ? m->resp3 : m->resp2);
  inbox.messages.clear();
  inbox.bytes = 0;
  return true;
}

bool Connection::write_now() {
  net::ByteBuffer& out = tl_output;
  if (out.empty()) return true;
  if (out_.empty()) {
    auto n = stream_.try_write(out.readable());
    if (!n.ok() && net::errno_of(n.status()) != EAGAIN) {
      out.consume(out.size());
      return false;
    }
    size_t written = n.ok() ? *n : 0;
    server_.stats().net_output_bytes.fetch_add(written);
    out.consume(written);
  }
  if (!out.empty()) {  // the socket is full: keep the rest for an awaited write
    out_.append(out.readable_view());
    out.consume(out.size());
  }
  return true;
}

Task<void> Connection::run() {
  for (;;) {
    if (must_stop()) break;
    if (!drain_inbox(tl_output) || !write_now()) break;
    if (!out_.empty()) {
      bool ok = co_await write_backlog();
      if (!ok) co_return;
      continue;
    }
    if (!in_.empty()) {
      // Left from an earlier batch: complete commands (we stopped to write) or a partial
      // one. Run what is complete before reading: the client may be waiting for replies.
      size_t before = in_.size();
      Outcome o = process_input(in_, tl_output);
      if (o == Outcome::kClose) {
        (void)drain_inbox(tl_output);
        (void)write_now();
        break;
      }
      if (in_.size() != before) continue;
    }
    if (in_.empty()) {
      in_.release();  // idle: hold no input buffer
      auto readable = stream_.readable();
      auto message = client_.inbox->ready.notified();
      auto woke = co_await select(std::move(readable), std::move(message));
      if (woke.index() != 0) continue;  // a message, a kill or shutdown: loop re-checks
    }
    net::ByteBuffer& buf = in_.empty() ? tl_input : in_;
    auto n = stream_.try_read_buf(buf, kReadChunk);
    if (!n.ok()) {
      if (net::errno_of(n.status()) != EAGAIN) break;  // reset, etc.
      if (!in_.empty()) {
        // A partial command is buffered: wait for the rest.
        auto readable = stream_.readable();
        auto message = client_.inbox->ready.notified();
        (void)co_await select(std::move(readable), std::move(message));
      }
      continue;
    }
    if (*n == 0) break;  // the client closed
    server_.stats().net_input_bytes.fetch_add(*n);
    Outcome o = process_input(buf, tl_output);
    if (&buf == &tl_input && !tl_input.empty()) {
      // Keep the unprocessed rest (a partial command, or commands after an early stop).
      in_.append(tl_input.readable_view());
      tl_input.consume(tl_input.size());
    }
    if (o == Outcome::kClose) {
      (void)drain_inbox(tl_output);
      (void)write_now();
      break;
    }
  }
  // Graceful end: replies still pending go out before the close (unless killed).
  (void)write_now();
  if (!out_.empty()) (void)co_await write_backlog();
}

Task<bool> Connection::write_backlog() {
  while (!out_.empty()) {
    // The socket is full. Keep watching the inbox meanwhile: a client that never reads
    // would otherwise hold this task in the write forever, deaf to CLIENT KILL (which is
    // also how the server ends stragglers after the shutdown grace) and to its pub/sub
    // output passing the limit.
    auto writing = stream_.write(out_.readable());
    auto message = client_.inbox->ready.notified();
    auto woke = co_await select(std::move(writing), std::move(message));
    if (woke.index() == 1) {
      if (client_.killed.load(std::memory_order_acquire)) co_return false;
      std::lock_guard<std::mutex> lock(client_.inbox->mu);
      if (client_.inbox->overflowed) co_return false;
      continue;  // a message: it waits in the inbox until the backlog is written
    }
    absl::StatusOr<size_t> n = std::get<0>(std::move(woke));
    if (!n.ok()) co_return false;
    server_.stats().net_output_bytes.fetch_add(*n);
    out_.consume(*n);
  }
  out_.release();
  co_return true;
}

}  // namespace

Task<void> serve_connection(Server& server, net::TcpStream stream, net::SocketAddr peer) {
  Connection conn(server, std::move(stream), peer);
  co_await conn.run();
}

}  // namespace corio::redis

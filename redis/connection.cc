#include "redis/connection.h"

#include <string>

#include "net/byte_buffer.h"
#include "net/net_error.h"
#include "redis/client_state.h"
#include "redis/command_table.h"
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

std::string unknown_command_error(const CommandArgs& args) {
  // Redis 7.0: each argument quoted, until 128 bytes of them.
  std::string quoted;
  for (size_t i = 1; i < args.size() && quoted.size() < 128; ++i) {
    size_t room = 128 - quoted.size();
    quoted += "'";
    quoted += args[i].substr(0, room);
    quoted += "' ";
  }
  return "ERR unknown command '" + std::string(args[0].substr(0, 128)) +
         "', with args beginning with: " + quoted;
}

bool allowed_when_subscribed(const CommandSpec& spec) { return (spec.flags & kSubscribed) != 0; }

std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return u;
}

}  // namespace

void execute_command(Server& server, ClientState& client, const CommandArgs& args,
                     ReplyWriter& out) {
  const CommandTable& table = CommandTable::instance();
  const CommandSpec* spec = table.find(args[0]);
  auto fail_queue = [&] {
    if (client.in_multi) client.multi_error = true;
  };
  if (spec == nullptr || spec->name.find('|') != std::string_view::npos) {
    fail_queue();
    out.error(unknown_command_error(args));
    return;
  }
  if (!spec->subcommands.empty() && !(args.size() == 1 && spec->handler != nullptr)) {
    if (args.size() < 2) {
      fail_queue();
      (void)CommandTable::check_arity(*spec, args.size(), out);
      return;
    }
    const CommandSpec* sub = table.find_sub(*spec, args[1]);
    if (sub == nullptr) {
      fail_queue();
      out.error("ERR unknown subcommand '" + std::string(args[1].substr(0, 128)) + "'. Try " +
                upper(spec->name) + " HELP.");
      return;
    }
    spec = sub;
  }
  if (!CommandTable::check_arity(*spec, args.size(), out)) {
    fail_queue();
    return;
  }
  if (!client.authenticated && (spec->flags & kNoAuth) == 0) {
    bool need_auth;
    {
      std::lock_guard<std::mutex> lock(server.config_mu());
      need_auth = !server.config().requirepass.empty();
    }
    if (need_auth) {
      fail_queue();
      out.error("NOAUTH Authentication required.");
      return;
    }
    client.authenticated = true;  // no password configured
  }
  if (client.protocol == 2 && client.subscriptions() > 0 && !allowed_when_subscribed(*spec)) {
    out.error("ERR Can't execute '" + std::string(spec->name) +
              "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed "
              "in this context");
    return;
  }
  if (client.in_multi && (spec->flags & kNoMulti) == 0) {
    std::vector<std::string> copy(args.begin(), args.end());
    client.queued.push_back(std::move(copy));
    out.simple("QUEUED");
    return;
  }
  client.last_command = std::string(spec->name);
  CommandContext ctx{server, server.keyspace(), client, args, out};
  spec->handler(ctx);
  server.stats().commands_processed.fetch_add(1, std::memory_order_relaxed);
}

namespace {

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
    {
      std::lock_guard<std::mutex> lock(server.config_mu());
      client_.authenticated = server.config().requirepass.empty();
    }
    server.add_client(&client_);
  }
  ~Connection() {
    for (const auto& ch : std::vector<std::string>(client_.channels.begin(), client_.channels.end())) {
      server_.unsubscribe(&client_, ch);
    }
    for (const auto& p : std::vector<std::string>(client_.patterns.begin(), client_.patterns.end())) {
      server_.punsubscribe(&client_, p);
    }
    if (!client_.watched.empty()) server_.keyspace().unwatch_all(client_.dirty, client_.watched);
    server_.remove_client(&client_);
  }

  Task<void> run();

 private:
  // Parses and executes every complete command in `in_` (or as many as fill the output to
  // kFlushThreshold: then batch_pending_ is set). false: close the connection.
  bool process_input();
  // Moves pending pub/sub messages into the output. false: the inbox overflowed.
  bool drain_inbox();
  Task<bool> flush();

  Server& server_;
  net::TcpStream stream_;
  ClientState client_;
  net::ByteBuffer in_;
  net::ByteBuffer out_;
  RequestParser parser_;
  CommandArgs args_;
  // process_input stopped at kFlushThreshold: the rest of the batch may already be in
  // in_, and must be answered after the flush without waiting for more input.
  bool batch_pending_ = false;
};

bool Connection::process_input() {
  batch_pending_ = false;
  ReplyWriter writer(out_, client_.protocol);
  for (;;) {
    bool auth_required = !client_.authenticated;
    ParseResult r = parser_.parse(in_.readable_view(), args_, auth_required);
    if (r.status == ParseStatus::kIncomplete) return true;
    if (r.status == ParseStatus::kQueryBufferFull) return false;
    if (r.status == ParseStatus::kError) {
      writer.error("ERR Protocol error: " + r.error);
      return false;
    }
    if (!args_.empty()) {
      client_.last_interaction_ms = server_.now_ms();
      execute_command(server_, client_, args_, writer);
      writer.set_protocol(client_.protocol);  // HELLO may have switched it
    }
    in_.consume(r.consumed);
    if (client_.close_after_reply || client_.killed.load(std::memory_order_acquire)) {
      return false;
    }
    if (out_.size() >= kFlushThreshold) {
      batch_pending_ = true;
      return true;
    }
  }
}

bool Connection::drain_inbox() {
  Inbox& inbox = *client_.inbox;
  std::lock_guard<std::mutex> lock(inbox.mu);
  if (inbox.overflowed) return false;
  for (auto& m : inbox.messages) out_.append(client_.protocol == 3 ? m->resp3 : m->resp2);
  inbox.messages.clear();
  inbox.bytes = 0;
  return true;
}

// Writes all of out_, but keeps watching the inbox while the socket is full: a client that
// never reads would otherwise hold the task in the write forever, deaf to CLIENT KILL and
// to its pub/sub output passing the limit. false: the write failed, or the client must be
// dropped (what is left of out_ is then abandoned).
Task<bool> Connection::flush() {
  Inbox& inbox = *client_.inbox;
  while (!out_.empty()) {
    auto writing = stream_.write(out_.readable());
    auto message = inbox.ready.notified();
    auto woke = co_await select(std::move(writing), std::move(message));
    if (woke.index() == 1) {
      if (client_.killed.load(std::memory_order_acquire)) co_return false;
      std::lock_guard<std::mutex> lock(inbox.mu);
      if (inbox.overflowed) co_return false;
      continue;  // a message: it waits in the inbox until this write is done
    }
    absl::StatusOr<size_t> n = std::get<0>(std::move(woke));
    if (!n.ok()) co_return false;
    server_.stats().net_output_bytes.fetch_add(*n, std::memory_order_relaxed);
    out_.consume(*n);
  }
  if (out_.capacity() > kFlushThreshold * 2) out_.release();
  co_return true;
}

Task<void> Connection::run() {
  Server& server = server_;
  for (;;) {
    if (client_.killed.load(std::memory_order_acquire) || server.shutting_down()) break;
    if (!drain_inbox()) break;
    if (!out_.empty()) {
      bool ok = co_await flush();
      if (!ok) co_return;
    }
    if (!batch_pending_) {
      if (in_.empty()) {
        in_.release();  // idle: hold no input buffer
        auto readable = stream_.readable();
        auto message = client_.inbox->ready.notified();
        auto stop = server.shutdown_signal().notified();
        auto woke = co_await select(std::move(readable), std::move(message), std::move(stop));
        if (woke.index() != 0) continue;  // a message, a kill or shutdown: loop re-checks
      }
      auto n = stream_.try_read_buf(in_, kReadChunk);
      if (!n.ok()) {
        if (net::errno_of(n.status()) == EAGAIN) {
          if (in_.empty()) continue;  // stale readiness
          // A partial command is buffered: wait for the rest.
          auto readable = stream_.readable();
          auto message = client_.inbox->ready.notified();
          auto stop = server.shutdown_signal().notified();
          (void)co_await select(std::move(readable), std::move(message), std::move(stop));
          continue;
        }
        break;  // reset, etc.
      }
      if (*n == 0) break;  // the client closed
      server.stats().net_input_bytes.fetch_add(*n, std::memory_order_relaxed);
    }
    bool keep_open = process_input();
    if (!keep_open) {
      (void)drain_inbox();
      (void)co_await flush();
      break;
    }
  }
  // Graceful end: whatever replies are pending go out before the close (a killed client's
  // are dropped: it may be one that never reads).
  if (!out_.empty() && !client_.killed.load(std::memory_order_acquire)) {
    (void)co_await flush();
  }
}

}  // namespace

Task<void> serve_connection(Server& server, net::TcpStream stream, net::SocketAddr peer) {
  Connection conn(server, std::move(stream), peer);
  co_await conn.run();
}

}  // namespace corio::redis

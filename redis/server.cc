#include "redis/server.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "redis/connection.h"
#include "runtime/combinators.h"
#include "runtime/runtime.h"
#include "runtime/time/sleep.h"

namespace corio::redis {
namespace {

// Unix milliseconds read through the runtime's clock (so the paused test clock pauses
// expiry too): the wall clock at start plus the runtime clock's progress since.
// The sum is rounded down once, in nanoseconds: rounding the start and the progress
// separately could put the result a millisecond behind the wall clock (a client computing
// "now + 10 s" for PXAT would then read a PTTL above 10000).
std::function<int64_t()> runtime_unix_ms() {
  auto unix_at_start = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  time::Instant start = time::now();
  return [unix_at_start, start] {
    auto unix_now = unix_at_start + std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        time::now() - start);
    return std::chrono::duration_cast<std::chrono::milliseconds>(unix_now).count();
  };
}

std::string encode_message(int protocol, std::initializer_list<std::string_view> parts) {
  std::string s;
  s += protocol == 3 ? '>' : '*';
  s += std::to_string(parts.size());
  s += "\r\n";
  for (std::string_view p : parts) {
    s += '$';
    s += std::to_string(p.size());
    s += "\r\n";
    s.append(p);
    s += "\r\n";
  }
  return s;
}

}  // namespace

Server::Server(ServerConfig config)
    : config_(std::move(config)),
      keyspace_(runtime_unix_ms()),
      start_ms_(keyspace_.now_ms()),
      connection_permits_(std::make_shared<sync::Semaphore>(config_.maxclients)) {
  keyspace_.set_on_first_expiry([this] { expiry_notify_.notify_one(); });
}

Server::~Server() = default;

absl::Status Server::bind() {
  if (listener_ != nullptr) return absl::OkStatus();
  std::string addr = config_.bind + ":" + std::to_string(config_.port);
  if (config_.bind.find(':') != std::string::npos) {
    addr = "[" + config_.bind + "]:" + std::to_string(config_.port);
  }
  auto listener = net::TcpListener::bind(addr, 511);
  if (!listener.ok()) return listener.status();
  port_ = listener->local_addr()->port();
  listener_ = std::make_unique<net::TcpListener>(*std::move(listener));
  return absl::OkStatus();
}

Task<absl::Status> Server::run() {
  if (absl::Status s = bind(); !s.ok()) co_return s;
  auto accepting = spawn(accept_loop());
  auto purging = spawn(purge_loop());
  while (!shutting_down()) {
    auto stop = shutdown_notify_.notified();
    co_await stop;
  }
  accepting.abort();
  (void)co_await accepting;
  purging.abort();
  (void)co_await purging;
  // Connections finish the command in hand, flush and close; wait for them, bounded.
  auto deadline = time::now() + kShutdownGrace;
  while (live_connections_.load(std::memory_order_acquire) > 0 && time::now() < deadline) {
    auto drained = connections_drained_.notified();
    (void)co_await select(std::move(drained), time::sleep(std::chrono::milliseconds(50)));
  }
  // Stragglers (a client that does not read its replies holds its connection in a write)
  // are killed: a killed connection stops waiting on its socket and closes at once. So no
  // connection task outlives run(), and the Server may be destroyed when it returns.
  while (live_connections_.load(std::memory_order_acquire) > 0) {
    (void)kill_clients([](ClientState&) { return true; });  // also any registered since
    auto drained = connections_drained_.notified();
    (void)co_await select(std::move(drained), time::sleep(std::chrono::milliseconds(50)));
  }
  // The last connection decremented the count and notified under drain_mu_: once we hold
  // it, that connection is done touching this Server.
  { std::lock_guard<std::mutex> lock(drain_mu_); }
  listener_.reset();
  co_return absl::OkStatus();
}

void Server::request_shutdown() {
  shutting_down_.store(true, std::memory_order_release);
  shutdown_notify_.notify_one();  // the run() loop (a stored permit if it is not waiting)
  // Every connection waits on its own inbox: wake them to see the flag.
  std::vector<std::shared_ptr<Inbox>> inboxes;
  {
    std::lock_guard<std::mutex> lock(clients_mu_);
    for (ClientState* c : clients_) inboxes.push_back(c->inbox);
  }
  for (auto& inbox : inboxes) inbox->ready.notify_one();
}

Task<void> Server::accept_loop() {
  for (;;) {
    auto conn = co_await listener_->accept_with_backoff();
    if (!conn.ok()) continue;
    stats_.connections_received.fetch_add(1, std::memory_order_relaxed);
    auto permit = sync::Semaphore::try_acquire_owned(connection_permits_);
    if (!permit.ok()) {
      stats_.rejected_connections.fetch_add(1, std::memory_order_relaxed);
      spawn(co_invoke([stream = std::move(conn->stream)]() mutable -> Task<void> {
        auto writing = stream.write_all("-ERR max number of clients reached\r\n");
        (void)co_await writing;
      }));
      continue;
    }
    live_connections_.fetch_add(1, std::memory_order_acq_rel);
    spawn(co_invoke([this, stream = std::move(conn->stream), peer = conn->peer,
                     permit = *std::move(permit)]() mutable -> Task<void> {
      auto serving = serve_connection(*this, std::move(stream), peer);
      co_await serving;
      { auto released = std::move(permit); }  // the client's slot is free again
      std::lock_guard<std::mutex> lock(drain_mu_);  // see the end of run()
      if (live_connections_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        connections_drained_.notify_one();
      }
    }));
  }
}

void Server::set_maxclients(size_t n) {
  size_t old = config_.maxclients;
  config_.maxclients = n;
  if (n > old) {
    connection_permits_->add_permits(n - old);
    return;
  }
  // Lower: take the difference out of circulation as permits come back (forgotten, so
  // they never return).
  auto take = sync::Semaphore::acquire_owned(connection_permits_, old - n);
  spawn(co_invoke([take = std::move(take)]() mutable -> Task<void> {
    auto permit = co_await take;
    if (permit.ok()) permit->forget();
  }));
}

Task<void> Server::purge_loop() {
  for (;;) {
    if (keyspace_.expiring_total() == 0) {
      auto first = expiry_notify_.notified();
      co_await first;  // woken when the first expiring key appears
      continue;
    }
    // Redis's default hz 10: one active-expiry cycle every 100 ms.
    co_await time::sleep(std::chrono::milliseconds(100));
    keyspace_.purge_expired();
  }
}

void Server::record_error(std::string_view code) {
  stats_.error_replies.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(errors_mu_);
  // Redis stops adding new codes past 128 distinct ones (a flood of made-up codes).
  auto it = error_counts_.find(std::string(code));
  if (it != error_counts_.end()) {
    ++it->second;
  } else if (error_counts_.size() < 128) {
    error_counts_.emplace(std::string(code), 1);
  }
}

std::vector<std::pair<std::string, uint64_t>> Server::error_counts() {
  std::lock_guard<std::mutex> lock(errors_mu_);
  std::vector<std::pair<std::string, uint64_t>> out(error_counts_.begin(), error_counts_.end());
  std::sort(out.begin(), out.end());
  return out;
}

void Server::reset_error_counts() {
  std::lock_guard<std::mutex> lock(errors_mu_);
  error_counts_.clear();
}

void Server::add_client(ClientState* c) {
  std::lock_guard<std::mutex> lock(clients_mu_);
  clients_.push_back(c);
}

void Server::remove_client(ClientState* c) {
  std::lock_guard<std::mutex> lock(clients_mu_);
  // Keeps the order of connection (CLIENT LIST lists clients oldest first, as Redis).
  auto it = std::find(clients_.begin(), clients_.end(), c);
  if (it != clients_.end()) clients_.erase(it);
}

size_t Server::client_count() {
  std::lock_guard<std::mutex> lock(clients_mu_);
  return clients_.size();
}

void Server::subscribe(ClientState* c, const std::string& channel) {
  std::lock_guard<std::mutex> lock(pubsub_mu_);
  if (!c->channels.insert(channel).second) return;
  channels_[channel].push_back(c);
}

void Server::unsubscribe(ClientState* c, const std::string& channel) {
  std::lock_guard<std::mutex> lock(pubsub_mu_);
  if (c->channels.erase(channel) == 0) return;
  auto it = channels_.find(channel);
  if (it == channels_.end()) return;
  auto& v = it->second;
  v.erase(std::remove(v.begin(), v.end(), c), v.end());
  if (v.empty()) channels_.erase(it);
}

void Server::psubscribe(ClientState* c, const std::string& pattern) {
  std::lock_guard<std::mutex> lock(pubsub_mu_);
  if (!c->patterns.insert(pattern).second) return;
  patterns_.emplace_back(pattern, c);
}

void Server::punsubscribe(ClientState* c, const std::string& pattern) {
  std::lock_guard<std::mutex> lock(pubsub_mu_);
  if (c->patterns.erase(pattern) == 0) return;
  patterns_.erase(std::remove_if(patterns_.begin(), patterns_.end(),
                                 [&](auto& p) { return p.second == c && p.first == pattern; }),
                  patterns_.end());
}

void Server::unsubscribe_all(ClientState* c) {
  for (const auto& ch : std::vector<std::string>(c->channels.begin(), c->channels.end())) {
    unsubscribe(c, ch);
  }
  for (const auto& p : std::vector<std::string>(c->patterns.begin(), c->patterns.end())) {
    punsubscribe(c, p);
  }
}

size_t Server::publish(std::string_view channel, std::string_view message) {
  size_t limit = config_.pubsub_output_limit;
  auto deliver = [&](ClientState* c, const std::shared_ptr<const PubMessage>& m) {
    Inbox& inbox = *c->inbox;
    {
      std::lock_guard<std::mutex> lock(inbox.mu);
      if (inbox.overflowed) return;
      inbox.bytes += m->resp2.size();
      if (inbox.bytes > limit) {
        inbox.overflowed = true;  // the connection closes when it sees this
        inbox.messages.clear();
      } else {
        inbox.messages.push_back(m);
      }
    }
    inbox.ready.notify_one();
  };
  size_t receivers = 0;
  std::lock_guard<std::mutex> lock(pubsub_mu_);
  if (auto it = channels_.find(channel); it != channels_.end()) {
    auto m = std::make_shared<PubMessage>();
    m->resp2 = encode_message(2, {"message", channel, message});
    m->resp3 = encode_message(3, {"message", channel, message});
    for (ClientState* c : it->second) deliver(c, m);
    receivers += it->second.size();
  }
  for (auto& [pattern, c] : patterns_) {
    if (!glob_match(pattern, channel)) continue;
    auto m = std::make_shared<PubMessage>();
    m->resp2 = encode_message(2, {"pmessage", pattern, channel, message});
    m->resp3 = encode_message(3, {"pmessage", pattern, channel, message});
    deliver(c, m);
    ++receivers;
  }
  stats_.pubsub_messages.fetch_add(1, std::memory_order_relaxed);
  return receivers;
}

std::vector<std::string> Server::pubsub_channels(std::optional<std::string_view> pattern) {
  std::lock_guard<std::mutex> lock(pubsub_mu_);
  std::vector<std::string> out;
  for (auto& [name, subs] : channels_) {
    if (!pattern || glob_match(*pattern, name)) out.push_back(name);
  }
  return out;
}

size_t Server::pubsub_numsub(std::string_view channel) {
  std::lock_guard<std::mutex> lock(pubsub_mu_);
  auto it = channels_.find(channel);
  return it == channels_.end() ? 0 : it->second.size();
}

size_t Server::pubsub_numpat() {
  std::lock_guard<std::mutex> lock(pubsub_mu_);
  absl::flat_hash_set<std::string> distinct;
  for (auto& [p, c] : patterns_) distinct.insert(p);
  return distinct.size();
}

namespace {

// Redis 7.0's stringmatchlen, rule for rule (its quirks are observable through KEYS, SCAN,
// PSUBSCRIBE and CONFIG GET):
//  - matching stops when either side runs out, so an empty string matches only an empty
//    pattern (callers special-case a lone "*" as "everything");
//  - past the end the pattern reads as NUL bytes, as the C string it is in Redis;
//  - in a class, "x-y" is a range even when y is the closing bracket ("[a-]" is the range
//    a..]), an unterminated class ends with the pattern, "\\x" matches x exactly;
//  - `skip_longer` prunes retries after a failed '*' (an optimisation that keeps the
//    matching polynomial; it does not change the answer).
bool glob_match_impl(std::string_view p, std::string_view s, bool nocase, bool& skip_longer) {
  size_t pi = 0, si = 0;
  auto pat = [&](size_t i) { return i < p.size() ? p[i] : '\0'; };
  auto low = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  size_t plen = p.size(), slen = s.size();  // remaining lengths, as in Redis
  while (plen > 0 && slen > 0) {
    switch (pat(pi)) {
      case '*': {
        while (plen > 0 && pat(pi + 1) == '*') {
          ++pi;
          --plen;
        }
        if (plen == 1) return true;
        while (slen > 0) {
          if (glob_match_impl(p.substr(pi + 1, plen - 1), s.substr(si, slen), nocase,
                              skip_longer)) {
            return true;
          }
          if (skip_longer) return false;
          ++si;
          --slen;
        }
        skip_longer = true;
        return false;
      }
      case '?':
        ++si;
        --slen;
        break;
      case '[': {
        ++pi;
        --plen;
        bool negate = pat(pi) == '^';
        if (negate) {
          ++pi;
          --plen;
        }
        bool match = false;
        char c = s[si];
        for (;;) {
          if (pat(pi) == '\\' && plen >= 2) {
            ++pi;
            --plen;
            if (pat(pi) == c) match = true;
          } else if (pat(pi) == ']') {
            break;
          } else if (plen == 0) {
            --pi;
            ++plen;
            break;
          } else if (plen >= 3 && pat(pi + 1) == '-') {
            char start = pat(pi), end = pat(pi + 2), x = c;
            if (start > end) std::swap(start, end);
            if (nocase) {
              start = low(start);
              end = low(end);
              x = low(x);
            }
            pi += 2;
            plen -= 2;
            if (x >= start && x <= end) match = true;
          } else if (nocase ? low(pat(pi)) == low(c) : pat(pi) == c) {
            match = true;
          }
          ++pi;
          --plen;
        }
        if (negate) match = !match;
        if (!match) return false;
        ++si;
        --slen;
        break;
      }
      case '\\':
        if (plen >= 2) {
          ++pi;
          --plen;
        }
        [[fallthrough]];
      default:
        if (nocase ? low(pat(pi)) != low(s[si]) : pat(pi) != s[si]) return false;
        ++si;
        --slen;
        break;
    }
    ++pi;
    --plen;
    if (slen == 0) {
      while (pat(pi) == '*') {
        ++pi;
        --plen;
      }
      break;
    }
  }
  return plen == 0 && slen == 0;
}

}  // namespace

bool glob_match(std::string_view p, std::string_view s, bool nocase) {
  bool skip_longer = false;
  return glob_match_impl(p, s, nocase, skip_longer);
}

}  // namespace corio::redis

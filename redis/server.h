// Server: the Redis-compatible server. Owns the keyspace, the client registry, pub/sub,
// configuration and statistics; accepts connections and runs one task per connection
// (connection.cc).
//
//   Server server(config);
//   co_await server.run();   // until SHUTDOWN, SIGINT/SIGTERM or request_shutdown()
//
// Connection limit: a Semaphore of `maxclients` permits; a client past it gets
// "-ERR max number of clients reached" and is closed.
// Graceful shutdown: stop accepting; every connection finishes the command in hand,
// flushes its replies and closes; run() returns once they are gone. Connections still
// there after kShutdownGrace (say, blocked writing to a client that does not read) are
// killed: they close without flushing. No connection task outlives run().
//
// Threads: every method may be called from any connection task (any worker).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "redis/string_hash.h"
#include "absl/status/status.h"
#include "net/tcp.h"
#include "redis/client_state.h"
#include "redis/keyspace.h"
#include "redis/resp_parser.h"
#include "redis/striped_counter.h"
#include "runtime/task.h"
#include "sync/notify.h"
#include "sync/semaphore.h"

namespace corio::redis {

struct ServerConfig {
  std::string bind = "127.0.0.1";
  int port = 6379;
  int threads = 0;  // worker threads; 0 = cores
  size_t maxclients = 10000;
  std::string requirepass;
  ProtocolLimits limits;
  // Pub/sub: a subscriber with more than this many bytes waiting is disconnected
  // (Redis's client-output-buffer-limit pubsub hard limit, 32 MB).
  size_t pubsub_output_limit = 32u << 20;
  // CONFIG GET answers these too (what redis-benchmark and clients ask for).
  absl::flat_hash_map<std::string, std::string> extra;
};

// Statistics (INFO stats).
struct ServerStats {
  StripedCounter connections_received;
  StripedCounter commands_processed;
  StripedCounter rejected_connections;
  StripedCounter net_input_bytes;
  StripedCounter net_output_bytes;
  StripedCounter pubsub_messages;
  StripedCounter error_replies;  // total_error_replies
};

class Server {
 public:
  static constexpr std::chrono::seconds kShutdownGrace{5};

  explicit Server(ServerConfig config);
  ~Server();

  // Binds, then serves until shutdown. Fails only if binding fails.
  Task<absl::Status> run();
  // Binds now (so a caller can learn the port before run()); run() then uses it.
  absl::Status bind();
  uint16_t port() const { return port_; }
  // Begins a graceful shutdown (SHUTDOWN, signals, tests).
  void request_shutdown();
  bool shutting_down() const { return shutting_down_.load(std::memory_order_acquire); }

  Keyspace& keyspace() { return keyspace_; }
  ServerConfig& config() { return config_; }
  std::mutex& config_mu() { return config_mu_; }
  ServerStats& stats() { return stats_; }
  int64_t now_ms() const { return keyspace_.now_ms(); }
  int64_t start_ms() const { return start_ms_; }

  // Counts an error reply by its code (INFO errorstats).
  void record_error(std::string_view code);
  // Every error code seen and its count, sorted by code.
  std::vector<std::pair<std::string, uint64_t>> error_counts();
  void reset_error_counts();

  // Client registry.
  void add_client(ClientState* c);
  void remove_client(ClientState* c);
  size_t client_count();
  // Calls f(ClientState&) for each client, under the registry lock (f must be quick and
  // touch only fields that are safe to read: see client_state.h; CLIENT LIST accepts the
  // benign staleness of reading another task's plain fields).
  template <typename F>
  void for_each_client(F&& f) {
    std::lock_guard<std::mutex> lock(clients_mu_);
    for (ClientState* c : clients_) f(*c);
  }
  // Kills the clients matching `pred`; returns how many.
  template <typename P>
  size_t kill_clients(P&& pred) {
    std::vector<std::shared_ptr<Inbox>> woken;
    size_t n = 0;
    {
      std::lock_guard<std::mutex> lock(clients_mu_);
      for (ClientState* c : clients_) {
        if (!pred(*c)) continue;
        c->killed.store(true, std::memory_order_release);
        woken.push_back(c->inbox);
        ++n;
      }
    }
    for (auto& inbox : woken) inbox->ready.notify_one();
    return n;
  }
  uint64_t next_client_id() { return next_client_id_.fetch_add(1) + 1; }
  // CONFIG SET maxclients: resizes the connection semaphore (requires config_mu held).
  void set_maxclients(size_t n);

  // Pub/sub.
  void subscribe(ClientState* c, const std::string& channel);
  void unsubscribe(ClientState* c, const std::string& channel);
  void psubscribe(ClientState* c, const std::string& pattern);
  void punsubscribe(ClientState* c, const std::string& pattern);
  // Drops every channel and pattern subscription of `c` (RESET, connection close).
  void unsubscribe_all(ClientState* c);
  // Delivers to every subscriber; returns how many received it.
  size_t publish(std::string_view channel, std::string_view message);
  // Active channels matching `pattern` (all without one).
  std::vector<std::string> pubsub_channels(std::optional<std::string_view> pattern);
  size_t pubsub_numsub(std::string_view channel);
  size_t pubsub_numpat();

 private:
  Task<void> accept_loop();
  Task<void> purge_loop();

  ServerConfig config_;
  std::mutex config_mu_;
  Keyspace keyspace_;
  ServerStats stats_;
  int64_t start_ms_;
  std::unique_ptr<net::TcpListener> listener_;
  uint16_t port_ = 0;
  std::atomic<bool> shutting_down_{false};
  sync::Notify shutdown_notify_;
  sync::Notify expiry_notify_;

  std::mutex clients_mu_;
  std::vector<ClientState*> clients_;  // guarded by clients_mu_
  std::atomic<uint64_t> next_client_id_{0};
  std::atomic<size_t> live_connections_{0};
  // One permit per connected client (maxclients); a connection holds its permit for life.
  std::shared_ptr<sync::Semaphore> connection_permits_;
  std::mutex drain_mu_;  // held by a connection while it leaves (see run())
  sync::Notify connections_drained_;

  std::mutex errors_mu_;
  absl::flat_hash_map<std::string, uint64_t> error_counts_;  // guarded by errors_mu_

  std::mutex pubsub_mu_;
  absl::flat_hash_map<std::string, std::vector<ClientState*>, StringViewHash, StringViewEq>
      channels_;  // guarded
  std::vector<std::pair<std::string, ClientState*>> patterns_;            // guarded

  friend class Connection;
};

// Redis's glob matching (KEYS, SCAN MATCH, PSUBSCRIBE, PUBSUB CHANNELS).
bool glob_match(std::string_view pattern, std::string_view s, bool nocase = false);

}  // namespace corio::redis

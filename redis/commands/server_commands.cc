// Server commands: INFO, CONFIG (GET, SET, RESETSTAT), COMMAND (COUNT, INFO, DOCS, LIST),
// FLUSHDB, FLUSHALL, SWAPDB, TIME, WAIT, SHUTDOWN, MEMORY (USAGE).
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "redis/client_state.h"
#include "redis/command.h"
#include "redis/command_table.h"
#include "redis/commands/util.h"
#include "redis/keyspace.h"
#include "redis/server.h"
#include "runtime/runtime.h"

namespace corio::redis {
namespace {

absl::string_view av(std::string_view s) { return {s.data(), s.size()}; }

uint64_t rss_bytes() {
  std::ifstream f("/proc/self/statm");
  uint64_t pages = 0, resident = 0;
  f >> pages >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

std::string info_text(CommandContext& c, std::string_view section) {
  auto want = [&](std::string_view name) {
    return section.empty() || iequals(section, "default") || iequals(section, "all") ||
           iequals(section, "everything") || iequals(section, name);
  };
  Server& s = c.server;
  std::string out;
  int64_t now = s.now_ms();
  if (want("server")) {
    absl::StrAppend(&out, "# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:00000000\r\n",
                    "redis_git_dirty:0\r\nredis_mode:standalone\r\nos:Linux\r\n",
                    "arch_bits:64\r\nmultiplexing_api:epoll\r\nserver_name:corio\r\n",
                    "process_id:", getpid(), "\r\ntcp_port:", s.port(), "\r\n",
                    "uptime_in_seconds:", (now - s.start_ms()) / 1000, "\r\n",
                    "uptime_in_days:", (now - s.start_ms()) / 86400000, "\r\n",
                    "hz:10\r\nexecutable:corio-redis\r\nconfig_file:\r\n\r\n");
  }
  if (want("clients")) {
    absl::StrAppend(&out, "# Clients\r\nconnected_clients:", s.client_count(), "\r\n",
                    "maxclients:", s.config().maxclients, "\r\nblocked_clients:0\r\n",
                    "pubsub_clients:0\r\n\r\n");
  }
  if (want("memory")) {
    size_t used = c.ks.used_bytes();
    absl::StrAppend(&out, "# Memory\r\nused_memory:", used, "\r\nused_memory_rss:", rss_bytes(),
                    "\r\nused_memory_dataset:", used, "\r\nmaxmemory:0\r\n",
                    "maxmemory_policy:noeviction\r\nmem_allocator:mimalloc\r\n\r\n");
  }
  if (want("stats")) {
    ServerStats& st = s.stats();
    absl::StrAppend(&out, "# Stats\r\ntotal_connections_received:",
                    st.connections_received.load(), "\r\ntotal_commands_processed:",
                    st.commands_processed.load(), "\r\ntotal_net_input_bytes:",
                    st.net_input_bytes.load(), "\r\ntotal_net_output_bytes:",
                    st.net_output_bytes.load(), "\r\nrejected_connections:",
                    st.rejected_connections.load(), "\r\nexpired_keys:",
                    c.ks.expired_keys.load(), "\r\nevicted_keys:0\r\nkeyspace_hits:",
                    c.ks.keyspace_hits.load(), "\r\nkeyspace_misses:",
                    c.ks.keyspace_misses.load(), "\r\npubsub_channels:",
                    s.pubsub_channels("").size(), "\r\npubsub_patterns:", s.pubsub_numpat(),
                    "\r\n\r\n");
  }
  if (want("replication")) {
    absl::StrAppend(&out, "# Replication\r\nrole:master\r\nconnected_slaves:0\r\n\r\n");
  }
  if (want("cpu")) {
    rusage self{};
    getrusage(RUSAGE_SELF, &self);
    auto secs = [](timeval t) { return t.tv_sec + t.tv_usec / 1e6; };
    char buf[128];
    std::snprintf(buf, sizeof buf, "used_cpu_sys:%.6f\r\nused_cpu_user:%.6f\r\n",
                  secs(self.ru_stime), secs(self.ru_utime));
    absl::StrAppend(&out, "# CPU\r\n", buf, "\r\n");
  }
  if (want("runtime")) {
    RuntimeMetrics m = Handle::current().metrics();
    WorkerMetrics t = m.total();
    absl::StrAppend(&out, "# Runtime\r\nworkers:", m.workers.size(), "\r\nlive_tasks:",
                    m.live_tasks, "\r\npolls:", t.polls, "\r\nsteals:", t.steals,
                    "\r\nsteal_operations:", t.steal_operations, "\r\noverflows:", t.overflows,
                    "\r\nparks:", t.parks, "\r\nunparks:", t.unparks,
                    "\r\nlocal_schedules:", t.local_schedules,
                    "\r\nremote_schedules:", t.remote_schedules,
                    "\r\nbudget_forced_yields:", t.budget_forced_yields,
                    "\r\ninjector_depth:", m.injector_depth,
                    "\r\nblocking_threads:", m.blocking_threads, "\r\n\r\n");
  }
  if (want("keyspace")) {
    absl::StrAppend(&out, "# Keyspace\r\n");
    for (int db = 0; db < Keyspace::kDatabases; ++db) {
      size_t n = c.ks.db_size(db);
      if (n == 0) continue;
      absl::StrAppend(&out, "db", db, ":keys=", n, ",expires=", c.ks.db_expiring(db),
                      ",avg_ttl=0\r\n");
    }
    absl::StrAppend(&out, "\r\n");
  }
  if (out.size() >= 2) out.resize(out.size() - 2);  // no trailing blank line
  return out;
}

void info(CommandContext& c) {
  std::string_view section = c.argc() >= 2 ? c.arg(1) : "";
  c.out.verbatim(info_text(c, section));
}

// CONFIG: the settings this server has, plus fixed answers for what clients ask.
struct ConfigParam {
  std::string_view name;
  std::string (*get)(Server&);
  bool (*set)(Server&, std::string_view);  // null: read-only
};

const std::vector<ConfigParam>& config_params() {
  static const std::vector<ConfigParam> params = {
      {"maxclients", [](Server& s) { return std::to_string(s.config().maxclients); },
       [](Server& s, std::string_view v) {
         int64_t n;
         if (!parse_i64(v, n) || n < 1) return false;
         s.set_maxclients(static_cast<size_t>(n));
         return true;
       }},
      {"requirepass", [](Server& s) { return s.config().requirepass; },
       [](Server& s, std::string_view v) {
         s.config().requirepass = std::string(v);
         return true;
       }},
      {"proto-max-bulk-len",
       [](Server& s) { return std::to_string(s.config().limits.max_bulk_len); },
       [](Server& s, std::string_view v) {
         int64_t n;
         if (!parse_i64(v, n) || n < 1024 * 1024) return false;
         s.config().limits.max_bulk_len = n;
         return true;
       }},
      {"port", [](Server& s) { return std::to_string(s.port()); }, nullptr},
      {"bind", [](Server& s) { return s.config().bind; }, nullptr},
      {"databases", [](Server&) { return std::to_string(Keyspace::kDatabases); }, nullptr},
      {"io-threads", [](Server& s) { return std::to_string(s.config().threads); }, nullptr},
      {"save", [](Server&) { return std::string(); }, nullptr},
      {"appendonly", [](Server&) { return std::string("no"); }, nullptr},
      {"maxmemory", [](Server&) { return std::string("0"); }, nullptr},
      {"maxmemory-policy", [](Server&) { return std::string("noeviction"); }, nullptr},
      {"timeout", [](Server&) { return std::string("0"); }, nullptr},
      {"tcp-keepalive", [](Server&) { return std::string("300"); }, nullptr},
      {"hz", [](Server&) { return std::string("10"); }, nullptr},
      {"client-output-buffer-limit",
       [](Server& s) {
         return "normal 0 0 0 slave 268435456 67108864 60 pubsub " +
                std::to_string(s.config().pubsub_output_limit) + " 8388608 60";
       },
       nullptr},
  };
  return params;
}

void config_get(CommandContext& c) {
  std::vector<std::pair<std::string, std::string>> found;
  std::lock_guard<std::mutex> lock(c.server.config_mu());
  for (size_t i = 2; i < c.argc(); ++i) {
    for (const ConfigParam& p : config_params()) {
      if (!glob_match(c.arg(i), p.name, true)) continue;
      bool dup = false;
      for (auto& f : found) dup |= f.first == p.name;
      if (!dup) found.emplace_back(std::string(p.name), p.get(c.server));
    }
  }
  c.out.map_header(found.size());
  for (auto& [k, v] : found) {
    c.out.bulk(k);
    c.out.bulk(v);
  }
}

void config_set(CommandContext& c) {
  if (c.argc() % 2 != 0) {
    c.out.error("ERR wrong number of arguments for 'config|set' command");
    return;
  }
  std::lock_guard<std::mutex> lock(c.server.config_mu());
  for (size_t i = 2; i < c.argc(); i += 2) {
    const ConfigParam* param = nullptr;
    for (const ConfigParam& p : config_params()) {
      if (iequals(p.name, c.arg(i))) param = &p;
    }
    if (param == nullptr) {
      c.out.error(absl::StrCat("ERR Unknown option or number of arguments for CONFIG SET - '",
                               av(c.arg(i)), "'"));
      return;
    }
    if (param->set == nullptr) {
      c.out.error(absl::StrCat("ERR CONFIG SET failed (possibly related to argument '",
                               av(c.arg(i)), "') - can't set immutable config"));
      return;
    }
    if (!param->set(c.server, c.arg(i + 1))) {
      c.out.error(absl::StrCat("ERR CONFIG SET failed (possibly related to argument '",
                               av(c.arg(i)), "') - argument couldn't be parsed into an integer"));
      return;
    }
  }
  c.out.simple("OK");
}

void config_resetstat(CommandContext& c) {
  ServerStats& st = c.server.stats();
  st.commands_processed = 0;
  st.connections_received = 0;
  st.rejected_connections = 0;
  st.net_input_bytes = 0;
  st.net_output_bytes = 0;
  st.pubsub_messages = 0;
  c.ks.expired_keys = 0;
  c.ks.keyspace_hits = 0;
  c.ks.keyspace_misses = 0;
  c.out.simple("OK");
}

void config_rewrite(CommandContext& c) {
  c.out.error("ERR The server is running without a config file");
}

// COMMAND INFO reply for one spec (Redis 7.0 shape, 10 fields).
void write_command_info(CommandContext& c, const CommandSpec& s) {
  c.out.array_header(10);
  c.out.bulk(s.name);
  c.out.integer(s.arity);
  auto flags = flag_names(s.flags);
  c.out.set_header(flags.size());
  for (auto f : flags) c.out.simple(f);
  c.out.integer(s.first_key);
  c.out.integer(s.last_key);
  c.out.integer(s.key_step);
  c.out.set_header(0);  // ACL categories
  c.out.set_header(0);  // tips
  c.out.set_header(0);  // key specs
  c.out.array_header(s.subcommands.size());
  for (const CommandSpec& sub : s.subcommands) write_command_info(c, sub);
}

void command_plain(CommandContext& c) {
  const auto& all = CommandTable::instance().all();
  c.out.array_header(all.size());
  for (const CommandSpec& s : all) write_command_info(c, s);
}

void command_count(CommandContext& c) {
  c.out.integer(static_cast<int64_t>(CommandTable::instance().all().size()));
}

void command_info(CommandContext& c) {
  const CommandTable& table = CommandTable::instance();
  if (c.argc() == 2) {
    command_plain(c);
    return;
  }
  c.out.array_header(c.argc() - 2);
  for (size_t i = 2; i < c.argc(); ++i) {
    const CommandSpec* s = table.find(c.arg(i));
    if (s == nullptr) {
      c.out.null_array();
    } else {
      write_command_info(c, *s);
    }
  }
}

void write_docs(CommandContext& c, const CommandSpec& s) {
  c.out.map_header(s.subcommands.empty() ? 4 : 5);
  c.out.bulk("summary");
  c.out.bulk(s.summary);
  c.out.bulk("since");
  c.out.bulk(s.since);
  c.out.bulk("group");
  c.out.bulk(s.group);
  c.out.bulk("complexity");
  c.out.bulk("O(1)");
  if (!s.subcommands.empty()) {
    c.out.bulk("subcommands");
    c.out.map_header(s.subcommands.size());
    for (const CommandSpec& sub : s.subcommands) {
      c.out.bulk(sub.name);
      write_docs(c, sub);
    }
  }
}

void command_docs(CommandContext& c) {
  const CommandTable& table = CommandTable::instance();
  std::vector<const CommandSpec*> specs;
  if (c.argc() == 2) {
    for (const CommandSpec& s : table.all()) specs.push_back(&s);
  } else {
    for (size_t i = 2; i < c.argc(); ++i) {
      if (const CommandSpec* s = table.find(c.arg(i))) specs.push_back(s);
    }
  }
  c.out.map_header(specs.size());
  for (const CommandSpec* s : specs) {
    c.out.bulk(s->name);
    write_docs(c, *s);
  }
}

void command_list(CommandContext& c) {
  const auto& all = CommandTable::instance().all();
  c.out.array_header(all.size());
  for (const CommandSpec& s : all) c.out.bulk(s.name);
}

void command_getkeys(CommandContext& c) {
  std::vector<std::string_view> call(c.args.begin() + 2, c.args.end());
  const CommandSpec* s = CommandTable::instance().find(call[0]);
  if (s == nullptr) {
    c.out.error("ERR Invalid command specified");
    return;
  }
  if ((s->arity > 0 && static_cast<int>(call.size()) != s->arity) ||
      static_cast<int>(call.size()) < -s->arity) {
    c.out.error("ERR Invalid number of arguments specified for command");
    return;
  }
  auto pos = CommandTable::key_positions(*s, call.size());
  if (pos.empty()) {
    c.out.error("ERR The command has no key arguments");
    return;
  }
  c.out.array_header(pos.size());
  for (size_t p : pos) c.out.bulk(call[p]);
}

bool parse_flush_mode(CommandContext& c) {
  if (c.argc() == 1) return true;
  if (c.argc() == 2 && (iequals(c.arg(1), "ASYNC") || iequals(c.arg(1), "SYNC"))) return true;
  c.out.error(kErrSyntax);
  return false;
}

void flushdb(CommandContext& c) {
  if (!parse_flush_mode(c)) return;
  c.ks.flush_db(c.client.db);
  c.out.simple("OK");
}

void flushall(CommandContext& c) {
  if (!parse_flush_mode(c)) return;
  c.ks.flush_all();
  c.out.simple("OK");
}

void swapdb(CommandContext& c) {
  int64_t a, b;
  if (!parse_i64(c.arg(1), a)) {
    c.out.error("ERR invalid first DB index");
    return;
  }
  if (!parse_i64(c.arg(2), b)) {
    c.out.error("ERR invalid second DB index");
    return;
  }
  if (a < 0 || a >= Keyspace::kDatabases || b < 0 || b >= Keyspace::kDatabases) {
    c.out.error("ERR DB index is out of range");
    return;
  }
  if (a != b) c.ks.swap_db(static_cast<int>(a), static_cast<int>(b));
  c.out.simple("OK");
}

void time_cmd(CommandContext& c) {
  int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  c.out.array_header(2);
  c.out.bulk(std::to_string(us / 1'000'000));
  c.out.bulk(std::to_string(us % 1'000'000));
}

void wait_cmd(CommandContext& c) {
  int64_t n, timeout;
  if (!parse_i64(c.arg(1), n) || !parse_i64(c.arg(2), timeout)) {
    c.out.error(kErrNotInteger);
    return;
  }
  if (timeout < 0) {
    c.out.error("ERR timeout is negative");
    return;
  }
  c.out.integer(0);  // no replicas
}

void shutdown(CommandContext& c) {
  for (size_t i = 1; i < c.argc(); ++i) {
    std::string_view o = c.arg(i);
    if (!(iequals(o, "NOSAVE") || iequals(o, "SAVE") || iequals(o, "NOW") ||
          iequals(o, "FORCE") || iequals(o, "ABORT"))) {
      c.out.error(kErrSyntax);
      return;
    }
    if (iequals(o, "ABORT")) {
      c.out.error("ERR No shutdown in progress.");
      return;
    }
  }
  // Redis sends no reply: the connection just closes once the server is down.
  c.client.close_after_reply = true;
  c.server.request_shutdown();
}

void memory_usage(CommandContext& c) {
  if (c.argc() > 3 && !(c.argc() == 5 && iequals(c.arg(3), "SAMPLES"))) {
    c.out.error(kErrSyntax);
    return;
  }
  c.ks.with_key(c.client.db, c.arg(2), [&](Shard& s) {
    Entry* e = s.find(c.arg(2));
    if (e == nullptr) {
      c.out.null();
      return;
    }
    // The entry's allocation plus its hash-table slot (pointer + control byte).
    c.out.integer(static_cast<int64_t>(e->allocation_size() + sizeof(Entry*) + 1));
  });
}

void memory_help(CommandContext& c) {
  c.out.array_header(3);
  c.out.simple("MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  c.out.simple("USAGE <key> [SAMPLES <count>]");
  c.out.simple("    Return memory in bytes used by <key> and its value.");
}

}  // namespace

void register_server_commands(std::vector<CommandSpec>& out) {
  const uint32_t kLS = kLoading | kStale;
  out.push_back({"info", -1, kLS, 0, 0, 0, info, "server",
                 "Get information and statistics about the server"});
  out.push_back({"flushdb", -1, kWrite, 0, 0, 0, flushdb, "server",
                 "Remove all keys from the current database"});
  out.push_back({"flushall", -1, kWrite, 0, 0, 0, flushall, "server",
                 "Remove all keys from all databases"});
  out.push_back({"swapdb", 3, kWrite | kFast, 0, 0, 0, swapdb, "server",
                 "Swaps two Redis databases", "4.0.0"});
  out.push_back({"time", 1, kLS | kFast, 0, 0, 0, time_cmd, "server", "Return the current server time",
                 "2.6.0"});
  out.push_back({"wait", 3, 0, 0, 0, 0, wait_cmd, "generic",
                 "Wait for the synchronous replication of all the write commands", "3.0.0"});
  out.push_back({"shutdown", -1, kAdmin | kNoscript | kLS | kNoMulti | kAllowBusy, 0, 0, 0,
                 shutdown, "server", "Synchronously save the dataset to disk and then shut down"});
  CommandSpec config{"config", -2, 0, 0, 0, 0, nullptr, "server",
                     "A container for server configuration commands", "2.0.0"};
  config.subcommands = {
      {"config|get", -3, kAdmin | kNoscript | kLS, 0, 0, 0, config_get, "server",
       "Get the values of configuration parameters"},
      {"config|set", -4, kAdmin | kNoscript | kLS, 0, 0, 0, config_set, "server",
       "Set configuration parameters to the given values"},
      {"config|resetstat", 2, kAdmin | kNoscript | kLS, 0, 0, 0, config_resetstat, "server",
       "Reset the stats returned by INFO"},
      {"config|rewrite", 2, kAdmin | kNoscript | kLS, 0, 0, 0, config_rewrite, "server",
       "Rewrite the configuration file with the in memory configuration"},
  };
  out.push_back(std::move(config));
  CommandSpec command{"command", -1, kLS, 0, 0, 0, command_plain, "server",
                      "Get array of Redis command details", "2.8.13"};
  command.subcommands = {
      {"command|count", 2, kLS, 0, 0, 0, command_count, "server",
       "Get total number of Redis commands"},
      {"command|info", -2, kLS, 0, 0, 0, command_info, "server",
       "Get array of specific Redis command details, or all when no argument is given"},
      {"command|docs", -2, kLS, 0, 0, 0, command_docs, "server",
       "Get array of specific Redis command documentation"},
      {"command|list", -2, kLS, 0, 0, 0, command_list, "server",
       "Get an array of Redis command names"},
      {"command|getkeys", -3, kLS, 0, 0, 0, command_getkeys, "server",
       "Extract keys given a full Redis command"},
  };
  out.push_back(std::move(command));
  CommandSpec memory{"memory", -2, 0, 0, 0, 0, nullptr, "server",
                     "A container for memory diagnostics commands", "4.0.0"};
  memory.subcommands = {
      {"memory|usage", -3, kReadonly, 2, 2, 1, memory_usage, "server",
       "Estimate the memory usage of a key"},
      {"memory|help", 2, kLS, 0, 0, 0, memory_help, "server", "Show helpful text"},
  };
  out.push_back(std::move(memory));
}

}  // namespace corio::redis

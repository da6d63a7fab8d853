// Server commands: INFO, CONFIG (GET, SET, RESETSTAT, REWRITE, HELP), COMMAND (COUNT,
// INFO, DOCS, LIST, GETKEYS, GETKEYSANDFLAGS, HELP), FLUSHDB, FLUSHALL, SWAPDB, TIME, WAIT,
// SHUTDOWN, MEMORY (USAGE, HELP), FUNCTION FLUSH.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "redis/client_state.h"
#include "redis/command.h"
#include "redis/command_table.h"
#include "redis/commands/util.h"
#include "redis/cycle_clock.h"
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

// ---- INFO ----

// Which sections to show, as Redis 7.0 decides: none given = the default ones; "default",
// "all" (every section but module-provided ones), "everything", or section names (any case).
struct InfoSelection {
  bool all = false;
  bool everything = false;
  absl::flat_hash_set<std::string> names;  // lowercase

  bool wants(std::string_view section) const {
    return all || names.contains(std::string(section));
  }
};

InfoSelection select_info_sections(CommandContext& c) {
  static constexpr std::string_view kDefault[] = {
      "server", "clients",     "memory",     "persistence", "stats",   "replication",
      "cpu",    "module_list", "errorstats", "cluster",     "keyspace"};
  InfoSelection sel;
  auto add_defaults = [&] {
    for (auto s : kDefault) sel.names.emplace(s);
  };
  if (c.argc() == 1) add_defaults();
  for (size_t i = 1; i < c.argc(); ++i) {
    std::string name(c.arg(i));
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (name == "default") {
      add_defaults();
    } else if (name == "all") {
      sel.all = true;
    } else if (name == "everything") {
      sel.all = sel.everything = true;
    } else {
      sel.names.insert(std::move(name));
    }
  }
  return sel;
}

std::string info_text(CommandContext& c, const InfoSelection& sel) {
  Server& s = c.server;
  std::string out;
  int64_t now = s.now_ms();
  // Each section: "# Name\r\n" and its "field:value\r\n" lines; a blank line between.
  auto section = [&](std::string_view name) {
    if (!out.empty()) out += "\r\n";
    absl::StrAppend(&out, "# ", av(name), "\r\n");
  };
  if (sel.wants("server")) {
    section("Server");
    absl::StrAppend(&out, "redis_version:7.0.15\r\nredis_git_sha1:00000000\r\n",
                    "redis_git_dirty:0\r\nredis_mode:standalone\r\nos:Linux\r\n",
                    "arch_bits:64\r\nmultiplexing_api:epoll\r\nserver_name:corio\r\n",
                    "process_id:", getpid(), "\r\ntcp_port:", s.port(), "\r\n",
                    "server_time_usec:", now * 1000, "\r\n",
                    "uptime_in_seconds:", (now - s.start_ms()) / 1000, "\r\n",
                    "uptime_in_days:", (now - s.start_ms()) / 86400000, "\r\n",
                    "hz:10\r\nconfigured_hz:10\r\nexecutable:corio-redis\r\nconfig_file:\r\n",
                    "io_threads_active:0\r\n");
  }
  if (sel.wants("clients")) {
    section("Clients");
    size_t maxclients;
    {
      std::lock_guard<std::mutex> lock(s.config_mu());
      maxclients = s.config().maxclients;
    }
    absl::StrAppend(&out, "connected_clients:", s.client_count(), "\r\n",
                    "cluster_connections:0\r\nmaxclients:", maxclients, "\r\n",
                    "blocked_clients:0\r\ntracking_clients:0\r\nclients_in_timeout_table:0\r\n");
  }
  if (sel.wants("memory")) {
    section("Memory");
    size_t used = c.ks.used_bytes();
    absl::StrAppend(&out, "used_memory:", used, "\r\nused_memory_rss:", rss_bytes(),
                    "\r\nused_memory_dataset:", used, "\r\nmaxmemory:0\r\n",
                    "maxmemory_policy:noeviction\r\nmem_allocator:mimalloc\r\n");
  }
  if (sel.wants("persistence")) {
    // Nothing is ever saved or loaded.
    section("Persistence");
    absl::StrAppend(&out, "loading:0\r\nasync_loading:0\r\nrdb_bgsave_in_progress:0\r\n",
                    "rdb_saves:0\r\naof_enabled:0\r\naof_rewrite_in_progress:0\r\n",
                    "aof_rewrites:0\r\n");
  }
  if (sel.wants("stats")) {
    section("Stats");
    ServerStats& st = s.stats();
    absl::StrAppend(&out, "total_connections_received:", st.connections_received.load(),
                    "\r\ntotal_commands_processed:", st.commands_processed.load(),
                    "\r\ntotal_net_input_bytes:", st.net_input_bytes.load(),
                    "\r\ntotal_net_output_bytes:", st.net_output_bytes.load(),
                    "\r\nrejected_connections:", st.rejected_connections.load(),
                    "\r\nexpired_keys:", c.ks.expired_keys.load(),
                    "\r\nevicted_keys:0\r\nkeyspace_hits:", c.ks.keyspace_hits.load(),
                    "\r\nkeyspace_misses:", c.ks.keyspace_misses.load(),
                    "\r\npubsub_channels:", s.pubsub_channels(std::nullopt).size(),
                    "\r\npubsub_patterns:", s.pubsub_numpat(),
                    "\r\ntotal_error_replies:", st.error_replies.load(), "\r\n");
  }
  if (sel.wants("replication")) {
    section("Replication");
    absl::StrAppend(&out, "role:master\r\nconnected_slaves:0\r\nmaster_repl_offset:0\r\n");
  }
  if (sel.wants("cpu")) {
    section("CPU");
    rusage self{};
    getrusage(RUSAGE_SELF, &self);
    rusage children{};
    getrusage(RUSAGE_CHILDREN, &children);
    auto secs = [](timeval t) { return t.tv_sec + t.tv_usec / 1e6; };
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "used_cpu_sys:%.6f\r\nused_cpu_user:%.6f\r\nused_cpu_sys_children:%.6f\r\n"
                  "used_cpu_user_children:%.6f\r\n",
                  secs(self.ru_stime), secs(self.ru_utime), secs(children.ru_stime),
                  secs(children.ru_utime));
    out += buf;
  }
  if (sel.wants("module_list") || sel.wants("modules")) section("Modules");
  if (sel.wants("commandstats")) {
    section("Commandstats");
    std::vector<std::string> lines;
    CommandTable::instance().for_each([&](const CommandSpec& spec) {
      const CommandStats& st = *spec.stats;
      uint64_t calls = st.calls.load(), rejected = st.rejected_calls.load();
      if (calls == 0 && rejected == 0) return;
      uint64_t usec = CycleClock::to_usec(st.ticks.load());
      char per_call[32];
      std::snprintf(per_call, sizeof per_call, "%.2f",
                    calls == 0 ? 0.0 : static_cast<double>(usec) / static_cast<double>(calls));
      lines.push_back(absl::StrCat("cmdstat_", av(spec.name), ":calls=", calls, ",usec=", usec,
                                   ",usec_per_call=", per_call, ",rejected_calls=", rejected,
                                   ",failed_calls=", st.failed_calls.load(), "\r\n"));
    });
    std::sort(lines.begin(), lines.end());
    for (const auto& l : lines) out += l;
  }
  if (sel.wants("errorstats")) {
    section("Errorstats");
    for (const auto& [code, count] : s.error_counts()) {
      absl::StrAppend(&out, "errorstat_", code, ":count=", count, "\r\n");
    }
  }
  // Per-command latency percentiles: not tracked here, so the section is empty.
  if (sel.wants("latencystats")) section("Latencystats");
  if (sel.wants("cluster")) {
    section("Cluster");
    out += "cluster_enabled:0\r\n";
  }
  if (sel.wants("keyspace")) {
    section("Keyspace");
    for (int db = 0; db < Keyspace::kDatabases; ++db) {
      size_t n = c.ks.db_size(db);
      if (n == 0) continue;
      absl::StrAppend(&out, "db", db, ":keys=", n, ",expires=", c.ks.db_expiring(db),
                      ",avg_ttl=0\r\n");
    }
  }
  // Ours: the corio runtime's scheduler metrics, on request ("INFO runtime").
  if (sel.names.contains("runtime")) {
    section("Runtime");
    RuntimeMetrics m = Handle::current().metrics();
    WorkerMetrics t = m.total();
    absl::StrAppend(&out, "workers:", m.workers.size(), "\r\nlive_tasks:", m.live_tasks,
                    "\r\npolls:", t.polls, "\r\nsteals:", t.steals,
                    "\r\nsteal_operations:", t.steal_operations, "\r\noverflows:", t.overflows,
                    "\r\nparks:", t.parks, "\r\nunparks:", t.unparks,
                    "\r\nlocal_schedules:", t.local_schedules,
                    "\r\nremote_schedules:", t.remote_schedules,
                    "\r\nbudget_forced_yields:", t.budget_forced_yields,
                    "\r\ninjector_depth:", m.injector_depth,
                    "\r\nblocking_threads:", m.blocking_threads, "\r\n");
  }
  return out;
}

void info(CommandContext& c) { c.out.verbatim(info_text(c, select_info_sections(c))); }

// ---- CONFIG ----

// Redis's memtoull: digits then an optional unit (b, k, kb, m, mb, g, gb; any case).
std::optional<unsigned long long> parse_memory(std::string_view v) {
  if (!v.empty() && v[0] == '-') return std::nullopt;
  size_t digits = 0;
  while (digits < v.size() && v[digits] >= '0' && v[digits] <= '9') ++digits;
  std::string_view unit = v.substr(digits);
  unsigned long long mul;
  if (unit.empty() || iequals(unit, "b")) {
    mul = 1;
  } else if (iequals(unit, "k")) {
    mul = 1000;
  } else if (iequals(unit, "kb")) {
    mul = 1024;
  } else if (iequals(unit, "m")) {
    mul = 1000 * 1000;
  } else if (iequals(unit, "mb")) {
    mul = 1024 * 1024;
  } else if (iequals(unit, "g")) {
    mul = 1000ull * 1000 * 1000;
  } else if (iequals(unit, "gb")) {
    mul = 1024ull * 1024 * 1024;
  } else {
    return std::nullopt;
  }
  if (digits >= 128) return std::nullopt;
  unsigned long long val = 0;
  for (size_t i = 0; i < digits; ++i) {
    unsigned d = static_cast<unsigned>(v[i] - '0');
    if (val > (ULLONG_MAX - d) / 10) {
      val = ULLONG_MAX;  // strtoull saturates
      break;
    }
    val = val * 10 + d;
  }
  return val * mul;  // wraps on overflow, as Redis's does
}

// A parameter: its current value, and how a new one is checked and applied (a setter
// returns an error message, or "" after applying). A null setter: read only here.
struct ConfigParam {
  std::string_view name;
  std::string (*get)(Server&);
  std::string (*check)(std::string_view value);  // null: anything goes
  void (*apply)(Server&, std::string_view value);
};

std::string check_maxclients(std::string_view v) {
  int64_t n;
  if (!parse_i64(v, n)) return "argument couldn't be parsed into an integer";
  if (static_cast<uint64_t>(n) > 4294967295u || n < 1) {
    return "argument must be between 1 and 4294967295 inclusive";
  }
  return "";
}

std::string check_proto_max_bulk_len(std::string_view v) {
  std::optional<unsigned long long> n = parse_memory(v);
  if (!n) return "argument must be a memory value";
  auto ll = static_cast<long long>(*n);
  if (ll < 1024 * 1024) {
    return "argument must be between 1048576 and 9223372036854775807 inclusive";
  }
  return "";
}

const std::vector<ConfigParam>& config_params() {
  static const std::vector<ConfigParam> params = {
      {"maxclients", [](Server& s) { return std::to_string(s.config().maxclients); },
       check_maxclients,
       [](Server& s, std::string_view v) {
         int64_t n = 0;
         (void)parse_i64(v, n);
         s.set_maxclients(static_cast<size_t>(n));
       }},
      {"requirepass", [](Server& s) { return s.config().requirepass; }, nullptr,
       [](Server& s, std::string_view v) { s.config().requirepass = std::string(v); }},
      {"proto-max-bulk-len",
       [](Server& s) { return std::to_string(s.config().limits.max_bulk_len); },
       check_proto_max_bulk_len,
       [](Server& s, std::string_view v) {
         s.config().limits.max_bulk_len = static_cast<int64_t>(*parse_memory(v));
       }},
      // Read only here (Redis can change them at run time).
      {"port", [](Server& s) { return std::to_string(s.port()); }, nullptr, nullptr},
      {"bind", [](Server& s) { return s.config().bind; }, nullptr, nullptr},
      {"databases", [](Server&) { return std::to_string(Keyspace::kDatabases); }, nullptr,
       nullptr},
      {"io-threads", [](Server& s) { return std::to_string(s.config().threads); }, nullptr,
       nullptr},
      {"save", [](Server&) { return std::string(); }, nullptr, nullptr},
      {"appendonly", [](Server&) { return std::string("no"); }, nullptr, nullptr},
      {"maxmemory", [](Server&) { return std::string("0"); }, nullptr, nullptr},
      {"maxmemory-policy", [](Server&) { return std::string("noeviction"); }, nullptr, nullptr},
      {"timeout", [](Server&) { return std::string("0"); }, nullptr, nullptr},
      {"tcp-keepalive", [](Server&) { return std::string("300"); }, nullptr, nullptr},
      {"hz", [](Server&) { return std::string("10"); }, nullptr, nullptr},
      {"notify-keyspace-events", [](Server&) { return std::string(); }, nullptr, nullptr},
      {"client-output-buffer-limit",
       [](Server& s) {
         return "normal 0 0 0 slave 268435456 67108864 60 pubsub " +
                std::to_string(s.config().pubsub_output_limit) + " 8388608 60";
       },
       nullptr, nullptr},
  };
  return params;
}

const ConfigParam* find_config(std::string_view name) {
  for (const ConfigParam& p : config_params()) {
    if (iequals(p.name, name)) return &p;
  }
  return nullptr;
}

// CONFIG GET parameter [parameter ...]: exact names reply with the name as given;
// patterns with the parameters' names. Each parameter once.
void config_get(CommandContext& c) {
  std::vector<std::pair<std::string, const ConfigParam*>> found;
  auto seen = [&](std::string_view name) {  // names compare in any case
    for (auto& f : found) {
      if (iequals(f.first, name)) return true;
    }
    return false;
  };
  for (size_t i = 2; i < c.argc(); ++i) {
    std::string_view arg = c.arg(i);
    if (c_str(arg).find_first_of("[*?") == std::string_view::npos) {
      if (seen(arg)) continue;
      if (const ConfigParam* p = find_config(arg)) found.emplace_back(std::string(arg), p);
      continue;
    }
    for (const ConfigParam& p : config_params()) {
      if (!seen(p.name) && glob_match(arg, p.name, true)) found.emplace_back(p.name, &p);
    }
  }
  std::lock_guard<std::mutex> lock(c.server.config_mu());
  c.out.map_header(found.size());
  for (auto& [name, p] : found) {
    c.out.bulk(name);
    c.out.bulk(p->get(c.server));
  }
}

// CONFIG SET parameter value [parameter value ...]: all or nothing. Errors, in Redis's
// order of precedence: an unknown parameter (the first), then the first read-only or
// repeated one, then the first value that does not parse.
void config_set(CommandContext& c) {
  if (c.argc() % 2 != 0) {
    c.out.error(kErrSyntax);
    return;
  }
  std::vector<const ConfigParam*> params;
  std::optional<std::string_view> unknown;
  std::string error;
  std::string_view error_arg;
  for (size_t i = 2; i < c.argc(); i += 2) {
    const ConfigParam* p = find_config(c.arg(i));
    if (p == nullptr) {
      if (!unknown && error.empty()) unknown = c.arg(i);
      continue;
    }
    if (unknown || !error.empty()) continue;
    if (p->apply == nullptr) {
      error = "can't set immutable config";
      error_arg = c.arg(i);
      continue;
    }
    if (std::find(params.begin(), params.end(), p) != params.end()) {
      error = "duplicate parameter";
      error_arg = c.arg(i);
      continue;
    }
    params.push_back(p);
  }
  if (unknown) {
    c.out.error(absl::StrCat("ERR Unknown option or number of arguments for CONFIG SET - '",
                             av(c_str(*unknown)), "'"));
    return;
  }
  if (error.empty()) {
    for (size_t i = 0; i < params.size(); ++i) {
      if (params[i]->check == nullptr) continue;
      error = params[i]->check(c.arg(3 + 2 * i));
      if (!error.empty()) {
        error_arg = params[i]->name;
        break;
      }
    }
  }
  if (!error.empty()) {
    c.out.error(absl::StrCat("ERR CONFIG SET failed (possibly related to argument '",
                             av(c_str(error_arg)), "') - ", error));
    return;
  }
  {
    std::lock_guard<std::mutex> lock(c.server.config_mu());
    for (size_t i = 0; i < params.size(); ++i) params[i]->apply(c.server, c.arg(3 + 2 * i));
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
  st.error_replies = 0;
  c.ks.expired_keys = 0;
  c.ks.keyspace_hits = 0;
  c.ks.keyspace_misses = 0;
  c.server.reset_error_counts();
  CommandTable::instance().for_each([](const CommandSpec& spec) {
    spec.stats->calls = 0;
    spec.stats->ticks = 0;
    spec.stats->rejected_calls = 0;
    spec.stats->failed_calls = 0;
  });
  c.out.simple("OK");
}

void config_rewrite(CommandContext& c) {
  c.out.error("ERR The server is running without a config file");
}

void config_help(CommandContext& c) {
  reply_help(c, "CONFIG",
             {
                 "GET <pattern>",
                 "    Return parameters matching the glob-like <pattern> and their values.",
                 "SET <directive> <value>",
                 "    Set the configuration <directive> to <value>.",
                 "RESETSTAT",
                 "    Reset statistics reported by the INFO command.",
                 "REWRITE",
                 "    Rewrite the configuration file.",
             });
}

// ---- COMMAND ----

// Space-separated words as a set of simple strings (flags) or bulk strings (tips).
void write_words(CommandContext& c, std::string_view words, bool simple) {
  std::vector<std::string_view> list;
  size_t pos = 0;
  while (pos < words.size()) {
    size_t end = words.find(' ', pos);
    if (end == std::string_view::npos) end = words.size();
    if (end > pos) list.push_back(words.substr(pos, end - pos));
    pos = end + 1;
  }
  c.out.set_header(list.size());
  for (auto w : list) {
    if (simple) {
      c.out.simple(w);
    } else {
      c.out.bulk(w);
    }
  }
}

void write_key_specs(CommandContext& c, const CommandSpec& s) {
  c.out.set_header(s.keys.size());
  for (const KeySpec& k : s.keys) {
    c.out.map_header(k.notes.empty() ? 3 : 4);
    if (!k.notes.empty()) {
      c.out.bulk("notes");
      c.out.bulk(k.notes);
    }
    c.out.bulk("flags");
    write_words(c, k.flags, true);
    c.out.bulk("begin_search");
    c.out.map_header(2);
    c.out.bulk("type");
    c.out.bulk("index");
    c.out.bulk("spec");
    c.out.map_header(1);
    c.out.bulk("index");
    c.out.integer(k.index);
    c.out.bulk("find_keys");
    c.out.map_header(2);
    c.out.bulk("type");
    c.out.bulk("range");
    c.out.bulk("spec");
    c.out.map_header(3);
    c.out.bulk("lastkey");
    c.out.integer(k.lastkey);
    c.out.bulk("keystep");
    c.out.integer(k.keystep);
    c.out.bulk("limit");
    c.out.integer(k.limit);
  }
}

// COMMAND INFO's reply for one command (Redis 7.0's shape, 10 fields).
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
  auto categories = acl_categories(s);
  c.out.set_header(categories.size());
  for (auto cat : categories) c.out.simple(cat);
  write_words(c, s.tips, false);
  write_key_specs(c, s);
  if (s.subcommands.empty()) {
    c.out.set_header(0);
  } else {
    c.out.array_header(s.subcommands.size());
    for (const CommandSpec& sub : s.subcommands) write_command_info(c, sub);
  }
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
  if (c.argc() == 2) {
    command_plain(c);
    return;
  }
  const CommandTable& table = CommandTable::instance();
  c.out.array_header(c.argc() - 2);
  for (size_t i = 2; i < c.argc(); ++i) {
    if (const CommandSpec* s = table.find_full_name(c.arg(i))) {
      write_command_info(c, *s);
    } else {
      c.out.null();
    }
  }
}

// COMMAND DOCS for one command: summary, since, group, complexity, doc_flags and the
// subcommands' docs. Redis also describes every argument and the history of each
// command; this server does not keep those.
void write_docs(CommandContext& c, const CommandSpec& s) {
  size_t fields = 2 + (s.summary.empty() ? 0 : 1) + (s.complexity.empty() ? 0 : 1) +
                  (s.deprecated ? 1 : 0) + (s.subcommands.empty() ? 0 : 1);
  c.out.map_header(fields);
  if (!s.summary.empty()) {
    c.out.bulk("summary");
    c.out.bulk(s.summary);
  }
  c.out.bulk("since");
  c.out.bulk(s.since);
  c.out.bulk("group");
  c.out.bulk(s.group);
  if (!s.complexity.empty()) {
    c.out.bulk("complexity");
    c.out.bulk(s.complexity);
  }
  if (s.deprecated) {
    c.out.bulk("doc_flags");
    c.out.set_header(1);
    c.out.simple("deprecated");
  }
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
      if (const CommandSpec* s = table.find_full_name(c.arg(i))) specs.push_back(s);
    }
  }
  c.out.map_header(specs.size());
  for (const CommandSpec* s : specs) {
    c.out.bulk(s->name);
    write_docs(c, *s);
  }
}

// COMMAND LIST [FILTERBY (MODULE name | ACLCAT category | PATTERN pattern)]: commands and
// subcommands.
void command_list(CommandContext& c) {
  enum class Filter { kNone, kModule, kAclcat, kPattern } filter = Filter::kNone;
  std::string_view arg;
  for (size_t i = 2; i < c.argc(); ++i) {
    if (iequals(c.arg(i), "FILTERBY") && c.argc() - 1 - i == 2) {
      std::string_view type = c.arg(i + 1);
      if (iequals(type, "MODULE")) {
        filter = Filter::kModule;
      } else if (iequals(type, "ACLCAT")) {
        filter = Filter::kAclcat;
      } else if (iequals(type, "PATTERN")) {
        filter = Filter::kPattern;
      } else {
        c.out.error(kErrSyntax);
        return;
      }
      arg = c.arg(i + 2);
      i += 2;
    } else {
      c.out.error(kErrSyntax);
      return;
    }
  }
  std::vector<std::string_view> names;
  CommandTable::instance().for_each([&](const CommandSpec& s) {
    switch (filter) {
      case Filter::kNone:
        break;
      case Filter::kModule:
        return;  // no modules
      case Filter::kAclcat: {
        auto cats = acl_categories(s);
        bool match = false;
        for (auto cat : cats) match |= iequals(cat.substr(1), arg);
        if (!match) return;
        break;
      }
      case Filter::kPattern:
        if (!glob_match(arg, s.name, true)) return;
        break;
    }
    names.push_back(s.name);
  });
  c.out.array_header(names.size());
  for (auto n : names) c.out.bulk(n);
}

// COMMAND GETKEYS / GETKEYSANDFLAGS command arg...: the keys of a call, from the key specs.
void getkeys(CommandContext& c, bool with_flags) {
  std::vector<std::string_view> call(c.args.begin() + 2, c.args.end());
  const CommandSpec* s = CommandTable::instance().lookup(call);
  if (s == nullptr || s->handler == nullptr) {
    c.out.error("ERR Invalid command specified");
    return;
  }
  if (s->keys.empty()) {
    c.out.error("ERR The command has no key arguments");
    return;
  }
  int argc = static_cast<int>(call.size());
  if ((s->arity > 0 && argc != s->arity) || argc < -s->arity) {
    c.out.error("ERR Invalid number of arguments specified for command");
    return;
  }
  std::vector<std::pair<int, std::string_view>> keys;  // position, flags
  for (const KeySpec& k : s->keys) {
    if (k.index >= argc) continue;
    int last = k.lastkey >= 0 ? k.index + k.lastkey : argc + k.lastkey;
    for (int i = k.index; i <= last; i += k.keystep) {
      if (i >= argc) {
        c.out.error("ERR Invalid arguments specified for command");
        return;
      }
      std::string_view flags = k.flags;
      if (s->name == "set") {
        // As Redis's setGetKeys: RW only when GET reads the old value.
        flags = "OW update";
        for (size_t j = 3; j < call.size(); ++j) {
          if (c_str(call[j]).size() == 3 && iequals(call[j], "GET")) flags = "RW access update";
        }
      }
      keys.emplace_back(i, flags);
    }
  }
  c.out.array_header(keys.size());
  for (auto& [pos, flags] : keys) {
    if (with_flags) {
      c.out.array_header(2);
      c.out.bulk(call[static_cast<size_t>(pos)]);
      write_words(c, flags, true);
    } else {
      c.out.bulk(call[static_cast<size_t>(pos)]);
    }
  }
}
void command_getkeys(CommandContext& c) { getkeys(c, false); }
void command_getkeysandflags(CommandContext& c) { getkeys(c, true); }

void command_help(CommandContext& c) {
  reply_help(c, "COMMAND",
             {
                 "(no subcommand)",
                 "    Return details about all Redis commands.",
                 "COUNT",
                 "    Return the total number of commands in this Redis server.",
                 "LIST",
                 "    Return a list of all commands in this Redis server.",
                 "INFO [<command-name> ...]",
                 "    Return details about multiple Redis commands.",
                 "    If no command names are given, documentation details for all",
                 "    commands are returned.",
                 "DOCS [<command-name> ...]",
                 "    Return documentation details about multiple Redis commands.",
                 "    If no command names are given, documentation details for all",
                 "    commands are returned.",
                 "GETKEYS <full-command>",
                 "    Return the keys from a full Redis command.",
                 "GETKEYSANDFLAGS <full-command>",
                 "    Return the keys and the access flags from a full Redis command.",
             });
}

// ---- Keyspace-wide, time, replication, shutdown, memory ----

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
  int a, b;
  if (!parse_int_or_reply(c, c.arg(1), a, "invalid first DB index")) return;
  if (!parse_int_or_reply(c, c.arg(2), b, "invalid second DB index")) return;
  if (a < 0 || a >= Keyspace::kDatabases || b < 0 || b >= Keyspace::kDatabases) {
    c.out.error("ERR DB index is out of range");
    return;
  }
  if (a != b) c.ks.swap_db(a, b);
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

// WAIT numreplicas timeout. There are no replicas: the answer is always 0. Redis would
// first block until the timeout when numreplicas > 0 (forever with timeout 0); handlers
// here never block, so the 0 comes at once.
void wait_cmd(CommandContext& c) {
  int64_t n, timeout;
  if (!parse_i64(c.arg(1), n)) {
    c.out.error(kErrNotInteger);
    return;
  }
  if (!parse_i64(c.arg(2), timeout)) {
    c.out.error("ERR timeout is not an integer or out of range");
    return;
  }
  if (timeout < 0) {
    c.out.error("ERR timeout is negative");
    return;
  }
  c.out.integer(0);
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

// MEMORY USAGE key [SAMPLES count]: what this server spends on the key: its entry (key,
// value and header in one allocation) and its hash-table slot. Redis reports its own
// layout (robj, sds and dictEntry sizes under jemalloc), so the numbers differ.
void memory_usage(CommandContext& c) {
  for (size_t i = 3; i < c.argc(); ++i) {
    if (iequals(c.arg(i), "SAMPLES") && i + 1 < c.argc()) {
      int64_t samples;
      if (!parse_i64(c.arg(i + 1), samples)) {
        c.out.error(kErrNotInteger);
        return;
      }
      if (samples < 0) {
        c.out.error(kErrSyntax);
        return;
      }
      ++i;
    } else {
      c.out.error(kErrSyntax);
      return;
    }
  }
  c.ks.with_key(c.client.db, c.arg(2), [&](Shard& s) {
    Entry* e = s.find(c.arg(2));
    if (e == nullptr) {
      c.out.null();
      return;
    }
    c.out.integer(static_cast<int64_t>(e->allocation_size() + sizeof(Entry*) + 1));
  });
}

// Our subcommands only (Redis 7.0 also has DOCTOR, MALLOC-STATS, PURGE and STATS).
void memory_help(CommandContext& c) {
  reply_help(c, "MEMORY",
             {
                 "USAGE <key> [SAMPLES <count>]",
                 "    Return memory in bytes used by <key> and its value. Nested values are",
                 "    sampled up to <count> times (default: 5, 0 means sample all).",
             });
}

// FUNCTION FLUSH [ASYNC | SYNC]: this server has no functions (no scripting), so there is
// never anything to delete; it exists so that tools that reset a server with it (Redis's
// own test suite does) work.
void function_flush(CommandContext& c) {
  if (c.argc() > 3) {
    reply_subcommand_syntax_error(c);
    return;
  }
  if (c.argc() == 3 && !iequals(c.arg(2), "SYNC") && !iequals(c.arg(2), "ASYNC")) {
    c.out.error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
    return;
  }
  c.out.simple("OK");
}

}  // namespace

void register_server_commands(std::vector<CommandSpec>& out) {
  const uint32_t kLS = kLoading | kStale;
  auto add = [&](CommandSpec spec) {
    if (spec.group.empty()) spec.group = "server";
    if (spec.complexity.empty()) spec.complexity = "O(1)";
    out.push_back(std::move(spec));
  };
  add({.name = "info", .arity = -1, .flags = kLS, .handler = info,
       .summary = "Get information and statistics about the server", .acl = kAclDangerous,
       .tips = "nondeterministic_output request_policy:all_shards response_policy:special"});
  add({.name = "flushdb", .arity = -1, .flags = kWrite, .handler = flushdb,
       .summary = "Remove all keys from the current database",
       .complexity = "O(N) where N is the number of keys in the selected database",
       .acl = kAclKeyspace | kAclDangerous,
       .tips = "request_policy:all_shards response_policy:all_succeeded"});
  add({.name = "flushall", .arity = -1, .flags = kWrite, .handler = flushall,
       .summary = "Remove all keys from all databases",
       .complexity = "O(N) where N is the total number of keys in all databases",
       .acl = kAclKeyspace | kAclDangerous,
       .tips = "request_policy:all_shards response_policy:all_succeeded"});
  add({.name = "swapdb", .arity = 3, .flags = kWrite | kFast, .handler = swapdb,
       .summary = "Swaps two Redis databases", .since = "4.0.0",
       .complexity = "O(N) where N is the count of clients watching or blocking on keys from "
                     "both databases.",
       .acl = kAclKeyspace | kAclDangerous});
  add({.name = "time", .arity = 1, .flags = kLS | kFast, .handler = time_cmd,
       .summary = "Return the current server time", .since = "2.6.0",
       .tips = "nondeterministic_output"});
  add({.name = "wait", .arity = 3, .flags = kNoscript, .handler = wait_cmd, .group = "generic",
       .summary = "Wait for the synchronous replication of all the write commands sent in the "
                  "context of the current connection",
       .since = "3.0.0", .acl = kAclConnection,
       .tips = "request_policy:all_shards response_policy:agg_min"});
  add({.name = "shutdown", .arity = -1,
       .flags = kAdmin | kNoscript | kLS | kNoMulti | kAllowBusy, .handler = shutdown,
       .summary = "Synchronously save the dataset to disk and then shut down the server",
       .complexity = "O(N) when saving, where N is the total number of keys in all databases "
                     "when saving data, otherwise O(1)"});

  CommandSpec config{.name = "config", .arity = -2, .flags = 0, .handler = nullptr,
                     .group = "server",
                     .summary = "A container for server configuration commands",
                     .since = "2.0.0", .complexity = "Depends on subcommand."};
  const uint32_t kAdm = kAdmin | kNoscript | kLS;
  constexpr std::string_view kPerParam =
      "O(N) when N is the number of configuration parameters provided";
  config.subcommands = {
      {.name = "config|get", .arity = -3, .flags = kAdm, .handler = config_get,
       .group = "server", .summary = "Get the values of configuration parameters",
       .since = "2.0.0", .complexity = kPerParam},
      {.name = "config|set", .arity = -4, .flags = kAdm, .handler = config_set,
       .group = "server", .summary = "Set configuration parameters to the given values",
       .since = "2.0.0", .complexity = kPerParam,
       .tips = "request_policy:all_nodes response_policy:all_succeeded"},
      {.name = "config|resetstat", .arity = 2, .flags = kAdm, .handler = config_resetstat,
       .group = "server", .summary = "Reset the stats returned by INFO", .since = "2.0.0",
       .complexity = "O(1)"},
      {.name = "config|rewrite", .arity = 2, .flags = kAdm, .handler = config_rewrite,
       .group = "server",
       .summary = "Rewrite the configuration file with the in memory configuration",
       .since = "2.8.0", .complexity = "O(1)"},
      {.name = "config|help", .arity = 2, .flags = kLS, .handler = config_help,
       .group = "server", .summary = "Show helpful text about the different subcommands",
       .since = "5.0.0", .complexity = "O(1)"},
  };
  out.push_back(std::move(config));

  CommandSpec command{.name = "command", .arity = -1, .flags = kLS, .handler = command_plain,
                      .group = "server", .summary = "Get array of Redis command details",
                      .since = "2.8.13",
                      .complexity = "O(N) where N is the total number of Redis commands",
                      .acl = kAclConnection, .tips = "nondeterministic_output_order"};
  auto sub = [&](CommandSpec spec) {
    spec.group = "server";
    spec.acl |= kAclConnection;
    if (spec.complexity.empty()) spec.complexity = "O(1)";
    command.subcommands.push_back(std::move(spec));
  };
  constexpr std::string_view kLookups = "O(N) where N is the number of commands to look up";
  sub({.name = "command|count", .arity = 2, .flags = kLS, .handler = command_count,
       .summary = "Get total number of Redis commands", .since = "2.8.13"});
  sub({.name = "command|info", .arity = -2, .flags = kLS, .handler = command_info,
       .summary = "Get array of specific Redis command details, or all when no argument is "
                  "given.",
       .since = "2.8.13", .complexity = kLookups, .tips = "nondeterministic_output_order"});
  sub({.name = "command|docs", .arity = -2, .flags = kLS, .handler = command_docs,
       .summary = "Get array of specific Redis command documentation", .since = "7.0.0",
       .complexity = kLookups, .tips = "nondeterministic_output_order"});
  sub({.name = "command|list", .arity = -2, .flags = kLS, .handler = command_list,
       .summary = "Get an array of Redis command names", .since = "7.0.0",
       .complexity = "O(N) where N is the total number of Redis commands",
       .tips = "nondeterministic_output_order"});
  sub({.name = "command|getkeys", .arity = -4, .flags = kLS, .handler = command_getkeys,
       .summary = "Extract keys given a full Redis command", .since = "2.8.13",
       .complexity = "O(N) where N is the number of arguments to the command"});
  sub({.name = "command|getkeysandflags", .arity = -4, .flags = kLS,
       .handler = command_getkeysandflags,
       .summary = "Extract keys and access flags given a full Redis command", .since = "7.0.0",
       .complexity = "O(N) where N is the number of arguments to the command"});
  sub({.name = "command|help", .arity = 2, .flags = kLS, .handler = command_help,
       .summary = "Show helpful text about the different subcommands", .since = "5.0.0"});
  out.push_back(std::move(command));

  CommandSpec memory{.name = "memory", .arity = -2, .flags = 0, .handler = nullptr,
                     .group = "server",
                     .summary = "A container for memory diagnostics commands", .since = "4.0.0",
                     .complexity = "Depends on subcommand."};
  memory.subcommands = {
      {.name = "memory|usage", .arity = -3, .flags = kReadonly, .handler = memory_usage,
       .group = "server", .summary = "Estimate the memory usage of a key", .since = "4.0.0",
       .complexity = "O(N) where N is the number of samples.",
       .keys = {{.flags = "RO", .index = 2}}, .first_key = 2, .last_key = 2, .key_step = 1},
      {.name = "memory|help", .arity = 2, .flags = kLS, .handler = memory_help,
       .group = "server", .summary = "Show helpful text about the different subcommands",
       .since = "4.0.0", .complexity = "O(1)"},
  };
  out.push_back(std::move(memory));

  CommandSpec function{.name = "function", .arity = -2, .flags = 0, .handler = nullptr,
                       .group = "scripting", .summary = "A container for function commands",
                       .since = "7.0.0", .complexity = "Depends on subcommand."};
  function.subcommands = {
      {.name = "function|flush", .arity = -2, .flags = kNoscript | kWrite,
       .handler = function_flush, .group = "scripting", .summary = "Deleting all functions",
       .since = "7.0.0", .complexity = "O(N) where N is the number of functions deleted",
       .acl = kAclScripting, .tips = "request_policy:all_shards response_policy:all_succeeded"},
  };
  out.push_back(std::move(function));
}

}  // namespace corio::redis

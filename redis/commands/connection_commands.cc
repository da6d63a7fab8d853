// Connection commands: PING, ECHO, QUIT, AUTH, HELLO, SELECT, RESET, CLIENT.
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "redis/client_state.h"
#include "redis/command.h"
#include "redis/commands/util.h"
#include "redis/keyspace.h"
#include "redis/server.h"

namespace corio::redis {
namespace {

// Compares secrets in time independent of where they differ.
bool constant_time_equals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= x ^ y;
  }
  return diff == 0;
}

std::string requirepass(Server& server) {
  std::lock_guard<std::mutex> lock(server.config_mu());
  return server.config().requirepass;
}

// "default" user with `password`: true if accepted; otherwise writes the error.
bool authenticate(CommandContext& c, std::string_view user, std::string_view password) {
  std::string pass = requirepass(c.server);
  // With no password configured the default user accepts any (Redis's "nopass").
  bool ok = user == "default" && (pass.empty() || constant_time_equals(password, pass));
  if (!ok) {
    c.out.error("WRONGPASS invalid username-password pair or user is disabled.");
    return false;
  }
  c.client.authenticated = true;
  return true;
}

void ping(CommandContext& c) {
  if (c.argc() > 2) {
    c.out.error("ERR wrong number of arguments for 'ping' command");
    return;
  }
  if (c.client.protocol == 2 && c.client.subscriptions() > 0) {
    c.out.array_header(2);
    c.out.bulk("pong");
    c.out.bulk(c.argc() == 2 ? c.arg(1) : "");
    return;
  }
  if (c.argc() == 2) {
    c.out.bulk(c.arg(1));
  } else {
    c.out.simple("PONG");
  }
}

void echo(CommandContext& c) { c.out.bulk(c.arg(1)); }

void quit(CommandContext& c) {
  c.out.simple("OK");
  c.client.close_after_reply = true;
}

void auth(CommandContext& c) {
  if (c.argc() > 3) {
    c.out.error(kErrSyntax);
    return;
  }
  if (c.argc() == 2 && requirepass(c.server).empty()) {
    c.out.error(
        "ERR AUTH <password> called without any password configured for the default user. "
        "Are you sure your configuration is correct?");
    return;
  }
  std::string_view user = c.argc() == 3 ? c.arg(1) : "default";
  if (authenticate(c, user, c.arg(c.argc() - 1))) c.out.simple("OK");
}

absl::string_view av(std::string_view s) { return {s.data(), s.size()}; }


// CLIENT SETNAME's rules: printable ASCII without spaces; empty clears the name.
bool set_client_name(CommandContext& c, std::string_view name) {
  for (char ch : name) {
    if (ch < '!' || ch > '~') {
      c.out.error("ERR Client names cannot contain spaces, newlines or special characters.");
      return false;
    }
  }
  c.client.name = std::string(name);
  return true;
}

void hello(CommandContext& c) {
  int protocol = c.client.protocol;
  size_t i = 1;
  if (c.argc() >= 2) {
    int64_t v;
    if (!parse_i64(c.arg(1), v)) {
      c.out.error("ERR Protocol version is not an integer or out of range");
      return;
    }
    if (v < 2 || v > 3) {
      c.out.error("NOPROTO unsupported protocol version");
      return;
    }
    protocol = static_cast<int>(v);
    i = 2;
  }
  for (; i < c.argc(); ++i) {
    size_t more = c.argc() - 1 - i;
    if (iequals(c.arg(i), "AUTH") && more >= 2) {
      if (!authenticate(c, c.arg(i + 1), c.arg(i + 2))) return;
      i += 2;
    } else if (iequals(c.arg(i), "SETNAME") && more >= 1) {
      // Applied at once, as Redis does (even if HELLO then fails for want of AUTH).
      if (!set_client_name(c, c.arg(i + 1))) return;
      ++i;
    } else {
      c.out.error(absl::StrCat("ERR Syntax error in HELLO option '", av(c_str(c.arg(i))), "'"));
      return;
    }
  }
  if (!c.client.authenticated && !requirepass(c.server).empty()) {
    c.out.error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
        "HELLO AUTH <user> <pass> option can be used to authenticate the client and select "
        "the RESP protocol version at the same time");
    return;
  }
  c.client.protocol = protocol;
  c.out.set_protocol(protocol);
  c.out.map_header(7);
  c.out.bulk("server");
  c.out.bulk("redis");
  c.out.bulk("version");
  c.out.bulk("7.0.15");
  c.out.bulk("proto");
  c.out.integer(protocol);
  c.out.bulk("id");
  c.out.integer(static_cast<int64_t>(c.client.id));
  c.out.bulk("mode");
  c.out.bulk("standalone");
  c.out.bulk("role");
  c.out.bulk("master");
  c.out.bulk("modules");
  c.out.array_header(0);
}

void select(CommandContext& c) {
  int db;
  if (!parse_int_or_reply(c, c.arg(1), db)) return;
  if (db < 0 || db >= Keyspace::kDatabases) {
    c.out.error("ERR DB index is out of range");
    return;
  }
  c.client.db = static_cast<int>(db);
  c.out.simple("OK");
}

void reset(CommandContext& c) {
  ClientState& cl = c.client;
  cl.in_multi = false;
  cl.multi_error = false;
  cl.queued.clear();
  if (!cl.watched.empty()) c.ks.unwatch_all(cl.dirty, cl.watched);
  cl.watched.clear();
  cl.dirty->store(false);
  c.server.unsubscribe_all(&cl);
  cl.db = 0;
  cl.protocol = 2;
  c.out.set_protocol(2);
  cl.name.clear();
  cl.authenticated = requirepass(c.server).empty();
  c.out.simple("RESET");
}

// CLIENT LIST / INFO line for one client, Redis 7.0's fields.
std::string client_line(Server& server, const ClientState& cl) {
  int64_t now = server.now_ms();
  // Redis's flag letters, in its order.
  std::string flags;
  if (cl.subscriptions() > 0) flags += 'P';
  if (cl.in_multi) flags += 'x';
  if (cl.dirty->load(std::memory_order_relaxed)) flags += 'd';
  if (cl.close_after_reply) flags += 'c';
  if (cl.killed.load(std::memory_order_relaxed)) flags += 'A';
  if (cl.no_evict) flags += 'e';
  if (flags.empty()) flags = "N";
  return absl::StrCat(
      "id=", cl.id, " addr=", cl.addr, " laddr=", cl.laddr, " fd=", cl.fd, " name=", cl.name,
      " age=", (now - cl.created_ms) / 1000, " idle=", (now - cl.last_interaction_ms) / 1000,
      " flags=", flags, " db=", cl.db, " sub=", cl.channels.size(),
      " psub=", cl.patterns.size(),
      " ssub=0 multi=", cl.in_multi ? static_cast<int64_t>(cl.queued.size()) : -1,
      " qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0",
      " events=r cmd=", av(cl.last_command), " user=default redir=-1 resp=", cl.protocol, "\n");
}

void client_id(CommandContext& c) { c.out.integer(static_cast<int64_t>(c.client.id)); }

void client_setname(CommandContext& c) {
  if (set_client_name(c, c.arg(2))) c.out.simple("OK");
}

void client_getname(CommandContext& c) {
  if (c.client.name.empty()) {
    c.out.null();
  } else {
    c.out.bulk(c.client.name);
  }
}

// Redis's client types (CLIENT LIST TYPE, CLIENT KILL TYPE); nullopt for an unknown name.
enum class ClientType { kNormal, kReplica, kPubsub, kMaster };
std::optional<ClientType> client_type_by_name(std::string_view name) {
  if (iequals(name, "normal")) return ClientType::kNormal;
  if (iequals(name, "slave") || iequals(name, "replica")) return ClientType::kReplica;
  if (iequals(name, "pubsub")) return ClientType::kPubsub;
  if (iequals(name, "master")) return ClientType::kMaster;
  return std::nullopt;
}
ClientType client_type(const ClientState& cl) {
  return cl.subscriptions() > 0 ? ClientType::kPubsub : ClientType::kNormal;
}

// CLIENT LIST [TYPE type] | [ID id ...]
void client_list(CommandContext& c) {
  std::string all;
  if (c.argc() == 4 && iequals(c.arg(2), "TYPE")) {
    std::optional<ClientType> type = client_type_by_name(c.arg(3));
    if (!type) {
      c.out.error(absl::StrCat("ERR Unknown client type '", av(c_str(c.arg(3))), "'"));
      return;
    }
    c.server.for_each_client([&](ClientState& cl) {
      if (client_type(cl) == *type) all += client_line(c.server, cl);
    });
  } else if (c.argc() > 3 && iequals(c.arg(2), "ID")) {
    for (size_t i = 3; i < c.argc(); ++i) {
      int64_t id;
      if (!parse_i64(c.arg(i), id)) {
        c.out.error("ERR Invalid client ID");
        return;
      }
      c.server.for_each_client([&](ClientState& cl) {
        if (static_cast<int64_t>(cl.id) == id) all += client_line(c.server, cl);
      });
    }
  } else if (c.argc() != 2) {
    c.out.error(kErrSyntax);
    return;
  } else {
    c.server.for_each_client([&](ClientState& cl) { all += client_line(c.server, cl); });
  }
  c.out.verbatim(all);
}

void client_info(CommandContext& c) { c.out.verbatim(client_line(c.server, c.client)); }

// CLIENT KILL addr:port (may kill the caller) | CLIENT KILL <option> <value> ...
// (ID, TYPE, ADDR, LADDR, USER, SKIPME; the caller is skipped unless SKIPME no).
// A caller that kills itself gets its reply, then the connection closes.
void client_kill(CommandContext& c) {
  std::optional<std::string> addr, laddr;
  std::optional<ClientType> type;
  int64_t id = 0;
  bool skipme = true;
  bool old_form = c.argc() == 3;
  if (old_form) {
    addr = std::string(c.arg(2));
    skipme = false;
  } else {
    for (size_t i = 2; i < c.argc(); i += 2) {
      std::string_view opt = c.arg(i);
      if (i + 1 >= c.argc()) {
        c.out.error(kErrSyntax);
        return;
      }
      std::string_view val = c.arg(i + 1);
      if (iequals(opt, "ID")) {
        if (!parse_i64(val, id) || id < 1) {
          c.out.error("ERR client-id should be greater than 0");
          return;
        }
      } else if (iequals(opt, "TYPE")) {
        type = client_type_by_name(val);
        if (!type) {
          c.out.error(absl::StrCat("ERR Unknown client type '", av(c_str(val)), "'"));
          return;
        }
      } else if (iequals(opt, "ADDR")) {
        addr = std::string(c_str(val));
      } else if (iequals(opt, "LADDR")) {
        laddr = std::string(c_str(val));
      } else if (iequals(opt, "USER")) {
        // Only the default user exists.
        if (val != "default") {
          c.out.error(absl::StrCat("ERR No such user '", av(c_str(val)), "'"));
          return;
        }
      } else if (iequals(opt, "SKIPME")) {
        if (iequals(val, "yes")) {
          skipme = true;
        } else if (iequals(val, "no")) {
          skipme = false;
        } else {
          c.out.error(kErrSyntax);
          return;
        }
      } else {
        c.out.error(kErrSyntax);
        return;
      }
    }
  }
  ClientState* me = &c.client;
  bool kill_me = false;
  size_t n = c.server.kill_clients([&](ClientState& cl) {
    if (addr && cl.addr != *addr) return false;
    if (laddr && cl.laddr != *laddr) return false;
    if (type && client_type(cl) != *type) return false;
    if (id != 0 && static_cast<int64_t>(cl.id) != id) return false;
    if (&cl == me) {
      if (skipme) return false;
      kill_me = true;
      return false;  // counted below; closed after this reply
    }
    return true;
  });
  if (kill_me) {
    ++n;
    c.client.close_after_reply = true;
  }
  if (old_form) {
    if (n == 0) {
      c.out.error("ERR No such client");
    } else {
      c.out.simple("OK");
    }
  } else {
    c.out.integer(static_cast<int64_t>(n));
  }
}

// Our subcommands only (Redis 7.0 also lists CACHING, GETREDIR, PAUSE, UNPAUSE, REPLY,
// UNBLOCK, TRACKING and TRACKINGINFO, which this server does not have).
void client_help(CommandContext& c) {
  reply_help(c, "CLIENT",
             {
                 "GETNAME",
                 "    Return the name of the current connection.",
                 "ID",
                 "    Return the ID of the current connection.",
                 "INFO",
                 "    Return information about the current client connection.",
                 "KILL <ip:port>",
                 "    Kill connection made from <ip:port>.",
                 "KILL <option> <value> [<option> <value> [...]]",
                 "    Kill connections. Options are:",
                 "    * ADDR (<ip:port>|<unixsocket>:0)",
                 "      Kill connections made from the specified address",
                 "    * LADDR (<ip:port>|<unixsocket>:0)",
                 "      Kill connections made to specified local address",
                 "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                 "      Kill connections by type.",
                 "    * USER <username>",
                 "      Kill connections authenticated by <username>.",
                 "    * SKIPME (YES|NO)",
                 "      Skip killing current connection (default: yes).",
                 "LIST [options ...]",
                 "    Return information about client connections. Options:",
                 "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                 "      Return clients of specified type.",
                 "SETNAME <name>",
                 "    Assign the name <name> to the current connection.",
                 "NO-EVICT (ON|OFF)",
                 "    Protect current client connection from eviction.",
             });
}

void client_no_evict(CommandContext& c) {
  if (iequals(c.arg(2), "on")) {
    c.client.no_evict = true;
  } else if (iequals(c.arg(2), "off")) {
    c.client.no_evict = false;
  } else {
    c.out.error(kErrSyntax);
    return;
  }
  c.out.simple("OK");
}

}  // namespace

void register_connection_commands(std::vector<CommandSpec>& out) {
  const uint32_t kConn = kNoscript | kLoading | kStale;
  auto add = [&](CommandSpec spec) {
    spec.group = "connection";
    spec.acl |= kAclConnection;
    if (spec.complexity.empty()) spec.complexity = "O(1)";
    out.push_back(std::move(spec));
  };
  add({.name = "ping", .arity = -1, .flags = kFast | kSubscribed, .handler = ping,
       .summary = "Ping the server",
       .tips = "request_policy:all_shards response_policy:all_succeeded"});
  add({.name = "echo", .arity = 2, .flags = kLoading | kStale | kFast, .handler = echo,
       .summary = "Echo the given string"});
  add({.name = "quit", .arity = -1,
       .flags = kConn | kFast | kNoAuth | kAllowBusy | kSubscribed | kNotQueued,
       .handler = quit, .summary = "Close the connection"});
  add({.name = "auth", .arity = -2, .flags = kConn | kFast | kNoAuth | kAllowBusy,
       .handler = auth, .summary = "Authenticate to the server",
       .complexity = "O(N) where N is the number of passwords defined for the user"});
  add({.name = "hello", .arity = -1, .flags = kConn | kFast | kNoAuth | kAllowBusy,
       .handler = hello, .summary = "Handshake with Redis", .since = "6.0.0"});
  add({.name = "select", .arity = 2, .flags = kLoading | kStale | kFast, .handler = select,
       .summary = "Change the selected database for the current connection"});
  add({.name = "reset", .arity = 1,
       .flags = kConn | kFast | kNoAuth | kAllowBusy | kSubscribed | kNotQueued,
       .handler = reset, .summary = "Reset the connection", .since = "6.2.0"});
  CommandSpec client{.name = "client", .arity = -2, .flags = 0, .handler = nullptr,
                     .group = "connection",
                     .summary = "A container for client connection commands", .since = "2.4.0",
                     .complexity = "Depends on subcommand."};
  auto sub = [&](CommandSpec spec) {
    spec.group = "connection";
    spec.acl |= kAclConnection;
    if (spec.complexity.empty()) spec.complexity = "O(1)";
    client.subcommands.push_back(std::move(spec));
  };
  constexpr std::string_view kPerClient = "O(N) where N is the number of client connections";
  sub({.name = "client|id", .arity = 2, .flags = kConn, .handler = client_id,
       .summary = "Returns the client ID for the current connection", .since = "5.0.0"});
  sub({.name = "client|setname", .arity = 3, .flags = kConn, .handler = client_setname,
       .summary = "Set the current connection name", .since = "2.6.9"});
  sub({.name = "client|getname", .arity = 2, .flags = kConn, .handler = client_getname,
       .summary = "Get the current connection name", .since = "2.6.9"});
  sub({.name = "client|list", .arity = -2, .flags = kAdmin | kConn, .handler = client_list,
       .summary = "Get the list of client connections", .since = "2.4.0",
       .complexity = kPerClient, .tips = "nondeterministic_output"});
  sub({.name = "client|info", .arity = 2, .flags = kConn, .handler = client_info,
       .summary = "Returns information about the current client connection.",
       .since = "6.2.0", .tips = "nondeterministic_output"});
  sub({.name = "client|kill", .arity = -3, .flags = kAdmin | kConn, .handler = client_kill,
       .summary = "Kill the connection of a client", .since = "2.4.0",
       .complexity = kPerClient});
  sub({.name = "client|help", .arity = 2, .flags = kLoading | kStale, .handler = client_help,
       .summary = "Show helpful text about the different subcommands", .since = "5.0.0"});
  sub({.name = "client|no-evict", .arity = 3, .flags = kAdmin | kConn,
       .handler = client_no_evict,
       .summary = "Set client eviction mode for the current connection", .since = "7.0.0"});
  out.push_back(std::move(client));
}

}  // namespace corio::redis

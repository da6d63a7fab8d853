// Connection commands: PING, ECHO, QUIT, AUTH, HELLO, SELECT, RESET, CLIENT.
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

bool valid_client_name(std::string_view name) {
  for (char ch : name) {
    if (ch < '!' || ch > '~') return false;
  }
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
  std::string_view setname;
  bool has_setname = false;
  for (; i < c.argc(); ++i) {
    bool more = i + 1 < c.argc();
    if (iequals(c.arg(i), "AUTH") && i + 2 < c.argc()) {
      if (!authenticate(c, c.arg(i + 1), c.arg(i + 2))) return;
      i += 2;
    } else if (iequals(c.arg(i), "SETNAME") && more) {
      setname = c.arg(i + 1);
      has_setname = true;
      ++i;
    } else {
      c.out.error(absl::StrCat("ERR Syntax error in HELLO option '",
                               absl::string_view(c.arg(i).data(), c.arg(i).size()), "'"));
      return;
    }
  }
  if (!c.client.authenticated && !requirepass(c.server).empty()) {
    c.out.error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
        "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and "
        "select the RESP protocol version at the same time");
    return;
  }
  if (has_setname) {
    if (!valid_client_name(setname)) {
      c.out.error("ERR Client names cannot contain spaces, newlines or special characters.");
      return;
    }
    c.client.name = std::string(setname);
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
  int64_t db;
  if (!parse_i64(c.arg(1), db)) {
    c.out.error(kErrNotInteger);
    return;
  }
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
  for (const auto& ch : std::vector<std::string>(cl.channels.begin(), cl.channels.end())) {
    c.server.unsubscribe(&cl, ch);
  }
  for (const auto& p : std::vector<std::string>(cl.patterns.begin(), cl.patterns.end())) {
    c.server.punsubscribe(&cl, p);
  }
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
  std::string flags;
  if (cl.in_multi) flags += 'x';
  if (cl.subscriptions() > 0) flags += 'P';
  if (flags.empty()) flags = "N";
  return absl::StrCat(
      "id=", cl.id, " addr=", cl.addr, " laddr=", cl.laddr, " fd=", cl.fd, " name=", cl.name,
      " age=", (now - cl.created_ms) / 1000, " idle=", (now - cl.last_interaction_ms) / 1000,
      " flags=", flags, " db=", cl.db, " sub=", cl.channels.size(),
      " psub=", cl.patterns.size(), " ssub=0 multi=", cl.in_multi ? static_cast<int64_t>(cl.queued.size()) : -1,
      " qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0",
      " events=r cmd=", cl.last_command, " user=default redir=-1 resp=", cl.protocol, "\n");
}

void client_id(CommandContext& c) { c.out.integer(static_cast<int64_t>(c.client.id)); }

void client_setname(CommandContext& c) {
  if (!valid_client_name(c.arg(2))) {
    c.out.error("ERR Client names cannot contain spaces, newlines or special characters.");
    return;
  }
  c.client.name = std::string(c.arg(2));
  c.out.simple("OK");
}

void client_getname(CommandContext& c) {
  if (c.client.name.empty()) {
    c.out.null();
  } else {
    c.out.bulk(c.client.name);
  }
}

void client_list(CommandContext& c) {
  std::string all;
  if (c.argc() > 2) {
    // CLIENT LIST ID id... / TYPE normal|pubsub...
    if (iequals(c.arg(2), "ID") && c.argc() > 3) {
      std::vector<int64_t> ids;
      for (size_t i = 3; i < c.argc(); ++i) {
        int64_t id;
        if (!parse_i64(c.arg(i), id) || id <= 0) {
          c.out.error("ERR Invalid client ID");
          return;
        }
        ids.push_back(id);
      }
      c.server.for_each_client([&](ClientState& cl) {
        for (int64_t id : ids) {
          if (static_cast<int64_t>(cl.id) == id) all += client_line(c.server, cl);
        }
      });
    } else if (iequals(c.arg(2), "TYPE") && c.argc() == 4) {
      bool pubsub = iequals(c.arg(3), "pubsub");
      if (!pubsub && !iequals(c.arg(3), "normal") && !iequals(c.arg(3), "master") &&
          !iequals(c.arg(3), "replica")) {
        c.out.error(absl::StrCat("ERR Unknown client type '",
                                 absl::string_view(c.arg(3).data(), c.arg(3).size()), "'"));
        return;
      }
      c.server.for_each_client([&](ClientState& cl) {
        if (iequals(c.arg(3), "normal") && cl.subscriptions() == 0) all += client_line(c.server, cl);
        if (pubsub && cl.subscriptions() > 0) all += client_line(c.server, cl);
      });
    } else {
      c.out.error(kErrSyntax);
      return;
    }
  } else {
    c.server.for_each_client([&](ClientState& cl) { all += client_line(c.server, cl); });
  }
  c.out.verbatim(all);
}

void client_info(CommandContext& c) { c.out.verbatim(client_line(c.server, c.client)); }

void client_kill(CommandContext& c) {
  if (c.argc() == 3) {
    // Old form: CLIENT KILL addr:port
    std::string addr(c.arg(2));
    size_t n = c.server.kill_clients([&](ClientState& cl) { return cl.addr == addr; });
    if (n == 0) {
      c.out.error("ERR No such client");
    } else {
      c.out.simple("OK");
    }
    return;
  }
  if ((c.argc() - 2) % 2 != 0) {
    c.out.error(kErrSyntax);
    return;
  }
  int64_t id = -1;
  std::string addr, laddr;
  bool skipme = true;
  for (size_t i = 2; i + 1 < c.argc(); i += 2) {
    std::string_view opt = c.arg(i), val = c.arg(i + 1);
    if (iequals(opt, "ID")) {
      if (!parse_i64(val, id) || id <= 0) {
        c.out.error("ERR client-id should be greater than 0");
        return;
      }
    } else if (iequals(opt, "ADDR")) {
      addr = std::string(val);
    } else if (iequals(opt, "LADDR")) {
      laddr = std::string(val);
    } else if (iequals(opt, "SKIPME")) {
      if (iequals(val, "yes")) {
        skipme = true;
      } else if (iequals(val, "no")) {
        skipme = false;
      } else {
        c.out.error(kErrSyntax);
        return;
      }
    } else if (iequals(opt, "TYPE") || iequals(opt, "USER") || iequals(opt, "MAXAGE")) {
      // Accepted; this server has only normal clients of the default user.
    } else {
      c.out.error(kErrSyntax);
      return;
    }
  }
  ClientState* me = &c.client;
  size_t n = c.server.kill_clients([&](ClientState& cl) {
    if (skipme && &cl == me) return false;
    if (id > 0 && static_cast<int64_t>(cl.id) != id) return false;
    if (!addr.empty() && cl.addr != addr) return false;
    if (!laddr.empty() && cl.laddr != laddr) return false;
    return true;
  });
  c.out.integer(static_cast<int64_t>(n));
}

void client_help(CommandContext& c) {
  static constexpr std::string_view kLines[] = {
      "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ID", "    Return the ID of the current connection.",
      "INFO", "    Return information about the current client connection.",
      "KILL <ip:port>", "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are: ID, ADDR, LADDR, SKIPME.",
      "LIST [options ...]", "    Return information about client connections.",
      "GETNAME", "    Return the name of the current connection.",
      "SETNAME <name>", "    Assign the name <name> to the current connection.",
      "HELP", "    Print this help.",
  };
  c.out.array_header(std::size(kLines));
  for (auto l : kLines) c.out.simple(l);
}

void client_noop_ok(CommandContext& c) { c.out.simple("OK"); }

}  // namespace

void register_connection_commands(std::vector<CommandSpec>& out) {
  const uint32_t kConn = kNoscript | kLoading | kStale;
  out.push_back({"ping", -1, kFast | kSubscribed, 0, 0, 0, ping, "connection",
                 "Ping the server"});
  out.push_back({"echo", 2, kFast, 0, 0, 0, echo, "connection", "Echo the given string"});
  out.push_back({"quit", -1, kConn | kFast | kNoAuth | kAllowBusy | kNoMulti | kSubscribed, 0, 0,
                 0, quit, "connection", "Close the connection"});
  out.push_back({"auth", -2, kConn | kFast | kNoAuth | kAllowBusy | kSkipMonitor, 0, 0, 0, auth,
                 "connection", "Authenticate to the server"});
  out.push_back({"hello", -1, kConn | kFast | kNoAuth | kAllowBusy | kSkipMonitor, 0, 0, 0, hello,
                 "connection", "Handshake with Redis", "6.0.0"});
  out.push_back({"select", 2, kConn | kFast, 0, 0, 0, select, "connection",
                 "Change the selected database for the current connection"});
  out.push_back({"reset", 1, kConn | kFast | kNoAuth | kAllowBusy | kNoMulti | kSubscribed, 0, 0,
                 0, reset, "connection", "Reset the connection", "6.2.0"});
  CommandSpec client{"client", -2, 0, 0, 0, 0, nullptr, "connection",
                     "A container for client connection commands"};
  client.subcommands = {
      {"client|id", 2, kConn, 0, 0, 0, client_id, "connection", "Returns the client ID"},
      {"client|setname", 3, kConn, 0, 0, 0, client_setname, "connection",
       "Set the current connection name"},
      {"client|getname", 2, kConn, 0, 0, 0, client_getname, "connection",
       "Get the current connection name"},
      {"client|list", -2, kAdmin | kConn, 0, 0, 0, client_list, "connection",
       "Get the list of client connections"},
      {"client|info", 2, kConn, 0, 0, 0, client_info, "connection",
       "Returns information about the current client connection."},
      {"client|kill", -3, kAdmin | kConn, 0, 0, 0, client_kill, "connection",
       "Kill the connection of a client"},
      {"client|help", 2, kConn, 0, 0, 0, client_help, "connection", "Show helpful text"},
      {"client|setinfo", 4, kConn, 0, 0, 0, client_noop_ok, "connection",
       "Set client library name/version (accepted and ignored)"},
      {"client|no-evict", 3, kAdmin | kConn, 0, 0, 0, client_noop_ok, "connection",
       "Set client eviction mode (accepted and ignored)"},
  };
  out.push_back(std::move(client));
}

}  // namespace corio::redis

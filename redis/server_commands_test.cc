// Differential tests (against redis-server 7.0) for the server commands: CONFIG (GET, SET,
// RESETSTAT, REWRITE, HELP), COMMAND (COUNT, INFO, DOCS, LIST, GETKEYS, GETKEYSANDFLAGS,
// HELP), TIME, INFO, DBSIZE, WAIT, SHUTDOWN's errors, and the command table itself: every
// command we have must describe itself (COMMAND INFO) exactly as Redis describes it.
#include <algorithm>
#include <string>
#include <vector>

#include "redis/command_table.h"
#include "redis/testing/differential.h"

namespace corio::redis::testing {
namespace {

class ServerCommandsTest : public DifferentialTest {};

// ---- The command table ----

TEST_F(ServerCommandsTest, CommandInfoOfEveryCommandMatches) {
  DiffClient& c = client();
  int checked = 0;
  CommandTable::instance().for_each([&](const CommandSpec& spec) {
    // A container lists its subcommands, and Redis has more of them than we do (each of
    // ours is checked on its own by its full name).
    if (!spec.subcommands.empty()) return;
    EXPECT_SAME(c, "COMMAND", "INFO", std::string(spec.name));
    ++checked;
  });
  EXPECT_GT(checked, 80);
}

TEST_F(ServerCommandsTest, CommandInfoInResp3) {
  DiffClient& c = client();
  EXPECT_TRUE(c.Same({"HELLO", "3"}, HelloId()));
  for (const char* name : {"get", "set", "mset", "rename", "lcs", "exec", "ping", "client|kill",
                           "object|encoding", "memory|usage", "config|set", "keys"}) {
    EXPECT_SAME(c, "COMMAND", "INFO", name);
  }
}

TEST_F(ServerCommandsTest, CommandInfoArguments) {
  DiffClient& c = client();
  EXPECT_SAME(c, "COMMAND", "INFO", "nosuch");
  EXPECT_SAME(c, "COMMAND", "INFO", "GET", "nosuch", "Set");
  EXPECT_SAME(c, "COMMAND", "INFO", "client|nosuch");
  EXPECT_SAME(c, "COMMAND", "INFO", "nosuch|id");
  EXPECT_SAME(c, "COMMAND", "INFO", "CLIENT|ID");
  EXPECT_SAME(c, "COMMAND", "INFO", "get|x");
  EXPECT_TRUE(c.Same({"HELLO", "3"}, HelloId()));
  EXPECT_SAME(c, "COMMAND", "INFO", "nosuch");
}

// COMMAND DOCS: Redis also describes each command's arguments and history (and when a
// command was deprecated, by what); we keep summary, since, group, complexity and
// doc_flags, which must be Redis's.
TEST_F(ServerCommandsTest, CommandDocsOfEveryCommandMatchesWithoutArguments) {
  DiffClient& c = client();
  EXPECT_TRUE(c.Same({"HELLO", "3"}, HelloId()));
  Normalizer without_arguments =
      DropMapEntries({"arguments", "history", "deprecated_since", "replaced_by"});
  CommandTable::instance().for_each([&](const CommandSpec& spec) {
    if (!spec.subcommands.empty()) return;
    EXPECT_TRUE(c.Same({"COMMAND", "DOCS", std::string(spec.name)}, without_arguments));
  });
}

TEST_F(ServerCommandsTest, CommandDocsExactForCommandsWithoutArguments) {
  DiffClient& c = client();
  for (const char* name : {"randomkey", "dbsize", "quit", "reset", "multi", "exec", "discard",
                           "unwatch", "time", "client|id", "client|getname", "client|info",
                           "object|help", "config|resetstat", "command|count"}) {
    EXPECT_SAME(c, "COMMAND", "DOCS", name);
  }
  EXPECT_SAME(c, "COMMAND", "DOCS", "nosuch");
  EXPECT_SAME(c, "COMMAND", "DOCS", "nosuch", "dbsize", "nosuch2");
  EXPECT_TRUE(c.Same({"HELLO", "3"}, HelloId()));
  EXPECT_SAME(c, "COMMAND", "DOCS", "nosuch");
  EXPECT_SAME(c, "COMMAND", "DOCS", "dbsize", "time");
}

TEST_F(ServerCommandsTest, CommandList) {
  DiffClient& c = client();
  EXPECT_SAME(c, "COMMAND", "LIST", "FILTERBY");
  EXPECT_SAME(c, "COMMAND", "LIST", "FILTERBY", "pattern");
  EXPECT_SAME(c, "COMMAND", "LIST", "FOO");
  EXPECT_SAME(c, "COMMAND", "LIST", "FILTERBY", "nosuch", "x");
  EXPECT_SAME(c, "COMMAND", "LIST", "FILTERBY", "pattern", "a", "b");
  EXPECT_SAME(c, "COMMAND", "LIST", "FILTERBY", "MODULE", "nosuch");
  EXPECT_SAME(c, "COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch");
  // Patterns and categories that only match commands we have.
  for (const char* p : {"incr*", "*expire*", "p*ttl", "CONFIG|GET", "nosuch*", "getdel"}) {
    EXPECT_TRUE(c.Same({"COMMAND", "LIST", "FILTERBY", "PATTERN", p}, SortedArray())) << p;
  }
  EXPECT_TRUE(c.Same({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "transaction"}, SortedArray()));
}

TEST_F(ServerCommandsTest, CommandGetkeys) {
  DiffClient& c = client();
  EXPECT_SAME(c, "COMMAND", "GETKEYS");
  EXPECT_SAME(c, "COMMAND", "GETKEYS", "get");
  EXPECT_SAME(c, "COMMAND", "GETKEYS", "get", "a");
  EXPECT_SAME(c, "COMMAND", "GETKEYS", "GET", "a", "b");
  EXPECT_SAME(c, "COMMAND", "GETKEYS", "nosuch", "a");
  EXPECT_SAME(c, "COMMAND", "GETKEYS", "ping", "a");
  EXPECT_SAME(c, "COMMAND", "GETKEYS", "mset", "a");
  EXPECT_SAME(c, "COMMAND", "GETKEYS", "mset", "a", "1", "b", "2");
  EXPECT_SAME(c, "COMMAND", "GETKEYS", "mset", "a", "1", "b");
  EXPECT_SAME(c, "COMMAND", "GETKEYS", "del", "a", "b", "c");
  EXPECT_SAME(c, "COMMAND", "GETKEYS", "rename", "a", "b");
  EXPECT_SAME(c, "COMMAND", "GETKEYS", "lcs", "a", "b", "IDX");
  EXPECT_SAME(c, "COMMAND", "GETKEYS", "set", "a", "v", "EX", "10");
  EXPECT_SAME(c, "COMMAND", "GETKEYS", "object", "encoding", "k");
  EXPECT_SAME(c, "COMMAND", "GETKEYS", "memory", "usage", "k");
  EXPECT_SAME(c, "COMMAND", "GETKEYS", "client", "id");
  EXPECT_SAME(c, "COMMAND", "GETKEYS", "client", "nosuch");
  EXPECT_SAME(c, "COMMAND", "GETKEYS", "watch", "a", "b");
  EXPECT_SAME(c, "COMMAND", "GETKEYSANDFLAGS", "set", "a", "v");
  EXPECT_SAME(c, "COMMAND", "GETKEYSANDFLAGS", "set", "a", "v", "get");
  EXPECT_SAME(c, "COMMAND", "GETKEYSANDFLAGS", "set", "a", "v", "EX", "1", "GET");
  EXPECT_SAME(c, "COMMAND", "GETKEYSANDFLAGS", "rename", "a", "b");
  EXPECT_SAME(c, "COMMAND", "GETKEYSANDFLAGS", "copy", "a", "b");
  EXPECT_SAME(c, "COMMAND", "GETKEYSANDFLAGS", "msetnx", "a", "1", "b", "2");
  EXPECT_SAME(c, "COMMAND", "GETKEYSANDFLAGS", "ping");
}

TEST_F(ServerCommandsTest, CommandHelpAndErrors) {
  DiffClient& c = client();
  EXPECT_SAME(c, "COMMAND", "HELP");
  EXPECT_SAME(c, "COMMAND", "HELP", "x");
  EXPECT_SAME(c, "COMMAND", "COUNT", "x");
  EXPECT_SAME(c, "COMMAND", "FOO");
}

TEST_F(ServerCommandsTest, KnownDifferenceCommandCountIsOursAlone) {
  // Redis 7.0 has 240 commands; this server implements fewer (no lists, hashes, sets,
  // sorted sets, streams, scripting, cluster, replication...). So COMMAND, COMMAND INFO and
  // COMMAND DOCS without arguments, and COMMAND LIST, list fewer commands too.
  DiffClient& c = client();
  auto r = c.Exchange(EncodeCommand({"COMMAND", "COUNT"}));
  ASSERT_TRUE(r.ours.ok() && r.theirs.ok());
  EXPECT_EQ(*r.theirs, ":240\r\n");
  EXPECT_EQ(*r.ours, ":" + std::to_string(CommandTable::instance().all().size()) + "\r\n");
}

// ---- CONFIG ----

TEST_F(ServerCommandsTest, ConfigGet) {
  DiffClient& c = client();
  EXPECT_SAME(c, "CONFIG");
  EXPECT_SAME(c, "CONFIG", "GET");
  for (const char* p : {"maxclients", "MAXCLIENTS", "MaxClients", "nosuch", "databases",
                        "maxmemory", "maxmemory-policy", "proto-max-bulk-len", "requirepass",
                        "appendonly", "save", "timeout", "hz", "notify-keyspace-events",
                        "bind"}) {
    EXPECT_SAME(c, "CONFIG", "GET", p);
  }
  EXPECT_TRUE(c.Same({"CONFIG", "GET", "maxclients", "databases", "MAXCLIENTS", "nosuch"},
                     SortedPairs()));
  EXPECT_TRUE(c.Same({"HELLO", "3"}, HelloId()));
  EXPECT_SAME(c, "CONFIG", "GET", "maxclients");
  EXPECT_TRUE(c.Same({"CONFIG", "GET", "databases", "maxclients"}, SortedPairs()));
  EXPECT_SAME(c, "CONFIG", "GET", "nosuch");
}

TEST_F(ServerCommandsTest, ConfigSet) {
  DiffClient& c = client();
  EXPECT_SAME(c, "CONFIG", "SET");
  EXPECT_SAME(c, "CONFIG", "SET", "maxclients");
  EXPECT_SAME(c, "CONFIG", "SET", "maxclients", "100", "x");
  EXPECT_SAME(c, "CONFIG", "SET", "nosuch", "1");
  EXPECT_SAME(c, "CONFIG", "SET", "nosuch", "1", "maxclients", "abc");
  EXPECT_SAME(c, "CONFIG", "SET", "maxclients", "abc", "nosuch", "1");
  for (const char* v : {"abc", "0", "-1", "1.5", "", "4294967296", "9223372036854775808"}) {
    EXPECT_SAME(c, "CONFIG", "SET", "maxclients", v);
    EXPECT_SAME(c, "CONFIG", "SET", "MAXCLIENTS", v);
  }
  EXPECT_SAME(c, "CONFIG", "SET", "maxclients", "100", "maxclients", "200");
  EXPECT_SAME(c, "CONFIG", "SET", "maxclients", "100", "MAXCLIENTS", "200");
  EXPECT_SAME(c, "CONFIG", "SET", "maxclients", "5000");
  EXPECT_SAME(c, "CONFIG", "GET", "maxclients");
  // All or nothing: the second value is bad, the first is not applied.
  EXPECT_SAME(c, "CONFIG", "SET", "maxclients", "6000", "proto-max-bulk-len", "abc");
  EXPECT_SAME(c, "CONFIG", "GET", "maxclients");
  for (const char* v : {"1", "1mb", "512mb", "1MB", "1gb", "1048576", "1048575", "1k", "2kb",
                        "1m", "10g", "abc", "-1", "", "1.5mb", "mb", "99999999999999999999"}) {
    EXPECT_SAME(c, "CONFIG", "SET", "proto-max-bulk-len", v);
    EXPECT_SAME(c, "CONFIG", "GET", "proto-max-bulk-len");
  }
  EXPECT_SAME(c, "CONFIG", "SET", "proto-max-bulk-len", "512mb", "maxclients", "10000");
  EXPECT_SAME(c, "CONFIG", "SET", "databases", "4");  // immutable
  EXPECT_SAME(c, "CONFIG", "SET", "maxclients", "10", "databases", "4");
}

TEST_F(ServerCommandsTest, ConfigSetProtoMaxBulkLenLimitsAppend) {
  DiffClient& c = client();
  EXPECT_SAME(c, "CONFIG", "SET", "proto-max-bulk-len", "1mb");
  EXPECT_SAME(c, "SET", "k", std::string(1024 * 1024 - 1, 'x'));
  EXPECT_SAME(c, "APPEND", "k", "y");
  EXPECT_SAME(c, "APPEND", "k", "z");
  EXPECT_SAME(c, "SETRANGE", "k", "1048576", "z");
  EXPECT_SAME(c, "SETRANGE", "k", "1048575", "z");
  EXPECT_SAME(c, "CONFIG", "SET", "proto-max-bulk-len", "512mb");
}

TEST_F(ServerCommandsTest, ConfigResetstatRewriteHelp) {
  DiffClient& c = client();
  EXPECT_SAME(c, "CONFIG", "RESETSTAT");
  EXPECT_SAME(c, "CONFIG", "RESETSTAT", "x");
  EXPECT_SAME(c, "CONFIG", "REWRITE");  // no config file on either
  EXPECT_SAME(c, "CONFIG", "HELP");
  EXPECT_SAME(c, "CONFIG", "help", "x");
}

// ---- INFO ----

// The sections INFO shows, without their contents (which are each server's own).
Normalizer InfoSections() {
  return [](std::string_view raw) {
    std::string out;
    size_t pos = 0;
    while ((pos = raw.find("# ", pos)) != std::string_view::npos) {
      if (pos == 0 || raw[pos - 1] == '\n') {
        size_t end = raw.find("\r\n", pos);
        out += std::string(raw.substr(pos, end - pos)) + ";";
      }
      pos += 2;
    }
    return out;
  };
}

TEST_F(ServerCommandsTest, InfoSections) {
  DiffClient& c = client();
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"INFO"}, {"INFO", "default"}, {"INFO", "all"}, {"INFO", "everything"},
           {"INFO", "server"}, {"INFO", "SERVER"}, {"INFO", "clients"}, {"INFO", "memory"},
           {"INFO", "persistence"}, {"INFO", "stats"}, {"INFO", "replication"},
           {"INFO", "cpu"}, {"INFO", "commandstats"}, {"INFO", "errorstats"},
           {"INFO", "cluster"}, {"INFO", "keyspace"}, {"INFO", "cpu", "server"},
           {"INFO", "cpu", "all"}, {"INFO", "cpu", "default"}, {"INFO", "nosuch"},
           {"INFO", "cpu", "cpu"}, {"INFO", "modules"}}) {
    EXPECT_TRUE(c.Same(args, InfoSections())) << args.back();
  }
  // The reply is a bulk string in RESP2 and a verbatim string in RESP3.
  EXPECT_TRUE(c.Same({"INFO", "nosuch"}));
  EXPECT_TRUE(c.Same({"HELLO", "3"}, HelloId()));
  EXPECT_TRUE(c.Same({"INFO", "nosuch"}));
  EXPECT_TRUE(c.Same({"INFO", "cluster"}));
}

TEST_F(ServerCommandsTest, InfoKeyspace) {
  DiffClient& c = client();
  EXPECT_SAME(c, "INFO", "keyspace");
  EXPECT_SAME(c, "MSET", "a", "1", "b", "2");
  EXPECT_SAME(c, "SELECT", "5");
  EXPECT_SAME(c, "SET", "c", "1");
  EXPECT_SAME(c, "INFO", "keyspace");
  EXPECT_SAME(c, "INFO", "KEYSPACE");
  EXPECT_SAME(c, "INFO", "cluster", "keyspace");
}

// Keeps the lines of INFO that start with one of `prefixes`.
Normalizer InfoLines(std::vector<std::string> prefixes) {
  return [prefixes](std::string_view raw) {
    std::string out;
    std::vector<std::string> lines;
    size_t pos = 0;
    while (pos < raw.size()) {
      size_t end = raw.find("\r\n", pos);
      if (end == std::string_view::npos) end = raw.size();
      std::string_view line = raw.substr(pos, end - pos);
      for (const auto& p : prefixes) {
        if (line.substr(0, p.size()) == p) lines.emplace_back(line);
      }
      pos = end + 2;
    }
    // Sorted: Redis lists commands and errors in its hash tables' order.
    std::sort(lines.begin(), lines.end());
    for (const auto& l : lines) out += l + ";";
    return out;
  };
}

TEST_F(ServerCommandsTest, InfoCountsCommandsAndErrors) {
  DiffClient& c = client();
  EXPECT_SAME(c, "SET", "k", "v");
  EXPECT_SAME(c, "GET", "k");
  EXPECT_SAME(c, "GET", "nokey");
  EXPECT_SAME(c, "GET");               // rejected: arity
  EXPECT_SAME(c, "INCR", "k");         // failed: not an integer
  EXPECT_SAME(c, "NOSUCH");            // unknown: an error, but no command
  EXPECT_SAME(c, "AUTH", "x", "y");    // WRONGPASS
  EXPECT_SAME(c, "CLIENT", "NOSUCH");  // unknown subcommand
  Normalizer stats = InfoLines({"cmdstat_get:", "cmdstat_set:", "cmdstat_incr:",
                                "errorstat_", "keyspace_hits", "keyspace_misses",
                                "total_error_replies"});
  // usec and usec_per_call are timings: drop them.
  Normalizer no_timing = Replace({{R"(usec=\d+,usec_per_call=[0-9.]+,)", ""}});
  EXPECT_TRUE(c.Same({"INFO", "commandstats"}, Then(stats, no_timing)));
  EXPECT_TRUE(c.Same({"INFO", "errorstats"}, stats));
  EXPECT_TRUE(c.Same({"INFO", "stats"}, stats));
  EXPECT_SAME(c, "CONFIG", "RESETSTAT");
  EXPECT_TRUE(c.Same({"INFO", "commandstats"}, Then(stats, no_timing)));
  EXPECT_TRUE(c.Same({"INFO", "errorstats"}, stats));
}

// ---- FUNCTION FLUSH (nothing to flush: no scripting here) ----

TEST_F(ServerCommandsTest, FunctionFlush) {
  DiffClient& c = client();
  EXPECT_SAME(c, "FUNCTION", "FLUSH");
  EXPECT_SAME(c, "FUNCTION", "FLUSH", "ASYNC");
  EXPECT_SAME(c, "FUNCTION", "flush", "sync");
  EXPECT_SAME(c, "FUNCTION", "FLUSH", "x");
  EXPECT_SAME(c, "FUNCTION", "FLUSH", "SYNC", "x");
  EXPECT_SAME(c, "FUNCTION");
}

// ---- TIME, DBSIZE, WAIT, SHUTDOWN ----

TEST_F(ServerCommandsTest, Time) {
  DiffClient& c = client();
  // Two bulk strings: seconds and microseconds.
  EXPECT_TRUE(c.Same({"TIME"}, Replace({{R"(\$\d+\r\n\d+\r\n)", "$$<n>\r\n<digits>\r\n"}})));
  EXPECT_SAME(c, "TIME", "x");
  EXPECT_TRUE(c.Same({"HELLO", "3"}, HelloId()));
  EXPECT_TRUE(c.Same({"TIME"}, Replace({{R"(\$\d+\r\n\d+\r\n)", "$$<n>\r\n<digits>\r\n"}})));
}

TEST_F(ServerCommandsTest, Dbsize) {
  DiffClient& c = client();
  EXPECT_SAME(c, "DBSIZE");
  EXPECT_SAME(c, "MSET", "a", "1", "b", "2");
  EXPECT_SAME(c, "DBSIZE");
  EXPECT_SAME(c, "SELECT", "1");
  EXPECT_SAME(c, "DBSIZE");
}

TEST_F(ServerCommandsTest, Wait) {
  DiffClient& c = client();
  EXPECT_SAME(c, "WAIT");
  EXPECT_SAME(c, "WAIT", "0");
  EXPECT_SAME(c, "WAIT", "0", "0");
  EXPECT_SAME(c, "WAIT", "0", "100");
  for (const char* v : {"a", "1.5", "", "9223372036854775808"}) {
    EXPECT_SAME(c, "WAIT", v, "0");
    EXPECT_SAME(c, "WAIT", "0", v);
  }
  EXPECT_SAME(c, "WAIT", "0", "-1");
  EXPECT_SAME(c, "WAIT", "-1", "0");
  EXPECT_SAME(c, "WAIT", "0", "9223372036854775807");
  EXPECT_SAME(c, "WAIT", "1", "1");  // Redis blocks 1 ms first; either way no replica acked
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "WAIT", "1", "0");
  EXPECT_SAME(c, "EXEC");  // inside MULTI Redis answers at once too
}

TEST_F(ServerCommandsTest, ShutdownErrorsDoNotShutDown) {
  DiffClient& c = client();
  EXPECT_SAME(c, "SHUTDOWN", "foo");
  EXPECT_SAME(c, "SHUTDOWN", "ABORT");  // nothing to abort
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "SHUTDOWN");  // not allowed inside a transaction
  EXPECT_SAME(c, "EXEC");
  EXPECT_SAME(c, "PING");
}

}  // namespace
}  // namespace corio::redis::testing

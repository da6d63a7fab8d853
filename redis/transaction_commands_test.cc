// Differential tests (against redis-server 7.0) for transactions: MULTI, EXEC, DISCARD,
// WATCH, UNWATCH; EXECABORT after a command failed to queue; a watched key touched by
// another client, by expiry, by FLUSHDB/FLUSHALL/SWAPDB makes EXEC return a null array.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "redis/testing/differential.h"

namespace corio::redis::testing {
namespace {

class TransactionCommandsTest : public DifferentialTest {};

TEST_F(TransactionCommandsTest, ArityAndMisuse) {
  DiffClient& c = client();
  EXPECT_SAME(c, "MULTI", "x");
  EXPECT_SAME(c, "EXEC", "x");  // a refused EXEC answers EXECABORT, even outside MULTI
  EXPECT_SAME(c, "DISCARD", "x");
  EXPECT_SAME(c, "WATCH");
  EXPECT_SAME(c, "UNWATCH", "x");
  EXPECT_SAME(c, "EXEC");
  EXPECT_SAME(c, "DISCARD");
  EXPECT_SAME(c, "UNWATCH");
  EXPECT_SAME(c, "WATCH", "a", "a", "b");
}

TEST_F(TransactionCommandsTest, QueueAndExec) {
  DiffClient& c = client();
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "MULTI");  // nested: an error, the transaction goes on
  EXPECT_SAME(c, "SET", "a", "1");
  EXPECT_SAME(c, "INCR", "a");
  EXPECT_SAME(c, "GET", "a");
  EXPECT_SAME(c, "PING");
  EXPECT_SAME(c, "ECHO", "x");
  EXPECT_SAME(c, "WATCH", "a");  // not allowed inside MULTI, not queued either
  EXPECT_SAME(c, "EXEC");
  EXPECT_SAME(c, "EXEC");
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "EXEC");  // empty
}

TEST_F(TransactionCommandsTest, RuntimeErrorsDoNotAbort) {
  DiffClient& c = client();
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "SET", "a", "abc");
  EXPECT_SAME(c, "INCR", "a");
  EXPECT_SAME(c, "SET", "a", "v", "EX", "0");
  EXPECT_SAME(c, "GET", "a");
  EXPECT_SAME(c, "EXEC");
}

TEST_F(TransactionCommandsTest, QueueingErrorsAbort) {
  DiffClient& c = client();
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "SET", "a", "1");
  EXPECT_SAME(c, "NOSUCHCMD");
  EXPECT_SAME(c, "GET", "a", "b");
  EXPECT_SAME(c, "CLIENT", "NOSUCH");
  EXPECT_SAME(c, "EXEC");
  EXPECT_SAME(c, "GET", "a");
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "GET");
  EXPECT_SAME(c, "EXEC", "x");  // still EXECABORT, with the arity message
  EXPECT_SAME(c, "EXEC");       // the transaction is gone
}

TEST_F(TransactionCommandsTest, Discard) {
  DiffClient& c = client();
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "SET", "a", "1");
  EXPECT_SAME(c, "DISCARD");
  EXPECT_SAME(c, "GET", "a");
  EXPECT_SAME(c, "DISCARD");
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "NOSUCH");
  EXPECT_SAME(c, "DISCARD");  // clears the error too
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "SET", "a", "2");
  EXPECT_SAME(c, "EXEC");
}

TEST_F(TransactionCommandsTest, CommandsRunInOrderWithSelect) {
  DiffClient& c = client();
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "SELECT", "1");
  EXPECT_SAME(c, "SET", "k", "in1");
  EXPECT_SAME(c, "SELECT", "0");
  EXPECT_SAME(c, "SET", "k", "in0");
  EXPECT_SAME(c, "MOVE", "k", "2");
  EXPECT_SAME(c, "EXEC");
  EXPECT_SAME(c, "GET", "k");
  EXPECT_SAME(c, "SELECT", "1");
  EXPECT_SAME(c, "GET", "k");
  EXPECT_SAME(c, "SELECT", "2");
  EXPECT_SAME(c, "GET", "k");
}

TEST_F(TransactionCommandsTest, MultiKeyCommandsInsideExec) {
  DiffClient& c = client();
  EXPECT_SAME(c, "MSET", "a", "1", "b", "2");
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "MGET", "a", "b");
  EXPECT_SAME(c, "SCAN", "0", "MATCH", "a");
  EXPECT_SAME(c, "KEYS", "b");
  EXPECT_SAME(c, "DBSIZE");
  EXPECT_SAME(c, "RENAME", "a", "c");
  EXPECT_SAME(c, "COPY", "b", "d", "DB", "3");
  EXPECT_SAME(c, "SWAPDB", "0", "3");
  EXPECT_SAME(c, "FLUSHDB");
  EXPECT_SAME(c, "SWAPDB", "0", "3");
  EXPECT_SAME(c, "FLUSHALL");
  EXPECT_SAME(c, "EXEC");
}

TEST_F(TransactionCommandsTest, WatchedKeyTouchedByAnotherClient) {
  DiffClient& c = client();
  auto other = NewClient();
  EXPECT_SAME(c, "SET", "k", "1");
  EXPECT_SAME(c, "WATCH", "k");
  EXPECT_SAME(*other, "SET", "k", "2");
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "GET", "k");
  EXPECT_SAME(c, "EXEC");  // null array
  // The WATCH is gone after EXEC.
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "GET", "k");
  EXPECT_SAME(c, "EXEC");
}

TEST_F(TransactionCommandsTest, ReadsDoNotTouch) {
  DiffClient& c = client();
  auto other = NewClient();
  EXPECT_SAME(c, "SET", "k", "1");
  EXPECT_SAME(c, "WATCH", "k");
  EXPECT_SAME(*other, "GET", "k");
  EXPECT_SAME(*other, "EXISTS", "k");
  EXPECT_SAME(*other, "TTL", "k");
  EXPECT_SAME(*other, "SET", "k", "2", "NX");  // did not write
  EXPECT_SAME(*other, "PERSIST", "k");          // no TTL: nothing changed
  EXPECT_SAME(*other, "EXPIRE", "k", "100", "XX");
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "PING");
  EXPECT_SAME(c, "EXEC");
}

TEST_F(TransactionCommandsTest, EveryKindOfWriteTouches) {
  DiffClient& c = client();
  auto other = NewClient();
  const std::vector<std::vector<std::string>> writes = {
      {"SET", "k", "x"},          {"DEL", "k"},
      {"EXPIRE", "k", "100"},     {"APPEND", "k", "x"},
      {"INCR", "n"},              {"RENAME", "k", "k2"},
      {"GETDEL", "k"},            {"GETEX", "k", "EX", "100"},
      {"SETRANGE", "k", "0", "z"}, {"MSET", "a", "1", "k", "2"},
      {"FLUSHDB"},                {"FLUSHALL"},
      {"SWAPDB", "0", "1"},       {"MOVE", "k", "5"},
      {"COPY", "src", "k", "REPLACE"},
  };
  for (const auto& write : writes) {
    EXPECT_SAME(c, "FLUSHALL");
    EXPECT_SAME(c, "MSET", "k", "1", "n", "1", "src", "s");
    EXPECT_SAME(c, "WATCH", "k", "n");
    EXPECT_TRUE(other->Same(write));
    EXPECT_SAME(c, "MULTI");
    EXPECT_SAME(c, "PING");
    EXPECT_TRUE(c.Same({"EXEC"})) << write[0];
  }
}

TEST_F(TransactionCommandsTest, WatchMissingKeyThenCreated) {
  DiffClient& c = client();
  auto other = NewClient();
  EXPECT_SAME(c, "WATCH", "nokey");
  EXPECT_SAME(*other, "SET", "nokey", "1");
  EXPECT_SAME(*other, "DEL", "nokey");
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "PING");
  EXPECT_SAME(c, "EXEC");
  EXPECT_SAME(c, "WATCH", "nokey");
  EXPECT_SAME(*other, "DEL", "nokey");  // deleting nothing is not a write
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "PING");
  EXPECT_SAME(c, "EXEC");
}

// FLUSHDB, FLUSHALL and SWAPDB touch only the watched keys they change: those that exist
// in the emptied database, or (SWAPDB) that a key of the other database replaces.
TEST_F(TransactionCommandsTest, FlushAndSwapdbTouchOnlyExistingWatchedKeys) {
  DiffClient& c = client();
  auto other = NewClient();
  for (const char* flush : {"FLUSHDB", "FLUSHALL"}) {
    for (bool exists : {false, true}) {
      EXPECT_SAME(c, "FLUSHALL");
      if (exists) {
        EXPECT_SAME(c, "SET", "x", "1");
      }
      EXPECT_SAME(c, "WATCH", "x");
      EXPECT_SAME(*other, flush);
      EXPECT_SAME(c, "MULTI");
      EXPECT_SAME(c, "PING");
      EXPECT_TRUE(c.Same({"EXEC"})) << flush << " exists=" << exists;
    }
  }
  // SWAPDB 0 1 with x in db 0, in db 1, in both, in neither.
  for (int where = 0; where < 4; ++where) {
    EXPECT_SAME(c, "FLUSHALL");
    if (where & 1) {
      EXPECT_SAME(c, "SET", "x", "in0");
    }
    if (where & 2) {
      EXPECT_SAME(c, "SELECT", "1");
      EXPECT_SAME(c, "SET", "x", "in1");
      EXPECT_SAME(c, "SELECT", "0");
    }
    EXPECT_SAME(c, "WATCH", "x");
    EXPECT_SAME(*other, "SWAPDB", "0", "1");
    EXPECT_SAME(c, "MULTI");
    EXPECT_SAME(c, "GET", "x");
    EXPECT_TRUE(c.Same({"EXEC"})) << "where=" << where;
  }
  // A watched key in another database than the flushed one.
  EXPECT_SAME(c, "FLUSHALL");
  EXPECT_SAME(c, "SET", "x", "1");
  EXPECT_SAME(c, "WATCH", "x");
  EXPECT_SAME(*other, "SELECT", "4");
  EXPECT_SAME(*other, "FLUSHDB");
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "PING");
  EXPECT_SAME(c, "EXEC");
}

TEST_F(TransactionCommandsTest, WatchedKeyExpires) {
  DiffClient& c = client();
  EXPECT_SAME(c, "SET", "k", "1", "PX", "100");
  EXPECT_SAME(c, "WATCH", "k");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "PING");
  EXPECT_SAME(c, "EXEC");  // expired since WATCH: null array
}

TEST_F(TransactionCommandsTest, WatchedKeyAlreadyExpiredAtWatchTime) {
  DiffClient& c = client();
  EXPECT_SAME(c, "SET", "k", "1", "PX", "50");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_SAME(c, "WATCH", "k");
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "PING");
  EXPECT_SAME(c, "EXEC");
}

TEST_F(TransactionCommandsTest, UnwatchAndDiscardForget) {
  DiffClient& c = client();
  auto other = NewClient();
  EXPECT_SAME(c, "WATCH", "k");
  EXPECT_SAME(c, "UNWATCH");
  EXPECT_SAME(*other, "SET", "k", "1");
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "PING");
  EXPECT_SAME(c, "EXEC");
  EXPECT_SAME(c, "WATCH", "k");
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "DISCARD");
  EXPECT_SAME(*other, "SET", "k", "2");
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "PING");
  EXPECT_SAME(c, "EXEC");
}

TEST_F(TransactionCommandsTest, WatchInAnotherDatabase) {
  DiffClient& c = client();
  auto other = NewClient();
  EXPECT_SAME(c, "SELECT", "3");
  EXPECT_SAME(c, "WATCH", "k");
  EXPECT_SAME(*other, "SET", "k", "db0");  // another database's k
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "PING");
  EXPECT_SAME(c, "EXEC");
  EXPECT_SAME(c, "WATCH", "k");
  EXPECT_SAME(*other, "SELECT", "3");
  EXPECT_SAME(*other, "SET", "k", "db3");
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "PING");
  EXPECT_SAME(c, "EXEC");
}

TEST_F(TransactionCommandsTest, ExecAbortReasons) {
  DiffClient& c = client();
  // In subscribed mode (RESP2), EXEC is refused with EXECABORT and the reason.
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "SUBSCRIBE", "tx-ch");
  EXPECT_SAME(c, "EXEC");
  EXPECT_SAME(c, "EXEC");
  EXPECT_SAME(c, "RESET");
  // A password set meanwhile does not log the client out.
  auto admin = NewClient();
  RequirePassword(*admin);
  auto d = NewClient();
  EXPECT_SAME(*d, "MULTI");
  EXPECT_SAME(*d, "EXEC");
  EXPECT_SAME(*d, "AUTH", kPassword);
  EXPECT_SAME(*d, "MULTI");
  EXPECT_SAME(*d, "EXEC");
}

TEST_F(TransactionCommandsTest, Resp3) {
  DiffClient& c = client();
  auto other = NewClient();
  EXPECT_TRUE(c.Same({"HELLO", "3"}, HelloId()));
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "GET", "nokey");
  EXPECT_SAME(c, "INCRBYFLOAT", "f", "1.5");
  EXPECT_SAME(c, "HELLO", "2", "x");
  EXPECT_SAME(c, "EXEC");
  EXPECT_SAME(c, "WATCH", "k");
  EXPECT_SAME(*other, "SET", "k", "1");
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "PING");
  EXPECT_SAME(c, "EXEC");  // RESP3 null
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "NOSUCH");
  EXPECT_SAME(c, "EXEC");
}

TEST_F(TransactionCommandsTest, HelloInsideExecSwitchesTheRestOfTheReply) {
  DiffClient& c = client();
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "GET", "nokey");
  EXPECT_TRUE(c.Same({"HELLO", "3"}));  // queued
  EXPECT_TRUE(c.Same({"EXEC"}, HelloId()));
  EXPECT_SAME(c, "GET", "nokey");
}

}  // namespace
}  // namespace corio::redis::testing

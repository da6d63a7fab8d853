// Differential tests (against redis-server 7.0) for the connection commands: PING, ECHO,
// QUIT, AUTH, HELLO (2/3, AUTH, SETNAME, NOPROTO), SELECT, RESET, CLIENT (ID, SETNAME,
// GETNAME, LIST, INFO, KILL, NO-EVICT, HELP), unknown commands and subcommands, inline
// requests.
#include <string>

#include "redis/testing/differential.h"

namespace corio::redis::testing {
namespace {

class ConnectionCommandsTest : public DifferentialTest {};

TEST_F(ConnectionCommandsTest, Ping) {
  DiffClient& c = client();
  EXPECT_SAME(c, "PING");
  EXPECT_SAME(c, "PING", "hello");
  EXPECT_SAME(c, "PING", "");
  EXPECT_SAME(c, "ping", "a", "b");
  EXPECT_SAME(c, "PING", std::string("a\r\nb\0c", 6));
  EXPECT_TRUE(c.SameRaw("PING\r\n"));
  EXPECT_TRUE(c.SameRaw("ping hello\r\n"));
  EXPECT_TRUE(c.SameRaw("PING\r\nPING x\r\n*1\r\n$4\r\nPING\r\n", 3));
}

TEST_F(ConnectionCommandsTest, Echo) {
  DiffClient& c = client();
  EXPECT_SAME(c, "ECHO");
  EXPECT_SAME(c, "ECHO", "a", "b");
  EXPECT_SAME(c, "ECHO", "");
  EXPECT_SAME(c, "ECHO", "hello world");
  EXPECT_SAME(c, "ECHO", std::string(100000, 'z'));
  EXPECT_TRUE(c.SameRaw("ECHO \"quoted\\x41 \\n\"\r\n"));
}

TEST_F(ConnectionCommandsTest, UnknownCommandsAndSubcommands) {
  DiffClient& c = client();
  EXPECT_SAME(c, "NOSUCHCMD");
  EXPECT_SAME(c, "NOSUCHCMD", "a", "b");
  EXPECT_SAME(c, "nosuch", std::string(200, 'x'), "b");
  EXPECT_SAME(c, "nosuch", std::string(100, 'x'), std::string(100, 'y'), "z");
  EXPECT_SAME(c, std::string(200, 'N'));
  EXPECT_SAME(c, "no\r\nsuch", "a\nb");
  EXPECT_SAME(c, std::string("no\0such", 7), std::string("a\0b", 3));
  EXPECT_SAME(c, "");
  EXPECT_SAME(c, "client|id");  // a subcommand's full name is not a command
  for (const char* container : {"CLIENT", "CONFIG", "OBJECT", "MEMORY", "PUBSUB", "COMMAND"}) {
    EXPECT_SAME(c, container, "NOSUCHSUB");
    EXPECT_SAME(c, container, "nosuchsub", "a");
    EXPECT_SAME(c, container, std::string(200, 's'));
    EXPECT_SAME(c, container, std::string("s\0b", 3));
  }
  for (const char* container : {"CLIENT", "CONFIG", "OBJECT", "MEMORY", "PUBSUB"}) {
    EXPECT_SAME(c, container);
  }
  EXPECT_TRUE(c.SameRaw("nosuch a b\r\n"));
}

TEST_F(ConnectionCommandsTest, HttpRequestsAreDropped) {
  auto c = NewClient();
  EXPECT_TRUE(c->SameRaw("PING\r\n"));
  c->SendBoth("POST / HTTP/1.1\r\n");
  EXPECT_TRUE(c->BothClosed());
  auto d = NewClient();
  d->SendBoth("*2\r\n$5\r\nHost:\r\n$9\r\nlocalhost\r\n");
  EXPECT_TRUE(d->BothClosed());
}

TEST_F(ConnectionCommandsTest, Quit) {
  auto c = NewClient();
  EXPECT_SAME(*c, "QUIT");
  EXPECT_TRUE(c->BothClosed());
  auto d = NewClient();
  EXPECT_SAME(*d, "QUIT", "extra", "args");
  EXPECT_TRUE(d->BothClosed());
  // Replies to what came before QUIT in the same batch go out first.
  auto e = NewClient();
  EXPECT_TRUE(e->SameRaw("PING\r\nQUIT\r\nPING\r\n", 2));
  EXPECT_TRUE(e->BothClosed());
}

TEST_F(ConnectionCommandsTest, Select) {
  DiffClient& c = client();
  for (const char* db : {"0", "15", "16", "-1", "abc", "1.5", "", "01", "+1",
                         "9223372036854775808", "2147483648"}) {
    EXPECT_SAME(c, "SELECT", db);
  }
  EXPECT_SAME(c, "SELECT", "3");
  EXPECT_SAME(c, "SET", "k", "in3");
  EXPECT_SAME(c, "SELECT", "0");
  EXPECT_SAME(c, "GET", "k");
  EXPECT_SAME(c, "SELECT", "3");
  EXPECT_SAME(c, "GET", "k");
}

TEST_F(ConnectionCommandsTest, AuthWithoutPassword) {
  DiffClient& c = client();
  EXPECT_SAME(c, "AUTH");
  EXPECT_SAME(c, "AUTH", "x");
  EXPECT_SAME(c, "AUTH", "default", "x");  // nopass: any password
  EXPECT_SAME(c, "AUTH", "default", "");
  EXPECT_SAME(c, "AUTH", "someone", "x");
  EXPECT_SAME(c, "AUTH", "a", "b", "c");
}

TEST_F(ConnectionCommandsTest, AuthWithPassword) {
  auto admin = NewClient();
  RequirePassword(*admin);
  auto c = NewClient();
  EXPECT_SAME(*c, "PING");
  EXPECT_SAME(*c, "GET", "a");
  EXPECT_SAME(*c, "NOSUCHCMD");  // existence and arity come before NOAUTH
  EXPECT_SAME(*c, "GET");
  EXPECT_SAME(*c, "AUTH");
  EXPECT_SAME(*c, "AUTH", "wrong");
  EXPECT_SAME(*c, "AUTH", "default", "wrong");
  EXPECT_SAME(*c, "AUTH", "someone", kPassword);
  EXPECT_SAME(*c, "CLIENT", "ID");
  EXPECT_SAME(*c, "AUTH", kPassword);
  EXPECT_SAME(*c, "PING");
  EXPECT_SAME(*c, "AUTH", "wrong");  // a failed AUTH does not log out
  EXPECT_SAME(*c, "PING");
  auto d = NewClient();
  EXPECT_SAME(*d, "AUTH", "default", kPassword);
  EXPECT_SAME(*d, "GET", "a");
  // Clients connected before the password was set stay authenticated.
  EXPECT_SAME(*admin, "PING");
  EXPECT_SAME(*admin, "CONFIG", "SET", "requirepass", "");
}

TEST_F(ConnectionCommandsTest, UnauthenticatedRequestLimits) {
  auto admin = NewClient();
  RequirePassword(*admin);
  auto c = NewClient();
  std::vector<std::string> many(12, "x");
  many[0] = "PING";
  c->SendBoth(EncodeCommand(many));
  EXPECT_TRUE(c->SameNext());
  EXPECT_TRUE(c->BothClosed());
  auto d = NewClient();
  d->SendBoth(EncodeCommand({"ECHO", std::string(20000, 'x')}));
  EXPECT_TRUE(d->SameNext());
  EXPECT_TRUE(d->BothClosed());
}

TEST_F(ConnectionCommandsTest, HelloProtocols) {
  DiffClient& c = client();
  for (const char* v : {"1", "4", "0", "-1", "abc", "3.0", "02", "", "9223372036854775808"}) {
    EXPECT_SAME(c, "HELLO", v);
  }
  EXPECT_TRUE(c.Same({"HELLO"}, HelloId()));
  EXPECT_TRUE(c.Same({"HELLO", "3"}, HelloId()));
  EXPECT_SAME(c, "GET", "nokey");  // now RESP3
  EXPECT_TRUE(c.Same({"HELLO"}, HelloId()));  // no version: stays 3
  EXPECT_TRUE(c.Same({"HELLO", "2"}, HelloId()));
  EXPECT_SAME(c, "GET", "nokey");
  EXPECT_SAME(c, "HELLO", "3", "FOO");
  EXPECT_SAME(c, "HELLO", "3", "AUTH");
  EXPECT_SAME(c, "HELLO", "3", "AUTH", "default");
  EXPECT_SAME(c, "HELLO", "3", "SETNAME");
  EXPECT_SAME(c, "HELLO", "3", std::string("F\0O", 3));
  EXPECT_SAME(c, "GET", "nokey");  // a failed HELLO does not switch
}

TEST_F(ConnectionCommandsTest, HelloAuthAndSetname) {
  DiffClient& c = client();
  EXPECT_TRUE(c.Same({"HELLO", "3", "AUTH", "default", "anything"}, HelloId()));
  EXPECT_SAME(c, "HELLO", "3", "AUTH", "nouser", "x");
  EXPECT_TRUE(c.Same({"HELLO", "2", "SETNAME", "myname"}, HelloId()));
  EXPECT_SAME(c, "CLIENT", "GETNAME");
  EXPECT_SAME(c, "HELLO", "2", "SETNAME", "a b");
  EXPECT_SAME(c, "CLIENT", "GETNAME");
  EXPECT_TRUE(c.Same({"HELLO", "2", "setname", "a", "SETNAME", "b"}, HelloId()));
  EXPECT_SAME(c, "CLIENT", "GETNAME");
  EXPECT_TRUE(c.Same({"HELLO", "2", "SETNAME", ""}, HelloId()));
  EXPECT_SAME(c, "CLIENT", "GETNAME");
  EXPECT_TRUE(c.Same({"HELLO", "2", "AUTH", "default", "x", "SETNAME", "z"}, HelloId()));
  EXPECT_SAME(c, "CLIENT", "GETNAME");
}

TEST_F(ConnectionCommandsTest, HelloWithPassword) {
  auto admin = NewClient();
  RequirePassword(*admin);
  auto c = NewClient();
  EXPECT_SAME(*c, "HELLO");
  EXPECT_SAME(*c, "HELLO", "3");
  EXPECT_SAME(*c, "HELLO", "3", "AUTH", "default", "wrong");
  EXPECT_SAME(*c, "HELLO", "2", "SETNAME", "early");  // named, then refused
  EXPECT_SAME(*c, "HELLO", "5", "AUTH", "default", kPassword);
  EXPECT_SAME(*c, "PING");
  EXPECT_TRUE(c->Same({"HELLO", "3", "AUTH", "default", kPassword, "SETNAME", "nm"}, HelloId()));
  EXPECT_SAME(*c, "CLIENT", "GETNAME");
  EXPECT_SAME(*c, "PING");
}

TEST_F(ConnectionCommandsTest, Reset) {
  DiffClient& c = client();
  EXPECT_SAME(c, "RESET", "x");
  EXPECT_TRUE(c.Same({"HELLO", "3", "SETNAME", "nm"}, HelloId()));
  EXPECT_SAME(c, "SELECT", "5");
  EXPECT_SAME(c, "CLIENT", "NO-EVICT", "ON");
  EXPECT_SAME(c, "WATCH", "k");
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "SET", "k", "v");
  EXPECT_SAME(c, "RESET");  // not queued
  EXPECT_SAME(c, "EXEC");
  EXPECT_SAME(c, "GET", "nokey");  // RESP2 again
  EXPECT_SAME(c, "CLIENT", "GETNAME");
  EXPECT_TRUE(c.Same({"CLIENT", "INFO"}, ClientFields()));
  EXPECT_SAME(c, "GET", "k");  // db 0 again
}

TEST_F(ConnectionCommandsTest, ResetLogsOutWhenAPasswordIsSet) {
  auto admin = NewClient();
  RequirePassword(*admin);
  auto c = NewClient();
  EXPECT_SAME(*c, "AUTH", kPassword);
  EXPECT_SAME(*c, "PING");
  EXPECT_SAME(*c, "RESET");
  EXPECT_SAME(*c, "PING");
  EXPECT_SAME(*c, "AUTH", "default", kPassword);
  EXPECT_SAME(*c, "PING");
}

TEST_F(ConnectionCommandsTest, ClientIdAndNames) {
  DiffClient& c = client();
  EXPECT_TRUE(c.Same({"CLIENT", "ID"}, AnyInteger()));
  EXPECT_TRUE(c.Same({"client", "Id"}, AnyInteger()));
  EXPECT_SAME(c, "CLIENT", "ID", "x");
  EXPECT_SAME(c, "CLIENT", "GETNAME");
  EXPECT_SAME(c, "CLIENT", "GETNAME", "x");
  EXPECT_SAME(c, "CLIENT", "SETNAME");
  for (const char* bad : {"a b", "a\nb", "tab\there", "\x7f", "\x80", "caf\xc3\xa9"}) {
    EXPECT_SAME(c, "CLIENT", "SETNAME", bad);
  }
  EXPECT_SAME(c, "CLIENT", "SETNAME", "abc");
  EXPECT_SAME(c, "CLIENT", "GETNAME");
  EXPECT_SAME(c, "CLIENT", "SETNAME", "!~");
  EXPECT_SAME(c, "CLIENT", "GETNAME");
  EXPECT_SAME(c, "CLIENT", "SETNAME", "");
  EXPECT_SAME(c, "CLIENT", "GETNAME");
  EXPECT_SAME(c, "CLIENT", "SETNAME", "a", "b");
}

TEST_F(ConnectionCommandsTest, ClientInfo) {
  DiffClient& c = client();
  EXPECT_TRUE(c.Same({"CLIENT", "INFO"}, ClientFields()));
  EXPECT_SAME(c, "CLIENT", "INFO", "x");
  EXPECT_SAME(c, "CLIENT", "SETNAME", "info-test");
  EXPECT_SAME(c, "SELECT", "3");
  EXPECT_SAME(c, "CLIENT", "NO-EVICT", "on");
  EXPECT_TRUE(c.Same({"CLIENT", "INFO"}, ClientFields()));
  EXPECT_SAME(c, "CLIENT", "NO-EVICT", "OFF");
  EXPECT_SAME(c, "WATCH", "k");
  EXPECT_SAME(c, "MULTI");
  EXPECT_SAME(c, "CLIENT", "INFO");
  EXPECT_SAME(c, "GET", "k");
  // Inside EXEC: flags x, the queued count, cmd=exec.
  EXPECT_TRUE(c.Same({"EXEC"}, ClientFields()));
  EXPECT_TRUE(c.Same({"HELLO", "3"}, HelloId()));
  EXPECT_TRUE(c.Same({"CLIENT", "INFO"}, ClientFields()));  // verbatim in RESP3
}

TEST_F(ConnectionCommandsTest, ClientInfoShowsDirtyWatchAndPubsub) {
  DiffClient& c = client();
  auto other = NewClient();
  EXPECT_SAME(c, "WATCH", "k");
  EXPECT_SAME(*other, "SET", "k", "touched");
  EXPECT_TRUE(c.Same({"CLIENT", "INFO"}, ClientFields()));  // flags=d
  EXPECT_SAME(c, "UNWATCH");
  EXPECT_TRUE(c.Same({"HELLO", "3"}, HelloId()));
  EXPECT_SAME(c, "SUBSCRIBE", "info-chan");
  EXPECT_TRUE(c.Same({"CLIENT", "INFO"}, ClientFields()));  // flags=P sub=1
}

TEST_F(ConnectionCommandsTest, ClientList) {
  DiffClient& c = client();
  EXPECT_SAME(c, "CLIENT", "SETNAME", "lister");
  EXPECT_SAME(c, "CLIENT", "LIST", "x");
  EXPECT_SAME(c, "CLIENT", "LIST", "TYPE");
  EXPECT_SAME(c, "CLIENT", "LIST", "TYPE", "foo");
  EXPECT_SAME(c, "CLIENT", "LIST", "ID");
  EXPECT_SAME(c, "CLIENT", "LIST", "ID", "abc");
  EXPECT_SAME(c, "CLIENT", "LIST", "ID", "1", "abc");
  EXPECT_SAME(c, "CLIENT", "LIST", "ID", "0");
  EXPECT_SAME(c, "CLIENT", "LIST", "ID", "-5");
  EXPECT_SAME(c, "CLIENT", "LIST", "ID", "999999");
  for (const char* type : {"master", "replica", "slave", "MASTER"}) {
    EXPECT_SAME(c, "CLIENT", "LIST", "TYPE", type);
  }
  EXPECT_SAME(c, "CLIENT", "LIST", "TYPE", "pubsub");
  // Our own line, by id (each server numbers its clients its own way).
  auto id_ours = c.ours().Send(EncodeCommand({"CLIENT", "ID"}));
  auto id_theirs = c.theirs().Send(EncodeCommand({"CLIENT", "ID"}));
  ASSERT_TRUE(id_ours.ok() && id_theirs.ok());
  auto ours = c.ours().ReadReply();
  auto theirs = c.theirs().ReadReply();
  ASSERT_TRUE(ours.ok() && theirs.ok());
  std::string ours_id = ours->substr(1, ours->size() - 3);
  std::string theirs_id = theirs->substr(1, theirs->size() - 3);
  ASSERT_TRUE(c.ours().Send(EncodeCommand({"CLIENT", "LIST", "ID", ours_id, "999999"})).ok());
  ASSERT_TRUE(
      c.theirs().Send(EncodeCommand({"CLIENT", "LIST", "ID", theirs_id, "999999"})).ok());
  EXPECT_TRUE(c.SameNext(1, ClientFields()));
}

TEST_F(ConnectionCommandsTest, ClientKillErrors) {
  DiffClient& c = client();
  EXPECT_SAME(c, "CLIENT", "KILL");
  EXPECT_SAME(c, "CLIENT", "KILL", "1.2.3.4:5");
  EXPECT_SAME(c, "CLIENT", "KILL", "ID");
  for (const char* id : {"abc", "0", "-1", "1.5", "", "9223372036854775808"}) {
    EXPECT_SAME(c, "CLIENT", "KILL", "ID", id);
  }
  EXPECT_SAME(c, "CLIENT", "KILL", "ID", "999999");
  EXPECT_SAME(c, "CLIENT", "KILL", "ID", "999999", "SKIPME");
  EXPECT_SAME(c, "CLIENT", "KILL", "ID", "999999", "SKIPME", "maybe");
  EXPECT_SAME(c, "CLIENT", "KILL", "FOO", "bar");
  EXPECT_SAME(c, "CLIENT", "KILL", "ADDR", "1.2.3.4:5");
  EXPECT_SAME(c, "CLIENT", "KILL", "LADDR", "1.2.3.4:5");
  EXPECT_SAME(c, "CLIENT", "KILL", "TYPE", "foo");
  EXPECT_SAME(c, "CLIENT", "KILL", "TYPE", "master");
  EXPECT_SAME(c, "CLIENT", "KILL", "TYPE", "pubsub", "SKIPME", "yes");
  EXPECT_SAME(c, "CLIENT", "KILL", "USER", "nouser");
  EXPECT_SAME(c, "CLIENT", "KILL", "USER", "default", "ID", "999999");
  EXPECT_SAME(c, "CLIENT", "KILL", "MAXAGE", "10");  // not in 7.0
  EXPECT_SAME(c, "CLIENT", "NO-EVICT", "maybe");
  EXPECT_SAME(c, "CLIENT", "NO-EVICT");
  EXPECT_SAME(c, "CLIENT", "SETINFO", "lib-name", "x");  // 7.2
}

TEST_F(ConnectionCommandsTest, ClientKillAnotherClient) {
  DiffClient& c = client();
  auto victim = NewClient();
  EXPECT_SAME(*victim, "CLIENT", "SETNAME", "victim");
  // Find the victim's address on each server, then kill it by address (old form: OK).
  auto addr_of = [](BlockingClient& conn) {
    EXPECT_TRUE(conn.Send(EncodeCommand({"CLIENT", "INFO"})).ok());
    auto info = conn.ReadReply();
    std::string s = info.ok() ? *info : "";
    size_t a = s.find(" addr=") + 6;
    return s.substr(a, s.find(' ', a) - a);
  };
  std::string ours = addr_of(victim->ours());
  std::string theirs = addr_of(victim->theirs());
  ASSERT_TRUE(c.ours().Send(EncodeCommand({"CLIENT", "KILL", ours})).ok());
  ASSERT_TRUE(c.theirs().Send(EncodeCommand({"CLIENT", "KILL", theirs})).ok());
  EXPECT_TRUE(c.SameNext());
  EXPECT_TRUE(victim->BothClosed());
  // Again: gone.
  ASSERT_TRUE(c.ours().Send(EncodeCommand({"CLIENT", "KILL", ours})).ok());
  ASSERT_TRUE(c.theirs().Send(EncodeCommand({"CLIENT", "KILL", theirs})).ok());
  EXPECT_TRUE(c.SameNext());
  // New form, by address: a count.
  auto victim2 = NewClient();
  ours = addr_of(victim2->ours());
  theirs = addr_of(victim2->theirs());
  ASSERT_TRUE(c.ours().Send(EncodeCommand({"CLIENT", "KILL", "ADDR", ours})).ok());
  ASSERT_TRUE(c.theirs().Send(EncodeCommand({"CLIENT", "KILL", "ADDR", theirs})).ok());
  EXPECT_TRUE(c.SameNext());
  EXPECT_TRUE(victim2->BothClosed());
}

TEST_F(ConnectionCommandsTest, ClientKillItself) {
  auto c = NewClient();
  // SKIPME yes (the default): not killed, count 0 for a filter matching only itself.
  auto addr_of = [](BlockingClient& conn) {
    EXPECT_TRUE(conn.Send(EncodeCommand({"CLIENT", "INFO"})).ok());
    auto info = conn.ReadReply();
    std::string s = info.ok() ? *info : "";
    size_t a = s.find(" addr=") + 6;
    return s.substr(a, s.find(' ', a) - a);
  };
  std::string ours = addr_of(c->ours());
  std::string theirs = addr_of(c->theirs());
  ASSERT_TRUE(c->ours().Send(EncodeCommand({"CLIENT", "KILL", "ADDR", ours})).ok());
  ASSERT_TRUE(c->theirs().Send(EncodeCommand({"CLIENT", "KILL", "ADDR", theirs})).ok());
  EXPECT_TRUE(c->SameNext());
  // SKIPME no: the reply comes, then the connection closes.
  ASSERT_TRUE(
      c->ours().Send(EncodeCommand({"CLIENT", "KILL", "ADDR", ours, "SKIPME", "no"})).ok());
  ASSERT_TRUE(
      c->theirs().Send(EncodeCommand({"CLIENT", "KILL", "ADDR", theirs, "SKIPME", "no"})).ok());
  EXPECT_TRUE(c->SameNext());
  EXPECT_TRUE(c->BothClosed());
}

TEST_F(ConnectionCommandsTest, KnownDifferenceClientHelpListsOurSubcommands) {
  // Redis 7.0 also lists CACHING, GETREDIR, PAUSE, UNPAUSE, REPLY, UNBLOCK, TRACKING and
  // TRACKINGINFO, which this server does not implement; the lines we share are Redis's.
  DiffClient& c = client();
  auto r = c.Exchange(EncodeCommand({"CLIENT", "HELP"}));
  ASSERT_TRUE(r.ours.ok() && r.theirs.ok());
  EXPECT_NE(*r.ours, *r.theirs);
  for (const char* line : {"+GETNAME\r\n", "+KILL <ip:port>\r\n", "+SETNAME <name>\r\n",
                           "+    Prints this help.\r\n"}) {
    EXPECT_NE(r.theirs->find(line), std::string::npos) << line;
    EXPECT_NE(r.ours->find(line), std::string::npos) << line;
  }
  EXPECT_EQ(r.ours->find("TRACKING"), std::string::npos);
}

}  // namespace
}  // namespace corio::redis::testing

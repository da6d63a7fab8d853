// //tools:redis_cli against Debian's redis-cli: the same script, sent by both to one
// Debian redis-server, must print the same bytes, in the human layout (--no-raw) and the
// raw one, over RESP2 and RESP3; one-shot commands, a refused connection and subscribe
// mode behave as redis-cli's do.
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/redis_e2e_support.h"

namespace corio::redis::e2e {
namespace {

constexpr auto kLimit = std::chrono::seconds(60);
constexpr char kRedisCli[] = "/usr/bin/redis-cli";

std::string our_cli() { return runfile("tools/redis_cli"); }

// Every reply kind redis-cli has a layout for, with nesting, quoting and errors. Each
// CLI gets its own key prefix (the first line), so their runs do not see each other.
std::string script(const std::string& p) {
  return "set " + p + "k \"a b\\x00\\xff\\n\\\"q\\\"\"\n"
         "get " + p + "k\n"
         "get " + p + "missing\n"
         "incr " + p + "n\n"
         "incrby " + p + "n notanumber\n"
         "get\n"
         "nosuchcommand x\n"
         "mset " + p + "a 1 " + p + "b 2\n"
         "mget " + p + "a " + p + "missing " + p + "b\n"
         "keys " + p + "nomatch*\n"
         "command info get\n"
         "set " + p + "s 'single \\'quoted\\''\n"
         "get " + p + "s\n"
         "echo \"unbalanced\n"
         "select 3\n"
         "get " + p + "k\n"
         "select 0\n"
         "config get maxmemory-policy\n"
         "object encoding " + p + "n\n"
         "del " + p + "k " + p + "n " + p + "a " + p + "b " + p + "s\n";
}

struct Outputs {
  ProcessResult ours;
  ProcessResult theirs;
};

Outputs run_both(uint16_t port, const std::vector<std::string>& flags) {
  std::vector<std::string> ours = {our_cli(), "-p", std::to_string(port)};
  std::vector<std::string> theirs = {kRedisCli, "-p", std::to_string(port)};
  ours.insert(ours.end(), flags.begin(), flags.end());
  theirs.insert(theirs.end(), flags.begin(), flags.end());
  return {run_process(ours, script("ours:"), kLimit),
          run_process(theirs, script("theirs:"), kLimit)};
}

class RedisCliToolTest : public testing::Test {
 protected:
  void SetUp() override {
    auto server = ServerProcess::start_reference_tcp();
    ASSERT_TRUE(server.ok()) << server.status();
    server_.emplace(*std::move(server));
  }
  uint16_t port() const { return server_->port(); }
  std::optional<ServerProcess> server_;
};

// The outputs differ only by the key prefixes.
void expect_same_output(Outputs o) {
  EXPECT_EQ(o.ours.exit_code, 0) << o.ours.err;
  EXPECT_EQ(o.theirs.exit_code, 0) << o.theirs.err;
  std::string theirs = o.theirs.out;
  for (size_t at = theirs.find("theirs:"); at != std::string::npos;
       at = theirs.find("theirs:", at)) {
    theirs.replace(at, 7, "ours:");
  }
  EXPECT_EQ(o.ours.out, theirs);
  EXPECT_FALSE(o.ours.out.empty());
}

TEST_F(RedisCliToolTest, HumanLayoutMatchesRedisCli) { expect_same_output(run_both(port(), {"--no-raw"})); }

TEST_F(RedisCliToolTest, RawLayoutMatchesRedisCli) { expect_same_output(run_both(port(), {})); }

TEST_F(RedisCliToolTest, Resp3LayoutMatchesRedisCli) {
  expect_same_output(run_both(port(), {"-3", "--no-raw"}));
}

TEST_F(RedisCliToolTest, OneShotCommandAndRefusedConnection) {
  ProcessResult set = run_process({our_cli(), "-p", std::to_string(port()), "--no-raw", "SET", "k", "-1"}, "", kLimit);
  EXPECT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(set.out, "OK\n");
  ProcessResult get = run_process({our_cli(), "-p", std::to_string(port()), "--no-raw", "INCR", "k"}, "", kLimit);
  EXPECT_EQ(get.out, "(integer) 0\n");

  uint16_t closed = unused_port();
  ProcessResult ours = run_process({our_cli(), "-p", std::to_string(closed), "GET", "k"}, "", kLimit);
  ProcessResult theirs = run_process({kRedisCli, "-p", std::to_string(closed), "GET", "k"}, "", kLimit);
  EXPECT_EQ(ours.exit_code, 1);
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
  EXPECT_EQ(ours.err, theirs.err);
}

TEST_F(RedisCliToolTest, SubscribeModePrintsMessagesAsTheyCome) {
  // Both CLIs subscribe; once both are subscribed, two messages are published; then both
  // are stopped (as Ctrl-C would) and their outputs compared.
  auto subscribe = [&](const std::string& cli, ProcessResult* out) {
    *out = run_process({cli, "-p", std::to_string(port()), "--no-raw", "SUBSCRIBE", "news"}, "",
                       std::chrono::seconds(3));
  };
  ProcessResult ours, theirs;
  std::thread a(subscribe, our_cli(), &ours);
  std::thread b(subscribe, std::string(kRedisCli), &theirs);
  auto publisher = RespClient::connect(port());
  ASSERT_TRUE(publisher.ok());
  bool both_subscribed = wait_until([&] {
    auto n = publisher->command({"PUBSUB", "NUMSUB", "news"});
    return n.ok() && n->elements().size() == 2 && n->elements()[1] == Frame::integer(2);
  });
  EXPECT_TRUE(both_subscribed);
  EXPECT_TRUE(publisher->command({"PUBLISH", "news", "first message"}).ok());
  EXPECT_TRUE(publisher->command({"PUBLISH", "news", "line\nbreak"}).ok());
  a.join();
  b.join();
  EXPECT_TRUE(ours.timed_out);
  EXPECT_NE(ours.out.find("3) \"line\\nbreak\""), std::string::npos) << ours.out;
  EXPECT_EQ(ours.out, theirs.out);
}

// The CLI on a pseudo-terminal, as a person would use it.
class Terminal {
 public:
  // Starts `argv` with HOME=`home` on a new pseudo-terminal.
  Terminal(const std::vector<std::string>& argv, const std::string& home) {
    pid_ = ::forkpty(&master_, nullptr, nullptr, nullptr);
    if (pid_ == 0) {
      ::setenv("HOME", home.c_str(), 1);
      ::setenv("TERM", "dumb", 1);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
  }
  ~Terminal() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0) ::close(master_);
  }
  bool started() const { return pid_ > 0; }

  void type(const std::string& keys) { (void)!::write(master_, keys.data(), keys.size()); }

  // Reads until the screen output so far contains `text` (true) or `limit` passes.
  bool wait_for(const std::string& text, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (screen_.find(text, seen_) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{master_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      ssize_t n = ::read(master_, buf, sizeof(buf));
      if (n <= 0) return false;
      screen_.append(buf, static_cast<size_t>(n));
    }
    seen_ = screen_.find(text, seen_) + text.size();
    return true;
  }
  // Waits for the program to exit; its exit code (-1 on timeout or signal).
  int wait_exit(std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      int status = 0;
      char buf[4096];
      while (::read(master_, buf, sizeof(buf)) > 0) {
      }
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }
  const std::string& screen() const { return screen_; }

 private:
  int master_ = -1;
  pid_t pid_ = -1;
  std::string screen_;
  size_t seen_ = 0;
};

TEST_F(RedisCliToolTest, InteractivePromptKeepsHistory) {
  const std::string home = test_tmpdir() + "/cli-home";
  ::mkdir(home.c_str(), 0700);
  const std::string prompt = "127.0.0.1:" + std::to_string(port());
  {
    Terminal term({our_cli(), "-p", std::to_string(port())}, home);
    ASSERT_TRUE(term.started());
    ASSERT_TRUE(term.wait_for(prompt + "> ")) << term.screen();
    term.type("set greeting \"hello there\"\r");
    EXPECT_TRUE(term.wait_for("OK")) << term.screen();
    term.type("get greeting\r");
    EXPECT_TRUE(term.wait_for("\"hello there\"")) << term.screen();
    term.type("select 2\r");
    EXPECT_TRUE(term.wait_for(prompt + "[2]> ")) << term.screen();
    term.type("incr\r");
    EXPECT_TRUE(term.wait_for("(error) ERR wrong number of arguments for 'incr' command"))
        << term.screen();
    term.type("quit\r");
    EXPECT_EQ(term.wait_exit(), 0) << term.screen();
  }
  std::ifstream history(home + "/.corio_cli_history");
  std::stringstream saved;
  saved << history.rdbuf();
  // (libedit's history file encodes spaces as \040.)
  EXPECT_NE(saved.str().find("get\\040greeting"), std::string::npos) << saved.str();
  EXPECT_NE(saved.str().find("select\\0402"), std::string::npos) << saved.str();

  // A new session starts where the last one left off: two up arrows recall the line
  // before "quit" from the history file.
  Terminal again({our_cli(), "-p", std::to_string(port())}, home);
  ASSERT_TRUE(again.wait_for(prompt + "> ")) << again.screen();
  again.type("\x1b[A\x1b[A\r");
  EXPECT_TRUE(again.wait_for("(error) ERR wrong number of arguments for 'incr' command"))
      << again.screen();
  again.type("quit\r");
  EXPECT_EQ(again.wait_exit(), 0);
}

}  // namespace
}  // namespace corio::redis::e2e

// Ordinary Redis client libraries against our server, compared with a real redis-server:
// node-redis over RESP3 and RESP2 and ioredis (node_clients.js), redis-py
// (python_client.py). Each script prints one line per result (values, error messages,
// transaction and pub/sub outcomes); both servers must produce the same transcript.
//
// Needs node (with the clients tools/bazelw installs from package-lock.json into
// ~/.cache/corio/node-clients) and Debian's python3-redis under /usr/bin/python3.
#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "tests/redis_e2e_support.h"

namespace corio::redis::e2e {
namespace {

using namespace std::chrono_literals;

constexpr auto kScriptLimit = 120s;

std::string node_modules_dir() {
  if (const char* env = std::getenv("CORIO_NODE_MODULES"); env != nullptr && *env != '\0') {
    return env;
  }
  // Not $HOME: Bazel may point it elsewhere for tests; the installer used the real one.
  const passwd* pw = getpwuid(getuid());
  return std::string(pw != nullptr ? pw->pw_dir : "/root") + "/.cache/corio/node-clients/node_modules";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

struct Transcripts {
  std::vector<std::string> ours;
  std::vector<std::string> reference;
};

// Runs the script (argv + port, then `extra`) against a fresh server of each kind.
Transcripts run_against_both(const std::vector<std::string>& argv,
                             const std::vector<std::string>& extra) {
  Transcripts t;
  auto run = [&](uint16_t port) {
    std::vector<std::string> args = argv;
    args.push_back(std::to_string(port));
    args.insert(args.end(), extra.begin(), extra.end());
    ProcessResult r = run_process(args, "", kScriptLimit);
    EXPECT_EQ(r.exit_code, 0) << "stderr:\n" << r.err;
    return lines_of(r.out);
  };
  {
    auto ours = ServerProcess::start_ours({});
    EXPECT_TRUE(ours.ok()) << ours.status();
    if (ours.ok()) t.ours = run(ours->port());
  }
  {
    auto reference = ServerProcess::start_reference_tcp(unused_port());
    EXPECT_TRUE(reference.ok()) << reference.status();
    if (reference.ok()) t.reference = run(reference->port());
  }
  return t;
}

void expect_same(const Transcripts& t, size_t at_least) {
  ASSERT_GE(t.reference.size(), at_least) << "the script did not get through against Redis";
  for (const std::string& line : t.reference) {
    EXPECT_EQ(line.find("fatal"), std::string::npos) << line;
    EXPECT_EQ(line.find("client-error"), std::string::npos) << line;
  }
  for (size_t i = 0; i < std::max(t.ours.size(), t.reference.size()); ++i) {
    EXPECT_EQ(i < t.ours.size() ? t.ours[i] : "<missing>",
              i < t.reference.size() ? t.reference[i] : "<missing>")
        << "line " << i + 1 << " (ours, then redis-server)";
  }
}

TEST(ClientLibrariesTest, NodeRedisOverResp3AndResp2AndIoredis) {
  const std::string modules = node_modules_dir();
  ASSERT_TRUE(std::filesystem::exists(modules + "/ioredis") &&
              std::filesystem::exists(modules + "/redis"))
      << "Node.js clients not found in " << modules
      << ": tools/bazelw installs them (npm ci from tests/clients/package-lock.json)";
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/node")) << "needs node at /usr/bin/node";
  auto t = run_against_both({"/usr/bin/node", runfile("tests/clients/node_clients.js")}, {modules});
  expect_same(t, 60);
}

TEST(ClientLibrariesTest, RedisPy) {
  auto t = run_against_both({"/usr/bin/python3", runfile("tests/clients/python_client.py")}, {});
  expect_same(t, 45);
}

}  // namespace
}  // namespace corio::redis::e2e

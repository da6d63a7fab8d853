// The seeds' echo server: every connection's bytes are copied straight back.
//   tools/bazelw run //tools:echo_server -- --port=7000
//   (then: printf 'hello\n' | nc -q1 127.0.0.1 7000)
// Stops cleanly on SIGINT/SIGTERM.
#include <signal.h>

#include <cstdio>
#include <string>
#include <unistd.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "net/buffered.h"
#include "net/signal.h"
#include "net/tcp.h"
#include "runtime/combinators.h"
#include "runtime/runtime.h"

ABSL_FLAG(std::string, bind, "127.0.0.1", "Address to listen on.");
ABSL_FLAG(int, port, 7000, "Port to listen on (0: any free port).");
ABSL_FLAG(int, threads, 0, "Worker threads (0: one per core).");

namespace {

using namespace corio;

Task<void> serve(net::TcpListener listener) {
  for (;;) {
    auto conn = co_await listener.accept_with_backoff();
    if (!conn.ok()) {
      std::fprintf(stderr, "echo_server: accept: %s\n", std::string(conn.status().message()).c_str());
      co_return;
    }
    spawn(co_invoke([stream = std::move(conn->stream)]() mutable -> Task<void> {
      auto copying = net::copy(stream, stream);
      (void)co_await copying;
    }));
  }
}

Task<int> run() {
  std::string addr = absl::GetFlag(FLAGS_bind) + ":" + std::to_string(absl::GetFlag(FLAGS_port));
  auto listener = net::TcpListener::bind(addr);
  if (!listener.ok()) {
    std::fprintf(stderr, "echo_server: %s: %s\n", addr.c_str(),
                 std::string(listener.status().message()).c_str());
    co_return 1;
  }
  auto sigint = net::Signal::listen(SIGINT);
  auto sigterm = net::Signal::listen(SIGTERM);
  std::printf("echo_server listening on %s (pid %d)\n", listener->local_addr()->to_string().c_str(),
              getpid());
  std::fflush(stdout);
  auto server = spawn(serve(*std::move(listener)));
  (void)co_await select(sigint->recv(), sigterm->recv());
  server.abort();
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto builder = Builder::multi_thread().enable_all();
  if (int n = absl::GetFlag(FLAGS_threads); n > 0) builder.worker_threads(n);
  Runtime rt = builder.build();
  return rt.block_on(run());
}

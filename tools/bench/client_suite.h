#pragma once
#include "tools/bench/harness.h"
namespace corio::bench {
// --suite=client: 1,000 caller tasks through one RequestManager vs 50 plain Clients,
// GET/SET, against Debian's redis-server and our //redis:server (both started here).
void run_client_suite(const Options& options);
}  // namespace corio::bench

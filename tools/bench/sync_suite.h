// The sync benchmark suite (see sync_suite.cc).
#pragma once

#include "tools/bench/harness.h"

namespace corio::bench {

void run_sync_suite(const Options& options);

}  // namespace corio::bench

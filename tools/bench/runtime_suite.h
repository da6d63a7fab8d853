// The runtime benchmark suite (see runtime_suite.cc).
#pragma once

#include "tools/bench/harness.h"

namespace corio::bench {

void run_runtime_suite(const Options& options);

// Bytes of RSS per idle task: spawns 1,000,000 tasks that each wait forever on a oneshot
// whose sender they hold (`variant` "oneshot") or on a never-ready future ("pending"),
// prints one JSON line and exits the process without tearing the runtime down.
[[noreturn]] void run_idle_tasks(const char* variant);

}  // namespace corio::bench

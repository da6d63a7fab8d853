#pragma once
#include "tools/bench/harness.h"
namespace corio::bench {
// --suite=time: timers (peer shape), timer_cancel, timer_lateness.
void run_time_suite(const Options& options);
}  // namespace corio::bench

#pragma once
#include "tools/bench/harness.h"
namespace corio::bench {
// --suite=net: tcp_echo_loopback (peer shape), tcp_stream_throughput.
void run_net_suite(const Options& options);
}  // namespace corio::bench

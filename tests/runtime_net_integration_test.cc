// Cross-package: tasks on both scheduler flavours hand byte buffers (net) to each other
// through JoinHandles and the blocking pool; every flavour and seed must agree.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "net/byte_buffer.h"
#include "runtime/combinators.h"
#include "runtime/runtime.h"

namespace corio {
namespace {

// Each producer fills a buffer with its own records; the consumer parses them back.
Task<std::string> produce(int id) {
  net::ByteBuffer buf;
  for (int i = 0; i < 100; ++i) {
    buf.append(std::to_string(id * 1000 + i));
    buf.append("\n");
    if (i % 10 == 0) co_await yield_now();
  }
  co_return std::string(buf.readable_view());
}

Task<long> pipeline() {
  std::vector<JoinHandle<std::string>> producers;
  for (int id = 0; id < 20; ++id) producers.push_back(spawn(produce(id)));
  long total = 0;
  for (auto& p : producers) {
    std::string text = *co_await p;
    // Parse on the blocking pool, as a CPU-heavy step would be. The handle is named: GCC 12
    // corrupts non-trivial temporaries inside a co_await expression (see README).
    auto parsed = spawn_blocking([text] {
      long sum = 0;
      size_t start = 0;
      while (start < text.size()) {
        size_t end = text.find('\n', start);
        sum += std::stol(text.substr(start, end - start));
        start = end + 1;
      }
      return sum;
    });
    total += *co_await parsed;
  }
  co_return total;
}

long expected_total() {
  long sum = 0;
  for (int id = 0; id < 20; ++id) {
    for (int i = 0; i < 100; ++i) sum += id * 1000 + i;
  }
  return sum;
}

TEST(RuntimeNetIntegrationTest, MultiThreadAgrees) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  EXPECT_EQ(rt.block_on(pipeline()), expected_total());
}

TEST(RuntimeNetIntegrationTest, CurrentThreadAgreesUnderEverySeed) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    Runtime rt = Builder::current_thread().random_order_seed(seed).build();
    EXPECT_EQ(rt.block_on(pipeline()), expected_total()) << "seed " << seed;
  }
}

}  // namespace
}  // namespace corio

// Symmetric transfer: awaiting a Task resumes it by a tail call, so a chain of 100,000
// nested awaits does not grow the stack. Only meaningful in optimized builds without
// sanitizers (GCC emits the tail call with sibling-call optimization; ASAN/TSAN frames
// defeat it), hence its own target, built -O2 and tagged no_asan/no_tsan.
#include <gtest/gtest.h>

#include "runtime/task.h"

namespace corio {
namespace {

Task<int> nested_sum(int depth) {
  if (depth == 0) co_return 0;
  int below = co_await nested_sum(depth - 1);
  co_return below + 1;
}

struct NullContext {
  Waker waker;
  Context cx{waker};
};

TEST(TaskTest, DeepNestingDoesNotGrowTheStack) {
  // 100,000 nested awaits would overflow the stack without symmetric transfer.
  auto t = nested_sum(100000);
  NullContext n;
  auto p = t.poll(n.cx);
  ASSERT_TRUE(p.is_ready());
  EXPECT_EQ(p.take(), 100000);
}

}  // namespace
}  // namespace corio

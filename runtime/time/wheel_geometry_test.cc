#include "runtime/time/wheel_geometry.h"

#include <gtest/gtest.h>

namespace corio::time {
namespace {

TEST(WheelGeometryTest, DeadlinesInTheCurrentWindowAreLevelZero) {
  EXPECT_EQ(level_for(0, 0), 0);
  EXPECT_EQ(level_for(0, 63), 0);
  EXPECT_EQ(level_for(1000, 1000 + 5), 0);  // 1000..1023 share a 64 ms window with 1005
}

TEST(WheelGeometryTest, EachLevelSpans64TimesTheOneBelow) {
  EXPECT_EQ(level_for(0, 64), 1);
  EXPECT_EQ(level_for(0, 64 * 64 - 1), 1);
  EXPECT_EQ(level_for(0, 64 * 64), 2);
  EXPECT_EQ(level_for(0, slot_width_ms(3)), 3);
  EXPECT_EQ(level_for(0, slot_width_ms(4)), 4);
  EXPECT_EQ(level_for(0, slot_width_ms(5)), 5);
  EXPECT_EQ(slot_width_ms(5) * 64, kMaxWheelSpanMs + 1);
}

TEST(WheelGeometryTest, TwoYearsIsOnTheTopLevelAndFurtherIsClamped) {
  constexpr uint64_t kTwoYearsMs = 2ull * 365 * 24 * 3600 * 1000;
  EXPECT_LT(kTwoYearsMs, kMaxWheelSpanMs);
  EXPECT_EQ(level_for(0, kTwoYearsMs), 5);
  EXPECT_EQ(level_for(0, 10 * kTwoYearsMs), 5);  // clamped, not out of range
  EXPECT_EQ(slot_for(kMaxWheelSpanMs, 5), 63u);
}

TEST(WheelGeometryTest, SlotIsTheDeadlinesDigitAtThatLevel) {
  EXPECT_EQ(slot_for(5, 0), 5u);
  EXPECT_EQ(slot_for(64 + 5, 0), 5u);
  EXPECT_EQ(slot_for(3 * 64 + 5, 1), 3u);
  EXPECT_EQ(slot_for(7 * 64 * 64, 2), 7u);
}

}  // namespace
}  // namespace corio::time

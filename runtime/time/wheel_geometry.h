// Geometry of the hierarchical timing wheel: 6 levels of 64 slots at 1 ms resolution.
//
// Level 0 spans 64 ms (one slot per ms), each level above spans 64 times the one below, so
// level 5 spans 64^6 ms (about 2.2 years). A timer due at `deadline` (ms since the wheel's
// epoch) while the wheel's clock reads `now` is filed at the lowest level whose slot width
// still separates the two: the level of the highest bit in which they differ. Deadlines
// beyond the top level are clamped to its last slot and re-filed when it fires.
//
// Pure functions: the wheel (runtime/time issue) and its tests share them.
#pragma once

#include <bit>
#include <cstdint>

namespace corio::time {

inline constexpr int kWheelLevels = 6;
inline constexpr int kSlotBits = 6;
inline constexpr uint64_t kSlotsPerLevel = uint64_t{1} << kSlotBits;  // 64
inline constexpr uint64_t kSlotMask = kSlotsPerLevel - 1;
// The farthest deadline the wheel can file without clamping, relative to `now`.
inline constexpr uint64_t kMaxWheelSpanMs = (uint64_t{1} << (kSlotBits * kWheelLevels)) - 1;

// Milliseconds covered by one slot of `level`.
constexpr uint64_t slot_width_ms(int level) { return uint64_t{1} << (kSlotBits * level); }

// The level a timer due at `deadline` belongs to when the wheel reads `now` (deadline >= now).
constexpr int level_for(uint64_t now, uint64_t deadline) {
  if (deadline - now > kMaxWheelSpanMs) deadline = now + kMaxWheelSpanMs;
  // OR-ing the slot mask makes deadlines in the current 64 ms window land on level 0.
  uint64_t differing = (now ^ deadline) | kSlotMask;
  int highest_bit = std::bit_width(differing) - 1;
  int level = highest_bit / kSlotBits;
  return level < kWheelLevels ? level : kWheelLevels - 1;
}

// The slot within `level` that holds `deadline`.
constexpr uint64_t slot_for(uint64_t deadline, int level) {
  return (deadline >> (kSlotBits * level)) & kSlotMask;
}

}  // namespace corio::time

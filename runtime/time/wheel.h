// TimerWheel: the hierarchical timing wheel (6 levels x 64 slots, 1 ms per level-0 slot).
//
// A pure data structure over intrusive entries, driven by an explicit clock value: it
// neither reads time nor locks nor wakes anything, so it is tested on its own with fake
// time (wheel_test.cc) and the time driver wraps it with a lock and real wakers.
//
//  - insert(): O(1). The entry goes to the slot for its deadline at the level given by
//    wheel_geometry.h; a per-level occupancy bitmap records non-empty slots.
//  - remove(): O(1), from a slot or from the expired-but-not-yet-returned list.
//  - next_expiration(): the start of the earliest occupied slot, found from the bitmaps
//    (lowest level first: an entry at a lower level is always due before any entry above)
//    without scanning entries.
//  - poll(now): returns due entries one by one. Draining a slot above level 0 cascades its
//    entries down to the level their deadline now falls in; deadlines farther than the
//    wheel spans are filed at the top level's farthest slot and re-filed when it comes up.
//
// Time is in milliseconds since the wheel's epoch; `elapsed()` is how far the wheel has
// advanced. An entry is due when elapsed() >= its deadline.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "runtime/time/wheel_geometry.h"

namespace corio::time {

class TimerWheel;

// Embedded in whatever waits on a timer. Owned by the caller; the wheel only links it.
class TimerEntry {
 public:
  TimerEntry() = default;
  TimerEntry(const TimerEntry&) = delete;
  TimerEntry& operator=(const TimerEntry&) = delete;

  uint64_t deadline() const { return deadline_; }
  bool is_linked() const { return list_ != nullptr; }

 private:
  friend class TimerWheel;
  friend class EntryList;
  TimerEntry* prev_ = nullptr;
  TimerEntry* next_ = nullptr;
  class EntryList* list_ = nullptr;  // the slot or pending list holding it, or null
  uint64_t deadline_ = 0;
  uint8_t level_ = 0;  // where file() put it, to clear the occupancy bit on removal
  uint8_t slot_ = 0;
};

// Intrusive doubly-linked list of entries (a slot, or the pending list).
class EntryList {
 public:
  bool empty() const { return head_ == nullptr; }
  bool holds(const TimerEntry* e) const { return e->list_ == this; }
  TimerEntry* front() const { return head_; }
  static TimerEntry* next(const TimerEntry* e) { return e->next_; }
  void push_back(TimerEntry* e);
  void remove(TimerEntry* e);
  TimerEntry* pop_front();
  // Moves every entry out into `out` (which must be empty).
  void take_all(EntryList& out);

 private:
  TimerEntry* head_ = nullptr;
  TimerEntry* tail_ = nullptr;
};

class TimerWheel {
 public:
  TimerWheel() = default;
  TimerWheel(const TimerWheel&) = delete;
  TimerWheel& operator=(const TimerWheel&) = delete;

  uint64_t elapsed() const { return elapsed_; }
  size_t size() const { return size_; }

  // Files `entry` (not linked anywhere) due at `deadline`. Returns false, leaving it
  // unlinked, if it is already due (deadline <= elapsed()): the caller fires it.
  bool insert(TimerEntry* entry, uint64_t deadline);
  // Unlinks `entry` if this wheel holds it (in a slot or among the due entries).
  void remove(TimerEntry* entry);

  // The earliest time at which poll() would return an entry; nullopt when empty. May be
  // earlier than every deadline (the start of a slot above level 0 that must cascade).
  std::optional<uint64_t> next_expiration() const;

  // Advances the wheel to `now` (never backwards) and returns one due entry, unlinked,
  // or null when none is due at `now`. Call until it returns null.
  TimerEntry* poll(uint64_t now);

 private:
  struct Expiration {
    int level;
    uint64_t slot;
    uint64_t deadline;  // start of that slot
  };
  struct Level {
    uint64_t occupied = 0;  // bit s set <=> slots[s] non-empty
    std::array<EntryList, kSlotsPerLevel> slots;
  };

  std::optional<Expiration> next_expiration_at(int level) const;
  void file(TimerEntry* entry);  // entry->deadline_ > elapsed_
  void drain_slot(const Expiration& exp);

  uint64_t elapsed_ = 0;
  size_t size_ = 0;
  std::array<Level, kWheelLevels> levels_;
  EntryList pending_;  // due, not yet returned by poll()
};

}  // namespace corio::time

#include "runtime/time/wheel.h"

#include <algorithm>
#include <bit>
#include <cassert>

namespace corio::time {

void EntryList::push_back(TimerEntry* e) {
  assert(e->list_ == nullptr);
  e->list_ = this;
  e->prev_ = tail_;
  e->next_ = nullptr;
  (tail_ != nullptr ? tail_->next_ : head_) = e;
  tail_ = e;
}

void EntryList::remove(TimerEntry* e) {
  assert(e->list_ == this);
  (e->prev_ != nullptr ? e->prev_->next_ : head_) = e->next_;
  (e->next_ != nullptr ? e->next_->prev_ : tail_) = e->prev_;
  e->prev_ = e->next_ = nullptr;
  e->list_ = nullptr;
}

TimerEntry* EntryList::pop_front() {
  TimerEntry* e = head_;
  if (e != nullptr) remove(e);
  return e;
}

void EntryList::take_all(EntryList& out) {
  assert(out.empty());
  for (TimerEntry* e = head_; e != nullptr; e = e->next_) e->list_ = &out;
  out.head_ = head_;
  out.tail_ = tail_;
  head_ = tail_ = nullptr;
}

bool TimerWheel::insert(TimerEntry* entry, uint64_t deadline) {
  assert(!entry->is_linked());
  entry->deadline_ = deadline;
  if (deadline <= elapsed_) return false;
  file(entry);
  ++size_;
  return true;
}

void TimerWheel::file(TimerEntry* entry) {
  // Too far ahead: park it in the farthest slot the wheel can express; drain_slot re-files.
  uint64_t filed_at = std::min(entry->deadline_, elapsed_ + kMaxWheelSpanMs);
  int level = level_for(elapsed_, filed_at);
  uint64_t slot = slot_for(filed_at, level);
  entry->level_ = static_cast<uint8_t>(level);
  entry->slot_ = static_cast<uint8_t>(slot);
  levels_[level].slots[slot].push_back(entry);
  levels_[level].occupied |= uint64_t{1} << slot;
}

void TimerWheel::remove(TimerEntry* entry) {
  EntryList* list = entry->list_;
  if (list == nullptr) return;
  list->remove(entry);
  --size_;
  if (list != &pending_ && list->empty()) {
    levels_[entry->level_].occupied &= ~(uint64_t{1} << entry->slot_);
  }
}

std::optional<TimerWheel::Expiration> TimerWheel::next_expiration_at(int level) const {
  uint64_t occupied = levels_[level].occupied;
  if (occupied == 0) return std::nullopt;
  uint64_t slot_width = slot_width_ms(level);
  uint64_t level_width = slot_width * kSlotsPerLevel;
  uint64_t now_slot = (elapsed_ / slot_width) & kSlotMask;
  // The first occupied slot after the current one, wrapping around (the current slot
  // comes last: see below).
  int from = static_cast<int>((now_slot + 1) & kSlotMask);
  uint64_t slot = (from + std::countr_zero(std::rotr(occupied, from))) & kSlotMask;
  uint64_t level_start = elapsed_ & ~(level_width - 1);
  uint64_t deadline = level_start + slot * slot_width;
  // A slot at or behind the current one belongs to the next turn of this level. Only the
  // top level can hold such entries (clamped ones, at most one turn ahead): below it, a
  // slot is drained the moment elapsed reaches its start, so elapsed never sits in an
  // occupied slot.
  if (deadline <= elapsed_) deadline += level_width;
  return Expiration{level, slot, deadline};
}

std::optional<uint64_t> TimerWheel::next_expiration() const {
  if (!pending_.empty()) return elapsed_;
  for (int level = 0; level < kWheelLevels; ++level) {
    if (auto exp = next_expiration_at(level)) return exp->deadline;
  }
  return std::nullopt;
}

void TimerWheel::drain_slot(const Expiration& exp) {
  Level& level = levels_[exp.level];
  EntryList entries;
  level.slots[exp.slot].take_all(entries);
  level.occupied &= ~(uint64_t{1} << exp.slot);
  elapsed_ = std::max(elapsed_, exp.deadline);
  while (TimerEntry* e = entries.pop_front()) {
    if (e->deadline_ <= elapsed_) {
      pending_.push_back(e);
    } else {
      file(e);  // cascades down (or stays clamped at the top)
    }
  }
}

TimerEntry* TimerWheel::poll(uint64_t now) {
  for (;;) {
    if (TimerEntry* e = pending_.pop_front()) {
      --size_;
      return e;
    }
    std::optional<Expiration> next;
    for (int level = 0; level < kWheelLevels && !next; ++level) next = next_expiration_at(level);
    if (!next || next->deadline > now) {
      elapsed_ = std::max(elapsed_, now);
      return nullptr;
    }
    drain_slot(*next);
  }
}

}  // namespace corio::time

// Poll<T>: the result of polling a future once: Ready(value) or Pending.
//
// A future that returns Pending must first have arranged for the context's waker to be
// woken when progress is possible (see waker.h). Poll<void> carries no value.
#pragma once

#include <optional>
#include <utility>

namespace corio {

struct PendingTag {};
inline constexpr PendingTag kPending{};

template <typename T>
class [[nodiscard]] Poll {
 public:
  Poll(PendingTag) {}  // NOLINT(google-explicit-constructor): `return kPending;`
  Poll(T value) : value_(std::move(value)) {}  // NOLINT: `return value;`

  bool is_ready() const { return value_.has_value(); }
  bool is_pending() const { return !value_.has_value(); }
  T& value() & { return *value_; }
  T take() { return std::move(*value_); }

 private:
  std::optional<T> value_;
};

template <>
class [[nodiscard]] Poll<void> {
 public:
  Poll(PendingTag) {}  // NOLINT(google-explicit-constructor)
  static Poll Ready() { return Poll(true); }

  bool is_ready() const { return ready_; }
  bool is_pending() const { return !ready_; }
  void take() {}

 private:
  explicit Poll(bool ready) : ready_(ready) {}
  bool ready_ = false;
};

// Ready() for Poll<void>, for symmetry with `return value;` in Poll<T>.
inline Poll<void> Ready() { return Poll<void>::Ready(); }

}  // namespace corio

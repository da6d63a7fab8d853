// join() and select(): run several futures (usually Tasks) concurrently inside one task.
//
//   auto [a, b] = co_await join(fetch(1), fetch(2));      // both, concurrently
//   auto first = co_await select(read_line(), sleep(1s)); // std::variant, index = winner
//
// Both poll their futures on the awaiting task's own waker: no extra tasks, no extra
// allocations beyond the futures themselves. A void output becomes std::monostate.
//
// join: completes when every future has; if one throws, the exception reaches the awaiter
// and the others are destroyed (cancelled).
// select: completes with the first future to be ready (polled in argument order, so an
// earlier argument wins ties); the losers are destroyed = cancelled right then, which
// unregisters whatever they were waiting on.
//
// Cancel-safety: destroying a pending join/select destroys every future it holds.
#pragma once

#include <cstddef>
#include <optional>
#include <tuple>
#include <utility>
#include <variant>

#include "runtime/poll.h"
#include "runtime/task.h"

namespace corio {
namespace internal {

template <typename F>
using OutputOrUnit =
    std::conditional_t<std::is_void_v<FutureOutput<F>>, std::monostate, FutureOutput<F>>;

template <typename F>
bool poll_into(F& future, std::optional<OutputOrUnit<F>>& out, Context& cx) {
  auto p = future.poll(cx);
  if (p.is_pending()) return false;
  if constexpr (std::is_void_v<FutureOutput<F>>) {
    out.emplace();
  } else {
    out.emplace(p.take());
  }
  return true;
}

}  // namespace internal

template <Future... Fs>
class JoinFuture {
 public:
  explicit JoinFuture(Fs... futures) : futures_(std::move(futures)...) {}

  Poll<std::tuple<internal::OutputOrUnit<Fs>...>> poll(Context& cx) {
    bool all_ready = poll_all(cx, std::index_sequence_for<Fs...>{});
    if (!all_ready) return kPending;
    return take_all(std::index_sequence_for<Fs...>{});
  }

 private:
  template <size_t... I>
  bool poll_all(Context& cx, std::index_sequence<I...>) {
    bool all = true;
    ((std::get<I>(outputs_) ||
      internal::poll_into(std::get<I>(futures_), std::get<I>(outputs_), cx) || (all = false)),
     ...);
    return all;
  }
  template <size_t... I>
  std::tuple<internal::OutputOrUnit<Fs>...> take_all(std::index_sequence<I...>) {
    return {std::move(*std::get<I>(outputs_))...};
  }

  std::tuple<Fs...> futures_;
  std::tuple<std::optional<internal::OutputOrUnit<Fs>>...> outputs_;
};

template <Future... Fs>
JoinFuture<Fs...> join(Fs... futures) {
  return JoinFuture<Fs...>(std::move(futures)...);
}

template <Future... Fs>
class SelectFuture {
 public:
  using Output = std::variant<internal::OutputOrUnit<Fs>...>;

  explicit SelectFuture(Fs... futures) : futures_(std::optional<Fs>(std::move(futures))...) {}

  Poll<Output> poll(Context& cx) {
    std::optional<Output> winner;
    poll_each(cx, winner, std::index_sequence_for<Fs...>{});
    if (!winner) return kPending;
    // Cancel the losers now rather than when the select itself is destroyed.
    std::apply([](auto&... f) { (f.reset(), ...); }, futures_);
    return std::move(*winner);
  }

 private:
  template <size_t... I>
  void poll_each(Context& cx, std::optional<Output>& winner, std::index_sequence<I...>) {
    ((winner || poll_one<I>(cx, winner)), ...);
  }
  template <size_t I>
  bool poll_one(Context& cx, std::optional<Output>& winner) {
    auto& future = std::get<I>(futures_);
    if (!future) return false;
    using F = std::tuple_element_t<I, std::tuple<Fs...>>;
    std::optional<internal::OutputOrUnit<F>> out;
    if (!internal::poll_into(*future, out, cx)) return false;
    winner.emplace(std::in_place_index<I>, std::move(*out));
    return true;
  }

  std::tuple<std::optional<Fs>...> futures_;
};

template <Future... Fs>
SelectFuture<Fs...> select(Fs... futures) {
  return SelectFuture<Fs...>(std::move(futures)...);
}

}  // namespace corio

// Task<T>: the lazy coroutine type in which users write async code, and the Future
// concept that ties coroutines to the poll model.
//
//   Task<int> answer() { co_return 42; }
//   Task<void> f() { int x = co_await answer(); co_await some_future; }
//
// - A Task does nothing until it is awaited, polled, spawned or passed to block_on.
// - `co_await task` (Task<U>) transfers control symmetrically: no stack growth however deep
//   the chain of awaits.
// - `co_await future` works on any type with `Poll<T> poll(Context&)` (the Future concept).
//   Rvalue futures are moved into the coroutine frame; lvalues are polled in place.
// - A Task is itself a Future: polling it runs the coroutine until it completes or waits on
//   a future that is pending. That is what lets join() and select() drive several
//   coroutines inside one spawned task.
// - An exception escaping the coroutine is captured and rethrown to whoever awaits or
//   polls the Task (for a spawned task: the awaiter of its JoinHandle).
//
// Cancellation: destroying a Task (or the spawned task holding it) destroys the coroutine
// frame at its current suspension point: locals run their destructors, and the awaited
// future is destroyed, which unregisters any waker it had stored.
//
// Thread-safety: a Task is a value owned by one thread at a time; it may move between
// threads between polls.
#pragma once

#include <concepts>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <new>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "runtime/poll.h"
#include "runtime/task_alloc.h"
#include "runtime/task_header.h"
#include "runtime/waker.h"

namespace corio {

template <typename T>
class Task;

// A future: polled with a Context until it returns Ready.
template <typename F>
concept Future = requires(F& f, Context& cx) {
  { f.poll(cx).is_ready() } -> std::convertible_to<bool>;
  f.poll(cx).take();
};

template <typename F>
using FutureOutput = decltype(std::declval<F&>().poll(std::declval<Context&>()).take());

namespace internal {

// The future a coroutine chain is currently waiting on, type-erased.
struct PendingLeaf {
  void* self = nullptr;
  // Polls the future; true once it is ready (its output is then stored in `self`).
  bool (*poll)(void* self, Context& cx) = nullptr;
};

// A chain is a root coroutine plus the Tasks it awaits, nested. At any moment it is either
// running, completed, or suspended in exactly one place: a future that returned Pending.
struct Chain {
  PendingLeaf leaf;
  std::coroutine_handle<> resume_point;

  // Polls the pending future if any and, once it is ready, resumes the chain until it waits
  // on another pending future (returns false) or its root completes (returns true).
  bool run(Context& cx);
};

// The chain being run on this thread and the context it runs with. Set by Chain::run for
// the duration of a resume; awaiters read them to register themselves.
inline thread_local Chain* tl_current_chain = nullptr;
inline thread_local Context* tl_current_context = nullptr;

inline bool Chain::run(Context& cx) {
  if (leaf.poll != nullptr) {
    if (!leaf.poll(leaf.self, cx)) return false;
    leaf = {};
  }
  Chain* saved_chain = std::exchange(tl_current_chain, this);
  Context* saved_context = std::exchange(tl_current_context, &cx);
  resume_point.resume();
  tl_current_chain = saved_chain;
  tl_current_context = saved_context;
  return leaf.poll == nullptr;
}

// Awaits a Future from inside a coroutine: polls it once right away; if it is pending,
// registers it as the chain's leaf so the next poll of the task polls it again.
template <typename F>
class FutureAwaiter {
 public:
  using Output = FutureOutput<std::remove_reference_t<F>>;

  explicit FutureAwaiter(F&& future) : future_(std::forward<F>(future)) {}

  bool await_ready() {
    if (tl_current_context == nullptr) {
      throw std::logic_error("corio: a future was awaited outside of a task");
    }
    return poll_once(*tl_current_context);
  }
  void await_suspend(std::coroutine_handle<> h) {
    tl_current_chain->leaf = {this, &poll_thunk};
    tl_current_chain->resume_point = h;
  }
  Output await_resume() {
    if (error_) std::rethrow_exception(error_);
    if constexpr (!std::is_void_v<Output>) return std::move(*output_);
  }

 private:
  bool poll_once(Context& cx) {
    try {
      auto p = future_.poll(cx);
      if (p.is_pending()) return false;
      if constexpr (std::is_void_v<Output>) {
        output_.emplace();
      } else {
        output_.emplace(p.take());
      }
    } catch (...) {
      error_ = std::current_exception();
    }
    return true;
  }
  static bool poll_thunk(void* self, Context& cx) {
    return static_cast<FutureAwaiter*>(self)->poll_once(cx);
  }

  struct Unit {};
  using Stored = std::conditional_t<std::is_void_v<Output>, Unit, Output>;

  F future_;  // a value for rvalue futures, a reference for lvalues
  std::optional<Stored> output_;
  std::exception_ptr error_;
};

template <typename T>
class TaskAwaiter;

}  // namespace internal

// The part of every Task's promise that does not depend on T.
class PromiseBase {
 public:
  std::suspend_always initial_suspend() noexcept { return {}; }

  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    template <typename P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
      std::coroutine_handle<> next = h.promise().continuation_;
      return next ? next : std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }

  template <typename U>
  internal::TaskAwaiter<U> await_transform(Task<U>&& task);
  template <typename U>
  internal::TaskAwaiter<U> await_transform(Task<U>& task);

  template <typename F>
    requires Future<std::remove_reference_t<F>>
  internal::FutureAwaiter<F> await_transform(F&& future) {
    return internal::FutureAwaiter<F>(std::forward<F>(future));
  }

  std::coroutine_handle<> continuation_;  // the awaiting coroutine, if awaited
  internal::Chain chain_;                  // used when this coroutine is a chain's root
};

namespace internal {

// Where a Task's result waits for its reader: after the coroutine frame, in the frame's
// own allocation (laid out by Promise<T>::operator new). Keeping it out of the frame lets a
// spawned task's frame be destroyed as soon as the task completes while its output waits
// for the JoinHandle.
template <typename T>
struct OutputSlot {
  std::optional<T> value;
  std::exception_ptr error;
  void reset() {
    value.reset();
    error = nullptr;
  }
};
template <>
struct OutputSlot<void> {
  std::exception_ptr error;
  void reset() { error = nullptr; }
};

// The promise part that knows T: the block layout [TaskHeader | frame | OutputSlot<T>] and
// the slot's lifetime (for a frame that is never spawned, the frame's own; for a spawned
// task, see the ground rules in task_header.h).
template <typename T>
class PromiseWithSlot : public PromiseBase {
 public:
  static void* operator new(std::size_t size) {
    static_assert(alignof(OutputSlot<T>) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
    constexpr size_t kAlign = alignof(OutputSlot<T>);
    const size_t offset = (size + kAlign - 1) / kAlign * kAlign;
    void* block = internal::allocate_frame(kTaskHeaderPrefix + offset + sizeof(OutputSlot<T>));
    auto* header = new (block) TaskHeader();
    header->output_offset = static_cast<uint32_t>(offset);
    new (header->output_slot()) OutputSlot<T>();
    return header->frame();
  }
  static void operator delete(void* frame, std::size_t) noexcept {
    TaskHeader* header = TaskHeader::from_frame(frame);
    // A spawned task's memory and output outlive its frame: its last reference frees them.
    if (header->is_spawned()) return;
    slot_of(header)->~OutputSlot<T>();
    header->~TaskHeader();
    internal::free_frame(header);
  }

  static OutputSlot<T>* slot_of(TaskHeader* header) {
    return std::launder(static_cast<OutputSlot<T>*>(header->output_slot()));
  }
  OutputSlot<T>* slot() {
    auto frame = std::coroutine_handle<PromiseWithSlot>::from_promise(*this).address();
    return slot_of(TaskHeader::from_frame(frame));
  }

  void unhandled_exception() { slot()->error = std::current_exception(); }

  // The coroutine's result: its value, or its exception rethrown.
  static T take_result(OutputSlot<T>* slot) {
    if (slot->error) std::rethrow_exception(std::exchange(slot->error, nullptr));
    if constexpr (!std::is_void_v<T>) return std::move(*slot->value);
  }
  T take_result() { return take_result(slot()); }
};

template <typename T>
class Promise : public PromiseWithSlot<T> {
 public:
  Task<T> get_return_object();
  template <typename U>
    requires std::convertible_to<U&&, T>
  void return_value(U&& value) {
    this->slot()->value.emplace(std::forward<U>(value));
  }
};

template <>
class Promise<void> : public PromiseWithSlot<void> {
 public:
  Task<void> get_return_object();
  void return_void() {}
};

}  // namespace internal

template <typename T = void>
class [[nodiscard]] Task {
 public:
  using promise_type = internal::Promise<T>;
  using Handle = std::coroutine_handle<promise_type>;
  using Output = T;

  Task() = default;
  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  ~Task() { reset(); }

  // Future interface: runs the coroutine until it completes (Ready, or the exception it
  // threw is rethrown) or waits on a pending future (Pending).
  Poll<T> poll(Context& cx) {
    if (!handle_ || handle_.done()) {
      throw std::logic_error("corio: Task polled after completion or after being moved");
    }
    if (!handle_.promise().chain_.run(cx)) return kPending;
    if constexpr (std::is_void_v<T>) {
      handle_.promise().take_result();
      return Ready();
    } else {
      return handle_.promise().take_result();
    }
  }

  bool valid() const { return static_cast<bool>(handle_); }
  // Gives up ownership of the coroutine frame (used by spawn, which adopts it).
  Handle release() { return std::exchange(handle_, nullptr); }
  Handle handle() const { return handle_; }

 private:
  friend class internal::Promise<T>;
  explicit Task(Handle h) : handle_(h) { h.promise().chain_.resume_point = h; }

  void reset() {
    if (handle_) std::exchange(handle_, nullptr).destroy();
  }

  Handle handle_;
};

namespace internal {

template <typename T>
Task<T> Promise<T>::get_return_object() {
  return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}
inline Task<void> Promise<void>::get_return_object() {
  return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}

// `co_await task`: starts the awaited coroutine by symmetric transfer; it resumes us the
// same way when it finishes. The awaited Task is owned here, so destroying the awaiting
// frame (cancellation) destroys the whole nested chain.
template <typename T>
class TaskAwaiter {
 public:
  explicit TaskAwaiter(Task<T> task) : task_(std::move(task)) {}
  bool await_ready() {
    if (!task_.valid() || task_.handle().done()) {
      throw std::logic_error("corio: awaited a Task that was moved or already completed");
    }
    return false;
  }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) {
    task_.handle().promise().continuation_ = awaiting;
    return task_.handle();
  }
  T await_resume() { return task_.handle().promise().take_result(); }

 private:
  Task<T> task_;
};

}  // namespace internal

template <typename U>
internal::TaskAwaiter<U> PromiseBase::await_transform(Task<U>&& task) {
  return internal::TaskAwaiter<U>(std::move(task));
}
template <typename U>
internal::TaskAwaiter<U> PromiseBase::await_transform(Task<U>& task) {
  return internal::TaskAwaiter<U>(std::move(task));
}

// poll_fn(f): a future whose poll calls f(cx), which returns a Poll<T>.
template <typename F>
class PollFn {
 public:
  explicit PollFn(F f) : f_(std::move(f)) {}
  auto poll(Context& cx) { return f_(cx); }

 private:
  F f_;
};

template <typename F>
PollFn<F> poll_fn(F f) {
  return PollFn<F>(std::move(f));
}

}  // namespace corio

namespace corio {

// co_invoke(f): calls a lambda returning a Task and keeps the lambda alive inside the
// coroutine frame for as long as the Task runs.
//
// `[&]() -> Task<void> { ... }()` is a trap: the coroutine refers to its captures through
// the closure object, which is a temporary destroyed at the end of the statement, while
// the lazy Task runs later. co_invoke([&]() -> Task<void> { ... }) is the safe spelling.
//
// The lambda lives in a local of the coroutine, not only in its parameter, so that its
// captures are destroyed as soon as the Task completes. Parameters live as long as the
// frame, and a spawned task's frame lives until its JoinHandle takes the output: a
// captured channel Sender would otherwise keep the channel open after the task finished.
template <typename F>
auto co_invoke(F f) -> std::invoke_result_t<F&> {
  F body(std::move(f));
  co_return co_await body();
}

}  // namespace corio

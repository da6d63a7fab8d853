// block_on_thread(future): drives one future to completion on the calling thread, which
// must not be inside a task. This is what the blocking_* methods of the channels use, so
// that a plain std::thread can talk to tasks through the same wait lists.
//
// The future runs as the root of a private one-task scheduler (the one behind
// Runtime::block_on): wakers schedule it back onto this thread, which sleeps on a condition
// variable in between. No runtime is needed; the future must not spawn.
//
// Calling it from inside a task would block a worker: std::logic_error.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "runtime/block_on_driver.h"
#include "runtime/join_handle.h"
#include "runtime/task.h"
#include "runtime/task_harness.h"

namespace corio::sync::internal {

template <typename F>
Task<FutureOutput<F>> await_future(F future) {
  if constexpr (std::is_void_v<FutureOutput<F>>) {
    co_await future;
  } else {
    co_return co_await future;
  }
}

template <typename F>
FutureOutput<F> block_on_thread(F future, const char* what) {
  using Output = FutureOutput<F>;
  if (corio::internal::tl_current_context != nullptr) {
    throw std::logic_error(std::string("corio: ") + what +
                           " called from inside a task (it would block the worker); use "
                           "the async form with co_await");
  }
  Task<Output> task = await_future<F>(std::move(future));
  TaskHeader* root = TaskHeader::from_frame(task.release().address());
  corio::internal::BlockOnDriver driver;
  root->init_spawned(corio::internal::vtable_for<Output>(), &driver);
  (void)driver.run(root, std::nullopt);
  JoinHandle<Output> handle(root);
  auto result = handle.take_finished_output();  // rethrows the future's exception
  if constexpr (std::is_void_v<Output>) {
    if (!result.ok()) throw std::logic_error("corio: block_on_thread: cancelled");
  } else {
    if (!result.ok()) throw std::logic_error("corio: block_on_thread: cancelled");
    return *std::move(result);
  }
}

}  // namespace corio::sync::internal

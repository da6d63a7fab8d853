#include "net/signal.h"

#include <signal.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

#include "runtime/combinators.h"
#include "runtime/runtime.h"
#include "runtime/time/sleep.h"

namespace corio::net {
namespace {

using namespace std::chrono_literals;

TEST(Signal, EveryListenerSeesTheDelivery) {
  Runtime rt = Builder::multi_thread().worker_threads(2).enable_all().build();
  std::atomic<int> woken{0};
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    std::vector<JoinHandle<void>> waiters;
    for (int i = 0; i < 3; ++i) {
      auto sig = Signal::listen(SIGUSR1);
      EXPECT_TRUE(sig.ok());
      waiters.push_back(spawn(co_invoke([&, s = *std::move(sig)]() mutable -> Task<void> {
        co_await s.recv();
        woken.fetch_add(1);
      })));
    }
    co_await time::sleep(20ms);  // let them all wait
    EXPECT_EQ(woken.load(), 0);
    raise_signal(SIGUSR1);
    for (auto& w : waiters) (void)co_await w;
  }), 30s);
  ASSERT_TRUE(r.ok()) << r;
  EXPECT_EQ(woken.load(), 3);
}

TEST(Signal, SigtermAndSigintAreCaughtNotFatal) {
  Runtime rt = Builder::current_thread().enable_all().build();
  auto r = rt.block_on_for(co_invoke([&]() -> Task<void> {
    auto term = Signal::listen(SIGTERM);
    auto intr = Signal::listen(SIGINT);
    raise_signal(SIGTERM);
    raise_signal(SIGINT);
    co_await term->recv();
    co_await intr->recv();
    // A cancelled recv consumes nothing: the next delivery still arrives.
    auto lost = co_await select(term->recv(), time::sleep(10ms));
    EXPECT_EQ(lost.index(), 1u);
    raise_signal(SIGTERM);
    co_await term->recv();
  }), 30s);
  ASSERT_TRUE(r.ok()) << r;
}

TEST(Signal, UncatchableSignalsAreRefused) {
  EXPECT_FALSE(Signal::listen(SIGKILL).ok());
  EXPECT_FALSE(Signal::listen(0).ok());
}

}  // namespace
}  // namespace corio::net

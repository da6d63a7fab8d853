#include "runtime/combinators.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "runtime/runtime.h"
#include "runtime/test_util.h"

namespace corio {
namespace {

TEST(CombinatorsTest, JoinRunsBothAndReturnsBothValues) {
  Runtime rt = Builder::current_thread().build();
  auto [a, b, c] = rt.block_on(co_invoke([]() -> Task<std::tuple<int, std::string, std::monostate>> {
    testing::Flag flag;
    auto first = [&]() -> Task<int> {
      co_await testing::WaitFlag{&flag};  // completes only after the second one ran
      co_return 1;
    };
    auto second = [&]() -> Task<std::string> {
      flag.set();
      co_return "two";
    };
    auto third = []() -> Task<void> { co_return; };
    co_return co_await join(first(), second(), third());
  }));
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, "two");
  (void)c;
}

TEST(CombinatorsTest, SelectReturnsTheWinnerAndCancelsTheLoser) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  std::atomic<int> live{0};
  auto result = rt.block_on(co_invoke([&]() -> Task<std::variant<int, std::monostate>> {
    testing::Flag never;
    auto loser = [&]() -> Task<int> {
      testing::DropCounter d(&live);
      co_await testing::WaitFlag{&never};
      co_return 1;
    };
    auto winner = []() -> Task<void> {
      co_await yield_now();
      co_return;
    };
    auto r = co_await select(loser(), winner());
    EXPECT_EQ(live.load(), 0);  // the loser was destroyed as soon as the winner finished
    co_return r;
  }));
  EXPECT_EQ(result.index(), 1u);
}

TEST(CombinatorsTest, JoinPropagatesExceptions) {
  Runtime rt = Builder::current_thread().build();
  EXPECT_THROW(rt.block_on(co_invoke([]() -> Task<void> {
                 auto bad = []() -> Task<int> {
                   throw std::runtime_error("no");
                   co_return 0;
                 };
                 auto good = []() -> Task<int> { co_return 1; };
                 (void)co_await join(good(), bad());
               })),
               std::runtime_error);
}

TEST(CombinatorsTest, SelectOverJoinHandles) {
  Runtime rt = Builder::multi_thread().worker_threads(2).build();
  int v = rt.block_on(co_invoke([]() -> Task<int> {
    testing::Flag never;
    auto slow = spawn(co_invoke([&]() -> Task<int> {
      co_await testing::WaitFlag{&never};
      co_return 1;
    }));
    auto fast = spawn(co_invoke([]() -> Task<int> { co_return 2; }));
    auto r = co_await select(std::move(slow), std::move(fast));
    // The losing JoinHandle was dropped: detached, still pending; abort it via shutdown.
    co_return *std::get<1>(r);
  }));
  EXPECT_EQ(v, 2);
}

}  // namespace
}  // namespace corio

// main() of the stress suites: takes --seed/--long (stress_env.h), prints the run seed,
// and after a failing test says how to replay it.
#include <gtest/gtest.h>

#include <cstdio>

#include "tests/stress/stress_env.h"

namespace {

class PrintSeedOnFailure : public ::testing::EmptyTestEventListener {
  void OnTestEnd(const ::testing::TestInfo& info) override {
    if (!info.result()->Failed()) return;
    std::fprintf(stderr,
                 "[stress] %s.%s failed with seed %llu; replay with --test_arg=--seed=%llu "
                 "(bazel) or CORIO_STRESS_SEED=%llu%s\n",
                 info.test_suite_name(), info.name(),
                 static_cast<unsigned long long>(corio::stress::run_seed()),
                 static_cast<unsigned long long>(corio::stress::run_seed()),
                 static_cast<unsigned long long>(corio::stress::run_seed()),
                 corio::stress::long_mode() ? " in long mode (--long)" : "");
  }
};

}  // namespace

int main(int argc, char** argv) {
  corio::stress::configure(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  std::printf("[stress] seed %llu%s\n", static_cast<unsigned long long>(corio::stress::run_seed()),
              corio::stress::long_mode() ? ", long mode" : "");
  ::testing::UnitTest::GetInstance()->listeners().Append(new PrintSeedOnFailure);
  return RUN_ALL_TESTS();
}

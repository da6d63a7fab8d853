// Runs the libFuzzer target (resp_parser_fuzz.cc) over its seed corpus and every prefix of
// each seed, so that the target keeps building and its properties keep holding in CI.
// The seeds, and inputs the fuzzer once found, live in testdata/resp_fuzz_seeds/.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

TEST(RespParserFuzzReplayTest, SeedsAndTheirPrefixesHoldTheProperties) {
  const std::filesystem::path dir = "redis/testdata/resp_fuzz_seeds";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << std::filesystem::current_path();
  int seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string seed = ss.str();
    for (size_t n = 0; n <= seed.size(); ++n) {
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(seed.data()), n);
    }
    ++seeds;
  }
  EXPECT_GE(seeds, 8);
}

}  // namespace

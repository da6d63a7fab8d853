#include "tests/stress/stress_env.h"

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include "absl/strings/numbers.h"

namespace corio::stress {
namespace {

uint64_t g_seed = 0;
bool g_long = false;

bool env_flag(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' && std::strcmp(v, "0") != 0;
}

uint64_t parse_seed(std::string_view text) {
  uint64_t seed = 0;
  if (!absl::SimpleAtoi(absl::string_view(text.data(), text.size()), &seed)) {
    throw std::invalid_argument("stress: the seed must be an unsigned integer, got '" +
                                std::string(text) + "'");
  }
  return seed;
}

}  // namespace

void configure(int& argc, char** argv) {
  bool have_seed = false;
  if (const char* env = std::getenv("CORIO_STRESS_SEED"); env != nullptr && *env != '\0') {
    g_seed = parse_seed(env);
    have_seed = true;
  }
  g_long = env_flag("CORIO_STRESS_LONG");
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.starts_with("--seed=")) {
      g_seed = parse_seed(arg.substr(7));
      have_seed = true;
    } else if (arg == "--long") {
      g_long = true;
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  argv[argc] = nullptr;
  if (!have_seed) {
    std::random_device device;
    g_seed = (uint64_t{device()} << 32) | device();
  }
}

uint64_t run_seed() { return g_seed; }
bool long_mode() { return g_long; }

int64_t scaled(int64_t n) { return g_long ? n * kLongModeFactor : n; }

std::chrono::seconds hang_deadline() {
  return std::chrono::seconds(g_long ? 120 * kLongModeFactor : 120);
}

// absl::Hash is salted per process, so replaying a seed needs a fixed mix: FNV-1a over
// the name, then SplitMix64's finalizer over the combination.
uint64_t seed_for(std::string_view test_name, uint64_t stream) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : test_name) h = (h ^ c) * 0x100000001b3ULL;
  uint64_t z = g_seed ^ (h + 0x9e3779b97f4a7c15ULL * (stream + 1));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace corio::stress

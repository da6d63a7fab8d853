// Transparent hashing for std::string-keyed Abseil containers, so they can be searched
// with a std::string_view (Debian's Abseil only does that for absl::string_view).
#pragma once

#include <string>
#include <string_view>

#include "absl/hash/hash.h"

namespace corio::redis {

// Abseil's own string hash. Debian's Abseil has no AbslHashValue for std::string_view, so
// absl::Hash<std::string_view> falls back to std::hash (libstdc++'s _Hash_bytes), which
// cost 1.6% of the server's CPU under redis-benchmark; absl::string_view takes the fast path.
inline size_t hash_bytes(std::string_view s) {
  return absl::Hash<absl::string_view>{}(absl::string_view(s.data(), s.size()));
}

struct StringViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return hash_bytes(s); }
};

struct StringViewEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

}  // namespace corio::redis

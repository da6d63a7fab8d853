// Transparent hashing for std::string-keyed Abseil containers, so they can be searched
// with a std::string_view (Debian's Abseil only does that for absl::string_view).
#pragma once

#include <string>
#include <string_view>

#include "absl/hash/hash.h"

namespace corio::redis {

struct StringViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return absl::Hash<std::string_view>{}(s); }
};

struct StringViewEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

}  // namespace corio::redis

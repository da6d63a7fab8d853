// CommandTable: every CommandSpec, looked up case-insensitively by name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "redis/string_hash.h"
#include "redis/command.h"

namespace corio::redis {

class CommandTable {
 public:
  // The table with every family registered.
  static const CommandTable& instance();

  // The spec for `name` (any case), or null.
  const CommandSpec* find(std::string_view name) const;
  // For a container, the subcommand `sub` (any case), or null.
  const CommandSpec* find_sub(const CommandSpec& container, std::string_view sub) const;
  // Top-level commands (COMMAND COUNT, COMMAND with no arguments, COMMAND DOCS).
  const std::vector<CommandSpec>& all() const { return specs_; }

  // Checks arity; if wrong, writes Redis's error and returns false.
  static bool check_arity(const CommandSpec& spec, size_t argc, ReplyWriter& out);
  // The name Redis shows in errors and CLIENT LIST: "get", "client|setname".
  static std::string_view full_name(const CommandSpec& spec) { return spec.name; }

  // The key positions of a call (indexes into args), from the spec.
  static std::vector<size_t> key_positions(const CommandSpec& spec, size_t argc);

 private:
  CommandTable();
  std::vector<CommandSpec> specs_;
  absl::flat_hash_map<std::string, const CommandSpec*, StringViewHash, StringViewEq> by_name_;
};

// Lowercases ASCII into `buf` (up to its size); returns the lowered view.
std::string_view ascii_lower(std::string_view s, char* buf, size_t cap);

}  // namespace corio::redis

// CommandTable: every CommandSpec, looked up case-insensitively by name.
#pragma once

#include <deque>
#include <span>
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

  // The top-level spec for `name` (any case), or null.
  const CommandSpec* find(std::string_view name) const;
  // What a call runs, as Redis 7.0 looks it up: the command args[0]; for a container with
  // an argument, its subcommand args[1] (null if there is none by that name).
  const CommandSpec* lookup(std::span<const std::string_view> args) const;
  // A command or "container|sub" (COMMAND INFO/DOCS accept both), or null.
  const CommandSpec* find_full_name(std::string_view name) const;
  // For a container, the subcommand `sub` (any case), or null.
  const CommandSpec* find_sub(const CommandSpec& container, std::string_view sub) const;
  // Top-level commands (COMMAND COUNT, COMMAND with no arguments, COMMAND DOCS).
  const std::vector<CommandSpec>& all() const { return specs_; }
  // Calls f(spec) for every command and subcommand.
  template <typename F>
  void for_each(F&& f) const {
    for (const CommandSpec& s : specs_) {
      f(s);
      for (const CommandSpec& sub : s.subcommands) f(sub);
    }
  }

  // The key positions of a call (indexes into args), from the spec.
  static std::vector<size_t> key_positions(const CommandSpec& spec, size_t argc);

 private:
  CommandTable();
  std::vector<CommandSpec> specs_;
  std::deque<CommandStats> stats_;  // one per spec (stable addresses)
  // Top-level commands, and "container|sub" for subcommands.
  absl::flat_hash_map<std::string, const CommandSpec*, StringViewHash, StringViewEq> by_name_;
  absl::flat_hash_map<std::string, const CommandSpec*, StringViewHash, StringViewEq> subs_;
};

// Lowercases ASCII into `buf` (up to its size); returns the lowered view.
std::string_view ascii_lower(std::string_view s, char* buf, size_t cap);

}  // namespace corio::redis

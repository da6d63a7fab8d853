#include "redis/command_table.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace corio::redis {

std::string_view ascii_lower(std::string_view s, char* buf, size_t cap) {
  size_t n = std::min(s.size(), cap);
  for (size_t i = 0; i < n; ++i) {
    char c = s[i];
    buf[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
  return {buf, n};
}

std::vector<std::string_view> flag_names(uint32_t flags) {
  static constexpr std::pair<uint32_t, std::string_view> kNames[] = {
      {kWrite, "write"},       {kReadonly, "readonly"},     {kDenyOom, "denyoom"},
      {kAdmin, "admin"},       {kPubsub, "pubsub"},         {kNoscript, "noscript"},
      {kBlocking, "blocking"}, {kLoading, "loading"},       {kStale, "stale"},
      {kSkipMonitor, "skip_monitor"}, {kSkipSlowlog, "skip_slowlog"}, {kFast, "fast"},
      {kNoAuth, "no_auth"},    {kAllowBusy, "allow_busy"},  {kNoMulti, "no_multi"},
  };
  std::vector<std::string_view> out;
  for (auto [bit, name] : kNames) {
    if (flags & bit) out.push_back(name);
  }
  return out;
}

const CommandTable& CommandTable::instance() {
  static const CommandTable* table = new CommandTable();
  return *table;
}

CommandTable::CommandTable() {
  register_connection_commands(specs_);
  register_server_commands(specs_);
  register_string_commands(specs_);
  register_key_commands(specs_);
  register_pubsub_commands(specs_);
  register_transaction_commands(specs_);
  std::sort(specs_.begin(), specs_.end(),
            [](const CommandSpec& a, const CommandSpec& b) { return a.name < b.name; });
  for (const CommandSpec& s : specs_) {
    by_name_[std::string(s.name)] = &s;
    for (const CommandSpec& sub : s.subcommands) by_name_[std::string(sub.name)] = &sub;
  }
}

const CommandSpec* CommandTable::find(std::string_view name) const {
  char buf[64];
  if (name.size() > sizeof buf) return nullptr;
  auto it = by_name_.find(ascii_lower(name, buf, sizeof buf));
  return it == by_name_.end() ? nullptr : it->second;
}

const CommandSpec* CommandTable::find_sub(const CommandSpec& container,
                                          std::string_view sub) const {
  char buf[96];
  if (container.name.size() + 1 + sub.size() > sizeof buf) return nullptr;
  std::copy(container.name.begin(), container.name.end(), buf);
  buf[container.name.size()] = '|';
  ascii_lower(sub, buf + container.name.size() + 1, sizeof buf - container.name.size() - 1);
  auto it = by_name_.find(std::string_view(buf, container.name.size() + 1 + sub.size()));
  return it == by_name_.end() ? nullptr : it->second;
}

bool CommandTable::check_arity(const CommandSpec& spec, size_t argc, ReplyWriter& out) {
  int n = static_cast<int>(argc);
  if ((spec.arity > 0 && n != spec.arity) || (spec.arity < 0 && n < -spec.arity)) {
    out.error(absl::StrCat("ERR wrong number of arguments for '",
                           absl::string_view(spec.name.data(), spec.name.size()), "' command"));
    return false;
  }
  return true;
}

std::vector<size_t> CommandTable::key_positions(const CommandSpec& spec, size_t argc) {
  std::vector<size_t> keys;
  if (spec.first_key <= 0) return keys;
  int last = spec.last_key < 0 ? static_cast<int>(argc) + spec.last_key : spec.last_key;
  for (int i = spec.first_key; i <= last && i < static_cast<int>(argc); i += spec.key_step) {
    keys.push_back(static_cast<size_t>(i));
  }
  return keys;
}

}  // namespace corio::redis

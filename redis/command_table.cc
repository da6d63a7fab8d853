#include "redis/command_table.h"

#include <algorithm>
#include <cstring>

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
      {kWrite, "write"},
      {kReadonly, "readonly"},
      {kDenyOom, "denyoom"},
      {kAdmin, "admin"},
      {kPubsub, "pubsub"},
      {kNoscript, "noscript"},
      {kBlocking, "blocking"},
      {kLoading, "loading"},
      {kStale, "stale"},
      {kSkipMonitor, "skip_monitor"},
      {kSkipSlowlog, "skip_slowlog"},
      {kFast, "fast"},
      {kNoAuth, "no_auth"},
      {kNoMandatoryKeys, "no_mandatory_keys"},
      {kNoAsyncLoading, "no_async_loading"},
      {kNoMulti, "no_multi"},
      {kAllowBusy, "allow_busy"},
  };
  std::vector<std::string_view> out;
  for (auto [bit, name] : kNames) {
    if (flags & bit) out.push_back(name);
  }
  return out;
}

std::vector<std::string_view> acl_categories(const CommandSpec& spec) {
  static constexpr std::pair<uint32_t, std::string_view> kNames[] = {
      {kAclKeyspace, "@keyspace"},   {kAclRead, "@read"},
      {kAclWrite, "@write"},         {1u << 3, "@set"},
      {1u << 4, "@sortedset"},       {1u << 5, "@list"},
      {1u << 6, "@hash"},            {kAclString, "@string"},
      {1u << 8, "@bitmap"},          {1u << 9, "@hyperloglog"},
      {1u << 10, "@geo"},            {1u << 11, "@stream"},
      {kAclPubsub, "@pubsub"},       {kAclAdmin, "@admin"},
      {kAclFast, "@fast"},           {kAclSlow, "@slow"},
      {kAclBlocking, "@blocking"},   {kAclDangerous, "@dangerous"},
      {kAclConnection, "@connection"}, {kAclTransaction, "@transaction"},
      {kAclScripting, "@scripting"},
  };
  // Implied by the flags, as Redis derives them.
  uint32_t acl = spec.acl;
  if (spec.flags & kWrite) acl |= kAclWrite;
  if ((spec.flags & kReadonly) && !(acl & kAclScripting)) acl |= kAclRead;
  if (spec.flags & kAdmin) acl |= kAclAdmin | kAclDangerous;
  if (spec.flags & kPubsub) acl |= kAclPubsub;
  if (spec.flags & kFast) acl |= kAclFast;
  if (spec.flags & kBlocking) acl |= kAclBlocking;
  if (!(acl & kAclFast)) acl |= kAclSlow;
  std::vector<std::string_view> out;
  for (auto [bit, name] : kNames) {
    if (acl & bit) out.push_back(name);
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
  for (CommandSpec& s : specs_) {
    s.stats = &stats_.emplace_back();
    for (CommandSpec& sub : s.subcommands) sub.stats = &stats_.emplace_back();
  }
  for (const CommandSpec& s : specs_) {
    by_name_[std::string(s.name)] = &s;
    for (const CommandSpec& sub : s.subcommands) subs_[std::string(sub.name)] = &sub;
  }
}

const CommandSpec* CommandTable::lookup(std::span<const std::string_view> args) const {
  if (args.empty()) return nullptr;
  const CommandSpec* base = find(args[0]);
  if (base == nullptr || args.size() == 1 || base->subcommands.empty()) return base;
  return find_sub(*base, args[1]);
}

const CommandSpec* CommandTable::find_full_name(std::string_view name) const {
  size_t bar = name.find('|');
  if (bar == std::string_view::npos) return find(name);
  const CommandSpec* base = find(name.substr(0, bar));
  if (base == nullptr) return nullptr;
  return find_sub(*base, name.substr(bar + 1));
}

const CommandSpec* CommandTable::find(std::string_view name) const {
  // A pipeline usually repeats one command: each thread remembers the last name it found,
  // byte for byte as sent, and skips lowering and hashing when the next one is the same.
  struct Memo {
    const CommandTable* table = nullptr;
    const CommandSpec* spec = nullptr;
    uint8_t len = 0;
    char name[23];
  };
  thread_local Memo memo;
  if (memo.table == this && name.size() == memo.len &&
      std::memcmp(name.data(), memo.name, name.size()) == 0) {
    return memo.spec;
  }
  char buf[64];
  if (name.size() > sizeof buf) return nullptr;
  auto it = by_name_.find(ascii_lower(name, buf, sizeof buf));
  if (it == by_name_.end()) return nullptr;
  if (name.size() <= sizeof memo.name) {
    memo.table = this;
    memo.spec = it->second;
    memo.len = static_cast<uint8_t>(name.size());
    std::memcpy(memo.name, name.data(), name.size());
  }
  return it->second;
}

const CommandSpec* CommandTable::find_sub(const CommandSpec& container,
                                          std::string_view sub) const {
  char buf[96];
  if (container.name.size() + 1 + sub.size() > sizeof buf) return nullptr;
  std::copy(container.name.begin(), container.name.end(), buf);
  buf[container.name.size()] = '|';
  ascii_lower(sub, buf + container.name.size() + 1, sizeof buf - container.name.size() - 1);
  auto it = subs_.find(std::string_view(buf, container.name.size() + 1 + sub.size()));
  return it == subs_.end() ? nullptr : it->second;
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

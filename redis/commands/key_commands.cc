// Keyspace commands: DEL, UNLINK, EXISTS, TOUCH, TYPE, KEYS, SCAN, RENAME, RENAMENX,
// RANDOMKEY, COPY, MOVE, EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, PERSIST,
// EXPIRETIME, PEXPIRETIME, OBJECT, DBSIZE.
#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "redis/client_state.h"
#include "redis/command.h"
#include "redis/commands/util.h"
#include "redis/keyspace.h"
#include "redis/server.h"

namespace corio::redis {
namespace {

std::vector<std::string_view> keys_from(CommandContext& c, size_t first) {
  return std::vector<std::string_view>(c.args.begin() + first, c.args.end());
}

void del(CommandContext& c) {
  auto keys = keys_from(c, 1);
  KeyLocks locks(c.ks, c.client.db, keys);
  int64_t n = 0;
  for (auto k : keys) n += c.ks.shard(c.client.db, k).erase(k) ? 1 : 0;
  c.out.integer(n);
}

void exists(CommandContext& c) {
  auto keys = keys_from(c, 1);
  KeyLocks locks(c.ks, c.client.db, keys);
  int64_t n = 0;
  for (auto k : keys) n += c.ks.shard(c.client.db, k).find(k) != nullptr ? 1 : 0;
  c.out.integer(n);
}

void touch(CommandContext& c) {
  auto keys = keys_from(c, 1);
  KeyLocks locks(c.ks, c.client.db, keys);
  int64_t n = 0;
  for (auto k : keys) {
    if (Entry* e = c.ks.shard(c.client.db, k).find(k)) {
      e->touch_access(c.ks.now_secs());
      ++n;
    }
  }
  c.out.integer(n);
}

void type(CommandContext& c) {
  bool found = c.ks.with_key(c.client.db, c.arg(1),
                             [&](Shard& s) { return s.find(c.arg(1)) != nullptr; });
  c.out.simple(found ? "string" : "none");
}

void keys(CommandContext& c) {
  std::vector<std::string> found;
  // A lone "*" is everything (the matcher itself matches nothing against an empty key).
  bool all_keys = c.arg(1) == "*";
  int64_t now = c.ks.now_ms();
  {
    AllLocks all(c.ks);
    for (size_t i = 0; i < Keyspace::kShards; ++i) {
      c.ks.shard_at(c.client.db, i).for_each([&](Entry* e) {
        if (e->expire_at() != 0 && e->expire_at() <= now) return;
        if (all_keys || glob_match(c.arg(1), e->key())) found.emplace_back(e->key());
      });
    }
  }
  c.out.array_header(found.size());
  for (const auto& k : found) c.out.bulk(k);
}

// Redis's SCAN cursor parsing (strtoul): an unsigned number, with an optional sign; no
// leading space or trailing junk. An empty cursor reads as 0.
bool parse_scan_cursor(std::string_view s, uint64_t& out) {
  if (!s.empty() && std::isspace(static_cast<unsigned char>(s[0]))) return false;
  std::string buf(c_str(s));
  if (buf.size() != s.size()) return false;  // a NUL inside: trailing junk
  errno = 0;
  char* end = nullptr;
  out = std::strtoull(buf.c_str(), &end, 10);
  return *end == '\0' && errno != ERANGE;
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. Our cursor: the shard to read
// next, plus one (0: start / done). Whole shards are read until `count` keys were found
// (or the end), so every key present for the whole iteration is returned exactly once,
// and a small database comes back in one call with cursor 0, as with Redis. A cursor
// Redis could return but we never do (beyond the shard count) ends the iteration.
void scan(CommandContext& c) {
  uint64_t cursor;
  if (!parse_scan_cursor(c.arg(1), cursor)) {
    c.out.error("ERR invalid cursor");
    return;
  }
  std::string_view pattern;
  bool has_pattern = false;
  std::string_view type_filter;
  int64_t count = 10;
  for (size_t i = 2; i < c.argc();) {
    bool more = i + 1 < c.argc();
    if (iequals(c.arg(i), "COUNT") && more) {
      if (!parse_i64(c.arg(i + 1), count)) {
        c.out.error(kErrNotInteger);
        return;
      }
      if (count < 1) {
        c.out.error(kErrSyntax);
        return;
      }
    } else if (iequals(c.arg(i), "MATCH") && more) {
      pattern = c.arg(i + 1);
      has_pattern = !(pattern.size() == 1 && pattern[0] == '*');
    } else if (iequals(c.arg(i), "TYPE") && more) {
      type_filter = c.arg(i + 1);
    } else {
      c.out.error(kErrSyntax);
      return;
    }
    i += 2;
  }
  std::vector<std::string> found;
  size_t shard = cursor <= Keyspace::kShards && cursor > 0 ? static_cast<size_t>(cursor - 1) : 0;
  if (cursor > Keyspace::kShards) shard = Keyspace::kShards;
  int64_t now = c.ks.now_ms();
  bool type_ok = type_filter.empty() || iequals(c_str(type_filter), "string");
  while (shard < Keyspace::kShards && static_cast<int64_t>(found.size()) < count) {
    c.ks.with_shard(c.ks.shard_at(c.client.db, shard), [&](Shard& s) {
      s.for_each([&](Entry* e) {
        if (e->expire_at() != 0 && e->expire_at() <= now) return;
        if (!type_ok) return;
        if (has_pattern && !glob_match(pattern, e->key())) return;
        found.emplace_back(e->key());
      });
    });
    ++shard;
  }
  uint64_t next = shard >= Keyspace::kShards ? 0 : shard + 1;
  c.out.array_header(2);
  c.out.bulk(std::to_string(next));
  c.out.array_header(found.size());
  for (const auto& k : found) c.out.bulk(k);
}

void rename_common(CommandContext& c, bool nx) {
  std::string_view from = c.arg(1), to = c.arg(2);
  KeyLocks locks(c.ks, c.client.db, std::vector<std::string_view>{from, to});
  Shard& src = c.ks.shard(c.client.db, from);
  Shard& dst = c.ks.shard(c.client.db, to);
  Entry* e = src.find(from);
  if (e == nullptr) {
    c.out.error(kErrNoSuchKey);
    return;
  }
  if (from == to) {
    if (nx) {
      c.out.integer(0);
    } else {
      c.out.simple("OK");
    }
    return;
  }
  if (nx && dst.find(to) != nullptr) {
    c.out.integer(0);
    return;
  }
  // The value keeps its expiry, encoding and access time (Redis moves the object).
  std::string value(e->value());
  int64_t at = e->expire_at();
  Entry::Encoding encoding = e->encoding();
  uint32_t idle = e->idle_secs(c.ks.now_secs());
  src.erase(from);
  Entry* moved = dst.put(to, value, at);
  moved->set_encoding(encoding);
  moved->touch_access(c.ks.now_secs() - idle);
  if (nx) {
    c.out.integer(1);
  } else {
    c.out.simple("OK");
  }
}
void rename(CommandContext& c) { rename_common(c, false); }
void renamenx(CommandContext& c) { rename_common(c, true); }

void randomkey(CommandContext& c) {
  static thread_local uint64_t rng = 88172645463325252ull;
  int64_t now = c.ks.now_ms();
  for (int attempt = 0; attempt < 100; ++attempt) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    std::string key;
    // Start at a random shard, take its first live key found from a random offset.
    for (size_t k = 0; k < Keyspace::kShards && key.empty(); ++k) {
      Shard& shard = c.ks.shard_at(c.client.db, (rng + k) % Keyspace::kShards);
      c.ks.with_shard(shard, [&](Shard& s) {
        if (s.size() == 0) return;
        size_t skip = (rng >> 16) % s.size(), i = 0;
        s.for_each([&](Entry* e) {
          if (!key.empty()) return;
          if (i++ < skip) return;
          if (e->expire_at() != 0 && e->expire_at() <= now) return;
          key = std::string(e->key());
        });
      });
    }
    if (!key.empty()) {
      c.out.bulk(key);
      return;
    }
    if (c.ks.db_size(c.client.db) == 0) break;
  }
  c.out.null();
}

// COPY source destination [DB destination-db] [REPLACE]
void copy(CommandContext& c) {
  int dst_db = c.client.db;
  bool replace = false;
  for (size_t i = 3; i < c.argc(); ++i) {
    if (iequals(c.arg(i), "REPLACE")) {
      replace = true;
    } else if (iequals(c.arg(i), "DB") && i + 1 < c.argc()) {
      int db;
      if (!parse_int_or_reply(c, c.arg(i + 1), db)) return;
      if (db < 0 || db >= Keyspace::kDatabases) {
        c.out.error("ERR DB index is out of range");
        return;
      }
      dst_db = static_cast<int>(db);
      ++i;
    } else {
      c.out.error(kErrSyntax);
      return;
    }
  }
  std::string_view from = c.arg(1), to = c.arg(2);
  if (dst_db == c.client.db && from == to) {
    c.out.error("ERR source and destination objects are the same");
    return;
  }
  KeyLocks locks(c.ks, c.client.db, from, dst_db, to);
  Entry* e = c.ks.shard(c.client.db, from).find(from);
  if (e == nullptr) {
    c.out.integer(0);
    return;
  }
  Shard& dst = c.ks.shard(dst_db, to);
  if (dst.find(to) != nullptr && !replace) {
    c.out.integer(0);
    return;
  }
  // A copy of the value keeps its encoding and expiry.
  Entry::Encoding encoding = e->encoding();
  dst.put(to, e->value(), e->expire_at())->set_encoding(encoding);
  c.out.integer(1);
}

void move(CommandContext& c) {
  int db;
  if (!parse_int_or_reply(c, c.arg(2), db)) return;
  if (db < 0 || db >= Keyspace::kDatabases) {
    c.out.error("ERR DB index is out of range");
    return;
  }
  if (db == c.client.db) {
    c.out.error("ERR source and destination objects are the same");
    return;
  }
  std::string_view key = c.arg(1);
  KeyLocks locks(c.ks, c.client.db, key, static_cast<int>(db), key);
  Shard& src = c.ks.shard(c.client.db, key);
  Shard& dst = c.ks.shard(static_cast<int>(db), key);
  if (src.find(key) == nullptr || dst.find(key) != nullptr) {
    c.out.integer(0);
    return;
  }
  dst.attach(src.detach(key));
  c.out.integer(1);
}

// EXPIRE family: unit 1000 (seconds) or 1; absolute or relative; options NX XX GT LT.
// Redis's order: the options first, then the number; only overflows are errors (a time in
// the past deletes the key).
void expire_common(CommandContext& c, int64_t unit, bool absolute) {
  bool nx = false, xx = false, gt = false, lt = false;
  for (size_t i = 3; i < c.argc(); ++i) {
    std::string_view o = c.arg(i);
    if (iequals(o, "NX")) {
      nx = true;
    } else if (iequals(o, "XX")) {
      xx = true;
    } else if (iequals(o, "GT")) {
      gt = true;
    } else if (iequals(o, "LT")) {
      lt = true;
    } else {
      c.out.error("ERR Unsupported option " + std::string(c_str(o)));
      return;
    }
  }
  if (nx && (xx || gt || lt)) {
    c.out.error("ERR NX and XX, GT or LT options at the same time are not compatible");
    return;
  }
  if (gt && lt) {
    c.out.error("ERR GT and LT options at the same time are not compatible");
    return;
  }
  int64_t at;
  if (!parse_i64(c.arg(2), at)) {
    c.out.error(kErrNotInteger);
    return;
  }
  std::string name(c.arg(0));
  for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  auto invalid = [&] { c.out.error("ERR invalid expire time in '" + name + "' command"); };
  if (unit == 1000) {
    if (at > INT64_MAX / 1000 || at < INT64_MIN / 1000) {
      invalid();
      return;
    }
    at *= 1000;
  }
  int64_t now = c.ks.now_ms();
  if (!absolute) {
    if (at > INT64_MAX - now) {
      invalid();
      return;
    }
    at += now;  // a large negative `at` stays negative: the key is deleted
  }
  c.ks.with_key(c.client.db, c.arg(1), [&](Shard& s) {
    Entry* e = s.find(c.arg(1));
    if (e == nullptr) {
      c.out.integer(0);
      return;
    }
    int64_t cur = e->expire_at();  // 0: no expiry, i.e. infinite for GT/LT
    if ((nx && cur != 0) || (xx && cur == 0) || (gt && (cur == 0 || at <= cur)) ||
        (lt && cur != 0 && at >= cur)) {
      c.out.integer(0);
      return;
    }
    if (at <= now) {
      s.erase(c.arg(1));
    } else {
      s.set_expire(e, at);
    }
    c.out.integer(1);
  });
}
void expire(CommandContext& c) { expire_common(c, 1000, false); }
void pexpire(CommandContext& c) { expire_common(c, 1, false); }
void expireat(CommandContext& c) { expire_common(c, 1000, true); }
void pexpireat(CommandContext& c) { expire_common(c, 1, true); }

// TTL family: -2 missing, -1 no expiry.
void ttl_common(CommandContext& c, bool ms, bool absolute) {
  c.ks.with_key(c.client.db, c.arg(1), [&](Shard& s) {
    Entry* e = s.find(c.arg(1));
    if (e == nullptr) {
      c.out.integer(-2);
      return;
    }
    if (e->expire_at() == 0) {
      c.out.integer(-1);
      return;
    }
    int64_t v = absolute ? e->expire_at() : std::max<int64_t>(0, e->expire_at() - c.ks.now_ms());
    if (!ms) v = (v + 500) / 1000;  // Redis rounds both TTL and EXPIRETIME
    c.out.integer(v);
  });
}
void ttl(CommandContext& c) { ttl_common(c, false, false); }
void pttl(CommandContext& c) { ttl_common(c, true, false); }
void expiretime(CommandContext& c) { ttl_common(c, false, true); }
void pexpiretime(CommandContext& c) { ttl_common(c, true, true); }

void persist(CommandContext& c) {
  c.ks.with_key(c.client.db, c.arg(1), [&](Shard& s) {
    Entry* e = s.find(c.arg(1));
    if (e == nullptr || e->expire_at() == 0) {
      c.out.integer(0);
      return;
    }
    s.set_expire(e, 0);
    c.out.integer(1);
  });
}

// Redis's string encodings: int (reads as a long, at most 20 characters), embstr (at most
// 44 bytes), raw; values modified in place are raw, INCRBYFLOAT's are never int.
std::string_view encoding_of(const Entry* e) {
  int64_t v;
  if (e->encoding() == Entry::Encoding::kRaw) return "raw";
  if (e->encoding() == Entry::Encoding::kAuto && e->value().size() <= 20 &&
      parse_i64(e->value(), v)) {
    return "int";
  }
  return e->value().size() <= 44 ? "embstr" : "raw";
}

void object_encoding(CommandContext& c) {
  c.ks.with_key(c.client.db, c.arg(2), [&](Shard& s) {
    Entry* e = s.find(c.arg(2));
    if (e == nullptr) {
      c.out.null();
    } else {
      c.out.bulk(encoding_of(e));
    }
  });
}

void object_refcount(CommandContext& c) {
  c.ks.with_key(c.client.db, c.arg(2), [&](Shard& s) {
    Entry* e = s.find(c.arg(2));
    if (e == nullptr) {
      c.out.null();
      return;
    }
    // Redis shares the int-encoded values 0..9999: their refcount reads INT_MAX.
    int64_t v;
    bool shared = encoding_of(e) == "int" && parse_i64(e->value(), v) && v >= 0 && v < 10000;
    c.out.integer(shared ? 2147483647 : 1);
  });
}

void object_idletime(CommandContext& c) {
  c.ks.with_key(c.client.db, c.arg(2), [&](Shard& s) {
    Entry* e = s.find(c.arg(2));
    if (e == nullptr) {
      c.out.null();
      return;
    }
    c.out.integer(e->idle_secs(c.ks.now_secs()));
  });
}

void object_freq(CommandContext& c) {
  bool exists = c.ks.with_key(c.client.db, c.arg(2),
                              [&](Shard& s) { return s.find(c.arg(2)) != nullptr; });
  if (!exists) {
    c.out.null();
    return;
  }
  c.out.error(
      "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
      "that when switching between policies at runtime LRU and LFU data will take some time to "
      "adjust.");
}

void object_help(CommandContext& c) {
  reply_help(c, "OBJECT",
             {
                 "ENCODING <key>",
                 "    Return the kind of internal representation used in order to store the value",
                 "    associated with a <key>.",
                 "FREQ <key>",
                 "    Return the access frequency index of the <key>. The returned integer is",
                 "    proportional to the logarithm of the recent access frequency of the key.",
                 "IDLETIME <key>",
                 "    Return the idle time of the <key>, that is the approximated number of",
                 "    seconds elapsed since the last access to the key.",
                 "REFCOUNT <key>",
                 "    Return the number of references of the value associated with the specified",
                 "    <key>.",
             });
}

void dbsize(CommandContext& c) { c.out.integer(static_cast<int64_t>(c.ks.db_size(c.client.db))); }

}  // namespace

void register_key_commands(std::vector<CommandSpec>& out) {
  auto one = [](std::string_view flags, int index = 1) {
    return std::vector<KeySpec>{{.flags = flags, .index = index}};
  };
  auto all = [](std::string_view flags) {
    return std::vector<KeySpec>{{.flags = flags, .index = 1, .lastkey = -1}};
  };
  constexpr std::string_view kMultiSum = "request_policy:multi_shard response_policy:agg_sum";
  auto add = [&](CommandSpec spec) {
    if (spec.group.empty()) spec.group = "generic";
    spec.acl |= kAclKeyspace;
    if (spec.complexity.empty()) spec.complexity = "O(1)";
    if (spec.first_key == 0 && !spec.keys.empty()) {
      spec.first_key = spec.keys[0].index;
      spec.last_key = spec.keys[0].lastkey < 0 ? -1 : spec.keys[0].index + spec.keys[0].lastkey;
      spec.key_step = spec.keys[0].keystep;
    }
    out.push_back(std::move(spec));
  };
  add({.name = "del", .arity = -2, .flags = kWrite, .handler = del,
       .summary = "Delete a key",
       .complexity = "O(N) where N is the number of keys that will be removed. When a key to "
                     "remove holds a value other than a string, the individual complexity for "
                     "this key is O(M) where M is the number of elements in the list, set, "
                     "sorted set or hash. Removing a single key that holds a string value is "
                     "O(1).",
       .tips = kMultiSum, .keys = all("RM delete")});
  add({.name = "unlink", .arity = -2, .flags = kWrite | kFast, .handler = del,
       .summary = "Delete a key asynchronously in another thread. Otherwise it is just as "
                  "DEL, but non blocking.",
       .since = "4.0.0",
       .complexity = "O(1) for each key removed regardless of its size. Then the command does "
                     "O(N) work in a different thread in order to reclaim memory, where N is "
                     "the number of allocations the deleted objects where composed of.",
       .tips = kMultiSum, .keys = all("RM delete")});
  add({.name = "exists", .arity = -2, .flags = kReadonly | kFast, .handler = exists,
       .summary = "Determine if a key exists",
       .complexity = "O(N) where N is the number of keys to check.", .tips = kMultiSum,
       .keys = all("RO")});
  add({.name = "touch", .arity = -2, .flags = kReadonly | kFast, .handler = touch,
       .summary = "Alters the last access time of a key(s). Returns the number of existing "
                  "keys specified.",
       .since = "3.2.1",
       .complexity = "O(N) where N is the number of keys that will be touched.",
       .tips = kMultiSum, .keys = all("RO")});
  add({.name = "type", .arity = 2, .flags = kReadonly | kFast, .handler = type,
       .summary = "Determine the type stored at key", .keys = one("RO")});
  add({.name = "keys", .arity = 2, .flags = kReadonly, .handler = keys,
       .summary = "Find all keys matching the given pattern",
       .complexity = "O(N) with N being the number of keys in the database, under the "
                     "assumption that the key names in the database and the given pattern "
                     "have limited length.",
       .acl = kAclDangerous, .tips = "request_policy:all_shards nondeterministic_output_order"});
  add({.name = "scan", .arity = -2, .flags = kReadonly, .handler = scan,
       .summary = "Incrementally iterate the keys space", .since = "2.8.0",
       .complexity = "O(1) for every call. O(N) for a complete iteration, including enough "
                     "command calls for the cursor to return back to 0. N is the number of "
                     "elements inside the collection.",
       .tips = "nondeterministic_output request_policy:special"});
  add({.name = "rename", .arity = 3, .flags = kWrite, .handler = rename,
       .summary = "Rename a key",
       .keys = {{.flags = "RW access delete", .index = 1}, {.flags = "OW update", .index = 2}},
       .first_key = 1, .last_key = 2, .key_step = 1});
  add({.name = "renamenx", .arity = 3, .flags = kWrite | kFast, .handler = renamenx,
       .summary = "Rename a key, only if the new key does not exist",
       .keys = {{.flags = "RW access delete", .index = 1}, {.flags = "OW insert", .index = 2}},
       .first_key = 1, .last_key = 2, .key_step = 1});
  add({.name = "randomkey", .arity = 1, .flags = kReadonly, .handler = randomkey,
       .summary = "Return a random key from the keyspace",
       .tips = "request_policy:all_shards nondeterministic_output"});
  add({.name = "copy", .arity = -3, .flags = kWrite | kDenyOom, .handler = copy,
       .summary = "Copy a key", .since = "6.2.0",
       .complexity = "O(N) worst case for collections, where N is the number of nested items. "
                     "O(1) for string values.",
       .keys = {{.flags = "RO access", .index = 1}, {.flags = "OW update", .index = 2}},
       .first_key = 1, .last_key = 2, .key_step = 1});
  add({.name = "move", .arity = 3, .flags = kWrite | kFast, .handler = move,
       .summary = "Move a key to another database", .keys = one("RW access update")});
  add({.name = "expire", .arity = -3, .flags = kWrite | kFast, .handler = expire,
       .summary = "Set a key's time to live in seconds", .keys = one("RW update")});
  add({.name = "pexpire", .arity = -3, .flags = kWrite | kFast, .handler = pexpire,
       .summary = "Set a key's time to live in milliseconds", .since = "2.6.0",
       .keys = one("RW update")});
  add({.name = "expireat", .arity = -3, .flags = kWrite | kFast, .handler = expireat,
       .summary = "Set the expiration for a key as a UNIX timestamp", .since = "1.2.0",
       .keys = one("RW update")});
  add({.name = "pexpireat", .arity = -3, .flags = kWrite | kFast, .handler = pexpireat,
       .summary = "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
       .since = "2.6.0", .keys = one("RW update")});
  add({.name = "ttl", .arity = 2, .flags = kReadonly | kFast, .handler = ttl,
       .summary = "Get the time to live for a key in seconds", .tips = "nondeterministic_output",
       .keys = one("RO access")});
  add({.name = "pttl", .arity = 2, .flags = kReadonly | kFast, .handler = pttl,
       .summary = "Get the time to live for a key in milliseconds", .since = "2.6.0",
       .tips = "nondeterministic_output", .keys = one("RO access")});
  add({.name = "expiretime", .arity = 2, .flags = kReadonly | kFast, .handler = expiretime,
       .summary = "Get the expiration Unix timestamp for a key", .since = "7.0.0",
       .keys = one("RO access")});
  add({.name = "pexpiretime", .arity = 2, .flags = kReadonly | kFast, .handler = pexpiretime,
       .summary = "Get the expiration Unix timestamp for a key in milliseconds",
       .since = "7.0.0", .keys = one("RO access")});
  add({.name = "persist", .arity = 2, .flags = kWrite | kFast, .handler = persist,
       .summary = "Remove the expiration from a key", .since = "2.2.0", .keys = one("RW update")});
  add({.name = "dbsize", .arity = 1, .flags = kReadonly | kFast, .handler = dbsize,
       .group = "server", .summary = "Return the number of keys in the selected database",
       .tips = "request_policy:all_shards response_policy:agg_sum"});
  CommandSpec object{.name = "object", .arity = -2, .flags = 0, .handler = nullptr,
                     .group = "generic",
                     .summary = "A container for object introspection commands",
                     .since = "2.2.3", .complexity = "Depends on subcommand."};
  auto sub = [&](CommandSpec spec) {
    spec.group = "generic";
    spec.acl |= kAclKeyspace;
    if (spec.complexity.empty()) spec.complexity = "O(1)";
    if (!spec.keys.empty()) {
      spec.first_key = spec.last_key = 2;
      spec.key_step = 1;
    }
    object.subcommands.push_back(std::move(spec));
  };
  sub({.name = "object|encoding", .arity = 3, .flags = kReadonly, .handler = object_encoding,
       .summary = "Inspect the internal encoding of a Redis object", .since = "2.2.3",
       .tips = "nondeterministic_output", .keys = one("RO", 2)});
  sub({.name = "object|refcount", .arity = 3, .flags = kReadonly, .handler = object_refcount,
       .summary = "Get the number of references to the value of the key", .since = "2.2.3",
       .tips = "nondeterministic_output", .keys = one("RO", 2)});
  sub({.name = "object|idletime", .arity = 3, .flags = kReadonly, .handler = object_idletime,
       .summary = "Get the time since a Redis object was last accessed", .since = "2.2.3",
       .tips = "nondeterministic_output", .keys = one("RO", 2)});
  sub({.name = "object|freq", .arity = 3, .flags = kReadonly, .handler = object_freq,
       .summary = "Get the logarithmic access frequency counter of a Redis object",
       .since = "4.0.0", .tips = "nondeterministic_output", .keys = one("RO", 2)});
  sub({.name = "object|help", .arity = 2, .flags = kLoading | kStale, .handler = object_help,
       .summary = "Show helpful text about the different subcommands", .since = "6.2.0"});
  out.push_back(std::move(object));
}

}  // namespace corio::redis

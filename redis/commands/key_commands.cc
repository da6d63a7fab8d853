// Keyspace commands: DEL, UNLINK, EXISTS, TOUCH, TYPE, KEYS, SCAN, RENAME, RENAMENX,
// RANDOMKEY, COPY, MOVE, EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, PERSIST,
// EXPIRETIME, PEXPIRETIME, OBJECT, DBSIZE.
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
  int64_t now = c.ks.now_ms();
  {
    AllLocks all(c.ks);
    for (size_t i = 0; i < Keyspace::kShards; ++i) {
      c.ks.shard_at(c.client.db, i).for_each([&](Entry* e) {
        if (e->expire_at() != 0 && e->expire_at() <= now) return;
        if (glob_match(c.arg(1), e->key())) found.emplace_back(e->key());
      });
    }
  }
  c.out.array_header(found.size());
  for (const auto& k : found) c.out.bulk(k);
}

// SCAN cursor: the shard to read next (all its keys at once), plus one; 0 = done. Every key
// present for the whole iteration is returned exactly once, whatever the hash tables do.
void scan(CommandContext& c) {
  int64_t cursor;
  if (!parse_i64(c.arg(1), cursor) || cursor < 0) {
    c.out.error("ERR invalid cursor");
    return;
  }
  std::string_view pattern;
  bool has_pattern = false;
  std::string_view type_filter;
  for (size_t i = 2; i < c.argc(); i += 2) {
    if (i + 1 >= c.argc()) {
      c.out.error(kErrSyntax);
      return;
    }
    if (iequals(c.arg(i), "MATCH")) {
      pattern = c.arg(i + 1);
      has_pattern = !(pattern.size() == 1 && pattern[0] == '*');
    } else if (iequals(c.arg(i), "COUNT")) {
      int64_t count;
      if (!parse_i64(c.arg(i + 1), count)) {
        c.out.error(kErrNotInteger);
        return;
      }
      if (count < 1) {
        c.out.error(kErrSyntax);
        return;
      }
    } else if (iequals(c.arg(i), "TYPE")) {
      type_filter = c.arg(i + 1);
    } else {
      c.out.error(kErrSyntax);
      return;
    }
  }
  std::vector<std::string> found;
  size_t shard = cursor > 0 && cursor <= Keyspace::kShards ? static_cast<size_t>(cursor - 1) : 0;
  if (cursor > Keyspace::kShards) shard = Keyspace::kShards;
  int64_t now = c.ks.now_ms();
  bool type_ok = type_filter.empty() || iequals(type_filter, "string");
  // Read shards until something is found (or the end), so empty shards cost no round trip.
  while (shard < Keyspace::kShards && found.empty()) {
    Shard& s = c.ks.shard_at(c.client.db, shard);
    {
      std::lock_guard<std::mutex> lock(s.mu);
      s.for_each([&](Entry* e) {
        if (e->expire_at() != 0 && e->expire_at() <= now) return;
        if (!type_ok) return;
        if (has_pattern && !glob_match(pattern, e->key())) return;
        found.emplace_back(e->key());
      });
    }
    ++shard;
  }
  int64_t next = shard >= Keyspace::kShards ? 0 : static_cast<int64_t>(shard + 1);
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
  std::string value(e->value());
  int64_t at = e->expire_at();
  src.erase(from);
  dst.put(to, value, at);
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
      Shard& s = c.ks.shard_at(c.client.db, (rng + k) % Keyspace::kShards);
      std::lock_guard<std::mutex> lock(s.mu);
      if (s.size() == 0) continue;
      size_t skip = (rng >> 16) % s.size(), i = 0;
      s.for_each([&](Entry* e) {
        if (!key.empty()) return;
        if (i++ < skip) return;
        if (e->expire_at() != 0 && e->expire_at() <= now) return;
        key = std::string(e->key());
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
      int64_t db;
      if (!parse_i64(c.arg(i + 1), db)) {
        c.out.error(kErrNotInteger);
        return;
      }
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
  dst.put(to, e->value(), e->expire_at());
  c.out.integer(1);
}

void move(CommandContext& c) {
  int64_t db;
  if (!parse_i64(c.arg(2), db)) {
    c.out.error(kErrNotInteger);
    return;
  }
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
void expire_common(CommandContext& c, int64_t unit, bool absolute) {
  int64_t v;
  if (!parse_i64(c.arg(2), v)) {
    c.out.error(kErrNotInteger);
    return;
  }
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
      c.out.error("ERR Unsupported option " + std::string(o));
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
  std::string name(c.arg(0));
  for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  int64_t now = c.ks.now_ms();
  int64_t at;
  if (unit == 1000 && (v > INT64_MAX / 1000 || v < INT64_MIN / 1000)) {
    c.out.error("ERR invalid expire time in '" + name + "' command");
    return;
  }
  at = v * unit;
  if (!absolute) {
    if ((at > 0 && at > INT64_MAX - now) || (at < 0 && at < INT64_MIN + now)) {
      c.out.error("ERR invalid expire time in '" + name + "' command");
      return;
    }
    at += now;
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
    if (!ms) v = absolute ? v / 1000 : (v + 500) / 1000;
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

// Redis's string encodings: int (fits a long, <= 20 chars), embstr (<= 44 bytes, never
// modified in place), raw.
std::string_view encoding_of(const Entry* e) {
  int64_t v;
  if (e->value().size() <= 20 && parse_i64(e->value(), v)) return "int";
  if (e->value().size() <= 44 && !e->is_raw()) return "embstr";
  return "raw";
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
    // Redis shares small integers (0..9999): their refcount reads INT_MAX.
    int64_t v;
    bool shared = parse_i64(e->value(), v) && v >= 0 && v < 10000;
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
    c.out.integer(std::max<int64_t>(0, int64_t{c.ks.now_secs()} - e->access_secs()));
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
  static constexpr std::string_view kLines[] = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
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
      "HELP",
      "    Prints this help.",
  };
  c.out.array_header(std::size(kLines));
  for (auto l : kLines) c.out.simple(l);
}

void dbsize(CommandContext& c) { c.out.integer(static_cast<int64_t>(c.ks.db_size(c.client.db))); }

}  // namespace

void register_key_commands(std::vector<CommandSpec>& out) {
  const uint32_t kR = kReadonly;
  out.push_back({"del", -2, kWrite, 1, -1, 1, del, "generic", "Delete a key"});
  out.push_back({"unlink", -2, kWrite | kFast, 1, -1, 1, del, "generic",
                 "Delete a key asynchronously in another thread", "4.0.0"});
  out.push_back({"exists", -2, kR | kFast, 1, -1, 1, exists, "generic",
                 "Determine if a key exists"});
  out.push_back({"touch", -2, kR | kFast, 1, -1, 1, touch, "generic",
                 "Alters the last access time of a key(s)", "3.2.1"});
  out.push_back({"type", 2, kR | kFast, 1, 1, 1, type, "generic",
                 "Determine the type stored at key"});
  out.push_back({"keys", 2, kR, 0, 0, 0, keys, "generic",
                 "Find all keys matching the given pattern"});
  out.push_back({"scan", -2, kR, 0, 0, 0, scan, "generic",
                 "Incrementally iterate the keys space", "2.8.0"});
  out.push_back({"rename", 3, kWrite, 1, 2, 1, rename, "generic", "Rename a key"});
  out.push_back({"renamenx", 3, kWrite | kFast, 1, 2, 1, renamenx, "generic",
                 "Rename a key, only if the new key does not exist"});
  out.push_back({"randomkey", 1, kR, 0, 0, 0, randomkey, "generic",
                 "Return a random key from the keyspace"});
  out.push_back({"copy", -3, kWrite | kDenyOom, 1, 2, 1, copy, "generic", "Copy a key", "6.2.0"});
  out.push_back({"move", 3, kWrite | kFast, 1, 1, 1, move, "generic",
                 "Move a key to another database"});
  out.push_back({"expire", -3, kWrite | kFast, 1, 1, 1, expire, "generic",
                 "Set a key's time to live in seconds"});
  out.push_back({"pexpire", -3, kWrite | kFast, 1, 1, 1, pexpire, "generic",
                 "Set a key's time to live in milliseconds", "2.6.0"});
  out.push_back({"expireat", -3, kWrite | kFast, 1, 1, 1, expireat, "generic",
                 "Set the expiration for a key as a UNIX timestamp", "1.2.0"});
  out.push_back({"pexpireat", -3, kWrite | kFast, 1, 1, 1, pexpireat, "generic",
                 "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
                 "2.6.0"});
  out.push_back({"ttl", 2, kR | kFast, 1, 1, 1, ttl, "generic", "Get the time to live for a key"});
  out.push_back({"pttl", 2, kR | kFast, 1, 1, 1, pttl, "generic",
                 "Get the time to live for a key in milliseconds", "2.6.0"});
  out.push_back({"expiretime", 2, kR | kFast, 1, 1, 1, expiretime, "generic",
                 "Get the expiration Unix timestamp for a key", "7.0.0"});
  out.push_back({"pexpiretime", 2, kR | kFast, 1, 1, 1, pexpiretime, "generic",
                 "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0"});
  out.push_back({"persist", 2, kWrite | kFast, 1, 1, 1, persist, "generic",
                 "Remove the expiration from a key", "2.2.0"});
  out.push_back({"dbsize", 1, kR | kFast, 0, 0, 0, dbsize, "server",
                 "Return the number of keys in the selected database"});
  CommandSpec object{"object", -2, 0, 0, 0, 0, nullptr, "generic",
                     "A container for object introspection commands", "2.2.3"};
  object.subcommands = {
      {"object|encoding", 3, kR, 2, 2, 1, object_encoding, "generic",
       "Inspect the internal encoding of a Redis object"},
      {"object|refcount", 3, kR, 2, 2, 1, object_refcount, "generic",
       "Get the number of references to the value of the key"},
      {"object|idletime", 3, kR, 2, 2, 1, object_idletime, "generic",
       "Get the time since a Redis object was last accessed"},
      {"object|freq", 3, kR, 2, 2, 1, object_freq, "generic",
       "Get the logarithmic access frequency counter of a Redis object"},
      {"object|help", 2, kLoading | kStale, 0, 0, 0, object_help, "generic", "Show helpful text"},
  };
  out.push_back(std::move(object));
}

}  // namespace corio::redis

// String commands: GET, SET (EX PX EXAT PXAT NX XX GET KEEPTTL), SETNX, SETEX, PSETEX,
// GETSET, GETDEL, GETEX, MGET, MSET, MSETNX, APPEND, STRLEN, GETRANGE, SUBSTR, SETRANGE,
// INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT, LCS.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "redis/client_state.h"
#include "redis/command.h"
#include "redis/commands/util.h"
#include "redis/keyspace.h"
#include "redis/server.h"

namespace corio::redis {
namespace {

// Redis's checkStringLength: a string may grow to proto-max-bulk-len bytes. False after
// writing the error (also when size + append overflows).
bool check_string_length(CommandContext& c, int64_t size, int64_t append) {
  int64_t limit;
  {
    std::lock_guard<std::mutex> lock(c.server.config_mu());
    limit = c.server.config().limits.max_bulk_len;
  }
  auto total = static_cast<int64_t>(static_cast<uint64_t>(size) + static_cast<uint64_t>(append));
  if (total > limit || total < size || total < append) {
    c.out.error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    return false;
  }
  return true;
}

// Looks up a live key, counting hits/misses as Redis's INFO does.
Entry* lookup(CommandContext& c, Shard& s, std::string_view key) {
  Entry* e = s.find(key);
  (e != nullptr ? c.ks.keyspace_hits : c.ks.keyspace_misses).fetch_add(1, std::memory_order_relaxed);
  if (e != nullptr) e->touch_access(c.ks.now_secs());
  return e;
}

void get(CommandContext& c) {
  c.ks.with_key(c.client.db, c.arg(1), [&](Shard& s) {
    Entry* e = lookup(c, s, c.arg(1));
    if (e == nullptr) {
      c.out.null();
    } else {
      c.out.bulk(e->value());
    }
  });
}

// SET's and GETEX's options, parsed as Redis 7.0 does (one left-to-right pass; the same
// option may repeat, the last value wins; NX/XX, and KEEPTTL/PERSIST against any expiry
// option, exclude each other; an option that does not fit is a syntax error).
struct StringOptions {
  enum Flag : uint32_t {
    kNx = 1, kXx = 2, kGet = 4, kKeepTtl = 8, kPersist = 16,
    kEx = 32, kPx = 64, kExAt = 128, kPxAt = 256,
  };
  uint32_t flags = 0;
  std::string_view expire;  // the value after EX/PX/EXAT/PXAT
  bool has(uint32_t f) const { return (flags & f) != 0; }
};

bool parse_string_options(CommandContext& c, size_t first, bool for_set, StringOptions& o) {
  using F = StringOptions;
  const uint32_t kAnyExpire = F::kEx | F::kPx | F::kExAt | F::kPxAt;
  for (size_t i = first; i < c.argc(); ++i) {
    std::string_view opt = c.arg(i);
    bool next = i + 1 < c.argc();
    // An expiry option excludes KEEPTTL, PERSIST and the other expiry options.
    auto expiry = [&](uint32_t flag) {
      return next && !o.has(F::kKeepTtl | F::kPersist | (kAnyExpire & ~flag));
    };
    if (for_set && iequals(opt, "NX") && !o.has(F::kXx)) {
      o.flags |= F::kNx;
    } else if (for_set && iequals(opt, "XX") && !o.has(F::kNx)) {
      o.flags |= F::kXx;
    } else if (for_set && iequals(opt, "GET")) {
      o.flags |= F::kGet;
    } else if (for_set && iequals(opt, "KEEPTTL") && !o.has(F::kPersist | kAnyExpire)) {
      o.flags |= F::kKeepTtl;
    } else if (!for_set && iequals(opt, "PERSIST") && !o.has(F::kKeepTtl | kAnyExpire)) {
      o.flags |= F::kPersist;
    } else if (iequals(opt, "EX") && expiry(F::kEx)) {
      o.flags |= F::kEx;
      o.expire = c.arg(++i);
    } else if (iequals(opt, "PX") && expiry(F::kPx)) {
      o.flags |= F::kPx;
      o.expire = c.arg(++i);
    } else if (iequals(opt, "EXAT") && expiry(F::kExAt)) {
      o.flags |= F::kExAt;
      o.expire = c.arg(++i);
    } else if (iequals(opt, "PXAT") && expiry(F::kPxAt)) {
      o.flags |= F::kPxAt;
      o.expire = c.arg(++i);
    } else {
      c.out.error(kErrSyntax);
      return false;
    }
  }
  return true;
}

// The absolute expiry (Unix ms) the options ask for; false after writing Redis's error.
bool expire_at_ms(CommandContext& c, const StringOptions& o, std::string_view command,
                  int64_t& at) {
  using F = StringOptions;
  int64_t v;
  if (!parse_i64(o.expire, v)) {
    c.out.error(kErrNotInteger);
    return false;
  }
  bool seconds = o.has(F::kEx | F::kExAt);
  auto invalid = [&] {
    c.out.error("ERR invalid expire time in '" + std::string(command) + "' command");
    return false;
  };
  if (v <= 0 || (seconds && v > INT64_MAX / 1000)) return invalid();
  if (seconds) v *= 1000;
  if (o.has(F::kEx | F::kPx)) {
    int64_t now = c.ks.now_ms();
    if (v > INT64_MAX - now) return invalid();
    v += now;
  }
  at = v;
  return true;
}

// SET key value [NX | XX] [GET] [EX s | PX ms | EXAT unix-s | PXAT unix-ms | KEEPTTL]
//  1. options are checked first, then the expiry value;
//  2. GET replies with the old value (or nil) instead of OK, whether or not the set happens;
//  3. NX/XX not met: nil (or, with GET, just the old value); nothing changes;
//  4. the key gets the new expiry, or none, or (KEEPTTL) keeps its own.
void set(CommandContext& c) {
  StringOptions o;
  if (!parse_string_options(c, 3, true, o)) return;
  int64_t at = 0;
  if (!o.expire.empty() || o.has(StringOptions::kEx | StringOptions::kPx |
                                 StringOptions::kExAt | StringOptions::kPxAt)) {
    if (!expire_at_ms(c, o, "set", at)) return;
  }
  c.ks.with_key(c.client.db, c.arg(1), [&](Shard& s) {
    Entry* old = s.find(c.arg(1));
    if (o.has(StringOptions::kGet)) {
      if (old == nullptr) {
        c.out.null();
      } else {
        c.out.bulk(old->value());
      }
    }
    if ((o.has(StringOptions::kNx) && old != nullptr) ||
        (o.has(StringOptions::kXx) && old == nullptr)) {
      if (!o.has(StringOptions::kGet)) c.out.null();
      return;
    }
    if (o.has(StringOptions::kKeepTtl) && old != nullptr) at = old->expire_at();
    s.put(c.arg(1), c.arg(2), at);
    if (!o.has(StringOptions::kGet)) c.out.simple("OK");
  });
}

void setnx(CommandContext& c) {
  c.ks.with_key(c.client.db, c.arg(1), [&](Shard& s) {
    if (s.find(c.arg(1)) != nullptr) {
      c.out.integer(0);
      return;
    }
    s.put(c.arg(1), c.arg(2), 0);
    c.out.integer(1);
  });
}

void setex_common(CommandContext& c, bool seconds) {
  int64_t v;
  if (!parse_i64(c.arg(2), v)) {
    c.out.error(kErrNotInteger);
    return;
  }
  std::string name = seconds ? "setex" : "psetex";
  if (v <= 0 || (seconds && v > INT64_MAX / 1000)) {
    c.out.error("ERR invalid expire time in '" + name + "' command");
    return;
  }
  int64_t ms = seconds ? v * 1000 : v;
  int64_t now = c.ks.now_ms();
  if (ms > INT64_MAX - now) {
    c.out.error("ERR invalid expire time in '" + name + "' command");
    return;
  }
  c.ks.with_key(c.client.db, c.arg(1), [&](Shard& s) { s.put(c.arg(1), c.arg(3), now + ms); });
  c.out.simple("OK");
}
void setex(CommandContext& c) { setex_common(c, true); }
void psetex(CommandContext& c) { setex_common(c, false); }

void getset(CommandContext& c) {
  c.ks.with_key(c.client.db, c.arg(1), [&](Shard& s) {
    Entry* old = lookup(c, s, c.arg(1));
    if (old == nullptr) {
      c.out.null();
    } else {
      c.out.bulk(old->value());
    }
    s.put(c.arg(1), c.arg(2), 0);
  });
}

void getdel(CommandContext& c) {
  c.ks.with_key(c.client.db, c.arg(1), [&](Shard& s) {
    Entry* e = lookup(c, s, c.arg(1));
    if (e == nullptr) {
      c.out.null();
      return;
    }
    c.out.bulk(e->value());
    s.erase(c.arg(1));
  });
}

// GETEX key [EX s | PX ms | EXAT unix-s | PXAT unix-ms | PERSIST]: options are checked
// first; a missing key is nil before the expiry value is even parsed; an absolute expiry
// in the past deletes the key (after replying with its value).
void getex(CommandContext& c) {
  StringOptions o;
  if (!parse_string_options(c, 2, false, o)) return;
  c.ks.with_key(c.client.db, c.arg(1), [&](Shard& s) {
    Entry* e = lookup(c, s, c.arg(1));
    if (e == nullptr) {
      c.out.null();
      return;
    }
    int64_t at = 0;
    bool expire = o.has(StringOptions::kEx | StringOptions::kPx | StringOptions::kExAt |
                        StringOptions::kPxAt);
    if (expire && !expire_at_ms(c, o, "getex", at)) return;
    c.out.bulk(e->value());
    if (expire && o.has(StringOptions::kExAt | StringOptions::kPxAt) && at <= c.ks.now_ms()) {
      s.erase(c.arg(1));
    } else if (expire) {
      s.set_expire(e, at);
    } else if (o.has(StringOptions::kPersist) && e->expire_at() != 0) {
      s.set_expire(e, 0);
    }
  });
}

void mget(CommandContext& c) {
  std::vector<std::string_view> keys(c.args.begin() + 1, c.args.end());
  KeyLocks locks(c.ks, c.client.db, keys);
  c.out.array_header(keys.size());
  for (auto k : keys) {
    Entry* e = lookup(c, c.ks.shard(c.client.db, k), k);
    if (e == nullptr) {
      c.out.null();
    } else {
      c.out.bulk(e->value());
    }
  }
}

void mset_common(CommandContext& c, bool nx) {
  if (c.argc() % 2 == 0) {
    c.out.error(std::string("ERR wrong number of arguments for '") + (nx ? "msetnx" : "mset") +
                "' command");
    return;
  }
  std::vector<std::string_view> keys;
  for (size_t i = 1; i < c.argc(); i += 2) keys.push_back(c.arg(i));
  KeyLocks locks(c.ks, c.client.db, keys);
  if (nx) {
    for (auto k : keys) {
      if (c.ks.shard(c.client.db, k).find(k) != nullptr) {
        c.out.integer(0);
        return;
      }
    }
  }
  for (size_t i = 1; i < c.argc(); i += 2) {
    c.ks.shard(c.client.db, c.arg(i)).put(c.arg(i), c.arg(i + 1), 0);
  }
  if (nx) {
    c.out.integer(1);
  } else {
    c.out.simple("OK");
  }
}
void mset(CommandContext& c) { mset_common(c, false); }
void msetnx(CommandContext& c) { mset_common(c, true); }

// Replaces `key`'s value keeping its expiry; marks it raw (modified in place).
Entry* replace_value(Shard& s, Entry* old, std::string_view key, const std::string& value) {
  int64_t at = old != nullptr ? old->expire_at() : 0;
  Entry* e = s.put(key, value, at);
  e->set_encoding(Entry::Encoding::kRaw);
  return e;
}

void append(CommandContext& c) {
  c.ks.with_key(c.client.db, c.arg(1), [&](Shard& s) {
    Entry* e = s.find(c.arg(1));
    if (e == nullptr) {
      s.put(c.arg(1), c.arg(2), 0);
      c.out.integer(static_cast<int64_t>(c.arg(2).size()));
      return;
    }
    if (!check_string_length(c, static_cast<int64_t>(e->value().size()),
                             static_cast<int64_t>(c.arg(2).size()))) {
      return;
    }
    std::string v(e->value());
    v.append(c.arg(2));
    replace_value(s, e, c.arg(1), v);
    c.out.integer(static_cast<int64_t>(v.size()));
  });
}

void strlen_cmd(CommandContext& c) {
  c.ks.with_key(c.client.db, c.arg(1), [&](Shard& s) {
    Entry* e = lookup(c, s, c.arg(1));
    c.out.integer(e == nullptr ? 0 : static_cast<int64_t>(e->value().size()));
  });
}

void getrange(CommandContext& c) {
  int64_t start, end;
  if (!parse_i64(c.arg(2), start) || !parse_i64(c.arg(3), end)) {
    c.out.error(kErrNotInteger);
    return;
  }
  c.ks.with_key(c.client.db, c.arg(1), [&](Shard& s) {
    Entry* e = lookup(c, s, c.arg(1));
    std::string_view v = e != nullptr ? e->value() : std::string_view();
    int64_t len = static_cast<int64_t>(v.size());
    // Redis: negative start and end both, with start > end, is empty.
    if (start < 0 && end < 0 && start > end) {
      c.out.bulk("");
      return;
    }
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= len) end = len - 1;
    if (len == 0 || start > end) {
      c.out.bulk("");
      return;
    }
    c.out.bulk(v.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1)));
  });
}

void setrange(CommandContext& c) {
  int64_t offset;
  if (!parse_i64(c.arg(2), offset)) {
    c.out.error(kErrNotInteger);
    return;
  }
  if (offset < 0) {
    c.out.error("ERR offset is out of range");
    return;
  }
  std::string_view patch = c.arg(3);
  c.ks.with_key(c.client.db, c.arg(1), [&](Shard& s) {
    Entry* e = s.find(c.arg(1));
    // Setting nothing: 0 for a missing key, the length of an existing one (no size check).
    if (patch.empty()) {
      c.out.integer(e == nullptr ? 0 : static_cast<int64_t>(e->value().size()));
      return;
    }
    if (!check_string_length(c, offset, static_cast<int64_t>(patch.size()))) return;
    std::string v(e != nullptr ? e->value() : std::string_view());
    size_t need = static_cast<size_t>(offset) + patch.size();
    if (v.size() < need) v.resize(need, '\0');
    std::copy(patch.begin(), patch.end(), v.begin() + offset);
    replace_value(s, e, c.arg(1), v);
    c.out.integer(static_cast<int64_t>(v.size()));
  });
}

void incr_by(CommandContext& c, int64_t delta) {
  c.ks.with_key(c.client.db, c.arg(1), [&](Shard& s) {
    Entry* e = s.find(c.arg(1));
    int64_t current = 0;
    if (e != nullptr && !parse_i64(e->value(), current)) {
      c.out.error(kErrNotInteger);
      return;
    }
    if ((delta < 0 && current < 0 && delta < INT64_MIN - current) ||
        (delta > 0 && current > 0 && delta > INT64_MAX - current)) {
      c.out.error(kErrOverflow);
      return;
    }
    int64_t next = current + delta;
    s.put(c.arg(1), std::to_string(next), e != nullptr ? e->expire_at() : 0);
    c.out.integer(next);
  });
}

void incr(CommandContext& c) { incr_by(c, 1); }
void decr(CommandContext& c) { incr_by(c, -1); }
void incrby(CommandContext& c) {
  int64_t d;
  if (!parse_i64(c.arg(2), d)) {
    c.out.error(kErrNotInteger);
    return;
  }
  incr_by(c, d);
}
void decrby(CommandContext& c) {
  int64_t d;
  if (!parse_i64(c.arg(2), d)) {
    c.out.error(kErrNotInteger);
    return;
  }
  if (d == INT64_MIN) {
    c.out.error("ERR decrement would overflow");
    return;
  }
  incr_by(c, -d);
}

void incrbyfloat(CommandContext& c) {
  long double incr;
  if (!parse_long_double(c.arg(2), incr)) {
    c.out.error(kErrNotFloat);
    return;
  }
  c.ks.with_key(c.client.db, c.arg(1), [&](Shard& s) {
    Entry* e = s.find(c.arg(1));
    long double current = 0;
    if (e != nullptr && !parse_long_double(e->value(), current)) {
      c.out.error(kErrNotFloat);
      return;
    }
    long double next = current + incr;
    if (std::isnan(next) || std::isinf(next)) {
      c.out.error("ERR increment would produce NaN or Infinity");
      return;
    }
    std::string v = format_long_double(next);
    // Redis stores the result as a string object, never int-encoded.
    s.put(c.arg(1), v, e != nullptr ? e->expire_at() : 0)->set_encoding(Entry::Encoding::kString);
    c.out.bulk(v);
  });
}

void lcs(CommandContext& c) {
  bool get_len = false, get_idx = false, with_len = false;
  int64_t min_len = 0;
  for (size_t i = 3; i < c.argc(); ++i) {
    std::string_view o = c.arg(i);
    if (iequals(o, "IDX")) {
      get_idx = true;
    } else if (iequals(o, "LEN")) {
      get_len = true;
    } else if (iequals(o, "WITHMATCHLEN")) {
      with_len = true;
    } else if (iequals(o, "MINMATCHLEN") && i + 1 < c.argc()) {
      if (!parse_i64(c.arg(i + 1), min_len)) {
        c.out.error(kErrNotInteger);
        return;
      }
      if (min_len < 0) min_len = 0;
      ++i;
    } else {
      c.out.error(kErrSyntax);
      return;
    }
  }
  if (get_len && get_idx) {
    c.out.error("ERR If you want both the length and indexes, please just use IDX.");
    return;
  }
  std::string a, b;
  {
    std::vector<std::string_view> keys{c.arg(1), c.arg(2)};
    KeyLocks locks(c.ks, c.client.db, keys);
    if (Entry* e = c.ks.shard(c.client.db, c.arg(1)).find(c.arg(1))) a = e->value();
    if (Entry* e = c.ks.shard(c.client.db, c.arg(2)).find(c.arg(2))) b = e->value();
  }
  if (a.size() > 50000 || b.size() > 50000 ||
      (a.size() + 1) * (b.size() + 1) > size_t{1} << 28) {
    c.out.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
    return;
  }
  size_t n = a.size(), m = b.size();
  std::vector<uint32_t> dp((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return dp[i * (m + 1) + j]; };
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      at(i, j) = a[i - 1] == b[j - 1] ? at(i - 1, j - 1) + 1 : std::max(at(i - 1, j), at(i, j - 1));
    }
  }
  uint32_t len = at(n, m);
  // Walk back, collecting the common string and the matched ranges.
  std::string common(len, '\0');
  struct Match {
    size_t a_start, a_end, b_start, b_end;
  };
  std::vector<Match> matches;
  size_t i = n, j = m, idx = len;
  bool in_range = false;
  Match cur{};
  while (i > 0 && j > 0) {
    if (a[i - 1] == b[j - 1]) {
      common[--idx] = a[i - 1];
      if (!in_range) {
        cur = {i - 1, i - 1, j - 1, j - 1};
        in_range = true;
      } else if (cur.a_start == i && cur.b_start == j) {
        cur.a_start = i - 1;
        cur.b_start = j - 1;
      } else {
        if (static_cast<int64_t>(cur.a_end - cur.a_start + 1) >= min_len) matches.push_back(cur);
        cur = {i - 1, i - 1, j - 1, j - 1};
      }
      --i;
      --j;
    } else if (at(i - 1, j) > at(i, j - 1)) {
      --i;
    } else {
      --j;
    }
  }
  if (in_range && static_cast<int64_t>(cur.a_end - cur.a_start + 1) >= min_len) {
    matches.push_back(cur);
  }
  if (get_len) {
    c.out.integer(len);
    return;
  }
  if (!get_idx) {
    c.out.bulk(common);
    return;
  }
  c.out.map_header(2);
  c.out.bulk("matches");
  c.out.array_header(matches.size());
  for (const Match& mt : matches) {
    c.out.array_header(with_len ? 3 : 2);
    c.out.array_header(2);
    c.out.integer(static_cast<int64_t>(mt.a_start));
    c.out.integer(static_cast<int64_t>(mt.a_end));
    c.out.array_header(2);
    c.out.integer(static_cast<int64_t>(mt.b_start));
    c.out.integer(static_cast<int64_t>(mt.b_end));
    if (with_len) c.out.integer(static_cast<int64_t>(mt.a_end - mt.a_start + 1));
  }
  c.out.bulk("len");
  c.out.integer(len);
}

}  // namespace

void register_string_commands(std::vector<CommandSpec>& out) {
  // One key at argument 1 (COMMAND INFO's legacy range 1 1 1).
  auto one = [](std::string_view flags, std::string_view notes = {}) {
    return std::vector<KeySpec>{{.flags = flags, .index = 1, .notes = notes}};
  };
  constexpr std::string_view kSubstrComplexity =
      "O(N) where N is the length of the returned string. The complexity is ultimately "
      "determined by the returned length, but because creating a substring from an existing "
      "string is very cheap, it can be considered O(1) for small strings.";
  auto add = [&](CommandSpec spec) {
    spec.group = "string";
    spec.acl |= kAclString;
    if (spec.complexity.empty()) spec.complexity = "O(1)";
    if (spec.first_key == 0 && !spec.keys.empty()) {
      spec.first_key = spec.last_key = spec.key_step = 1;
    }
    out.push_back(std::move(spec));
  };
  add({.name = "get", .arity = 2, .flags = kReadonly | kFast, .handler = get,
       .summary = "Get the value of a key", .keys = one("RO access")});
  add({.name = "set", .arity = -3, .flags = kWrite | kDenyOom, .handler = set,
       .summary = "Set the string value of a key",
       .keys = one("RW access update variable_flags",
                   "RW and ACCESS due to the optional `GET` argument")});
  add({.name = "setnx", .arity = 3, .flags = kWrite | kDenyOom | kFast, .handler = setnx,
       .summary = "Set the value of a key, only if the key does not exist",
       .keys = one("OW insert")});
  add({.name = "setex", .arity = 4, .flags = kWrite | kDenyOom, .handler = setex,
       .summary = "Set the value and expiration of a key", .since = "2.0.0",
       .keys = one("OW update")});
  add({.name = "psetex", .arity = 4, .flags = kWrite | kDenyOom, .handler = psetex,
       .summary = "Set the value and expiration in milliseconds of a key", .since = "2.6.0",
       .keys = one("OW update")});
  add({.name = "getset", .arity = 3, .flags = kWrite | kDenyOom | kFast, .handler = getset,
       .summary = "Set the string value of a key and return its old value",
       .deprecated = true, .keys = one("RW access update")});
  add({.name = "getdel", .arity = 2, .flags = kWrite | kFast, .handler = getdel,
       .summary = "Get the value of a key and delete the key", .since = "6.2.0",
       .keys = one("RW access delete")});
  add({.name = "getex", .arity = -2, .flags = kWrite | kFast, .handler = getex,
       .summary = "Get the value of a key and optionally set its expiration", .since = "6.2.0",
       .keys = one("RW access update", "RW and UPDATE because it changes the TTL")});
  add({.name = "mget", .arity = -2, .flags = kReadonly | kFast, .handler = mget,
       .summary = "Get the values of all the given keys",
       .complexity = "O(N) where N is the number of keys to retrieve.",
       .tips = "request_policy:multi_shard",
       .keys = {{.flags = "RO access", .index = 1, .lastkey = -1}},
       .first_key = 1, .last_key = -1, .key_step = 1});
  add({.name = "mset", .arity = -3, .flags = kWrite | kDenyOom, .handler = mset,
       .summary = "Set multiple keys to multiple values", .since = "1.0.1",
       .complexity = "O(N) where N is the number of keys to set.",
       .tips = "request_policy:multi_shard response_policy:all_succeeded",
       .keys = {{.flags = "OW update", .index = 1, .lastkey = -1, .keystep = 2}},
       .first_key = 1, .last_key = -1, .key_step = 2});
  add({.name = "msetnx", .arity = -3, .flags = kWrite | kDenyOom, .handler = msetnx,
       .summary = "Set multiple keys to multiple values, only if none of the keys exist",
       .since = "1.0.1", .complexity = "O(N) where N is the number of keys to set.",
       .tips = "request_policy:multi_shard response_policy:agg_min",
       .keys = {{.flags = "OW insert", .index = 1, .lastkey = -1, .keystep = 2}},
       .first_key = 1, .last_key = -1, .key_step = 2});
  add({.name = "append", .arity = 3, .flags = kWrite | kDenyOom | kFast, .handler = append,
       .summary = "Append a value to a key", .since = "2.0.0",
       .complexity = "O(1). The amortized time complexity is O(1) assuming the appended value "
                     "is small and the already present value is of any size, since the dynamic "
                     "string library used by Redis will double the free space available on "
                     "every reallocation.",
       .keys = one("RW insert")});
  add({.name = "strlen", .arity = 2, .flags = kReadonly | kFast, .handler = strlen_cmd,
       .summary = "Get the length of the value stored in a key", .since = "2.2.0",
       .keys = one("RO")});
  add({.name = "getrange", .arity = 4, .flags = kReadonly, .handler = getrange,
       .summary = "Get a substring of the string stored at a key", .since = "2.4.0",
       .complexity = kSubstrComplexity, .keys = one("RO access")});
  add({.name = "substr", .arity = 4, .flags = kReadonly, .handler = getrange,
       .summary = "Get a substring of the string stored at a key",
       .complexity = kSubstrComplexity, .deprecated = true, .keys = one("RO access")});
  add({.name = "setrange", .arity = 4, .flags = kWrite | kDenyOom, .handler = setrange,
       .summary = "Overwrite part of a string at key starting at the specified offset",
       .since = "2.2.0",
       .complexity = "O(1), not counting the time taken to copy the new string in place. "
                     "Usually, this string is very small so the amortized complexity is O(1). "
                     "Otherwise, complexity is O(M) with M being the length of the value "
                     "argument.",
       .keys = one("RW update")});
  add({.name = "incr", .arity = 2, .flags = kWrite | kDenyOom | kFast, .handler = incr,
       .summary = "Increment the integer value of a key by one",
       .keys = one("RW access update")});
  add({.name = "decr", .arity = 2, .flags = kWrite | kDenyOom | kFast, .handler = decr,
       .summary = "Decrement the integer value of a key by one",
       .keys = one("RW access update")});
  add({.name = "incrby", .arity = 3, .flags = kWrite | kDenyOom | kFast, .handler = incrby,
       .summary = "Increment the integer value of a key by the given amount",
       .keys = one("RW access update")});
  add({.name = "decrby", .arity = 3, .flags = kWrite | kDenyOom | kFast, .handler = decrby,
       .summary = "Decrement the integer value of a key by the given number",
       .keys = one("RW access update")});
  add({.name = "incrbyfloat", .arity = 3, .flags = kWrite | kDenyOom | kFast,
       .handler = incrbyfloat,
       .summary = "Increment the float value of a key by the given amount", .since = "2.6.0",
       .keys = one("RW access update")});
  add({.name = "lcs", .arity = -3, .flags = kReadonly, .handler = lcs,
       .summary = "Find longest common substring", .since = "7.0.0",
       .complexity = "O(N*M) where N and M are the lengths of s1 and s2, respectively",
       .keys = {{.flags = "RO access", .index = 1, .lastkey = 1}},
       .first_key = 1, .last_key = 2, .key_step = 1});
}

}  // namespace corio::redis

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

namespace corio::redis {
namespace {

constexpr int64_t kMaxStringLen = int64_t{512} * 1024 * 1024;

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

// Expiry options shared by SET and GETEX. Returns false after writing an error.
struct ExpiryOption {
  enum Kind { kNone, kRelative, kAbsolute, kKeep, kPersist } kind = kNone;
  int64_t at_ms = 0;
};

bool parse_expiry_value(CommandContext& c, std::string_view unit, std::string_view value,
                        std::string_view command, ExpiryOption& out) {
  int64_t v;
  if (!parse_i64(value, v)) {
    c.out.error(kErrNotInteger);
    return false;
  }
  bool seconds = iequals(unit, "EX") || iequals(unit, "EXAT");
  bool absolute = iequals(unit, "EXAT") || iequals(unit, "PXAT");
  if (v <= 0 || (seconds && v > INT64_MAX / 1000)) {
    c.out.error("ERR invalid expire time in '" + std::string(command) + "' command");
    return false;
  }
  int64_t ms = seconds ? v * 1000 : v;
  if (!absolute) {
    int64_t now = c.ks.now_ms();
    if (ms > INT64_MAX - now) {
      c.out.error("ERR invalid expire time in '" + std::string(command) + "' command");
      return false;
    }
    ms += now;
  }
  out.kind = ExpiryOption::kAbsolute;
  out.at_ms = ms;
  return true;
}

void set(CommandContext& c) {
  bool nx = false, xx = false, get_old = false;
  ExpiryOption exp;
  bool has_expiry = false;
  for (size_t i = 3; i < c.argc(); ++i) {
    std::string_view o = c.arg(i);
    bool next = i + 1 < c.argc();
    if (iequals(o, "NX") && !xx) {
      nx = true;
    } else if (iequals(o, "XX") && !nx) {
      xx = true;
    } else if (iequals(o, "GET")) {
      get_old = true;
    } else if (iequals(o, "KEEPTTL") && !has_expiry) {
      exp.kind = ExpiryOption::kKeep;
      has_expiry = true;
    } else if ((iequals(o, "EX") || iequals(o, "PX") || iequals(o, "EXAT") ||
                iequals(o, "PXAT")) &&
               next && !has_expiry) {
      if (!parse_expiry_value(c, o, c.arg(i + 1), "set", exp)) return;
      has_expiry = true;
      ++i;
    } else {
      c.out.error(kErrSyntax);
      return;
    }
  }
  c.ks.with_key(c.client.db, c.arg(1), [&](Shard& s) {
    Entry* old = s.find(c.arg(1));
    if (get_old) {
      if (old == nullptr) {
        c.out.null();
      } else {
        c.out.bulk(old->value());
      }
    }
    if ((nx && old != nullptr) || (xx && old == nullptr)) {
      if (!get_old) c.out.null();
      return;
    }
    int64_t at = 0;
    if (exp.kind == ExpiryOption::kAbsolute) at = exp.at_ms;
    if (exp.kind == ExpiryOption::kKeep && old != nullptr) at = old->expire_at();
    if (exp.kind == ExpiryOption::kAbsolute && at <= c.ks.now_ms()) {
      // Already in the past: the key is set and deleted at once (Redis deletes it).
      s.erase(c.arg(1));
      c.ks.expired_keys.fetch_add(1, std::memory_order_relaxed);
    } else {
      s.put(c.arg(1), c.arg(2), at);
    }
    if (!get_old) c.out.simple("OK");
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

void getex(CommandContext& c) {
  ExpiryOption exp;
  for (size_t i = 2; i < c.argc(); ++i) {
    std::string_view o = c.arg(i);
    bool next = i + 1 < c.argc();
    if (iequals(o, "PERSIST") && exp.kind == ExpiryOption::kNone) {
      exp.kind = ExpiryOption::kPersist;
    } else if ((iequals(o, "EX") || iequals(o, "PX") || iequals(o, "EXAT") ||
                iequals(o, "PXAT")) &&
               next && exp.kind == ExpiryOption::kNone) {
      if (!parse_expiry_value(c, o, c.arg(i + 1), "getex", exp)) return;
      ++i;
    } else {
      c.out.error(kErrSyntax);
      return;
    }
  }
  c.ks.with_key(c.client.db, c.arg(1), [&](Shard& s) {
    Entry* e = lookup(c, s, c.arg(1));
    if (e == nullptr) {
      c.out.null();
      return;
    }
    c.out.bulk(e->value());
    if (exp.kind == ExpiryOption::kPersist) {
      if (e->expire_at() != 0) s.set_expire(e, 0);
    } else if (exp.kind == ExpiryOption::kAbsolute) {
      if (exp.at_ms <= c.ks.now_ms()) {
        s.erase(c.arg(1));
      } else {
        s.set_expire(e, exp.at_ms);
      }
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
  e->mark_raw();
  return e;
}

void append(CommandContext& c) {
  c.ks.with_key(c.client.db, c.arg(1), [&](Shard& s) {
    Entry* e = s.find(c.arg(1));
    size_t old_len = e != nullptr ? e->value().size() : 0;
    if (static_cast<int64_t>(old_len + c.arg(2).size()) > kMaxStringLen) {
      c.out.error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
      return;
    }
    if (e == nullptr) {
      s.put(c.arg(1), c.arg(2), 0);
      c.out.integer(static_cast<int64_t>(c.arg(2).size()));
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
    if (e == nullptr && patch.empty()) {
      c.out.integer(0);
      return;
    }
    if (offset + static_cast<int64_t>(patch.size()) > kMaxStringLen) {
      c.out.error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
      return;
    }
    std::string v(e != nullptr ? e->value() : std::string_view());
    if (patch.empty()) {
      c.out.integer(static_cast<int64_t>(v.size()));
      return;
    }
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
    Entry* fresh = s.put(c.arg(1), v, e != nullptr ? e->expire_at() : 0);
    (void)fresh;
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
  const uint32_t kW = kWrite | kDenyOom;
  out.push_back({"get", 2, kReadonly | kFast, 1, 1, 1, get, "string", "Get the value of a key"});
  out.push_back({"set", -3, kW, 1, 1, 1, set, "string", "Set the string value of a key"});
  out.push_back({"setnx", 3, kW | kFast, 1, 1, 1, setnx, "string",
                 "Set the value of a key, only if the key does not exist"});
  out.push_back({"setex", 4, kW, 1, 1, 1, setex, "string",
                 "Set the value and expiration of a key", "2.0.0"});
  out.push_back({"psetex", 4, kW, 1, 1, 1, psetex, "string",
                 "Set the value and expiration in milliseconds of a key", "2.6.0"});
  out.push_back({"getset", 3, kW | kFast, 1, 1, 1, getset, "string",
                 "Set the string value of a key and return its old value"});
  out.push_back({"getdel", 2, kWrite | kFast, 1, 1, 1, getdel, "string",
                 "Get the value of a key and delete the key", "6.2.0"});
  out.push_back({"getex", -2, kWrite | kFast, 1, 1, 1, getex, "string",
                 "Get the value of a key and optionally set its expiration", "6.2.0"});
  out.push_back({"mget", -2, kReadonly | kFast, 1, -1, 1, mget, "string",
                 "Get the values of all the given keys"});
  out.push_back({"mset", -3, kW, 1, -1, 2, mset, "string", "Set multiple keys to multiple values",
                 "1.0.1"});
  out.push_back({"msetnx", -3, kW, 1, -1, 2, msetnx, "string",
                 "Set multiple keys to multiple values, only if none of the keys exist",
                 "1.0.1"});
  out.push_back({"append", 3, kW, 1, 1, 1, append, "string", "Append a value to a key", "2.0.0"});
  out.push_back({"strlen", 2, kReadonly | kFast, 1, 1, 1, strlen_cmd, "string",
                 "Get the length of the value stored in a key", "2.2.0"});
  out.push_back({"getrange", 4, kReadonly, 1, 1, 1, getrange, "string",
                 "Get a substring of the string stored at a key", "2.4.0"});
  out.push_back({"substr", 4, kReadonly, 1, 1, 1, getrange, "string",
                 "Get a substring of the string stored at a key"});
  out.push_back({"setrange", 4, kW, 1, 1, 1, setrange, "string",
                 "Overwrite part of a string at key starting at the specified offset", "2.2.0"});
  out.push_back({"incr", 2, kW | kFast, 1, 1, 1, incr, "string",
                 "Increment the integer value of a key by one"});
  out.push_back({"decr", 2, kW | kFast, 1, 1, 1, decr, "string",
                 "Decrement the integer value of a key by one"});
  out.push_back({"incrby", 3, kW | kFast, 1, 1, 1, incrby, "string",
                 "Increment the integer value of a key by the given amount"});
  out.push_back({"decrby", 3, kW | kFast, 1, 1, 1, decrby, "string",
                 "Decrement the integer value of a key by the given number"});
  out.push_back({"incrbyfloat", 3, kW | kFast, 1, 1, 1, incrbyfloat, "string",
                 "Increment the float value of a key by the given amount", "2.6.0"});
  out.push_back({"lcs", -3, kReadonly, 1, 2, 1, lcs, "string", "Find longest common substring",
                 "7.0.0"});
}

}  // namespace corio::redis

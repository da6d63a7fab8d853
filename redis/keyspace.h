// Keyspace: Redis's 16 databases of string keys, sharded for concurrency.
//
// Each database is split into kShards shards; a shard is a mutex, a hash set of Entry*
// (entry.h: key and value in one allocation) and the list of its entries that expire.
// Commands run on every worker at once and only contend when they touch the same shard.
//
// Locking. Handlers never suspend while they hold shard locks (they are plain functions
// called from the connection's task), so locks are taken and released within one call:
//  - one key:  ks.with_key(db, key, [&](Shard& s) { ... });
//  - several:  KeyLocks locks(ks, db, keys);   // all their shards, in shard order
//  - everything (EXEC, FLUSHALL, SWAPDB, KEYS...): AllLocks all(ks);
// While a KeyLocks/AllLocks is alive on this thread, with_key does not lock shards it
// already holds, so handlers run the same way inside EXEC as outside it.
//
// Expiry. Time is Unix milliseconds from the injected clock (the server derives it from
// the runtime's clock, so the paused test clock also pauses expiry). A lookup that finds
// an expired key deletes it (lazy expiry); purge_expired() samples the expiring entries of
// every shard, as Redis's active expire cycle does; the server runs it from a background
// task woken through Notify when the first expiring key appears.
//
// WATCH. watch() registers a client's dirty flag on (db, key); every write, deletion and
// expiry of that key sets the flag (touch()). When nobody watches anything, touch() is one
// relaxed atomic load.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "redis/entry.h"
#include "redis/string_hash.h"
#include "redis/striped_counter.h"

namespace corio::redis {

class Keyspace;

// A lookup key that matches nothing. The hash set compares a probed key only with the
// entries whose hash tag (7 bits kept beside each slot) matches; with this key EntryEq
// starts loading each such entry instead of comparing (which would wait for its memory).
// So find(EntryPrefetchProbe{key}) returns end() having requested, almost always, exactly
// the entry a real lookup of `key` will read.
struct EntryPrefetchProbe {
  std::string_view key;
};

struct EntryHash {
  using is_transparent = void;
  size_t operator()(std::string_view k) const { return hash_bytes(k); }
  size_t operator()(const Entry* e) const { return (*this)(e->key()); }
  size_t operator()(const EntryPrefetchProbe& p) const { return (*this)(p.key); }
};
struct EntryEq {
  using is_transparent = void;
  static std::string_view k(std::string_view s) { return s; }
  static std::string_view k(const Entry* e) { return e->key(); }
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    if constexpr (std::is_same_v<A, EntryPrefetchProbe>) {
      __builtin_prefetch(b);
      return false;
    } else if constexpr (std::is_same_v<B, EntryPrefetchProbe>) {
      __builtin_prefetch(a);
      return false;
    } else {
      return k(a) == k(b);
    }
  }
};

// One shard of one database. All methods require the shard's lock (see above).
class Shard {
 public:
  Shard() = default;
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;
  ~Shard();

  // The live entry for `key` (an expired one is deleted first), or null.
  Entry* find(std::string_view key);
  // As find, without expiring or touching access time (for TTL-free inspection).
  Entry* peek(std::string_view key) const;
  // Inserts or replaces `key` with `value`; `expire_at_ms` 0 means none. Returns the entry.
  Entry* put(std::string_view key, std::string_view value, int64_t expire_at_ms);
  // Removes `key`; true if it was there (and live).
  bool erase(std::string_view key);
  // Changes an entry's expiry (0: persist).
  void set_expire(Entry* e, int64_t expire_at_ms);
  // Takes an entry out without freeing it (RENAME/MOVE carry it elsewhere).
  Entry* detach(std::string_view key);
  // Adds an entry detached from another shard (its key must not be present here).
  void attach(Entry* e);

  size_t size() const { return entries_.size(); }
  size_t expiring() const { return expiring_.size(); }
  size_t used_bytes() const { return used_bytes_; }
  template <typename F>
  void for_each(F&& f) const {
    for (Entry* e : entries_) f(e);
  }
  // Deletes every entry.
  void clear();
  // Swaps contents with another shard (SWAPDB).
  void swap(Shard& other);
  // Deletes up to `samples` random expired entries' worth of work; returns how many of
  // the sampled entries had expired.
  size_t purge_sample(int64_t now_ms, size_t samples, uint64_t& rng, size_t& sampled);

  std::mutex mu;

 private:
  friend class Keyspace;
  void unlink_entry(Entry* e);  // from entries_ and expiring_, accounting; not freed
  void link_expiring(Entry* e);
  void unlink_expiring(Entry* e);
  bool expired(const Entry* e) const;

  Keyspace* ks_ = nullptr;
  int db_ = 0;
  absl::flat_hash_set<Entry*, EntryHash, EntryEq> entries_;
  std::vector<Entry*> expiring_;
  size_t used_bytes_ = 0;
};

class Keyspace {
 public:
  static constexpr int kDatabases = 16;
  static constexpr int kShards = 16;

  // `now_ms`: Unix time in milliseconds (injected: the runtime's clock in the server).
  explicit Keyspace(std::function<int64_t()> now_ms);
  Keyspace(const Keyspace&) = delete;
  Keyspace& operator=(const Keyspace&) = delete;

  // The clock, or the reading a NowCache on this thread took at the start of the batch.
  int64_t now_ms() const;
  uint32_t now_secs() const { return static_cast<uint32_t>(now_ms() / 1000); }

  Shard& shard(int db, std::string_view key) {
    return dbs_[db][shard_index(key)];
  }
  Shard& shard_at(int db, size_t index) { return dbs_[db][index]; }
  static size_t shard_index(std::string_view key) {
    // The high bits: the hash set inside the shard uses the low ones.
    return (EntryHash{}(key) >> 52) % kShards;
  }

  // Hints for a pipelined batch, so that the cache misses of a lookup overlap the work
  // of the commands before it (Connection::process_input runs them two commands ahead
  // and one command ahead). prefetch_slots() starts loading the hash-table group a lookup
  // of `key` will probe; prefetch_entry() probes that group (its memory should be in cache
  // by then) and starts loading the entry the lookup will compare and return. Both are
  // skipped when the shard's lock is taken: the table may be changing under it.
  // Fragile: nothing uses their results, so the compiler may drop the loads. Passing a
  // precomputed hash (no opaque hash call left) made GCC 12 delete both. After changing
  // them, count the prefetch instructions in process_input (objdump) and check that
  // Shard::find stays about 1-2% of a `redis-benchmark -P 16 -r 100000` profile.
  void prefetch_slots(int db, std::string_view key) {
    with_free_shard(db, key, [key](Shard& s) { s.entries_.prefetch(key); });
  }
  void prefetch_entry(int db, std::string_view key) {
    with_free_shard(db, key,
                    [key](Shard& s) { (void)s.entries_.find(EntryPrefetchProbe{key}); });
  }

  // Runs f(Shard&) with the key's shard locked (unless this thread already holds it).
  template <typename F>
  decltype(auto) with_key(int db, std::string_view key, F&& f) {
    Shard& s = shard(db, key);
    if (held(s)) return f(s);
    std::lock_guard<std::mutex> lock(s.mu);
    return f(s);
  }

  // Runs f(s) with shard `s` locked (unless this thread already holds it).
  template <typename F>
  decltype(auto) with_shard(Shard& s, F&& f) {
    if (held(s)) return f(s);
    std::lock_guard<std::mutex> lock(s.mu);
    return f(s);
  }

  // Total keys / expiring keys in a database (locks each shard briefly).
  size_t db_size(int db);
  size_t db_expiring(int db);
  size_t used_bytes();
  void flush_db(int db);
  void flush_all();
  void swap_db(int a, int b);

  // One active-expiry cycle over every shard; returns the number of keys deleted.
  size_t purge_expired();
  // Keys with an expiry in all databases (approximate, for the purge task's wake-up).
  size_t expiring_total() const { return expiring_total_.load(std::memory_order_relaxed); }
  // Called (under a shard lock) when a key gains an expiry: lets the purge task wake.
  void set_on_first_expiry(std::function<void()> f) { on_first_expiry_ = std::move(f); }

  // WATCH support.
  using DirtyFlag = std::shared_ptr<std::atomic<bool>>;
  void watch(int db, std::string_view key, const DirtyFlag& flag);
  void unwatch_all(const DirtyFlag& flag, const std::vector<std::pair<int, std::string>>& keys);
  void touch(int db, std::string_view key);
  // FLUSHDB/FLUSHALL/SWAPDB, before they change `emptied` (with every shard locked):
  // touches the keys watched in it that exist there, or (SWAPDB) that a live key of
  // `replaced_with` (-1: none) replaces.
  void touch_db(int emptied, int replaced_with);

  // Statistics.
  StripedCounter expired_keys;
  StripedCounter keyspace_hits;
  StripedCounter keyspace_misses;

  // Lock guards (see the header comment).
  bool held(const Shard& s) const;

 private:
  friend class Shard;
  friend class NowCache;
  friend class KeyLocks;
  friend class AllLocks;

  // Runs f(shard) for `key`'s shard if its lock is free now (hints only: never waits,
  // never re-enters a shard this thread holds).
  template <typename F>
  void with_free_shard(int db, std::string_view key, F&& f) {
    Shard& s = shard(db, key);
    if (held(s) || !s.mu.try_lock()) return;
    f(s);
    s.mu.unlock();
  }

  std::function<int64_t()> now_ms_;
  std::array<std::array<Shard, kShards>, kDatabases> dbs_;
  std::atomic<size_t> expiring_total_{0};
  std::function<void()> on_first_expiry_;
  std::atomic<size_t> watched_count_{0};
  std::mutex watch_mu_;
  absl::flat_hash_map<std::pair<int, std::string>, std::vector<DirtyFlag>> watched_;
};

// Reads the keyspace's clock once for a batch of commands on this thread (Redis caches
// its clock per event-loop iteration the same way): every now_ms() inside the scope
// returns that reading. A batch takes microseconds; expiry stays millisecond-exact.
class NowCache {
 public:
  explicit NowCache(const Keyspace& ks);
  ~NowCache();
  NowCache(const NowCache&) = delete;
  NowCache& operator=(const NowCache&) = delete;

 private:
  const Keyspace* saved_ks_;
  int64_t saved_now_;
};

// Locks the shards of `keys` in one database, in shard order (no deadlock with another
// KeyLocks). Must not be nested with another KeyLocks/AllLocks on this thread.
class KeyLocks {
 public:
  KeyLocks(Keyspace& ks, int db, std::span<const std::string_view> keys);
  // Two keys in two databases (MOVE, COPY ... DB).
  KeyLocks(Keyspace& ks, int db_a, std::string_view a, int db_b, std::string_view b);
  ~KeyLocks();
  KeyLocks(const KeyLocks&) = delete;
  KeyLocks& operator=(const KeyLocks&) = delete;

 private:
  void lock_sorted(Keyspace& ks);
  std::vector<Shard*> shards_;  // locked by us (empty when an AllLocks already covers them)
  const std::vector<Shard*>* saved_;
};

// Locks every shard of every database (EXEC, FLUSHALL, SWAPDB, KEYS, ...).
class AllLocks {
 public:
  explicit AllLocks(Keyspace& ks);
  ~AllLocks();
  AllLocks(const AllLocks&) = delete;
  AllLocks& operator=(const AllLocks&) = delete;

 private:
  Keyspace& ks_;
  const Keyspace* saved_;
};

}  // namespace corio::redis

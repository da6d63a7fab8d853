#include "redis/keyspace.h"

#include <algorithm>

namespace corio::redis {
namespace {

// What this thread holds (handlers never suspend with locks held, so thread-local works).
thread_local const Keyspace* tl_all_locked = nullptr;
thread_local const std::vector<Shard*>* tl_key_locked = nullptr;
// NowCache: the keyspace whose clock reading is cached on this thread, and the reading.
thread_local const Keyspace* tl_now_ks = nullptr;
thread_local int64_t tl_now_ms = 0;

uint64_t next_rand(uint64_t& s) {
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

}  // namespace

// ---- Shard ----

Shard::~Shard() { clear(); }

bool Shard::expired(const Entry* e) const {
  return e->expire_at() != 0 && e->expire_at() <= ks_->now_ms();
}

Entry* Shard::peek(std::string_view key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : *it;
}

Entry* Shard::find(std::string_view key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  Entry* e = *it;
  if (expired(e)) {
    ks_->touch(db_, key);
    unlink_entry(e);
    Entry::destroy(e);
    ks_->expired_keys.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  return e;
}

void Shard::link_expiring(Entry* e) {
  e->set_expire_index(static_cast<uint32_t>(expiring_.size()));
  expiring_.push_back(e);
  if (ks_->expiring_total_.fetch_add(1, std::memory_order_relaxed) == 0 && ks_->on_first_expiry_) {
    ks_->on_first_expiry_();
  }
}

void Shard::unlink_expiring(Entry* e) {
  uint32_t i = e->expire_index();
  if (i == Entry::kNotExpiring) return;
  Entry* last = expiring_.back();
  expiring_[i] = last;
  last->set_expire_index(i);
  expiring_.pop_back();
  e->set_expire_index(Entry::kNotExpiring);
  ks_->expiring_total_.fetch_sub(1, std::memory_order_relaxed);
}

void Shard::unlink_entry(Entry* e) {
  entries_.erase(e->key());
  unlink_expiring(e);
  used_bytes_ -= e->allocation_size();
}

Entry* Shard::put(std::string_view key, std::string_view value, int64_t expire_at_ms) {
  auto it = entries_.find(key);
  if (it != entries_.end() && (*it)->value().size() == value.size()) {
    // A value of the same length (SET of a fixed-size record, INCR within a digit count):
    // overwrite in place, no allocation; the entry's size and accounting do not change.
    Entry* e = *it;
    bool was_expiring = e->expire_index() != Entry::kNotExpiring;
    e->overwrite_value(value, ks_->now_secs());
    e->set_expire_at(expire_at_ms);
    if (was_expiring && expire_at_ms == 0) unlink_expiring(e);
    if (!was_expiring && expire_at_ms != 0) link_expiring(e);
    ks_->touch(db_, key);
    return e;
  }
  Entry* fresh = Entry::create(key, value, expire_at_ms, ks_->now_secs());
  if (it != entries_.end()) {
    Entry* old = *it;
    unlink_expiring(old);
    used_bytes_ -= old->allocation_size();
    // Same key: the set's slot can hold the new pointer (its hash is the key's).
    const_cast<Entry*&>(*it) = fresh;
    Entry::destroy(old);
  } else {
    entries_.insert(fresh);
  }
  used_bytes_ += fresh->allocation_size();
  if (expire_at_ms != 0) link_expiring(fresh);
  ks_->touch(db_, key);
  return fresh;
}

bool Shard::erase(std::string_view key) {
  Entry* e = find(key);
  if (e == nullptr) return false;
  unlink_entry(e);
  ks_->touch(db_, key);
  Entry::destroy(e);
  return true;
}

void Shard::set_expire(Entry* e, int64_t expire_at_ms) {
  bool was = e->expire_at() != 0;
  e->set_expire_at(expire_at_ms);
  if (was && expire_at_ms == 0) unlink_expiring(e);
  if (!was && expire_at_ms != 0) link_expiring(e);
  ks_->touch(db_, e->key());
}

Entry* Shard::detach(std::string_view key) {
  Entry* e = find(key);
  if (e == nullptr) return nullptr;
  unlink_entry(e);
  ks_->touch(db_, key);
  return e;
}

void Shard::attach(Entry* e) {
  entries_.insert(e);
  used_bytes_ += e->allocation_size();
  if (e->expire_at() != 0) link_expiring(e);
  ks_->touch(db_, e->key());
}

void Shard::clear() {
  if (ks_ != nullptr && !expiring_.empty()) {
    ks_->expiring_total_.fetch_sub(expiring_.size(), std::memory_order_relaxed);
  }
  for (Entry* e : entries_) Entry::destroy(e);
  entries_.clear();
  expiring_.clear();
  used_bytes_ = 0;
}

void Shard::swap(Shard& other) {
  entries_.swap(other.entries_);
  expiring_.swap(other.expiring_);
  std::swap(used_bytes_, other.used_bytes_);
}

size_t Shard::purge_sample(int64_t now_ms, size_t samples, uint64_t& rng, size_t& sampled) {
  size_t deleted = 0;
  sampled = 0;
  for (size_t i = 0; i < samples && !expiring_.empty(); ++i) {
    Entry* e = expiring_[next_rand(rng) % expiring_.size()];
    ++sampled;
    if (e->expire_at() <= now_ms) {
      ks_->touch(db_, e->key());
      unlink_entry(e);
      Entry::destroy(e);
      ++deleted;
    }
  }
  return deleted;
}

// ---- Keyspace ----

Keyspace::Keyspace(std::function<int64_t()> now_ms) : now_ms_(std::move(now_ms)) {
  for (int db = 0; db < kDatabases; ++db) {
    for (auto& s : dbs_[db]) {
      s.ks_ = this;
      s.db_ = db;
    }
  }
}

int64_t Keyspace::now_ms() const {
  if (tl_now_ks == this) return tl_now_ms;
  return now_ms_();
}

NowCache::NowCache(const Keyspace& ks) : saved_ks_(tl_now_ks), saved_now_(tl_now_ms) {
  tl_now_ms = ks.now_ms_();
  tl_now_ks = &ks;
}

NowCache::~NowCache() {
  tl_now_ks = saved_ks_;
  tl_now_ms = saved_now_;
}

bool Keyspace::held(const Shard& s) const {
  if (tl_all_locked == this) return true;
  if (tl_key_locked == nullptr) return false;
  const auto& v = *tl_key_locked;
  return std::find(v.begin(), v.end(), &s) != v.end();
}

size_t Keyspace::db_size(int db) {
  size_t n = 0;
  for (auto& s : dbs_[db]) {
    if (held(s)) {
      n += s.size();
    } else {
      std::lock_guard<std::mutex> lock(s.mu);
      n += s.size();
    }
  }
  return n;
}

size_t Keyspace::db_expiring(int db) {
  size_t n = 0;
  for (auto& s : dbs_[db]) {
    if (held(s)) {
      n += s.expiring();
    } else {
      std::lock_guard<std::mutex> lock(s.mu);
      n += s.expiring();
    }
  }
  return n;
}

size_t Keyspace::used_bytes() {
  size_t n = 0;
  for (auto& db : dbs_) {
    for (auto& s : db) {
      if (held(s)) {
        n += s.used_bytes();
      } else {
        std::lock_guard<std::mutex> lock(s.mu);
        n += s.used_bytes() + s.entries_.capacity() * (sizeof(Entry*) + 1);
      }
    }
  }
  return n;
}

void Keyspace::flush_db(int db) {
  AllLocks all(*this);
  touch_db(db, -1);
  for (auto& s : dbs_[db]) s.clear();
}

void Keyspace::flush_all() {
  AllLocks all(*this);
  for (int db = 0; db < kDatabases; ++db) {
    touch_db(db, -1);
    for (auto& s : dbs_[db]) s.clear();
  }
}

void Keyspace::swap_db(int a, int b) {
  AllLocks all(*this);
  touch_db(a, b);
  touch_db(b, a);
  for (int i = 0; i < kShards; ++i) {
    dbs_[a][i].swap(dbs_[b][i]);
  }
}

size_t Keyspace::purge_expired() {
  // Redis's active expiry: sample 20 expiring keys per shard; while more than a quarter
  // of a sample had expired, sample that shard again (bounded).
  constexpr size_t kSamples = 20;
  static thread_local uint64_t rng = 0x2545F4914F6CDD1Dull;
  int64_t now = now_ms();
  size_t deleted = 0;
  for (auto& db : dbs_) {
    for (auto& s : db) {
      for (int round = 0; round < 16; ++round) {
        std::lock_guard<std::mutex> lock(s.mu);
        if (s.expiring() == 0) break;
        size_t sampled = 0;
        size_t d = s.purge_sample(now, kSamples, rng, sampled);
        deleted += d;
        if (d * 4 <= sampled) break;
      }
    }
  }
  expired_keys.fetch_add(deleted);
  return deleted;
}

void Keyspace::watch(int db, std::string_view key, const DirtyFlag& flag) {
  std::lock_guard<std::mutex> lock(watch_mu_);
  watched_[{db, std::string(key)}].push_back(flag);
  watched_count_.fetch_add(1, std::memory_order_relaxed);
}

void Keyspace::unwatch_all(const DirtyFlag& flag,
                           const std::vector<std::pair<int, std::string>>& keys) {
  std::lock_guard<std::mutex> lock(watch_mu_);
  for (const auto& k : keys) {
    auto it = watched_.find(k);
    if (it == watched_.end()) continue;
    auto& v = it->second;
    size_t before = v.size();
    v.erase(std::remove(v.begin(), v.end(), flag), v.end());
    watched_count_.fetch_sub(before - v.size(), std::memory_order_relaxed);
    if (v.empty()) watched_.erase(it);
  }
}

void Keyspace::touch(int db, std::string_view key) {
  // Ordering: relaxed: a WATCH registered concurrently with a write races with it in
  // Redis too; EXEC's own check happens under all the shard locks.
  if (watched_count_.load(std::memory_order_relaxed) == 0) return;
  std::lock_guard<std::mutex> lock(watch_mu_);
  auto it = watched_.find(std::make_pair(db, std::string(key)));
  if (it == watched_.end()) return;
  for (auto& f : it->second) f->store(true, std::memory_order_relaxed);
}

void Keyspace::touch_db(int emptied, int replaced_with) {
  // Redis 7.0's touchAllWatchedKeysInDb: a watched key counts as changed if it is in the
  // emptied database (even expired but not yet deleted), or if a live one replaces it.
  if (watched_count_.load(std::memory_order_relaxed) == 0) return;
  int64_t now = now_ms();
  std::lock_guard<std::mutex> lock(watch_mu_);
  for (auto& [k, flags] : watched_) {
    if (k.first != emptied) continue;
    bool changed = shard(emptied, k.second).peek(k.second) != nullptr;
    if (!changed && replaced_with >= 0) {
      const Entry* e = shard(replaced_with, k.second).peek(k.second);
      changed = e != nullptr && (e->expire_at() == 0 || e->expire_at() > now);
    }
    if (!changed) continue;
    for (auto& f : flags) f->store(true, std::memory_order_relaxed);
  }
}

// ---- Locks ----

KeyLocks::KeyLocks(Keyspace& ks, int db, std::span<const std::string_view> keys)
    : saved_(tl_key_locked) {
  if (tl_all_locked == &ks) return;
  for (auto k : keys) shards_.push_back(&ks.shard(db, k));
  lock_sorted(ks);
}

KeyLocks::KeyLocks(Keyspace& ks, int db_a, std::string_view a, int db_b, std::string_view b)
    : saved_(tl_key_locked) {
  if (tl_all_locked == &ks) return;
  shards_.push_back(&ks.shard(db_a, a));
  shards_.push_back(&ks.shard(db_b, b));
  lock_sorted(ks);
}

void KeyLocks::lock_sorted(Keyspace& ks) {
  std::sort(shards_.begin(), shards_.end());
  shards_.erase(std::unique(shards_.begin(), shards_.end()), shards_.end());
  for (Shard* s : shards_) s->mu.lock();
  tl_key_locked = &shards_;
}

KeyLocks::~KeyLocks() {
  for (auto it = shards_.rbegin(); it != shards_.rend(); ++it) (*it)->mu.unlock();
  tl_key_locked = saved_;
}

AllLocks::AllLocks(Keyspace& ks) : ks_(ks), saved_(tl_all_locked) {
  if (saved_ == &ks) return;
  for (auto& db : ks.dbs_) {
    for (auto& s : db) s.mu.lock();
  }
  tl_all_locked = &ks;
}

AllLocks::~AllLocks() {
  if (saved_ == &ks_) return;
  for (auto db = ks_.dbs_.rbegin(); db != ks_.dbs_.rend(); ++db) {
    for (auto s = db->rbegin(); s != db->rend(); ++s) s->mu.unlock();
  }
  tl_all_locked = saved_;
}

}  // namespace corio::redis

// Entry: one key and its string value, in one allocation.
//
// Layout: a 24-byte header (expiry, lengths, the entry's place in its shard's expiring
// list, last access time) followed by the key bytes and the value bytes. A 16-byte key
// with a 16-byte value is one 64-byte mimalloc block; with the hash table's slot that is
// about 75 bytes per key (Redis 7.0 spends ~104, Valkey 8 ~80).
//
// Entries are immutable in size: a value that changes length (APPEND, SETRANGE, INCR)
// gets a new Entry that replaces the old one in its shard (keyspace.h).
//
// Thread-safety: an Entry is guarded by its shard's lock.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace corio::redis {

class Entry {
 public:
  static constexpr uint32_t kNotExpiring = UINT32_MAX;

  // Allocates an entry; expire_at_ms 0 means no expiry.
  static Entry* create(std::string_view key, std::string_view value, int64_t expire_at_ms,
                       uint32_t access_secs);
  static void destroy(Entry* e);

  std::string_view key() const { return {data_, key_len_}; }
  std::string_view value() const { return {data_ + key_len_, value_len_}; }
  // Writable value bytes (same length), for in-place SETRANGE/INCR of equal size.
  char* mutable_value() { return data_ + key_len_; }
  // Replaces the value with one of the same length, as a fresh entry would hold it: the
  // encoding goes back to kAuto and the access time is `access_secs`. `value` may alias
  // the current value.
  void overwrite_value(std::string_view value, uint32_t access_secs) {
    std::memmove(mutable_value(), value.data(), value_len_);
    encoding_ = 0;
    access_secs_ = access_secs & kAccessMask;
  }

  int64_t expire_at() const { return expire_at_ms_; }
  void set_expire_at(int64_t ms) { expire_at_ms_ = ms; }
  uint32_t expire_index() const { return expire_index_; }
  void set_expire_index(uint32_t i) { expire_index_ = i; }
  // Seconds since the last access, from `now_secs` (the clock's Unix seconds); the stamp
  // keeps 30 bits, so this wraps after 34 years.
  uint32_t idle_secs(uint32_t now_secs) const { return (now_secs - access_secs_) & kAccessMask; }
  void touch_access(uint32_t secs) { access_secs_ = secs & kAccessMask; }

  // How Redis would have encoded the value (OBJECT ENCODING): kAuto by its content (int if
  // it reads as one, embstr up to 44 bytes, raw beyond), kString never int (INCRBYFLOAT's
  // results), kRaw always raw (modified in place: APPEND, SETRANGE).
  enum class Encoding : uint8_t { kAuto = 0, kString = 1, kRaw = 2 };
  Encoding encoding() const { return static_cast<Encoding>(encoding_); }
  void set_encoding(Encoding e) { encoding_ = static_cast<uint32_t>(e) & 3u; }

  // Bytes this entry occupies (for INFO memory and MEMORY USAGE).
  size_t allocation_size() const { return sizeof(Entry) + key_len_ + value_len_; }

 private:
  Entry() = default;
  int64_t expire_at_ms_ = 0;
  uint32_t key_len_ = 0;
  uint32_t value_len_ = 0;
  uint32_t expire_index_ = kNotExpiring;
  static constexpr uint32_t kAccessMask = (1u << 30) - 1;
  uint32_t access_secs_ : 30 = 0;
  uint32_t encoding_ : 2 = 0;
  char data_[];  // key, then value
};

}  // namespace corio::redis

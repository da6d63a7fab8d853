#include "redis/entry.h"

#include <cstdlib>
#include <new>

namespace corio::redis {

Entry* Entry::create(std::string_view key, std::string_view value, int64_t expire_at_ms,
                     uint32_t access_secs) {
  void* mem = std::malloc(sizeof(Entry) + key.size() + value.size());
  if (mem == nullptr) throw std::bad_alloc();
  Entry* e = new (mem) Entry();
  e->expire_at_ms_ = expire_at_ms;
  e->key_len_ = static_cast<uint32_t>(key.size());
  e->value_len_ = static_cast<uint32_t>(value.size());
  e->access_secs_ = access_secs & kAccessMask;
  std::memcpy(e->data_, key.data(), key.size());
  std::memcpy(e->data_ + key.size(), value.data(), value.size());
  return e;
}

void Entry::destroy(Entry* e) {
  e->~Entry();
  std::free(e);
}

}  // namespace corio::redis

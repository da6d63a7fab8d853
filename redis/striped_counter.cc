#include "redis/striped_counter.h"

#include <mutex>
#include <vector>

namespace corio::redis {
namespace {

// Stripe indices of live threads. Leaked: threads may exit after static destruction.
class StripeRegistry {
 public:
  size_t acquire() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!free_.empty()) {
      size_t i = free_.back();
      free_.pop_back();
      return i;
    }
    return next_ < StripedCounter::kOwnedStripes ? next_++ : StripedCounter::kOwnedStripes;
  }
  // The mutex also orders the leaving owner's last stores before the next owner's loads.
  void release(size_t i) {
    if (i >= StripedCounter::kOwnedStripes) return;
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(i);
  }

 private:
  std::mutex mu_;
  size_t next_ = 0;
  std::vector<size_t> free_;
};

StripeRegistry& registry() {
  static auto* r = new StripeRegistry();
  return *r;
}

struct ThreadStripe {
  ThreadStripe() : index(registry().acquire()) {}
  ~ThreadStripe() { registry().release(index); }
  size_t index;
};

}  // namespace

size_t StripedCounter::thread_stripe() {
  thread_local ThreadStripe stripe;
  return stripe.index;
}

}  // namespace corio::redis

#include "sync/cancellation_token.h"

#include <cassert>
#include <mutex>
#include <utility>
#include <vector>

namespace corio::sync {
namespace internal {

// The mutex shared by every node of one tree.
struct TokenTree {
  std::mutex mu;
};

struct TokenNode {
  explicit TokenNode(std::shared_ptr<TokenTree> t) : tree(std::move(t)) {}

  struct Link : WaitNode {
    explicit Link(TokenNode* n) : node(n) {}
    TokenNode* node;
  };
  static TokenNode* of(WaitNode* link) { return static_cast<Link*>(link)->node; }

  std::shared_ptr<TokenTree> tree;
  std::atomic<size_t> refs{1};  // CancellationToken copies (futures hold copies too)
  // Written under tree->mu. Ordering: release when set by cancel(), acquire in
  // is_cancelled(), so whatever happened before cancel() is visible to whoever sees it.
  std::atomic<bool> cancelled{false};
  TokenNode* parent = nullptr;  // guarded by tree->mu
  Link link{this};              // guarded by tree->mu: our entry in parent->children
  WaitList children;            // guarded by tree->mu: Link of each child
  WaitList waiters;             // guarded by tree->mu: Cancelled::node_ of pending futures
};

}  // namespace internal

using internal::TokenNode;

CancellationToken::CancellationToken()
    : node_(new TokenNode(std::make_shared<internal::TokenTree>())) {}

CancellationToken::CancellationToken(const CancellationToken& other) : node_(other.node_) {
  // Ordering: relaxed; copied from a live reference.
  if (node_ != nullptr) node_->refs.fetch_add(1, std::memory_order_relaxed);
}

CancellationToken::CancellationToken(CancellationToken&& other) noexcept
    : node_(std::exchange(other.node_, nullptr)) {}

CancellationToken& CancellationToken::operator=(const CancellationToken& other) {
  if (this != &other) *this = CancellationToken(other);
  return *this;
}

CancellationToken& CancellationToken::operator=(CancellationToken&& other) noexcept {
  if (this != &other) {
    reset();
    node_ = std::exchange(other.node_, nullptr);
  }
  return *this;
}

CancellationToken::~CancellationToken() { reset(); }

void CancellationToken::reset() {
  TokenNode* node = std::exchange(node_, nullptr);
  // Ordering: acq_rel; the last reference sees every other holder's writes.
  if (node == nullptr || node->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  {
    std::lock_guard<std::mutex> lock(node->tree->mu);
    assert(node->waiters.empty());  // each pending future holds a reference
    // Hand our children to our parent (or make them roots), so that the parent's cancel
    // still reaches them.
    while (WaitNode* link = node->children.pop_front()) {
      TokenNode* child = TokenNode::of(link);
      child->parent = node->parent;
      if (node->parent != nullptr) node->parent->children.push_back(&child->link);
    }
    if (node->parent != nullptr) node->parent->children.remove(&node->link);
  }
  delete node;
}

bool CancellationToken::is_cancelled() const {
  return node_->cancelled.load(std::memory_order_acquire);
}

void CancellationToken::cancel() const {
  if (is_cancelled()) return;
  std::vector<Waker> to_wake;
  {
    std::lock_guard<std::mutex> lock(node_->tree->mu);
    std::vector<TokenNode*> stack{node_};
    while (!stack.empty()) {
      TokenNode* n = stack.back();
      stack.pop_back();
      // A cancelled node's subtree was cancelled with it (children made later are born
      // cancelled), so there is nothing below it to do.
      if (n->cancelled.load(std::memory_order_relaxed)) continue;
      // Ordering: release pairs with is_cancelled()'s acquire.
      n->cancelled.store(true, std::memory_order_release);
      while (WaitNode* w = n->waiters.pop_front()) {
        auto* c = static_cast<Cancelled::Node*>(w)->cancelled;
        to_wake.push_back(std::move(c->waker_));
        // Ordering: release pairs with ~Cancelled's acquire; `c` may vanish after this.
        c->queued_.store(false, std::memory_order_release);
      }
      for (WaitNode* l = n->children.front(); l != nullptr; l = l->next_in_list()) {
        stack.push_back(TokenNode::of(l));
      }
    }
  }
  for (Waker& w : to_wake) w.wake();
}

CancellationToken CancellationToken::child_token() const {
  auto* child = new TokenNode(node_->tree);
  std::lock_guard<std::mutex> lock(node_->tree->mu);
  if (node_->cancelled.load(std::memory_order_relaxed)) {
    // Not published yet: relaxed is enough; the handle's hand-over orders it.
    child->cancelled.store(true, std::memory_order_relaxed);
  } else {
    child->parent = node_;
    node_->children.push_back(&child->link);
  }
  return CancellationToken(child);
}

Poll<void> CancellationToken::Cancelled::poll(Context& cx) {
  if (token_.is_cancelled()) return Ready();
  TokenNode* node = token_.node_;
  std::lock_guard<std::mutex> lock(node->tree->mu);
  if (node->cancelled.load(std::memory_order_relaxed)) return Ready();
  if (!waker_.will_wake(cx.waker())) waker_ = cx.waker();
  if (!node_.is_linked()) {
    node->waiters.push_back(&node_);
    queued_.store(true, std::memory_order_relaxed);
  }
  return kPending;
}

CancellationToken::Cancelled::~Cancelled() {
  // Ordering: acquire pairs with cancel()'s release store.
  if (!queued_.load(std::memory_order_acquire)) return;
  std::lock_guard<std::mutex> lock(token_.node_->tree->mu);
  WaitList::unlink(&node_);
  waker_ = Waker();
}

}  // namespace corio::sync

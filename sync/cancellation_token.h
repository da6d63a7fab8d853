// CancellationToken: a cancellation signal that tasks can check and wait on, organized as a
// tree (as in tokio_util::sync::CancellationToken).
//
//   CancellationToken shutdown;
//   auto conn_token = shutdown.child_token();       // one per connection
//   co_await select(serve(conn), conn_token.cancelled());
//   ...
//   shutdown.cancel();                              // cancels every child too
//
// Contract
// - cancel() cancels this token and, recursively, every child token made from it (and
//   their children); it wakes every pending cancelled() future of those tokens. It is
//   idempotent; a token is never un-cancelled.
// - is_cancelled() reports it; cancelled() is a future that completes once it is.
// - child_token() makes a token cancelled with this one (and by its own cancel(), which
//   does not reach the parent). A child made from a cancelled token starts cancelled.
// - Copies of a token are the same token (shared state). When the last copy of a child is
//   destroyed it leaves the tree: its own children are re-attached to its parent, so they
//   are still cancelled with it. Nothing leaks however many children come and go.
//
// Cancellation: cancelled() is cancel-safe (destroying it unlinks it). The future holds a
// copy of the token, so it may outlive the token it came from.
//
// Thread-safety: every method from any thread. All tokens of one tree share one mutex
// (held for O(1) to make or drop a child, and for the walk of the subtree in cancel());
// is_cancelled() is one atomic load.
#pragma once

#include <atomic>
#include <memory>

#include "runtime/poll.h"
#include "runtime/waker.h"
#include "sync/wait_list.h"

namespace corio::sync {

namespace internal {
struct TokenNode;
}  // namespace internal

class CancellationToken {
 public:
  // A new, uncancelled root token.
  CancellationToken();
  CancellationToken(const CancellationToken& other);
  CancellationToken(CancellationToken&& other) noexcept;
  CancellationToken& operator=(const CancellationToken& other);
  CancellationToken& operator=(CancellationToken&& other) noexcept;
  ~CancellationToken();

  void cancel() const;
  bool is_cancelled() const;
  CancellationToken child_token() const;

  // Future of cancelled(): completes once the token is cancelled (defined below).
  class Cancelled;

  Cancelled cancelled() const;

  // True if both are copies of the same token.
  bool operator==(const CancellationToken& other) const { return node_ == other.node_; }

 private:
  explicit CancellationToken(internal::TokenNode* node) : node_(node) {}
  void reset();
  internal::TokenNode* node_;
};

class CancellationToken::Cancelled {
 public:
  explicit Cancelled(CancellationToken token) : token_(std::move(token)) {}
  // Movable only before its first poll.
  Cancelled(Cancelled&& other) noexcept : token_(other.token_) {}
  Cancelled(const Cancelled&) = delete;
  Cancelled& operator=(const Cancelled&) = delete;
  ~Cancelled();

  Poll<void> poll(Context& cx);

 private:
  friend class CancellationToken;
  struct Node : WaitNode {
    explicit Node(Cancelled* c) : cancelled(c) {}
    Cancelled* cancelled;
  };
  CancellationToken token_;
  Node node_{this};
  Waker waker_;  // guarded by the tree's mutex while queued
  // Set under the tree's mutex when linked; cleared by cancel() after it took the waker.
  // Ordering: release by cancel(), acquire by the destructor.
  std::atomic<bool> queued_{false};
};

inline CancellationToken::Cancelled CancellationToken::cancelled() const {
  return Cancelled(*this);
}

}  // namespace corio::sync

// WaitList: the intrusive FIFO of waiters every sync primitive is built on.
//
// A waiter is a node embedded in the awaiting future (so waiting allocates nothing); it
// links itself in when it must wait and unlinks itself in O(1) from its destructor when
// the waiting coroutine is cancelled. The owner of the list (a channel, a semaphore)
// guards it with its own lock; the list itself is not thread-safe.
#pragma once

#include <cassert>
#include <cstddef>

namespace corio::sync {

class WaitList;

class WaitNode {
 public:
  WaitNode() = default;
  WaitNode(const WaitNode&) = delete;
  WaitNode& operator=(const WaitNode&) = delete;

  bool is_linked() const { return list_ != nullptr; }
  // The node after this one in its list (null at the tail). Under the list owner's lock.
  WaitNode* next_in_list() const { return next_; }

 private:
  friend class WaitList;
  WaitNode* prev_ = nullptr;
  WaitNode* next_ = nullptr;
  WaitList* list_ = nullptr;
};

class WaitList {
 public:
  WaitList() = default;
  WaitList(const WaitList&) = delete;
  WaitList& operator=(const WaitList&) = delete;
  ~WaitList() { assert(empty()); }

  bool empty() const { return head_ == nullptr; }
  size_t size() const { return size_; }
  WaitNode* front() const { return head_; }

  void push_back(WaitNode* node) {
    assert(!node->is_linked());
    node->list_ = this;
    node->prev_ = tail_;
    node->next_ = nullptr;
    if (tail_ != nullptr) {
      tail_->next_ = node;
    } else {
      head_ = node;
    }
    tail_ = node;
    ++size_;
  }

  // O(1); a node that is not in this list is left alone (returns false).
  bool remove(WaitNode* node) {
    if (node->list_ != this) return false;
    (node->prev_ != nullptr ? node->prev_->next_ : head_) = node->next_;
    (node->next_ != nullptr ? node->next_->prev_ : tail_) = node->prev_;
    node->prev_ = node->next_ = nullptr;
    node->list_ = nullptr;
    --size_;
    return true;
  }

  WaitNode* pop_front() {
    WaitNode* node = head_;
    if (node != nullptr) remove(node);
    return node;
  }

  // Removes `node` from whichever list holds it (false if none). For waiters that may
  // have been moved to another list (see move_all_to) by the time they are cancelled.
  static bool unlink(WaitNode* node) {
    return node->list_ != nullptr && node->list_->remove(node);
  }

  // Moves every node, in order, to the back of `other`. O(n): each node learns its list.
  void move_all_to(WaitList& other) {
    while (WaitNode* node = pop_front()) other.push_back(node);
  }

 private:
  WaitNode* head_ = nullptr;
  WaitNode* tail_ = nullptr;
  size_t size_ = 0;
};

}  // namespace corio::sync

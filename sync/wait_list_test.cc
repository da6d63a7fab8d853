#include "sync/wait_list.h"

#include <gtest/gtest.h>

#include <vector>

namespace corio::sync {
namespace {

TEST(WaitListTest, FifoOrder) {
  WaitList list;
  std::vector<WaitNode> nodes(5);
  for (auto& n : nodes) list.push_back(&n);
  EXPECT_EQ(list.size(), 5u);
  for (auto& n : nodes) EXPECT_EQ(list.pop_front(), &n);
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.pop_front(), nullptr);
}

TEST(WaitListTest, RemoveFromAnyPositionKeepsTheRestInOrder) {
  WaitList list;
  std::vector<WaitNode> nodes(5);
  for (auto& n : nodes) list.push_back(&n);
  EXPECT_TRUE(list.remove(&nodes[0]));  // head
  EXPECT_TRUE(list.remove(&nodes[2]));  // middle
  EXPECT_TRUE(list.remove(&nodes[4]));  // tail
  EXPECT_FALSE(nodes[2].is_linked());
  EXPECT_EQ(list.pop_front(), &nodes[1]);
  EXPECT_EQ(list.pop_front(), &nodes[3]);
  EXPECT_TRUE(list.empty());
}

TEST(WaitListTest, RemovingANodeOfAnotherListIsANoOp) {
  WaitList a, b;
  WaitNode n;
  a.push_back(&n);
  EXPECT_FALSE(b.remove(&n));
  EXPECT_TRUE(n.is_linked());
  EXPECT_TRUE(a.remove(&n));
  EXPECT_FALSE(a.remove(&n));  // twice: harmless
}

TEST(WaitListTest, MoveAllToKeepsOrderAndUnlinkFindsTheNewList) {
  WaitList a, b;
  std::vector<WaitNode> nodes(4);
  b.push_back(&nodes[0]);
  for (size_t i = 1; i < nodes.size(); ++i) a.push_back(&nodes[i]);
  a.move_all_to(b);
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(b.size(), 4u);
  EXPECT_TRUE(WaitList::unlink(&nodes[2]));
  EXPECT_FALSE(WaitList::unlink(&nodes[2]));
  EXPECT_EQ(b.pop_front(), &nodes[0]);
  EXPECT_EQ(b.pop_front(), &nodes[1]);
  EXPECT_EQ(b.pop_front(), &nodes[3]);
}

}  // namespace
}  // namespace corio::sync

// ListValue on its own: pushes and pops across node boundaries, positional
// access, insert/set splitting nodes, trim, remove, cursors, clone, and a
// comparison against std::deque under random operations.
#include "server/keyspace/list_value.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <string>

namespace arbor::keyspace {
namespace {

using End = ListValue::End;

std::deque<std::string> contents(const ListValue& list) {
  std::deque<std::string> out;
  for (auto c = list.forward(0); !c.done();) out.emplace_back(c.next());
  return out;
}

TEST(ListValue, EncodingIsQuicklist) {
  ListValue list;
  EXPECT_EQ(list.encoding(), "quicklist");
  EXPECT_EQ(list.type(), ValueType::kList);
}

TEST(ListValue, NodeBoundaries) {
  for (size_t n : {1u, 127u, 128u, 129u, 10000u}) {
    ListValue list;
    for (size_t i = 0; i < n; ++i) list.push(End::kTail, std::to_string(i));
    ASSERT_EQ(list.size(), n);
    EXPECT_EQ(list.node_count(), (n + 127) / 128) << n;
    for (size_t i = 0; i < n; i += (n > 200 ? 37 : 1)) EXPECT_EQ(list.at(i), std::to_string(i));
    EXPECT_EQ(list.at(n - 1), std::to_string(n - 1));
    auto r = list.reverse(n - 1);
    for (size_t i = n; i > 0; --i) ASSERT_EQ(r.next(), std::to_string(i - 1));
    EXPECT_TRUE(r.done());
    for (size_t i = 0; i < n; ++i)
      ASSERT_EQ(list.pop(i % 2 ? End::kTail : End::kHead), std::to_string(i % 2 ? n - 1 - i / 2 : i / 2));
    EXPECT_TRUE(list.empty());
    EXPECT_EQ(list.node_count(), 0u);
  }
}

TEST(ListValue, BigElementsGetTheirOwnNode) {
  ListValue list;
  const std::string big(20000, 'x');
  list.push(End::kTail, "a");
  list.push(End::kTail, big);
  list.push(End::kTail, "b");
  list.push(End::kHead, big + "y");
  EXPECT_EQ(list.size(), 4u);
  EXPECT_EQ(list.at(0), big + "y");
  EXPECT_EQ(list.at(2), big);
  EXPECT_EQ(list.at(3), "b");
  list.set(1, big);  // "a" grows past the node limit: the node splits
  list.insert(2, big);
  EXPECT_EQ(contents(list), (std::deque<std::string>{big + "y", big, big, big, "b"}));
  EXPECT_EQ(list.pop(End::kHead), big + "y");
}

TEST(ListValue, LongLengthsRoundTrip) {
  ListValue list;
  for (size_t len : {0u, 1u, 127u, 128u, 16383u, 16384u, 70000u})
    list.push(End::kHead, std::string(len, 'q'));
  for (size_t len : {0u, 1u, 127u, 128u, 16383u, 16384u, 70000u}) EXPECT_EQ(list.pop(End::kTail).size(), len);
}

TEST(ListValue, TrimAcrossNodes) {
  ListValue list;
  for (int i = 0; i < 1000; ++i) list.push(End::kTail, std::to_string(i));
  list.trim(300, 250);
  ASSERT_EQ(list.size(), 450u);
  EXPECT_EQ(list.at(0), "300");
  EXPECT_EQ(list.at(449), "749");
  list.trim(450, 0);
  EXPECT_TRUE(list.empty());
}

TEST(ListValue, RandomOperationsMatchDeque) {
  std::mt19937 rng(42);
  ListValue list;
  std::deque<std::string> model;
  for (int step = 0; step < 20000; ++step) {
    const int op = static_cast<int>(rng() % 9);
    std::string value = std::to_string(rng() % 50);
    if (rng() % 200 == 0) value.append(9000, 'z');
    if (op <= 1) {
      list.push(End::kTail, value);
      model.push_back(value);
    } else if (op == 2) {
      list.push(End::kHead, value);
      model.push_front(value);
    } else if (op == 3 && !model.empty()) {
      ASSERT_EQ(list.pop(End::kHead), model.front());
      model.pop_front();
    } else if (op == 4 && !model.empty()) {
      ASSERT_EQ(list.pop(End::kTail), model.back());
      model.pop_back();
    } else if (op == 5) {
      size_t i = model.empty() ? 0 : rng() % (model.size() + 1);
      list.insert(i, value);
      model.insert(model.begin() + static_cast<long>(i), value);
    } else if (op == 6 && !model.empty()) {
      size_t i = rng() % model.size();
      list.set(i, value);
      model[i] = value;
    } else if (op == 7 && !model.empty() && rng() % 10 == 0) {
      int64_t count = static_cast<int64_t>(rng() % 5) - 2;
      size_t budget = count == 0 ? model.size() : static_cast<size_t>(count < 0 ? -count : count);
      size_t removed = 0;
      if (count >= 0) {
        for (auto it = model.begin(); it != model.end() && removed < budget;) {
          if (*it == value) {
            it = model.erase(it);
            ++removed;
          } else {
            ++it;
          }
        }
      } else {
        for (size_t i = model.size(); i > 0 && removed < budget; --i) {
          if (model[i - 1] == value) {
            model.erase(model.begin() + static_cast<long>(i - 1));
            ++removed;
          }
        }
      }
      ASSERT_EQ(list.remove(value, count), removed);
    } else if (op == 8 && !model.empty()) {
      size_t i = rng() % model.size();
      ASSERT_EQ(list.at(i), model[i]);
    }
    ASSERT_EQ(list.size(), model.size());
    if (step % 500 == 0) {
      ASSERT_EQ(contents(list), model);
    }
  }
  ASSERT_EQ(contents(list), model);
}

TEST(ListValue, CloneIsDeep) {
  ListValue list;
  for (int i = 0; i < 300; ++i) list.push(End::kTail, std::to_string(i));
  auto copy = list.clone();
  list.pop(End::kHead);
  auto& other = static_cast<ListValue&>(*copy);
  EXPECT_EQ(other.size(), 300u);
  EXPECT_EQ(other.at(0), "0");
  EXPECT_EQ(copy->element_count(), 300u);
}

TEST(ListValue, MemoryPerSmallElement) {
  ListValue list;
  for (int i = 0; i < 100000; ++i) list.push(End::kTail, "abc");
  const double per = static_cast<double>(list.memory_usage()) / 100000.0;
  std::printf("100k x 3-byte elements: %zu bytes, %.2f bytes/element\n", list.memory_usage(), per);
  EXPECT_LT(per, 8.0);
  ListValue small;
  for (int i = 0; i < 10; ++i) small.push(End::kTail, "abc");
  std::printf("10 x 3-byte elements: %zu bytes\n", small.memory_usage());
}

}  // namespace
}  // namespace arbor::keyspace

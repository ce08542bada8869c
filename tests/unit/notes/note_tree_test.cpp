// NoteTree used directly: positions, moves, removal, clone, the treap-based
// subtree check against a naive parent walk under random edits, and trees a
// million notes deep or wide (no recursion anywhere may blow the stack).
#include "server/keyspace/note_tree.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace arbor::keyspace {
namespace {

using Status = NoteTree::Status;
using Place = NoteTree::Place;

std::vector<std::string> children_of(const NoteTree& tree, std::string_view id) {
  std::vector<std::string> out;
  const Note* note = tree.find(id);
  if (note == nullptr) return out;
  for (const Note* c = note->first_child(); c != nullptr; c = c->next_sibling()) out.emplace_back(c->id());
  return out;
}

using Ids = std::vector<std::string>;

// Prints how long a million-note step took, for the report.
class Stopwatch {
 public:
  explicit Stopwatch(const char* what) : what_(what), start_(std::chrono::steady_clock::now()) {}
  ~Stopwatch() {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_)
            .count();
    std::printf("[ timing   ] %s: %lld ms\n", what_, static_cast<long long>(ms));
  }

 private:
  const char* what_;
  std::chrono::steady_clock::time_point start_;
};

TEST(NoteTree, StartsWithOnlyTheRoot) {
  NoteTree tree;
  EXPECT_EQ(tree.type(), ValueType::kNoteTree);
  EXPECT_EQ(tree.encoding(), "notetree");
  EXPECT_EQ(type_name(tree.type()), "notetree");
  EXPECT_EQ(tree.element_count(), 1u);
  EXPECT_EQ(tree.note_count(), 0u);
  EXPECT_EQ(tree.root().id(), "root");
  EXPECT_EQ(tree.root().text(), "");
  EXPECT_EQ(tree.find("root"), &tree.root());
  EXPECT_TRUE(tree.check_invariants());
}

TEST(NoteTree, AddHonoursEveryPosition) {
  NoteTree tree;
  EXPECT_EQ(tree.add("root", "b", "B"), Status::kOk);
  EXPECT_EQ(tree.add("root", "d", "D", {Place::kLast}), Status::kOk);
  EXPECT_EQ(tree.add("root", "a", "A", {Place::kFirst}), Status::kOk);
  EXPECT_EQ(tree.add("root", "c", "C", {Place::kBefore, "d"}), Status::kOk);
  EXPECT_EQ(tree.add("root", "e", "E", {Place::kAfter, "d"}), Status::kOk);
  EXPECT_EQ(tree.add("root", "a0", "", {Place::kBefore, "a"}), Status::kOk);
  EXPECT_EQ(tree.add("a", "a1", "x", {Place::kFirst}), Status::kOk);
  EXPECT_EQ(children_of(tree, "root"), (Ids{"a0", "a", "b", "c", "d", "e"}));
  EXPECT_EQ(children_of(tree, "a"), (Ids{"a1"}));
  EXPECT_EQ(tree.note_count(), 7u);
  EXPECT_EQ(tree.find("c")->text(), "C");
  EXPECT_EQ(tree.find("a1")->parent(), tree.find("a"));
  EXPECT_TRUE(tree.check_invariants());
}

TEST(NoteTree, AddReportsEachError) {
  NoteTree tree;
  ASSERT_EQ(tree.add("root", "a", ""), Status::kOk);
  ASSERT_EQ(tree.add("a", "a1", ""), Status::kOk);
  EXPECT_EQ(tree.add("nope", "x", ""), Status::kNoSuchParent);
  EXPECT_EQ(tree.add("root", "a", ""), Status::kIdExists);
  EXPECT_EQ(tree.add("root", "root", ""), Status::kIdExists);
  EXPECT_EQ(tree.add("root", "x", "", {Place::kBefore, "a1"}), Status::kBadSibling);
  EXPECT_EQ(tree.add("root", "x", "", {Place::kAfter, "missing"}), Status::kBadSibling);
  EXPECT_EQ(tree.add("a", "x", "", {Place::kAfter, "a"}), Status::kBadSibling);
  EXPECT_EQ(tree.note_count(), 2u);
  EXPECT_EQ(tree.find("x"), nullptr);
  EXPECT_TRUE(tree.check_invariants());
}

TEST(NoteTree, MoveReordersAndReparents) {
  NoteTree tree;
  for (const char* id : {"a", "b", "c"}) ASSERT_EQ(tree.add("root", id, ""), Status::kOk);
  ASSERT_EQ(tree.add("a", "a1", ""), Status::kOk);
  ASSERT_EQ(tree.add("a1", "a2", ""), Status::kOk);
  EXPECT_EQ(tree.move("c", "root", {Place::kFirst}), Status::kOk);
  EXPECT_EQ(children_of(tree, "root"), (Ids{"c", "a", "b"}));
  EXPECT_EQ(tree.move("c", "root"), Status::kOk);
  EXPECT_EQ(children_of(tree, "root"), (Ids{"a", "b", "c"}));
  EXPECT_EQ(tree.move("a", "b", {Place::kLast}), Status::kOk);  // with its subtree
  EXPECT_EQ(children_of(tree, "root"), (Ids{"b", "c"}));
  EXPECT_EQ(children_of(tree, "b"), (Ids{"a"}));
  EXPECT_EQ(children_of(tree, "a1"), (Ids{"a2"}));
  EXPECT_EQ(tree.move("a2", "root", {Place::kBefore, "b"}), Status::kOk);
  EXPECT_EQ(tree.move("a1", "root", {Place::kAfter, "b"}), Status::kOk);
  EXPECT_EQ(children_of(tree, "root"), (Ids{"a2", "b", "a1", "c"}));
  EXPECT_EQ(tree.move("b", "root", {Place::kAfter, "c"}), Status::kOk);
  EXPECT_EQ(children_of(tree, "root"), (Ids{"a2", "a1", "c", "b"}));
  // A note may move out of a sibling's subtree to sit next to that sibling.
  EXPECT_EQ(tree.move("a", "root", {Place::kBefore, "b"}), Status::kOk);
  EXPECT_EQ(children_of(tree, "root"), (Ids{"a2", "a1", "c", "a", "b"}));
  EXPECT_TRUE(tree.check_invariants());
}

TEST(NoteTree, MoveReportsEachError) {
  NoteTree tree;
  ASSERT_EQ(tree.add("root", "a", ""), Status::kOk);
  ASSERT_EQ(tree.add("a", "b", ""), Status::kOk);
  ASSERT_EQ(tree.add("root", "c", ""), Status::kOk);
  EXPECT_EQ(tree.move("x", "root"), Status::kNoSuchNote);
  EXPECT_EQ(tree.move("a", "x"), Status::kNoSuchNote);
  EXPECT_EQ(tree.move("root", "a"), Status::kRootImmovable);
  EXPECT_EQ(tree.move("a", "a"), Status::kUnderItself);
  EXPECT_EQ(tree.move("a", "b"), Status::kUnderItself);
  EXPECT_EQ(tree.move("c", "root", {Place::kBefore, "b"}), Status::kBadSibling);
  EXPECT_EQ(tree.move("c", "root", {Place::kBefore, "c"}), Status::kBadSibling);
  EXPECT_EQ(tree.move("c", "root", {Place::kAfter, "c"}), Status::kBadSibling);
  EXPECT_EQ(children_of(tree, "root"), (Ids{"a", "c"}));
  EXPECT_TRUE(tree.check_invariants());
}

TEST(NoteTree, MoveRefusesOwnSubtreeAtDepth) {
  NoteTree tree;
  std::string parent = "root";
  for (int i = 0; i < 2000; ++i) {
    const std::string id = "n" + std::to_string(i);
    ASSERT_EQ(tree.add(parent, id, ""), Status::kOk);
    parent = id;
  }
  EXPECT_EQ(tree.move("n0", "n1999"), Status::kUnderItself);
  EXPECT_EQ(tree.move("n1000", "n1500"), Status::kUnderItself);
  EXPECT_EQ(tree.move("n1500", "root", {Place::kFirst}), Status::kOk);
  EXPECT_EQ(tree.move("n1000", "n1499"), Status::kUnderItself);  // still in its chain
  EXPECT_EQ(tree.move("n1000", "n1999"), Status::kOk);           // left with n1500
  EXPECT_TRUE(tree.check_invariants());
}

TEST(NoteTree, RemoveCountsTheWholeSubtree) {
  NoteTree tree;
  ASSERT_EQ(tree.add("root", "a", ""), Status::kOk);
  ASSERT_EQ(tree.add("a", "a1", ""), Status::kOk);
  ASSERT_EQ(tree.add("a", "a2", ""), Status::kOk);
  ASSERT_EQ(tree.add("a2", "a21", ""), Status::kOk);
  ASSERT_EQ(tree.add("root", "b", ""), Status::kOk);
  size_t removed = 99;
  EXPECT_EQ(tree.remove("zzz", removed), Status::kOk);
  EXPECT_EQ(removed, 0u);
  EXPECT_EQ(tree.remove("root", removed), Status::kRootUndeletable);
  EXPECT_EQ(tree.remove("a", removed), Status::kOk);
  EXPECT_EQ(removed, 4u);
  EXPECT_EQ(tree.find("a21"), nullptr);
  EXPECT_EQ(tree.note_count(), 1u);
  EXPECT_EQ(children_of(tree, "root"), (Ids{"b"}));
  EXPECT_EQ(tree.add("b", "a", "again"), Status::kOk);  // the id is free again
  EXPECT_TRUE(tree.check_invariants());
}

TEST(NoteTree, IdsAndTextsAreBinarySafe) {
  NoteTree tree;
  const std::string id("a\0b\r\n", 5), text("x\0\r\ny", 5), other("a\0c", 3);
  ASSERT_EQ(tree.add("root", id, text), Status::kOk);
  ASSERT_EQ(tree.add(id, other, ""), Status::kOk);
  EXPECT_EQ(tree.find(id)->text(), text);
  EXPECT_EQ(tree.find(std::string("a", 1)), nullptr);
  EXPECT_TRUE(tree.set_text(other, text));
  EXPECT_EQ(tree.find(other)->text(), text);
  EXPECT_FALSE(tree.set_text("nope", "x"));
  EXPECT_TRUE(tree.check_invariants());
}

TEST(NoteTree, CloneIsDeepAndIndependent) {
  NoteTree tree;
  ASSERT_TRUE(tree.set_text("root", "top"));
  ASSERT_EQ(tree.add("root", "a", "A"), Status::kOk);
  ASSERT_EQ(tree.add("a", "a1", "A1"), Status::kOk);
  ASSERT_EQ(tree.add("root", "b", "B"), Status::kOk);
  auto copy_object = tree.clone();
  auto& copy = static_cast<NoteTree&>(*copy_object);
  EXPECT_TRUE(copy.check_invariants());
  EXPECT_EQ(copy.note_count(), 3u);
  EXPECT_EQ(copy.root().text(), "top");
  EXPECT_EQ(children_of(copy, "root"), (Ids{"a", "b"}));
  EXPECT_EQ(copy.find("a1")->text(), "A1");
  EXPECT_EQ(copy.memory_usage(), tree.memory_usage());
  ASSERT_TRUE(copy.set_text("a1", "changed"));
  EXPECT_EQ(copy.move("b", "a1"), Status::kOk);
  EXPECT_EQ(tree.find("a1")->text(), "A1");
  EXPECT_EQ(children_of(tree, "root"), (Ids{"a", "b"}));
  EXPECT_TRUE(copy.check_invariants());
  EXPECT_TRUE(tree.check_invariants());
}

TEST(NoteTree, MemoryUsageFollowsContent) {
  NoteTree tree;
  const size_t empty = tree.memory_usage();
  ASSERT_EQ(tree.add("root", "a", std::string(1000, 'x')), Status::kOk);
  EXPECT_GE(tree.memory_usage(), empty + 1000);
  ASSERT_TRUE(tree.set_text("a", ""));
  EXPECT_LT(tree.memory_usage(), empty + 1000);
}

TEST(NoteTree, IndexGrowsAndShrinks) {
  NoteTree tree;
  for (int i = 0; i < 20000; ++i) ASSERT_EQ(tree.add("root", std::to_string(i), ""), Status::kOk);
  for (int i = 0; i < 20000; ++i) ASSERT_NE(tree.find(std::to_string(i)), nullptr) << i;
  size_t removed = 0;
  for (int i = 0; i < 19990; ++i) ASSERT_EQ(tree.remove(std::to_string(i), removed), Status::kOk);
  for (int i = 19990; i < 20000; ++i) ASSERT_NE(tree.find(std::to_string(i)), nullptr) << i;
  EXPECT_EQ(tree.note_count(), 10u);
  EXPECT_TRUE(tree.check_invariants());
}

// A plain model: parent and ordered children per id, with a naive
// parent-walk subtree test, checked against NoteTree under random edits.
struct Model {
  std::map<std::string, std::string> parent;
  std::map<std::string, std::vector<std::string>> children{{"root", {}}};

  bool inside(const std::string& node, const std::string& ancestor) const {
    for (std::string at = node;; at = parent.at(at)) {
      if (at == ancestor) return true;
      if (at == "root") return false;
    }
  }
  void place(const std::string& id, const std::string& p, Place where, const std::string& s) {
    auto& list = children[p];
    auto it = list.end();
    if (where == Place::kFirst) it = list.begin();
    if (where == Place::kBefore) it = std::find(list.begin(), list.end(), s);
    if (where == Place::kAfter) it = std::find(list.begin(), list.end(), s) + 1;
    list.insert(it, id);
    parent[id] = p;
  }
};

TEST(NoteTree, RandomEditsMatchNaiveModel) {
  std::mt19937_64 rng(12345);
  NoteTree tree;
  Model model;
  std::vector<std::string> ids{"root"};
  auto pick = [&]() -> const std::string& { return ids[rng() % ids.size()]; };
  int next_id = 0;
  for (int step = 0; step < 20000; ++step) {
    const int op = static_cast<int>(rng() % 10);
    const std::string target = pick();
    const auto& siblings = model.children[target];
    Place where = static_cast<Place>(rng() % 4);
    std::string sibling;
    if (where == Place::kBefore || where == Place::kAfter) {
      if (siblings.empty())
        where = Place::kLast;
      else
        sibling = siblings[rng() % siblings.size()];
    }
    if (op < 4 || ids.size() < 3) {
      const std::string id = "n" + std::to_string(next_id++);
      ASSERT_EQ(tree.add(target, id, id, {where, sibling}), Status::kOk);
      model.place(id, target, where, sibling);
      model.children[id];
      ids.push_back(id);
    } else if (op < 9) {
      const std::string id = pick();
      const bool refused = id != "root" && model.inside(target, id);
      const Status status = tree.move(id, target, {where, sibling});
      if (id == "root") {
        ASSERT_EQ(status, Status::kRootImmovable);
      } else if (refused) {
        ASSERT_EQ(status, Status::kUnderItself);
      } else if (sibling == id) {
        ASSERT_EQ(status, Status::kBadSibling);
      } else {
        ASSERT_EQ(status, Status::kOk);
        auto& old_list = model.children[model.parent[id]];
        old_list.erase(std::find(old_list.begin(), old_list.end(), id));
        model.place(id, target, where, sibling);
      }
    } else if (rng() % 4 == 0) {
      const std::string id = pick();
      if (id == "root") continue;
      size_t removed = 0;
      ASSERT_EQ(tree.remove(id, removed), Status::kOk);
      size_t expected = 0;
      for (auto it = ids.begin(); it != ids.end();) {
        if (*it != "root" && model.inside(*it, id)) {
          model.children.erase(*it);
          ++expected;
          it = ids.erase(it);
        } else {
          ++it;
        }
      }
      auto& old_list = model.children[model.parent[id]];
      old_list.erase(std::find(old_list.begin(), old_list.end(), id));
      ASSERT_EQ(removed, expected);
    }
    // The treap's verdict must match the parent walk on random pairs.
    for (int probe = 0; probe < 4; ++probe) {
      const std::string a = pick();
      const std::string b = pick();
      ASSERT_EQ(tree.contains(*tree.find(a), *tree.find(b)), model.inside(b, a)) << a << " " << b;
    }
    if (step % 1000 == 0) {
      ASSERT_TRUE(tree.check_invariants());
      for (const auto& id : ids) ASSERT_EQ(children_of(tree, id), model.children[id]) << id;
    }
  }
  ASSERT_EQ(tree.note_count() + 1, ids.size());
  ASSERT_TRUE(tree.check_invariants());
  for (const auto& id : ids) ASSERT_EQ(children_of(tree, id), model.children[id]) << id;
}

constexpr int kMillion = 1000000;

TEST(NoteTree, MillionDeepChain) {
  auto tree = std::make_unique<NoteTree>();
  {
    Stopwatch watch("deep: 1M adds");
    std::string parent = "root";
    for (int i = 0; i < kMillion; ++i) {
      std::string id = std::to_string(i);
      ASSERT_EQ(tree->add(parent, id, "t"), Status::kOk);
      parent = std::move(id);
    }
  }
  const std::string last = std::to_string(kMillion - 1);
  {
    Stopwatch watch("deep: add/move/find/contains");
    EXPECT_EQ(tree->add(last, "leaf", "x"), Status::kOk);
    EXPECT_EQ(tree->move("0", last), Status::kUnderItself);
    EXPECT_EQ(tree->move("10", "leaf"), Status::kUnderItself);
    EXPECT_TRUE(tree->contains(*tree->find("1"), *tree->find("leaf")));
    EXPECT_FALSE(tree->contains(*tree->find("leaf"), *tree->find("1")));
    EXPECT_EQ(tree->move("leaf", "root", {Place::kFirst}), Status::kOk);
    EXPECT_EQ(tree->move("500000", "leaf"), Status::kOk);  // half the chain in one move
    EXPECT_EQ(tree->move("0", last), Status::kOk);         // now legal
    EXPECT_EQ(tree->find("999998")->text(), "t");
    EXPECT_EQ(tree->note_count(), static_cast<size_t>(kMillion) + 1);
  }
  {
    Stopwatch watch("deep: check_invariants");
    EXPECT_TRUE(tree->check_invariants());
  }
  {
    std::unique_ptr<Object> copy;
    {
      Stopwatch watch("deep: clone");
      copy = tree->clone();
    }
    EXPECT_EQ(copy->element_count(), tree->element_count());
    EXPECT_TRUE(static_cast<NoteTree&>(*copy).check_invariants());
    Stopwatch watch("deep: free the clone");
    copy.reset();
  }
  {
    // 0..499999 now hang under 999999, inside 500000's subtree.
    Stopwatch watch("deep: remove a million-note subtree");
    size_t removed = 0;
    EXPECT_EQ(tree->remove("500000", removed), Status::kOk);
    EXPECT_EQ(removed, static_cast<size_t>(kMillion));
    EXPECT_EQ(tree->note_count(), 1u);
    EXPECT_TRUE(tree->check_invariants());
  }
  Stopwatch watch("deep: destructor");
  tree.reset();
}

TEST(NoteTree, MillionChildren) {
  auto tree = std::make_unique<NoteTree>();
  {
    Stopwatch watch("wide: 1M adds");
    for (int i = 0; i < kMillion; ++i) ASSERT_EQ(tree->add("root", std::to_string(i), ""), Status::kOk);
  }
  {
    Stopwatch watch("wide: moves and adds");
    EXPECT_EQ(tree->move("0", "root"), Status::kOk);
    EXPECT_EQ(tree->move("999999", "root", {Place::kFirst}), Status::kOk);
    EXPECT_EQ(tree->move("5", "root", {Place::kAfter, "500000"}), Status::kOk);
    EXPECT_EQ(tree->move("6", "7"), Status::kOk);
    EXPECT_EQ(tree->add("root", "new", "", {Place::kBefore, "500000"}), Status::kOk);
    EXPECT_EQ(tree->root().first_child()->id(), "999999");
    EXPECT_EQ(tree->root().last_child()->id(), "0");
    EXPECT_EQ(tree->find("500000")->prev_sibling()->id(), "new");
    EXPECT_EQ(tree->find("500000")->next_sibling()->id(), "5");
    EXPECT_EQ(tree->root().child_count(), static_cast<size_t>(kMillion));
  }
  {
    Stopwatch watch("wide: check_invariants");
    EXPECT_TRUE(tree->check_invariants());
  }
  {
    std::unique_ptr<Object> copy;
    {
      Stopwatch watch("wide: clone");
      copy = tree->clone();
    }
    EXPECT_EQ(copy->element_count(), tree->element_count());
    EXPECT_TRUE(static_cast<NoteTree&>(*copy).check_invariants());
    Stopwatch watch("wide: free the clone");
    copy.reset();
  }
  {
    Stopwatch watch("wide: remove 1000 children");
    size_t removed = 0;
    for (int i = 1000; i < 2000; ++i) ASSERT_EQ(tree->remove(std::to_string(i), removed), Status::kOk);
  }
  Stopwatch watch("wide: destructor");
  tree.reset();
}

}  // namespace
}  // namespace arbor::keyspace

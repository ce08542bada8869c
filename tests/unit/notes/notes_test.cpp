// NOTE.* commands through the in-process harness: replies in RESP2 and RESP3,
// every error text, key creation and deletion, binary safety, and commands on
// trees a million notes deep or wide (built through the NoteTree API).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/keyspace/note_tree.h"
#include "tests/unit/commands/harness.h"

namespace arbor {
namespace {

using keyspace::NoteTree;
using testing::CommandHarness;
using testing::err;

class Notes : public ::testing::Test {
 protected:
  CommandHarness h{{core::register_note_commands}};

  std::string run(std::initializer_list<std::string_view> args) { return h.text(args); }
  bool exists(std::string_view key) { return h.instance().db(0).find_raw(key) != nullptr; }
  // A tree built with the API and stored under `key`: fast set-up for big cases.
  NoteTree& store(std::string_view key, std::unique_ptr<NoteTree> tree) {
    NoteTree* raw = tree.get();
    h.instance().db(0).add_object(key, std::move(tree));
    return *raw;
  }
};


const std::string kNoSuchParent = err("ERR no such parent note");
const std::string kIdExists = err("ERR note id already exists");
const std::string kBadSibling = err("ERR sibling is not a child of the parent note");
const std::string kNoSuchNote = err("ERR no such note");
const std::string kRootImmovable = err("ERR the root note cannot be moved");
const std::string kUnderItself = err("ERR cannot move a note under itself or its own subtree");
const std::string kRootUndeletable = err("ERR the root note cannot be removed, use DEL to remove the tree");
const std::string kSyntax = err(protocol::errors::kSyntax);
const std::string kNotInteger = err(protocol::errors::kNotInteger);
const std::string kWrongType = err(protocol::errors::kWrongType);

TEST_F(Notes, AddCreatesTheTree) {
  EXPECT_FALSE(exists("t"));
  EXPECT_EQ(run({"NOTE.ADD", "t", "root", "a", "hello"}), "1");
  ASSERT_TRUE(exists("t"));
  const auto* entry = h.instance().db(0).find_raw("t");
  EXPECT_EQ(entry->type(), keyspace::ValueType::kNoteTree);
  EXPECT_EQ(keyspace::type_name(entry->type()), "notetree");
  EXPECT_EQ(entry->object()->encoding(), "notetree");
  EXPECT_EQ(entry->object()->element_count(), 2u);
  EXPECT_EQ(run({"NOTE.GET", "t", "a"}), "\"hello\"");
  EXPECT_EQ(run({"note.len", "t"}), "1");
}

TEST_F(Notes, AddPositions) {
  EXPECT_EQ(run({"NOTE.ADD", "t", "root", "c", ""}), "1");
  EXPECT_EQ(run({"NOTE.ADD", "t", "root", "e", "", "LAST"}), "1");
  EXPECT_EQ(run({"NOTE.ADD", "t", "root", "a", "", "first"}), "1");
  EXPECT_EQ(run({"NOTE.ADD", "t", "root", "b", "", "BEFORE", "c"}), "1");
  EXPECT_EQ(run({"NOTE.ADD", "t", "root", "d", "", "after", "c"}), "1");
  EXPECT_EQ(run({"NOTE.CHILDREN", "t", "root"}), R"(["a", "b", "c", "d", "e"])");
}

TEST_F(Notes, AddErrors) {
  EXPECT_EQ(run({"NOTE.ADD", "t", "nope", "a", ""}), kNoSuchParent);
  EXPECT_FALSE(exists("t"));  // a failed first add creates nothing
  EXPECT_EQ(run({"NOTE.ADD", "t", "root", "root", ""}), kIdExists);
  EXPECT_FALSE(exists("t"));
  EXPECT_EQ(run({"NOTE.ADD", "t", "root", "a", "", "BEFORE", "x"}), kBadSibling);
  EXPECT_FALSE(exists("t"));
  EXPECT_EQ(run({"NOTE.ADD", "t", "root", "a", ""}), "1");
  EXPECT_EQ(run({"NOTE.ADD", "t", "a", "b", ""}), "1");
  EXPECT_EQ(run({"NOTE.ADD", "t", "root", "a", ""}), kIdExists);
  EXPECT_EQ(run({"NOTE.ADD", "t", "nope", "z", ""}), kNoSuchParent);
  EXPECT_EQ(run({"NOTE.ADD", "t", "root", "z", "", "AFTER", "b"}), kBadSibling);
  EXPECT_EQ(run({"NOTE.ADD", "t", "root", "z", "", "MIDDLE"}), kSyntax);
  EXPECT_EQ(run({"NOTE.ADD", "t", "root", "z", "", "FIRST", "x"}), kSyntax);
  EXPECT_EQ(run({"NOTE.ADD", "t", "root", "z", "", "BEFORE"}), kSyntax);
  EXPECT_EQ(run({"NOTE.ADD", "t", "root", "z", "", "BEFORE", "a", "x"}), kSyntax);
  EXPECT_EQ(run({"NOTE.ADD", "t", "root", "z"}), err("ERR wrong number of arguments for 'note.add' command"));
  EXPECT_EQ(run({"NOTE.LEN", "t"}), "2");
}

TEST_F(Notes, WrongTypeForEveryCommand) {
  h.instance().db(0).set_string("s", "x", false);
  EXPECT_EQ(run({"NOTE.ADD", "s", "root", "a", ""}), kWrongType);
  EXPECT_EQ(run({"NOTE.DEL", "s", "a"}), kWrongType);
  EXPECT_EQ(run({"NOTE.TREE", "s"}), kWrongType);
  EXPECT_EQ(run({"NOTE.GET", "s", "a"}), kWrongType);
  EXPECT_EQ(run({"NOTE.SET", "s", "a", "x"}), kWrongType);
  EXPECT_EQ(run({"NOTE.MOVE", "s", "a", "root"}), kWrongType);
  EXPECT_EQ(run({"NOTE.LEN", "s"}), kWrongType);
  EXPECT_EQ(run({"NOTE.CHILDREN", "s", "root"}), kWrongType);
}

TEST_F(Notes, DelCountsAndDeletesARootOnlyTree) {
  EXPECT_EQ(run({"NOTE.DEL", "t", "a"}), "0");
  EXPECT_EQ(run({"NOTE.DEL", "t", "root"}), kRootUndeletable);
  run({"NOTE.ADD", "t", "root", "a", ""});
  run({"NOTE.ADD", "t", "a", "a1", ""});
  run({"NOTE.ADD", "t", "a1", "a2", ""});
  run({"NOTE.ADD", "t", "a", "a3", ""});
  run({"NOTE.ADD", "t", "root", "b", ""});
  EXPECT_EQ(run({"NOTE.DEL", "t", "root"}), kRootUndeletable);
  EXPECT_EQ(run({"NOTE.DEL", "t", "zz"}), "0");
  EXPECT_EQ(run({"NOTE.DEL", "t", "a"}), "4");
  EXPECT_EQ(run({"NOTE.GET", "t", "a2"}), "nil");
  EXPECT_EQ(run({"NOTE.LEN", "t"}), "1");
  EXPECT_TRUE(exists("t"));
  EXPECT_EQ(run({"NOTE.DEL", "t", "b"}), "1");
  EXPECT_FALSE(exists("t"));  // only the root was left
  EXPECT_EQ(run({"NOTE.LEN", "t"}), "0");
  EXPECT_EQ(run({"NOTE.TREE", "t"}), "nil");
}

TEST_F(Notes, TreeInResp2IsNestedTriples) {
  run({"NOTE.ADD", "t", "root", "a", "A"});
  run({"NOTE.ADD", "t", "a", "a1", "A1"});
  run({"NOTE.ADD", "t", "root", "b", "B"});
  EXPECT_EQ(run({"NOTE.TREE", "t"}), R"(["root", "", [["a", "A", [["a1", "A1", []]]], ["b", "B", []]]])");
  EXPECT_EQ(run({"NOTE.TREE", "t", "a"}), R"(["a", "A", [["a1", "A1", []]]])");
  EXPECT_EQ(run({"NOTE.TREE", "t", "DEPTH", "0"}), R"(["root", "", []])");
  EXPECT_EQ(run({"NOTE.TREE", "t", "DEPTH", "1"}), R"(["root", "", [["a", "A", []], ["b", "B", []]]])");
  EXPECT_EQ(run({"NOTE.TREE", "t", "root", "depth", "2"}), run({"NOTE.TREE", "t"}));
  EXPECT_EQ(h.raw({"NOTE.TREE", "t", "a1"}), "*3\r\n$2\r\na1\r\n$2\r\nA1\r\n*0\r\n");
  EXPECT_EQ(h.raw({"NOTE.TREE", "missing"}), "*-1\r\n");
}

TEST_F(Notes, TreeInResp3IsNestedMaps) {
  h.set_resp(3);
  run({"NOTE.ADD", "t", "root", "a", "A"});
  run({"NOTE.ADD", "t", "a", "a1", "A1"});
  run({"NOTE.ADD", "t", "root", "b", "B"});
  EXPECT_EQ(run({"NOTE.TREE", "t"}),
            R"({"id": "root", "text": "", "children": [{"id": "a", "text": "A", "children": )"
            R"([{"id": "a1", "text": "A1", "children": []}]}, {"id": "b", "text": "B", "children": []}]})");
  EXPECT_EQ(run({"NOTE.TREE", "t", "a", "DEPTH", "0"}), R"({"id": "a", "text": "A", "children": []})");
  EXPECT_EQ(h.raw({"NOTE.TREE", "t", "b"}),
            "%3\r\n$2\r\nid\r\n$1\r\nb\r\n$4\r\ntext\r\n$1\r\nB\r\n$8\r\nchildren\r\n*0\r\n");
  EXPECT_EQ(h.raw({"NOTE.TREE", "missing"}), "_\r\n");
}

TEST_F(Notes, TreeErrors) {
  run({"NOTE.ADD", "t", "root", "a", "A"});
  EXPECT_EQ(run({"NOTE.TREE", "t", "zz"}), kNoSuchNote);
  EXPECT_EQ(run({"NOTE.TREE", "t", "DEPTH", "-1"}), kNotInteger);
  EXPECT_EQ(run({"NOTE.TREE", "t", "a", "DEPTH", "x"}), kNotInteger);
  EXPECT_EQ(run({"NOTE.TREE", "t", "a", "DEPTH", "1.5"}), kNotInteger);
  EXPECT_EQ(run({"NOTE.TREE", "t", "a", "LEVELS", "1"}), kSyntax);
  EXPECT_EQ(run({"NOTE.TREE", "t", "a", "b"}), kSyntax);
  EXPECT_EQ(run({"NOTE.TREE", "t", "a", "DEPTH", "1", "x"}), kSyntax);
  EXPECT_EQ(run({"NOTE.TREE"}), err("ERR wrong number of arguments for 'note.tree' command"));
  // An id spelled like the option needs the explicit form.
  run({"NOTE.ADD", "t", "root", "DEPTH", "D"});
  EXPECT_EQ(run({"NOTE.TREE", "t", "DEPTH", "DEPTH", "0"}), R"(["DEPTH", "D", []])");
}

TEST_F(Notes, GetAndSet) {
  EXPECT_EQ(run({"NOTE.GET", "t", "a"}), "nil");
  EXPECT_EQ(run({"NOTE.SET", "t", "a", "x"}), kNoSuchNote);
  EXPECT_FALSE(exists("t"));
  run({"NOTE.ADD", "t", "root", "a", "old"});
  EXPECT_EQ(run({"NOTE.GET", "t", "zz"}), "nil");
  EXPECT_EQ(run({"NOTE.SET", "t", "zz", "x"}), kNoSuchNote);
  EXPECT_EQ(run({"NOTE.SET", "t", "a", "new"}), "\"OK\"");
  EXPECT_EQ(run({"NOTE.GET", "t", "a"}), "\"new\"");
  EXPECT_EQ(run({"NOTE.GET", "t", "root"}), "\"\"");
  EXPECT_EQ(h.raw({"NOTE.GET", "t", "zz"}), "$-1\r\n");
}

TEST_F(Notes, MoveAndItsErrors) {
  EXPECT_EQ(run({"NOTE.MOVE", "t", "a", "root"}), kNoSuchNote);
  for (auto id : {"a", "b", "c"}) run({"NOTE.ADD", "t", "root", id, ""});
  run({"NOTE.ADD", "t", "a", "a1", ""});
  run({"NOTE.ADD", "t", "a1", "a2", ""});
  EXPECT_EQ(run({"NOTE.MOVE", "t", "c", "root", "FIRST"}), "\"OK\"");
  EXPECT_EQ(run({"NOTE.CHILDREN", "t", "root"}), R"(["c", "a", "b"])");
  EXPECT_EQ(run({"NOTE.MOVE", "t", "c", "root"}), "\"OK\"");
  EXPECT_EQ(run({"NOTE.MOVE", "t", "b", "root", "BEFORE", "a"}), "\"OK\"");
  EXPECT_EQ(run({"NOTE.MOVE", "t", "a2", "root", "AFTER", "a"}), "\"OK\"");
  EXPECT_EQ(run({"NOTE.CHILDREN", "t", "root"}), R"(["b", "a", "a2", "c"])");
  EXPECT_EQ(run({"NOTE.MOVE", "t", "a", "c", "LAST"}), "\"OK\"");
  EXPECT_EQ(run({"NOTE.TREE", "t", "c"}), R"(["c", "", [["a", "", [["a1", "", []]]]]])");

  EXPECT_EQ(run({"NOTE.MOVE", "t", "zz", "root"}), kNoSuchNote);
  EXPECT_EQ(run({"NOTE.MOVE", "t", "a", "zz"}), kNoSuchNote);
  EXPECT_EQ(run({"NOTE.MOVE", "t", "root", "a"}), kRootImmovable);
  EXPECT_EQ(run({"NOTE.MOVE", "t", "c", "c"}), kUnderItself);
  EXPECT_EQ(run({"NOTE.MOVE", "t", "c", "a1"}), kUnderItself);
  EXPECT_EQ(run({"NOTE.MOVE", "t", "b", "root", "BEFORE", "a1"}), kBadSibling);
  EXPECT_EQ(run({"NOTE.MOVE", "t", "b", "root", "BEFORE", "b"}), kBadSibling);
  EXPECT_EQ(run({"NOTE.MOVE", "t", "b", "root", "AFTER", "b"}), kBadSibling);
  EXPECT_EQ(run({"NOTE.MOVE", "t", "b", "root", "AFTER"}), kSyntax);
  EXPECT_EQ(run({"NOTE.MOVE", "t", "b", "root", "LAST", "x"}), kSyntax);
  EXPECT_EQ(run({"NOTE.MOVE", "t", "b"}), err("ERR wrong number of arguments for 'note.move' command"));
}

TEST_F(Notes, MoveRefusesItsOwnDeepSubtree) {
  std::string parent = "root";
  for (int i = 0; i < 300; ++i) {
    const std::string id = "n" + std::to_string(i);
    ASSERT_EQ(h.text({"NOTE.ADD", "t", parent, id, ""}), "1");
    parent = id;
  }
  EXPECT_EQ(run({"NOTE.MOVE", "t", "n0", "n299"}), kUnderItself);
  EXPECT_EQ(run({"NOTE.MOVE", "t", "n100", "n250", "FIRST"}), kUnderItself);
  EXPECT_EQ(run({"NOTE.MOVE", "t", "n250", "root"}), "\"OK\"");
  EXPECT_EQ(run({"NOTE.MOVE", "t", "n100", "n299"}), "\"OK\"");  // n299 left with n250
  EXPECT_EQ(run({"NOTE.CHILDREN", "t", "n299"}), R"(["n100"])");
}

TEST_F(Notes, LenAndChildren) {
  EXPECT_EQ(run({"NOTE.LEN", "t"}), "0");
  EXPECT_EQ(run({"NOTE.CHILDREN", "t", "root"}), "[]");
  EXPECT_EQ(run({"NOTE.CHILDREN", "t", "x"}), "[]");
  run({"NOTE.ADD", "t", "root", "a", ""});
  run({"NOTE.ADD", "t", "a", "b", ""});
  EXPECT_EQ(run({"NOTE.LEN", "t"}), "2");
  EXPECT_EQ(run({"NOTE.CHILDREN", "t", "a"}), R"(["b"])");
  EXPECT_EQ(run({"NOTE.CHILDREN", "t", "b"}), "[]");
  EXPECT_EQ(run({"NOTE.CHILDREN", "t", "x"}), kNoSuchNote);
}

TEST_F(Notes, IdsAndTextsAreBinarySafe) {
  const std::string id("i\0d\r\n", 5), text("t\0\r\nx", 5), child("c\r\n\0", 4);
  ASSERT_EQ(h.run(std::vector<std::string>{"NOTE.ADD", "t", "root", id, text}).integer, 1);
  ASSERT_EQ(h.run(std::vector<std::string>{"NOTE.ADD", "t", id, child, text}).integer, 1);
  EXPECT_EQ(h.run(std::vector<std::string>{"NOTE.GET", "t", id}).str, text);
  EXPECT_TRUE(h.run(std::vector<std::string>{"NOTE.GET", "t", std::string("i", 1)}).is_null());
  const auto children = h.run(std::vector<std::string>{"NOTE.CHILDREN", "t", id});
  ASSERT_EQ(children.elements.size(), 1u);
  EXPECT_EQ(children.elements[0].str, child);
  const auto tree = h.run(std::vector<std::string>{"NOTE.TREE", "t", id});
  ASSERT_EQ(tree.elements.size(), 3u);
  EXPECT_EQ(tree.elements[0].str, id);
  EXPECT_EQ(tree.elements[1].str, text);
  EXPECT_EQ(tree.elements[2].elements[0].elements[0].str, child);
  EXPECT_EQ(h.run(std::vector<std::string>{"NOTE.MOVE", "t", child, "root", "BEFORE", id}).str, "OK");
  EXPECT_EQ(h.run(std::vector<std::string>{"NOTE.DEL", "t", id}).integer, 1);
  EXPECT_EQ(h.run(std::vector<std::string>{"NOTE.SET", "t", child, ""}).str, "OK");
}

TEST_F(Notes, WritesMarkDirtyAndReadsCountLookups) {
  auto& instance = h.instance();
  const uint64_t dirty = instance.persistence.dirty;
  run({"NOTE.ADD", "t", "root", "a", ""});
  run({"NOTE.SET", "t", "a", "x"});
  run({"NOTE.ADD", "t", "root", "b", ""});
  run({"NOTE.MOVE", "t", "b", "a"});
  run({"NOTE.DEL", "t", "zz"});  // no change
  EXPECT_EQ(instance.persistence.dirty, dirty + 4);
  run({"NOTE.DEL", "t", "a"});
  EXPECT_EQ(instance.persistence.dirty, dirty + 5);
  run({"NOTE.ADD", "t", "root", "a", ""});
  const uint64_t hits = instance.stats.keyspace_hits, misses = instance.stats.keyspace_misses;
  run({"NOTE.GET", "t", "a"});
  run({"NOTE.LEN", "t"});
  run({"NOTE.GET", "nokey", "a"});
  EXPECT_EQ(instance.stats.keyspace_hits, hits + 2);
  EXPECT_EQ(instance.stats.keyspace_misses, misses + 1);
}

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

constexpr int kMillion = 1000000;

TEST_F(Notes, CommandsOnAMillionDeepChain) {
  {
    Stopwatch watch("deep commands: build");
    auto tree = std::make_unique<NoteTree>();
    std::string parent = "root";
    for (int i = 0; i < kMillion; ++i) {
      std::string id = std::to_string(i);
      ASSERT_EQ(tree->add(parent, id, "t"), NoteTree::Status::kOk);
      parent = std::move(id);
    }
    store("deep", std::move(tree));
  }
  Stopwatch watch("deep commands: run");
  EXPECT_EQ(run({"NOTE.ADD", "deep", "999999", "leaf", "L"}), "1");
  EXPECT_EQ(run({"NOTE.LEN", "deep"}), "1000001");
  EXPECT_EQ(run({"NOTE.GET", "deep", "leaf"}), "\"L\"");
  EXPECT_EQ(run({"NOTE.CHILDREN", "deep", "999999"}), R"(["leaf"])");
  EXPECT_EQ(run({"NOTE.MOVE", "deep", "0", "leaf"}), kUnderItself);
  EXPECT_EQ(run({"NOTE.TREE", "deep", "999998", "DEPTH", "5"}),
            R"(["999998", "t", [["999999", "t", [["leaf", "L", []]]]]])");
  EXPECT_EQ(run({"NOTE.TREE", "deep", "DEPTH", "1"}), R"(["root", "", [["0", "t", []]]])");
  // The whole chain: a million levels of nesting. Too deep for the test reply
  // parser, so check the raw bytes' shape.
  const std::string whole = h.raw({"NOTE.TREE", "deep"});
  EXPECT_EQ(whole.substr(0, 24), "*3\r\n$4\r\nroot\r\n$0\r\n\r\n*1\r\n");
  EXPECT_EQ(whole.substr(whole.size() - 25), "*3\r\n$4\r\nleaf\r\n$1\r\nL\r\n*0\r\n");
  h.set_resp(3);
  EXPECT_EQ(h.raw({"NOTE.TREE", "deep"}).substr(0, 4), "%3\r\n");
  h.set_resp(2);
  EXPECT_EQ(run({"NOTE.MOVE", "deep", "500000", "root", "FIRST"}), "\"OK\"");
  EXPECT_EQ(run({"NOTE.MOVE", "deep", "0", "leaf"}), "\"OK\"");
  EXPECT_EQ(run({"NOTE.CHILDREN", "deep", "root"}), R"(["500000"])");
  EXPECT_EQ(run({"NOTE.DEL", "deep", "999000"}), "501001");  // 0..499999 hang under leaf now
  EXPECT_EQ(run({"NOTE.DEL", "deep", "500000"}), "499000");
  EXPECT_FALSE(exists("deep"));
}

TEST_F(Notes, CommandsOnAMillionChildren) {
  {
    Stopwatch watch("wide commands: build");
    auto tree = std::make_unique<NoteTree>();
    for (int i = 0; i < kMillion; ++i)
      ASSERT_EQ(tree->add("root", std::to_string(i), ""), NoteTree::Status::kOk);
    store("wide", std::move(tree));
  }
  Stopwatch watch("wide commands: run");
  auto lap = std::make_unique<Stopwatch>("wide commands: small ones");
  EXPECT_EQ(run({"NOTE.ADD", "wide", "root", "x", "", "AFTER", "500000"}), "1");
  EXPECT_EQ(run({"NOTE.MOVE", "wide", "999999", "root", "FIRST"}), "\"OK\"");
  EXPECT_EQ(run({"NOTE.MOVE", "wide", "0", "x"}), "\"OK\"");
  EXPECT_EQ(run({"NOTE.MOVE", "wide", "x", "0"}), kUnderItself);
  EXPECT_EQ(run({"NOTE.GET", "wide", "123456"}), "\"\"");
  EXPECT_EQ(run({"NOTE.LEN", "wide"}), "1000001");
  lap = std::make_unique<Stopwatch>("wide commands: CHILDREN root (parsed)");
  const auto children = h.run({"NOTE.CHILDREN", "wide", "root"});
  ASSERT_EQ(children.elements.size(), static_cast<size_t>(kMillion));
  EXPECT_EQ(children.elements[0].str, "999999");
  EXPECT_EQ(children.elements[500001].str, "x");
  // Parsing a million Reply maps is slow in debug builds: check the bytes.
  lap = std::make_unique<Stopwatch>("wide commands: TREE DEPTH 1 (raw)");
  const std::string shallow = h.raw({"NOTE.TREE", "wide", "DEPTH", "1"});
  EXPECT_EQ(shallow.substr(0, 30), "*3\r\n$4\r\nroot\r\n$0\r\n\r\n*1000000\r\n");
  EXPECT_TRUE(shallow.ends_with("*3\r\n$6\r\n999998\r\n$0\r\n\r\n*0\r\n"));
  EXPECT_NE(shallow.find("$1\r\nx\r\n$0\r\n\r\n*0\r\n"), std::string::npos);  // DEPTH cuts x's child
  size_t notes = 0;
  for (size_t at = shallow.find("*3\r\n"); at != std::string::npos; at = shallow.find("*3\r\n", at + 1))
    ++notes;
  EXPECT_EQ(notes, static_cast<size_t>(kMillion) + 1);
  lap = std::make_unique<Stopwatch>("wide commands: TREE (raw)");
  // The whole tree: x's entry carries its one child.
  const std::string whole = h.raw({"NOTE.TREE", "wide"});
  EXPECT_EQ(whole.substr(0, 30), "*3\r\n$4\r\nroot\r\n$0\r\n\r\n*1000000\r\n");
  EXPECT_NE(whole.find("$1\r\nx\r\n$0\r\n\r\n*1\r\n*3\r\n$1\r\n0\r\n$0\r\n\r\n*0\r\n"), std::string::npos);
  lap.reset();
  EXPECT_EQ(run({"NOTE.DEL", "wide", "x"}), "2");
}

// With the generic key commands: a note tree is a key like any other.
class NotesWithKeys : public Notes {
 protected:
  CommandHarness k{{core::register_note_commands, core::register_key_commands}};
};

TEST_F(NotesWithKeys, GenericKeyCommandsTreatTreesAsKeys) {
  EXPECT_EQ(k.text({"NOTE.ADD", "t", "root", "a", "A"}), "1");
  EXPECT_EQ(k.text({"NOTE.ADD", "t", "a", "b", "B"}), "1");
  k.instance().db(0).set_string("s", "x", false);
  EXPECT_EQ(k.text({"TYPE", "t"}), "\"notetree\"");
  EXPECT_EQ(k.text({"EXISTS", "t"}), "1");
  EXPECT_EQ(k.text({"COPY", "t", "c"}), "1");
  EXPECT_EQ(k.text({"NOTE.MOVE", "c", "b", "root"}), "\"OK\"");
  EXPECT_EQ(k.text({"NOTE.TREE", "t"}), R"(["root", "", [["a", "A", [["b", "B", []]]]]])");
  EXPECT_EQ(k.text({"NOTE.TREE", "c"}), R"(["root", "", [["a", "A", []], ["b", "B", []]]])");
  EXPECT_EQ(k.text({"RENAME", "t", "r"}), "\"OK\"");
  EXPECT_EQ(k.text({"NOTE.GET", "r", "b"}), "\"B\"");
  EXPECT_EQ(k.text({"DEL", "r", "c"}), "2");
  EXPECT_EQ(k.text({"NOTE.LEN", "r"}), "0");
}

TEST_F(NotesWithKeys, ScanTypeFindsNoteTrees) {
  EXPECT_EQ(k.text({"NOTE.ADD", "t", "root", "a", "A"}), "1");
  k.instance().db(0).set_string("s", "x", false);
  EXPECT_EQ(k.text({"SCAN", "0", "TYPE", "notetree"}), R"(["0", ["t"]])");
  EXPECT_EQ(k.text({"SCAN", "0", "TYPE", "NOTETREE"}), R"(["0", ["t"]])");
}

TEST_F(NotesWithKeys, DelOfAMillionNoteTreeIsFreedOffTheLoop) {
  auto tree = std::make_unique<NoteTree>();
  std::string parent = "root";
  for (int i = 0; i < kMillion; ++i) {
    std::string id = std::to_string(i);
    ASSERT_EQ(tree->add(parent, id, ""), NoteTree::Status::kOk);
    parent = std::move(id);
  }
  k.instance().db(0).add_object("deep", std::move(tree));
  Stopwatch watch("DEL of a million-deep tree (lazy free hand-off)");
  EXPECT_EQ(k.text({"DEL", "deep"}), "1");
  EXPECT_EQ(k.text({"EXISTS", "deep"}), "0");
}

}  // namespace
}  // namespace arbor

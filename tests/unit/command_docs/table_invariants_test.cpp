// Invariants every row of the real command table must keep (Garnet-style
// table tests): names, arity, key specs, docs that parse and agree with the
// arity, and COMMAND INFO/DOCS replies that are well-formed in RESP2 and RESP3.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <set>
#include <string>

#include "docs_walk.h"
#include "server/commands/families.h"
#include "server/core/command_docs.h"
#include "tests/unit/commands/harness.h"

namespace arbor::testing {
namespace {

using namespace core;

// register_all_commands, plus COMMAND itself until the server family adds it.
void register_everything(CommandTable& t) {
  register_all_commands(t);
  if (t.find("command") == nullptr) commands::register_command_command(t);
}

constexpr size_t kUnbounded = std::numeric_limits<size_t>::max();

struct ArgSpan {
  size_t min = 0;
  size_t max = 0;
};

size_t add(size_t a, size_t b) { return (a == kUnbounded || b == kUnbounded) ? kUnbounded : a + b; }

// How many words of argv an argument can take.
ArgSpan span_of(const ArgDoc& a) {
  ArgSpan s;
  if (a.type == "oneof") {
    s.min = kUnbounded;
    for (const ArgDoc& m : a.arguments) {
      const ArgSpan ms = span_of(m);
      s.min = std::min(s.min, ms.min);
      s.max = std::max(s.max, ms.max);
    }
    if (a.arguments.empty()) s.min = 0;
  } else if (a.type == "block") {
    for (const ArgDoc& m : a.arguments) {
      const ArgSpan ms = span_of(m);
      s.min = add(s.min, ms.min);
      s.max = add(s.max, ms.max);
    }
  } else if (a.type != "pure-token") {
    s = {1, 1};
  }
  if (!a.token.empty()) s = {add(s.min, 1), add(s.max, 1)};
  if (a.multiple) s.max = kUnbounded;
  if (a.optional) s.min = 0;
  return s;
}

bool has_key_arg(const std::vector<ArgDoc>& args) {
  return std::any_of(args.begin(), args.end(),
                     [](const ArgDoc& a) { return a.type == "key" || has_key_arg(a.arguments); });
}

std::vector<const Command*> every_row(const CommandTable& table) {
  std::vector<const Command*> rows;
  for (const Command* c : table.all()) {
    rows.push_back(c);
    for (const auto& sub : c->subcommands) rows.push_back(sub.get());
  }
  return rows;
}

class CommandTableInvariants : public ::testing::Test {
 protected:
  CommandHarness h{{register_everything}};
  const CommandTable& table() { return h.instance().commands; }
};

TEST_F(CommandTableInvariants, NamesAreUniqueAndLowerCase) {
  std::set<std::string> seen;
  for (const Command* c : every_row(table())) {
    EXPECT_TRUE(seen.insert(c->fullname).second) << "duplicate " << c->fullname;
    const std::string_view name = c->spec.name;
    EXPECT_FALSE(name.empty());
    EXPECT_EQ(name.find('|'), std::string_view::npos) << c->fullname;
    EXPECT_TRUE(std::none_of(name.begin(), name.end(),
                             [](char ch) { return std::isupper(static_cast<unsigned char>(ch)); }))
        << c->fullname;
    if (c->parent) {
      EXPECT_EQ(table().find_subcommand(*c->parent, name), c) << c->fullname;
    } else {
      EXPECT_EQ(table().find(name), c) << c->fullname;
    }
  }
  EXPECT_GT(seen.size(), 8u);
}

TEST_F(CommandTableInvariants, ArityIsSet) {
  for (const Command* c : every_row(table())) {
    EXPECT_NE(c->spec.arity, 0) << c->fullname;
    if (c->parent) {
      EXPECT_GE(std::abs(c->spec.arity), 2) << c->fullname << ": argv holds the subcommand name";
    }
    EXPECT_NE(c->spec.handler, nullptr) << c->fullname;
  }
}

TEST_F(CommandTableInvariants, KeySpecAgreesWithArity) {
  for (const Command* c : every_row(table())) {
    const KeySpec& k = c->spec.keys;
    const int arity = c->spec.arity;
    if (k.first <= 0) {
      EXPECT_TRUE(k.first == 0 && k.last == 0 && k.step == 0) << c->fullname;
      continue;
    }
    EXPECT_GE(k.step, 1) << c->fullname;
    EXPECT_NE(k.last, 0) << c->fullname;
    if (k.last > 0) {
      EXPECT_GE(k.last, k.first) << c->fullname;
    }
    // SUNSUBSCRIBE's optional shard channels sit in a (not_key) key spec.
    if (k.flags == "not_key") continue;
    // The first key (and a fixed last key) must exist in the shortest argv.
    const int shortest = std::abs(arity);
    EXPECT_LT(k.first, shortest) << c->fullname;
    if (k.last > 0) {
      EXPECT_LT(k.last, shortest) << c->fullname;
    }
    if (k.last < 0) {
      EXPECT_GE(shortest + k.last, k.first) << c->fullname;
    }
  }
}

TEST_F(CommandTableInvariants, DocsParseAndAgreeWithArity) {
  for (const Command* c : every_row(table())) {
    const CommandSpec& s = c->spec;
    EXPECT_EQ(syntax_error(s.syntax), "") << c->fullname << ": " << s.syntax;
    EXPECT_FALSE(s.summary.empty()) << c->fullname;
    EXPECT_FALSE(s.since.empty()) << c->fullname;
    // Redis states no complexity for the replication handshake and LOLWUT.
    if (c->fullname != "sync" && c->fullname != "psync" && c->fullname != "lolwut") {
      EXPECT_FALSE(s.complexity.empty()) << c->fullname;
    }
    if (!c->parent) {
      EXPECT_FALSE(s.group.empty()) << c->fullname;
    }
    if (c->has_subcommands()) {
      EXPECT_TRUE(s.syntax.empty()) << c->fullname << ": a container's arguments live in its subcommands";
      continue;
    }
    const auto args = parse_syntax(s.syntax);
    ArgSpan total;
    for (const ArgDoc& a : args) {
      const ArgSpan one = span_of(a);
      total = {add(total.min, one.min), add(total.max, one.max)};
    }
    const size_t base = c->parent ? 2 : 1;  // command name (and subcommand name)
    const size_t min = add(total.min, base), max = add(total.max, base);
    if (s.arity > 0) {
      EXPECT_LE(min, static_cast<size_t>(s.arity)) << c->fullname << ": " << s.syntax;
      EXPECT_GE(max, static_cast<size_t>(s.arity)) << c->fullname << ": " << s.syntax;
    } else {
      EXPECT_GE(max, static_cast<size_t>(-s.arity)) << c->fullname << ": " << s.syntax;
    }
    if (s.keys.first > 0 && s.keys.flags != "not_key") {  // shard channels are no key arguments
      EXPECT_TRUE(has_key_arg(args)) << c->fullname << " has keys but no key argument";
    }
  }
}

// Exactly one reply, nothing left over.
void expect_one_reply(const std::string& bytes, const std::string& what) {
  protocol::ReplyParser parser;
  protocol::Reply reply;
  const auto result = parser.parse(bytes, reply);
  ASSERT_EQ(result.status, protocol::ReplyParser::Status::kReply) << what << ": " << parser.error_text();
  EXPECT_EQ(result.consumed, bytes.size()) << what;
}

TEST_F(CommandTableInvariants, InfoAndDocsOfEveryCommandAreWellFormed) {
  for (int resp : {2, 3}) {
    h.set_resp(resp);
    for (const Command* c : every_row(table())) {
      const std::string what = c->fullname + " resp" + std::to_string(resp);
      const std::string info = h.raw({"COMMAND", "INFO", c->fullname});
      expect_one_reply(info, "INFO " + what);
      const auto parsed = h.run({"COMMAND", "INFO", c->fullname});
      ASSERT_EQ(parsed.elements.size(), 1u) << what;
      check_info_entry(parsed.elements[0]);
      EXPECT_EQ(parsed.elements[0].elements[0].str, c->fullname);

      expect_one_reply(h.raw({"COMMAND", "DOCS", c->fullname}), "DOCS " + what);
      const auto docs = h.run({"COMMAND", "DOCS", c->fullname});
      ASSERT_EQ(docs.elements.size(), 2u) << what;
      walk_docs_table(docs);
    }
  }
}

TEST_F(CommandTableInvariants, WholeTableRepliesSatisfyRedisCli) {
  for (int resp : {2, 3}) {
    h.set_resp(resp);
    const auto docs = h.run({"COMMAND", "DOCS"});
    walk_docs_table(docs);
    EXPECT_EQ(docs.elements.size(), 2 * table().all().size());
    const auto all = h.run({"COMMAND"});
    ASSERT_EQ(all.elements.size(), table().all().size());
    for (const auto& entry : all.elements) check_info_entry(entry);
  }
}

TEST_F(CommandTableInvariants, CountEqualsTableSize) {
  EXPECT_EQ(h.run({"COMMAND", "COUNT"}).integer, static_cast<int64_t>(table().all().size()));
  const auto list = h.run({"COMMAND", "LIST"});
  EXPECT_EQ(list.elements.size(), every_row(table()).size());
}

}  // namespace
}  // namespace arbor::testing

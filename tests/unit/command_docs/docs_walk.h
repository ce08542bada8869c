// Walks a parsed COMMAND DOCS / COMMAND reply the way redis-cli 7.0 does
// (cliInitHelp, cliInitCommandHelpEntry, cliAddArgument, cliOldIntegrateHelp)
// and records a gtest failure wherever redis-cli would assert() or misread.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <string>

#include "protocol/reply_parser.h"

namespace arbor::testing {

using protocol::Reply;
using protocol::ReplyType;

inline bool is_map_like(const Reply& r) { return r.type == ReplyType::kMap || r.type == ReplyType::kArray; }
inline bool is_string(const Reply& r) { return r.type == ReplyType::kBulk; }

inline void walk_argument(const Reply& arg, const std::string& where) {
  ASSERT_TRUE(is_map_like(arg)) << where;
  ASSERT_EQ(arg.elements.size() % 2, 0u) << where;
  bool has_name = false, has_type = false;
  std::string type;
  const Reply* nested = nullptr;
  for (size_t i = 0; i < arg.elements.size(); i += 2) {
    ASSERT_TRUE(is_string(arg.elements[i])) << where;
    const std::string& key = arg.elements[i].str;
    const Reply& value = arg.elements[i + 1];
    if (key == "name" || key == "token" || key == "type") {
      ASSERT_TRUE(is_string(value)) << where << " " << key;
      has_name = has_name || key == "name";
      if (key == "type") {
        has_type = true;
        type = value.str;
      }
    } else if (key == "flags") {
      ASSERT_TRUE(value.type == ReplyType::kSet || value.type == ReplyType::kArray) << where;
      for (const Reply& flag : value.elements) {
        ASSERT_EQ(flag.type, ReplyType::kSimple) << where;
        EXPECT_TRUE(flag.str == "optional" || flag.str == "multiple" || flag.str == "multiple_token") << where;
      }
    } else if (key == "arguments") {
      nested = &value;
    } else if (key == "key_spec_index") {
      EXPECT_EQ(value.type, ReplyType::kInteger) << where;
    }
  }
  ASSERT_TRUE(has_name) << where;
  ASSERT_TRUE(has_type) << where;  // redis-cli strcmp()s the type unchecked
  static const char* const kTypes[] = {"key", "string", "integer", "double", "pattern", "unix-time",
                                       "pure-token", "oneof", "block"};
  EXPECT_NE(std::find(std::begin(kTypes), std::end(kTypes), type), std::end(kTypes)) << where << " " << type;
  if (type == "oneof" || type == "block") {
    ASSERT_NE(nested, nullptr) << where << ": redis-cli dereferences arguments";
    ASSERT_EQ(nested->type, ReplyType::kArray) << where;
    EXPECT_FALSE(nested->elements.empty()) << where;
    for (const Reply& sub : nested->elements) walk_argument(sub, where + ">");
  }
}

inline void walk_command_docs(const Reply& docs, const std::string& name) {
  ASSERT_TRUE(is_map_like(docs)) << name;
  ASSERT_EQ(docs.elements.size() % 2, 0u) << name;
  bool summary = false, since = false, group = false;
  for (size_t j = 0; j < docs.elements.size(); j += 2) {
    ASSERT_TRUE(is_string(docs.elements[j])) << name;
    const std::string& key = docs.elements[j].str;
    const Reply& value = docs.elements[j + 1];
    if (key == "summary" || key == "since" || key == "group" || key == "complexity") {
      ASSERT_TRUE(is_string(value)) << name << " " << key;
      summary = summary || key == "summary";
      since = since || key == "since";
      group = group || key == "group";
    } else if (key == "arguments") {
      ASSERT_EQ(value.type, ReplyType::kArray) << name;
      for (const Reply& arg : value.elements) walk_argument(arg, name);
    } else if (key == "subcommands") {
      ASSERT_TRUE(is_map_like(value)) << name;
      ASSERT_EQ(value.elements.size() % 2, 0u) << name;
      for (size_t i = 0; i < value.elements.size(); i += 2) {
        ASSERT_TRUE(is_string(value.elements[i])) << name;
        // cliFillInCommandHelpEntry: strchr(subname, '|') + 1, unchecked.
        ASSERT_EQ(value.elements[i].str.rfind(name + "|", 0), 0u) << value.elements[i].str;
        walk_command_docs(value.elements[i + 1], value.elements[i].str);
      }
    }
  }
  // A missing summary leaves redis-cli reading an uninitialised pointer.
  EXPECT_TRUE(summary && since && group) << name;
}

// The whole COMMAND DOCS reply: name -> docs.
inline void walk_docs_table(const Reply& table) {
  ASSERT_TRUE(is_map_like(table));
  ASSERT_EQ(table.elements.size() % 2, 0u);
  for (size_t i = 0; i < table.elements.size(); i += 2) {
    ASSERT_TRUE(is_string(table.elements[i]));
    walk_command_docs(table.elements[i + 1], table.elements[i].str);
  }
}

// One COMMAND / COMMAND INFO entry.
inline void check_info_entry(const Reply& entry) {
  ASSERT_EQ(entry.type, ReplyType::kArray);
  ASSERT_EQ(entry.elements.size(), 10u);
  EXPECT_TRUE(is_string(entry.elements[0]));
  EXPECT_EQ(entry.elements[1].type, ReplyType::kInteger);  // redis-cli skips entries otherwise
  for (int i : {3, 4, 5}) EXPECT_EQ(entry.elements[static_cast<size_t>(i)].type, ReplyType::kInteger);
  for (int i : {2, 6}) {
    const Reply& set = entry.elements[static_cast<size_t>(i)];
    EXPECT_TRUE(set.type == ReplyType::kSet || set.type == ReplyType::kArray);
    for (const Reply& item : set.elements) EXPECT_EQ(item.type, ReplyType::kSimple);
  }
  for (const Reply& spec : entry.elements[8].elements) EXPECT_TRUE(is_map_like(spec));
  for (const Reply& sub : entry.elements[9].elements) check_info_entry(sub);
}

}  // namespace arbor::testing

// parse_syntax: the syntax lines the families use become Redis's argument
// trees. Checked two ways: the tree itself, and the hint redis-cli 7.0 would
// build from it (cliAddArgument's rules), compared with what it shows for Redis.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/core/command_docs.h"

namespace arbor::core {
namespace {

// Compact form: name:type, token as =TOKEN, flags as ?(optional) *(multiple)
// +(multiple_token), #n for key_spec_index, children in braces.
std::string tree(const std::vector<ArgDoc>& args);

std::string tree(const ArgDoc& a) {
  std::string out = a.name + ":" + a.type;
  if (!a.token.empty()) out += "=" + a.token;
  if (a.key_spec_index >= 0) out += "#" + std::to_string(a.key_spec_index);
  if (a.optional) out += "?";
  if (a.multiple) out += "*";
  if (a.multiple_token) out += "+";
  if (!a.arguments.empty()) out += "{" + tree(a.arguments) + "}";
  return out;
}

std::string tree(const std::vector<ArgDoc>& args) {
  std::string out;
  for (const ArgDoc& a : args) out += (out.empty() ? "" : " ") + tree(a);
  return out;
}

// The hint redis-cli 7.0 prints after the command name (cliAddArgument).
std::string hint(const std::vector<ArgDoc>& args, const char* separator = " ");

std::string hint(const ArgDoc& a) {
  std::string repeat;
  if (a.type == "oneof") repeat = hint(a.arguments, "|");
  else if (a.type == "block") repeat = hint(a.arguments, " ");
  else if (a.type != "pure-token") repeat = a.name;
  std::string token = a.token;
  if (!token.empty() && a.type != "pure-token") token += " ";
  std::string out = a.optional ? "[" : "";
  out += token + repeat;
  if (a.multiple) out += " [" + (a.multiple_token ? token : "") + repeat + " ...]";
  if (a.optional) out += "]";
  return out;
}

std::string hint(const std::vector<ArgDoc>& args, const char* separator) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) out += (i ? separator : "") + hint(args[i]);
  return out;
}

TEST(ParseSyntax, SetMatchesRedisTree) {
  const auto args = parse_syntax(
      "key value [NX | XX] [GET] [EX seconds:integer | PX milliseconds:integer | "
      "EXAT unix-time-seconds:unix-time | PXAT unix-time-milliseconds:unix-time | KEEPTTL]");
  EXPECT_EQ(tree(args),
            "key:key#0 value:string condition:oneof?{nx:pure-token=NX xx:pure-token=XX} get:pure-token=GET? "
            "expiration:oneof?{seconds:integer=EX milliseconds:integer=PX unix-time-seconds:unix-time=EXAT "
            "unix-time-milliseconds:unix-time=PXAT keepttl:pure-token=KEEPTTL}");
  // What redis-cli 7.0.15 shows after "SET " against redis-server 7.0.15.
  EXPECT_EQ(hint(args),
            "key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|"
            "PXAT unix-time-milliseconds|KEEPTTL]");
}

TEST(ParseSyntax, RepeatedKey) {
  EXPECT_EQ(tree(parse_syntax("key [key ...]")), "key:key#0*");
  EXPECT_EQ(hint(parse_syntax("key [key ...]")), "key [key ...]");
  EXPECT_EQ(tree(parse_syntax("key ...")), "key:key#0*");
}

TEST(ParseSyntax, RepeatedGroupBecomesMultipleBlock) {
  const auto args = parse_syntax("key:key field value [field value ...]");
  EXPECT_EQ(tree(args), "key:key#0 field_value:block*{field:string value:string}");
  EXPECT_EQ(hint(args), "key field value [field value ...]");
  EXPECT_EQ(tree(parse_syntax("key value [key value ...]")), "key_value:block*{key:key#0 value:string}");
}

TEST(ParseSyntax, ScanOptions) {
  const auto args = parse_syntax("cursor:integer [MATCH pattern:pattern] [COUNT count:integer] [TYPE type]");
  EXPECT_EQ(tree(args),
            "cursor:integer pattern:pattern=MATCH? count:integer=COUNT? type:string=TYPE?");
  EXPECT_EQ(hint(args), "cursor [MATCH pattern] [COUNT count] [TYPE type]");
}

TEST(ParseSyntax, HelloMatchesRedisTree) {
  const auto args = parse_syntax("[protover:integer [AUTH username password] [SETNAME clientname]]");
  EXPECT_EQ(tree(args),
            "arguments:block?{protover:integer username_password:block=AUTH?{username:string password:string} "
            "clientname:string=SETNAME?}");
  EXPECT_EQ(hint(args), "[protover [AUTH username password] [SETNAME clientname]]");
}

TEST(ParseSyntax, ExpireCondition) {
  const auto args = parse_syntax("key seconds:integer [NX | XX | GT | LT]");
  EXPECT_EQ(tree(args),
            "key:key#0 seconds:integer condition:oneof?{nx:pure-token=NX xx:pure-token=XX gt:pure-token=GT "
            "lt:pure-token=LT}");
  EXPECT_EQ(hint(args), "key seconds [NX|XX|GT|LT]");
}

TEST(ParseSyntax, OptionalRepeated) {
  EXPECT_EQ(tree(parse_syntax("[section [section ...]]")), "section:string?*");
  EXPECT_EQ(hint(parse_syntax("[section [section ...]]")), "[section [section ...]]");
  EXPECT_EQ(tree(parse_syntax("[section ...]")), "section:string?*");
}

TEST(ParseSyntax, NotePosition) {
  const auto args = parse_syntax("key parent id text [FIRST | LAST | BEFORE sibling | AFTER sibling]");
  EXPECT_EQ(tree(args),
            "key:key#0 parent:string id:string text:string arg:oneof?{first:pure-token=FIRST "
            "last:pure-token=LAST sibling:string=BEFORE sibling:string=AFTER}");
  EXPECT_EQ(hint(args), "key parent id text [FIRST|LAST|BEFORE sibling|AFTER sibling]");
}

TEST(ParseSyntax, EmptyLineHasNoArguments) {
  EXPECT_TRUE(parse_syntax("").empty());
  EXPECT_TRUE(parse_syntax("   ").empty());
  EXPECT_EQ(syntax_error(""), "");
}

TEST(ParseSyntax, TopLevelOneOf) {
  EXPECT_EQ(tree(parse_syntax("ON | OFF")), "arg:oneof{on:pure-token=ON off:pure-token=OFF}");
  EXPECT_EQ(tree(parse_syntax("LIB-NAME libname | LIB-VER libver")),
            "arg:oneof{libname:string=LIB-NAME libver:string=LIB-VER}");
}

TEST(ParseSyntax, TokenPrefixesOneOf) {
  EXPECT_EQ(tree(parse_syntax("[TYPE NORMAL | MASTER | REPLICA | PUBSUB]")),
            "type:oneof=TYPE?{normal:pure-token=NORMAL master:pure-token=MASTER replica:pure-token=REPLICA "
            "pubsub:pure-token=PUBSUB}");
  EXPECT_EQ(hint(parse_syntax("[TYPE NORMAL | MASTER | REPLICA | PUBSUB]")),
            "[TYPE NORMAL|MASTER|REPLICA|PUBSUB]");
  // A token before an explicit group, as in COMMAND LIST's FILTERBY.
  const auto list = parse_syntax("[FILTERBY (MODULE module-name | ACLCAT category | PATTERN pattern:pattern)]");
  EXPECT_EQ(tree(list),
            "filterby:oneof=FILTERBY?{module-name:string=MODULE category:string=ACLCAT pattern:pattern=PATTERN}");
  EXPECT_EQ(hint(list), "[FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern]");
  // A value-taking first alternative is not a prefix.
  EXPECT_EQ(tree(parse_syntax("[EX seconds:integer | PERSIST]")),
            "expiration:oneof?{seconds:integer=EX persist:pure-token=PERSIST}");
}

TEST(ParseSyntax, RepeatedTokens) {
  EXPECT_EQ(tree(parse_syntax("[GET pattern [GET pattern ...]]")), "pattern:string=GET?*+");
  EXPECT_EQ(hint(parse_syntax("[GET pattern [GET pattern ...]]")), "[GET pattern [GET pattern ...]]");
  EXPECT_EQ(tree(parse_syntax("[ID client-id:integer [client-id:integer ...]]")), "client-id:integer=ID?*");
  EXPECT_EQ(hint(parse_syntax("[ID client-id:integer [client-id:integer ...]]")), "[ID client-id [client-id ...]]");
}

TEST(ParseSyntax, TokenBlockTakesMembersNames) {
  EXPECT_EQ(tree(parse_syntax("key min:double max:double [WITHSCORES] [LIMIT offset:integer count:integer]")),
            "key:key#0 min:double max:double withscores:pure-token=WITHSCORES? "
            "offset_count:block=LIMIT?{offset:integer count:integer}");
}

TEST(ParseSyntax, ColonWithoutTypeStaysInName) {
  const auto args = parse_syntax(
      "ip:port | [ID client-id:integer] [TYPE NORMAL | MASTER | SLAVE | REPLICA | PUBSUB] [USER username] "
      "[ADDR ip:port] [LADDR ip:port] [SKIPME yes/no]");
  ASSERT_EQ(args.size(), 1u);
  EXPECT_EQ(args[0].type, "oneof");
  ASSERT_EQ(args[0].arguments.size(), 2u);
  EXPECT_EQ(tree(args[0].arguments[0]), "ip:port:string");
  EXPECT_EQ(args[0].arguments[1].type, "block");
  EXPECT_EQ(args[0].arguments[1].name, "arguments");
  EXPECT_EQ(args[0].arguments[1].arguments.size(), 6u);
  EXPECT_EQ(syntax_error("ip:port | [ID client-id:integer] [SKIPME yes/no]"), "");
}

TEST(ParseSyntax, TokenNamedOtherwise) {
  // Redis names ZADD's CH "change" and SORT's ALPHA "sorting".
  EXPECT_EQ(tree(parse_syntax("key [NX | XX] [CH=change] [INCR]")),
            "key:key#0 condition:oneof?{nx:pure-token=NX xx:pure-token=XX} change:pure-token=CH? "
            "incr:pure-token=INCR?");
  EXPECT_EQ(syntax_error("[ASC | DESC] [ALPHA=sorting]"), "");
}

TEST(ParseSyntax, DisplayTextIsTheNameOfValues) {
  const auto args = parse_syntax("key [EX seconds:integer]");
  EXPECT_EQ(args[0].display_text, "key");
  EXPECT_EQ(args[1].display_text, "seconds");
}

TEST(ParseSyntax, MalformedLinesAreReported) {
  for (const char* bad : {"[a", "a]", "[]", "( )", "a | | b", "a |", "... a", ":integer", "Ex seconds", "[a )"}) {
    EXPECT_NE(syntax_error(bad), "") << bad;
    parse_syntax(bad);  // never throws, never crashes
  }
  EXPECT_NE(syntax_error("[a").find("missing ']'"), std::string::npos);
}

TEST(ParseSyntax, WellFormedLinesHaveNoError) {
  for (const char* good :
       {"key value [NX | XX] [GET] [EX seconds:integer | PX milliseconds:integer | KEEPTTL]", "key [key ...]",
        "key:key field value [field value ...]", "[protover:integer [AUTH username password] [SETNAME clientname]]",
        "[section [section ...]]", "key parent id text [FIRST | LAST | BEFORE sibling | AFTER sibling]",
        "[username] password", "[message]", "[NX|XX]"}) {
    EXPECT_EQ(syntax_error(good), "") << good;
  }
}

}  // namespace
}  // namespace arbor::core

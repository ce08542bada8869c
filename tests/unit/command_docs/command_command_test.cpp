// COMMAND and its subcommands over a small table whose rows carry Redis's own
// texts, so replies can be compared byte for byte with redis-server 7.0.15.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "redis_golden.h"
#include "docs_walk.h"
#include "server/commands/families.h"
#include "tests/unit/commands/harness.h"

namespace arbor::testing {
namespace {

using namespace core;

void noop(CommandContext&) {}

// Rows as Redis 7.0.15 describes these commands (texts from its JSON).
void register_fixture(CommandTable& t) {
  t.add({"get", 2, kReadonly | kFast, {1, 1, 1}, noop, "string", "Get the value of a key", "1.0.0", "O(1)", "key"});
  t.add({"mget", -2, kReadonly | kFast, {1, -1, 1}, noop, "string", "Get the values of all the given keys", "1.0.0",
         "O(N) where N is the number of keys to retrieve.", "key [key ...]"});
  t.add({"mset", -3, kWrite | kDenyOom, {1, -1, 2}, noop, "string", "Set multiple keys to multiple values", "1.0.1",
         "O(N) where N is the number of keys to set.", "key value [key value ...]"});
  t.add({"hscan", -3, kReadonly | kRandom, {1, 1, 1}, noop, "hash",
         "Incrementally iterate hash fields and associated values", "2.8.0",
         "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to "
         "return back to 0. N is the number of elements inside the collection..",
         "key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]"});
  t.add({"hello", -1, kNoscript | kLoading | kStale | kFast | kNoAuth | kAllowBusy, {}, noop, "connection",
         "Handshake with Redis", "6.0.0", "O(1)", "[protover:integer [AUTH username password] [SETNAME clientname]]"});
  CommandSpec client{"client", -2, 0, {}, noop, "connection", "A container for client connection commands", "2.4.0",
                     "Depends on subcommand.", ""};
  client.subcommands.push_back({"id", 2, kNoscript | kLoading | kStale, {}, noop, "connection",
                                "Returns the client ID for the current connection", "5.0.0", "O(1)", ""});
  t.add(std::move(client));
  commands::register_command_command(t);
}

class CommandCommand : public ::testing::Test {
 protected:
  CommandHarness h{{register_fixture}};
  std::vector<std::string> strings(const protocol::Reply& r) {
    std::vector<std::string> out;
    for (const auto& e : r.elements) out.push_back(e.str);
    return out;
  }
};

TEST_F(CommandCommand, DocsMatchRedisBytes) {
  EXPECT_EQ(h.raw({"COMMAND", "DOCS", "get"}), golden::kDocsGetResp2);
  EXPECT_EQ(h.raw({"COMMAND", "DOCS", "mget"}), golden::kDocsMgetResp2);
  EXPECT_EQ(h.raw({"COMMAND", "DOCS", "hello"}), golden::kDocsHelloNoHistoryResp2);
  h.set_resp(3);
  EXPECT_EQ(h.raw({"COMMAND", "DOCS", "get"}), golden::kDocsGetResp3);
  EXPECT_EQ(h.raw({"COMMAND", "DOCS", "hscan"}), golden::kDocsHscanResp3);
}

TEST_F(CommandCommand, InfoMatchesRedisBytes) {
  EXPECT_EQ(h.raw({"COMMAND", "INFO", "get"}), golden::kInfoGetResp2);
  h.set_resp(3);
  EXPECT_EQ(h.raw({"COMMAND", "INFO", "get"}), golden::kInfoGetResp3);
  EXPECT_EQ(h.raw({"COMMAND", "INFO", "client|id"}), golden::kInfoClientIdResp3);
}

TEST_F(CommandCommand, CountIsTopLevelRows) { EXPECT_EQ(h.run({"COMMAND", "COUNT"}).integer, 7); }

TEST_F(CommandCommand, BareCommandListsEveryRow) {
  const auto all = h.run({"COMMAND"});
  ASSERT_EQ(all.type, protocol::ReplyType::kArray);
  ASSERT_EQ(all.elements.size(), 7u);
  for (const auto& entry : all.elements) check_info_entry(entry);
  EXPECT_EQ(h.raw({"COMMAND", "INFO"}), h.raw({"COMMAND"}));
  // The container lists its subcommands as entries of their own.
  const auto client = h.run({"COMMAND", "INFO", "client"});
  ASSERT_EQ(client.elements[0].elements[9].elements.size(), 1u);
  EXPECT_EQ(client.elements[0].elements[9].elements[0].elements[0].str, "client|id");
}

TEST_F(CommandCommand, InfoGivesNilForUnknownNames) {
  const auto r = h.run({"COMMAND", "INFO", "GET", "nosuch", "CLIENT|ID", "client|nosuch", "get|x"});
  ASSERT_EQ(r.elements.size(), 5u);
  EXPECT_EQ(r.elements[0].elements[0].str, "get");
  EXPECT_TRUE(r.elements[1].is_null());
  EXPECT_EQ(r.elements[2].elements[0].str, "client|id");
  EXPECT_TRUE(r.elements[3].is_null());
  EXPECT_TRUE(r.elements[4].is_null());
  EXPECT_EQ(h.raw({"COMMAND", "INFO", "nosuch"}), "*1\r\n$-1\r\n");
}

TEST_F(CommandCommand, DocsLeaveOutUnknownNames) {
  const auto r = h.run({"COMMAND", "DOCS", "nosuch", "get", "client|id"});
  ASSERT_EQ(r.elements.size(), 4u);
  EXPECT_EQ(r.elements[0].str, "get");
  EXPECT_EQ(r.elements[2].str, "client|id");
  EXPECT_EQ(h.raw({"COMMAND", "DOCS", "nosuch"}), "*0\r\n");
}

TEST_F(CommandCommand, DocsOfAllCommandsSatisfyRedisCli) {
  for (int resp : {2, 3}) {
    h.set_resp(resp);
    const auto r = h.run({"COMMAND", "DOCS"});
    EXPECT_EQ(r.type, resp == 3 ? protocol::ReplyType::kMap : protocol::ReplyType::kArray);
    walk_docs_table(r);
    EXPECT_EQ(r.elements.size(), 14u);
  }
}

TEST_F(CommandCommand, ContainerDocsNestSubcommandsAsMap) {
  h.set_resp(3);
  const auto r = h.run({"COMMAND", "DOCS", "client"});
  const auto& docs = r.elements[1];
  ASSERT_EQ(docs.elements.size(), 10u);
  EXPECT_EQ(docs.elements[8].str, "subcommands");
  EXPECT_EQ(docs.elements[9].type, protocol::ReplyType::kMap);
  EXPECT_EQ(docs.elements[9].elements[0].str, "client|id");
}

TEST_F(CommandCommand, ListNamesSubcommandsAfterTheirContainer) {
  const auto all = strings(h.run({"COMMAND", "LIST"}));
  ASSERT_GE(all.size(), 8u);
  EXPECT_EQ(std::vector<std::string>(all.begin(), all.begin() + 8),
            (std::vector<std::string>{"get", "mget", "mset", "hscan", "hello", "client", "client|id", "command"}));
  EXPECT_EQ(all.size(), 15u);  // 7 rows, client|id and 7 COMMAND subcommands
}

TEST_F(CommandCommand, ListFilters) {
  EXPECT_EQ(strings(h.run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "CLIENT|I*"})),
            std::vector<std::string>{"client|id"});
  EXPECT_EQ(strings(h.run({"command", "list", "filterby", "pattern", "*get"})),
            (std::vector<std::string>{"get", "mget"}));
  EXPECT_EQ(strings(h.run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "WRITE"})), std::vector<std::string>{"mset"});
  EXPECT_EQ(strings(h.run({"COMMAND", "LIST", "FILTERBY", "aclcat", "connection"})),
            (std::vector<std::string>{"hello", "client|id"}));
  EXPECT_EQ(h.raw({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"}), "*0\r\n");
  EXPECT_EQ(h.raw({"COMMAND", "LIST", "FILTERBY", "MODULE", "x"}), "*0\r\n");
  for (auto args : {std::vector<std::string>{"COMMAND", "LIST", "FILTERBY"},
                    std::vector<std::string>{"COMMAND", "LIST", "x"},
                    std::vector<std::string>{"COMMAND", "LIST", "FILTERBY", "foo", "x"},
                    std::vector<std::string>{"COMMAND", "LIST", "FILTERBY", "pattern", "x", "y"}})
    EXPECT_EQ(h.raw(args), "-ERR syntax error\r\n");
}

TEST_F(CommandCommand, GetKeysFollowsTheKeySpec) {
  EXPECT_EQ(strings(h.run({"COMMAND", "GETKEYS", "mset", "a", "b", "c", "d"})),
            (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(strings(h.run({"COMMAND", "GETKEYS", "MSET", "a", "b", "c"})), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(strings(h.run({"COMMAND", "GETKEYS", "GET", "a"})), std::vector<std::string>{"a"});
  EXPECT_EQ(strings(h.run({"COMMAND", "GETKEYS", "mget", "a", "b", "c"})),
            (std::vector<std::string>{"a", "b", "c"}));
}

TEST_F(CommandCommand, GetKeysErrorsAsRedis) {
  EXPECT_EQ(h.raw({"COMMAND", "GETKEYS", "foo", "a"}), "-ERR Invalid command specified\r\n");
  EXPECT_EQ(h.raw({"COMMAND", "GETKEYS", "client", "nosuch"}), "-ERR Invalid command specified\r\n");
  EXPECT_EQ(h.raw({"COMMAND", "GETKEYS", "hello", "3"}), "-ERR The command has no key arguments\r\n");
  EXPECT_EQ(h.raw({"COMMAND", "GETKEYS", "client", "id"}), "-ERR The command has no key arguments\r\n");
  EXPECT_EQ(h.raw({"COMMAND", "GETKEYS", "get", "a", "b"}),
            "-ERR Invalid number of arguments specified for command\r\n");
  EXPECT_EQ(h.raw({"COMMAND", "GETKEYS", "mset", "a"}), "-ERR Invalid number of arguments specified for command\r\n");
  EXPECT_EQ(h.raw({"COMMAND", "GETKEYS", "get"}), "-ERR wrong number of arguments for 'command|getkeys' command\r\n");
}

TEST_F(CommandCommand, GetKeysAndFlags) {
  EXPECT_EQ(h.raw({"COMMAND", "GETKEYSANDFLAGS", "get", "a"}), "*1\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n");
  h.set_resp(3);
  EXPECT_EQ(h.raw({"COMMAND", "GETKEYSANDFLAGS", "mset", "a", "1"}),
            "*1\r\n*2\r\n$1\r\na\r\n~2\r\n+RW\r\n+update\r\n");
  EXPECT_EQ(h.raw({"COMMAND", "GETKEYSANDFLAGS", "hello", "3"}), "-ERR The command has no key arguments\r\n");
}

TEST_F(CommandCommand, HelpAndUnknownSubcommand) {
  const auto help = h.run({"COMMAND", "HELP"});
  ASSERT_EQ(help.elements.size(), 21u);
  EXPECT_EQ(help.elements[0].str, "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_EQ(help.elements[20].str, "    Prints this help.");
  EXPECT_EQ(h.raw({"COMMAND", "FOO"}), "-ERR unknown subcommand 'FOO'. Try COMMAND HELP.\r\n");
  EXPECT_EQ(h.raw({"COMMAND", "COUNT", "x"}), "-ERR wrong number of arguments for 'command|count' command\r\n");
}

}  // namespace
}  // namespace arbor::testing

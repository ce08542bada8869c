// Dispatcher: the gates of processCommand in Redis 7.0's order (existence,
// arity, then NOAUTH), the exact texts of unknown command / subcommand and
// arity errors, CLIENT REPLY OFF|SKIP|ON, and the statistics INFO reports.
// Every expected reply was taken from redis-server 7.0.15.
#include <gtest/gtest.h>

#include <string>

#include "server/core/command_context.h"
#include "tests/unit/commands/harness.h"

namespace arbor {
namespace {

using testing::CommandHarness;
using testing::err;


// Test-only commands next to the real ones: one that always fails.
void fail_handler(core::CommandContext& ctx) { ctx.reply.error("ERR boom"); }
void register_test_commands(core::CommandTable& t) {
  t.add({"test.fail", 1, 0, {}, fail_handler, "server", "Always fails.", "7.0.0", "O(1)", ""});
}

class Dispatcher : public ::testing::Test {
 protected:
  CommandHarness h{{core::register_all_commands, register_test_commands}};
  std::string run(std::initializer_list<std::string_view> args) { return h.text(args); }
  const core::Command& command(std::string_view name) {
    const core::Command* c = h.instance().commands.find(name);
    EXPECT_NE(c, nullptr) << name;
    return *c;
  }
  const core::Command& subcommand(std::string_view parent, std::string_view name) {
    return *h.instance().commands.find_subcommand(command(parent), name);
  }
};

TEST_F(Dispatcher, UnknownCommandListsItsFirstArguments) {
  EXPECT_EQ(run({"foo", "a", "b"}), err("ERR unknown command 'foo', with args beginning with: 'a' 'b' "));
  EXPECT_EQ(run({"foo"}), err("ERR unknown command 'foo', with args beginning with: "));
}

TEST_F(Dispatcher, UnknownCommandArgumentListStopsNear128Bytes) {
  const std::string x50(50, 'x');
  const std::string reply = h.run({"foo", x50, x50, x50, x50, x50}).str;
  EXPECT_EQ(reply, "ERR unknown command 'foo', with args beginning with: '" + x50 + "' '" + x50 + "' '" +
                       std::string(22, 'x') + "' ");
}

TEST_F(Dispatcher, UnknownCommandNameIsCutAt128Bytes) {
  const std::string name(200, 'n');
  EXPECT_EQ(h.run({name}).str,
            "ERR unknown command '" + std::string(128, 'n') + "', with args beginning with: ");
}

TEST_F(Dispatcher, NewlinesInErrorsBecomeSpaces) {
  EXPECT_EQ(h.raw({"foo", "a\r\nb", "c"}), "-ERR unknown command 'foo', with args beginning with: 'a  b' 'c' \r\n");
  EXPECT_EQ(h.raw({"client", "x\ny"}), "-ERR unknown subcommand 'x y'. Try CLIENT HELP.\r\n");
}

TEST_F(Dispatcher, UnknownSubcommandNamesTheContainerInCapitals) {
  EXPECT_EQ(run({"client", "x"}), err("ERR unknown subcommand 'x'. Try CLIENT HELP."));
  EXPECT_EQ(run({"CoNfIg", "foo"}), err("ERR unknown subcommand 'foo'. Try CONFIG HELP."));
  EXPECT_EQ(run({"object", "foo", "k"}), err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
}

TEST_F(Dispatcher, ArityErrorsUseTheFullName) {
  EXPECT_EQ(run({"client", "setname"}), err("ERR wrong number of arguments for 'client|setname' command"));
  EXPECT_EQ(run({"CLIENT", "SETNAME"}), err("ERR wrong number of arguments for 'client|setname' command"));
  EXPECT_EQ(run({"client"}), err("ERR wrong number of arguments for 'client' command"));
  EXPECT_EQ(run({"GET"}), err("ERR wrong number of arguments for 'get' command"));
  EXPECT_EQ(run({"get", "a", "b"}), err("ERR wrong number of arguments for 'get' command"));
  EXPECT_EQ(run({"config", "get"}), err("ERR wrong number of arguments for 'config|get' command"));
  EXPECT_EQ(run({"object", "help", "x"}), err("ERR wrong number of arguments for 'object|help' command"));
}

TEST_F(Dispatcher, CommandNamesAreCaseInsensitive) {
  EXPECT_EQ(run({"SeT", "k", "v"}), "\"OK\"");
  EXPECT_EQ(run({"gEt", "k"}), "\"v\"");
  EXPECT_EQ(run({"cLiEnT", "GeTnAmE"}), "nil");
}

TEST_F(Dispatcher, NoauthComesAfterExistenceAndArity) {
  h.config().settings().requirepass = "secret";
  h.client().authenticated = false;
  EXPECT_EQ(run({"foo"}), err("ERR unknown command 'foo', with args beginning with: "));
  EXPECT_EQ(run({"client", "foo"}), err("ERR unknown subcommand 'foo'. Try CLIENT HELP."));
  EXPECT_EQ(run({"client", "setname"}), err("ERR wrong number of arguments for 'client|setname' command"));
  EXPECT_EQ(run({"get"}), err("ERR wrong number of arguments for 'get' command"));
  EXPECT_EQ(run({"get", "k"}), err("NOAUTH Authentication required."));
  EXPECT_EQ(run({"ping"}), err("NOAUTH Authentication required."));
  EXPECT_EQ(run({"auth", "wrong"}), err("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(run({"auth", "secret"}), "\"OK\"");
  EXPECT_EQ(run({"ping"}), "\"PONG\"");
}

TEST_F(Dispatcher, ReplyOffSilencesUntilOn) {
  EXPECT_EQ(h.raw({"client", "reply", "off"}), "");
  EXPECT_EQ(h.raw({"ping"}), "");
  EXPECT_EQ(h.raw({"foo"}), "");  // errors too
  EXPECT_EQ(h.raw({"client", "reply", "on"}), "+OK\r\n");
  EXPECT_EQ(h.raw({"ping"}), "+PONG\r\n");
}

TEST_F(Dispatcher, ReplySkipDropsOnlyTheNextReply) {
  EXPECT_EQ(h.raw({"client", "reply", "skip"}), "");
  EXPECT_EQ(h.raw({"ping", "1"}), "");
  EXPECT_EQ(h.raw({"ping", "2"}), "$1\r\n2\r\n");
}

TEST_F(Dispatcher, ReplySkipTwiceSkipsTheCommandAfterTheSecond) {
  EXPECT_EQ(h.raw({"client", "reply", "skip"}), "");
  EXPECT_EQ(h.raw({"client", "reply", "skip"}), "");
  EXPECT_EQ(h.raw({"ping", "6"}), "");
  EXPECT_EQ(h.raw({"ping", "7"}), "$1\r\n7\r\n");
}

TEST_F(Dispatcher, ReplyOnRightAfterSkipIsAnswered) {
  EXPECT_EQ(h.raw({"client", "reply", "skip"}), "");
  EXPECT_EQ(h.raw({"client", "reply", "on"}), "+OK\r\n");
  EXPECT_EQ(h.raw({"ping", "3"}), "$1\r\n3\r\n");
}

TEST_F(Dispatcher, ReplySkipIsIgnoredWhileOff) {
  EXPECT_EQ(h.raw({"client", "reply", "off"}), "");
  EXPECT_EQ(h.raw({"client", "reply", "skip"}), "");
  EXPECT_EQ(h.raw({"ping", "b"}), "");
  EXPECT_EQ(h.raw({"ping", "c"}), "");  // still off
  EXPECT_EQ(h.raw({"client", "reply", "on"}), "+OK\r\n");
}

TEST_F(Dispatcher, ResetAfterSkipIsSkippedButResetAfterOffIsAnswered) {
  EXPECT_EQ(h.raw({"client", "reply", "skip"}), "");
  EXPECT_EQ(h.raw({"reset"}), "");
  EXPECT_EQ(h.raw({"ping", "a"}), "$1\r\na\r\n");
  EXPECT_EQ(h.raw({"client", "reply", "off"}), "");
  EXPECT_EQ(h.raw({"reset"}), "+RESET\r\n");
  EXPECT_EQ(h.raw({"ping", "e"}), "$1\r\ne\r\n");
}

TEST_F(Dispatcher, ReplyModeSyntaxErrorIsAnswered) {
  EXPECT_EQ(run({"client", "reply", "maybe"}), err("ERR syntax error"));
}

TEST_F(Dispatcher, CommandStatsCountCallsRejectionsAndFailures) {
  run({"set", "k", "v"});
  run({"get", "k"});
  run({"get"});                    // arity: rejected
  run({"client", "setname"});      // arity of a subcommand: rejected
  run({"client", "nosuch"});       // unknown subcommand: no command's stats change
  run({"test.fail"});              // ran and replied an error: failed
  run({"incr", "k"});              // not an integer: failed
  EXPECT_EQ(command("get").calls, 1u);
  EXPECT_EQ(command("get").rejected_calls, 1u);
  EXPECT_EQ(command("set").calls, 1u);
  EXPECT_EQ(command("test.fail").calls, 1u);
  EXPECT_EQ(command("test.fail").failed_calls, 1u);
  EXPECT_EQ(command("incr").failed_calls, 1u);
  EXPECT_EQ(subcommand("client", "setname").rejected_calls, 1u);
  EXPECT_EQ(command("client").rejected_calls, 0u);
  EXPECT_EQ(command("client").calls, 0u);
}

TEST_F(Dispatcher, NoauthRejectionsAreCounted) {
  h.config().settings().requirepass = "secret";
  h.client().authenticated = false;
  run({"ping"});
  run({"client", "reply", "off"});
  EXPECT_EQ(command("ping").rejected_calls, 1u);
  EXPECT_EQ(command("ping").calls, 0u);
  EXPECT_EQ(subcommand("client", "reply").rejected_calls, 1u);
  EXPECT_EQ(h.client().reply_mode, core::ReplyMode::kOn);  // it never ran
}

TEST_F(Dispatcher, TotalCommandsCountOnlyExecutedOnes) {
  const uint64_t before = h.instance().stats.total_commands_processed;
  run({"ping"});
  run({"foo"});
  run({"get"});
  run({"client", "nosuch"});
  run({"test.fail"});
  EXPECT_EQ(h.instance().stats.total_commands_processed, before + 2);
}

TEST_F(Dispatcher, EveryErrorReplyIsCounted) {
  const uint64_t before = h.instance().stats.total_error_replies;
  run({"foo"});
  run({"get"});
  run({"client", "nosuch"});
  run({"test.fail"});
  run({"ping"});
  EXPECT_EQ(h.instance().stats.total_error_replies, before + 4);
}

TEST_F(Dispatcher, ClientListShowsTheRunningCommand) {
  const std::string info = h.run({"client", "info"}).str;
  EXPECT_NE(info.find(" cmd=client|info "), std::string::npos) << info;
}

TEST_F(Dispatcher, EmptyArgumentListIsIgnored) {
  EXPECT_EQ(h.raw({}), "");
}

}  // namespace
}  // namespace arbor

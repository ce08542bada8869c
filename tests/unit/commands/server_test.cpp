// Server-family commands through the in-process harness: DBSIZE, FLUSHDB,
// FLUSHALL, TIME, DEBUG, INFO (sections, field names, commandstats,
// errorstats), CLIENT and CONFIG subcommands with their errors. Expected
// replies are redis-server 7.0.15's (CLIENT SETINFO: Redis 7.2's).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "tests/unit/commands/harness.h"

namespace arbor {
namespace {

using testing::CommandHarness;
using testing::err;
using testing::kOk;
using testing::kSyntax;


class Server : public ::testing::Test {
 protected:
  std::string run(std::initializer_list<std::string_view> args) { return h.text(args); }
  std::string info(std::initializer_list<std::string_view> args) { return h.run(args).str; }
  // Section titles ("Server", ...) of an INFO text, in order.
  static std::vector<std::string> sections(const std::string& text) {
    std::vector<std::string> out;
    size_t at = 0;
    while ((at = text.find("# ", at)) != std::string::npos) {
      const size_t end = text.find("\r\n", at);
      out.push_back(text.substr(at + 2, end - at - 2));
      at = end;
    }
    return out;
  }
  static bool has_field(const std::string& text, std::string_view field) {
    return text.find("\r\n" + std::string(field) + ":") != std::string::npos;
  }
  CommandHarness h;
};

TEST_F(Server, DbsizeCountsTheSelectedDatabase) {
  EXPECT_EQ(run({"DBSIZE"}), "0");
  run({"MSET", "a", "1", "b", "2"});
  EXPECT_EQ(run({"DBSIZE"}), "2");
  run({"SELECT", "1"});
  EXPECT_EQ(run({"DBSIZE"}), "0");
  EXPECT_EQ(run({"DBSIZE", "x"}), err("ERR wrong number of arguments for 'dbsize' command"));
}

TEST_F(Server, FlushdbAndFlushall) {
  run({"MSET", "a", "1", "b", "2"});
  run({"SET", "t", "1", "EX", "100"});
  run({"SELECT", "1"});
  run({"SET", "c", "3"});
  EXPECT_EQ(run({"FLUSHDB"}), kOk);
  EXPECT_EQ(run({"DBSIZE"}), "0");
  run({"SELECT", "0"});
  EXPECT_EQ(run({"DBSIZE"}), "3");
  EXPECT_EQ(run({"FLUSHALL", "ASYNC"}), kOk);
  EXPECT_EQ(run({"DBSIZE"}), "0");
  EXPECT_EQ(h.instance().db(0).expires_count(), 0u);
  run({"SET", "a", "1"});
  EXPECT_EQ(run({"FLUSHDB", "sync"}), kOk);
  EXPECT_EQ(run({"FLUSHALL", "SYNC"}), kOk);
}

TEST_F(Server, FlushAsyncOfABigDatabaseLeavesItEmptyAtOnce) {
  for (int i = 0; i < 5000; ++i) h.run(std::vector<std::string>{"SET", "k" + std::to_string(i), "v"});
  EXPECT_EQ(run({"FLUSHDB", "ASYNC"}), kOk);
  EXPECT_EQ(run({"DBSIZE"}), "0");
  EXPECT_EQ(run({"SET", "k1", "again"}), kOk);
  EXPECT_EQ(run({"GET", "k1"}), "\"again\"");
}

TEST_F(Server, FlushErrors) {
  EXPECT_EQ(run({"FLUSHDB", "foo"}), kSyntax);
  EXPECT_EQ(run({"FLUSHDB", "sync", "async"}), kSyntax);
  EXPECT_EQ(run({"FLUSHALL", "foo"}), kSyntax);
}

TEST_F(Server, TimeIsSecondsAndMicroseconds) {
  const protocol::Reply reply = h.run({"TIME"});
  ASSERT_EQ(reply.elements.size(), 2u);
  EXPECT_EQ(reply.elements[0].type, protocol::ReplyType::kBulk);
  EXPECT_GT(std::stoll(reply.elements[0].str), 1'600'000'000);
  const long long us = std::stoll(reply.elements[1].str);
  EXPECT_GE(us, 0);
  EXPECT_LT(us, 1'000'000);
  EXPECT_EQ(run({"TIME", "x"}), err("ERR wrong number of arguments for 'time' command"));
}

// As Redis 7.0: enable-debug-command is "no" by default; "local" admits
// exactly 127.0.0.1, ::1 and unix sockets; the arity check comes first.
TEST_F(Server, DebugNeedsEnableDebugCommand) {
  const std::string refused =
      "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a "
      "local connection, otherwise you need to set this option in the configuration file, and then restart the "
      "server.";
  EXPECT_EQ(h.run({"DEBUG", "SLEEP", "0"}).str, refused);
  EXPECT_EQ(run({"DEBUG"}), err("ERR wrong number of arguments for 'debug' command"));
  ASSERT_FALSE(h.config().set("enable-debug-command", "local", true));
  h.client().addr = "127.0.0.2:5000";
  EXPECT_EQ(h.run({"DEBUG", "SLEEP", "0"}).str, refused);
  h.client().addr = "127.0.0.1:5000";
  EXPECT_EQ(run({"DEBUG", "SLEEP", "0"}), kOk);
  h.client().addr = "[::1]:5000";
  EXPECT_EQ(run({"DEBUG", "SLEEP", "0"}), kOk);
}

TEST_F(Server, DebugSleepAndErrors) {
  ASSERT_FALSE(h.config().set("enable-debug-command", "yes", true));
  EXPECT_EQ(run({"DEBUG", "SLEEP", "0"}), kOk);
  EXPECT_EQ(run({"DEBUG", "SLEEP", "0.0"}), kOk);
  EXPECT_EQ(run({"DEBUG", "SLEEP", "abc"}), kOk);  // Redis: strtod, no check
  EXPECT_EQ(run({"DEBUG", "foo"}),
            err("ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP."));
  EXPECT_EQ(run({"DEBUG"}), err("ERR wrong number of arguments for 'debug' command"));
  EXPECT_EQ(run({"DEBUG", "SET-ACTIVE-EXPIRE", "0"}), kOk);
  EXPECT_FALSE(h.instance().active_expire_enabled);
}

TEST_F(Server, InfoDefaultSectionsInRedisOrder) {
  EXPECT_EQ(sections(info({"INFO"})),
            (std::vector<std::string>{"Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
                                      "Modules", "Errorstats", "Cluster", "Keyspace"}));
  EXPECT_EQ(sections(info({"INFO", "default"})), sections(info({"INFO"})));
}

TEST_F(Server, InfoAllAddsCommandstats) {
  EXPECT_EQ(sections(info({"INFO", "all"})),
            (std::vector<std::string>{"Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
                                      "Modules", "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace"}));
  EXPECT_EQ(sections(info({"INFO", "everything"})), sections(info({"INFO", "all"})));
}

TEST_F(Server, InfoChosenSections) {
  EXPECT_EQ(sections(info({"INFO", "server", "CLIENTS"})), (std::vector<std::string>{"Server", "Clients"}));
  EXPECT_EQ(sections(info({"INFO", "keyspace"})), (std::vector<std::string>{"Keyspace"}));
  EXPECT_EQ(info({"INFO", "foo"}), "");
}

TEST_F(Server, InfoFieldNamesThatToolsRead) {
  const std::string text = info({"INFO", "all"});
  for (const char* field :
       {"redis_version", "redis_mode", "os", "arch_bits", "process_id", "run_id", "tcp_port", "uptime_in_seconds",
        "hz", "executable", "config_file", "connected_clients", "maxclients", "blocked_clients", "used_memory",
        "used_memory_human", "used_memory_rss", "used_memory_peak", "maxmemory", "maxmemory_policy",
        "mem_fragmentation_ratio", "mem_allocator", "loading", "async_loading", "rdb_changes_since_last_save",
        "rdb_bgsave_in_progress", "rdb_last_save_time", "rdb_last_bgsave_status", "aof_enabled",
        "aof_rewrite_in_progress", "total_connections_received", "total_commands_processed",
        "instantaneous_ops_per_sec", "total_net_input_bytes", "total_net_output_bytes", "rejected_connections",
        "expired_keys", "evicted_keys", "keyspace_hits", "keyspace_misses", "total_error_replies", "role",
        "connected_slaves", "master_replid", "master_repl_offset", "used_cpu_sys", "used_cpu_user",
        "cluster_enabled"}) {
    EXPECT_TRUE(has_field(text, field)) << field;
  }
  EXPECT_NE(text.find("\r\nloading:0\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\nrole:master\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\ncluster_enabled:0\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\nredis_version:7.0.15\r\n"), std::string::npos);
}

TEST_F(Server, InfoKeyspaceLine) {
  run({"SET", "a", "1"});
  run({"SET", "b", "1", "EX", "100"});
  run({"SELECT", "2"});
  run({"SET", "c", "1"});
  const std::string text = info({"INFO", "keyspace"});
  EXPECT_NE(text.find("\r\ndb0:keys=2,expires=1,avg_ttl="), std::string::npos) << text;
  EXPECT_NE(text.find("\r\ndb2:keys=1,expires=0,avg_ttl=0\r\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("db1:"), std::string::npos);
}

TEST_F(Server, InfoIsVerbatimInResp3) {
  h.set_resp(3);
  EXPECT_EQ(h.run({"INFO", "server"}).type, protocol::ReplyType::kVerbatim);
  h.set_resp(2);
  EXPECT_EQ(h.run({"INFO", "server"}).type, protocol::ReplyType::kBulk);
}

TEST_F(Server, InfoCommandstatsLines) {
  run({"CONFIG", "RESETSTAT"});
  run({"GET", "k"});
  run({"GET"});
  run({"CLIENT", "SETNAME"});
  run({"INCR", "k"});
  run({"SET", "k", "x"});
  run({"INCR", "k"});
  const std::string text = info({"INFO", "commandstats"});
  EXPECT_NE(text.find("\r\ncmdstat_get:calls=1,usec="), std::string::npos) << text;
  EXPECT_NE(text.find(",rejected_calls=1,failed_calls=0\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\r\ncmdstat_client|setname:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\r\ncmdstat_incr:calls=2,"), std::string::npos) << text;
  EXPECT_NE(text.find("failed_calls=1"), std::string::npos) << text;
  EXPECT_EQ(text.find("cmdstat_client:"), std::string::npos) << text;
  EXPECT_EQ(text.find("cmdstat_ping"), std::string::npos) << text;  // never called
}

TEST_F(Server, InfoErrorstatsCountsByCode) {
  run({"CONFIG", "RESETSTAT"});
  run({"foo"});
  run({"GET"});
  run({"NOTE.ADD", "tree", "root", "a", "x"});
  run({"GET", "tree"});
  run({"GET", "tree"});
  const std::string text = info({"INFO", "errorstats"});
  EXPECT_EQ(text, "# Errorstats\r\nerrorstat_ERR:count=2\r\nerrorstat_WRONGTYPE:count=2\r\n");
  const std::string stats = info({"INFO", "stats"});
  EXPECT_NE(stats.find("\r\ntotal_error_replies:4\r\n"), std::string::npos);
  run({"CONFIG", "RESETSTAT"});
  EXPECT_EQ(info({"INFO", "errorstats"}), "# Errorstats\r\n");
}

TEST_F(Server, ResetstatClearsCounters) {
  run({"GET", "k"});
  run({"foo"});
  EXPECT_EQ(run({"CONFIG", "RESETSTAT"}), kOk);
  EXPECT_EQ(h.instance().stats.total_error_replies, 0u);
  EXPECT_EQ(h.instance().stats.keyspace_misses, 0u);
  EXPECT_EQ(h.instance().stats.total_commands_processed, 1u);  // RESETSTAT itself, as Redis
  EXPECT_EQ(h.instance().commands.find("get")->calls, 0u);
  EXPECT_EQ(run({"CONFIG", "RESETSTAT", "x"}), err("ERR wrong number of arguments for 'config|resetstat' command"));
}

TEST_F(Server, ClientIdAndNames) {
  EXPECT_EQ(run({"CLIENT", "ID"}), std::to_string(h.client().id));
  EXPECT_EQ(run({"CLIENT", "GETNAME"}), "nil");
  EXPECT_EQ(run({"CLIENT", "SETNAME", "worker-1"}), kOk);
  EXPECT_EQ(run({"CLIENT", "GETNAME"}), "\"worker-1\"");
  EXPECT_EQ(run({"CLIENT", "SETNAME", ""}), kOk);
  EXPECT_EQ(run({"CLIENT", "GETNAME"}), "nil");
  const std::string bad = err("ERR Client names cannot contain spaces, newlines or special characters.");
  EXPECT_EQ(run({"CLIENT", "SETNAME", "a b"}), bad);
  EXPECT_EQ(run({"CLIENT", "SETNAME", "a\nb"}), bad);
  EXPECT_EQ(run({"CLIENT", "SETNAME", "caf\xc3\xa9"}), bad);
  EXPECT_EQ(run({"CLIENT", "ID", "x"}), err("ERR wrong number of arguments for 'client|id' command"));
  EXPECT_EQ(run({"CLIENT", "GETNAME", "x"}), err("ERR wrong number of arguments for 'client|getname' command"));
}

TEST_F(Server, ClientSetinfo) {
  EXPECT_EQ(run({"CLIENT", "SETINFO", "lib-name", "redis-py"}), kOk);
  EXPECT_EQ(run({"CLIENT", "SETINFO", "LIB-VER", "5.0.1"}), kOk);
  const std::string line = h.run({"CLIENT", "INFO"}).str;
  EXPECT_NE(line.find(" lib-name=redis-py lib-ver=5.0.1"), std::string::npos) << line;
  EXPECT_EQ(run({"CLIENT", "SETINFO", "foo", "x"}), err("ERR Unrecognized option 'foo'"));
  EXPECT_EQ(run({"CLIENT", "SETINFO", "lib-name", "a b"}),
            err("ERR lib-name cannot contain spaces, newlines or special characters."));
  EXPECT_EQ(run({"CLIENT", "SETINFO", "LIB-VER", "a b"}),
            err("ERR LIB-VER cannot contain spaces, newlines or special characters."));
  EXPECT_EQ(run({"CLIENT", "SETINFO", "lib-name"}),
            err("ERR wrong number of arguments for 'client|setinfo' command"));
}

TEST_F(Server, ClientInfoAndListDescribeTheConnection) {
  run({"CLIENT", "SETNAME", "me"});
  run({"SELECT", "3"});
  const std::string line = h.run({"CLIENT", "INFO"}).str;
  EXPECT_EQ(line.rfind("id=" + std::to_string(h.client().id) + " addr=127.0.0.1:40000 laddr=127.0.0.1:6379 ", 0),
            0u)
      << line;
  EXPECT_NE(line.find(" name=me "), std::string::npos);
  EXPECT_NE(line.find(" db=3 "), std::string::npos);
  EXPECT_NE(line.find(" cmd=client|info "), std::string::npos);
  EXPECT_NE(line.find(" resp=2 "), std::string::npos);
  EXPECT_NE(line.find(" argv-mem=10 multi-mem=0 "), std::string::npos) << line;  // "client" + "info", as Redis
  EXPECT_EQ(line.back(), '\n');
  const std::string list = h.run({"CLIENT", "LIST"}).str;
  EXPECT_NE(list.find(" name=me "), std::string::npos);
  EXPECT_NE(list.find(" cmd=client|list "), std::string::npos);
  EXPECT_EQ(run({"CLIENT", "INFO", "x"}), err("ERR wrong number of arguments for 'client|info' command"));
}

TEST_F(Server, ClientListFilters) {
  const std::string me = std::to_string(h.client().id);
  EXPECT_NE(h.run({"CLIENT", "LIST", "TYPE", "normal"}).str, "");
  EXPECT_EQ(h.run({"CLIENT", "LIST", "TYPE", "master"}).str, "");
  EXPECT_EQ(h.run({"CLIENT", "LIST", "TYPE", "pubsub"}).str, "");
  EXPECT_NE(h.run({"CLIENT", "LIST", "ID", me}).str, "");
  EXPECT_EQ(h.run({"CLIENT", "LIST", "ID", "999999"}).str, "");
  EXPECT_EQ(h.run({"CLIENT", "LIST", "ID", "0"}).str, "");  // redis-server 7.0: empty, no error
  EXPECT_EQ(h.run({"CLIENT", "LIST", "ID", "-5"}).str, "");
  EXPECT_EQ(run({"CLIENT", "LIST", "TYPE", "foo"}), err("ERR Unknown client type 'foo'"));
  EXPECT_EQ(run({"CLIENT", "LIST", "ID", "abc"}), err("ERR Invalid client ID"));
  EXPECT_EQ(run({"CLIENT", "LIST", "ID"}), kSyntax);
  EXPECT_EQ(run({"CLIENT", "LIST", "foo"}), kSyntax);
}

TEST_F(Server, ClientKillErrors) {
  EXPECT_EQ(run({"CLIENT", "KILL", "1.2.3.4:5"}), err("ERR No such client"));
  EXPECT_EQ(run({"CLIENT", "KILL", "ID", "abc"}), err("ERR client-id should be greater than 0"));
  EXPECT_EQ(run({"CLIENT", "KILL", "ID", "0"}), err("ERR client-id should be greater than 0"));
  EXPECT_EQ(run({"CLIENT", "KILL", "foo", "bar"}), kSyntax);
  EXPECT_EQ(run({"CLIENT", "KILL", "USER", "foo"}), err("ERR No such user 'foo'"));
  EXPECT_EQ(run({"CLIENT", "KILL", "SKIPME", "maybe"}), kSyntax);
  EXPECT_EQ(run({"CLIENT", "KILL", "TYPE", "foo"}), err("ERR Unknown client type 'foo'"));
  EXPECT_EQ(run({"CLIENT", "KILL", "ADDR", "1.1.1.1:1"}), "0");
  EXPECT_EQ(run({"CLIENT", "KILL", "ID", "99999"}), "0");
  EXPECT_EQ(run({"CLIENT", "KILL", "TYPE", "master"}), "0");
}

TEST_F(Server, ClientKillSkipsTheCallerUnlessAsked) {
  const std::string me = std::to_string(h.client().id);
  EXPECT_EQ(run({"CLIENT", "KILL", "ID", me}), "0");
  EXPECT_FALSE(h.client().close_after_reply);
  EXPECT_EQ(run({"CLIENT", "KILL", "ID", me, "SKIPME", "no"}), "1");
  EXPECT_TRUE(h.client().close_after_reply);
}

TEST_F(Server, ClientNoEvictAndReplyErrors) {
  EXPECT_EQ(run({"CLIENT", "NO-EVICT", "on"}), kOk);
  EXPECT_TRUE(h.client().no_evict);
  EXPECT_EQ(run({"CLIENT", "NO-EVICT", "OFF"}), kOk);
  EXPECT_FALSE(h.client().no_evict);
  EXPECT_EQ(run({"CLIENT", "NO-EVICT", "maybe"}), kSyntax);
  EXPECT_EQ(run({"CLIENT", "REPLY", "maybe"}), kSyntax);
  EXPECT_EQ(run({"CLIENT", "REPLY"}), err("ERR wrong number of arguments for 'client|reply' command"));
  EXPECT_EQ(h.run({"CLIENT", "HELP"}).elements.front().str,
            "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
}

TEST_F(Server, ConfigGetReturnsPairs) {
  EXPECT_EQ(run({"CONFIG", "GET", "maxclients"}), "[\"maxclients\", \"10000\"]");
  EXPECT_EQ(run({"CONFIG", "GET", "MAXCLIENTS"}), "[\"MAXCLIENTS\", \"10000\"]");
  EXPECT_EQ(run({"CONFIG", "GET", "nosuch"}), "[]");
  EXPECT_EQ(run({"CONFIG", "GET", "p*rt", "port"}), "[\"port\", \"6379\"]");
  h.set_resp(3);
  EXPECT_EQ(run({"CONFIG", "GET", "maxclients"}), "{\"maxclients\": \"10000\"}");
  EXPECT_EQ(run({"CONFIG", "GET"}), err("ERR wrong number of arguments for 'config|get' command"));
}

TEST_F(Server, ConfigSetAppliesEveryPairOrNone) {
  EXPECT_EQ(run({"CONFIG", "SET", "maxclients", "50", "timeout", "30"}), kOk);
  EXPECT_EQ(run({"CONFIG", "GET", "timeout"}), "[\"timeout\", \"30\"]");
  EXPECT_EQ(run({"CONFIG", "SET", "maxclients", "60", "timeout", "-1"}),
            err("ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be between 0 and "
                "2147483647 inclusive"));
  EXPECT_EQ(run({"CONFIG", "GET", "maxclients"}), "[\"maxclients\", \"50\"]");  // rolled back
}

TEST_F(Server, ConfigSetErrors) {
  EXPECT_EQ(run({"CONFIG", "SET", "foo", "bar"}), err("ERR Unknown option or number of arguments for CONFIG SET - 'foo'"));
  EXPECT_EQ(run({"CONFIG", "SET", "maxclients", "10", "foo", "1"}),
            err("ERR Unknown option or number of arguments for CONFIG SET - 'foo'"));
  EXPECT_EQ(run({"CONFIG", "SET", "maxclients", "abc"}),
            err("ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed "
                "into an integer"));
  EXPECT_EQ(run({"CONFIG", "SET", "maxclients", "10", "maxclients", "20"}),
            err("ERR CONFIG SET failed (possibly related to argument 'maxclients') - duplicate parameter"));
  EXPECT_EQ(run({"CONFIG", "SET", "daemonize", "yes"}),
            err("ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config"));
  EXPECT_EQ(run({"CONFIG", "SET", "databases", "3"}),
            err("ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"));
  EXPECT_EQ(run({"CONFIG", "SET", "save", "0 1"}),
            err("ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"));
  EXPECT_EQ(run({"CONFIG", "SET", "proto-max-bulk-len", "1k"}),
            err("ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be "
                "between 1048576 and 9223372036854775807 inclusive"));
  EXPECT_EQ(run({"CONFIG", "SET", "a", "b", "c"}), kSyntax);
  EXPECT_EQ(run({"CONFIG", "SET", "a"}), err("ERR wrong number of arguments for 'config|set' command"));
}

TEST_F(Server, ConfigSetIsCaseInsensitive) {
  EXPECT_EQ(run({"CONFIG", "SET", "Maxclients", "1000"}), kOk);
  EXPECT_EQ(h.config().settings().maxclients, 1000);
  EXPECT_EQ(run({"CONFIG", "SET", "hz", "1000"}), kOk);
  EXPECT_EQ(run({"CONFIG", "GET", "hz"}), "[\"hz\", \"500\"]");
  EXPECT_EQ(run({"CONFIG", "SET", "save", ""}), kOk);
  EXPECT_EQ(run({"CONFIG", "GET", "save"}), "[\"save\", \"\"]");
}

TEST_F(Server, ConfigRewriteWithoutAFile) {
  EXPECT_EQ(run({"CONFIG", "REWRITE"}), err("ERR The server is running without a config file"));
}

}  // namespace
}  // namespace arbor

// The value kinds of Redis 7.0's config table (texts as redis-server
// 7.0.15 prints them), and the engine's rules around them: CONFIG SET's
// check order and all-or-nothing application, hidden parameters, the
// config file's own directives (include, rename-command, deprecated ones).
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "server/core/config.h"
#include "server/core/config_values.h"

namespace arbor::core {
namespace {

namespace cv = config_values;

TEST(ConfigValues, MemoryAsMemtoull) {
  uint64_t out = 0;
  EXPECT_FALSE(cv::parse_memory_bounded("1gb", 0, UINT64_MAX, out));
  EXPECT_EQ(out, 1073741824u);
  EXPECT_FALSE(cv::parse_memory_bounded("1G", 0, UINT64_MAX, out));
  EXPECT_EQ(out, 1000000000u);
  EXPECT_FALSE(cv::parse_memory_bounded("007", 0, UINT64_MAX, out));
  EXPECT_EQ(out, 7u);
  EXPECT_FALSE(cv::parse_memory_bounded("", 0, UINT64_MAX, out));
  EXPECT_EQ(out, 0u);
  EXPECT_FALSE(cv::parse_memory_bounded("99999999999999999999999", 0, UINT64_MAX, out));
  EXPECT_EQ(out, UINT64_MAX);  // saturates, as Redis does not detect overflow
  for (const char* bad : {"1.5", "1e3", "0x10", "-1", " 1", "1 kb", "1tb", "kb"})
    EXPECT_EQ(cv::parse_memory_bounded(bad, 0, UINT64_MAX, out), "argument must be a memory value") << bad;
  EXPECT_EQ(cv::parse_memory_bounded("0", 1, INT64_MAX, out),
            "argument must be between 1 and 9223372036854775807 inclusive");
}

TEST(ConfigValues, IntegersAndTheirBoundsTexts) {
  int64_t out = 0;
  EXPECT_EQ(cv::parse_integer("05", 0, 10, false, out), "argument couldn't be parsed into an integer");
  EXPECT_EQ(cv::parse_integer("+5", 0, 10, false, out), "argument couldn't be parsed into an integer");
  EXPECT_EQ(cv::parse_integer("11", 0, 10, false, out), "argument must be between 0 and 10 inclusive");
  // Unsigned kinds: -1 is a huge number, the bounds print unsigned.
  EXPECT_EQ(cv::parse_integer("-1", 1, UINT32_MAX, true, out), "argument must be between 1 and 4294967295 inclusive");
  EXPECT_FALSE(cv::parse_integer("-1", -1, INT64_MAX, false, out));
  EXPECT_EQ(out, -1);
}

TEST(ConfigValues, PercentOctalEnumsAndFlags) {
  int64_t value = 0;
  EXPECT_FALSE(cv::parse_memory_or_percent("5%", value));
  EXPECT_EQ(cv::print_memory_or_percent(value), "5%");
  EXPECT_FALSE(cv::parse_memory_or_percent("0%", value));
  EXPECT_EQ(cv::print_memory_or_percent(value), "0");
  EXPECT_EQ(cv::parse_memory_or_percent("200%", value), "percentage argument must be less or equal to 100");
  EXPECT_EQ(cv::parse_memory_or_percent("-5", value), "argument must be a memory or percent value");
  EXPECT_EQ(cv::parse_memory_or_percent("1%%", value), "argument must be a memory or percent value");

  EXPECT_FALSE(cv::parse_octal("0700", 0777, value));
  EXPECT_EQ(cv::print_octal(value), "700");
  EXPECT_EQ(cv::parse_octal("999", 0777, value), "argument couldn't be parsed as an octal number");
  EXPECT_EQ(cv::parse_octal("1000", 0777, value), "argument must be between 0 and 777 inclusive");

  static constexpr cv::EnumName kAdj[] = {{"no", 0}, {"yes", 1}, {"relative", 1}, {"absolute", 2}};
  int e = 0;
  EXPECT_FALSE(cv::parse_enum("RELATIVE", kAdj, e));
  EXPECT_EQ(cv::print_enum(e, kAdj), "yes");  // the first name with that value
  EXPECT_EQ(cv::parse_enum("x", kAdj, e), "argument(s) must be one of the following: no, yes, relative, absolute");

  EXPECT_FALSE(cv::parse_shutdown_flags("force now save", e));
  EXPECT_EQ(cv::print_shutdown_flags(e), "save now force");
  EXPECT_EQ(cv::parse_shutdown_flags("save nosave", e), "shutdown options SAVE and NOSAVE can't be used simultaneously");

  std::string printed;
  EXPECT_FALSE(cv::parse_percentiles("99.99 50", printed));
  EXPECT_EQ(printed, "99.99 50");
  EXPECT_FALSE(cv::parse_percentiles("", printed));
  EXPECT_EQ(printed, "");
  EXPECT_EQ(cv::parse_percentiles("101", printed),
            "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
  EXPECT_EQ(cv::parse_oom_score_adj_values("1 2", printed), "wrong number of arguments");
  EXPECT_EQ(cv::check_proc_title_template("{title}"), "template format is invalid or contains unknown variables");
  EXPECT_FALSE(cv::check_proc_title_template("{title} {listen-addr} {server-mode}"));
  EXPECT_EQ(cv::check_hostname("a_b"), "Hostnames may only contain alphanumeric characters, hyphens or dots");
}

std::optional<std::string> set(Config& config, std::vector<std::pair<std::string_view, std::string_view>> pairs,
                               bool local = false) {
  return config.set_many(pairs, Config::SetContext{local, false});
}

TEST(ConfigSetMany, ChecksNamesInOrderBeforeChangingAnything) {
  Config config;
  EXPECT_EQ(set(config, {{"hz", "20"}, {"nonexist", "1"}}),
            "ERR Unknown option or number of arguments for CONFIG SET - 'nonexist'");
  EXPECT_EQ(set(config, {{"DAEMONIZE", "no"}, {"nonexist", "1"}}),
            "ERR CONFIG SET failed (possibly related to argument 'DAEMONIZE') - can't set immutable config");
  EXPECT_EQ(set(config, {{"dir", "/tmp"}}),
            "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config");
  EXPECT_EQ(set(config, {{"MAXMEMORY", "0"}, {"maxmemory", "0"}}),
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter");
  EXPECT_EQ(config.settings().hz, 10);
  // An alias and its parameter are different names: the last one wins.
  EXPECT_FALSE(set(config, {{"slave-priority", "1"}, {"replica-priority", "2"}}));
  EXPECT_EQ(config.settings().replica_priority, 2);
}

TEST(ConfigSetMany, AFailedValueRestoresTheOnesBeforeIt) {
  Config config;
  EXPECT_EQ(set(config, {{"hz", "20"}, {"timeout", "30"}, {"maxclients", "abc"}}),
            "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an "
            "integer");
  EXPECT_EQ(config.settings().hz, 10);
  EXPECT_EQ(config.settings().timeout, 0);
  EXPECT_EQ(set(config, {{"Lua-Time-Limit", "x"}}),
            "ERR CONFIG SET failed (possibly related to argument 'lua-time-limit') - argument couldn't be parsed into "
            "an integer");
}

TEST(ConfigSetMany, AFailedApplyRestoresEverythingAndAppliesTheOldValues) {
  Config config;
  std::vector<std::string> applied;
  config.add_apply_hook([&](std::string_view name) -> std::optional<std::string> {
    applied.push_back(std::string(name) + "=" + config.get({name}).front().second);
    if (name == "port" && config.settings().port == 7777) return "Unable to listen on this port. Check server logs.";
    return std::nullopt;
  });
  EXPECT_EQ(set(config, {{"timeout", "5"}, {"port", "7777"}}),
            "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check "
            "server logs.");
  EXPECT_EQ(config.settings().timeout, 0);
  EXPECT_EQ(config.settings().port, 6379);
  EXPECT_EQ(applied, (std::vector<std::string>{"timeout=5", "port=7777", "timeout=0", "port=6379"}));
  applied.clear();
  EXPECT_FALSE(set(config, {{"timeout", "0"}}));  // unchanged: nothing to apply
  EXPECT_TRUE(applied.empty());
}

TEST(ConfigSetMany, ProtectedConfigsFollowEnableProtectedConfigs) {
  Config config;
  ASSERT_FALSE(config.set("enable-protected-configs", "local", true));
  EXPECT_TRUE(set(config, {{"dbfilename", "x.rdb"}}, /*local=*/false));
  EXPECT_FALSE(set(config, {{"dbfilename", "x.rdb"}}, /*local=*/true));
  EXPECT_EQ(config.settings().dbfilename, "x.rdb");
}

TEST(ConfigGet, HiddenParametersOnlyByName) {
  Config config;
  EXPECT_EQ(config.get({"*delay*"}).size(), 2u);  // repl-diskless-sync-delay, repl-disable-tcp-nodelay; not the hidden key-load-delay
  EXPECT_EQ(config.get({"KEY-LOAD-DELAY"}).size(), 1u);
  EXPECT_EQ(config.get({"*"}).size(), 192u + 5u);  // Redis's 192 and arbor's seeding five
}

TEST(ConfigFile, IncludeRenameAndDeprecatedDirectives) {
  const std::string dir = ::testing::TempDir() + "arbor_include_" + std::to_string(getpid());
  const std::string included = dir + ".conf";
  std::ofstream(included) << "hz 42\n";
  Config config;
  EXPECT_FALSE(config.load_text("include " + included + "\nrename-command CONFIG MYCONFIG\nrename-command FLUSHALL \"\"\n"
                                "list-max-ziplist-entries 512\nlua-replicate-commands yes\nsentinel\n",
                                "test.conf"));
  std::remove(included.c_str());
  EXPECT_EQ(config.settings().hz, 42);
  ASSERT_EQ(config.renamed_commands().size(), 2u);
  EXPECT_EQ(config.renamed_commands()[1], (std::pair<std::string, std::string>{"FLUSHALL", ""}));
  auto error = config.load_text("hz 1 2\n", "x");
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("wrong number of arguments"), std::string::npos);
  error = config.load_text("sentinel monitor m 127.0.0.1 6379 2\n", "x");
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("sentinel directive while not in sentinel mode"), std::string::npos);
  EXPECT_FALSE(config.load_text("bind \"127.0.0.1 ::1\"\n", "x"));  // one value with spaces: a list
  EXPECT_EQ(config.settings().bind, (std::vector<std::string>{"127.0.0.1", "::1"}));
}

TEST(ConfigFile, InertParametersAreNoticedOnceWhenChanged) {
  Config config;
  EXPECT_FALSE(config.load_text("appendfsync everysec\nio-threads 4\nio-threads 2\n", "x"));
  EXPECT_EQ(config.take_inert_notices(), std::vector<std::string>{"io-threads"});
  EXPECT_TRUE(config.take_inert_notices().empty());
  EXPECT_EQ(config.set("maxmemory", "1mb", true), std::nullopt);  // acts: not inert
  EXPECT_EQ(config.settings().maxmemory, 1024u * 1024);
  EXPECT_EQ(config.set("maxmemory-policy", "allkeys-lfu", true), std::nullopt);
  EXPECT_EQ(config.settings().maxmemory_policy, Settings::EvictionPolicy::allkeys_lfu);
  EXPECT_TRUE(config.take_inert_notices().empty());
  EXPECT_EQ(config.set("appendonly", "yes", true), "appendonly is not supported by arbor (use replicas and snapshots)");
}

}  // namespace
}  // namespace arbor::core

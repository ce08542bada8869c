// Config: redis.conf text (quotes, comments, accumulating save lines), the
// command line (config file plus `--name value` flags), memory units, CONFIG
// GET patterns and every CONFIG SET error, checked against redis-server 7.0.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "server/core/config.h"
#include "server/core/config_values.h"

namespace arbor::core {
namespace {

std::string get_one(const Config& config, std::string_view name) {
  auto found = config.get({name});
  return found.size() == 1 ? found[0].second : "<" + std::to_string(found.size()) + " results>";
}

std::optional<std::string> load_args(Config& config, std::vector<const char*> args) {
  return config.load_args(static_cast<int>(args.size()), args.data());
}

// A config file under the test's temp dir, removed afterwards.
class TempConfigFile {
 public:
  explicit TempConfigFile(std::string_view text)
      // The pid too: ctest runs each test in its own process, in parallel,
      // and every process starts counting at 0.
      : path_(::testing::TempDir() + "arbor_config_test_" + std::to_string(getpid()) + "_" +
              std::to_string(counter_++) + ".conf") {
    std::ofstream(path_) << text;
  }
  ~TempConfigFile() { std::remove(path_.c_str()); }
  const char* path() const { return path_.c_str(); }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

TEST(Config, DefaultsMatchRedis) {
  Config config;
  EXPECT_EQ(get_one(config, "port"), "6379");
  EXPECT_EQ(get_one(config, "save"), "3600 1 300 100 60 10000");
  EXPECT_EQ(get_one(config, "databases"), "16");
  EXPECT_EQ(get_one(config, "proto-max-bulk-len"), "536870912");
  EXPECT_EQ(get_one(config, "appendonly"), "no");
  EXPECT_EQ(get_one(config, "requirepass"), "");
}

TEST(Config, LoadTextSkipsCommentsAndBlankLinesAndHonoursQuotes) {
  Config config;
  const auto error = config.load_text(
      "# a comment\n"
      "\n"
      "   port 7000   \n"
      "requirepass \"pass word\"\n"
      "dbfilename 'my dump.rdb'\n"
      "\t# indented comment\n"
      "dir \"/tmp/a\\x41\"\r\n"
      "LOGLEVEL warning",
      "test.conf");
  ASSERT_FALSE(error) << *error;
  EXPECT_EQ(config.settings().port, 7000);
  EXPECT_EQ(config.settings().requirepass, "pass word");
  EXPECT_EQ(config.settings().dbfilename, "my dump.rdb");
  EXPECT_EQ(config.settings().dir, "/tmp/aA");
  EXPECT_EQ(config.settings().loglevel, "warning");
}

TEST(Config, LoadTextErrorsNameTheLine) {
  Config config;
  auto error = config.load_text("port 7000\nnosuchdirective 1\n", "my.conf");
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("my.conf"), std::string::npos);
  EXPECT_NE(error->find("line 2"), std::string::npos);
  EXPECT_NE(error->find(">>> 'nosuchdirective 1'"), std::string::npos);
  EXPECT_NE(error->find("Bad directive or wrong number of arguments"), std::string::npos);

  error = config.load_text("requirepass \"unbalanced\n", "my.conf");
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("Unbalanced quotes in configuration line"), std::string::npos);

  error = config.load_text("\n\nport notanumber\n", "my.conf");
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("line 3"), std::string::npos);
  EXPECT_NE(error->find("argument couldn't be parsed into an integer"), std::string::npos);

  error = config.load_text("port 70000\n", "my.conf");
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("argument must be between 0 and 65535 inclusive"), std::string::npos);

  error = config.load_text("port\n", "my.conf");
  ASSERT_TRUE(error);
}

TEST(Config, SaveLinesAccumulate) {
  Config config;
  ASSERT_FALSE(config.load_text("save 900 1\nsave 300 10\nsave 60 10000\n", "c"));
  EXPECT_EQ(get_one(config, "save"), "900 1 300 10 60 10000");
}

TEST(Config, SaveEmptyResetsAndLaterLinesStartAfresh) {
  Config config;
  ASSERT_FALSE(config.load_text("save 900 1\nsave \"\"\nsave 100 1\n", "c"));
  EXPECT_EQ(get_one(config, "save"), "100 1");  // redis-server 7.0 says the same
  Config off;
  ASSERT_FALSE(off.load_text("save \"\"\n", "c"));
  EXPECT_EQ(get_one(off, "save"), "");
}

TEST(Config, SaveNeedsPairsWithPositiveSeconds) {
  Config config;
  EXPECT_EQ(config.set("save", "0 1"), "Invalid save parameters");
  EXPECT_EQ(config.set("save", "10"), "Invalid save parameters");
  EXPECT_EQ(config.set("save", "10 -1"), "Invalid save parameters");
  EXPECT_EQ(config.set("save", "a b"), "Invalid save parameters");
  EXPECT_FALSE(config.set("save", "100 1 200 2"));
  EXPECT_EQ(get_one(config, "save"), "100 1 200 2");
  EXPECT_FALSE(config.set("save", ""));
  EXPECT_EQ(get_one(config, "save"), "");
}

TEST(Config, LoadArgsTakesFlagsWithValues) {
  Config config;
  ASSERT_FALSE(load_args(config, {"--port", "7001", "--bind", "0.0.0.0", "::1", "--requirepass", "a b"}));
  EXPECT_EQ(config.settings().port, 7001);
  EXPECT_EQ(config.settings().bind, (std::vector<std::string>{"0.0.0.0", "::1"}));
  EXPECT_EQ(config.settings().requirepass, "a b");
}

TEST(Config, LoadArgsSaveEmptyStringDisablesSnapshots) {
  Config config;
  ASSERT_FALSE(load_args(config, {"--save", "", "--port", "7002"}));
  EXPECT_EQ(get_one(config, "save"), "");
  EXPECT_EQ(config.settings().port, 7002);
  Config last;
  ASSERT_FALSE(load_args(last, {"--port", "7003", "--save"}));  // `--save` with no value, last
  EXPECT_EQ(get_one(last, "save"), "");
}

TEST(Config, LoadArgsValuesKeepQuotesAndBackslashes) {
  Config config;
  ASSERT_FALSE(load_args(config, {"--requirepass", "say \"hi\" \\o/"}));
  EXPECT_EQ(config.settings().requirepass, "say \"hi\" \\o/");
}

TEST(Config, LoadArgsReadsTheFileThenAppliesFlags) {
  TempConfigFile file("port 7004\nsave 900 1\nsave 300 10\nrequirepass fromfile\n");
  Config config;
  ASSERT_FALSE(load_args(config, {file.path(), "--requirepass", "fromflag", "--save", "60", "10000"}));
  EXPECT_EQ(config.settings().port, 7004);
  EXPECT_EQ(config.settings().requirepass, "fromflag");
  // redis-server 7.0: "save 900 1 300 10" in the file plus --save 60 10000.
  EXPECT_EQ(get_one(config, "save"), "900 1 300 10 60 10000");
}

TEST(Config, LoadArgsFileWithoutTrailingNewline) {
  TempConfigFile file("port 7005");
  Config config;
  ASSERT_FALSE(load_args(config, {file.path(), "--databases", "4"}));
  EXPECT_EQ(config.settings().port, 7005);
  EXPECT_EQ(config.settings().databases, 4);
}

TEST(Config, LoadArgsErrors) {
  Config config;
  auto error = load_args(config, {"/nonexistent/arbor.conf"});
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("can't open config file"), std::string::npos);
  error = load_args(config, {"--nosuch", "1"});
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("Bad directive"), std::string::npos);
  error = load_args(config, {"--port", "99999"});
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("argument must be between 0 and 65535 inclusive"), std::string::npos);
  EXPECT_FALSE(load_args(config, {}));
}

TEST(Config, MemoryUnitsFollowRedisMemtoull) {
  auto memory = [](std::string_view text) -> std::optional<uint64_t> {
    uint64_t out = 0;
    if (config_values::parse_memory_bounded(text, 0, UINT64_MAX, out)) return std::nullopt;
    return out;
  };
  EXPECT_EQ(memory("1gb"), 1073741824u);
  EXPECT_EQ(memory("1GB"), 1073741824u);
  EXPECT_EQ(memory("1g"), 1000000000u);
  EXPECT_EQ(memory("2mb"), 2097152u);
  EXPECT_EQ(memory("2m"), 2000000u);
  EXPECT_EQ(memory("100kb"), 102400u);
  EXPECT_EQ(memory("100k"), 100000u);
  EXPECT_EQ(memory("42b"), 42u);
  EXPECT_EQ(memory("42"), 42u);
  EXPECT_FALSE(memory("1.5gb"));
  EXPECT_FALSE(memory("-1"));
  EXPECT_FALSE(memory("abc"));
  EXPECT_FALSE(memory("1tb"));
  EXPECT_EQ(memory("99999999999999999999gb"), UINT64_MAX);  // saturates, as Redis's memtoull
}

TEST(Config, MemoryValuesThroughConfigLines) {
  Config config;
  ASSERT_FALSE(config.load_text("proto-max-bulk-len 100mb\nclient-query-buffer-limit 2g\n", "c"));
  EXPECT_EQ(get_one(config, "proto-max-bulk-len"), "104857600");
  EXPECT_EQ(get_one(config, "client-query-buffer-limit"), "2000000000");
  EXPECT_EQ(config.set("proto-max-bulk-len", "abc"), "argument must be a memory value");
  EXPECT_EQ(config.set("proto-max-bulk-len", "1k"),
            "argument must be between 1048576 and 9223372036854775807 inclusive");
}

TEST(Config, GetMatchesGlobsCaseInsensitively) {
  Config config;
  auto found = config.get({"*port*"});
  std::vector<std::string> names;
  for (auto& [name, value] : found) names.push_back(name);
  EXPECT_NE(std::find(names.begin(), names.end(), "port"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "replica-announce-port"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "announce-port-file"), names.end());  // hidden
  found = config.get({"MAXC*"});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].first, "maxclients");
  EXPECT_TRUE(config.get({"nosuch"}).empty());
  EXPECT_TRUE(config.get({"nosuch*"}).empty());
  EXPECT_GE(config.get({"*"}).size(), 20u);
}

TEST(Config, GetOfAPlainNameAnswersUnderTheAskedSpelling) {
  Config config;
  // redis-server 7.0: CONFIG GET MAXCLIENTS -> "MAXCLIENTS" "10000".
  auto found = config.get({"MAXCLIENTS"});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].first, "MAXCLIENTS");
  EXPECT_EQ(found[0].second, "10000");
}

TEST(Config, GetListsEachParameterOnce) {
  Config config;
  EXPECT_EQ(config.get({"port", "PORT", "p*rt"}).size(), 1u);
  EXPECT_EQ(config.get({"p*rt", "port"}).size(), 1u);
  EXPECT_EQ(config.get({"maxclients", "port"}).size(), 2u);
}

TEST(Config, SetErrorsInRedisWords) {
  Config config;
  EXPECT_EQ(config.set("nosuch", "1"), "Unknown option or number of arguments for CONFIG SET - 'nosuch'");
  EXPECT_EQ(config.set("maxclients", "abc"), "argument couldn't be parsed into an integer");
  EXPECT_EQ(config.set("maxclients", "0"), "argument must be between 1 and 4294967295 inclusive");
  EXPECT_EQ(config.set("timeout", "-1"), "argument must be between 0 and 2147483647 inclusive");
  EXPECT_EQ(config.set("protected-mode", "maybe"), "argument must be 'yes' or 'no'");
  EXPECT_EQ(config.set("dbfilename", "a/b", true), "dbfilename can't be a path, just a filename");
  EXPECT_TRUE(config.set("loglevel", "loud"));
  EXPECT_EQ(config.settings().loglevel, "notice");  // a failed set changes nothing
}

// Redis 7.0 refuses CONFIG SET of dir and dbfilename unless
// enable-protected-configs is on; they are settable in the file and flags.
TEST(Config, ProtectedConfigsOnlyAtStartup) {
  Config config;
  EXPECT_EQ(config.set("dir", "/tmp"), "can't set protected config");
  EXPECT_EQ(config.set("dbfilename", "x.rdb"), "can't set protected config");
  EXPECT_FALSE(config.set("dir", "/tmp", true));
  EXPECT_EQ(config.settings().dir, "/tmp");
}

TEST(Config, ImmutablesOnlyAtStartup) {
  Config config;
  EXPECT_EQ(config.set("databases", "4"), "can't set immutable config");
  EXPECT_EQ(config.set("daemonize", "no"), "can't set immutable config");
  EXPECT_EQ(config.settings().databases, 16);
  EXPECT_FALSE(config.set("databases", "4", /*at_startup=*/true));
  EXPECT_EQ(config.settings().databases, 4);
}

TEST(Config, SetIsCaseInsensitiveAndValuesToo) {
  Config config;
  EXPECT_FALSE(config.set("MaxClients", "50"));
  EXPECT_EQ(config.settings().maxclients, 50);
  EXPECT_FALSE(config.set("protected-mode", "NO"));
  EXPECT_FALSE(config.settings().protected_mode);
  EXPECT_FALSE(config.set("loglevel", "WARNING"));
  EXPECT_EQ(get_one(config, "loglevel"), "warning");
}

TEST(Config, HzIsClampedNotRefused) {
  Config config;
  EXPECT_FALSE(config.set("hz", "1000"));
  EXPECT_EQ(get_one(config, "hz"), "500");
  EXPECT_FALSE(config.set("hz", "0"));
  EXPECT_EQ(get_one(config, "hz"), "1");
  EXPECT_EQ(config.set("hz", "x"), "argument couldn't be parsed into an integer");
}

TEST(Config, ApplyHookRunsAfterSuccessfulSetsOnly) {
  Config config;
  std::vector<std::string> applied;
  config.add_apply_hook([&](std::string_view name) -> std::optional<std::string> {
    applied.emplace_back(name);
    return std::nullopt;
  });
  EXPECT_FALSE(config.set("LOGLEVEL", "debug"));
  EXPECT_TRUE(config.set("loglevel", "bogus"));
  EXPECT_EQ(applied, std::vector<std::string>{"loglevel"});
}

TEST(Config, KnownNames) {
  Config config;
  EXPECT_TRUE(config.is_known("port"));
  EXPECT_TRUE(config.is_known("PORT"));
  EXPECT_FALSE(config.is_known("nosuch"));
}

// CONFIG REWRITE keeps the operator's file: comments and order stay, the
// first line of a parameter takes its current value in place (aliases
// become the canonical name), its other lines are blanked, and parameters
// the file never named are appended when they are not at their default.
TEST(ConfigRewrite, UpdatesInPlaceAndAppendsWhatChanged) {
  Config config;
  const std::string file = "# my config\nport 7931\nslaveof 127.0.0.1 7999\n  hz 10  \nsave 900 1\nsave 300 10\n";
  ASSERT_FALSE(config.load_text(file, "test"));
  EXPECT_EQ(config.rewrite(file, "/data"),
            "# my config\nport 7931\nreplicaof 127.0.0.1 7999\nhz 10\nsave 900 1\nsave 300 10\n\n"
            "# Generated by CONFIG REWRITE\ndir /data\n");
  ASSERT_FALSE(config.set("replicaof", "no one", true));
  ASSERT_FALSE(config.set("save", ""));
  ASSERT_FALSE(config.set("maxclients", "500"));
  ASSERT_FALSE(config.set("requirepass", "s3cret word"));
  const std::string second = config.rewrite(file, "/data dir");
  EXPECT_EQ(second,
            "# my config\nport 7931\n\nhz 10\nsave \"\"\n\n# Generated by CONFIG REWRITE\n"
            "maxclients 500\nrequirepass \"s3cret word\"\ndir \"/data dir\"\n");
  // Rewriting the rewritten file changes nothing and adds no second signature.
  EXPECT_EQ(config.rewrite(second, "/data dir"), second);
  // What was written reads back to the same values.
  Config again;
  ASSERT_FALSE(again.load_text(second, "test"));
  EXPECT_EQ(get_one(again, "requirepass"), "s3cret word");
  EXPECT_EQ(get_one(again, "save"), "");
}

TEST(ConfigRewrite, AReplicaWritesReplicaofAndListsStayWords) {
  Config config;
  ASSERT_FALSE(config.set("replicaof", "10.0.0.5 6379", true));
  ASSERT_FALSE(config.set("bind", "127.0.0.1 -::1 10.0.0.9", true));
  ASSERT_FALSE(config.set("client-output-buffer-limit", "replica 512mb 128mb 60"));
  const std::string text = config.rewrite("", "/d");
  EXPECT_NE(text.find("\nreplicaof 10.0.0.5 6379\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nbind 127.0.0.1 -::1 10.0.0.9\n"), std::string::npos) << text;
  EXPECT_NE(text.find("client-output-buffer-limit normal 0 0 0 slave 536870912 134217728 60"), std::string::npos);
  EXPECT_NE(text.find("save 3600 1\nsave 300 100\nsave 60 10000\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("port"), std::string::npos);  // at its default, never named: left out
  Config again;
  ASSERT_FALSE(again.load_text(text, "test"));
  EXPECT_EQ(get_one(again, "bind"), "127.0.0.1 -::1 10.0.0.9");
  EXPECT_EQ(get_one(again, "replicaof"), "10.0.0.5 6379");
}

}  // namespace
}  // namespace arbor::core

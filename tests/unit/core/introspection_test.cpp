// SLOWLOG entries (Redis's 32-argument and 128-byte limits, newest first,
// trimmed to slowlog-max-len), the arguments both SLOWLOG and MONITOR
// redact, and MONITOR's line format (sdscatrepr quoting).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/core/monitor.h"
#include "server/core/slowlog.h"

namespace arbor::core {
namespace {

std::vector<std::string> redact(std::vector<std::string_view> args) {
  return redacted_args(std::span<const std::string_view>(args),
                       [](std::string_view name) { return name == "requirepass" || name == "masterauth"; });
}

TEST(Slowlog, ShortensArgumentsAsRedis) {
  Slowlog log;
  std::vector<std::string> many;
  for (int i = 0; i < 40; ++i) many.push_back("a" + std::to_string(i));
  const std::vector<std::string_view> views(many.begin(), many.end());
  log.push(views, {}, 1, 2, "127.0.0.1:1", "", 10);
  const SlowlogEntry& entry = log.entries().front();
  ASSERT_EQ(entry.args.size(), 32u);
  EXPECT_EQ(entry.args[30], "a30");
  EXPECT_EQ(entry.args[31], "... (9 more arguments)");
  const std::string long_arg(130, 'x');
  log.push(std::vector<std::string_view>{long_arg}, {}, 1, 2, "127.0.0.1:1", "", 10);
  std::string shortened(128, 'x');
  shortened += "... (2 more bytes)";  // (not string + "...": GCC 12 warns falsely)
  EXPECT_EQ(log.entries().front().args[0], shortened);
  EXPECT_EQ(log.entries().front().id, 1);
}

TEST(Slowlog, KeepsTheNewestUpToTheLimit) {
  Slowlog log;
  for (int i = 0; i < 5; ++i) {
    const std::string name = "cmd" + std::to_string(i);
    log.push(std::vector<std::string_view>{name}, {}, i, 1, "", "", 3);
  }
  ASSERT_EQ(log.entries().size(), 3u);
  EXPECT_EQ(log.entries().front().args[0], "cmd4");
  EXPECT_EQ(log.entries().back().args[0], "cmd2");
  log.reset();
  EXPECT_TRUE(log.entries().empty());
}

TEST(Redaction, SecretsAsRedisHidesThem) {
  EXPECT_EQ(redact({"AUTH", "user", "pass"}), (std::vector<std::string>{"AUTH", "(redacted)", "(redacted)"}));
  EXPECT_EQ(redact({"hello", "3", "auth", "u", "p", "setname", "n"}),
            (std::vector<std::string>{"hello", "3", "auth", "(redacted)", "(redacted)", "setname", "n"}));
  // SETNAME's value is skipped as Redis's loop does: a name "auth" hides nothing.
  EXPECT_EQ(redact({"HELLO", "3", "SETNAME", "auth", "AUTH", "default", "pw"}),
            (std::vector<std::string>{"HELLO", "3", "SETNAME", "auth", "AUTH", "(redacted)", "(redacted)"}));
  // MIGRATE's options end at KEYS: a key named auth is a key.
  EXPECT_EQ(redact({"MIGRATE", "h", "1", "", "0", "5", "KEYS", "auth", "b"}),
            (std::vector<std::string>{"MIGRATE", "h", "1", "", "0", "5", "KEYS", "auth", "b"}));
  EXPECT_EQ(redact({"MIGRATE", "h", "1", "k", "0", "5", "COPY", "AUTH2", "u", "p", "KEYS", "a"}),
            (std::vector<std::string>{"MIGRATE", "h", "1", "k", "0", "5", "COPY", "AUTH2", "(redacted)", "(redacted)",
                                      "KEYS", "a"}));
  EXPECT_EQ(redact({"CONFIG", "SET", "hz", "5", "requirepass", "s", "MASTERAUTH", "t"}),
            (std::vector<std::string>{"CONFIG", "SET", "hz", "5", "requirepass", "(redacted)", "MASTERAUTH", "t"}));
  EXPECT_EQ(redact({"SET", "auth", "x"}), (std::vector<std::string>{"SET", "auth", "x"}));
}

TEST(Monitor, LineFormatAndQuoting) {
  const std::string value("a \"b\"\\\n\r\t\x01\xff", 11);
  const std::vector<std::string_view> args = {"SET", "k", value};
  EXPECT_EQ(monitor_line(1700000000123456, 2, "127.0.0.1:5000", args),
            "+1700000000.123456 [2 127.0.0.1:5000] \"SET\" \"k\" \"a \\\"b\\\"\\\\\\n\\r\\t\\x01\\xff\"\r\n");
  EXPECT_EQ(monitor_line(5, 0, "lua", std::vector<std::string_view>{"auth", "x"}, {false, true}),
            "+0.000005 [0 lua] \"auth\" \"(redacted)\"\r\n");
}

}  // namespace
}  // namespace arbor::core

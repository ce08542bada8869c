// CONFIG GET | SET | RESETSTAT | REWRITE | HELP over core::Config.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/commands/families.h"
#include "server/core/arguments.h"

namespace arbor::commands {
namespace {

using core::CommandContext;

// CONFIG GET parameter [parameter ...]
void config_get(CommandContext& ctx) {
  std::vector<std::string_view> patterns(ctx.args.begin() + 2, ctx.args.end());
  const auto found = ctx.instance.config.get(patterns);
  ctx.reply.map(found.size());
  for (const auto& [name, value] : found) {
    ctx.reply.bulk(name);
    ctx.reply.bulk(value);
  }
}

// CONFIG SET parameter value [parameter value ...]
// All or nothing, as Redis 7 (core::Config::set_many).
void config_set(CommandContext& ctx) {
  // Redis 7.0 answers an unpaired name with a syntax error, not an arity error.
  if (ctx.argc() % 2 != 0) return ctx.reply.error(protocol::errors::kSyntax);
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  for (size_t i = 2; i < ctx.argc(); i += 2) pairs.emplace_back(ctx.arg(i), ctx.arg(i + 1));
  core::Config::SetContext context;
  context.client_is_local = core::is_local_client(ctx.client);
  context.loading = ctx.instance.repl.seeding;
  if (auto error = ctx.instance.config.set_many(pairs, context)) return ctx.reply.error(*error);
  ctx.instance.eviction.configure();
  ctx.instance.client_eviction.configure();
  for (const std::string& name : ctx.instance.config.take_inert_notices())
    spdlog::warn("The '{}' setting has no effect in arbor; it is accepted for redis.conf compatibility", name);
  ctx.reply.ok();
}

// CONFIG RESETSTAT
void config_resetstat(CommandContext& ctx) {
  auto& stats = ctx.instance.stats;
  const int64_t started = stats.start_time_ms;
  stats = core::Stats{};
  stats.start_time_ms = started;
  ctx.instance.commands.reset_stats();
  ctx.reply.ok();
}

// Replaces `path` by `text` as Redis's rewriteConfigOverwriteFile: a
// temporary file beside it, fsync, mode 0644 (less the umask), rename,
// fsync of the directory. Empty on success, else strerror's text.
std::string overwrite_config_file(const std::string& path, const std::string& text) {
  std::string temp = path + ".XXXXXX";
  const int fd = mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    spdlog::warn("Could not create tmp config file ({})", std::strerror(error));
    return std::strerror(error);
  }
  int error = 0;
  size_t written = 0;
  while (written < text.size() && error == 0) {
    const ssize_t n = write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno != EINTR) error = errno;
    if (n > 0) written += static_cast<size_t>(n);
  }
  const mode_t mask = umask(0);
  umask(mask);
  if (error == 0 && fsync(fd) != 0) error = errno;
  if (error == 0 && fchmod(fd, 0644 & ~mask) != 0) error = errno;
  close(fd);
  if (error == 0 && rename(temp.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    unlink(temp.c_str());
    return std::strerror(error);
  }
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const int dir_fd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_CLOEXEC);
  if (dir_fd >= 0) {
    (void)fsync(dir_fd);
    close(dir_fd);
  }
  return {};
}

// CONFIG REWRITE: the file arbor was started with, in place (config_rewrite.cpp).
void config_rewrite(CommandContext& ctx) {
  const std::string& path = ctx.instance.identity.config_file;
  if (path.empty()) return ctx.reply.error("ERR The server is running without a config file");
  std::string old_text;
  std::ifstream in(path);
  if (in) {
    std::stringstream buffer;
    buffer << in.rdbuf();
    old_text = buffer.str();
  } else if (errno != ENOENT) {
    const std::string reason = std::strerror(errno);
    spdlog::warn("CONFIG REWRITE failed: {}", reason);
    return ctx.reply.error("ERR Rewriting config file: " + reason);
  }
  std::error_code ec;
  const std::string dir = std::filesystem::absolute(ctx.instance.config.settings().dir, ec).lexically_normal().string();
  const std::string text = ctx.instance.config.rewrite(old_text, dir.size() > 1 && dir.ends_with('/') ? dir.substr(0, dir.size() - 1) : dir);
  if (const std::string error = overwrite_config_file(path, text); !error.empty()) {
    spdlog::warn("CONFIG REWRITE failed: {}", error);
    return ctx.reply.error("ERR Rewriting config file: " + error);
  }
  spdlog::warn("CONFIG REWRITE executed with success.");
  ctx.reply.ok();
}

// CONFIG HELP
void config_help(CommandContext& ctx) {
  static const char* const kLines[] = {
      "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
      "HELP",
      "    Print this help.",
  };
  core::reply_help(ctx.reply, kLines);
}

void config_container(CommandContext& ctx) { core::reply_wrong_arity(ctx.reply, "config"); }

}  // namespace

void register_config_command(core::CommandTable& t) {
  using namespace core;
  CommandSpec config{"config", -2, 0, {}, config_container, "server",
                     "A container for server configuration commands", "2.0.0", "Depends on subcommand.", ""};
  const uint32_t admin = kAdmin | kNoscript | kLoading | kStale;
  config.subcommands.push_back({"get", -3, admin, {}, config_get, "server",
                                "Get the values of configuration parameters", "2.0.0",
                                "O(N) when N is the number of configuration parameters provided",
                                "parameter [parameter ...]"});
  config.subcommands.push_back({"set", -4, admin, {}, config_set, "server",
                                "Set configuration parameters to the given values", "2.0.0",
                                "O(N) when N is the number of configuration parameters provided",
                                "parameter value [parameter value ...]"});
  config.subcommands.push_back({"resetstat", 2, admin, {}, config_resetstat, "server",
                                "Reset the stats returned by INFO", "2.0.0", "O(1)", ""});
  config.subcommands.push_back({"rewrite", 2, admin, {}, config_rewrite, "server",
                                "Rewrite the configuration file with the in memory configuration", "2.8.0",
                                "O(1)", ""});
  config.subcommands.push_back({"help", 2, kLoading | kStale, {}, config_help, "server",
                                "Show helpful text about the different subcommands", "5.0.0", "O(1)", ""});
  t.add(std::move(config));
}

}  // namespace arbor::commands

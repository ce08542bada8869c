// Argument parsing helpers shared by every command family.
#include "server/core/arguments.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <string>

#include "protocol/number_format.h"

namespace arbor::core {

// ASCII only, as Redis's strcasecmp in the C locale (and without a libc
// call per character: option words are compared on the request path).
bool equals_ci(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  auto fold = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c | 0x20) : c; };
  for (size_t i = 0; i < a.size(); ++i)
    if (fold(a[i]) != fold(b[i])) return false;
  return true;
}

bool int_or_reply(CommandContext& ctx, std::string_view text, int64_t& out, std::string_view error) {
  auto value = protocol::parse_int64(text);
  if (!value) {
    ctx.reply.error(error);
    return false;
  }
  out = *value;
  return true;
}

bool int_in_range_or_reply(CommandContext& ctx, std::string_view text, int64_t min, int64_t max,
                           int64_t& out, std::string_view error) {
  auto value = protocol::parse_int64(text);
  if (!value || *value < min || *value > max) {
    ctx.reply.error(error);
    return false;
  }
  out = *value;
  return true;
}

bool double_or_reply(CommandContext& ctx, std::string_view text, double& out, std::string_view error) {
  auto value = protocol::parse_double(text);
  if (!value) {
    ctx.reply.error(error);
    return false;
  }
  out = *value;
  return true;
}

bool long_double_or_reply(CommandContext& ctx, std::string_view text, long double& out,
                          std::string_view error) {
  auto value = protocol::parse_long_double(text);
  if (!value) {
    ctx.reply.error(error);
    return false;
  }
  out = *value;
  return true;
}

bool lookup_typed_or_reply(CommandContext& ctx, std::string_view key, keyspace::ValueType type,
                           keyspace::Entry*& out) {
  out = ctx.db().find(key, ctx.now_ms());
  ctx.count_lookup(key, out != nullptr);
  if (out != nullptr && out->type() != type) {
    ctx.reply.error(protocol::errors::kWrongType);
    return false;
  }
  return true;
}

bool scan_cursor_or_reply(CommandContext& ctx, std::string_view text, uint64_t& cursor) {
  const std::string copy(text);
  char* end = nullptr;
  errno = 0;
  cursor = std::strtoull(copy.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE || std::isspace(static_cast<unsigned char>(copy[0]))) {
    ctx.reply.error("ERR invalid cursor");
    return false;
  }
  return true;
}

bool scan_options_or_reply(CommandContext& ctx, size_t from, bool allow_type, ScanOptions& options) {
  for (size_t i = from; i < ctx.argc(); i += 2) {
    if (i + 1 >= ctx.argc()) {
      ctx.reply.error(protocol::errors::kSyntax);
      return false;
    }
    const std::string_view option = ctx.arg(i), value = ctx.arg(i + 1);
    if (equals_ci(option, "COUNT")) {
      if (!int_or_reply(ctx, value, options.count)) return false;
      if (options.count < 1) {
        ctx.reply.error(protocol::errors::kSyntax);
        return false;
      }
    } else if (equals_ci(option, "MATCH")) {
      options.pattern = value;
      options.has_pattern = value != "*";
    } else if (allow_type && equals_ci(option, "TYPE")) {
      options.type = value;
      options.has_type = true;
    } else {
      ctx.reply.error(protocol::errors::kSyntax);
      return false;
    }
  }
  return true;
}

bool random_count_or_reply(CommandContext& ctx, int64_t count) {
  if (count < -kMaxRandomRepeats) {
    ctx.reply.error("ERR value is out of range");
    return false;
  }
  return true;
}

void reply_wrong_arity(protocol::ReplyWriter& reply, std::string_view fullname) {
  std::string message = "ERR wrong number of arguments for '";
  message.append(fullname);
  message.append("' command");
  reply.error(message);
}

namespace {

void reply_subcommand_error(protocol::ReplyWriter& reply, std::string_view lead, std::string_view command,
                            std::string_view subcommand) {
  std::string upper(command);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string message(lead);
  message.append(subcommand.substr(0, 128));
  message.append("'. Try ");
  message.append(upper);
  message.append(" HELP.");
  reply.error(message);
}

}  // namespace

void reply_help(protocol::ReplyWriter& reply, std::span<const char* const> lines) {
  reply.array(lines.size());
  for (const char* line : lines) reply.simple(line);
}

void reply_unknown_subcommand(protocol::ReplyWriter& reply, std::string_view command,
                              std::string_view subcommand) {
  reply_subcommand_error(reply, "ERR unknown subcommand '", command, subcommand);
}

void reply_subcommand_syntax_error(protocol::ReplyWriter& reply, std::string_view command,
                                   std::string_view subcommand) {
  reply_subcommand_error(reply, "ERR unknown subcommand or wrong number of arguments for '", command, subcommand);
}

}  // namespace arbor::core

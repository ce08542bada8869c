// FUNCTION DUMP and FUNCTION RESTORE: the libraries as Redis 7.0's payload,
// RDB_OPCODE_FUNCTION2 and the code of each library, then the RDB version
// (2 bytes) and a CRC-64 of everything before it (8 bytes), little-endian.
// Our strings are never LZF-compressed; RESTORE reads every encoding. Here,
// not in commands/, because the RDB codec lives in replication/rdb/.
#include "replication/rdb/dump_payload.h"
#include "replication/rdb/rdb_format.h"
#include "replication/replication_service.h"
#include "server/core/arguments.h"
#include "server/core/command_context.h"
#include "server/core/command_table.h"
#include "server/scripting/script_engine.h"

namespace arbor::replication {
namespace {

const char* const kWrongPayload = "ERR DUMP payload version or checksum are wrong";

// FUNCTION DUMP
void function_dump(core::CommandContext& ctx) {
  std::string payload;
  RdbEncoder enc(payload);
  for (const std::string& code : scripting::engine(ctx.instance).library_codes()) {
    enc.byte(rdb_op::kFunction2);
    enc.string(code);
  }
  seal_payload(payload);
  ctx.reply.bulk(payload);
}

// FUNCTION RESTORE serialized-value [FLUSH | APPEND | REPLACE]
void function_restore(core::CommandContext& ctx) {
  using Policy = scripting::ScriptEngine::RestorePolicy;
  if (ctx.argc() > 4) return ctx.reply.error(protocol::errors::kSyntax);
  Policy policy = Policy::kAppend;
  if (ctx.argc() == 4) {
    const std::string_view name = ctx.arg(3);
    if (core::equals_ci(name, "flush")) policy = Policy::kFlush;
    else if (core::equals_ci(name, "append")) policy = Policy::kAppend;
    else if (core::equals_ci(name, "replace")) policy = Policy::kReplace;
    else return ctx.reply.error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
  }
  const auto body = payload_body(ctx.arg(2));
  if (!body) return ctx.reply.error(kWrongPayload);
  std::vector<std::string> codes;
  RdbCursor in(*body);
  while (!in.at_end()) {
    const auto type = in.byte();
    if (!type) return ctx.reply.error("ERR can not read data type");
    if (*type != rdb_op::kFunction2) return ctx.reply.error("ERR given type is not a function");
    auto code = in.string();
    if (!code) return ctx.reply.error("ERR Failed loading library payload");
    codes.push_back(std::move(*code));
  }
  const std::string error = scripting::engine(ctx.instance).restore_libraries(codes, policy);
  if (!error.empty()) return ctx.reply.error(error);
  ctx.mark_dirty();
  ctx.reply.ok();
}

}  // namespace

void register_function_payload_commands(core::CommandTable& t) {
  using namespace core;
  t.add_subcommand("function", {"dump", 2, kNoscript, {}, function_dump, "scripting",
                                "Dump all functions into a serialized binary payload", "7.0.0",
                                "O(N) where N is the number of functions", ""});
  t.add_subcommand("function", {"restore", -3, kWrite | kDenyOom | kNoscript, {}, function_restore, "scripting",
                                "Restore all the functions on the given payload", "7.0.0",
                                "O(N) where N is the number of functions on the payload",
                                "serialized-value [FLUSH | APPEND | REPLACE]"});
}

}  // namespace arbor::replication

// XREAD, split into argument resolution and serving (stream_common.h) so
// the blocking framework can park a client between the two and serve it
// again when XADD signals a key. Texts and checks follow Redis 7.0.15's
// xreadCommand.
#include <cstdint>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/commands/stream_common.h"

namespace arbor::commands {

using core::CommandContext;
using keyspace::Entry;
using keyspace::StreamId;
using keyspace::StreamValue;

bool resolve_xread_or_reply(CommandContext& ctx, XReadRequest& out) {
  const size_t argc = ctx.argc();
  size_t streams_arg = 0;
  size_t streams = 0;
  for (size_t i = 1; i < argc; ++i) {
    const bool more = i + 1 < argc;
    const std::string_view opt = ctx.arg(i);
    if (core::equals_ci(opt, "block") && more) {
      // As Redis: a script cannot block, and XREAD says so instead of
      // answering as if nothing came.
      if (ctx.client.in_script) {
        ctx.reply.error("ERR " + std::string(ctx.arg(0)) + " command is not allowed with BLOCK option from scripts");
        return false;
      }
      int64_t timeout = 0;
      if (!core::int_or_reply(ctx, ctx.arg(++i), timeout, "ERR timeout is not an integer or out of range"))
        return false;
      if (timeout < 0) {
        ctx.reply.error("ERR timeout is negative");
        return false;
      }
      out.block_ms = timeout;
    } else if (core::equals_ci(opt, "count") && more) {
      int64_t count = 0;
      if (!core::int_or_reply(ctx, ctx.arg(++i), count)) return false;
      out.count = count < 0 ? 0 : static_cast<size_t>(count);
    } else if (core::equals_ci(opt, "streams") && more) {
      streams_arg = i + 1;
      streams = argc - streams_arg;
      if (streams % 2 != 0) {
        ctx.reply.error(
            "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
        return false;
      }
      streams /= 2;
      break;
    } else if (core::equals_ci(opt, "group") && i + 2 < argc) {
      ctx.reply.error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
      return false;
    } else if (core::equals_ci(opt, "noack")) {
      ctx.reply.error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
      return false;
    } else {
      ctx.reply.error(protocol::errors::kSyntax);
      return false;
    }
  }
  if (streams_arg == 0) {
    ctx.reply.error(protocol::errors::kSyntax);
    return false;
  }
  out.keys.clear();
  out.ids.clear();
  out.keys.reserve(streams);
  out.ids.reserve(streams);
  // Key by key: its type, then its id (so WRONGTYPE wins over a later bad id).
  for (size_t j = 0; j < streams; ++j) {
    const std::string_view key = ctx.arg(streams_arg + j);
    const std::string_view text = ctx.arg(streams_arg + streams + j);
    Entry* entry;
    if (!stream_or_reply(ctx, key, entry)) return false;
    StreamId id{};
    if (text == "$") {
      if (entry != nullptr) id = entry->as<StreamValue>().last_id();
    } else if (text == ">") {
      ctx.reply.error(
          "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> "
          "option.");
      return false;
    } else if (!stream_id_or_reply(ctx, text, id, 0, true)) {
      return false;
    }
    out.keys.push_back(key);
    out.ids.push_back(id);
  }
  return true;
}

bool serve_xread(keyspace::Database& db, int64_t now_ms, protocol::ReplyWriter& reply,
                 const XReadRequest& request) {
  size_t served = 0;
  size_t mark = 0;
  for (size_t j = 0; j < request.keys.size(); ++j) {
    Entry* entry = db.find(request.keys[j], now_ms);
    if (entry == nullptr || entry->type() != keyspace::ValueType::kStream) continue;
    const StreamValue& stream = entry->as<StreamValue>();
    const auto last = stream.last_valid_id();
    if (!last || *last <= request.ids[j]) continue;
    if (served++ == 0) mark = reply.begin_deferred();
    // Redis sends [key, entries] pairs in RESP2 and a key -> entries map in
    // RESP3, so this reply (unlike most) is shaped per protocol here.
    if (reply.resp() == 2) reply.array(2);
    reply.bulk(request.keys[j]);
    StreamId start = request.ids[j];
    start.increment();  // cannot fail: an entry exists past ids[j]
    reply_stream_range(reply, stream, start, keyspace::kMaxStreamId, false, request.count);
  }
  if (served == 0) return false;
  if (reply.resp() == 2) reply.end_deferred_array(mark, served);
  else reply.end_deferred_map(mark, served);
  return true;
}

namespace {

// XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
void xread(CommandContext& ctx) {
  XReadRequest request;
  if (!resolve_xread_or_reply(ctx, request)) return;
  if (serve_xread(ctx.db(), ctx.now_ms(), ctx.reply, request)) return;
  if (request.block_ms < 0) return ctx.reply.null(protocol::NullKind::kArray);
  // BLOCK: wait for an XADD to one of the streams. The command runs again
  // with its ids resolved now, so `$` keeps meaning "newer than when I
  // asked" however long the wait.
  std::vector<std::string> keys(request.keys.begin(), request.keys.end());
  std::vector<std::string> rerun{"XREAD"};
  if (request.count > 0) {
    rerun.emplace_back("COUNT");
    rerun.push_back(std::to_string(request.count));
  }
  rerun.emplace_back("BLOCK");
  rerun.push_back(std::to_string(request.block_ms));
  rerun.emplace_back("STREAMS");
  rerun.insert(rerun.end(), keys.begin(), keys.end());
  char buf[keyspace::StreamId::kMaxText];
  for (const keyspace::StreamId& id : request.ids) rerun.emplace_back(id.format(buf));
  // A timeout too far away to add to the clock is as good as none.
  const bool finite = request.block_ms > 0 && request.block_ms <= INT64_MAX - ctx.now_ms();
  const int64_t deadline = finite ? ctx.now_ms() + request.block_ms : 0;
  ctx.block(std::move(keys), deadline, keyspace::ValueType::kStream, core::TimeoutReply::kNullArray,
            std::move(rerun));
}

}  // namespace

void register_stream_read_commands(core::CommandTable& t) {
  using namespace core;
  // Keys follow STREAMS (Redis's keyword key spec: movablekeys, the legacy
  // triple 0 0 0).
  static constexpr ExtraKeySpec kStreamsKeys[] = {{"RO access", {}, "STREAMS", 1, -1, 2}};
  t.add({"xread", -4, kReadonly | kBlocking, KeySpec{0, 0, 0, 0, {}, {}, {}, kStreamsKeys}, xread, "stream",
         "Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller "
         "for each stream. Can block.",
         "5.0.0",
         "For each stream mentioned: O(N) with N being the number of elements being returned, it means that "
         "XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) "
         "time in order to serve the M clients blocked on the stream getting new data.",
         "[COUNT count:integer] [BLOCK milliseconds:integer] STREAMS key [key ...] id [id ...]"});
}

}  // namespace arbor::commands

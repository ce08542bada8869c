// XREADGROUP GROUP group consumer [COUNT count] [BLOCK ms] [NOACK]
//   STREAMS key [key ...] id [id ...]
// as Redis 7.0.15's xreadCommand with a group: ">" delivers entries after
// the group's last id, adding them to the PEL of the group and the consumer
// (unless NOACK) and advancing the group; another id replays the consumer's
// own pending entries from there. Replicas get each delivery as the XCLAIM
// Redis sends (and XGROUP SETID for NOACK reads, XGROUP CREATECONSUMER for a
// new consumer), never the XREADGROUP itself. BLOCK waits for XADD through
// the blocking framework, re-running the command; a group destroyed meanwhile
// ends the wait with -NOGROUP.
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/commands/stream_common.h"
#include "server/commands/stream_group_common.h"

namespace arbor::commands {
namespace {

using core::CommandContext;
using core::equals_ci;
using keyspace::StreamConsumer;
using keyspace::StreamGroup;
using keyspace::StreamId;
using keyspace::StreamNack;
using keyspace::StreamValue;

struct ReadGroupArgs {
  std::string_view group, consumer;
  size_t count = 0;
  int64_t block_ms = -1;
  bool noack = false;
  size_t streams_at = 0, streams = 0;
};

bool args_or_reply(CommandContext& ctx, ReadGroupArgs& a) {
  bool has_group = false;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    const size_t more = ctx.argc() - i - 1;
    const std::string_view opt = ctx.arg(i);
    if (equals_ci(opt, "block") && more > 0) {
      if (ctx.client.in_script) {
        ctx.reply.error("ERR " + std::string(ctx.arg(0)) + " command is not allowed with BLOCK option from scripts");
        return false;
      }
      if (!core::int_or_reply(ctx, ctx.arg(++i), a.block_ms, "ERR timeout is not an integer or out of range"))
        return false;
      if (a.block_ms < 0) {
        ctx.reply.error("ERR timeout is negative");
        return false;
      }
    } else if (equals_ci(opt, "count") && more > 0) {
      int64_t count;
      if (!core::int_or_reply(ctx, ctx.arg(++i), count)) return false;
      a.count = count < 0 ? 0 : static_cast<size_t>(count);
    } else if (equals_ci(opt, "streams") && more > 0) {
      a.streams_at = i + 1;
      a.streams = ctx.argc() - a.streams_at;
      if (a.streams % 2 != 0) {
        ctx.reply.error(
            "ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be specified.");
        return false;
      }
      a.streams /= 2;
      break;
    } else if (equals_ci(opt, "group") && more >= 2) {
      a.group = ctx.arg(i + 1);
      a.consumer = ctx.arg(i + 2);
      has_group = true;
      i += 2;
    } else if (equals_ci(opt, "noack")) {
      a.noack = true;
    } else {
      ctx.reply.error(protocol::errors::kSyntax);
      return false;
    }
  }
  if (a.streams_at == 0) {
    ctx.reply.error(protocol::errors::kSyntax);
    return false;
  }
  if (!has_group) {
    ctx.reply.error("ERR Missing GROUP option for XREADGROUP");
    return false;
  }
  return true;
}

// Delivers new entries (after the group's last id) to `consumer`, as
// Redis's streamReplyWithRange with a group.
void deliver_new(CommandContext& ctx, std::string_view key, StreamValue& stream, StreamGroup& group,
                 StreamConsumer& consumer, const ReadGroupArgs& a) {
  StreamId start = group.last_id;
  start.increment();
  const int64_t now = ctx.now_ms();
  std::vector<StreamId> delivered;
  const size_t mark = ctx.reply.begin_deferred();
  const size_t n = stream.range(start, keyspace::kMaxStreamId, false, a.count, [&](const keyspace::StreamEntryView& e) {
    reply_stream_entry(ctx.reply, e);
    delivered.push_back(e.id);
  });
  ctx.reply.end_deferred_array(mark, n);
  bool propagate_last_id = false;
  for (const StreamId& id : delivered) {
    if (id > group.last_id) {
      if (group.entries_read != keyspace::kEntriesReadUnknown && !tombstones_from(stream, id)) ++group.entries_read;
      else if (stream.entries_added() != 0) group.entries_read = keyspace::estimate_entries_read(stream, id);
      group.last_id = id;
      if (a.noack) propagate_last_id = true;
    }
    if (a.noack) continue;
    auto [it, inserted] = group.pel.try_emplace(id, StreamNack{now, 1, &consumer});
    if (!inserted) {
      // Already pending (XGROUP SETID moved the group back): it moves here.
      it->second.consumer->pending.erase(id);
      it->second = StreamNack{now, 1, &consumer};
    }
    consumer.pending.insert(id);
    propagate_xclaim(ctx, key, a.group, group, id, it->second);
  }
  if (propagate_last_id) propagate_group_id(ctx, key, a.group, group);
}

// Replays the consumer's own pending entries after `after` (Redis's
// streamReplyWithRangeFromConsumerPEL): each delivery counts, and a deleted
// entry shows as [id, nil].
void deliver_history(CommandContext& ctx, const StreamValue& stream, StreamGroup& group, StreamConsumer& consumer,
                     StreamId after, size_t count) {
  const size_t mark = ctx.reply.begin_deferred();
  size_t n = 0;
  char buf[StreamId::kMaxText];
  for (auto it = consumer.pending.upper_bound(after); it != consumer.pending.end(); ++it) {
    if (count != 0 && n == count) break;
    const size_t found =
        stream.range(*it, *it, false, 1, [&](const keyspace::StreamEntryView& e) { reply_stream_entry(ctx.reply, e); });
    if (found == 0) {
      ctx.reply.array(2);
      ctx.reply.bulk(it->format(buf));
      ctx.reply.null(protocol::NullKind::kArray);
    } else {
      StreamNack& nack = group.pel.at(*it);
      nack.delivery_time_ms = ctx.now_ms();
      ++nack.delivery_count;
    }
    ++n;
  }
  ctx.reply.end_deferred_array(mark, n);
}

void xreadgroup(CommandContext& ctx) {
  ReadGroupArgs a;
  if (!args_or_reply(ctx, a)) return;
  const bool rerun = ctx.client.blocked != nullptr;
  std::vector<StreamGroup*> groups(a.streams);
  std::vector<StreamId> ids(a.streams);
  std::vector<bool> fresh(a.streams);  // ">"
  for (size_t j = 0; j < a.streams; ++j) {
    const std::string_view key = ctx.arg(a.streams_at + j);
    const std::string_view text = ctx.arg(a.streams_at + a.streams + j);
    if (rerun) {
      const keyspace::Entry* current = ctx.db().find(key, ctx.now_ms());
      if (current == nullptr || current->type() != keyspace::ValueType::kStream)
        return ctx.reply.error("UNBLOCKED the stream key no longer exists");
    }
    keyspace::Entry* entry;
    if (!stream_or_reply(ctx, key, entry)) return;
    groups[j] = entry != nullptr ? find_group(entry->as<StreamValue>(), a.group) : nullptr;
    if (groups[j] == nullptr) {
      if (rerun) return ctx.reply.error("NOGROUP the consumer group this client was blocked on no longer exists");
      return ctx.reply.error("NOGROUP No such key '" + std::string(key) + "' or consumer group '" +
                             std::string(a.group) + "' in XREADGROUP with GROUP option");
    }
    if (text == "$")
      return ctx.reply.error(
          "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer "
          "by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty "
          "result set.");
    if (text == ">") {
      fresh[j] = true;
      continue;
    }
    if (!stream_id_or_reply(ctx, text, ids[j], 0, true)) return;
  }

  size_t served = 0, mark = 0;
  for (size_t j = 0; j < a.streams; ++j) {
    const std::string_view key = ctx.arg(a.streams_at + j);
    StreamValue& stream = ctx.db().find(key, ctx.now_ms())->as<StreamValue>();
    StreamGroup& group = *groups[j];
    if (fresh[j]) {
      const auto last = stream.last_valid_id();
      if (!last || *last <= group.last_id) continue;
    }
    if (served++ == 0) mark = ctx.reply.begin_deferred();
    if (ctx.reply.resp() == 2) ctx.reply.array(2);
    ctx.reply.bulk(key);
    bool created = false;
    StreamConsumer& consumer = group.consumer(a.consumer, ctx.now_ms(), &created);
    consumer.seen_time_ms = ctx.now_ms();
    if (created) {
      ctx.notify(core::kEventStream, "xgroup-createconsumer", key);
      propagate_consumer_creation(ctx, key, a.group, a.consumer);
    }
    if (fresh[j]) deliver_new(ctx, key, stream, group, consumer, a);
    else deliver_history(ctx, stream, group, consumer, ids[j], a.count);
    ctx.mark_dirty();
  }
  if (served > 0) {
    if (ctx.reply.resp() == 2) ctx.reply.end_deferred_array(mark, served);
    else ctx.reply.end_deferred_map(mark, served);
    return;
  }
  if (a.block_ms < 0) return ctx.reply.null(protocol::NullKind::kArray);
  std::vector<std::string> keys;
  for (size_t j = 0; j < a.streams; ++j) keys.emplace_back(ctx.arg(a.streams_at + j));
  const bool finite = a.block_ms > 0 && a.block_ms <= INT64_MAX - ctx.now_ms();
  ctx.block(std::move(keys), finite ? ctx.now_ms() + a.block_ms : 0, keyspace::ValueType::kStream,
            core::TimeoutReply::kNullArray);
  // A reader learns when its stream goes away (it then ends with an error).
  if (ctx.client.blocked) ctx.client.blocked->rerun_when_key_gone = true;
}

}  // namespace

void register_stream_readgroup_command(core::CommandTable& t) {
  using namespace core;
  static constexpr ExtraKeySpec kStreamsKeys[] = {{"RO access", {}, "STREAMS", 4, -1, 2}};
  t.add({"xreadgroup", -7, kWrite | kBlocking, KeySpec{0, 0, 0, 0, {}, {}, {}, kStreamsKeys}, xreadgroup, "stream",
         "Return new entries from a stream using a consumer group, or access the history of the pending entries for "
         "a given consumer. Can block.",
         "5.0.0",
         "For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. "
         "always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when "
         "XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream "
         "getting new data.",
         "GROUP group consumer [COUNT count:integer] [BLOCK milliseconds:integer] [NOACK] STREAMS key [key ...] id "
         "[id ...]"});
}

}  // namespace arbor::commands

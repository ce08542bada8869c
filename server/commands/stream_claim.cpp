// XCLAIM and XAUTOCLAIM as Redis 7.0.15's t_stream.c: ownership of pending
// entries moves to a consumer; an entry deleted from the stream leaves the
// PEL instead (XAUTOCLAIM lists those ids). Each change reaches replicas as
// the idempotent XCLAIM ... FORCE JUSTID LASTID Redis sends.
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

// The consumer that claims, created (and announced) on first use.
StreamConsumer& claimer(CommandContext& ctx, StreamGroup& group, StreamConsumer*& consumer) {
  if (consumer == nullptr) {
    bool created = false;
    consumer = &group.consumer(ctx.arg(3), ctx.now_ms(), &created);
    consumer->seen_time_ms = ctx.now_ms();
    if (created) ctx.notify(core::kEventStream, "xgroup-createconsumer", ctx.arg(1));
  }
  return *consumer;
}

// Moves the pending entry to `consumer` (from its owner, if any).
void move_nack(StreamNack& nack, StreamId id, StreamConsumer& consumer) {
  if (nack.consumer == &consumer) return;
  if (nack.consumer != nullptr) nack.consumer->pending.erase(id);
  consumer.pending.insert(id);
  nack.consumer = &consumer;
}

// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-ms]
//   [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]
void xclaim(CommandContext& ctx) {
  keyspace::Entry* entry;
  if (!stream_or_reply(ctx, ctx.arg(1), entry)) return;
  StreamValue* stream = entry != nullptr ? &entry->as<StreamValue>() : nullptr;
  StreamGroup* group = stream != nullptr ? find_group(*stream, ctx.arg(2)) : nullptr;
  if (group == nullptr) return ctx.reply.error(nogroup(ctx.arg(1), ctx.arg(2)));
  int64_t min_idle;
  if (!core::int_or_reply(ctx, ctx.arg(4), min_idle, "ERR Invalid min-idle-time argument for XCLAIM")) return;
  if (min_idle < 0) min_idle = 0;
  // The ids run until the first argument that is not one: the options.
  std::vector<StreamId> ids;
  size_t j = 5;
  for (; j < ctx.argc(); ++j) {
    StreamId id;
    if (!parse_stream_id(ctx.arg(j), id, 0, true)) break;
    ids.push_back(id);
  }
  const int64_t now = ctx.now_ms();
  int64_t retry_count = -1, delivery_time = -1;
  bool force = false, justid = false, propagate_last_id = false;
  StreamId last_id{};
  for (; j < ctx.argc(); ++j) {
    const bool more = j + 1 < ctx.argc();
    const std::string_view opt = ctx.arg(j);
    if (equals_ci(opt, "force")) {
      force = true;
    } else if (equals_ci(opt, "justid")) {
      justid = true;
    } else if (equals_ci(opt, "idle") && more) {
      if (!core::int_or_reply(ctx, ctx.arg(++j), delivery_time, "ERR Invalid IDLE option argument for XCLAIM"))
        return;
      delivery_time = now - delivery_time;
    } else if (equals_ci(opt, "time") && more) {
      if (!core::int_or_reply(ctx, ctx.arg(++j), delivery_time, "ERR Invalid TIME option argument for XCLAIM"))
        return;
    } else if (equals_ci(opt, "retrycount") && more) {
      if (!core::int_or_reply(ctx, ctx.arg(++j), retry_count, "ERR Invalid RETRYCOUNT option argument for XCLAIM"))
        return;
    } else if (equals_ci(opt, "lastid") && more) {
      if (!stream_id_or_reply(ctx, ctx.arg(++j), last_id, 0, true)) return;
    } else {
      return ctx.reply.error("ERR Unrecognized XCLAIM option '" + std::string(opt) + "'");
    }
  }
  if (last_id > group->last_id) {
    group->last_id = last_id;
    propagate_last_id = true;
  }
  // A bogus time (negative, in the future) means now, rather than an error.
  if (delivery_time < 0 || delivery_time > now) delivery_time = now;

  StreamConsumer* consumer = nullptr;
  const size_t mark = ctx.reply.begin_deferred();
  size_t claimed = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    const StreamId id = ids[i];
    auto nack = group->pel.find(id);
    // A deleted entry leaves the PEL (and replicas learn it from the XCLAIM).
    if (!entry_exists(*stream, id)) {
      if (nack != group->pel.end()) {
        propagate_xclaim(ctx, ctx.arg(1), ctx.arg(2), *group, id, nack->second);
        propagate_last_id = false;
        ctx.mark_dirty();
        drop_nack(*group, id);
      }
      continue;
    }
    if (force && nack == group->pel.end()) nack = group->pel.emplace(id, StreamNack{now, 1, nullptr}).first;
    if (nack == group->pel.end()) continue;
    StreamNack& n = nack->second;
    if (n.consumer != nullptr && min_idle != 0 && now - n.delivery_time_ms < min_idle) continue;
    move_nack(n, id, claimer(ctx, *group, consumer));
    n.delivery_time_ms = delivery_time;
    if (retry_count >= 0) n.delivery_count = static_cast<uint64_t>(retry_count);
    else if (!justid) ++n.delivery_count;
    if (justid) {
      char buf[StreamId::kMaxText];
      ctx.reply.bulk(id.format(buf));
    } else {
      stream->range(id, id, false, 1, [&](const keyspace::StreamEntryView& e) { reply_stream_entry(ctx.reply, e); });
    }
    ++claimed;
    propagate_xclaim(ctx, ctx.arg(1), ctx.arg(2), *group, id, n);
    propagate_last_id = false;
    ctx.mark_dirty();
  }
  if (propagate_last_id) {
    propagate_group_id(ctx, ctx.arg(1), ctx.arg(2), *group);
    ctx.mark_dirty();
  }
  ctx.reply.end_deferred_array(mark, claimed);
}


// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
void xautoclaim(CommandContext& ctx) {
  int64_t min_idle;
  if (!core::int_or_reply(ctx, ctx.arg(4), min_idle, "ERR Invalid min-idle-time argument for XAUTOCLAIM")) return;
  if (min_idle < 0) min_idle = 0;
  StreamId start;
  bool exclusive = false;
  if (!interval_id_or_reply(ctx, ctx.arg(5), start, exclusive, 0)) return;
  if (exclusive && !start.increment()) return ctx.reply.error("ERR invalid start ID for the interval");
  int64_t count = 100;
  bool justid = false;
  for (size_t j = 6; j < ctx.argc(); ++j) {
    if (equals_ci(ctx.arg(j), "count") && j + 1 < ctx.argc()) {
      if (!core::int_in_range_or_reply(ctx, ctx.arg(++j), 1, INT64_MAX / 16, count, "ERR COUNT must be > 0")) return;
    } else if (equals_ci(ctx.arg(j), "justid")) {
      justid = true;
    } else {
      return ctx.reply.error(protocol::errors::kSyntax);
    }
  }
  keyspace::Entry* entry;
  if (!stream_or_reply(ctx, ctx.arg(1), entry)) return;
  StreamValue* stream = entry != nullptr ? &entry->as<StreamValue>() : nullptr;
  StreamGroup* group = stream != nullptr ? find_group(*stream, ctx.arg(2)) : nullptr;
  if (group == nullptr) return ctx.reply.error(nogroup(ctx.arg(1), ctx.arg(2)));

  const int64_t now = ctx.now_ms();
  int64_t attempts = count * 10;
  StreamConsumer* consumer = nullptr;
  std::vector<StreamId> deleted;
  char buf[StreamId::kMaxText];
  size_t claimed = 0;
  auto it = group->pel.lower_bound(start);
  std::string entries;
  {
    protocol::ReplyWriter body(entries, ctx.reply.resp());
    while (attempts-- > 0 && count > 0 && it != group->pel.end()) {
      const StreamId id = it->first;
      StreamNack& nack = it->second;
      if (!entry_exists(*stream, id)) {
        propagate_xclaim(ctx, ctx.arg(1), ctx.arg(2), *group, id, nack);
        ctx.mark_dirty();
        ++it;
        drop_nack(*group, id);
        deleted.push_back(id);
        --count;
        continue;
      }
      if (min_idle != 0 && now - nack.delivery_time_ms < min_idle) {
        ++it;
        continue;
      }
      move_nack(nack, id, claimer(ctx, *group, consumer));
      nack.delivery_time_ms = now;
      if (!justid) ++nack.delivery_count;
      if (justid) body.bulk(id.format(buf));
      else stream->range(id, id, false, 1, [&](const keyspace::StreamEntryView& e) { reply_stream_entry(body, e); });
      ++claimed;
      --count;
      propagate_xclaim(ctx, ctx.arg(1), ctx.arg(2), *group, id, nack);
      ctx.mark_dirty();
      ++it;
    }
  }
  // The cursor: the next pending id, or 0-0 when the scan reached the end.
  const StreamId next = it == group->pel.end() ? StreamId{} : it->first;
  ctx.reply.array(3);
  ctx.reply.bulk(next.format(buf));
  ctx.reply.array(claimed);
  ctx.reply.raw(entries);
  ctx.reply.array(deleted.size());
  for (const StreamId& id : deleted) ctx.reply.bulk(id.format(buf));
}

}  // namespace

void register_stream_claim_commands(core::CommandTable& t) {
  using namespace core;
  t.add({"xclaim", -6, kWrite | kFast | kRandom, KeySpec{1, 1, 1, 0, "RW update"}, xclaim, "stream",
         "Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the "
         "specified consumer.",
         "5.0.0", "O(log N) with N being the number of messages in the PEL of the consumer group.",
         "key group consumer min-idle-time id [id ...] [IDLE ms:integer] [TIME unix-time-milliseconds:unix-time] "
         "[RETRYCOUNT count:integer] [FORCE] [JUSTID] [LASTID lastid]"});
  t.add({"xautoclaim", -6, kWrite | kFast | kRandom, KeySpec{1, 1, 1, 0, "RW delete"}, xautoclaim, "stream",
         "Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the "
         "specified consumer.",
         "6.2.0", "O(1) if COUNT is small.",
         "key group consumer min-idle-time start [COUNT count:integer] [JUSTID]"});
}

}  // namespace arbor::commands

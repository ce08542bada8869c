// XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP), XACK
// and XPENDING as Redis 7.0.15's t_stream.c: the same checks in the same
// order, the same texts, the same keyspace events and the same propagation.
// XCLAIM and XAUTOCLAIM are in stream_claim.cpp.
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/commands/stream_common.h"
#include "server/commands/stream_group_common.h"

namespace arbor::commands {

using core::CommandContext;
using core::equals_ci;
using keyspace::StreamConsumer;
using keyspace::StreamGroup;
using keyspace::StreamId;
using keyspace::StreamNack;
using keyspace::StreamValue;

StreamGroup* find_group(StreamValue& stream, std::string_view name) {
  keyspace::StreamGroups* groups = stream.groups();
  if (groups == nullptr) return nullptr;
  const auto it = groups->by_name.find(name);
  return it == groups->by_name.end() ? nullptr : &it->second;
}

bool tombstones_from(const StreamValue& stream, StreamId from) {
  const StreamId max_deleted = stream.max_deleted_entry_id();
  if (stream.length() == 0 || max_deleted == StreamId{}) return false;
  if (stream.first_id() > max_deleted) return false;
  return from <= max_deleted;
}

void drop_nack(StreamGroup& group, StreamId id) {
  const auto it = group.pel.find(id);
  if (it == group.pel.end()) return;
  if (it->second.consumer != nullptr) it->second.consumer->pending.erase(id);
  group.pel.erase(it);
}

void propagate_xclaim(CommandContext& ctx, std::string_view key, std::string_view group_name,
                      const StreamGroup& group, StreamId id, const StreamNack& nack) {
  if (!ctx.replicating()) return;
  ctx.propagate_as({"XCLAIM", std::string(key), std::string(group_name), nack.consumer->name, "0", id.to_string(),
                    "TIME", std::to_string(nack.delivery_time_ms), "RETRYCOUNT", std::to_string(nack.delivery_count),
                    "FORCE", "JUSTID", "LASTID", group.last_id.to_string()});
}

void propagate_group_id(CommandContext& ctx, std::string_view key, std::string_view group_name,
                        const StreamGroup& group) {
  if (!ctx.replicating()) return;
  ctx.propagate_as({"XGROUP", "SETID", std::string(key), std::string(group_name), group.last_id.to_string(),
                    "ENTRIESREAD", std::to_string(group.entries_read)});
}

void propagate_consumer_creation(CommandContext& ctx, std::string_view key, std::string_view group_name,
                                 std::string_view consumer) {
  if (!ctx.replicating()) return;
  ctx.propagate_as({"XGROUP", "CREATECONSUMER", std::string(key), std::string(group_name), std::string(consumer)});
}

std::string nogroup(std::string_view key, std::string_view group) {
  return "NOGROUP No such key '" + std::string(key) + "' or consumer group '" + std::string(group) + "'";
}

bool entry_exists(const StreamValue& stream, StreamId id) {
  return stream.range(id, id, false, 1, [](const keyspace::StreamEntryView&) {}) == 1;
}

bool interval_id_or_reply(CommandContext& ctx, std::string_view text, StreamId& id, bool& exclusive,
                          uint64_t missing_seq) {
  exclusive = text.size() > 1 && text[0] == '(';
  if (exclusive) return stream_id_or_reply(ctx, text.substr(1), id, missing_seq, true);
  return stream_id_or_reply(ctx, text, id, missing_seq, false);
}

namespace {


// ---- XGROUP -----------------------------------------------------------------

// The stream for XGROUP: WRONGTYPE, or the "requires the key" error unless
// MKSTREAM may create it; then the group when `need_group`.
bool xgroup_target_or_reply(CommandContext& ctx, bool mkstream, bool need_group, StreamValue*& stream,
                            StreamGroup*& group) {
  keyspace::Entry* entry;
  if (!stream_or_reply(ctx, ctx.arg(2), entry)) return false;
  stream = entry != nullptr ? &entry->as<StreamValue>() : nullptr;
  group = nullptr;
  if (mkstream) return true;
  if (stream == nullptr) {
    ctx.reply.error(
        "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the "
        "MKSTREAM option to create an empty stream automatically.");
    return false;
  }
  group = find_group(*stream, ctx.arg(3));
  if (group == nullptr && need_group) {
    ctx.reply.error("NOGROUP No such consumer group '" + std::string(ctx.arg(3)) + "' for key name '" +
                    std::string(ctx.arg(2)) + "'");
    return false;
  }
  return true;
}

// MKSTREAM and ENTRIESREAD n after the id (ENTRIESREAD only for SETID).
bool xgroup_options_or_reply(CommandContext& ctx, bool create, bool& mkstream, int64_t& entries_read) {
  for (size_t i = 5; i < ctx.argc();) {
    if (create && equals_ci(ctx.arg(i), "mkstream")) {
      mkstream = true;
      ++i;
    } else if (equals_ci(ctx.arg(i), "entriesread") && i + 1 < ctx.argc()) {
      if (!core::int_or_reply(ctx, ctx.arg(i + 1), entries_read)) return false;
      if (entries_read < 0 && entries_read != keyspace::kEntriesReadUnknown) {
        ctx.reply.error("ERR value for ENTRIESREAD must be positive or -1");
        return false;
      }
      i += 2;
    } else {
      core::reply_subcommand_syntax_error(ctx.reply, ctx.arg(0), ctx.arg(1));
      return false;
    }
  }
  return true;
}

// XGROUP CREATE key group id | $ [MKSTREAM] [ENTRIESREAD entries-read]
void xgroup_create(CommandContext& ctx) {
  bool mkstream = false;
  int64_t entries_read = keyspace::kEntriesReadUnknown;
  if (!xgroup_options_or_reply(ctx, true, mkstream, entries_read)) return;
  StreamValue* stream;
  StreamGroup* group;
  if (!xgroup_target_or_reply(ctx, mkstream, false, stream, group)) return;
  StreamId id{};
  if (ctx.arg(4) == "$") {
    if (stream != nullptr) id = stream->last_id();
  } else if (!stream_id_or_reply(ctx, ctx.arg(4), id, 0, true)) {
    return;
  }
  if (stream == nullptr) {
    stream = &ctx.db().add_object(ctx.arg(2), std::make_unique<StreamValue>())->as<StreamValue>();
    ctx.touch(ctx.arg(2));
  }
  auto& groups = stream->groups_for_write().by_name;
  if (groups.count(ctx.arg(3))) return ctx.reply.error("BUSYGROUP Consumer Group name already exists");
  StreamGroup& created = groups[std::string(ctx.arg(3))];
  created.last_id = id;
  created.entries_read = entries_read;
  ctx.reply.ok();
  ctx.mark_dirty();
  ctx.notify(core::kEventStream, "xgroup-create", ctx.arg(2));
}

// XGROUP SETID key group id | $ [ENTRIESREAD entries-read]
void xgroup_setid(CommandContext& ctx) {
  bool mkstream = false;
  int64_t entries_read = keyspace::kEntriesReadUnknown;
  if (!xgroup_options_or_reply(ctx, false, mkstream, entries_read)) return;
  if (ctx.argc() != 5 && ctx.argc() != 7) return core::reply_subcommand_syntax_error(ctx.reply, ctx.arg(0), ctx.arg(1));
  StreamValue* stream;
  StreamGroup* group;
  if (!xgroup_target_or_reply(ctx, false, true, stream, group)) return;
  StreamId id{};
  if (ctx.arg(4) == "$") id = stream->last_id();
  else if (!stream_id_or_reply(ctx, ctx.arg(4), id, 0, false)) return;
  group->last_id = id;
  group->entries_read = entries_read;
  ctx.reply.ok();
  ctx.mark_dirty();
  ctx.notify(core::kEventStream, "xgroup-setid", ctx.arg(2));
}

// XGROUP DESTROY key group
void xgroup_destroy(CommandContext& ctx) {
  StreamValue* stream;
  StreamGroup* group;
  if (!xgroup_target_or_reply(ctx, false, false, stream, group)) return;
  if (group == nullptr) return ctx.reply.integer(0);
  stream->groups()->by_name.erase(std::string(ctx.arg(3)));
  ctx.reply.integer(1);
  ctx.mark_dirty();
  ctx.notify(core::kEventStream, "xgroup-destroy", ctx.arg(2));
  // Readers blocked on the group get -NOGROUP.
  ctx.signal_ready(ctx.arg(2));
}

// XGROUP CREATECONSUMER key group consumer
void xgroup_createconsumer(CommandContext& ctx) {
  StreamValue* stream;
  StreamGroup* group;
  if (!xgroup_target_or_reply(ctx, false, true, stream, group)) return;
  bool created = false;
  group->consumer(ctx.arg(4), ctx.now_ms(), &created);
  if (created) {
    ctx.mark_dirty();
    ctx.notify(core::kEventStream, "xgroup-createconsumer", ctx.arg(2));
  }
  ctx.reply.integer(created ? 1 : 0);
}

// XGROUP DELCONSUMER key group consumer
void xgroup_delconsumer(CommandContext& ctx) {
  StreamValue* stream;
  StreamGroup* group;
  if (!xgroup_target_or_reply(ctx, false, true, stream, group)) return;
  const auto it = group->consumers.find(ctx.arg(4));
  int64_t pending = 0;
  if (it != group->consumers.end()) {
    pending = static_cast<int64_t>(it->second.pending.size());
    for (const StreamId& id : it->second.pending) group->pel.erase(id);
    group->consumers.erase(it);
    ctx.mark_dirty();
    ctx.notify(core::kEventStream, "xgroup-delconsumer", ctx.arg(2));
  }
  ctx.reply.integer(pending);
}

void xgroup_help(CommandContext& ctx) {
  static const char* const kLines[] = {
      "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CREATE <key> <groupname> <id|$> [option]",
      "    Create a new consumer group. Options are:",
      "    * MKSTREAM",
      "      Create the empty stream if it does not exist.",
      "    * ENTRIESREAD entries_read",
      "      Set the group's entries_read counter (internal use).",
      "CREATECONSUMER <key> <groupname> <consumer>",
      "    Create a new consumer in the specified group.",
      "DELCONSUMER <key> <groupname> <consumer>",
      "    Remove the specified consumer.",
      "DESTROY <key> <groupname>",
      "    Remove the specified group.",
      "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
      "    Set the current group ID and entries_read counter.",
      "HELP",
      "    Prints this help.",
  };
  core::reply_help(ctx.reply, kLines);
}

void xgroup_container(CommandContext& ctx) { core::reply_wrong_arity(ctx.reply, "xgroup"); }

// ---- XACK, XCLAIM, XPENDING ------------------------------------------------------

// XACK key group id [id ...]
void xack(CommandContext& ctx) {
  keyspace::Entry* entry;
  if (!stream_or_reply(ctx, ctx.arg(1), entry)) return;
  StreamGroup* group = entry != nullptr ? find_group(entry->as<StreamValue>(), ctx.arg(2)) : nullptr;
  if (group == nullptr) return ctx.reply.integer(0);
  // All ids first: the reply cannot be an error once something was acked.
  std::vector<StreamId> ids(ctx.argc() - 3);
  for (size_t j = 3; j < ctx.argc(); ++j)
    if (!stream_id_or_reply(ctx, ctx.arg(j), ids[j - 3], 0, true)) return;
  int64_t acknowledged = 0;
  for (const StreamId& id : ids) {
    if (!group->pel.count(id)) continue;
    drop_nack(*group, id);
    ++acknowledged;
    ctx.mark_dirty();
  }
  ctx.reply.integer(acknowledged);
}

// XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
void xpending(CommandContext& ctx) {
  const bool summary = ctx.argc() == 3;
  if (!summary && (ctx.argc() < 6 || ctx.argc() > 9)) return ctx.reply.error(protocol::errors::kSyntax);
  StreamId start{}, end{};
  int64_t count = 0, min_idle = 0;
  std::optional<std::string_view> consumer_name;
  if (!summary) {
    size_t at = 3;
    if (equals_ci(ctx.arg(3), "idle")) {
      if (!core::int_or_reply(ctx, ctx.arg(4), min_idle)) return;
      if (ctx.argc() < 8) return ctx.reply.error(protocol::errors::kSyntax);
      at += 2;
    }
    if (!core::int_or_reply(ctx, ctx.arg(at + 2), count)) return;
    if (count < 0) count = 0;
    bool exclusive = false;
    if (!interval_id_or_reply(ctx, ctx.arg(at), start, exclusive, 0)) return;
    if (exclusive && !start.increment()) return ctx.reply.error("ERR invalid start ID for the interval");
    if (!interval_id_or_reply(ctx, ctx.arg(at + 1), end, exclusive, UINT64_MAX)) return;
    if (exclusive && !end.decrement()) return ctx.reply.error("ERR invalid end ID for the interval");
    if (at + 3 < ctx.argc()) consumer_name = ctx.arg(at + 3);
  }
  keyspace::Entry* entry;
  if (!stream_or_reply(ctx, ctx.arg(1), entry)) return;
  StreamGroup* group = entry != nullptr ? find_group(entry->as<StreamValue>(), ctx.arg(2)) : nullptr;
  if (group == nullptr) return ctx.reply.error(nogroup(ctx.arg(1), ctx.arg(2)));
  char buf[StreamId::kMaxText];
  if (summary) {
    ctx.reply.array(4);
    ctx.reply.integer(static_cast<int64_t>(group->pel.size()));
    if (group->pel.empty()) {
      ctx.reply.null();
      ctx.reply.null();
      return ctx.reply.null(protocol::NullKind::kArray);
    }
    ctx.reply.bulk(group->pel.begin()->first.format(buf));
    ctx.reply.bulk(group->pel.rbegin()->first.format(buf));
    size_t with_pending = 0;
    for (const auto& [name, c] : group->consumers) with_pending += !c.pending.empty();
    ctx.reply.array(with_pending);
    for (const auto& [name, c] : group->consumers) {
      if (c.pending.empty()) continue;
      ctx.reply.array(2);
      ctx.reply.bulk(name);
      ctx.reply.bulk(std::to_string(c.pending.size()));
    }
    return;
  }
  const StreamConsumer* consumer = nullptr;
  if (consumer_name) {
    const auto it = group->consumers.find(*consumer_name);
    if (it == group->consumers.end()) return ctx.reply.array(0);
    consumer = &it->second;
  }
  const int64_t now = ctx.now_ms();
  const size_t mark = ctx.reply.begin_deferred();
  size_t listed = 0;
  const auto list = [&](StreamId id, const StreamNack& nack) {
    if (min_idle != 0 && now - nack.delivery_time_ms < min_idle) return;
    ++listed;
    --count;
    ctx.reply.array(4);
    ctx.reply.bulk(id.format(buf));
    ctx.reply.bulk(nack.consumer->name);
    ctx.reply.integer(std::max<int64_t>(now - nack.delivery_time_ms, 0));
    ctx.reply.integer(static_cast<int64_t>(nack.delivery_count));
  };
  if (consumer != nullptr) {
    for (auto it = consumer->pending.lower_bound(start); count > 0 && it != consumer->pending.end() && *it <= end; ++it)
      list(*it, group->pel.at(*it));
  } else {
    for (auto it = group->pel.lower_bound(start); count > 0 && it != group->pel.end() && it->first <= end; ++it)
      list(it->first, it->second);
  }
  ctx.reply.end_deferred_array(mark, listed);
}

}  // namespace

void register_stream_group_commands(core::CommandTable& t) {
  using namespace core;
  CommandSpec xgroup{"xgroup", -2, 0, {}, xgroup_container, "stream", "A container for consumer groups commands",
                     "5.0.0", "Depends on subcommand.", ""};
  const KeySpec key2{2, 2, 1};
  xgroup.subcommands.push_back({"destroy", 4, kWrite, KeySpec{2, 2, 1, 0, "RW delete"}, xgroup_destroy, "stream",
                                "Destroy a consumer group.",
                                "5.0.0", "O(N) where N is the number of entries in the group's pending entries list (PEL).",
                                "key group"});
  xgroup.subcommands.push_back({"create", -5, kWrite | kDenyOom, KeySpec{2, 2, 1, 0, "RW insert"}, xgroup_create,
                                "stream", "Create a consumer group.", "5.0.0", "O(1)",
                                "key group id-selector [MKSTREAM] [ENTRIESREAD entries-read:integer]"});
  xgroup.subcommands.push_back({"delconsumer", 5, kWrite, KeySpec{2, 2, 1, 0, "RW delete"}, xgroup_delconsumer,
                                "stream", "Delete a consumer from a consumer group.", "5.0.0", "O(1)",
                                "key group consumer"});
  xgroup.subcommands.push_back({"help", 2, kLoading | kStale, {}, xgroup_help, "stream", "Show helpful text about the different subcommands",
                                "5.0.0", "O(1)", ""});
  xgroup.subcommands.push_back({"createconsumer", 5, kWrite | kDenyOom, KeySpec{2, 2, 1, 0, "RW insert"},
                                xgroup_createconsumer, "stream", "Create a consumer in a consumer group.", "6.2.0",
                                "O(1)", "key group consumer"});
  xgroup.subcommands.push_back({"setid", -5, kWrite, KeySpec{2, 2, 1, 0, "RW update"}, xgroup_setid, "stream",
                                "Set a consumer group to an arbitrary last delivered ID value.", "5.0.0", "O(1)",
                                "key group id-selector [ENTRIESREAD entries-read:integer]"});
  (void)key2;
  t.add(std::move(xgroup));
  t.add({"xack", -4, kWrite | kFast, KeySpec{1, 1, 1, 0, "RW update"}, xack, "stream",
         "Marks a pending message as correctly processed, effectively removing it from the pending entries list of "
         "the consumer group. Return value of the command is the number of messages successfully acknowledged, that "
         "is, the IDs we were actually able to resolve in the PEL.",
         "5.0.0", "O(1) for each message ID processed.", "key group id [id ...]"});
  t.add({"xpending", -3, kReadonly | kRandom, KeySpec{1, 1, 1}, xpending, "stream",
         "Return information and entries from a stream consumer group pending entries list, that are messages "
         "fetched but never acknowledged.",
         "5.0.0",
         "O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call "
         "is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the "
         "command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an "
         "additional O(N) time for iterating every consumer.",
         "key group [[IDLE min-idle-time:integer] start end count:integer [consumer]]"});
}

}  // namespace arbor::commands

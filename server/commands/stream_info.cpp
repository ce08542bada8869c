// XINFO STREAM [FULL [COUNT n]], GROUPS, CONSUMERS, HELP as Redis 7.0.15:
// the same fields in the same order, lag and entries-read as Redis derives
// them. radix-tree-keys counts arbor's entry blocks (Redis's listpack nodes,
// cut at the same stream-node-max-* limits) and radix-tree-nodes is an
// estimate: arbor keeps its blocks in no radix tree.
#include <algorithm>
#include <optional>
#include <string>

#include "protocol/errors.h"
#include "server/commands/stream_common.h"
#include "server/commands/stream_group_common.h"

namespace arbor::commands {
namespace {

using core::CommandContext;
using keyspace::StreamGroup;
using keyspace::StreamId;
using keyspace::StreamValue;

void field(CommandContext& ctx, std::string_view name) { ctx.reply.bulk(name); }

void id_value(CommandContext& ctx, StreamId id) {
  char buf[StreamId::kMaxText];
  ctx.reply.bulk(id.format(buf));
}

// Redis's lag: entries added minus entries read, when that can be known.
std::optional<int64_t> group_lag(const StreamValue& stream, const StreamGroup& group) {
  const auto added = static_cast<int64_t>(stream.entries_added());
  if (added == 0) return 0;
  if (group.entries_read != keyspace::kEntriesReadUnknown && !tombstones_from(stream, group.last_id))
    return added - group.entries_read;
  const int64_t read = keyspace::estimate_entries_read(stream, group.last_id);
  if (read == keyspace::kEntriesReadUnknown) return std::nullopt;
  return added - read;
}

void int_or_null(CommandContext& ctx, std::optional<int64_t> value) {
  if (value) ctx.reply.integer(*value);
  else ctx.reply.null();
}

void stream_header(CommandContext& ctx, const StreamValue& stream) {
  field(ctx, "length");
  ctx.reply.integer(static_cast<int64_t>(stream.length()));
  field(ctx, "radix-tree-keys");
  ctx.reply.integer(static_cast<int64_t>(stream.block_count()));
  field(ctx, "radix-tree-nodes");
  ctx.reply.integer(static_cast<int64_t>(stream.block_count()) + 1);
  field(ctx, "last-generated-id");
  id_value(ctx, stream.last_id());
  field(ctx, "max-deleted-entry-id");
  id_value(ctx, stream.max_deleted_entry_id());
  field(ctx, "entries-added");
  ctx.reply.integer(static_cast<int64_t>(stream.entries_added()));
  field(ctx, "recorded-first-entry-id");
  id_value(ctx, stream.first_id());
}

void edge_entry(CommandContext& ctx, const StreamValue& stream, bool last) {
  const size_t n = stream.range(keyspace::kMinStreamId, keyspace::kMaxStreamId, last, 1,
                                [&](const keyspace::StreamEntryView& e) { reply_stream_entry(ctx.reply, e); });
  if (n == 0) ctx.reply.null();
}

void full_group(CommandContext& ctx, const StreamValue& stream, const std::string& name, const StreamGroup& group,
                size_t count) {
  ctx.reply.map(7);
  field(ctx, "name");
  ctx.reply.bulk(name);
  field(ctx, "last-delivered-id");
  id_value(ctx, group.last_id);
  field(ctx, "entries-read");
  int_or_null(ctx, group.entries_read == keyspace::kEntriesReadUnknown ? std::nullopt
                                                                       : std::optional<int64_t>(group.entries_read));
  field(ctx, "lag");
  int_or_null(ctx, group_lag(stream, group));
  field(ctx, "pel-count");
  ctx.reply.integer(static_cast<int64_t>(group.pel.size()));
  field(ctx, "pending");
  const size_t shown = count == 0 ? group.pel.size() : std::min(count, group.pel.size());
  ctx.reply.array(shown);
  size_t i = 0;
  for (auto it = group.pel.begin(); i < shown; ++it, ++i) {
    ctx.reply.array(4);
    id_value(ctx, it->first);
    ctx.reply.bulk(it->second.consumer->name);
    ctx.reply.integer(it->second.delivery_time_ms);
    ctx.reply.integer(static_cast<int64_t>(it->second.delivery_count));
  }
  field(ctx, "consumers");
  ctx.reply.array(group.consumers.size());
  for (const auto& [cname, consumer] : group.consumers) {
    ctx.reply.map(4);
    field(ctx, "name");
    ctx.reply.bulk(cname);
    field(ctx, "seen-time");
    ctx.reply.integer(consumer.seen_time_ms);
    field(ctx, "pel-count");
    ctx.reply.integer(static_cast<int64_t>(consumer.pending.size()));
    field(ctx, "pending");
    const size_t own = count == 0 ? consumer.pending.size() : std::min(count, consumer.pending.size());
    ctx.reply.array(own);
    size_t k = 0;
    for (auto it = consumer.pending.begin(); k < own; ++it, ++k) {
      const auto& nack = group.pel.at(*it);
      ctx.reply.array(3);
      id_value(ctx, *it);
      ctx.reply.integer(nack.delivery_time_ms);
      ctx.reply.integer(static_cast<int64_t>(nack.delivery_count));
    }
  }
}

// The stream for XINFO: "no such key" when missing, WRONGTYPE.
const StreamValue* stream_or_nokey(CommandContext& ctx) {
  keyspace::Entry* entry;
  if (!stream_or_reply(ctx, ctx.arg(2), entry)) return nullptr;
  if (entry == nullptr) {
    ctx.reply.error("ERR no such key");
    return nullptr;
  }
  return &entry->as<StreamValue>();
}

// XINFO STREAM key [FULL [COUNT count]]
void xinfo_stream(CommandContext& ctx) {
  const StreamValue* stream = stream_or_nokey(ctx);
  if (stream == nullptr) return;
  const size_t args = ctx.argc() - 2;
  int64_t count = 10;
  if (args > 1) {
    const auto syntax = [&] { core::reply_subcommand_syntax_error(ctx.reply, ctx.arg(0), ctx.arg(1)); };
    if (!core::equals_ci(ctx.arg(3), "full")) return syntax();
    if (args == 4) {
      if (!core::equals_ci(ctx.arg(4), "count")) return syntax();
      if (!core::int_or_reply(ctx, ctx.arg(5), count)) return;
      if (count < 0) count = 10;
    } else if (args != 2) {
      return syntax();
    }
  }
  const keyspace::StreamGroups* groups = stream->groups();
  const size_t group_count = groups != nullptr ? groups->by_name.size() : 0;
  if (args == 1) {
    ctx.reply.map(10);
    stream_header(ctx, *stream);
    field(ctx, "groups");
    ctx.reply.integer(static_cast<int64_t>(group_count));
    field(ctx, "first-entry");
    edge_entry(ctx, *stream, false);
    field(ctx, "last-entry");
    edge_entry(ctx, *stream, true);
    return;
  }
  ctx.reply.map(9);
  stream_header(ctx, *stream);
  field(ctx, "entries");
  reply_stream_range(ctx.reply, *stream, keyspace::kMinStreamId, keyspace::kMaxStreamId, false,
                     static_cast<size_t>(count));
  field(ctx, "groups");
  ctx.reply.array(group_count);
  if (groups != nullptr)
    for (const auto& [name, group] : groups->by_name) full_group(ctx, *stream, name, group, static_cast<size_t>(count));
}

// XINFO GROUPS key
void xinfo_groups(CommandContext& ctx) {
  const StreamValue* stream = stream_or_nokey(ctx);
  if (stream == nullptr) return;
  const keyspace::StreamGroups* groups = stream->groups();
  ctx.reply.array(groups != nullptr ? groups->by_name.size() : 0);
  if (groups == nullptr) return;
  for (const auto& [name, group] : groups->by_name) {
    ctx.reply.map(6);
    field(ctx, "name");
    ctx.reply.bulk(name);
    field(ctx, "consumers");
    ctx.reply.integer(static_cast<int64_t>(group.consumers.size()));
    field(ctx, "pending");
    ctx.reply.integer(static_cast<int64_t>(group.pel.size()));
    field(ctx, "last-delivered-id");
    id_value(ctx, group.last_id);
    field(ctx, "entries-read");
    int_or_null(ctx, group.entries_read == keyspace::kEntriesReadUnknown ? std::nullopt
                                                                         : std::optional<int64_t>(group.entries_read));
    field(ctx, "lag");
    int_or_null(ctx, group_lag(*stream, group));
  }
}

// XINFO CONSUMERS key group
void xinfo_consumers(CommandContext& ctx) {
  const StreamValue* stream = stream_or_nokey(ctx);
  if (stream == nullptr) return;
  const StreamGroup* group = find_group(const_cast<StreamValue&>(*stream), ctx.arg(3));
  if (group == nullptr)
    return ctx.reply.error("NOGROUP No such consumer group '" + std::string(ctx.arg(3)) + "' for key name '" +
                           std::string(ctx.arg(2)) + "'");
  ctx.reply.array(group->consumers.size());
  for (const auto& [name, consumer] : group->consumers) {
    ctx.reply.map(3);
    field(ctx, "name");
    ctx.reply.bulk(name);
    field(ctx, "pending");
    ctx.reply.integer(static_cast<int64_t>(consumer.pending.size()));
    field(ctx, "idle");
    ctx.reply.integer(std::max<int64_t>(ctx.now_ms() - consumer.seen_time_ms, 0));
  }
}

void xinfo_help(CommandContext& ctx) {
  static const char* const kLines[] = {
      "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CONSUMERS <key> <groupname>",
      "    Show consumers of <groupname>.",
      "GROUPS <key>",
      "    Show the stream consumer groups.",
      "STREAM <key> [FULL [COUNT <count>]",
      "    Show information about the stream.",
      "HELP",
      "    Prints this help.",
  };
  core::reply_help(ctx.reply, kLines);
}

void xinfo_container(CommandContext& ctx) { core::reply_wrong_arity(ctx.reply, "xinfo"); }

}  // namespace

void register_stream_info_command(core::CommandTable& t) {
  using namespace core;
  CommandSpec xinfo{"xinfo", -2, 0, {}, xinfo_container, "stream", "A container for stream introspection commands",
                    "5.0.0", "Depends on subcommand.", ""};
  xinfo.subcommands.push_back({"stream", -3, kReadonly, KeySpec{2, 2, 1}, xinfo_stream, "stream",
                               "Get information about a stream", "5.0.0", "O(1)",
                               "key [FULL [COUNT count:integer]]"});
  xinfo.subcommands.push_back({"consumers", 4, kReadonly | kRandom, KeySpec{2, 2, 1}, xinfo_consumers, "stream",
                               "List the consumers in a consumer group", "5.0.0", "O(1)", "key group"});
  xinfo.subcommands.push_back({"groups", 3, kReadonly, KeySpec{2, 2, 1}, xinfo_groups, "stream",
                               "List the consumer groups of a stream", "5.0.0", "O(1)", "key"});
  xinfo.subcommands.push_back({"help", 2, kLoading | kStale, {}, xinfo_help, "stream",
                               "Show helpful text about the different subcommands", "5.0.0", "O(1)", ""});
  t.add(std::move(xinfo));
}

}  // namespace arbor::commands

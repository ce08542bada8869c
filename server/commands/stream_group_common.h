// Helpers the consumer-group command files share (stream_groups.cpp,
// stream_readgroup.cpp): group lookup, the PEL moves and how Redis 7.0
// propagates them (XCLAIM ... FORCE JUSTID LASTID, XGROUP SETID ...
// ENTRIESREAD), so a replica's groups follow the primary's.
#pragma once

#include <string>
#include <string_view>

#include "server/core/command_context.h"
#include "server/keyspace/stream_groups.h"
#include "server/keyspace/stream_value.h"

namespace arbor::commands {

keyspace::StreamGroup* find_group(keyspace::StreamValue& stream, std::string_view name);

// Whether a deletion lies at or after `from` (Redis's
// streamRangeHasTombstones(s, from, NULL)).
bool tombstones_from(const keyspace::StreamValue& stream, keyspace::StreamId from);

// "NOGROUP No such key 'k' or consumer group 'g'" (XPENDING, XCLAIM ...).
std::string nogroup(std::string_view key, std::string_view group);
bool entry_exists(const keyspace::StreamValue& stream, keyspace::StreamId id);

// Removes a pending entry from the group and its consumer.
void drop_nack(keyspace::StreamGroup& group, keyspace::StreamId id);

// Redis's streamPropagateXCLAIM: the idempotent XCLAIM that recreates the
// pending entry `id` as it now is on a replica.
void propagate_xclaim(core::CommandContext& ctx, std::string_view key, std::string_view group_name,
                      const keyspace::StreamGroup& group, keyspace::StreamId id, const keyspace::StreamNack& nack);
// Redis's streamPropagateGroupID: XGROUP SETID key group last-id ENTRIESREAD n.
void propagate_group_id(core::CommandContext& ctx, std::string_view key, std::string_view group_name,
                        const keyspace::StreamGroup& group);
// XGROUP CREATECONSUMER key group consumer, for a consumer XREADGROUP made.
void propagate_consumer_creation(core::CommandContext& ctx, std::string_view key, std::string_view group_name,
                                 std::string_view consumer);

// Redis's streamParseIntervalIDOrReply: "(" for an exclusive bound (strict
// id after it), else an id, "-" or "+"; `missing_seq` fills "ms" alone.
bool interval_id_or_reply(core::CommandContext& ctx, std::string_view text, keyspace::StreamId& id,
                          bool& exclusive, uint64_t missing_seq);

// stream_groups.cpp: XGROUP, XACK, XPENDING; stream_claim.cpp: XCLAIM,
// XAUTOCLAIM; stream_readgroup.cpp: XREADGROUP; stream_info.cpp: XINFO.
void register_stream_group_commands(core::CommandTable& table);
void register_stream_claim_commands(core::CommandTable& table);
void register_stream_readgroup_command(core::CommandTable& table);
void register_stream_info_command(core::CommandTable& table);

}  // namespace arbor::commands

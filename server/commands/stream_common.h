// Helpers shared by the stream command files (streams.cpp, stream_read.cpp):
// typed lookup, Redis's stream id parsing, entry replies, and the two halves
// of XREAD that a blocking framework reuses (resolve_xread_or_reply and
// serve_xread below).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "protocol/reply_writer.h"
#include "server/core/arguments.h"
#include "server/core/command_context.h"
#include "server/core/command_table.h"
#include "server/keyspace/database.h"
#include "server/keyspace/stream_value.h"

namespace arbor::commands {

inline constexpr std::string_view kInvalidStreamId = "ERR Invalid stream ID specified as stream command argument";

// Looks up `key`; WRONGTYPE (false) for a non-stream, nullptr when missing.
inline bool stream_or_reply(core::CommandContext& ctx, std::string_view key, keyspace::Entry*& entry) {
  return core::lookup_typed_or_reply(ctx, key, keyspace::ValueType::kStream, entry);
}

// Redis's streamGenericParseIDOrReply without the reply: "ms-seq", "ms"
// (seq = missing_seq), "-" / "+" (0-0 / max, refused when `strict`), and,
// only when seq_given is non-null, "ms-*" (sets *seq_given = false). Numbers
// follow Redis's string2ull (so "+5" and " 5" are accepted, as strtoull).
bool parse_stream_id(std::string_view text, keyspace::StreamId& id, uint64_t missing_seq, bool strict,
                     bool* seq_given = nullptr);
// The same, replying "ERR Invalid stream ID ..." on failure.
bool stream_id_or_reply(core::CommandContext& ctx, std::string_view text, keyspace::StreamId& id,
                        uint64_t missing_seq, bool strict, bool* seq_given = nullptr);

// One entry as XRANGE / XREAD send it: [id, [field, value, ...]].
void reply_stream_entry(protocol::ReplyWriter& reply, const keyspace::StreamEntryView& entry);
// The entries with start <= id <= end (reverse: descending), at most `count`
// (0 = all), as an array of entries.
void reply_stream_range(protocol::ReplyWriter& reply, const keyspace::StreamValue& stream,
                        keyspace::StreamId start, keyspace::StreamId end, bool reverse, size_t count);

// ---- XREAD, for the blocking framework -------------------------------------
//
// XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
// How to block on it: resolve_xread_or_reply() once when the command arrives
// ('$' becomes each stream's last id at that moment, so later waits see only
// newer entries); serve_xread(); if it returns false and block_ms >= 0, park
// the client on `keys` and call serve_xread() again whenever an XADD signals
// one of them (see the hook in streams.cpp); on timeout reply
// reply.null(protocol::NullKind::kArray). Keep the resolved request: re-resolving
// would move '$' forward and lose entries added in between.
struct XReadRequest {
  // Views into the command's arguments: copy them (e.g. into std::strings
  // owned by the blocked client) if the request outlives the command.
  std::vector<std::string_view> keys;
  std::vector<keyspace::StreamId> ids;  // serve entries with id > ids[i]
  size_t count = 0;                     // 0 = no COUNT (or COUNT <= 0)
  int64_t block_ms = -1;                // -1: no BLOCK; 0: forever; else a relative timeout
};

// Parses the arguments (ctx.args: "XREAD" ...) and resolves the ids; on an
// error replies (Redis's texts, WRONGTYPE included) and returns false.
bool resolve_xread_or_reply(core::CommandContext& ctx, XReadRequest& out);

// If any of the streams has live entries after its id, writes the XREAD reply
// (RESP2: array of [key, entries]; RESP3: map key -> entries) and returns
// true; otherwise writes nothing and returns false. Missing keys and keys
// that now hold another type are skipped. Reads `db` at `now_ms` (expired
// keys count as missing).
bool serve_xread(keyspace::Database& db, int64_t now_ms, protocol::ReplyWriter& reply,
                 const XReadRequest& request);

// stream_read.cpp: XREAD.
void register_stream_read_commands(core::CommandTable& table);

}  // namespace arbor::commands

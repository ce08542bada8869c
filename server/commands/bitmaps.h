// What the bitmap commands (bitmaps.cpp) and BITFIELD (bitfield.cpp) share.
#pragma once

#include <cstdint>
#include <string_view>

#include "server/core/command_context.h"
#include "server/core/command_table.h"

namespace arbor::commands {

// A bit offset argument as Redis's getBitOffsetFromArgument: an integer in
// [0, proto-max-bulk-len * 8), or for BITFIELD (field_width > 0) "#n", the
// n-th field of that width. Replies "ERR bit offset is not an integer or out
// of range" otherwise.
bool bit_offset_or_reply(core::CommandContext& ctx, std::string_view text, unsigned field_width, uint64_t& out);

// The string at `key` (`entry`, nullptr when absent) made writable in place
// and long enough to hold bit `bit`, zero-padded; created when absent. Sets
// `grew` when it was created or lengthened.
keyspace::Entry* string_with_bit(core::CommandContext& ctx, keyspace::Entry* entry, std::string_view key,
                                 uint64_t bit, bool& grew);

}  // namespace arbor::commands

namespace arbor::core {
void register_bitfield_commands(CommandTable& table);
}  // namespace arbor::core

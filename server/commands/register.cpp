// Every command family, in the order COMMAND lists them.
#include "server/core/command_table.h"

namespace arbor::core {

void register_all_commands(CommandTable& table) {
  register_connection_commands(table);
  register_server_commands(table);
  register_key_commands(table);
  register_expire_commands(table);
  register_string_commands(table);
  register_bitmap_commands(table);
  register_hyperloglog_commands(table);
  register_sort_commands(table);
  register_geo_commands(table);
  register_note_commands(table);
  register_list_commands(table);
  register_hash_commands(table);
  register_set_commands(table);
  register_pubsub_commands(table);
  register_transaction_commands(table);
  register_zset_commands(table);
  register_zset_blocking_commands(table);
  register_stream_commands(table);
  register_scripting_commands(table);
}

}  // namespace arbor::core

// The thresholds at which compact encodings convert (Redis's
// *-max-listpack-* / *-max-intset-* settings) and the stream node sizes.
// One set per process, written by CONFIG (core/config.cpp), read by the
// value types when they grow; values keep the encoding they have, as in
// Redis, when a setting changes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace arbor::keyspace {

struct EncodingLimits {
  size_t hash_max_entries = 512;
  size_t hash_max_value = 64;
  size_t set_max_intset_entries = 512;
  // Arbor's compact sorted set holds at most 128 members of at most 64
  // bytes (its item header); larger settings act as those.
  size_t zset_max_entries = 128;
  size_t zset_max_value = 64;
  // Redis's list-max-listpack-size: negative = node bytes (-1 4 KB .. -5
  // 64 KB), positive = elements per node.
  int64_t list_max_size = -2;
  size_t stream_node_max_entries = 100;
  size_t stream_node_max_bytes = 4096;
};

EncodingLimits& encoding_limits();

}  // namespace arbor::keyspace

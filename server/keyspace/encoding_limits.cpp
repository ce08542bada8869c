#include "server/keyspace/encoding_limits.h"

namespace arbor::keyspace {

EncodingLimits& encoding_limits() {
  static EncodingLimits limits;
  return limits;
}

}  // namespace arbor::keyspace

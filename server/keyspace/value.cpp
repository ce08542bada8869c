// Names of the value types as TYPE and SCAN TYPE spell them.
#include "server/keyspace/value.h"

namespace arbor::keyspace {

std::string_view type_name(ValueType type) {
  switch (type) {
    case ValueType::kString: return "string";
    case ValueType::kList: return "list";
    case ValueType::kSet: return "set";
    case ValueType::kZset: return "zset";
    case ValueType::kHash: return "hash";
    case ValueType::kStream: return "stream";
    case ValueType::kNoteTree: return "notetree";
  }
  return "none";
}

}  // namespace arbor::keyspace

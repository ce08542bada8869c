// The heap bytes in use, as INFO's used_memory and the RDB's used-mem aux
// field report them: our count of malloc's blocks (the sanitizer's under ASan).
// Cheap enough to read before every command.
#pragma once

#include <cstdint>

namespace arbor::core {

uint64_t used_memory();
// The process's resident set (/proc/self/statm) and the machine's memory.
uint64_t resident_memory();
uint64_t total_system_memory();

}  // namespace arbor::core

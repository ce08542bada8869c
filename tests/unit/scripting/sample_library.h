// A small function library the FUNCTION tests load: a positional and a
// table-form registration, one with flags and a description.
#pragma once

#include <string_view>

namespace arbor::testing {

inline constexpr std::string_view kSampleLibrary =
    "#!lua name=mylib\n"
    "redis.register_function('f1', function(keys, args) return {keys[1], args[1]} end)\n"
    "redis.register_function{function_name='f2', callback=function() return redis.call('ping') end, "
    "flags={'no-writes'}, description='d'}";

}  // namespace arbor::testing

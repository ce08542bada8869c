// Number <-> text conversions with Redis's exact rules: which strings are
// integers (string2ll), which are doubles (strtod without trailing junk), and
// how doubles and long doubles are printed in replies and INCRBYFLOAT.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace arbor::protocol {

// Redis string2ll: optional '-', no '+', no leading zeros (except "0"), no
// spaces, fits in int64. "-0" is rejected.
std::optional<int64_t> parse_int64(std::string_view text);
// Redis strtold/strtod acceptance: whole string consumed, no leading space,
// not NaN; "inf"/"-inf"/"+inf" accepted.
std::optional<double> parse_double(std::string_view text);
std::optional<long double> parse_long_double(std::string_view text);

// Appends decimal text of `value` to `out` (fast path for integer replies).
void append_int64(std::string& out, int64_t value);
std::string int64_to_string(int64_t value);
// "%.17g" with "inf"/"-inf" (Redis 7.0 addReplyDouble).
std::string format_double(double value);
// Redis ld2string(LD_STR_HUMAN): "%.17Lf" with trailing zeros and dot removed;
// what INCRBYFLOAT and HINCRBYFLOAT store and reply.
std::string format_long_double_human(long double value);

}  // namespace arbor::protocol

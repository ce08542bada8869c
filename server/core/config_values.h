// The value kinds of Redis 7.0's config table, parsed and printed as
// config.c does (bounds messages, memory units, enums, octal, percent).
// Pure functions: the rows in config_params.cpp and config_inert.cpp use
// them, and the unit tests drive them with Redis's error texts.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace arbor::core::config_values {

// An error text as CONFIG SET puts after "... argument '<name>') - ".
using Error = std::optional<std::string>;

std::string lower(std::string_view text);
// A list parameter's words, split on spaces as Redis's sdssplitlen(" ")
// (quotes are not special; empty words are dropped).
std::vector<std::string> split_words(std::string_view text);

// yes/no, any case.
Error parse_bool(std::string_view text, bool& out);

// string2ll then [min, max]. Redis prints the bounds of unsigned kinds
// (uint, size_t, unsigned long long) as unsigned and casts the value so
// -1 fails the same way 0 does; `is_unsigned` selects that.
Error parse_integer(std::string_view text, int64_t min, int64_t max, bool is_unsigned, int64_t& out);

// memtoull: digits and an optional unit (b, k, kb, m, mb, g, gb; any case);
// "" is 0; overflow saturates. Then [min, max] as parse_integer.
Error parse_memory_bounded(std::string_view text, uint64_t min, uint64_t max, uint64_t& out);

// maxmemory-clients: a memory value, or N% stored as -N.
Error parse_memory_or_percent(std::string_view text, int64_t& out);
std::string print_memory_or_percent(int64_t value);

// unixsocketperm: base 8, printed without a leading 0.
Error parse_octal(std::string_view text, int64_t max, int64_t& out);
std::string print_octal(int64_t value);

// An enum row: names and their values (names sharing a value are
// synonyms; printing uses the first).
struct EnumName {
  const char* name;
  int value;
};
Error parse_enum(std::string_view text, std::span<const EnumName> names, int& out);
std::string print_enum(int value, std::span<const EnumName> names);

// shutdown-on-sigint / -sigterm: several names OR-ed together.
Error parse_shutdown_flags(std::string_view text, int& out);
std::string print_shutdown_flags(int flags);

// oom-score-adj-values: three integers in [-2000, 2000].
Error parse_oom_score_adj_values(std::string_view text, std::string& canonical);
// latency-tracking-info-percentiles: doubles in [0, 100], "" for none.
Error parse_percentiles(std::string_view text, std::string& canonical);
// A percentile as Redis prints it ("%f", trailing zeros and dot trimmed):
// 50 -> "50", 99.9 -> "99.9"; a list space-separated.
std::string print_percentile(double value);
std::string print_percentiles(const std::vector<double>& values);
// cluster-announce-hostname.
Error check_hostname(std::string_view text);
// proc-title-template: only {title} {listen-addr} {server-mode} {port}
// {tls-port} {unixsocket} {config-file}, balanced braces, and {title}.
Error check_proc_title_template(std::string_view text);

}  // namespace arbor::core::config_values

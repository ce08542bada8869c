// Key extraction by key spec (see command_keys.h).
#include "server/core/command_keys.h"

#include <algorithm>
#include <cstdint>

#include "protocol/number_format.h"
#include "server/core/arguments.h"

namespace arbor::core {
namespace {

// A keyword spec's keys (GEORADIUS's STORE, XREAD's STREAMS, as Redis
// searches: forwards from `startfrom`, or backwards from the end when it is
// negative, never matching the last argument; then the range after it).
void keyword_spec_keys(const ExtraKeySpec& extra, std::span<const std::string_view> argv, size_t spec_index,
                       std::vector<std::string_view>& keys, std::vector<size_t>& specs) {
  if (extra.keyword.empty()) return;
  const auto argc = static_cast<int64_t>(argv.size());
  const int64_t start = extra.startfrom > 0 ? extra.startfrom : argc + extra.startfrom;
  const int64_t end = extra.startfrom > 0 ? argc - 1 : 0;
  int64_t first = 0;
  for (int64_t i = start; i != end; i += start <= end ? 1 : -1) {
    if (i >= argc || i < 1) break;
    if (equals_ci(argv[static_cast<size_t>(i)], extra.keyword)) {
      first = i + 1;
      break;
    }
  }
  if (first == 0) return;
  int64_t last = first + extra.lastkey;
  if (extra.lastkey < 0) last = extra.limit == 0 ? argc + extra.lastkey : first + (argc - first) / extra.limit - 1;
  for (int64_t i = first; i <= last && i < argc; ++i) {
    keys.push_back(argv[static_cast<size_t>(i)]);
    specs.push_back(spec_index);
  }
}

}  // namespace

bool has_key_spec(const Command& command) {
  const KeySpec& spec = command.spec.keys;
  // Shard channels sit in a key spec flagged not_key: they are no keys.
  const bool keyword_keys =
      std::any_of(spec.extra.begin(), spec.extra.end(), [](const ExtraKeySpec& e) { return !e.keyword.empty(); });
  return (spec.first > 0 || spec.numkeys_at > 0 || spec.keys_of_call != nullptr || keyword_keys) &&
         spec.flags != "not_key";
}

void command_keys(const Command& command, std::span<const std::string_view> argv,
                  std::vector<std::string_view>& keys, std::vector<size_t>& specs) {
  if (!has_key_spec(command)) return;
  const KeySpec& spec = command.spec.keys;
  const auto argc = static_cast<int64_t>(argv.size());
  const size_t before = keys.size();
  if (spec.keys_of_call != nullptr) {
    for (const KeyRef& ref : spec.keys_of_call(argv)) {
      keys.push_back(argv[ref.arg]);
      specs.push_back(ref.spec);
    }
  } else if (spec.numkeys_at > 0) {
    if (spec.numkeys_at >= argc) return;
    const auto count = protocol::parse_int64(argv[static_cast<size_t>(spec.numkeys_at)]);
    if (count && *count > 0 && *count <= argc - spec.numkeys_at - 1) {
      // A *STORE form's destination is spec 0, its sources spec 1.
      if (spec.first > 0) {
        keys.push_back(argv[static_cast<size_t>(spec.first)]);
        specs.push_back(0);
      }
      for (int64_t i = 0; i < *count; ++i) {
        keys.push_back(argv[static_cast<size_t>(spec.numkeys_at + 1 + i)]);
        specs.push_back(spec.first > 0 ? 1 : 0);
      }
    }
  } else {
    int64_t last = spec.last < 0 ? argc + spec.last : spec.last;
    if (last >= argc) last = argc - 1;
    const int64_t step = spec.step > 0 ? spec.step : 1;
    // With a second range spec (BITOP's sources, RENAME's new name) the
    // first key is spec 0 and the others spec 1.
    const bool split = !spec.rest_flags.empty();
    for (int64_t i = spec.first; spec.first > 0 && i <= last; i += step) {
      specs.push_back(split && keys.size() > before ? 1 : 0);
      keys.push_back(argv[static_cast<size_t>(i)]);
    }
    const size_t first_extra = spec.first <= 0 ? 0 : split ? 2 : 1;
    for (size_t j = 0; j < spec.extra.size(); ++j) keyword_spec_keys(spec.extra[j], argv, first_extra + j, keys, specs);
  }
}

}  // namespace arbor::core

// Keyspace notification classes: parsing and printing the config value.
#include "server/core/keyspace_events.h"

namespace arbor::core {
namespace {

struct Letter {
  char letter;
  uint32_t flag;
};
// Type letters in the order Redis prints them.
constexpr Letter kTypeLetters[] = {
    {'g', kEventGeneric}, {'$', kEventString}, {'l', kEventList},   {'s', kEventSet},
    {'h', kEventHash},    {'z', kEventZset},   {'x', kEventExpired}, {'e', kEventEvicted},
    {'t', kEventStream},  {'d', kEventModule}, {'o', kEventNote},
};

}  // namespace

std::optional<uint32_t> parse_event_classes(std::string_view text) {
  uint32_t flags = 0;
  for (char c : text) {
    switch (c) {
      case 'A': flags |= kEventAll; continue;
      case 'K': flags |= kEventKeyspace; continue;
      case 'E': flags |= kEventKeyevent; continue;
      case 'm': flags |= kEventKeyMiss; continue;
      case 'n': flags |= kEventNew; continue;
      default: break;
    }
    bool known = false;
    for (const Letter& l : kTypeLetters) {
      if (l.letter == c) {
        flags |= l.flag;
        known = true;
      }
    }
    if (!known) return std::nullopt;
  }
  return flags;
}

std::string event_classes_text(uint32_t flags) {
  std::string text;
  if ((flags & kEventAll) == kEventAll) {
    text += 'A';
  } else {
    for (const Letter& l : kTypeLetters)
      if (flags & l.flag) text += l.letter;
  }
  if (flags & kEventKeyspace) text += 'K';
  if (flags & kEventKeyevent) text += 'E';
  if (flags & kEventKeyMiss) text += 'm';
  return text;
}

}  // namespace arbor::core

// Keyspace notification classes (notify-keyspace-events): Redis's letters
// plus arbor's `o` for note-tree events, with the text form CONFIG GET shows.
// Publishing lives in Instance (it needs pub/sub); this is the vocabulary.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace arbor::core {

enum EventClass : uint32_t {
  kEventKeyspace = 1u << 0,  // K: __keyspace@<db>__:<key> -> event
  kEventKeyevent = 1u << 1,  // E: __keyevent@<db>__:<event> -> key
  kEventGeneric = 1u << 2,   // g: DEL, EXPIRE, RENAME ...
  kEventString = 1u << 3,    // $
  kEventList = 1u << 4,      // l
  kEventSet = 1u << 5,       // s
  kEventHash = 1u << 6,      // h
  kEventZset = 1u << 7,      // z
  kEventExpired = 1u << 8,   // x
  kEventEvicted = 1u << 9,   // e
  kEventStream = 1u << 10,   // t
  kEventKeyMiss = 1u << 11,  // m (not part of A, as Redis)
  kEventModule = 1u << 12,   // d
  kEventNew = 1u << 13,      // n (not part of A, as Redis)
  kEventNote = 1u << 14,     // o: arbor's note trees (note.add, note.del, note.set, note.move)
  // A: every type class. Redis's A plus `o`, so "KEA" shows note changes too.
  kEventAll = kEventGeneric | kEventString | kEventList | kEventSet | kEventHash | kEventZset | kEventExpired |
              kEventEvicted | kEventStream | kEventModule | kEventNote,
};

// Parses a notify-keyspace-events value; nullopt for an unknown letter.
std::optional<uint32_t> parse_event_classes(std::string_view text);
// The canonical text, as Redis's keyspaceEventsFlagsToString (which, like
// Redis 7.0, does not print `n`).
std::string event_classes_text(uint32_t flags);

// Error text for CONFIG SET with a bad letter.
inline constexpr std::string_view kInvalidEventClass =
    "Invalid event class character. Use 'Ag$lshzxeKEtmdno'.";

}  // namespace arbor::core

// Mixed-type generator for the differential test: lists, hashes, sets,
// sorted sets, streams and strings over one small shared key space, plus the
// comparison rules for replies whose order or content Redis leaves
// unspecified (unordered sets, hashtable-encoded hashes, SCAN pages, random
// members).
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "tests/integration/server_fixture.h"

namespace arbor::test {

using Command = std::vector<std::string>;

class TypesGenerator {
 public:
  explicit TypesGenerator(uint64_t seed) : rng_(seed) {}

  Command next();

 private:
  size_t below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool chance(int percent) { return static_cast<int>(below(100)) < percent; }
  std::string word(std::string text);
  // Any of the eleven keys; or, for a type's commands, mostly that type's
  // home keys (lists k0-k2, hashes k3-k5, sets k6-k7, zsets k8-k9, stream
  // k10), so that not every other command is a WRONGTYPE error.
  std::string key() { return "k" + std::to_string(below(11)); }
  // (The stream key only rarely: a stray write of another type there would
  // turn most stream commands into WRONGTYPE errors until it is deleted.)
  std::string key(size_t first, size_t n) {
    if (chance(85)) return "k" + std::to_string(first + below(n));
    return chance(90) ? "k" + std::to_string(below(10)) : "k10";
  }
  std::string element();
  std::string field();
  std::string index();
  std::string count();
  Command list_command();
  Command hash_command();
  Command set_command();
  Command zset_command();
  // Zset keys: k9 holds only score-0 members, for the lex commands (Redis
  // leaves lex ranges over unequal scores unspecified); k8 and, now and
  // then, any other key but k9 take every other write.
  std::string zkey() { return chance(85) ? "k8" : "k" + std::to_string(below(9)); }
  std::string zscore();
  std::string score_bound();
  std::string lex_bound();
  Command zset_algebra();
  Command stream_command();
  std::string stream_id();
  std::string stream_bound();
  void stream_trim(Command& cmd);
  Command generic_command();
  Command odd_command();
  Command grow();
  Command scan(const char* name);
  void append_keys(Command& cmd, size_t n, size_t first, size_t home);

  std::mt19937_64 rng_;
  uint64_t stream_clock_ = 1;  // the ms part of the next stream ids
};

// items[index % N]: a pick from a fixed list of words.
template <size_t N>
const char* pick_from(size_t index, const char* const (&items)[N]) {
  return items[index % N];
}

// True for HGETALL/HKEYS/HVALS, whose order is insertion order only while
// the hash is listpack-encoded: the caller then asks Redis for the encoding.
bool order_depends_on_hash_encoding(const Command& cmd);

// The comparison for replies Redis does not fix exactly: unordered replies
// are compared as sets, random replies by shape only, SCAN pages only when
// both servers finished in one call. nullopt: compare exactly.
std::optional<bool> same_typed_reply(const Command& cmd, const Reply& ours, const Reply& theirs,
                                     bool hashtable_hash);

// arbor keeps a small set of strings as a listpack, as Redis 7.2 does, where
// Redis 7.0 uses a hashtable: true when `cmd` is OBJECT ENCODING, arbor said
// "listpack", Redis "hashtable", and the key (asked of Redis) is a set of at
// most 128 members of at most 64 bytes.
bool set_listpack_where_redis70_has_hashtable(const Command& cmd, const Reply& ours, const Reply& theirs,
                                              Client& redis);

// Fixed scripts: SPOP emptying whole sets (so both datasets stay equal) and
// the encoding thresholds at exactly 512/513 entries and 64/65-byte values.
std::vector<Command> spop_script();
std::vector<Command> encoding_script();

// Fixed string scripts: number formatting (INCRBYFLOAT, encodings, LCS), and
// SET/GETEX with absolute times already past.
std::vector<Command> number_formatting_script();
std::vector<Command> past_expiry_script();

// One script per family of issue 3, every command and its error paths
// (differential_families.cpp).
std::vector<Command> list_script();
std::vector<Command> hash_script();
std::vector<Command> set_script();
std::vector<Command> zset_script();
std::vector<Command> stream_script();

}  // namespace arbor::test

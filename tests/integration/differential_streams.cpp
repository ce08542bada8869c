// The stream part of the mixed-type generator (TypesGenerator, declared in
// differential_types.h): XADD with explicit ids (an auto id would carry each
// server's clock) and its trimming options, XRANGE/XREVRANGE, XREAD without
// BLOCK, XDEL, XTRIM, XLEN and XSETID on the stream home key k10.
#include "tests/integration/differential_types.h"

namespace arbor::test {

// Mostly ids just past the ones used so far, so most XADDs succeed; now and
// then an old, partial, sequence-only or malformed one.
std::string TypesGenerator::stream_id() {
  if (chance(50)) stream_clock_ += 1 + below(3);
  const uint64_t ms = chance(85) ? stream_clock_ : below(stream_clock_ + 1);
  switch (below(20)) {
    case 0:
      return std::to_string(ms);
    case 1:
      return std::to_string(ms) + "-*";
    case 2: {
      static const char* const kOdd[] = {"0-0", "abc", "-1", "1-", "-", "+", "$", "18446744073709551615-18446744073709551615", "0-1"};
      return pick_from(below(100), kOdd);
    }
    default:
      return std::to_string(ms) + "-" + std::to_string(below(4));
  }
}

std::string TypesGenerator::stream_bound() {
  static const char* const kFixed[] = {"-", "+", "(-", "(+", "abc", "0", "0-0", "(0-0"};
  if (chance(25)) return pick_from(below(100), kFixed);
  std::string id = stream_id();
  if (chance(20)) id = "(" + id;
  return id;
}

void TypesGenerator::stream_trim(Command& cmd) {
  const bool by_len = chance(60);
  cmd.push_back(word(by_len ? "MAXLEN" : "MINID"));
  if (chance(40)) cmd.push_back(chance(60) ? "~" : "=");
  cmd.push_back(by_len ? (chance(90) ? std::to_string(below(8)) : count()) : stream_id());
  if (chance(10)) {
    cmd.push_back(word("LIMIT"));
    cmd.push_back(count());
  }
}

Command TypesGenerator::stream_command() {
  switch (below(15)) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4: {
      Command cmd = {word("XADD"), key(10, 1)};
      if (chance(10)) cmd.push_back(word("NOMKSTREAM"));
      if (chance(20)) stream_trim(cmd);
      cmd.push_back(stream_id());
      for (size_t i = 0, n = chance(97) ? 1 + below(2) : 0; i < n; ++i) {
        cmd.push_back(field());
        cmd.push_back(element());
      }
      if (chance(3)) cmd.push_back(field());  // a field without its value
      return cmd;
    }
    case 5:
      return {word("XLEN"), key(10, 1)};
    case 6:
    case 7: {
      const bool rev = chance(40);
      Command cmd = {word(rev ? "XREVRANGE" : "XRANGE"), key(10, 1), stream_bound(), stream_bound()};
      if (chance(30)) {
        cmd.push_back(word("COUNT"));
        cmd.push_back(count());
      }
      return cmd;
    }
    case 8: {
      Command cmd = {word("XREAD")};
      if (chance(40)) {
        cmd.push_back(word("COUNT"));
        cmd.push_back(count());
      }
      cmd.push_back(word("STREAMS"));
      const size_t n = 1 + below(2);
      for (size_t i = 0; i < n; ++i) cmd.push_back(key(10, 1));
      for (size_t i = 0; i < n; ++i) cmd.push_back(chance(10) ? "$" : (chance(30) ? "0" : stream_id()));
      if (chance(3)) cmd.pop_back();  // unbalanced
      return cmd;
    }
    case 9:
    case 10: {
      Command cmd = {word("XDEL"), key(10, 1)};
      for (size_t i = 0, n = 1 + below(3); i < n; ++i) cmd.push_back(stream_id());
      return cmd;
    }
    case 11:
    case 12: {
      Command cmd = {word("XTRIM"), key(10, 1)};
      stream_trim(cmd);
      return cmd;
    }
    case 13:
      return {word("DEL"), "k10"};  // a fresh start, and room again after a stray write of another type
    default: {
      Command cmd = {word("XSETID"), key(10, 1), stream_id()};
      if (chance(20)) {
        cmd.push_back(word("ENTRIESADDED"));
        cmd.push_back(std::to_string(below(40)));
        cmd.push_back(word("MAXDELETEDID"));
        cmd.push_back(stream_id());
      }
      return cmd;
    }
  }
}

}  // namespace arbor::test

// The sorted-set part of the mixed-type generator (TypesGenerator, declared
// in differential_types.h): ZADD and friends on home keys k8-k9, ranges by
// rank, score and lex, pops, the algebra commands with plain sets as sources,
// ZRANDMEMBER and ZSCAN. Lex commands read k9, which only ever gets score-0
// members (Redis leaves lex ranges over unequal scores unspecified).
#include <string_view>

#include "tests/integration/differential_types.h"

namespace arbor::test {

std::string TypesGenerator::zscore() {
  static const char* const kScores[] = {"0",   "1",    "-1",  "2",     "2.5",   "10",  "-3.5", "inf",
                                        "-inf", "1e3", "0.1", "0.2",   "-0",    "3",   "7",    "abc",
                                        "nan",  "",    "1e400", "0x10", "4", "5"};
  if (chance(40)) return std::to_string(static_cast<int>(below(12)) - 3);
  return pick_from(below(100), kScores);
}

std::string TypesGenerator::score_bound() {
  static const char* const kBounds[] = {"-inf", "+inf", "inf", "0",  "1",  "(1", "2",  "(2.5", "5",
                                        "(5",   "10",   "-1",  "(0", "3",  "abc", "(", "((1", "nan"};
  return pick_from(below(100), kBounds);
}

std::string TypesGenerator::lex_bound() {
  static const char* const kBounds[] = {"-",  "+",  "[a", "(a", "[c", "(c", "[e", "(e",  "[1",
                                        "(1", "[",  "(",  "[x y", "a", "++", "[b", "(d", "[z"};
  return pick_from(below(100), kBounds);
}

Command TypesGenerator::zset_algebra() {
  static const char* const kNames[] = {"ZUNION", "ZINTER", "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE",
                                       "ZINTERCARD"};
  const std::string name = pick_from(below(7), kNames);
  const bool store = name.ends_with("STORE");
  const bool card = name == "ZINTERCARD";
  const bool diff = name.starts_with("ZDIFF");
  Command cmd = {word(name)};
  if (store) cmd.push_back(zkey());
  const size_t n = 1 + below(3);
  cmd.push_back(chance(95) ? std::to_string(n) : (chance(50) ? "0" : "abc"));
  // Sources: the zset keys, now and then a set (k6-k7) or anything.
  for (size_t i = 0; i < n; ++i) cmd.push_back(chance(70) ? key(8, 2) : (chance(60) ? key(6, 2) : key()));
  if (card) {
    if (chance(40)) {
      cmd.push_back(word("LIMIT"));
      cmd.push_back(chance(85) ? std::to_string(below(4)) : "-1");
    }
    return cmd;
  }
  if (!diff && chance(35)) {
    cmd.push_back(word("WEIGHTS"));
    static const char* const kWeights[] = {"1", "2", "0", "-1", "0.5", "inf", "abc"};
    for (size_t i = 0; i < n; ++i) cmd.push_back(pick_from(below(100), kWeights));
  }
  if (!diff && chance(35)) {
    static const char* const kHow[] = {"SUM", "MIN", "MAX", "AVG"};
    cmd.push_back(word("AGGREGATE"));
    cmd.push_back(word(pick_from(below(100), kHow)));
  }
  if (!store && chance(50)) cmd.push_back(word("WITHSCORES"));
  return cmd;
}

Command TypesGenerator::zset_command() {
  auto limit = [&](Command& cmd) {
    if (!chance(30)) return;
    cmd.push_back(word("LIMIT"));
    cmd.push_back(std::to_string(static_cast<int>(below(5)) - 1));
    cmd.push_back(std::to_string(static_cast<int>(below(5)) - 1));
  };
  switch (below(30)) {
    case 0:
    case 1:
    case 2:
    case 3: {
      Command cmd = {word("ZADD"), zkey()};
      static const char* const kFlags[] = {"NX", "XX", "GT", "LT", "CH", "INCR"};
      if (chance(40)) cmd.push_back(word(pick_from(below(100), kFlags)));
      if (chance(15)) cmd.push_back(word(pick_from(below(100), kFlags)));
      for (size_t i = 0, n = 1 + below(4); i < n; ++i) {
        cmd.push_back(zscore());
        cmd.push_back(element());
      }
      return cmd;
    }
    case 4:
    case 5: {
      // The lex key: every member scored 0.
      Command cmd = {word("ZADD"), "k9"};
      for (size_t i = 0, n = 1 + below(3); i < n; ++i) {
        cmd.push_back("0");
        cmd.push_back(element());
      }
      return cmd;
    }
    case 6:
      return {word("ZINCRBY"), zkey(), zscore(), element()};
    case 7:
    case 8: {
      Command cmd = {word("ZREM"), key(8, 2)};
      for (size_t i = 0, n = 1 + below(3); i < n; ++i) cmd.push_back(element());
      return cmd;
    }
    case 9:
      if (chance(50)) return {word("ZCARD"), key(8, 2)};
      return {word("ZSCORE"), key(8, 2), element()};
    case 10: {
      Command cmd = {word("ZMSCORE"), key(8, 2)};
      for (size_t i = 0, n = 1 + below(3); i < n; ++i) cmd.push_back(element());
      return cmd;
    }
    case 11:
      return {word(chance(50) ? "ZRANK" : "ZREVRANK"), key(8, 2), element()};
    case 12:
    case 13: {
      Command cmd = {word(chance(70) ? "ZRANGE" : "ZREVRANGE"), key(8, 2), index(), index()};
      if (chance(40)) cmd.push_back(word("WITHSCORES"));
      if (cmd[0] == "ZRANGE" && chance(15)) cmd.push_back(word("REV"));
      if (chance(3)) limit(cmd);
      return cmd;
    }
    case 14:
    case 15: {
      const bool rev = chance(40);
      Command cmd = {word(rev ? "ZREVRANGEBYSCORE" : "ZRANGEBYSCORE"), key(8, 2), score_bound(), score_bound()};
      if (chance(40)) cmd.push_back(word("WITHSCORES"));
      limit(cmd);
      return cmd;
    }
    case 16: {
      const bool rev = chance(40);
      Command cmd = {word(rev ? "ZREVRANGEBYLEX" : "ZRANGEBYLEX"), "k9", lex_bound(), lex_bound()};
      limit(cmd);
      if (chance(5)) cmd.push_back(word("WITHSCORES"));
      return cmd;
    }
    case 17: {
      // The ZRANGE forms: BYSCORE on any zset key, BYLEX on the lex key.
      const bool lex = chance(40);
      const bool store = chance(30);
      Command cmd = {word(store ? "ZRANGESTORE" : "ZRANGE")};
      if (store) cmd.push_back(lex ? "k9" : zkey());
      cmd.push_back(lex ? "k9" : key(8, 2));
      cmd.push_back(lex ? lex_bound() : score_bound());
      cmd.push_back(lex ? lex_bound() : score_bound());
      cmd.push_back(word(lex ? "BYLEX" : "BYSCORE"));
      if (chance(40)) cmd.push_back(word("REV"));
      limit(cmd);
      if (!store && !lex && chance(40)) cmd.push_back(word("WITHSCORES"));
      return cmd;
    }
    case 18:
      if (chance(50)) return {word("ZCOUNT"), key(8, 2), score_bound(), score_bound()};
      return {word("ZLEXCOUNT"), "k9", lex_bound(), lex_bound()};
    case 19: {
      const size_t which = below(3);
      if (which == 0) return {word("ZREMRANGEBYRANK"), key(8, 2), index(), index()};
      if (which == 1) return {word("ZREMRANGEBYSCORE"), zkey(), score_bound(), score_bound()};
      return {word("ZREMRANGEBYLEX"), "k9", lex_bound(), lex_bound()};
    }
    case 20:
    case 21: {
      Command cmd = {word(chance(50) ? "ZPOPMIN" : "ZPOPMAX"), key(8, 2)};
      if (chance(50)) cmd.push_back(count());
      return cmd;
    }
    case 22: {
      const size_t n = 1 + below(3);
      Command cmd = {word("ZMPOP"), chance(90) ? std::to_string(n) : (chance(50) ? "0" : "abc")};
      append_keys(cmd, n, 8, 2);
      cmd.push_back(word(chance(50) ? "MIN" : (chance(95) ? "MAX" : "MID")));
      if (chance(50)) {
        cmd.push_back(word("COUNT"));
        cmd.push_back(count());
      }
      return cmd;
    }
    case 23:
    case 24:
    case 25:
      return zset_algebra();
    case 26: {
      Command cmd = {word("ZRANDMEMBER"), key(8, 2)};
      if (chance(70)) cmd.push_back(count());
      if (chance(40)) cmd.push_back(word("WITHSCORES"));
      return cmd;
    }
    default:
      return scan("ZSCAN");
  }
}

}  // namespace arbor::test

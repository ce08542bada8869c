// SORT and SORT_RO against redis-server 7.0 in the same run: a fixed script
// of options, edges and errors, then seeded random SORTs over lists, sets and
// sorted sets with BY and GET patterns (strings, hash fields, missing keys),
// LIMIT, ASC|DESC, ALPHA and STORE, each reply compared and every STORE's
// destination read back.
//
// Where Redis's order is not defined the replies are compared as multisets:
// a set returned unsorted (BY nosort) is in hash-table order. The data give
// every element a distinct BY value where ALPHA compares them, because Redis
// sorts a LIMITed request with an unstable partial quicksort.
//
// Suite: 3 seeds x 1500 commands. Long run on demand:
//   ARBOR_DIFF_SEEDS=50 ARBOR_DIFF_STEPS=20000 [ARBOR_DIFF_FIRST_SEED=1] differential_sort_test
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "tests/integration/differential_support.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

using Command = std::vector<std::string>;

// Elements of every source; each has a distinct numeric w_<e> and a distinct
// h_<e> field f, except "zz", which has neither.
const std::vector<std::string>& elements() {
  static const std::vector<std::string> kElements = {"1", "2", "10", "-3", "2.5", "1e2", "0x10", "007", "a",
                                                     "b", "B", "ab", "zz", " 4", "inf"};
  return kElements;
}

std::vector<Command> setup_commands() {
  std::vector<Command> setup = {
      {"RPUSH", "nums", "3", "1", "2", "10", "-3", "2.5", "1e2", "2", "0x10", "007", " 4", "inf"},
      {"RPUSH", "words", "b", "a", "B", "ab", "zz", "10", "2", "b"},
      {"SADD", "iset", "5", "3", "100", "-1", "42"},
      {"SADD", "wset", "a", "b", "B", "ab", "zz", "1", "2"},
      {"ZADD", "z", "1", "a", "2", "b", "3", "1", "4", "10", "5", "zz", "6", "2.5"},
      {"RPUSH", "bad", "1", "nan", "2"},
      {"SET", "str", "x"},
      // Number edges: underflow, a subnormal, overflow, signed zeros, more
      // digits than a double holds, a leading '+'.
      {"RPUSH", "under", "1", "1e-400"}, {"RPUSH", "denorm", "1", "4.9e-324"}, {"RPUSH", "big", "1", "1e400"},
      {"RPUSH", "zeros", "-0", "0", "-0.0", "0.0", "+0", "00"},
      {"RPUSH", "digits", "0.1000000000000000055511151231257827", "0.1", "0.10000000000000001", "+5", "-5", "5.",
       ".5", "1e", "2.2250738585072014e-308", "1e308"},
  };
  int weight = 0;
  for (const std::string& e : elements()) {
    if (e == "zz") continue;
    weight += 7;
    setup.push_back({"SET", "w_" + e, std::to_string((weight * 37) % 101) + (weight % 3 == 0 ? ".5" : "")});
    setup.push_back({"HSET", "h_" + e, "f", "f" + std::to_string((weight * 53) % 97), "g",
                     std::to_string(weight % 4)});
  }
  for (const char* const e : {"5", "3", "100", "-1", "42"}) {
    setup.push_back({"SET", std::string("w_") + e, std::to_string(std::stoi(e) * -2)});
    setup.push_back({"HSET", std::string("h_") + e, "f", std::string("v") + e});
  }
  setup.push_back({"SET", "w_nan", "nan"});
  // Big enough for the radix sort (512 and more): repeats, both zeros,
  // fractions, infinities, extremes.
  Command many{"RPUSH", "many"};
  for (int i = 0; i < 3000; ++i) {
    const int v = (i * 7919) % 1001 - 500;
    many.push_back(i % 3 == 0 ? std::to_string(v) + ".25" : std::to_string(v));
  }
  for (const char* const edge : {"-0", "0", "0.0", "-0.0", "inf", "-inf", "1e308", "-1e308", "2.5e-300", "-2.5e-300"})
    many.push_back(edge);
  setup.push_back(many);
  return setup;
}

std::vector<Command> fixed_script() {
  return {
      {"SORT", "nums"}, {"SORT", "nums", "DESC"}, {"SORT", "nums", "ALPHA"}, {"SORT", "words"},
      {"SORT", "words", "ALPHA"}, {"SORT", "words", "alpha", "desc"}, {"SORT", "iset"}, {"SORT", "wset", "ALPHA"},
      {"SORT", "z"}, {"SORT", "z", "ALPHA"}, {"SORT", "z", "BY", "nosort"}, {"SORT", "z", "BY", "nosort", "DESC"},
      {"SORT", "z", "BY", "nosort", "LIMIT", "1", "3"}, {"SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "3"},
      {"SORT", "nums", "BY", "nosort"}, {"SORT", "nums", "BY", "nosort", "DESC", "LIMIT", "2", "4"},
      {"SORT", "bad"}, {"SORT", "bad", "ALPHA"}, {"SORT", "nums", "BY", "w_*"}, {"SORT", "nums", "BY", "w_*", "DESC"},
      {"SORT", "words", "BY", "h_*->f", "ALPHA"}, {"SORT", "words", "BY", "h_*->g"}, {"SORT", "words", "BY", "w_*->f"},
      {"SORT", "nums", "BY", "missing_*"}, {"SORT", "nums", "BY", "h_*->"}, {"SORT", "nums", "BY", "h_*->nofield"},
      {"SORT", "nums", "GET", "#", "GET", "w_*", "GET", "h_*->f", "GET", "nokey", "GET", "w_*->f"},
      {"SORT", "words", "ALPHA", "GET", "h_*->g", "LIMIT", "1", "2"}, {"SORT", "nums", "LIMIT", "0", "0"},
      {"SORT", "nums", "LIMIT", "-5", "3"}, {"SORT", "nums", "LIMIT", "3", "-1"}, {"SORT", "nums", "LIMIT", "100", "5"},
      {"SORT", "nums", "LIMIT", "x", "5"}, {"SORT", "nums", "LIMIT", "1"}, {"SORT", "nums", "LIMIT", "1", "2", "3"},
      {"SORT", "nums", "FOO"}, {"SORT", "nums", "BY"}, {"SORT", "nums", "GET"}, {"SORT", "nums", "STORE"},
      {"SORT", "str"}, {"SORT", "str", "FOO"}, {"SORT", "none"}, {"SORT", "none", "STORE", "dst"},
      {"SORT", "nums", "STORE", "dst"}, {"LRANGE", "dst", "0", "-1"}, {"TYPE", "dst"},
      {"SORT", "nums", "GET", "nokey", "GET", "#", "STORE", "dst"}, {"LRANGE", "dst", "0", "-1"},
      {"SET", "dst", "x"}, {"EXPIRE", "dst", "100"}, {"SORT", "iset", "STORE", "dst"}, {"TTL", "dst"},
      {"LRANGE", "dst", "0", "-1"}, {"SORT", "none", "STORE", "dst"}, {"EXISTS", "dst"},
      {"SORT", "wset", "BY", "nosort", "STORE", "dst"}, {"LRANGE", "dst", "0", "-1"},
      {"SORT", "bad", "STORE", "dst"}, {"SORT", "nums", "STORE", "str", "LIMIT", "0", "2"}, {"TYPE", "str"},
      {"SORT_RO", "nums"}, {"SORT_RO", "nums", "STORE", "dst"}, {"SORT_RO", "words", "BY", "h_*->f", "ALPHA", "GET", "#"},
      {"SORT_RO", "str"}, {"SORT_RO", "none"}, {"SORT"}, {"SORT_RO"},
      {"SORT", "nums", "BY", "w_*", "ALPHA", "DESC", "GET", "#", "GET", "w_*"},
      {"SORT", "zeros"}, {"SORT", "zeros", "DESC"}, {"SORT", "zeros", "LIMIT", "1", "2"}, {"SORT", "digits"},
      {"SORT", "digits", "LIMIT", "2", "3", "DESC"},
      {"SORT", "many"}, {"SORT", "many", "DESC"}, {"SORT", "many", "LIMIT", "1000", "40"},
      {"SORT", "many", "DESC", "LIMIT", "2990", "100"}, {"SORT", "many", "DESC", "STORE", "manydst"},
      {"LRANGE", "manydst", "0", "-1"}, {"SORT", "many", "ALPHA", "LIMIT", "0", "50"},
      // Last: Redis tests errno for ERANGE without clearing it first, so
      // after an overflow its next SORTs of non-integer text fail as well
      // until some system call sets errno again. arbor does not copy that.
      {"SORT", "under"}, {"SORT", "denorm"}, {"SORT", "big"},
      {"COMMAND", "INFO", "SORT", "SORT_RO"}, {"COMMAND", "DOCS", "SORT", "SORT_RO"},
      {"COMMAND", "GETKEYS", "SORT", "a", "STORE", "b", "BY", "x", "GET", "y", "STORE", "c", "LIMIT", "STORE", "d"},
      {"COMMAND", "GETKEYSANDFLAGS", "SORT", "a", "LIMIT", "1", "2", "store", "b"},
      {"COMMAND", "GETKEYSANDFLAGS", "SORT_RO", "a", "STORE", "b"}, {"COMMAND", "GETKEYS", "SORT", "a", "STORE"},
  };
}

// Random SORTs over the fixed data.
class SortGenerator {
 public:
  explicit SortGenerator(uint64_t seed) : rng_(seed) {}

  struct Step {
    Command cmd;
    bool unordered = false;  // compare as a multiset (or by length, with LIMIT)
    bool limited = false;
  };

  Step next() {
    static const char* const kSources[] = {"nums", "words", "iset", "wset", "z", "bad", "none", "str"};
    const std::string source = kSources[below(8)];
    Step step;
    step.cmd = {chance(15) ? "SORT_RO" : "SORT", source};
    bool alpha = chance(40), nosort = false;
    std::string by;
    if (chance(50)) {
      static const char* const kNumericBy[] = {"w_*", "h_*->g", "missing_*", "nosort", "w_*->f", "h_*->", "*"};
      static const char* const kAlphaBy[] = {"w_*", "h_*->f", "nosort"};
      by = alpha ? kAlphaBy[below(3)] : kNumericBy[below(7)];
      nosort = by.find('*') == std::string::npos;
      options_.push_back({"BY", by});
    }
    if (alpha) options_.push_back({"ALPHA"});
    if (chance(40)) options_.push_back({chance(50) ? "DESC" : "ASC"});
    if (chance(30)) {
      step.limited = true;
      options_.push_back({"LIMIT", std::to_string(static_cast<int>(below(8)) - 2), std::to_string(static_cast<int>(below(8)) - 2)});
    }
    const size_t gets = chance(60) ? 0 : 1 + below(3);
    for (size_t i = 0; i < gets; ++i) {
      static const char* const kGets[] = {"#", "w_*", "h_*->f", "h_*->g", "nokey", "w_*->f", "x_*"};
      options_.push_back({"GET", kGets[below(7)]});
    }
    if (step.cmd[0] == "SORT" && chance(20)) options_.push_back({"STORE", chance(80) ? "dst" : "str2"});
    if (chance(2)) options_.push_back({"BOGUS"});
    std::shuffle(options_.begin(), options_.end(), rng_);
    bool stores = false;
    for (const Command& option : options_) {
      step.cmd.insert(step.cmd.end(), option.begin(), option.end());
      stores = stores || option[0] == "STORE";
    }
    options_.clear();
    // An unsorted set keeps its hash-table order, except when stored.
    step.unordered = nosort && (source == "iset" || source == "wset") && !stores;
    return step;
  }

 private:
  size_t below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool chance(int percent) { return static_cast<int>(below(100)) < percent; }

  std::mt19937_64 rng_;
  std::vector<Command> options_;
};

// The reply's elements sorted, so that two orders of one multiset compare equal.
std::string as_multiset(const Reply& reply) {
  if (reply.type != ReplyType::kArray) return describe(reply);
  std::vector<std::string> items;
  for (const Reply& element : reply.elements) items.push_back(describe(element));
  std::sort(items.begin(), items.end());
  std::string text;
  for (const std::string& item : items) text += item + "|";
  return text;
}

class DifferentialSort : public ::testing::Test {
 protected:
  void load_data(Client& ours, Client& theirs) {
    ASSERT_EQ(describe(ours.cmd({"FLUSHALL"})), describe(theirs.cmd({"FLUSHALL"})));
    for (const Command& cmd : setup_commands()) ASSERT_EQ(describe(ours.cmd(cmd)), describe(theirs.cmd(cmd)));
  }

  ServerProcess arbor_;
  RedisProcess redis_;
};

TEST_F(DifferentialSort, FixedScriptMatchesRedis) {
  ASSERT_TRUE(redis_.ok());
  Client ours(arbor_.port()), theirs(redis_.port());
  load_data(ours, theirs);
  const std::vector<Command> script = fixed_script();
  for (size_t i = 0; i < script.size(); ++i)
    EXPECT_EQ(describe(ours.cmd(script[i])), describe(theirs.cmd(script[i]))) << "step " << i << ": " << printable(script[i]);
  // The long list sorts (no error), so the radix path was compared above.
  EXPECT_EQ(ours.cmd({"SORT", "many"}).elements.size(), 3010u);
}

TEST_F(DifferentialSort, RandomSortsMatchRedis) {
  ASSERT_TRUE(redis_.ok());
  const int seeds = env_int("ARBOR_DIFF_SEEDS", 3), steps = env_int("ARBOR_DIFF_STEPS", 1500);
  const int first = env_int("ARBOR_DIFF_FIRST_SEED", 1);
  Client ours(arbor_.port()), theirs(redis_.port());
  for (int seed = first; seed < first + seeds; ++seed) {
    load_data(ours, theirs);
    SortGenerator gen(static_cast<uint64_t>(seed));
    for (int step = 0; step < steps; ++step) {
      const SortGenerator::Step s = gen.next();
      const Reply a = ours.cmd(s.cmd), b = theirs.cmd(s.cmd);
      const std::string where = "seed " + std::to_string(seed) + " step " + std::to_string(step) + ": " + printable(s.cmd);
      if (!s.unordered) {
        ASSERT_EQ(describe(a), describe(b)) << where;
      } else if (s.limited) {
        ASSERT_EQ(a.type, b.type) << where;
        ASSERT_EQ(a.elements.size(), b.elements.size()) << where;
      } else {
        ASSERT_EQ(as_multiset(a), as_multiset(b)) << where;
      }
      for (const char* destination : {"dst", "str2"}) {
        const Command read{"LRANGE", destination, "0", "-1"};
        ASSERT_EQ(describe(ours.cmd(read)), describe(theirs.cmd(read))) << "after " << where;
      }
    }
  }
}

}  // namespace
}  // namespace arbor::test

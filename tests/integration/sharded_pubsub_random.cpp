// Seeded random sharded pub/sub against redis-server 7.0 in the same run:
// two subscribers and a publisher on each server, in RESP2 or RESP3 by seed.
// Subscribers SSUBSCRIBE, SUNSUBSCRIBE (some channels or all), SUBSCRIBE and
// UNSUBSCRIBE plain channels, PING, and try commands subscribed mode refuses;
// the publisher SPUBLISHes and PUBLISHes, asks PUBSUB SHARDCHANNELS,
// SHARDNUMSUB, CHANNELS and NUMSUB, and sends wrong arities. After each step
// every subscriber is sent a PING with a marker and read up to its answer, so
// what it received (replies and messages) is compared in full, in order.
// Redis answers an unsubscribe-from-all in its hash order: those replies are
// compared as a set of channels, and PUBSUB's lists sorted.
//
// Suite: 3 seeds x 600 steps. Long run on demand:
//   ARBOR_DIFF_SEEDS=40 ARBOR_DIFF_STEPS=5000 [ARBOR_DIFF_FIRST_SEED=1] sharded_pubsub_test
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tests/integration/differential_support.h"
#include "tests/integration/server_fixture.h"
#include "tests/integration/session.h"

namespace arbor::test {
namespace {

using Command = std::vector<std::string>;

struct Step {
  int who = 0;  // 0: the publisher, 1 or 2: a subscriber
  Command cmd;
  bool unordered = false;  // an unsubscribe from all, or a PUBSUB list
};

class PubSubGenerator {
 public:
  explicit PubSubGenerator(uint64_t seed) : rng_(seed) {}

  Step next() {
    Step step;
    step.who = static_cast<int>(below(3));
    if (step.who == 0) {
      publisher(step);
      return step;
    }
    switch (below(9)) {
      case 0: case 1: case 2: step.cmd = with_channels({"SSUBSCRIBE"}, 1); break;
      case 3: case 4:
        step.cmd = chance(30) ? Command{"SUNSUBSCRIBE"} : with_channels({"SUNSUBSCRIBE"}, 1);
        step.unordered = step.cmd.size() == 1;
        break;
      case 5: step.cmd = chance(50) ? Command{"SUBSCRIBE", channel()} : Command{"UNSUBSCRIBE"}; break;
      case 6: step.cmd = chance(50) ? Command{"PING"} : Command{"PING", "hello"}; break;
      case 7: step.cmd = chance(50) ? Command{"GET", "k"} : Command{"SPUBLISH", channel(), "from a subscriber"}; break;
      default: step.cmd = {"PSUBSCRIBE", "s*"}; break;
    }
    step.unordered = step.unordered || step.cmd == Command{"UNSUBSCRIBE"};
    return step;
  }

 private:
  size_t below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool chance(int percent) { return static_cast<int>(below(100)) < percent; }
  std::string channel() { return std::string(1, static_cast<char>('a' + below(5))); }
  Command with_channels(Command cmd, size_t least) {
    for (size_t n = least + below(3); n > 0; --n) cmd.push_back(channel());
    return cmd;
  }
  void publisher(Step& step) {
    switch (below(8)) {
      case 0: case 1: case 2: step.cmd = {"SPUBLISH", channel(), "m" + std::to_string(below(1000))}; break;
      case 3: step.cmd = {"PUBLISH", channel(), "plain"}; break;
      case 4:
        step.cmd = chance(50) ? Command{"PUBSUB", "SHARDCHANNELS"} : Command{"PUBSUB", "SHARDCHANNELS", chance(50) ? "[a-c]" : "?"};
        step.unordered = true;
        break;
      case 5: step.cmd = with_channels({"PUBSUB", "SHARDNUMSUB"}, 0); break;
      case 6:
        step.cmd = chance(50) ? Command{"PUBSUB", "NUMSUB", channel()} : Command{"PUBSUB", "CHANNELS"};
        step.unordered = step.cmd.size() == 2;
        break;
      default: {
        static const Command kWrong[] = {{"SPUBLISH", "a"}, {"SSUBSCRIBE"}, {"SPUBLISH", "a", "b", "c"},
                                         {"PUBSUB", "SHARDCHANNELS", "a", "b"}, {"PUBSUB", "SHARDNUMSUBS"}};
        step.cmd = kWrong[below(5)];
      }
    }
  }

  std::mt19937_64 rng_;
};

// The channel of "[sunsubscribe, a, 2]"-like lines without their counts,
// sorted: Redis leaves the order (and so the counts) of an unsubscribe from
// all to its hash table.
std::vector<std::string> as_channel_set(std::vector<std::string> lines) {
  for (std::string& line : lines) {
    const size_t last_comma = line.rfind(", ");
    if (last_comma != std::string::npos) line.erase(last_comma);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

// A list reply's elements sorted ("[b, a]" -> "[a, b]").
std::string sorted_list(const std::string& text) {
  if (text.size() < 2 || text.front() != '[') return text;
  std::vector<std::string> items;
  const std::string inner = text.substr(1, text.size() - 2);
  for (size_t start = 0; start <= inner.size();) {
    const size_t comma = inner.find(", ", start);
    items.push_back(inner.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 2;
  }
  std::sort(items.begin(), items.end());
  std::string out = "[";
  for (const std::string& item : items) out += (out.size() > 1 ? ", " : "") + item;
  return out + "]";
}

class Side {
 public:
  Side(uint16_t port, int resp) : publisher_(port) {
    for (auto& s : subscribers_) {
      s = std::make_unique<Session>(port);
      if (resp == 3) s->call({"HELLO", "3"});
    }
  }

  // Subscriptions ended before the sessions close, so that the next seed's
  // servers count none of them (a close is handled some time later).
  void reset() {
    for (auto& s : subscribers_) s->call({"RESET"});
  }

  // What `step` produced: the publisher's reply, then every subscriber's
  // lines up to its marker.
  std::vector<std::string> run(const Step& step, int number) {
    std::vector<std::string> seen;
    if (step.who == 0) {
      const std::string reply = publisher_.call(step.cmd);
      seen.push_back("pub " + (step.unordered ? sorted_list(reply) : reply));
    } else {
      subscribers_[step.who - 1]->send(step.cmd);
    }
    // The sender's marker first: once it is answered, the command ran, and
    // whatever it published is ahead of the other subscriber's marker.
    const int order[2] = {step.who == 2 ? 1 : 0, step.who == 2 ? 0 : 1};
    std::vector<std::string> per_subscriber[2];
    for (const int i : order) {
      const std::string marker = "marker" + std::to_string(number);
      subscribers_[i]->send({"PING", marker});
      std::vector<std::string> lines;
      for (int guard = 0; guard < 64; ++guard) {
        const std::string line = subscribers_[i]->next();
        if (line.find(marker) != std::string::npos || line == "(none)") {
          lines.push_back(line);
          break;
        }
        lines.push_back(line);
      }
      if (step.unordered && step.who == i + 1) {
        const std::string end = lines.back();
        lines.pop_back();
        lines = as_channel_set(lines);
        lines.push_back(end);
      }
      for (const std::string& line : lines) per_subscriber[i].push_back("sub" + std::to_string(i + 1) + " " + line);
    }
    for (const auto& lines : per_subscriber) seen.insert(seen.end(), lines.begin(), lines.end());
    return seen;
  }

 private:
  Session publisher_;
  std::unique_ptr<Session> subscribers_[2];
};

TEST(ShardedPubSub, RandomTrafficMatchesRedis) {
  ServerProcess arbor;
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  const int seeds = env_int("ARBOR_DIFF_SEEDS", 3), steps = env_int("ARBOR_DIFF_STEPS", 600);
  const int first = env_int("ARBOR_DIFF_FIRST_SEED", 1);
  for (int seed = first; seed < first + seeds; ++seed) {
    const int resp = seed % 2 == 0 ? 3 : 2;
    Side ours(arbor.port(), resp), theirs(redis.port(), resp);
    PubSubGenerator gen(static_cast<uint64_t>(seed));
    for (int number = 0; number < steps; ++number) {
      const Step step = gen.next();
      const std::vector<std::string> a = ours.run(step, number), b = theirs.run(step, number);
      ASSERT_EQ(a, b) << "seed " << seed << " (RESP" << resp << ") step " << number << ": "
                      << (step.who == 0 ? "publisher " : "subscriber ") << printable(step.cmd);
    }
    ours.reset();
    theirs.reset();
  }
}

}  // namespace
}  // namespace arbor::test

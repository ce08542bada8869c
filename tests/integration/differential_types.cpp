// Mixed-type command generator for the differential test (lists, hashes,
// sets, sorted sets, strings and generic key commands on one key space of
// ten keys) and
// the order- and randomness-aware reply comparison. SPOP is left out of the
// random stream (it would make the two datasets diverge); spop_script()
// covers it by emptying whole sets. Also the fixed scripts of the suite.
#include "tests/integration/differential_types.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <string_view>
#include <utility>

namespace arbor::test {
namespace {

std::string upper_name(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// A value pool: `store` (a caller's function-local static) filled once.
const std::vector<std::string>& pool(std::initializer_list<const char*> items,
                                     std::vector<std::string>& store) {
  if (store.empty())
    for (const char* item : items) store.emplace_back(item);
  return store;
}

}  // namespace

std::string TypesGenerator::word(std::string text) {
  if (chance(30)) {
    for (char& c : text) c = static_cast<char>(chance(50) ? std::tolower(c) : std::toupper(c));
  }
  return text;
}

// Small pool so members collide; integers (intsets), and now and then a
// value over 64 bytes (hash listpack -> hashtable) or a non-integer member
// (intset -> hashtable).
std::string TypesGenerator::element() {
  static std::vector<std::string> store;
  const auto& items = pool({"a", "b", "c", "d", "e", "1", "2", "3", "10", "-5", "100", "007", "1.5", "",
                            "x y", "9223372036854775807", "-9223372036854775808", "9223372036854775808"},
                           store);
  if (chance(3)) return std::string(60 + below(10), 'L');
  if (chance(35)) return std::to_string(static_cast<int>(below(20)) - 3);
  return items[below(items.size())];
}

std::string TypesGenerator::field() {
  if (chance(75)) return "f" + std::to_string(below(6));
  return element();
}

std::string TypesGenerator::index() {
  static std::vector<std::string> store;
  const auto& items = pool({"0", "1", "2", "3", "-1", "-2", "-3", "-100", "100", "abc", "9223372036854775807",
                            "-9223372036854775808"},
                           store);
  return items[below(items.size())];
}

std::string TypesGenerator::count() {
  static std::vector<std::string> store;
  const auto& items = pool({"0", "1", "2", "3", "5", "10", "-1", "-3", "abc", ""}, store);
  return items[below(items.size())];
}

void TypesGenerator::append_keys(Command& cmd, size_t n, size_t first, size_t home) {
  for (size_t i = 0; i < n; ++i) cmd.push_back(key(first, home));
}

Command TypesGenerator::scan(const char* name) {
  const std::string_view which(name);
  const std::string target = which == "HSCAN" ? key(3, 3) : which == "ZSCAN" ? key(8, 2) : key(6, 2);
  Command cmd = {word(name), target, chance(90) ? "0" : (chance(50) ? "abc" : "7")};
  if (chance(30)) {
    static std::vector<std::string> store;
    const auto& patterns = pool({"*", "f*", "1*", "?", "*a*", "[a-c]"}, store);
    cmd.push_back(word("MATCH"));
    cmd.push_back(patterns[below(patterns.size())]);
  }
  if (chance(30)) {
    cmd.push_back(word("COUNT"));
    cmd.push_back(chance(80) ? std::to_string(1 + below(1000)) : (chance(50) ? "0" : "abc"));
  }
  if (chance(3)) cmd.push_back(word("BOGUS"));
  return cmd;
}

// One multi-element command that takes a collection past 512 entries (a
// zset past 128).
Command TypesGenerator::grow() {
  const size_t n = 500 + below(30);
  switch (below(4)) {
    case 3: {
      Command cmd = {word("ZADD"), zkey()};
      for (size_t i = 0, m = 120 + below(20); i < m; ++i) {
        cmd.push_back(std::to_string(static_cast<int>(i % 40) - 10));
        cmd.push_back("z" + std::to_string(i));
      }
      return cmd;
    }
    case 0: {
      Command cmd = {word(chance(50) ? "RPUSH" : "LPUSH"), key(0, 3)};
      for (size_t i = 0; i < n; ++i) cmd.push_back(std::to_string(i % 50));
      return cmd;
    }
    case 1: {
      Command cmd = {word("HSET"), key(3, 3)};
      for (size_t i = 0; i < n; ++i) {
        cmd.push_back("f" + std::to_string(i));
        cmd.push_back(std::to_string(i));
      }
      return cmd;
    }
    default: {
      Command cmd = {word("SADD"), key(6, 2)};
      for (size_t i = 0; i < n; ++i) cmd.push_back(std::to_string(i));
      return cmd;
    }
  }
}

Command TypesGenerator::list_command() {
  auto end = [&] { return word(chance(50) ? "LEFT" : (chance(95) ? "RIGHT" : "UP")); };
  switch (below(18)) {
    case 0:
    case 1:
    case 2: {
      Command cmd = {word(chance(50) ? "LPUSH" : "RPUSH"), key(0, 3)};
      for (size_t i = 0, n = 1 + below(4); i < n; ++i) cmd.push_back(element());
      return cmd;
    }
    case 3:
      return {word(chance(50) ? "LPUSHX" : "RPUSHX"), key(0, 3), element()};
    case 4:
    case 5: {
      Command cmd = {word(chance(50) ? "LPOP" : "RPOP"), key(0, 3)};
      if (chance(40)) cmd.push_back(count());
      return cmd;
    }
    case 6:
      return {word("LLEN"), key(0, 3)};
    case 7:
    case 8:
      return {word("LRANGE"), key(0, 3), index(), index()};
    case 9:
      return {word("LINDEX"), key(0, 3), index()};
    case 10:
      return {word("LSET"), key(0, 3), index(), element()};
    case 11:
      return {word("LINSERT"), key(0, 3), word(chance(45) ? "BEFORE" : (chance(90) ? "AFTER" : "MIDDLE")),
              element(), element()};
    case 12:
      return {word("LREM"), key(0, 3), chance(85) ? std::to_string(static_cast<int>(below(5)) - 2) : "abc",
              element()};
    case 13:
      return {word("LTRIM"), key(0, 3), index(), index()};
    case 14: {
      Command cmd = {word("LPOS"), key(0, 3), element()};
      static std::vector<std::string> store;
      const auto& options = pool({"RANK", "COUNT", "MAXLEN"}, store);
      for (size_t i = 0, n = below(3); i < n; ++i) {
        cmd.push_back(word(options[below(options.size())]));
        cmd.push_back(chance(85) ? std::to_string(static_cast<int>(below(7)) - 3) : "abc");
      }
      return cmd;
    }
    case 15:
      return {word("LMOVE"), key(0, 3), key(0, 3), end(), end()};
    case 16:
      return {word("RPOPLPUSH"), key(0, 3), key(0, 3)};
    default: {
      const size_t n = 1 + below(3);
      Command cmd = {word("LMPOP"), chance(90) ? std::to_string(n) : (chance(50) ? "0" : "abc")};
      append_keys(cmd, n, 0, 3);
      cmd.push_back(end());
      if (chance(50)) {
        cmd.push_back(word("COUNT"));
        cmd.push_back(count());
      }
      return cmd;
    }
  }
}

Command TypesGenerator::hash_command() {
  auto hash_value = [&] { return chance(4) ? std::string(62 + below(6), 'V') : element(); };
  switch (below(21)) {
    case 0:
    case 1:
    case 2:
    case 3: {
      Command cmd = {word(chance(75) ? "HSET" : "HMSET"), key(3, 3)};
      for (size_t i = 0, n = 1 + below(3); i < n; ++i) {
        cmd.push_back(field());
        cmd.push_back(hash_value());
      }
      if (chance(3)) cmd.pop_back();  // odd arity
      return cmd;
    }
    case 4:
      return {word("HSETNX"), key(3, 3), field(), hash_value()};
    case 5:
      return {word("HGET"), key(3, 3), field()};
    case 6: {
      Command cmd = {word("HMGET"), key(3, 3)};
      for (size_t i = 0, n = 1 + below(3); i < n; ++i) cmd.push_back(field());
      return cmd;
    }
    case 7:
    case 8: {
      Command cmd = {word("HDEL"), key(3, 3)};
      for (size_t i = 0, n = 1 + below(3); i < n; ++i) cmd.push_back(field());
      return cmd;
    }
    case 9:
      return {word("HLEN"), key(3, 3)};
    case 10:
      return {word("HEXISTS"), key(3, 3), field()};
    case 11:
    case 12:
      return {word("HGETALL"), key(3, 3)};
    case 13:
      return {word(chance(50) ? "HKEYS" : "HVALS"), key(3, 3)};
    case 14:
    case 15: {
      static std::vector<std::string> store;
      const auto& increments = pool(
          {"1", "-1", "10", "0", "9223372036854775807", "-9223372036854775808", "abc", "1.5", ""}, store);
      return {word("HINCRBY"), key(3, 3), field(), increments[below(increments.size())]};
    }
    case 16: {
      static std::vector<std::string> store;
      const auto& increments = pool({"0.1", "-1.5", "10", "1e3", "abc", "inf", "nan", "5.0e3", "-0"}, store);
      return {word("HINCRBYFLOAT"), key(3, 3), field(), increments[below(increments.size())]};
    }
    case 17:
      return {word("HSTRLEN"), key(3, 3), field()};
    case 18: {
      Command cmd = {word("HRANDFIELD"), key(3, 3)};
      if (chance(70)) cmd.push_back(count());
      if (chance(40)) cmd.push_back(word("WITHVALUES"));
      return cmd;
    }
    default:
      return scan("HSCAN");
  }
}

Command TypesGenerator::set_command() {
  switch (below(20)) {
    case 0:
    case 1:
    case 2:
    case 3: {
      Command cmd = {word("SADD"), key(6, 2)};
      const bool ints = chance(50);
      for (size_t i = 0, n = 1 + below(4); i < n; ++i)
        cmd.push_back(ints ? std::to_string(static_cast<int>(below(30)) - 5) : element());
      return cmd;
    }
    case 4:
    case 5: {
      Command cmd = {word("SREM"), key(6, 2)};
      for (size_t i = 0, n = 1 + below(3); i < n; ++i) cmd.push_back(element());
      return cmd;
    }
    case 6:
      return {word("SMEMBERS"), key(6, 2)};
    case 7:
      return {word("SISMEMBER"), key(6, 2), element()};
    case 8: {
      Command cmd = {word("SMISMEMBER"), key(6, 2)};
      for (size_t i = 0, n = 1 + below(3); i < n; ++i) cmd.push_back(element());
      return cmd;
    }
    case 9:
      return {word("SCARD"), key(6, 2)};
    case 10: {
      Command cmd = {word("SRANDMEMBER"), key(6, 2)};
      if (chance(70)) cmd.push_back(count());
      return cmd;
    }
    case 11:
      return {word("SMOVE"), key(6, 2), key(6, 2), element()};
    case 12:
    case 13: {
      static std::vector<std::string> store;
      const auto& names = pool({"SINTER", "SUNION", "SDIFF"}, store);
      Command cmd = {word(names[below(names.size())])};
      append_keys(cmd, 1 + below(3), 6, 2);
      return cmd;
    }
    case 14:
    case 15: {
      static std::vector<std::string> store;
      const auto& names = pool({"SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"}, store);
      Command cmd = {word(names[below(names.size())])};
      append_keys(cmd, 2 + below(3), 6, 2);
      return cmd;
    }
    case 16: {
      const size_t n = 1 + below(3);
      Command cmd = {word("SINTERCARD"), chance(90) ? std::to_string(n) : (chance(50) ? "0" : "abc")};
      append_keys(cmd, n, 6, 2);
      if (chance(40)) {
        cmd.push_back(word("LIMIT"));
        cmd.push_back(chance(85) ? std::to_string(below(4)) : "-1");
      }
      return cmd;
    }
    default:
      return scan("SSCAN");
  }
}

// Wrong arities, odd option mixes and extreme counts (on missing keys only,
// where Redis does not try to honour them).
Command TypesGenerator::odd_command() {
  static const std::vector<Command> kCommands = {
      {"LPUSH", "k0"},
      {"LPOP"},
      {"LPOP", "k0", "1", "2"},
      {"LRANGE", "k0", "0"},
      {"LINSERT", "k0", "BEFORE", "a"},
      {"LINDEX", "k0", "1", "2"},
      {"LTRIM", "k0", "0"},
      {"LREM", "k0", "1"},
      {"LSET", "k0", "0"},
      {"LPUSHX", "k0"},
      {"LPOS", "k0"},
      {"LMOVE", "k0", "k1", "LEFT"},
      {"RPOPLPUSH", "k0"},
      {"LMPOP", "1", "k0"},
      {"LMPOP", "2", "k0", "LEFT"},
      {"LMPOP", "1", "k0", "LEFT", "COUNT"},
      {"LMPOP", "1", "k0", "LEFT", "COUNT", "0"},
      {"LMPOP", "1", "k0", "LEFT", "COUNT", "1", "COUNT", "1"},
      {"LMPOP", "1", "k0", "LEFT", "FOO", "1"},
      {"LMPOP", "-1", "k0", "LEFT"},
      {"HSET", "k3", "f"},
      {"HMSET", "k3"},
      {"HGET", "k3"},
      {"HSETNX", "k3", "f"},
      {"HDEL", "k3"},
      {"HINCRBYFLOAT", "k3", "f"},
      {"HRANDFIELD", "nokey", "-9223372036854775808"},
      {"HRANDFIELD", "nokey", "-9223372036854775807", "WITHVALUES"},
      {"HRANDFIELD", "k3", "1", "WITHVALUES", "x"},
      {"HSCAN", "k3"},
      {"HSCAN", "k3", "0", "MATCH"},
      {"HSCAN", "k3", "-1"},
      {"SSCAN", "k6", "0", "COUNT"},
      {"SSCAN", "k6", "18446744073709551616"},
      {"SSCAN", "k6", "0", "TYPE", "set"},
      {"SRANDMEMBER", "nokey", "-9223372036854775808"},
      {"SRANDMEMBER", "k6", "1", "2"},
      {"SINTERCARD", "2", "k6"},
      {"SINTERCARD", "1", "k6", "LIMIT"},
      {"SINTERCARD", "1", "k6", "LIMIT", "abc"},
      {"SINTERCARD", "1", "k6", "FOO", "1"},
      {"SMOVE", "k6", "k7"},
      {"SMISMEMBER", "k6"},
      {"SADD", "k6"},
      {"SINTERSTORE", "k6"},
      {"SPOP"},
      {"SPOP", "nokey", "-1"},
      {"ZADD", "k8", "1"},
      {"ZADD", "k8", "NX", "XX", "1", "a"},
      {"ZADD", "k8", "GT", "LT", "1", "a"},
      {"ZADD", "k8", "INCR", "1", "a", "2", "b"},
      {"ZINCRBY", "k8", "1"},
      {"ZRANGE", "k8", "0"},
      {"ZRANGE", "k8", "0", "-1", "LIMIT", "0"},
      {"ZRANGE", "k8", "0", "-1", "BYSCORE", "BYLEX"},
      {"ZRANGESTORE", "k8", "k8", "0", "-1", "WITHSCORES"},
      {"ZPOPMIN", "k8", "1", "2"},
      {"ZPOPMAX", "k8", "-1"},
      {"ZMPOP", "0", "k8", "MIN"},
      {"ZMPOP", "2", "k8", "MIN"},
      {"ZMPOP", "1", "k8", "MIN", "COUNT", "0"},
      {"ZUNION", "0", "k8"},
      {"ZUNIONSTORE", "k8", "2", "k8"},
      {"ZINTERCARD", "1", "k8", "LIMIT", "-1"},
      {"ZDIFF", "1", "k8", "WEIGHTS", "1"},
      {"ZRANDMEMBER", "nokey", "-9223372036854775808"},
      {"ZRANDMEMBER", "nokey", "-9223372036854775807", "WITHSCORES"},
      {"ZRANDMEMBER", "k8", "1", "WITHSCORES", "x"},
      {"ZSCAN", "k8", "0", "COUNT", "0"},
      {"ZRANK", "k8"},
      {"OBJECT", "ENCODING", "nokey"}};
  Command cmd = kCommands[below(kCommands.size())];
  cmd[0] = word(cmd[0]);
  return cmd;
}

Command TypesGenerator::generic_command() {
  switch (below(19)) {
    case 0:
    case 1:
      return {word("TYPE"), key()};
    case 2:
    case 3:
      return {word("OBJECT"), word("ENCODING"), key()};
    case 4:
    case 5: {
      Command cmd = {word(chance(80) ? "DEL" : "UNLINK")};
      append_keys(cmd, 1 + below(2), 0, 10);
      return cmd;
    }
    case 6: {
      Command cmd = {word("EXISTS")};
      append_keys(cmd, 1 + below(3), 0, 10);
      return cmd;
    }
    case 7:
      return {word(chance(60) ? "RENAME" : "RENAMENX"), key(), key()};
    case 8: {
      Command cmd = {word("COPY"), key(), key()};
      if (chance(50)) cmd.push_back(word("REPLACE"));
      return cmd;
    }
    case 9:
      return {word(chance(50) ? "SET" : (chance(50) ? "APPEND" : "INCR")), key(), element()};
    case 10:
      return {word("GET"), key()};
    case 11:
      return {word("DEL"), key()};
    case 12:
      // Never expires during a run, or expires at once (a past time).
      if (chance(80)) return {word("EXPIRE"), key(), "10000"};
      return {word("PEXPIREAT"), key(), "1"};
    case 13:
      return {word(chance(50) ? "TTL" : "PERSIST"), key()};
    case 14:
      return {word("RANDOMKEY")};
    case 15:
      return {word("KEYS"), "*"};
    case 16:
      return {word("DBSIZE")};
    case 17:
      return odd_command();
    default:
      return {word("STRLEN"), key()};
  }
}

Command TypesGenerator::next() {
  Command cmd;
  const size_t kind = below(100);
  if (kind < 1) {
    cmd = grow();
  } else if (kind < 23) {
    cmd = list_command();
  } else if (kind < 44) {
    cmd = hash_command();
  } else if (kind < 65) {
    cmd = set_command();
  } else if (kind < 82) {
    cmd = zset_command();
  } else if (kind < 90) {
    cmd = stream_command();
  } else {
    cmd = generic_command();
  }
  // INCR and APPEND take one and two arguments.
  const std::string name = upper_name(cmd[0]);
  if (name == "INCR") cmd.pop_back();
  // k9 keeps score-0 members only (see zkey), and k10 mostly a stream:
  // nothing is renamed or copied onto them.
  if ((name == "RENAME" || name == "RENAMENX" || name == "COPY") && cmd.size() > 2 &&
      (cmd[2] == "k9" || cmd[2] == "k10"))
    cmd[2] = "k8";
  return cmd;
}

bool set_listpack_where_redis70_has_hashtable(const Command& cmd, const Reply& ours, const Reply& theirs,
                                              Client& redis) {
  if (cmd.size() != 3 || upper_name(cmd[0]) != "OBJECT" || !is_bulk(ours, "listpack") ||
      !is_bulk(theirs, "hashtable"))
    return false;
  if (!is_status(redis.cmd({"TYPE", cmd[2]}), "set")) return false;
  const Reply members = redis.cmd({"SMEMBERS", cmd[2]});
  if (members.elements.size() > 128) return false;
  for (const Reply& m : members.elements)
    if (m.str.size() > 64) return false;
  return true;
}

bool order_depends_on_hash_encoding(const Command& cmd) {
  const std::string name = upper_name(cmd[0]);
  return cmd.size() == 2 && (name == "HGETALL" || name == "HKEYS" || name == "HVALS");
}

namespace {

std::vector<std::string> texts(const std::vector<Reply>& elements) {
  std::vector<std::string> out;
  for (const auto& e : elements) out.push_back(describe(e));
  return out;
}

std::vector<std::string> sorted(const std::vector<Reply>& elements, bool unique) {
  auto out = texts(elements);
  std::sort(out.begin(), out.end());
  if (unique) out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::pair<std::string, std::string>> sorted_pairs(const std::vector<Reply>& elements) {
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i + 1 < elements.size(); i += 2)
    out.emplace_back(describe(elements[i]), describe(elements[i + 1]));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::optional<bool> same_typed_reply(const Command& cmd, const Reply& ours, const Reply& theirs,
                                     bool hashtable_hash) {
  if (ours.type != theirs.type || ours.type == ReplyType::kError) return std::nullopt;
  const std::string name = upper_name(cmd[0]);
  const bool array = ours.type == ReplyType::kArray;
  // SPOP with a count only appears in spop_script, where it takes whole sets.
  const bool whole_set = name == "SPOP" && cmd.size() == 3;
  if (array && (whole_set || name == "SMEMBERS" || name == "SINTER" || name == "SUNION" || name == "SDIFF"))
    return sorted(ours.elements, false) == sorted(theirs.elements, false);
  if (array && hashtable_hash && (name == "HKEYS" || name == "HVALS"))
    return sorted(ours.elements, false) == sorted(theirs.elements, false);
  if (array && hashtable_hash && name == "HGETALL")
    return ours.elements.size() == theirs.elements.size() &&
           sorted_pairs(ours.elements) == sorted_pairs(theirs.elements);
  if (array && (name == "SSCAN" || name == "HSCAN" || name == "ZSCAN")) {
    if (ours.elements.size() != 2 || theirs.elements.size() != 2) return false;
    const Reply& our_page = ours.elements[1];
    const Reply& their_page = theirs.elements[1];
    if (our_page.type != ReplyType::kArray || their_page.type != ReplyType::kArray) return false;
    // A page from a non-zero cursor, or one that did not finish, holds
    // whichever buckets the hash seed put there: only a whole scan compares.
    if (cmd[2] != "0" || !is_bulk(ours.elements[0], "0") || !is_bulk(theirs.elements[0], "0")) return true;
    if (name == "SSCAN") return sorted(our_page.elements, true) == sorted(their_page.elements, true);
    // ZSCAN pages hold (member, score) pairs, as HSCAN's (field, value).
    return sorted_pairs(our_page.elements) == sorted_pairs(their_page.elements);
  }
  // Random picks: the reply's kind and size are determined, not its content.
  if (name == "SRANDMEMBER" || name == "HRANDFIELD" || name == "ZRANDMEMBER" || name == "RANDOMKEY")
    return !array || ours.elements.size() == theirs.elements.size();
  return std::nullopt;
}

std::vector<Command> spop_script() {
  std::vector<Command> script = {
      {"SADD", "s1", "1", "2", "3", "4", "5"},
      {"SPOP", "s1", "10"},
      {"EXISTS", "s1"},
      {"SADD", "s1", "a"},
      {"SPOP", "s1"},
      {"SPOP", "s1"},
      {"SPOP", "s1", "0"},
      {"SPOP", "missing", "3"},
      {"SADD", "s2", "x", "y", "z", "1"},
      {"OBJECT", "ENCODING", "s2"},
      {"SPOP", "s2", "-1"},
      {"SPOP", "s2", "abc"},
      {"SPOP", "s2", "4"},
      {"TYPE", "s2"},
      {"SET", "str", "v"},
      {"SPOP", "str"},
      {"SPOP", "str", "2"},
      {"SPOP", "s1", "1", "2"},
      {"RPUSH", "l", "a"},
      {"SPOP", "l"},
  };
  Command big = {"SADD", "s3"};
  for (int i = 0; i < 600; ++i) big.push_back(std::to_string(i));
  script.push_back(big);
  script.push_back({"SRANDMEMBER", "s3", "600"});
  script.push_back({"SPOP", "s3", "600"});
  script.push_back({"EXISTS", "s3"});
  big[1] = "s4";
  big.push_back("word");
  script.push_back(big);
  script.push_back({"SPOP", "s4", "1000"});
  script.push_back({"DBSIZE"});
  return script;
}

std::vector<Command> encoding_script() {
  std::vector<Command> script;
  auto fill = [&](const std::string& cmd, const std::string& key, int n, bool pairs) {
    Command c = {cmd, key};
    for (int i = 0; i < n; ++i) {
      if (pairs) c.push_back("f" + std::to_string(i));
      c.push_back(std::to_string(i));
    }
    script.push_back(c);
    script.push_back({"OBJECT", "ENCODING", key});
  };
  fill("SADD", "si", 512, false);
  script.push_back({"SADD", "si", "512"});
  script.push_back({"OBJECT", "ENCODING", "si"});
  script.push_back({"SREM", "si", "512", "511"});
  script.push_back({"OBJECT", "ENCODING", "si"});
  fill("SADD", "sw", 3, false);
  script.push_back({"SADD", "sw", "word"});
  script.push_back({"OBJECT", "ENCODING", "sw"});
  script.push_back({"SREM", "sw", "word"});
  script.push_back({"OBJECT", "ENCODING", "sw"});
  fill("HSET", "h1", 512, true);
  script.push_back({"HSET", "h1", "f512", "x"});
  script.push_back({"OBJECT", "ENCODING", "h1"});
  script.push_back({"HSET", "h2", "a", std::string(64, 'v')});
  script.push_back({"OBJECT", "ENCODING", "h2"});
  script.push_back({"HSET", "h2", "b", std::string(65, 'v')});
  script.push_back({"OBJECT", "ENCODING", "h2"});
  script.push_back({"HSET", "h3", std::string(65, 'k'), "1"});
  script.push_back({"OBJECT", "ENCODING", "h3"});
  script.push_back({"HSET", "h4", "n", "1"});
  script.push_back({"HINCRBYFLOAT", "h4", "n", "1.5"});
  script.push_back({"HGETALL", "h4"});
  script.push_back({"OBJECT", "ENCODING", "h4"});
  fill("RPUSH", "l1", 600, false);
  script.push_back({"LTRIM", "l1", "0", "1"});
  script.push_back({"OBJECT", "ENCODING", "l1"});
  script.push_back({"LRANGE", "l1", "0", "-1"});
  script.push_back({"COPY", "h2", "h5"});
  script.push_back({"OBJECT", "ENCODING", "h5"});
  script.push_back({"COPY", "si", "s5"});
  script.push_back({"OBJECT", "ENCODING", "s5"});
  script.push_back({"RENAME", "sw", "s6"});
  script.push_back({"OBJECT", "ENCODING", "s6"});
  script.push_back({"SINTERSTORE", "s7", "sw", "s6"});
  script.push_back({"SUNIONSTORE", "s7", "s6", "s6"});
  script.push_back({"OBJECT", "ENCODING", "s7"});
  // Sorted sets: 128/129 entries, 64/65-byte members, and -0, which a
  // listpack stores as 0 but a skiplist keeps.
  Command z = {"ZADD", "z1"};
  for (int i = 0; i < 128; ++i) {
    z.push_back(i == 5 ? "-0" : std::to_string(i % 17));
    z.push_back("m" + std::to_string(i));
  }
  script.push_back(z);
  script.push_back({"OBJECT", "ENCODING", "z1"});
  script.push_back({"ZSCORE", "z1", "m5"});
  script.push_back({"ZADD", "z1", "-0", "m128"});
  script.push_back({"OBJECT", "ENCODING", "z1"});
  script.push_back({"ZSCORE", "z1", "m128"});
  script.push_back({"ZREMRANGEBYRANK", "z1", "0", "-3"});
  script.push_back({"OBJECT", "ENCODING", "z1"});
  script.push_back({"ZADD", "z2", "1", std::string(64, 'v')});
  script.push_back({"OBJECT", "ENCODING", "z2"});
  script.push_back({"ZADD", "z2", "-0", std::string(65, 'v')});
  script.push_back({"OBJECT", "ENCODING", "z2"});
  script.push_back({"ZRANGE", "z2", "0", "-1", "WITHSCORES"});
  z[1] = "z3";
  z.push_back("-0");
  z.push_back("last");
  script.push_back(z);
  script.push_back({"ZRANGESTORE", "z4", "z3", "0", "-1"});
  script.push_back({"ZSCORE", "z4", "last"});
  script.push_back({"ZRANGESTORE", "z4", "z3", "0", "127"});
  script.push_back({"OBJECT", "ENCODING", "z4"});
  script.push_back({"ZRANGESTORE", "z4", "z3", "-inf", "+inf", "BYSCORE"});
  script.push_back({"ZSCORE", "z4", "last"});
  script.push_back({"ZUNIONSTORE", "z5", "1", "z3"});
  script.push_back({"ZSCORE", "z5", "last"});
  script.push_back({"ZUNIONSTORE", "z5", "1", "z2"});
  script.push_back({"OBJECT", "ENCODING", "z5"});
  script.push_back({"ZINTERSTORE", "z5", "1", "z1", "WEIGHTS", "0"});
  script.push_back({"OBJECT", "ENCODING", "z5"});
  script.push_back({"ZRANGE", "z5", "0", "2", "WITHSCORES"});
  script.push_back({"ZUNION", "1", "z2", "WITHSCORES"});
  script.push_back({"ZINTER", "1", "z2", "WEIGHTS", "-1", "WITHSCORES"});
  script.push_back({"COPY", "z2", "z6"});
  script.push_back({"OBJECT", "ENCODING", "z6"});
  script.push_back({"ZRANGE", "z6", "0", "-1", "WITHSCORES"});
  return script;
}

std::vector<Command> number_formatting_script() {
  return {
      {"SET", "f", "10.5"},
      {"INCRBYFLOAT", "f", "0.1"},
      {"INCRBYFLOAT", "f", "1e3"},
      {"GET", "f"},
      {"INCRBYFLOAT", "f", "-1010.6"},
      {"GET", "f"},
      {"OBJECT", "ENCODING", "f"},
      {"SET", "g", "0"},
      {"INCRBYFLOAT", "g", "0.1"},
      {"INCRBYFLOAT", "g", "0.1"},
      {"INCRBYFLOAT", "g", "0.1"},
      {"SET", "h", "1e3"},
      {"INCRBYFLOAT", "h", "1"},
      {"INCRBYFLOAT", "h", "abc"},
      {"INCRBYFLOAT", "h", "inf"},
      {"SET", "i", "5.0e3"},
      {"INCRBYFLOAT", "i", "2.0e2"},
      {"INCRBYFLOAT", "i", "1.7976931348623157e308"},
      {"INCRBYFLOAT", "i", "1.7976931348623157e308"},
      {"INCRBYFLOAT", "j", "3.0"},
      {"INCRBYFLOAT", "j", "1e-5"},
      {"INCRBYFLOAT", "k", "123456789012345678"},
      {"INCRBYFLOAT", "l", "0x10"},
      {"INCRBYFLOAT", "m", "1e400"},
      {"SET", "n", "9223372036854775807"},
      {"INCR", "n"},
      {"DECRBY", "n", "-9223372036854775808"},
      {"SET", "o", "-9223372036854775808"},
      {"DECR", "o"},
      {"INCRBY", "o", "-1"},
      {"OBJECT", "ENCODING", "o"},
      {"SET", "p", " 1"},
      {"INCR", "p"},
      {"SET", "q", "-0"},
      {"INCR", "q"},
      {"OBJECT", "ENCODING", "q"},
      {"SET", "r", "007"},
      {"OBJECT", "ENCODING", "r"},
      {"APPEND", "r", "1"},
      {"OBJECT", "ENCODING", "r"},
      {"SET", "s", "12345"},
      {"OBJECT", "ENCODING", "s"},
      {"SETRANGE", "s", "0", "2"},
      {"OBJECT", "ENCODING", "s"},
      {"SET", "t", std::string(44, 'x')},
      {"OBJECT", "ENCODING", "t"},
      {"SET", "t", std::string(45, 'x')},
      {"OBJECT", "ENCODING", "t"},
      {"INCRBYFLOAT", "u", "10"},
      {"OBJECT", "ENCODING", "u"},
      {"SET", "ohmy", "ohmytext"},
      {"SET", "mynew", "mynewtext"},
      {"LCS", "ohmy", "mynew"},
      {"LCS", "ohmy", "mynew", "LEN"},
      {"LCS", "ohmy", "mynew", "IDX"},
      {"LCS", "ohmy", "mynew", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"},
      {"LCS", "ohmy", "mynew", "LEN", "IDX"},
  };
}

std::vector<Command> past_expiry_script() {
  return {
      {"SET", "a", "1", "PXAT", "1"},
      {"GET", "a"},
      {"EXISTS", "a"},
      {"TTL", "a"},
      {"TYPE", "a"},
      {"SET", "b", "2"},
      {"SET", "b", "3", "EXAT", "1000000000", "GET"},
      {"GET", "b"},
      {"STRLEN", "b"},
      {"SET", "c", "4", "EXAT", "1", "NX"},
      {"SET", "c", "5", "NX"},
      {"GET", "c"},
      {"SET", "d", "6"},
      {"GETEX", "d", "PXAT", "1"},
      {"GET", "d"},
      {"APPEND", "a", "x"},
      {"GET", "a"},
      {"SET", "e", "7", "XX", "PXAT", "1"},
      {"INCR", "e"},
      {"MGET", "a", "b", "c", "d", "e"},
      {"KEYS", "*"},
  };
}

}  // namespace arbor::test

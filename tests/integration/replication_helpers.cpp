#include "tests/integration/replication_helpers.h"

#include <gtest/gtest.h>

namespace arbor::test {

std::string info(Client& c) { return c.cmd({"INFO", "replication"}).str; }

std::string digest(Client& c) {
  const Reply reply = c.cmd({"DEBUG", "DIGEST"});
  // An error would make two servers look alike: refuse to compare it.
  if (reply.type != ReplyType::kSimple && reply.type != ReplyType::kBulk) {
    ADD_FAILURE() << "DEBUG DIGEST failed: " << describe(reply);
    return "<no digest: " + reply.str + ">";
  }
  return reply.str;
}

bool serving(Client& c, milliseconds timeout) {
  return eventually([&] { return info_field(info(c), "seeding").value_or("0") == "0"; }, timeout, milliseconds(20));
}

bool converged(Client& primary, const std::vector<Client*>& replicas, milliseconds timeout) {
  const int64_t target = info_int(primary, "replication", "master_repl_offset");
  const bool caught_up = eventually(
      [&] {
        for (Client* r : replicas) {
          const std::string text = info(*r);
          if (info_field(text, "master_link_status") != std::optional<std::string>("up")) return false;
          const auto offset = info_field(text, "slave_repl_offset");
          if (!offset || std::stoll(*offset) < target) return false;
        }
        return true;
      },
      timeout, milliseconds(20));
  if (!caught_up) return false;
  const std::string expected = digest(primary);
  for (Client* r : replicas)
    if (digest(*r) != expected) return false;
  return true;
}

void write_mixed(Client& c, int first, int count) {
  int pending = 0;
  auto send = [&](std::vector<std::string> args) {
    c.append(args);
    if (++pending == 1000) {
      for (; pending > 0; --pending) c.read_reply();
    }
  };
  for (int i = first; i < first + count; ++i) {
    const std::string n = std::to_string(i);
    switch (i % 8) {
      case 0: send({"SET", "s:" + n, "value-" + n}); break;
      case 1: send({"SET", "t:" + n, n, "EX", "100000"}); break;
      case 2: send({"RPUSH", "l:" + n, "a", n, "c"}); break;
      case 3: send({"HSET", "h:" + n, "f", n, "g", "x"}); break;
      case 4: send({"SADD", "set:" + n, n, "7", "other"}); break;
      case 5: send({"ZADD", "z:" + n, "1.5", "a", n, "b"}); break;
      case 6: send({"XADD", "x:" + n, "*", "f", n}); break;
      case 7:
        send({"NOTE.ADD", "n:" + n, "root", "a", "first " + n});
        send({"NOTE.ADD", "n:" + n, "a", "b", "child"});
        break;
    }
  }
  for (; pending > 0; --pending) c.read_reply();
}

void write_rewritten(Client& c) {
  c.cmd({"SET", "rel", "v", "PX", "500000"});
  c.cmd({"EXPIRE", "s:0", "1000"});
  c.cmd({"SADD", "pool", "a", "b", "c", "d", "e"});
  c.cmd({"SPOP", "pool"});
  c.cmd({"SPOP", "pool", "2"});
  c.cmd({"INCRBYFLOAT", "float", "0.1"});
  c.cmd({"INCRBYFLOAT", "float", "1e-3"});
  c.cmd({"HINCRBYFLOAT", "hf", "f", "2.5"});
  c.cmd({"RPUSH", "q", "1", "2", "3"});
  c.cmd({"BLPOP", "q", "0"});
  c.cmd({"BLMOVE", "q", "q2", "LEFT", "RIGHT", "0"});
  for (int i = 0; i < 300; ++i) c.cmd({"XADD", "trimmed", "MAXLEN", "~", "50", "*", "i", std::to_string(i)});
  c.cmd({"MULTI"});
  c.cmd({"INCR", "counter"});
  c.cmd({"LPUSH", "l:2", "front"});
  c.cmd({"EXEC"});
  c.cmd({"SET", "gone", "x", "PX", "1"});
}

}  // namespace arbor::test

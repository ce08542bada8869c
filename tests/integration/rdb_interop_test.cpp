// RDB files across the two servers: a file arbor's writer produces passes
// redis-check-rdb and loads into redis-server 7.0 with the same contents and
// encodings; a file redis-server SAVEs (every encoding it uses, LZF strings,
// expiries) loads through arbor's parser with the same contents.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "replication/rdb/rdb_loader.h"
#include "replication/rdb/rdb_writer.h"
#include "server/keyspace/hash_value.h"
#include "server/keyspace/list_value.h"
#include "server/keyspace/set_value.h"
#include "server/keyspace/stream_groups.h"
#include "server/keyspace/stream_value.h"
#include "server/keyspace/zset_value.h"
#include "tests/integration/server_fixture.h"

namespace arbor::test {
namespace {

using keyspace::Database;
using keyspace::Entry;
using replication::KeyspaceLoader;
using replication::RdbWriter;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Runs a shell command; returns its exit status and output.
std::pair<int, std::string> run(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

template <typename T>
std::unique_ptr<T> make() {
  return std::make_unique<T>();
}

void fill(Database& db, int64_t later) {
  db.set_string("str", "hello", false);
  db.set_string("num", "-123456", false);
  db.set_expire(db.set_string("ttl", "soon", false), later);
  auto list = make<keyspace::ListValue>();
  for (int i = 0; i < 500; ++i) list->push(keyspace::ListValue::End::kTail, "item" + std::to_string(i));
  db.add_object("list", std::move(list));
  auto ints = make<keyspace::SetValue>();
  for (int i : {5, -7, 100000}) ints->add(std::to_string(i));
  db.add_object("ints", std::move(ints));
  auto words = make<keyspace::SetValue>();
  for (const char* m : {"a", "b", "c"}) words->add(m);
  db.add_object("words", std::move(words));
  auto big_set = make<keyspace::SetValue>();
  for (int i = 0; i < 200; ++i) big_set->add("m" + std::to_string(i));
  db.add_object("bigset", std::move(big_set));
  auto hash = make<keyspace::HashValue>();
  hash->set("name", "ada");
  hash->set("age", "36");
  db.set_expire(db.add_object("hash", std::move(hash)), later);
  auto big_hash = make<keyspace::HashValue>();
  for (int i = 0; i < 600; ++i) big_hash->set("f" + std::to_string(i), std::to_string(i));
  db.add_object("bighash", std::move(big_hash));
  auto zset = make<keyspace::ZsetValue>();
  zset->set("x", 1.5);
  zset->set("y", -2);
  zset->set("z", 1e20);
  db.add_object("zset", std::move(zset));
  auto big_zset = make<keyspace::ZsetValue>();
  for (int i = 0; i < 200; ++i) big_zset->set("m" + std::to_string(i), i * 0.5);
  db.add_object("bigzset", std::move(big_zset));
  auto stream = make<keyspace::StreamValue>();
  for (uint64_t i = 1; i <= 150; ++i) {
    const std::string n = std::to_string(i);
    std::vector<std::string_view> fv = {"sensor", "a", "value", n};
    if (i % 10 == 0) fv = {"note", "different fields"};
    stream->append({1000 + i, 0}, fv);
  }
  stream->erase({1010, 0});
  stream->erase({1001, 0});
  db.add_object("stream", std::move(stream));
}

std::string write_rdb(Database& db) {
  std::string out;
  RdbWriter w(out);
  w.header();
  w.aux("redis-ver", "7.0.15");
  w.aux("redis-bits", 64);
  w.aux("ctime", now_ms() / 1000);
  w.aux("used-mem", 1000000);
  w.aux("aof-base", 0);
  w.select_db(0, db.size(), db.expires_count());
  db.table().for_each([&](Entry* e) { w.entry(*e); });
  w.finish();
  return out;
}

std::string sorted_text(Reply r) {
  std::vector<std::string> items;
  for (const auto& e : r.elements) items.push_back(e.str);
  std::sort(items.begin(), items.end());
  std::string out;
  for (const auto& i : items) out += i + ",";
  return out;
}

TEST(RdbInterop, ArborFileIsCheckedAndLoadedByRedis) {
  TempDir dir;
  Database db(0);
  const int64_t later = now_ms() + 3'600'000;
  fill(db, later);
  write_file(dir.file("dump.rdb"), write_rdb(db));
  const auto [status, output] = run("redis-check-rdb " + dir.file("dump.rdb"));
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("RDB looks OK"), std::string::npos) << output;

  RedisProcess redis({"--dir", dir.path(), "--dbfilename", "dump.rdb"});
  ASSERT_TRUE(redis.ok());
  Client c(redis.port());
  EXPECT_TRUE(is_int(c.cmd({"DBSIZE"}), static_cast<int64_t>(db.size())));
  EXPECT_TRUE(is_bulk(c.cmd({"GET", "str"}), "hello"));
  EXPECT_TRUE(is_bulk(c.cmd({"GET", "num"}), "-123456"));
  EXPECT_EQ(c.cmd({"PEXPIRETIME", "ttl"}).integer, later);
  EXPECT_EQ(c.cmd({"PEXPIRETIME", "hash"}).integer, later);
  const Reply list = c.cmd({"LRANGE", "list", "0", "-1"});
  ASSERT_EQ(list.elements.size(), 500u);
  EXPECT_EQ(list.elements[0].str, "item0");
  EXPECT_EQ(list.elements[499].str, "item499");
  EXPECT_EQ(sorted_text(c.cmd({"SMEMBERS", "ints"})), "-7,100000,5,");
  EXPECT_TRUE(is_bulk(c.cmd({"OBJECT", "ENCODING", "ints"}), "intset"));
  EXPECT_EQ(sorted_text(c.cmd({"SMEMBERS", "words"})), "a,b,c,");
  EXPECT_TRUE(is_int(c.cmd({"SCARD", "bigset"}), 200));
  EXPECT_EQ(describe(c.cmd({"HGETALL", "hash"})), R"(["name", "ada", "age", "36"])");
  EXPECT_TRUE(is_bulk(c.cmd({"OBJECT", "ENCODING", "hash"}), "listpack"));
  EXPECT_TRUE(is_bulk(c.cmd({"HGET", "bighash", "f599"}), "599"));
  EXPECT_TRUE(is_bulk(c.cmd({"OBJECT", "ENCODING", "bighash"}), "hashtable"));
  EXPECT_EQ(describe(c.cmd({"ZRANGE", "zset", "0", "-1", "WITHSCORES"})),
            R"(["y", "-2", "x", "1.5", "z", "1e+20"])");
  EXPECT_TRUE(is_bulk(c.cmd({"OBJECT", "ENCODING", "zset"}), "listpack"));
  EXPECT_TRUE(is_bulk(c.cmd({"ZSCORE", "bigzset", "m199"}), "99.5"));
  EXPECT_TRUE(is_int(c.cmd({"ZRANK", "bigzset", "m150"}), 150));
  EXPECT_TRUE(is_bulk(c.cmd({"OBJECT", "ENCODING", "bigzset"}), "skiplist"));
  EXPECT_TRUE(is_int(c.cmd({"XLEN", "stream"}), 148));
  EXPECT_EQ(describe(c.cmd({"XRANGE", "stream", "-", "+", "COUNT", "2"})),
            R"([["1002-0", ["sensor", "a", "value", "2"]], ["1003-0", ["sensor", "a", "value", "3"]]])");
  EXPECT_EQ(describe(c.cmd({"XRANGE", "stream", "1020", "1020"})), R"([["1020-0", ["note", "different fields"]]])");
  const Reply info = c.cmd({"XINFO", "STREAM", "stream"});
  std::string fields;
  for (size_t i = 0; i + 1 < info.elements.size(); i += 2) {
    const std::string& name = info.elements[i].str;
    if (name == "last-generated-id" || name == "max-deleted-entry-id" || name == "entries-added" ||
        name == "recorded-first-entry-id")
      fields += name + "=" + describe(info.elements[i + 1]) + " ";
  }
  EXPECT_EQ(fields,
            R"(last-generated-id="1150-0" max-deleted-entry-id="1010-0" entries-added=150 )"
            R"(recorded-first-entry-id="1002-0" )");
}

TEST(RdbInterop, RedisSaveIsReadByArborsParser) {
  RedisProcess redis;
  ASSERT_TRUE(redis.ok());
  Client c(redis.port());
  const std::string compressible(1000, 'q');
  c.cmd({"SET", "lzf", compressible + "tail"});
  c.cmd({"SET", "int", "42"});
  c.cmd({"SET", "ttl", "v", "PXAT", std::to_string(now_ms() + 3'600'000)});
  for (int i = 0; i < 300; ++i) c.cmd({"RPUSH", "list", "element-" + std::to_string(i)});
  c.cmd({"RPUSH", "list", std::string(10000, 'L')});  // a plain quicklist node
  c.cmd({"SADD", "ints", "1", "2", "-300"});
  c.cmd({"SADD", "words", "a", "b"});
  c.cmd({"HSET", "hash", "f", "v", "n", "12"});
  for (int i = 0; i < 600; ++i) c.cmd({"HSET", "bighash", "f" + std::to_string(i), "v"});
  c.cmd({"ZADD", "zset", "1", "a", "2.5", "b", "-inf", "c"});
  for (int i = 0; i < 200; ++i) c.cmd({"ZADD", "bigzset", std::to_string(i) + ".25", "m" + std::to_string(i)});
  for (int i = 1; i <= 120; ++i) {
    if (i % 5 == 0) c.cmd({"XADD", "stream", std::to_string(i) + "-1", "other", "x"});
    else c.cmd({"XADD", "stream", std::to_string(i) + "-1", "f", std::to_string(i), "g", "y"});
  }
  c.cmd({"XDEL", "stream", "3-1", "50-1"});
  c.cmd({"XGROUP", "CREATE", "stream", "readers", "0"});
  c.cmd({"XREADGROUP", "GROUP", "readers", "alice", "COUNT", "3", "STREAMS", "stream", ">"});
  c.cmd({"SELECT", "3"});
  c.cmd({"SET", "in3", "x"});
  ASSERT_TRUE(is_status(c.cmd({"SAVE"}), "OK"));

  const std::string file = read_file(redis.dir() + "/dump.rdb");
  std::vector<std::unique_ptr<Database>> dbs;
  std::vector<Database*> ptrs;
  for (int i = 0; i < 16; ++i) {
    dbs.push_back(std::make_unique<Database>(i));
    ptrs.push_back(dbs.back().get());
  }
  KeyspaceLoader loader(ptrs, now_ms(), true);
  const auto result = replication::parse_rdb(file, loader);
  ASSERT_TRUE(result.ok) << result.error << " at offset " << result.offset;
  EXPECT_EQ(result.version, 10);
  EXPECT_EQ(loader.aux_fields().at("redis-ver"), "7.0.15");
  Database& db = *dbs[0];
  EXPECT_EQ(db.size(), 11u);
  EXPECT_EQ(db.find_raw("lzf")->string_value(), compressible + "tail");
  EXPECT_EQ(db.find_raw("int")->string_value(), "42");
  EXPECT_TRUE(db.find_raw("ttl")->has_expire());
  const auto& list = db.find_raw("list")->as<keyspace::ListValue>();
  ASSERT_EQ(list.size(), 301u);
  EXPECT_EQ(list.at(0), "element-0");
  EXPECT_EQ(list.at(299), "element-299");
  EXPECT_EQ(list.at(300), std::string(10000, 'L'));
  const auto& ints = db.find_raw("ints")->as<keyspace::SetValue>();
  EXPECT_EQ(ints.encoding(), "intset");
  EXPECT_TRUE(ints.contains("-300"));
  EXPECT_TRUE(db.find_raw("words")->as<keyspace::SetValue>().contains("b"));
  EXPECT_EQ(db.find_raw("hash")->as<keyspace::HashValue>().get("n"), "12");
  EXPECT_EQ(db.find_raw("bighash")->as<keyspace::HashValue>().size(), 600u);
  const auto& zset = db.find_raw("zset")->as<keyspace::ZsetValue>();
  EXPECT_EQ(zset.score("b"), 2.5);
  EXPECT_EQ(zset.score("c"), -std::numeric_limits<double>::infinity());
  const auto& big = db.find_raw("bigzset")->as<keyspace::ZsetValue>();
  EXPECT_EQ(big.size(), 200u);
  EXPECT_EQ(big.score("m199"), 199.25);
  EXPECT_EQ(big.rank("m150"), 150u);
  EXPECT_EQ(dbs[3]->find_raw("in3")->string_value(), "x");
  const auto& stream = db.find_raw("stream")->as<keyspace::StreamValue>();
  EXPECT_EQ(stream.length(), 118u);
  EXPECT_EQ(stream.last_id().to_string(), "120-1");
  EXPECT_EQ(stream.max_deleted_entry_id().to_string(), "50-1");
  EXPECT_EQ(stream.entries_added(), 120u);
  std::vector<std::string> seen;
  stream.range({5, 0}, {6, 9}, false, 0, [&](const keyspace::StreamEntryView& v) {
    std::string text = v.id.to_string() + ":";
    v.for_each_pair([&](std::string_view f, std::string_view val) { text += std::string(f) + "=" + std::string(val) + ","; });
    seen.push_back(text);
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"5-1:other=x,", "6-1:f=6,g=y,"}));
  // The consumer group with its pending entries (3-1 was deleted).
  ASSERT_NE(stream.groups(), nullptr);
  const keyspace::StreamGroup& group = stream.groups()->by_name.at("readers");
  EXPECT_EQ(group.last_id.to_string(), "4-1");
  ASSERT_EQ(group.pel.size(), 3u);
  EXPECT_EQ(group.pel.begin()->first.to_string(), "1-1");
  EXPECT_EQ(group.pel.begin()->second.delivery_count, 1u);
  EXPECT_EQ(group.pel.begin()->second.consumer->name, "alice");
  EXPECT_EQ(group.consumers.at("alice").pending.size(), 3u);
}

}  // namespace
}  // namespace arbor::test

// RdbWriter then parse_rdb + KeyspaceLoader over every type and encoding:
// what comes back equals what went in (values, order where it matters,
// expiry, database); broken files fail with an offset and load nothing
// half-way into the caller's view; the loader's rules (duplicates, empty
// collections, expired keys on a primary) hold.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "replication/rdb/crc64.h"
#include "replication/rdb/rdb_format.h"
#include "replication/rdb/rdb_loader.h"
#include "replication/rdb/rdb_note_tree.h"
#include "replication/rdb/rdb_writer.h"
#include "server/keyspace/hash_value.h"
#include "server/keyspace/list_value.h"
#include "server/keyspace/note_tree.h"
#include "server/keyspace/set_value.h"
#include "server/keyspace/stream_value.h"
#include "server/keyspace/zset_value.h"

namespace arbor::replication {
namespace {

using keyspace::Database;
using keyspace::Entry;

constexpr int64_t kNow = 1'800'000'000'000;

// A canonical text of a database: one line per key, sorted.
std::string describe(const Database& db) {
  std::vector<std::string> lines;
  db.table().for_each([&](Entry* e) {
    std::string line = std::string(e->key()) + " exp=" + std::to_string(e->expire_ms()) + " ";
    std::vector<std::string> parts;
    switch (e->type()) {
      case keyspace::ValueType::kString:
        line += "string:" + std::string(e->string_value());
        break;
      case keyspace::ValueType::kList: {
        line += "list:";
        for (auto c = e->as<keyspace::ListValue>().forward(0); !c.done();) line += std::string(c.next()) + ",";
        break;
      }
      case keyspace::ValueType::kSet:
        line += "set(" + std::string(e->as<keyspace::SetValue>().encoding()) + "):";
        e->as<keyspace::SetValue>().for_each([&](std::string_view m) { parts.emplace_back(m); });
        break;
      case keyspace::ValueType::kHash:
        line += "hash(" + std::string(e->as<keyspace::HashValue>().encoding()) + "):";
        e->as<keyspace::HashValue>().for_each(
            [&](std::string_view f, std::string_view v) { parts.push_back(std::string(f) + "=" + std::string(v)); });
        break;
      case keyspace::ValueType::kZset: {
        const auto& z = e->as<keyspace::ZsetValue>();
        line += "zset(" + std::string(z.encoding()) + "):";
        z.walk(0, false, [&](std::string_view m, double s) {
          line += std::string(m) + "=" + std::to_string(s) + ",";
          return true;
        });
        break;
      }
      case keyspace::ValueType::kStream: {
        const auto& s = e->as<keyspace::StreamValue>();
        line += "stream(len=" + std::to_string(s.length()) + " last=" + s.last_id().to_string() +
                " added=" + std::to_string(s.entries_added()) + " maxdel=" + s.max_deleted_entry_id().to_string() +
                " first=" + s.first_id().to_string() + "):";
        s.range(keyspace::kMinStreamId, keyspace::kMaxStreamId, false, 0, [&](const keyspace::StreamEntryView& v) {
          line += v.id.to_string() + "{";
          v.for_each_pair([&](std::string_view f, std::string_view val) {
            line += std::string(f) + "=" + std::string(val) + ";";
          });
          line += "}";
        });
        break;
      }
      case keyspace::ValueType::kNoteTree: {
        // Pre-order with depth: the shape and the order of children.
        const auto& tree = e->as<keyspace::NoteTree>();
        line += "notes(" + std::string(tree.root().text()) + "):";
        auto walk = [&](auto&& self, const keyspace::Note& note, int depth) -> void {
          for (const keyspace::Note* c = note.first_child(); c != nullptr; c = c->next_sibling()) {
            line += std::to_string(depth) + ":" + std::string(c->id()) + "=" + std::string(c->text()) + ",";
            self(self, *c, depth + 1);
          }
        };
        walk(walk, tree.root(), 0);
        break;
      }
    }
    std::sort(parts.begin(), parts.end());
    for (const auto& p : parts) line += p + ",";
    lines.push_back(line);
  });
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

void fill(Database& db) {
  db.set_string("s:text", "hello", false);
  db.set_string("s:int", "12345", false);
  db.set_string("s:big", std::string(100000, 'b'), false);
  db.set_string("s:empty", "", false);
  db.set_expire(db.set_string("s:ttl", "later", false), kNow + 60'000);
  auto list = std::make_unique<keyspace::ListValue>();
  for (int i = 0; i < 1000; ++i) list->push(keyspace::ListValue::End::kTail, "e" + std::to_string(i));
  list->push(keyspace::ListValue::End::kTail, std::string(10000, 'x'));  // bigger than a node
  list->push(keyspace::ListValue::End::kTail, "-17");
  db.add_object("l:long", std::move(list));
  auto small_list = std::make_unique<keyspace::ListValue>();
  small_list->push(keyspace::ListValue::End::kTail, "only");
  db.set_expire(db.add_object("l:small", std::move(small_list)), kNow + 1);
  for (const auto& [key, n, prefix] : std::vector<std::tuple<std::string, int, std::string>>{
           {"set:ints", 10, ""}, {"set:words", 10, "w"}, {"set:big", 300, "m"}, {"set:wide", 600, ""}}) {
    auto set = std::make_unique<keyspace::SetValue>();
    for (int i = 0; i < n; ++i) set->add(prefix + std::to_string(i * (key == "set:wide" ? 100000 : 1) - 3));
    db.add_object(key, std::move(set));
  }
  auto small_hash = std::make_unique<keyspace::HashValue>();
  small_hash->set("name", "ada");
  small_hash->set("n", "100000");
  small_hash->set("neg", "-5");
  db.add_object("h:small", std::move(small_hash));
  auto big_hash = std::make_unique<keyspace::HashValue>();
  for (int i = 0; i < 600; ++i) big_hash->set("f" + std::to_string(i), "v" + std::to_string(i));
  db.add_object("h:big", std::move(big_hash));
  auto small_zset = std::make_unique<keyspace::ZsetValue>();
  for (const auto& [m, s] : std::vector<std::pair<std::string, double>>{
           {"a", 1}, {"b", 2.5}, {"c", -3}, {"d", 1e300}, {"e", 0.1}, {"f", -1.0 / 0.0}}) small_zset->set(m, s);
  db.add_object("z:small", std::move(small_zset));
  auto big_zset = std::make_unique<keyspace::ZsetValue>();
  for (int i = 0; i < 300; ++i) big_zset->set("m" + std::to_string(i), i / 3.0);
  db.add_object("z:big", std::move(big_zset));
  auto notes = std::make_unique<keyspace::NoteTree>();
  EXPECT_EQ(notes->add("root", "b", "second"), keyspace::NoteTree::Status::kOk);
  EXPECT_EQ(notes->add("root", "a", "first", {keyspace::NotePlace::kFirst, {}}), keyspace::NoteTree::Status::kOk);
  EXPECT_EQ(notes->add("a", "a1", ""), keyspace::NoteTree::Status::kOk);
  EXPECT_EQ(notes->add("a1", "a11", std::string(5000, 'n')), keyspace::NoteTree::Status::kOk);
  EXPECT_EQ(notes->add("b", "b1", "12345"), keyspace::NoteTree::Status::kOk);
  EXPECT_TRUE(notes->set_text("root", "top"));
  db.set_expire(db.add_object("notes", std::move(notes)), kNow + 5000);
}

std::string write_all(std::vector<Database*> dbs) {
  std::string out;
  RdbWriter w(out);
  w.header();
  w.aux("redis-ver", "7.0.15");
  w.aux("redis-bits", 64);
  for (Database* db : dbs) {
    if (db->size() == 0) continue;
    w.select_db(db->index(), db->size(), db->expires_count());
    db->table().for_each([&](Entry* e) { w.entry(*e); });
  }
  w.finish();
  return out;
}

struct Loaded {
  std::vector<std::unique_ptr<Database>> dbs;
  RdbParseResult result;
  uint64_t expired = 0;
  std::map<std::string, std::string, std::less<>> aux;
};

Loaded load(std::string_view file, bool drop_expired = false, int64_t now = kNow) {
  Loaded out;
  std::vector<Database*> ptrs;
  for (int i = 0; i < 16; ++i) {
    out.dbs.push_back(std::make_unique<Database>(i));
    ptrs.push_back(out.dbs.back().get());
  }
  KeyspaceLoader loader(ptrs, now, drop_expired);
  out.result = parse_rdb(file, loader);
  out.expired = loader.expired_skipped();
  out.aux = loader.aux_fields();
  return out;
}

TEST(RdbRoundTrip, EveryTypeAndEncodingComesBackTheSame) {
  Database db0(0), db5(5);
  fill(db0);
  db5.set_string("in-five", "5", false);
  const std::string file = write_all({&db0, &db5});
  EXPECT_EQ(file.substr(0, 9), "REDIS0010");
  const Loaded back = load(file);
  ASSERT_TRUE(back.result.ok) << back.result.error << " at " << back.result.offset;
  EXPECT_EQ(back.result.keys, db0.size() + 1);
  EXPECT_EQ(describe(*back.dbs[0]), describe(db0));
  EXPECT_EQ(describe(*back.dbs[5]), describe(db5));
  EXPECT_EQ(back.dbs[1]->size(), 0u);
  EXPECT_EQ(back.aux.at("redis-ver"), "7.0.15");
  EXPECT_EQ(back.aux.at("redis-bits"), "64");
}

// Streams: entries with the node's master fields and with others, numbers
// and text, more than one node, deletions, an XSETID past the last entry,
// and an emptied stream (which stays, as in Redis).
TEST(RdbRoundTrip, StreamsComeBackWithTheirIdsAndCounters) {
  Database db(0);
  auto stream = std::make_unique<keyspace::StreamValue>();
  for (uint64_t i = 1; i <= 250; ++i) {
    const std::string n = std::to_string(i);
    std::vector<std::string_view> fv = {"temp", n, "where", "x"};
    if (i % 7 == 0) fv = {"other", "field", "count", "-12"};
    if (i % 11 == 0) fv = {"temp", n};
    stream->append({1700000000000 + i / 3, i % 3}, fv);
  }
  for (uint64_t i = 3; i <= 200; i += 9) stream->erase({1700000000000 + i / 3, i % 3});
  stream->set_last_id({1800000000000, 5});
  db.add_object("events", std::move(stream));
  auto empty = std::make_unique<keyspace::StreamValue>();
  std::vector<std::string_view> fv = {"f", "v"};
  empty->append({5, 0}, fv);
  empty->erase({5, 0});
  db.add_object("emptied", std::move(empty));
  const Loaded back = load(write_all({&db}));
  ASSERT_TRUE(back.result.ok) << back.result.error << " at " << back.result.offset;
  EXPECT_EQ(describe(*back.dbs[0]), describe(db));
}

// An id 2^64-1 after one near 0 in the same node: Redis writes the id
// differences as signed 64-bit listpack integers, so this one is -147 (the
// and reads them back with wrapping; arbor must do both the same way.
TEST(RdbRoundTrip, StreamIdDifferencesPast2To63WrapAsRedisWritesThem) {
  Database db(0);
  auto stream = std::make_unique<keyspace::StreamValue>();
  std::vector<std::string_view> fv = {"f", "v"};
  stream->append({146, 1}, fv);
  stream->append({UINT64_MAX, UINT64_MAX}, fv);
  db.add_object("s", std::move(stream));
  const std::string file = write_all({&db});
  // The ms difference UINT64_MAX - 146 as Redis writes it: the integer -147
  // (13-bit listpack encoding 0xDF 0x6D), not the 20-digit text.
  EXPECT_EQ(file.find("18446744073709551469"), std::string::npos);
  EXPECT_NE(file.find("\xdf\x6d"), std::string::npos);
  const Loaded back = load(file);
  ASSERT_TRUE(back.result.ok) << back.result.error << " at " << back.result.offset;
  EXPECT_EQ(describe(*back.dbs[0]), describe(db));
}

TEST(RdbRoundTrip, ChecksumCoversTheWholeFileAndZeroDisablesIt) {
  Database db(0);
  fill(db);
  std::string file = write_all({&db});
  RdbCursor trailer(std::string_view(file).substr(file.size() - 8));
  EXPECT_EQ(trailer.u64_le(), crc64(0, std::string_view(file).substr(0, file.size() - 8)));
  std::string flipped = file;
  flipped[23] ^= 1;  // inside the "7.0.15" aux value: still parses, checksum says no
  const Loaded bad = load(flipped);
  EXPECT_FALSE(bad.result.ok);
  EXPECT_EQ(bad.result.error, "wrong RDB checksum");
  std::string unchecked = file;
  for (size_t i = file.size() - 8; i < file.size(); ++i) unchecked[i] = 0;
  EXPECT_TRUE(load(unchecked).result.ok);
}

TEST(RdbRoundTrip, EveryTruncationFailsWithItsOffset) {
  Database db(0);
  db.set_string("k", "v", false);
  auto hash = std::make_unique<keyspace::HashValue>();
  hash->set("f", "v");
  db.add_object("h", std::move(hash));
  const std::string file = write_all({&db});
  for (size_t cut = 0; cut < file.size(); ++cut) {
    const Loaded r = load(std::string_view(file).substr(0, cut));
    EXPECT_FALSE(r.result.ok) << cut;
    EXPECT_LE(r.result.offset, cut) << cut;
    EXPECT_FALSE(r.result.error.empty()) << cut;
  }
}

TEST(RdbRoundTrip, RefusesOtherFilesAndNewerVersions) {
  EXPECT_EQ(load("HELLO0010").result.error, "wrong signature, not an RDB file");
  EXPECT_EQ(load("REDIS0011\xff").result.error, "unsupported RDB version 0011");
  EXPECT_EQ(load("").result.error, "wrong signature, not an RDB file");
  // Another module's value is refused by its name.
  std::string foreign("REDIS0010\x07\x01k", 12);
  RdbEncoder(foreign).length(module_type_id("ReJSON-RL", 3));
  const Loaded modules = load(foreign);
  EXPECT_EQ(modules.result.error, "module value of module 'ReJSON-RL' (encoding version 3), which arbor does not have");
  EXPECT_EQ(modules.result.offset, foreign.size());
}

TEST(RdbLoader, DuplicateKeysFailEmptyCollectionsAreSkippedExpiredDroppedOnAPrimary) {
  std::string file;
  RdbWriter w(file);
  w.header();
  w.select_db(0, 2, 1);
  RdbEncoder enc(file);
  const size_t keys_from = file.size();
  enc.byte(rdb_op::kExpireTimeMs);
  enc.i64_le(kNow - 1);
  enc.byte(rdb_type::kString);
  enc.string("gone");
  enc.string("v");
  enc.byte(rdb_type::kSet);  // an empty set: skipped, as Redis does
  enc.string("empty");
  enc.length(0);
  enc.byte(rdb_type::kString);
  enc.string("dup");
  enc.string("1");
  const size_t dup_at = file.size();
  enc.byte(rdb_type::kString);
  enc.string("dup");
  enc.string("2");
  (void)keys_from;
  std::string ok_part = file.substr(0, dup_at);
  auto finish = [](std::string f) {
    f.push_back(static_cast<char>(rdb_op::kEof));
    RdbEncoder(f).u64_le(0);
    return f;
  };
  const Loaded primary = load(finish(ok_part), true);
  ASSERT_TRUE(primary.result.ok) << primary.result.error;
  EXPECT_EQ(primary.expired, 1u);
  EXPECT_EQ(describe(*primary.dbs[0]), "dup exp=-1 string:1\n");
  const Loaded replica = load(finish(ok_part), false);
  EXPECT_NE(replica.dbs[0]->find_raw("gone"), nullptr);
  const Loaded dup = load(finish(file));
  EXPECT_FALSE(dup.result.ok);
  EXPECT_EQ(dup.result.error, "duplicated key 'dup'");
  EXPECT_EQ(dup.result.offset, dup_at);
}

TEST(RdbLoader, DuplicateMembersInsideAValueFail) {
  std::string file;
  RdbWriter w(file);
  w.header();
  RdbEncoder enc(file);
  enc.byte(rdb_type::kSet);
  enc.string("s");
  enc.length(2);
  enc.string("a");
  enc.string("a");
  file.push_back(static_cast<char>(rdb_op::kEof));
  enc.u64_le(0);
  const Loaded r = load(file);
  EXPECT_FALSE(r.result.ok);
  EXPECT_EQ(r.result.error, "duplicate set member");
}

}  // namespace
}  // namespace arbor::replication

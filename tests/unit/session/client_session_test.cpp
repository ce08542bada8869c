// session::ClientSession with byte strings and a fake transport: what is
// read, run and written, and when, for pipelining, the batch limit,
// blocking and its timeout, pub/sub ordering, pause, tracking, protocol
// errors, QUIT, CLIENT KILL and both buffer limits. No sockets: each
// "client" is a session over one shared Instance, as on a real server.
#include "server/session/client_session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/core/client_eviction.h"
#include "server/core/command_table.h"
#include "server/core/config.h"

namespace arbor::session {
namespace {

// Records what the session asked of its transport.
struct FakeTransport : Transport {
  void wake() override { ++wakes; }
  void shut() override { shut_called = true; }
  void arm_timer(int64_t deadline_ms, uint64_t generation_number) override {
    deadline = deadline_ms;
    generation = generation_number;
  }
  int wakes = 0;
  bool shut_called = false;
  int64_t deadline = 0;
  uint64_t generation = 0;
};

struct TestClient {
  FakeTransport transport;
  std::unique_ptr<ClientSession> session;
  ClientSession* operator->() { return session.get(); }
};

// A command as a client library sends it.
std::string cmd(std::initializer_list<std::string_view> args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (std::string_view arg : args) out += "$" + std::to_string(arg.size()) + "\r\n" + std::string(arg) + "\r\n";
  return out;
}

class ClientSessionTest : public ::testing::Test {
 protected:
  ClientSessionTest() {
    core::register_all_commands(table_);
    instance_.hooks.post = [this](std::function<void()> task) { posted_.push_back(std::move(task)); };
  }
  // The event loop's turn: runs what was posted, in order.
  void run_posted() {
    while (!posted_.empty()) {
      auto task = std::move(posted_.front());
      posted_.erase(posted_.begin());
      task();
    }
  }

  TestClient& connect() {
    auto client = std::make_unique<TestClient>();
    Peer peer{.fd = 10 + static_cast<int>(clients_.size()), .addr = "127.0.0.1:5000", .laddr = "127.0.0.1:6379"};
    client->session = std::make_unique<ClientSession>(instance_, dispatcher_, peer, client->transport);
    clients_.push_back(std::move(client));
    return *clients_.back();
  }
  // Reads `bytes` into the session, in reads of at most `chunk` bytes.
  static void feed(TestClient& client, std::string_view bytes, size_t chunk = 1 << 20) {
    while (!bytes.empty()) {
      const std::span<char> space = client->input_space();
      ASSERT_FALSE(space.empty()) << "the session refused input";
      const size_t n = std::min({bytes.size(), space.size(), chunk});
      std::memcpy(space.data(), bytes.data(), n);
      client->received(n);
      bytes.remove_prefix(n);
    }
  }
  // What the transport would do until the session is idle: run pending
  // work, write every output; returns the bytes written.
  static std::string drain(TestClient& client) {
    std::string written;
    for (int step = 0; step < 10000; ++step) {
      if (client->has_pending()) {
        client->run_pending();
      } else if (client->has_output()) {
        written += client->output();
        client->written();
      } else {
        break;
      }
    }
    return written;
  }
  // Sends one command and returns everything written back.
  static std::string roundtrip(TestClient& client, std::string_view bytes) {
    feed(client, bytes);
    return drain(client);
  }

  core::Config config_;
  core::CommandTable table_;
  core::Instance instance_{config_, table_};
  core::Dispatcher dispatcher_{instance_};
  std::vector<std::function<void()>> posted_;
  std::vector<std::unique_ptr<TestClient>> clients_;  // destroyed before the instance
};

TEST_F(ClientSessionTest, APipelineRunsInOneBatchAndIsWrittenOnce) {
  TestClient& a = connect();
  EXPECT_TRUE(a->wants_read());
  feed(a, cmd({"PING"}) + cmd({"SET", "k", "v"}) + cmd({"GET", "k"}));
  // Nothing more is read until the batch's replies are written.
  EXPECT_FALSE(a->wants_read());
  ASSERT_TRUE(a->has_output());
  EXPECT_EQ(a->output(), "+PONG\r\n+OK\r\n$1\r\nv\r\n");
  a->written();
  EXPECT_TRUE(a->wants_read());
  EXPECT_FALSE(a->has_output());
}

TEST_F(ClientSessionTest, ACommandSplitAcrossReadsRunsOnceComplete) {
  TestClient& a = connect();
  const std::string set = cmd({"SET", "key", "value"});
  feed(a, std::string_view(set).substr(0, set.size() - 1), 1);  // byte by byte, all but the last
  EXPECT_FALSE(a->has_output());
  EXPECT_TRUE(a->wants_read());
  EXPECT_EQ(roundtrip(a, "\n"), "+OK\r\n");
  EXPECT_EQ(a->query_buffer_bytes(), 0u);
}

TEST_F(ClientSessionTest, ABigPipelineStopsAtTheBatchLimitAndGoesOnOnceHandedOver) {
  TestClient& a = connect();
  const std::string big(600 * 1024, 'x');
  EXPECT_EQ(roundtrip(a, cmd({"SET", "big", big})), "+OK\r\n");
  feed(a, cmd({"GET", "big"}) + cmd({"GET", "big"}) + cmd({"GET", "big"}));
  // Two replies pass 1 MB: the third GET waits until they go out.
  const std::string one = "$" + std::to_string(big.size()) + "\r\n" + big + "\r\n";
  EXPECT_FALSE(a->has_pending());
  EXPECT_FALSE(a->wants_read());
  ASSERT_TRUE(a->has_output());
  EXPECT_EQ(a->output(), one + one);
  EXPECT_TRUE(a->has_pending());  // handed to the transport: the next slice may run while it is written
  a->run_pending();
  a->written();
  EXPECT_EQ(drain(a), one);
  EXPECT_TRUE(a->wants_read());
}

TEST_F(ClientSessionTest, ABlockedCommandHoldsItsPipelineUntilAnotherClientServesIt) {
  TestClient& a = connect();
  TestClient& b = connect();
  feed(a, cmd({"BLPOP", "list", "0"}) + cmd({"PING"}));
  EXPECT_FALSE(a->has_output());
  EXPECT_TRUE(a->wants_read());  // a blocked client is still read (a closed peer is noticed)
  EXPECT_EQ(a.transport.deadline, 0);
  const int wakes = a.transport.wakes;
  EXPECT_EQ(roundtrip(b, cmd({"RPUSH", "list", "x"})), ":1\r\n");
  // Served by B's write: A is woken, its reply waits, its PING runs later.
  EXPECT_GT(a.transport.wakes, wakes);
  EXPECT_TRUE(a->has_pending());
  EXPECT_EQ(drain(a), "*2\r\n$4\r\nlist\r\n$1\r\nx\r\n+PONG\r\n");
}

TEST_F(ClientSessionTest, ABlockTimeoutComesFromTheTransportsTimer) {
  TestClient& a = connect();
  feed(a, cmd({"BLPOP", "list", "5"}) + cmd({"PING"}));
  ASSERT_GT(a.transport.deadline, 0);
  const uint64_t generation = a.transport.generation;
  a->timer_fired(generation - 1);  // a timer from an earlier block: ignored
  EXPECT_FALSE(a->has_output());
  a->timer_fired(generation);
  EXPECT_EQ(drain(a), "*-1\r\n+PONG\r\n");
  EXPECT_EQ(a.transport.deadline, 0);  // cancelled once unblocked
}

TEST_F(ClientSessionTest, MessagesReachAnIdleSubscriberAndWakeItsTransport) {
  TestClient& a = connect();
  TestClient& b = connect();
  EXPECT_EQ(roundtrip(a, cmd({"SUBSCRIBE", "ch"})), "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
  const int wakes = a.transport.wakes;
  EXPECT_EQ(roundtrip(b, cmd({"PUBLISH", "ch", "hi"})), ":1\r\n");
  EXPECT_GT(a.transport.wakes, wakes);
  EXPECT_EQ(drain(a), "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
}

TEST_F(ClientSessionTest, APublishToOneselfDeliversTheMessageAheadOfItsReply) {
  TestClient& a = connect();
  EXPECT_EQ(roundtrip(a, cmd({"HELLO", "3"})).substr(0, 2), "%7");
  EXPECT_EQ(roundtrip(a, cmd({"SUBSCRIBE", "ch"}) + cmd({"PUBLISH", "ch", "m"})),
            ">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n"
            ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nm\r\n"
            ":1\r\n");
}

TEST_F(ClientSessionTest, AWritePauseHoldsAWriteAndWhatFollowsItButLetsOthersRead) {
  TestClient& a = connect();
  TestClient& b = connect();
  TestClient& c = connect();
  EXPECT_EQ(roundtrip(c, cmd({"SET", "k", "old"})), "+OK\r\n");
  EXPECT_EQ(roundtrip(b, cmd({"CLIENT", "PAUSE", "100000", "WRITE"})), "+OK\r\n");
  feed(a, cmd({"SET", "k", "new"}) + cmd({"GET", "k"}));
  EXPECT_FALSE(a->has_output());
  EXPECT_EQ(roundtrip(c, cmd({"GET", "k"})), "$3\r\nold\r\n");
  EXPECT_EQ(roundtrip(b, cmd({"CLIENT", "UNPAUSE"})), "+OK\r\n");
  run_posted();
  EXPECT_EQ(drain(a), "+OK\r\n$3\r\nnew\r\n");
}

// Postponed commands run again from the event loop once the pause ends:
// after the command that ended it, one client after the other in arrival
// order (Redis's processUnblockedClients), whoever's output is pending.
TEST_F(ClientSessionTest, PostponedCommandsRunAgainFromTheLoopInArrivalOrder) {
  TestClient& a = connect();
  TestClient& b = connect();
  TestClient& c = connect();
  EXPECT_EQ(roundtrip(c, cmd({"CLIENT", "PAUSE", "100000", "WRITE"})), "+OK\r\n");
  feed(b, cmd({"APPEND", "k", "b"}));
  feed(a, cmd({"APPEND", "k", "a"}));
  EXPECT_EQ(roundtrip(c, cmd({"CLIENT", "UNPAUSE"}) + cmd({"EXISTS", "k"})), "+OK\r\n:0\r\n");
  run_posted();
  EXPECT_EQ(roundtrip(c, cmd({"GET", "k"})), "$2\r\nba\r\n");
  EXPECT_EQ(drain(a), ":2\r\n");
  EXPECT_EQ(drain(b), ":1\r\n");
}

// A postponed QUIT still closes after its reply; what follows it never runs.
TEST_F(ClientSessionTest, APostponedQuitClosesAfterItRuns) {
  TestClient& a = connect();
  TestClient& c = connect();
  EXPECT_EQ(roundtrip(c, cmd({"CLIENT", "PAUSE", "100000", "ALL"})), "+OK\r\n");
  feed(a, cmd({"QUIT"}) + cmd({"SET", "k", "v"}));
  EXPECT_FALSE(a->has_output());
  // (Under ALL, CLIENT UNPAUSE waits too, as in Redis: the deadline ends it.)
  instance_.check_pause_deadline(core::unix_time_ms() + 200000);
  run_posted();
  EXPECT_EQ(drain(a), "+OK\r\n");
  EXPECT_TRUE(a->finished());
  EXPECT_EQ(roundtrip(c, cmd({"EXISTS", "k"})), ":0\r\n");
}

TEST_F(ClientSessionTest, ATrackedKeyChangedByAnotherClientIsInvalidatedByPush) {
  TestClient& a = connect();
  TestClient& b = connect();
  roundtrip(a, cmd({"HELLO", "3"}));
  EXPECT_EQ(roundtrip(a, cmd({"CLIENT", "TRACKING", "ON"})), "+OK\r\n");
  EXPECT_EQ(roundtrip(a, cmd({"GET", "k"})), "_\r\n");
  EXPECT_EQ(roundtrip(b, cmd({"SET", "k", "v"})), "+OK\r\n");
  EXPECT_EQ(drain(a), ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n");
}

TEST_F(ClientSessionTest, RepliesOffStillDeliversPushMessages) {
  TestClient& a = connect();
  TestClient& b = connect();
  roundtrip(a, cmd({"HELLO", "3"}));
  EXPECT_EQ(roundtrip(a, cmd({"CLIENT", "REPLY", "OFF"}) + cmd({"SUBSCRIBE", "ch"}) + cmd({"PING"})),
            ">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
  roundtrip(b, cmd({"PUBLISH", "ch", "m"}));
  EXPECT_EQ(drain(a), ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nm\r\n");
}

TEST_F(ClientSessionTest, AProtocolErrorIsAnsweredThenTheClientIsClosed) {
  TestClient& a = connect();
  feed(a, cmd({"PING"}) + "*1\r\n$x\r\n" + cmd({"PING"}));
  EXPECT_FALSE(a->wants_read());
  EXPECT_FALSE(a->finished());  // not before its replies are written
  EXPECT_EQ(a->output(), "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n");
  a->written();
  EXPECT_TRUE(a->finished());
  EXPECT_TRUE(a.transport.shut_called);
}

TEST_F(ClientSessionTest, QuitClosesAfterItsReplyAndCommandsBehindItDoNotRun) {
  TestClient& a = connect();
  feed(a, cmd({"QUIT"}) + cmd({"SET", "k", "v"}));
  EXPECT_EQ(drain(a), "+OK\r\n");
  EXPECT_TRUE(a->finished());
  TestClient& b = connect();
  EXPECT_EQ(roundtrip(b, cmd({"EXISTS", "k"})), ":0\r\n");
}

TEST_F(ClientSessionTest, ClientKillFromAnotherClientClosesItAndUnregistersIt) {
  TestClient& a = connect();
  TestClient& b = connect();
  const std::string id = std::to_string(a->state().id);
  EXPECT_EQ(roundtrip(b, cmd({"CLIENT", "KILL", "ID", id})), ":1\r\n");
  EXPECT_TRUE(a->finished());
  EXPECT_TRUE(a.transport.shut_called);
  EXPECT_FALSE(a->wants_read());
  clients_.erase(clients_.begin());  // the transport drops its session
  EXPECT_EQ(instance_.find_client(std::stoull(id)), nullptr);
}

TEST_F(ClientSessionTest, TheQueryBufferLimitClosesAClientThatNeverFinishesItsCommand) {
  config_.settings().client_query_buffer_limit = 1024 * 1024;
  TestClient& a = connect();
  feed(a, "*2\r\n$3\r\nGET\r\n$2000000\r\n");
  const std::string chunk(64 * 1024, 'x');
  int reads = 0;
  while (!a->finished() && reads < 100) {
    const std::span<char> space = a->input_space();
    if (space.empty()) break;
    const size_t n = std::min(space.size(), chunk.size());
    std::memcpy(space.data(), chunk.data(), n);
    a->received(n);
    ++reads;
  }
  EXPECT_TRUE(a->finished());
  EXPECT_TRUE(a.transport.shut_called);
  EXPECT_EQ(instance_.stats.client_query_buffer_limit_disconnections, 1u);
  EXPECT_GE(static_cast<size_t>(reads) * chunk.size(), 1024u * 1024 - chunk.size());
}

TEST_F(ClientSessionTest, TheOutputLimitClosesASubscriberThatDoesNotRead) {
  config_.settings().output_limit_pubsub = {.hard = 4096, .soft = 0, .soft_seconds = 0};
  TestClient& a = connect();
  TestClient& b = connect();
  roundtrip(a, cmd({"SUBSCRIBE", "ch"}));
  const std::string payload(1000, 'p');
  for (int i = 0; i < 3; ++i) roundtrip(b, cmd({"PUBLISH", "ch", payload}));
  EXPECT_FALSE(a->finished());  // about 3 KB waiting
  roundtrip(b, cmd({"PUBLISH", "ch", payload}));
  EXPECT_TRUE(a->finished());
  EXPECT_TRUE(a.transport.shut_called);
  EXPECT_EQ(a->output_buffer_bytes(), 0u);  // given back at once
  EXPECT_EQ(instance_.stats.client_output_buffer_limit_disconnections, 1u);
}

TEST_F(ClientSessionTest, MultiExecQueuesAcrossReadsAndAnswersInOneArray) {
  TestClient& a = connect();
  TestClient& b = connect();
  EXPECT_EQ(roundtrip(a, cmd({"MULTI"}) + cmd({"INCR", "n"})), "+OK\r\n+QUEUED\r\n");
  EXPECT_EQ(roundtrip(b, cmd({"SET", "n", "41"})), "+OK\r\n");
  EXPECT_EQ(roundtrip(a, cmd({"INCR", "n"}) + cmd({"EXEC"})), "+QUEUED\r\n*2\r\n:42\r\n:43\r\n");
}

TEST_F(ClientSessionTest, StatisticsCountReadsWritesAndBytes) {
  TestClient& a = connect();
  const uint64_t reads = instance_.stats.total_reads_processed;
  const uint64_t writes = instance_.stats.total_writes_processed;
  const uint64_t in = instance_.stats.net_input_bytes;
  const uint64_t out = instance_.stats.net_output_bytes;
  roundtrip(a, cmd({"PING"}));
  EXPECT_EQ(instance_.stats.total_reads_processed, reads + 1);
  EXPECT_EQ(instance_.stats.total_writes_processed, writes + 1);
  EXPECT_EQ(instance_.stats.net_input_bytes, in + cmd({"PING"}).size());
  EXPECT_EQ(instance_.stats.net_output_bytes, out + 7);
}

}  // namespace
}  // namespace arbor::session

namespace arbor::session {
namespace {

// A busy script lets the loop run (Redis's processEventsWhileBlocked): a
// read that completes then must not run commands under the script, nor
// move the buffer its arguments live in; the batch parses it afterwards.
TEST_F(ClientSessionTest, InputThatArrivesDuringABusyScriptRunsAfterIt) {
  config_.settings().busy_reply_threshold_ms = 1;
  TestClient& a = connect();
  TestClient& b = connect();
  const std::string script = "local i = 0 while i < 20000000 do i = i + 1 end return i";
  feed(a, cmd({"BLPOP", "list", "0"}) + cmd({"EVAL", script, "0"}));
  ASSERT_TRUE(a->wants_read());
  const std::span<char> space = a->input_space();  // the read the transport has outstanding
  const std::string ping = cmd({"PING"});
  ASSERT_GE(space.size(), ping.size());
  int polls = 0;
  bool quiet_while_busy = true;
  instance_.hooks.process_events_while_busy = [&] {
    if (polls++ == 0) {
      std::memcpy(space.data(), ping.data(), ping.size());
      a->received(ping.size());
    }
    quiet_while_busy = quiet_while_busy && !a->wants_read() && !a->has_output() && !a->has_pending();
  };
  roundtrip(b, cmd({"RPUSH", "list", "x"}));
  EXPECT_EQ(drain(a), "*2\r\n$4\r\nlist\r\n$1\r\nx\r\n:20000000\r\n+PONG\r\n");
  EXPECT_GT(polls, 0);
  EXPECT_TRUE(quiet_while_busy);
  instance_.hooks.process_events_while_busy = nullptr;
}

}  // namespace
}  // namespace arbor::session

namespace arbor::session {
namespace {

TEST(ClientEvictionLimit, BytesPercentOfMaxmemoryAndTheFloor) {
  core::Settings s;
  EXPECT_EQ(core::client_eviction_limit(s), 0u);  // off by default
  s.maxmemory_clients = -10;
  EXPECT_EQ(core::client_eviction_limit(s), 0u);  // a percentage of no maxmemory: off
  s.maxmemory = 10'000'000;
  EXPECT_EQ(core::client_eviction_limit(s), 1'000'000u);
  s.maxmemory_clients = 3'000'000;
  EXPECT_EQ(core::client_eviction_limit(s), 3'000'000u);
  s.maxmemory_clients = 50'000;
  EXPECT_EQ(core::client_eviction_limit(s), 128u * 1024);  // so the server stays reachable
}

// A lower maxmemory-clients closes the biggest evictable clients right after
// the command,
// largest first, only until the rest fit; NO-EVICT clients count but stay.
TEST_F(ClientSessionTest, ClientEvictionClosesTheLargestFirstAndSparesNoEvict) {
  TestClient& keeper = connect();
  TestClient& big = connect();
  TestClient& small = connect();
  TestClient& admin = connect();
  EXPECT_EQ(roundtrip(keeper, cmd({"CLIENT", "NO-EVICT", "ON"})), "+OK\r\n");
  EXPECT_EQ(roundtrip(admin, cmd({"CLIENT", "NO-EVICT", "ON"})), "+OK\r\n");
  // Commands still arriving: each query buffer grows towards its argument.
  auto partial = [](size_t length) { return "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + std::to_string(length) + "\r\n"; };
  feed(keeper, partial(900000) + std::string(300000, 'k'), 16 * 1024);
  feed(big, partial(400000) + std::string(200000, 'b'), 16 * 1024);
  feed(small, partial(40000) + std::string(20000, 's'), 16 * 1024);
  const size_t keeper_mem = core::client_memory(keeper->state());
  const size_t big_mem = core::client_memory(big->state());
  const size_t small_mem = core::client_memory(small->state());
  const size_t admin_mem = core::client_memory(admin->state());
  ASSERT_GT(keeper_mem, big_mem);
  ASSERT_GT(big_mem, small_mem);
  // Over by less than `big` holds: `big` alone goes. (Clients once closed
  // count no more, and are not closed twice.)
  // (1000: room for the admin's own CONFIG SET in its query buffer.)
  const size_t limit = keeper_mem + small_mem + admin_mem + 1000;
  EXPECT_EQ(roundtrip(admin, cmd({"CONFIG", "SET", "maxmemory-clients", std::to_string(limit)})), "+OK\r\n");
  EXPECT_FALSE(big->finished());  // not in the middle of a command: from the loop, right after it
  run_posted();
  EXPECT_TRUE(big->finished());
  EXPECT_FALSE(small->finished());
  EXPECT_FALSE(keeper->finished());
  EXPECT_EQ(instance_.stats.evicted_clients, 1u);
  EXPECT_LT(instance_.client_eviction.total(), limit);
  // Below what the NO-EVICT clients hold alone: every other client goes,
  // and the server goes on over the limit.
  EXPECT_EQ(roundtrip(admin, cmd({"CONFIG", "SET", "maxmemory-clients", "131072"})), "+OK\r\n");
  run_posted();
  EXPECT_TRUE(small->finished());
  EXPECT_FALSE(keeper->finished());
  EXPECT_FALSE(admin->finished());
  EXPECT_EQ(instance_.stats.evicted_clients, 2u);
  EXPECT_EQ(roundtrip(admin, cmd({"CONFIG", "SET", "maxmemory-clients", "0"})), "+OK\r\n");
  EXPECT_FALSE(instance_.client_eviction.on());
}

}  // namespace
}  // namespace arbor::session

namespace arbor::session {
namespace {

// CLIENT LIST's output fields as Redis keeps output: obl bytes in a 16 KB
// buffer, oll 16 KB blocks after it, omem all of it; rbp the most one write
// carried in the last 5 seconds, within the buffer.
TEST_F(ClientSessionTest, ClientListShowsOutputAsRedisBuffersIt) {
  TestClient& sub = connect();
  TestClient& admin = connect();
  roundtrip(sub, cmd({"CLIENT", "SETNAME", "sub"}) + cmd({"SUBSCRIBE", "ch"}));
  roundtrip(admin, cmd({"PUBLISH", "ch", std::string(40000, 'm')}));  // not written: the subscriber's socket is slow
  const std::string list = roundtrip(admin, cmd({"CLIENT", "LIST"}));
  const size_t at = list.find("name=sub ");
  ASSERT_NE(at, std::string::npos);
  const std::string line = list.substr(at, list.find('\n', at) - at);
  const size_t omem = sub->output_buffer_bytes();
  EXPECT_GT(omem, 40000u);
  EXPECT_NE(line.find(" rbp=36 "), std::string::npos) << line;  // the SETNAME and SUBSCRIBE replies, one write
  EXPECT_NE(line.find(" obl=16384 oll=2 omem=" + std::to_string(omem) + " "), std::string::npos) << line;
}

}  // namespace
}  // namespace arbor::session

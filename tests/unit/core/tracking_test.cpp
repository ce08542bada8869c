// core::Tracking with byte strings: which clients are told of which keys,
// in which frame (RESP3 push, RESP2 message to a redirect client, nothing),
// OPTIN/OPTOUT with CACHING, NOLOOP, BCAST prefixes and their batching, the
// null of a flush, a broken redirect, the table limit and its counters.
#include "server/core/tracking.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/unit/collecting_control.h"

namespace arbor::core {
namespace {

using Collecting = testing::CollectingControl;

class TrackingTest : public ::testing::Test {
 protected:
  ClientState& client(uint64_t id, int resp = 3) {
    auto& c = clients_[id];
    c = std::make_unique<ClientState>();
    c->id = id;
    c->resp = resp;
    controls_[id] = std::make_unique<Collecting>();
    c->control = controls_[id].get();
    list_.push_back(c.get());
    return *c;
  }
  std::string take(uint64_t id) { return controls_[id]->take(); }
  void gone(uint64_t id) {
    std::erase(list_, clients_[id].get());
    tracking.disable(*clients_[id]);
    clients_.erase(id);
  }

  std::map<uint64_t, std::unique_ptr<ClientState>> clients_;
  std::map<uint64_t, std::unique_ptr<Collecting>> controls_;
  std::vector<ClientState*> list_;
  Tracking tracking{[this](uint64_t id) -> ClientState* {
    auto it = clients_.find(id);
    return it == clients_.end() ? nullptr : it->second.get();
  }};
};

constexpr std::string_view kInvalidateK = ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n";

TEST_F(TrackingTest, AReadKeyIsInvalidatedOnceForEachReader) {
  ClientState& a = client(1);
  ClientState& b = client(2);
  tracking.enable(a, {}, {});
  tracking.enable(b, {}, {});
  const std::vector<std::string_view> keys{"k", "k"};
  tracking.remember_keys(a, keys);
  tracking.remember_keys(b, keys);
  EXPECT_EQ(tracking.total_keys(), 1u);
  EXPECT_EQ(tracking.total_items(), 2u);
  tracking.invalidate_key("k", nullptr);
  EXPECT_EQ(take(1), kInvalidateK);
  EXPECT_EQ(take(2), kInvalidateK);
  // Forgotten once told: a second change says nothing.
  tracking.invalidate_key("k", nullptr);
  EXPECT_EQ(take(1), "");
  EXPECT_EQ(tracking.total_items(), 0u);
}

TEST_F(TrackingTest, Resp2ReachesOnlyASubscribedRedirectClient) {
  ClientState& a = client(1, 2);
  ClientState& r = client(2, 2);
  tracking.enable(a, {}, {});
  std::vector<std::string_view> keys{"k"};
  tracking.remember_keys(a, keys);
  tracking.invalidate_key("k", nullptr);
  EXPECT_EQ(take(1), "");  // RESP2 has no push frames
  tracking.enable(a, {.redirect = 2}, {});
  tracking.remember_keys(a, keys);
  tracking.invalidate_key("k", nullptr);
  EXPECT_EQ(take(2), "");  // not subscribed
  r.subscriptions.channels.emplace("__redis__:invalidate");
  tracking.remember_keys(a, keys);
  tracking.invalidate_key("k", nullptr);
  EXPECT_EQ(take(2), "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n");
  tracking.remember_keys(a, keys);
  tracking.invalidate_all(list_);
  EXPECT_EQ(take(2), "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n");
  EXPECT_EQ(tracking.total_keys(), 0u);
}

TEST_F(TrackingTest, AGoneRedirectClientIsReportedToResp3Clients) {
  ClientState& a = client(1, 3);
  client(9);
  tracking.enable(a, {.redirect = 9}, {});
  gone(9);
  std::vector<std::string_view> keys{"k"};
  tracking.remember_keys(a, keys);
  tracking.invalidate_key("k", nullptr);
  EXPECT_EQ(take(1), ">2\r\n$21\r\ntracking-redir-broken\r\n:9\r\n");
  EXPECT_TRUE(a.tracking.broken_redirect);
}

TEST_F(TrackingTest, OptinNeedsCachingYesAndOptoutIsStoppedByCachingNo) {
  ClientState& in = client(1);
  ClientState& out = client(2);
  tracking.enable(in, {.optin = true}, {});
  tracking.enable(out, {.optout = true}, {});
  std::vector<std::string_view> keys{"k"};
  tracking.remember_keys(in, keys);
  out.tracking.caching = true;
  tracking.remember_keys(out, keys);
  EXPECT_EQ(tracking.total_items(), 0u);
  in.tracking.caching = true;
  out.tracking.caching = false;
  tracking.remember_keys(in, keys);
  tracking.remember_keys(out, keys);
  EXPECT_EQ(tracking.total_items(), 2u);
}

TEST_F(TrackingTest, NoloopSkipsOnlyTheClientsOwnChanges) {
  ClientState& a = client(1);
  ClientState& b = client(2);
  tracking.enable(a, {.noloop = true}, {});
  tracking.enable(b, {}, {});
  std::vector<std::string_view> keys{"k"};
  tracking.remember_keys(a, keys);
  tracking.remember_keys(b, keys);
  tracking.invalidate_key("k", &a);  // a's command changed it
  EXPECT_EQ(take(1), "");
  EXPECT_EQ(take(2), kInvalidateK);
}

TEST_F(TrackingTest, AnInvalidationCausedByTheClientsOwnCommandFollowsItsReply) {
  ClientState& b = client(2);
  tracking.enable(b, {}, {});
  std::vector<std::string_view> keys{"k"};
  tracking.remember_keys(b, keys);
  b.executing = 1;  // b's own command changes the key
  tracking.invalidate_key("k", &b);
  EXPECT_EQ(take(2), "");
  EXPECT_EQ(b.deferred_output, kInvalidateK);
}

TEST_F(TrackingTest, AResp2ClientRedirectingToItselfGetsMessagesWhenSubscribed) {
  ClientState& a = client(1, 2);
  a.subscriptions.channels.emplace("__redis__:invalidate");
  tracking.enable(a, {.redirect = 1, .bcast = true}, {});
  tracking.invalidate_key("k", nullptr);
  tracking.broadcast();
  EXPECT_EQ(take(1), "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n");
}

TEST_F(TrackingTest, ExpiryAndEvictionReachNoloopBroadcastClients) {
  ClientState& b = client(2);
  tracking.enable(b, {.bcast = true, .noloop = true}, {});
  tracking.invalidate_key("mine", &b);
  tracking.invalidate_key("expired", &b, true, false);
  tracking.broadcast();
  EXPECT_EQ(take(2), ">2\r\n$10\r\ninvalidate\r\n*1\r\n$7\r\nexpired\r\n");
}

TEST_F(TrackingTest, BroadcastSendsEachPrefixsKeysInOrderOnce) {
  ClientState& a = client(1);
  ClientState& b = client(2);
  int scheduled = 0;
  tracking.schedule_broadcast = [&] { ++scheduled; };
  const std::vector<std::string_view> prefixes{"user:", "obj:"};
  ASSERT_EQ(Tracking::check_enable(a, {.bcast = true}, prefixes), "");
  tracking.enable(a, {.bcast = true}, prefixes);
  tracking.enable(b, {.bcast = true, .noloop = true}, {});
  EXPECT_EQ(tracking.total_prefixes(), 3u);  // "", "obj:", "user:"
  tracking.invalidate_key("user:2", nullptr);
  tracking.invalidate_key("obj:1", &b);
  tracking.invalidate_key("user:1", nullptr);
  tracking.invalidate_key("user:2", nullptr);
  tracking.invalidate_key("x", &b);
  EXPECT_EQ(scheduled, 1);
  EXPECT_EQ(take(1), "");
  tracking.broadcast();
  EXPECT_EQ(take(1),
            ">2\r\n$10\r\ninvalidate\r\n*1\r\n$5\r\nobj:1\r\n"
            ">2\r\n$10\r\ninvalidate\r\n*2\r\n$6\r\nuser:1\r\n$6\r\nuser:2\r\n");
  // b (NOLOOP, prefix "") is not told of obj:1 and x, its own changes.
  EXPECT_EQ(take(2), ">2\r\n$10\r\ninvalidate\r\n*2\r\n$6\r\nuser:1\r\n$6\r\nuser:2\r\n");
  tracking.broadcast();
  EXPECT_EQ(take(1), "");
  tracking.disable(a);
  tracking.disable(b);
  EXPECT_EQ(tracking.total_prefixes(), 0u);
  EXPECT_EQ(tracking.clients(), 0u);
}

TEST_F(TrackingTest, EnableChecksFollowRedisOrder) {
  ClientState& a = client(1);
  EXPECT_EQ(Tracking::check_enable(a, {}, std::vector<std::string_view>{"p"}),
            "ERR PREFIX option requires BCAST mode to be enabled");
  EXPECT_EQ(Tracking::check_enable(a, {.bcast = true, .optin = true}, {}),
            "ERR OPTIN and OPTOUT are not compatible with BCAST");
  EXPECT_EQ(Tracking::check_enable(a, {.optin = true, .optout = true}, {}),
            "ERR You can't specify both OPTIN mode and OPTOUT mode");
  const std::vector<std::string_view> overlapping{"ab", "a"};
  EXPECT_EQ(Tracking::check_enable(a, {.bcast = true}, overlapping),
            "ERR Prefix 'ab' overlaps with another provided prefix 'a'. Prefixes for a single client must not overlap.");
  const std::vector<std::string_view> one{"ab"};
  tracking.enable(a, {.bcast = true}, one);
  const std::vector<std::string_view> longer{"abc"};
  EXPECT_EQ(Tracking::check_enable(a, {.bcast = true}, longer),
            "ERR Prefix 'abc' overlaps with an existing prefix 'ab'. Prefixes for a single client must not overlap.");
  EXPECT_NE(Tracking::check_enable(a, {}, {}).find("switch BCAST"), std::string::npos);
}

TEST_F(TrackingTest, TheTableLimitInvalidatesKeysUntilUnderIt) {
  ClientState& a = client(1);
  tracking.enable(a, {}, {});
  std::vector<std::string> names;
  for (int i = 0; i < 50; ++i) names.push_back("key" + std::to_string(i));
  std::vector<std::string_view> keys(names.begin(), names.end());
  tracking.remember_keys(a, keys);
  tracking.limit_table(0);  // no limit
  EXPECT_EQ(tracking.total_keys(), 50u);
  tracking.limit_table(10);
  EXPECT_EQ(tracking.total_keys(), 10u);
  size_t messages = 0;
  const std::string out = take(1);
  for (size_t at = out.find("invalidate"); at != std::string::npos; at = out.find("invalidate", at + 1)) ++messages;
  EXPECT_EQ(messages, 40u);
}

TEST_F(TrackingTest, ClientsThatStoppedOrSwitchedToBcastAreNotTold) {
  ClientState& a = client(1);
  tracking.enable(a, {}, {});
  std::vector<std::string_view> keys{"k"};
  tracking.remember_keys(a, keys);
  tracking.disable(a);
  tracking.enable(a, {.bcast = true}, std::vector<std::string_view>{"zzz"});
  tracking.invalidate_key("k", nullptr);
  tracking.broadcast();
  EXPECT_EQ(take(1), "");
}

}  // namespace
}  // namespace arbor::core

// Micro benchmarks of the keyspace and of whole commands run through the
// dispatcher (no sockets): what one GET or SET costs the event loop.
#include <benchmark/benchmark.h>

#include <malloc.h>

#include <string>
#include <vector>

#include "protocol/reply_writer.h"
#include "server/core/command_table.h"
#include "server/core/config.h"
#include "server/core/dispatcher.h"
#include "server/core/instance.h"
#include "server/keyspace/database.h"

namespace {

using arbor::keyspace::Database;

std::vector<std::string> make_keys(size_t n) {
  std::vector<std::string> keys;
  keys.reserve(n);
  for (size_t i = 0; i < n; ++i) keys.push_back("key:" + std::to_string(i));
  return keys;
}

void BM_DatabaseSet(benchmark::State& state) {
  const auto keys = make_keys(static_cast<size_t>(state.range(0)));
  Database db(0);
  size_t i = 0;
  for (auto _ : state) {
    db.set_string(keys[i], "xyz", false);
    if (++i == keys.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DatabaseSet)->Arg(1000)->Arg(1000000);

void BM_DatabaseGet(benchmark::State& state) {
  const auto keys = make_keys(static_cast<size_t>(state.range(0)));
  Database db(0);
  for (const auto& k : keys) db.set_string(k, "xyz", false);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(db.find(keys[i], 0));
    if (++i == keys.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DatabaseGet)->Arg(1000)->Arg(1000000);

// Heap bytes per small string key (key:N -> 3-byte value), all overheads
// included: entry, bucket array, allocator headers.
void BM_MemoryPerKey(benchmark::State& state) {
  const auto keys = make_keys(1000000);
  for (auto _ : state) {
    const size_t before = mallinfo2().uordblks;
    {
      Database db(0);
      for (const auto& k : keys) db.set_string(k, "xyz", false);
      state.counters["bytes_per_key"] =
          static_cast<double>(mallinfo2().uordblks - before) / static_cast<double>(keys.size());
    }
  }
}
BENCHMARK(BM_MemoryPerKey)->Iterations(1)->Unit(benchmark::kMillisecond);

// A whole command through the dispatcher: lookup, arity, handler, reply.
class DispatchFixture : public benchmark::Fixture {
 public:
  DispatchFixture() : instance(config, table), dispatcher(instance) {
    arbor::core::register_all_commands(table);
    client.authenticated = true;
  }
  arbor::core::Config config;
  arbor::core::CommandTable table;
  arbor::core::Instance instance;
  arbor::core::Dispatcher dispatcher;
  arbor::core::ClientState client;
};

BENCHMARK_F(DispatchFixture, SetThenGet)(benchmark::State& state) {
  std::string out;
  arbor::protocol::ReplyWriter writer(out);
  const std::vector<std::string_view> set{"SET", "key:1234", "value"};
  const std::vector<std::string_view> get{"GET", "key:1234"};
  for (auto _ : state) {
    dispatcher.execute(client, set, writer);
    dispatcher.execute(client, get, writer);
    out.clear();
  }
  state.SetItemsProcessed(state.iterations() * 2);
}

}  // namespace

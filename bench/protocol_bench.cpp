// Micro benchmarks for protocol/: request parsing throughput on a pipelined
// multibulk stream (what redis-benchmark -P sends) and reply encoding of the
// hot reply types. Run: ./protocol_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "protocol/reply_writer.h"
#include "protocol/request_parser.h"

namespace {

using arbor::protocol::ReplyWriter;
using arbor::protocol::RequestParser;

// Appends piece by piece: GCC 12 -O2 raises a false -Wrestrict on
// `"*" + std::to_string(n)` chains.
void append_command(std::string& out, const std::vector<std::string>& args) {
  out.append("*").append(std::to_string(args.size())).append("\r\n");
  for (const auto& a : args) out.append("$").append(std::to_string(a.size())).append("\r\n").append(a).append("\r\n");
}

// 1000 x (SET key:NNNN value, GET key:NNNN), as one pipelined buffer.
std::string set_get_stream() {
  std::string stream;
  char key[16];
  for (int i = 0; i < 1000; ++i) {
    std::snprintf(key, sizeof(key), "key:%04d", i);
    append_command(stream, {"SET", key, "value"});
    append_command(stream, {"GET", key});
  }
  return stream;
}

void BM_ParsePipelinedSetGet(benchmark::State& state) {
  const std::string stream = set_get_stream();
  RequestParser parser;
  std::vector<std::string_view> args;
  size_t commands = 0;
  for (auto _ : state) {
    std::string_view rest = stream;
    while (!rest.empty()) {
      auto r = parser.parse(rest, args);
      if (r.status != RequestParser::Status::kCommand) {
        state.SkipWithError("unexpected parse status");
        return;
      }
      benchmark::DoNotOptimize(args.data());
      rest.remove_prefix(r.consumed);
      ++commands;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stream.size()));
  state.SetItemsProcessed(static_cast<int64_t>(commands));
}
BENCHMARK(BM_ParsePipelinedSetGet);

// The same stream in inline form ("SET key:0001 value\r\n").
void BM_ParsePipelinedInline(benchmark::State& state) {
  std::string stream;
  char line[64];
  for (int i = 0; i < 1000; ++i) {
    stream.append(line, static_cast<size_t>(std::snprintf(line, sizeof(line), "SET key:%04d value\r\n", i)));
    stream.append(line, static_cast<size_t>(std::snprintf(line, sizeof(line), "GET key:%04d\r\n", i)));
  }
  RequestParser parser;
  std::vector<std::string_view> args;
  for (auto _ : state) {
    std::string_view rest = stream;
    while (!rest.empty()) {
      auto r = parser.parse(rest, args);
      benchmark::DoNotOptimize(args.data());
      rest.remove_prefix(r.consumed);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stream.size()));
}
BENCHMARK(BM_ParsePipelinedInline);

// One 1 MB bulk arriving in 16 KB reads: checks that resuming costs O(1) per read.
void BM_ParseLargeBulkInChunks(benchmark::State& state) {
  const size_t size = 1 << 20;
  std::string stream;
  append_command(stream, {"SET", "k", std::string(size, 'v')});
  RequestParser parser;
  std::vector<std::string_view> args;
  int64_t calls = 0;
  for (auto _ : state) {
    for (size_t have = 16384;; have += 16384) {
      ++calls;
      auto r = parser.parse(std::string_view(stream).substr(0, std::min(have, stream.size())), args);
      if (r.status == RequestParser::Status::kCommand) break;
    }
  }
  // Bytes are not touched (zero copy), so report parse calls: each one is
  // O(1) when the parser resumes instead of rescanning the bulk.
  state.SetItemsProcessed(calls);
}
BENCHMARK(BM_ParseLargeBulkInChunks);

template <typename Fn>
void run_writer(benchmark::State& state, Fn fn) {
  std::string out;
  out.reserve(1 << 16);
  size_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    ReplyWriter w(out);
    for (int i = 0; i < 1000; ++i) fn(w, i);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 1000));
}

void BM_WriteBulk(benchmark::State& state) {
  run_writer(state, [](ReplyWriter& w, int) { w.bulk("value"); });
}
BENCHMARK(BM_WriteBulk);

void BM_WriteBulk1K(benchmark::State& state) {
  const std::string value(1024, 'x');
  run_writer(state, [&](ReplyWriter& w, int) { w.bulk(value); });
}
BENCHMARK(BM_WriteBulk1K);

void BM_WriteInteger(benchmark::State& state) {
  run_writer(state, [](ReplyWriter& w, int i) { w.integer(int64_t{i} * 1000003); });
}
BENCHMARK(BM_WriteInteger);

void BM_WriteArrayOfBulks(benchmark::State& state) {
  run_writer(state, [](ReplyWriter& w, int) {
    w.array(3);
    w.bulk("field");
    w.bulk("value");
    w.integer(42);
  });
}
BENCHMARK(BM_WriteArrayOfBulks);

}  // namespace

BENCHMARK_MAIN();

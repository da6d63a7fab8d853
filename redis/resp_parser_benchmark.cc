// Parser and reply-writer throughput on the server's common case: a pipelined batch of 16
// "SET key:NNNNNN <16-byte value>" and 16 "GET key:NNNNNN".
//
//   tools/bazelw run -c opt //redis:resp_parser_benchmark
//
// Counters: time_per_cmd (seconds per parsed command: "32n" is 32 ns) and allocs_per_cmd
// (operator new calls per command, counted by the replacement below; 0 is the goal:
// arguments are views into the buffer and the CommandArgs vector is reused, so only the
// first iteration allocates, and the average is a few 1e-7).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>

#include "net/byte_buffer.h"
#include "redis/reply_writer.h"
#include "redis/resp_parser.h"

namespace {
size_t g_allocations = 0;  // benchmarks run on one thread
}  // namespace

// The replacements pair malloc with free; GCC cannot see that once they are inlined
// into a new-expression and warns of a mismatch that is not there.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace corio::redis {
namespace {

constexpr int kCommands = 32;

std::string Key(int i) {
  char key[16];
  std::snprintf(key, sizeof(key), "key:%06d", i + 1);
  return key;
}

std::string Bulk(const std::string& s) {
  return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}

std::string MultibulkBatch() {
  std::string batch;
  for (int i = 0; i < 16; ++i) {
    batch += "*3\r\n" + Bulk("SET") + Bulk(Key(i)) + Bulk("0123456789abcdef");
  }
  for (int i = 0; i < 16; ++i) batch += "*2\r\n" + Bulk("GET") + Bulk(Key(i));
  return batch;
}

std::string InlineBatch() {
  std::string batch;
  for (int i = 0; i < 16; ++i) batch += "SET " + Key(i) + " 0123456789abcdef\r\n";
  for (int i = 0; i < 16; ++i) batch += "GET " + Key(i) + "\r\n";
  return batch;
}

void ParseBatch(benchmark::State& state, const std::string& batch) {
  RequestParser parser;
  CommandArgs args;
  size_t allocations = 0;
  for (auto _ : state) {
    size_t before = g_allocations;
    std::string_view rest = batch;
    int parsed = 0;
    while (!rest.empty()) {
      ParseResult r = parser.parse(rest, args);
      if (r.status != ParseStatus::kComplete) std::abort();
      benchmark::DoNotOptimize(args[args.size() - 1].data());
      rest.remove_prefix(r.consumed);
      ++parsed;
    }
    if (parsed != kCommands) std::abort();
    allocations += g_allocations - before;
  }
  const double commands = static_cast<double>(state.iterations()) * kCommands;
  state.SetItemsProcessed(static_cast<int64_t>(commands));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * batch.size()));
  state.counters["time_per_cmd"] = benchmark::Counter(
      commands, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["allocs_per_cmd"] = static_cast<double>(allocations) / commands;
}

void BM_ParseMultibulkSetGet(benchmark::State& state) { ParseBatch(state, MultibulkBatch()); }
BENCHMARK(BM_ParseMultibulkSetGet);

void BM_ParseInlineSetGet(benchmark::State& state) { ParseBatch(state, InlineBatch()); }
BENCHMARK(BM_ParseInlineSetGet);

// The same batch arriving in 7-byte reads: every command is resumed several times.
void BM_ParseMultibulkSetGetIn7ByteReads(benchmark::State& state) {
  const std::string batch = MultibulkBatch();
  RequestParser parser;
  CommandArgs args;
  size_t allocations = 0;
  for (auto _ : state) {
    size_t before = g_allocations;
    size_t start = 0, available = 0;
    int parsed = 0;
    while (start < batch.size()) {
      available = std::min(batch.size(), available + 7);
      for (;;) {
        std::string_view arrived = std::string_view(batch).substr(start, available - start);
        ParseResult r = parser.parse(arrived, args);
        if (r.status != ParseStatus::kComplete) break;
        start += r.consumed;
        ++parsed;
      }
    }
    if (parsed != kCommands) std::abort();
    allocations += g_allocations - before;
  }
  const double commands = static_cast<double>(state.iterations()) * kCommands;
  state.SetItemsProcessed(static_cast<int64_t>(commands));
  state.counters["time_per_cmd"] = benchmark::Counter(
      commands, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["allocs_per_cmd"] = static_cast<double>(allocations) / commands;
}
BENCHMARK(BM_ParseMultibulkSetGetIn7ByteReads);

// The replies to that batch: 16 +OK and 16 bulk values, into a reused output buffer.
void BM_WriteSetGetReplies(benchmark::State& state) {
  net::ByteBuffer out;
  size_t allocations = 0;
  for (auto _ : state) {
    size_t before = g_allocations;
    ReplyWriter w(out, 2);
    for (int i = 0; i < 16; ++i) w.simple("OK");
    for (int i = 0; i < 16; ++i) w.bulk("0123456789abcdef");
    benchmark::DoNotOptimize(out.readable().data());
    out.consume(out.size());
    allocations += g_allocations - before;
  }
  const double replies = static_cast<double>(state.iterations()) * kCommands;
  state.SetItemsProcessed(static_cast<int64_t>(replies));
  state.counters["time_per_reply"] = benchmark::Counter(
      replies, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["allocs_per_reply"] = static_cast<double>(allocations) / replies;
}
BENCHMARK(BM_WriteSetGetReplies);

// Client side: the same 32 replies parsed into Frames.
void BM_ParseReplyFrames(benchmark::State& state) {
  std::string replies;
  for (int i = 0; i < 16; ++i) replies += "+OK\r\n";
  for (int i = 0; i < 16; ++i) replies += "$16\r\n0123456789abcdef\r\n";
  FrameParser parser;
  for (auto _ : state) {
    std::string_view rest = replies;
    while (!rest.empty()) {
      FrameParser::Result r = parser.parse(rest);
      if (r.status != ParseStatus::kComplete) std::abort();
      benchmark::DoNotOptimize(r.frame);
      rest.remove_prefix(r.consumed);
    }
  }
  const double frames = static_cast<double>(state.iterations()) * kCommands;
  state.SetItemsProcessed(static_cast<int64_t>(frames));
  state.counters["time_per_frame"] = benchmark::Counter(
      frames, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ParseReplyFrames);

}  // namespace
}  // namespace corio::redis

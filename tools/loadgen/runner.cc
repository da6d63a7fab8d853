#include "tools/loadgen/runner.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace corio::loadgen {
namespace {

using namespace std::chrono_literals;

// How often the reporter looks at the interrupt flag and the threads between seconds.
constexpr auto kPollPeriod = 50ms;

double secs_between(Instant a, Instant b) { return std::chrono::duration<double>(b - a).count(); }

}  // namespace

RunResult run_load(const LoadgenConfig& config, const Workload& workload,
                   const net::SocketAddr& address,
                   const std::function<void(const Progress&)>& on_second,
                   const std::atomic<bool>* interrupt) {
  RunPlan plan;
  plan.config = &config;
  plan.workload = &workload;
  plan.address = address;
  plan.start = Clock::now();
  if (config.duration_secs > 0) {
    plan.deadline = plan.start + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(config.duration_secs));
  }

  const int n = config.threads;
  std::vector<std::unique_ptr<ThreadSlot>> slots;
  std::vector<std::unique_ptr<LoadThread>> load_threads;
  int first = 0;
  for (int i = 0; i < n; ++i) {
    int conns = config.connections / n + (i < config.connections % n ? 1 : 0);
    uint64_t budget = UINT64_MAX;
    if (config.requests > 0) {
      budget = config.requests / n + (static_cast<uint64_t>(i) < config.requests % n ? 1 : 0);
    }
    slots.push_back(std::make_unique<ThreadSlot>());
    load_threads.push_back(std::make_unique<LoadThread>(plan, *slots.back(), first, conns, budget));
    first += conns;
  }
  std::vector<std::thread> threads;
  for (auto& t : load_threads) threads.emplace_back([lt = t.get()] { lt->run(); });

  RunResult result;
  LatencyHistogram interval_latency;
  Tally interval;
  Instant last_reply{};
  int live = 0;
  // Moves what the threads published since the last call into `interval`.
  auto collect = [&] {
    live = 0;
    result.gave_up = 0;
    for (auto& slot : slots) {
      std::lock_guard<std::mutex> lock(slot->mu);
      interval_latency.merge(slot->latency);
      slot->latency.reset();
      interval.add(slot->tally);
      slot->tally = Tally{};
      if (result.first_error.empty()) result.first_error = slot->first_error;
      if (slot->last_reply > last_reply) last_reply = slot->last_reply;
      live += slot->live_connections;
      result.gave_up += slot->gave_up;
    }
    result.tally.add(interval);
    result.latency.merge(interval_latency);
  };
  auto report = [&](Instant last_tick, Instant now, bool final) {
    Progress p;
    p.elapsed_secs = secs_between(plan.start, now);
    p.interval_secs = secs_between(last_tick, now);
    p.interval = interval;
    p.total = result.tally;
    p.interval_latency = &interval_latency;
    p.live_connections = final ? 0 : live;
    p.final = final;
    if (on_second) on_second(p);
    interval = Tally{};
    interval_latency.reset();
  };

  Instant last_tick = plan.start;
  Instant next_tick = plan.start + 1s;
  for (;;) {
    // Ordering: relaxed; set by a signal handler, polled.
    if (interrupt != nullptr && !result.interrupted && interrupt->load(std::memory_order_relaxed)) {
      result.interrupted = true;
      plan.stop.store(true, std::memory_order_relaxed);
    }
    bool all_finished = true;
    for (auto& slot : slots) {
      std::lock_guard<std::mutex> lock(slot->mu);
      all_finished = all_finished && slot->finished;
    }
    if (all_finished) {
      for (auto& t : threads) t.join();
      collect();  // what the threads published as they finished
      Instant end = Clock::now();
      // Throughput over the time requests were being answered: up to the last reply.
      result.secs = secs_between(plan.start, result.tally.requests > 0 ? last_reply : end);
      report(last_tick, end, /*final=*/true);
      break;
    }
    Instant now = Clock::now();
    if (now >= next_tick) {
      collect();
      report(last_tick, now, /*final=*/false);
      last_tick = now;
      while (next_tick <= now) next_tick += 1s;
    }
    std::this_thread::sleep_for(std::min<Clock::duration>(kPollPeriod, next_tick - Clock::now()));
  }
  // Ordering: relaxed; every thread has been joined.
  result.failed_fast = plan.failed_fast.load(std::memory_order_relaxed);
  result.incomplete = result.gave_up == config.connections;
  return result;
}

}  // namespace corio::loadgen

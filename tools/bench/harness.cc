#include "tools/bench/harness.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace corio::bench {

bool Options::wants(const std::string& name) const {
  if (filters.empty()) return true;
  return std::any_of(filters.begin(), filters.end(),
                     [&](const std::string& f) { return name.find(f) != std::string::npos; });
}

double process_cpu_secs() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto secs = [](timeval tv) { return tv.tv_sec + tv.tv_usec * 1e-6; };
  return secs(usage.ru_utime) + secs(usage.ru_stime);
}

uint64_t rss_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

void run_and_report(const Options& options, const std::string& name, const std::string& unit,
                    const std::function<uint64_t()>& workload) {
  for (int i = 0; i < options.warmup; ++i) workload();
  std::vector<double> walls, cpus;
  uint64_t ops = 0;
  for (int i = 0; i < options.reps; ++i) {
    double cpu0 = process_cpu_secs();
    auto t0 = std::chrono::steady_clock::now();
    ops = workload();
    walls.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    cpus.push_back(process_cpu_secs() - cpu0);
  }
  std::vector<double> sorted = walls;
  std::sort(sorted.begin(), sorted.end());
  std::sort(cpus.begin(), cpus.end());
  double best = sorted.front();
  double median = sorted[sorted.size() / 2];
  std::string line = absl::StrCat(
      "{\"peer\":\"ours\",\"bench\":\"", name, "\",\"unit\":\"", unit, "\",\"ops\":", ops,
      ",\"secs\":", absl::StrFormat("%.6f", best), ",\"ops_per_sec\":",
      absl::StrFormat("%.1f", ops / best), ",\"median_secs\":", absl::StrFormat("%.6f", median),
      ",\"median_ops_per_sec\":", absl::StrFormat("%.1f", ops / median),
      ",\"cpu_secs\":", absl::StrFormat("%.6f", cpus[cpus.size() / 2]), ",\"reps_secs\":[",
      absl::StrJoin(walls, ",", [](std::string* out, double w) {
        absl::StrAppend(out, absl::StrFormat("%.6f", w));
      }),
      "],\"workers\":2}");
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

}  // namespace corio::bench

#include "tools/loadgen/connection.h"

#include <optional>

#include <cerrno>
#include <memory>
#include <span>
#include <vector>

#include "net/byte_buffer.h"
#include "net/net_error.h"
#include "net/stream.h"
#include "net/tcp.h"
#include "net/unix.h"
#include "runtime/combinators.h"
#include "runtime/time/sleep.h"
#include "runtime/time/timeout.h"
#include "tools/loadgen/due_timer.h"
#include "tools/loadgen/key_chooser.h"

namespace corio::loadgen {
namespace {

using namespace std::chrono_literals;

constexpr auto kConnectTimeout = 5s;
constexpr auto kFirstBackoff = 10ms;
constexpr auto kMaxBackoff = 1000ms;
// Bytes asked of each read(2): replies are counted and dropped, so one buffer serves all.
constexpr size_t kReadChunk = 64 * 1024;

uint64_t nanos(Clock::duration d) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  return ns < 0 ? 0 : static_cast<uint64_t>(ns);
}

bool would_block(const absl::Status& s) {
  int e = net::errno_of(s);
  return e == EAGAIN || e == EWOULDBLOCK;
}

// The per-connection state that survives reconnects.
struct ConnectionState {
  ConnectionState(const LoadThread& thread, int index)
      : keys(thread.config().key_pattern, thread.workload().keyspace(),
             thread.config().zipf_exponent,
             // A distinct, repeatable stream of keys per connection.
             thread.config().seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(index) + 1,
             // Sequential keys: each connection starts at its own slice of the keyspace.
             thread.workload().keyspace() / static_cast<uint64_t>(thread.config().connections) *
                 static_cast<uint64_t>(index)),
        cycle_position(static_cast<size_t>(index) % thread.workload().cycle_length()),
        pipeline(static_cast<size_t>(thread.config().pipeline)),
        out(new char[pipeline * thread.workload().max_request_size()]) {}

  KeyChooser keys;
  size_t cycle_position;
  size_t pipeline;
  std::unique_ptr<char[]> out;
  net::ByteBuffer in;
  ReplyScanner scanner;
  uint64_t outstanding = 0;  // requests sent and not answered
};

Task<absl::StatusOr<net::Stream>> connect(const LoadThread& thread) {
  const LoadgenConfig& c = thread.config();
  if (!c.socket.empty()) {
    auto attempt = time::timeout(kConnectTimeout, net::UnixStream::connect(c.socket));
    auto r = co_await attempt;
    if (!r.ok()) co_return r.status();
    if (!r->ok()) co_return r->status();
    co_return net::Stream(**std::move(r));
  }
  auto attempt =
      net::TcpStream::connect_timeout(thread.plan().address.to_string(), kConnectTimeout);
  auto r = co_await attempt;
  if (!r.ok()) co_return r.status();
  co_return net::Stream(*std::move(r));
}

// The batch in st.out, whole.
net::WriteAllFuture write_out(net::Stream& stream, const ConnectionState& st, size_t bytes) {
  return stream.write_all(
      std::span<const std::byte>(reinterpret_cast<const std::byte*>(st.out.get()), bytes));
}

// Reads what is there and counts the replies in it into *counts (none when the readiness
// was stale and nothing was there after all).
absl::Status read_replies(net::Stream& stream, ConnectionState& st, ReplyScanner::Counts* counts) {
  auto n = stream.try_read_buf(st.in, kReadChunk);
  if (!n.ok()) return would_block(n.status()) ? absl::OkStatus() : n.status();
  if (*n == 0) return absl::UnavailableError("the server closed the connection");
  bool ok = st.scanner.feed(st.in.readable_view(), counts);
  st.in.consume(st.in.size());
  if (!ok) return absl::DataLossError("reply violates RESP");
  if (counts->replies > st.outstanding) {
    return absl::DataLossError("more replies than requests");
  }
  return absl::OkStatus();
}

// Closed loop: a batch of `pipeline` requests, all its replies, the next batch.
Task<absl::Status> closed_loop(LoadThread& thread, net::Stream& stream, ConnectionState& st) {
  const Workload& workload = thread.workload();
  const bool batch_latency = thread.config().batch_latency;
  for (;;) {
    Instant sent = Clock::now();
    if (thread.stopping(sent)) co_return absl::OkStatus();
    uint64_t n = thread.claim(st.pipeline);
    if (n == 0) co_return absl::OkStatus();
    size_t bytes = workload.write_batch(st.out.get(), n, &st.cycle_position, st.keys);
    st.outstanding = n;
    auto write = write_out(stream, st, bytes);
    absl::Status written = co_await write;
    if (!written.ok()) co_return written;
    std::optional<uint64_t> first_reply_latency;  // --batch_latency
    while (st.outstanding > 0) {
      // The reply cannot be there yet right after the write (and a short read cleared
      // the readiness): wait for the reactor before reading.
      auto readable = stream.readable();
      co_await readable;
      // --batch_latency only (a clock read per wake otherwise wasted): the time of this
      // read event, taken before reading, until one has brought the batch's first reply.
      std::optional<Instant> woke;
      if (batch_latency && !first_reply_latency) woke = Clock::now();
      ReplyScanner::Counts counts;
      absl::Status r = read_replies(stream, st, &counts);
      if (!r.ok()) co_return r;
      if (counts.replies == 0) continue;
      Instant at = Clock::now();
      st.outstanding -= counts.replies;
      if (woke) first_reply_latency = nanos(*woke - sent);
      // As redis-benchmark with --batch_latency: the batch's first read event stands for
      // every reply of the batch.
      uint64_t latency = batch_latency ? *first_reply_latency : nanos(at - sent);
      thread.record_batch(latency, counts, at, st.scanner);
    }
  }
}

// Open loop: the schedule of one connection, `interval` apart from `first_due`.
struct Schedule {
  Instant first_due;
  double interval_ns;
  uint64_t next = 0;  // index of the next request to send
  Instant due(uint64_t k) const {
    return first_due +
           std::chrono::nanoseconds(static_cast<int64_t>(interval_ns * static_cast<double>(k)));
  }
  Instant next_due() const { return due(next); }
};

// The intended send times of the requests outstanding on the connection, oldest first.
class DueRing {
 public:
  explicit DueRing(size_t capacity) : slots_(capacity) {}
  size_t size() const { return size_; }
  bool full() const { return size_ == slots_.size(); }
  void push(Instant t) {
    slots_[(head_ + size_) % slots_.size()] = t;
    ++size_;
  }
  Instant pop() {
    Instant t = slots_[head_];
    head_ = (head_ + 1) % slots_.size();
    --size_;
    return t;
  }
  void clear() { head_ = size_ = 0; }

 private:
  std::vector<Instant> slots_;
  size_t head_ = 0;
  size_t size_ = 0;
};

Task<absl::Status> open_loop(LoadThread& thread, net::Stream& stream, ConnectionState& st,
                             Schedule& schedule, DueRing& due, DueTimer& timer) {
  const Workload& workload = thread.workload();
  bool spent = false;
  for (;;) {
    Instant now = Clock::now();
    bool stopping = thread.stopping(now);
    // Send every request that is due, up to the cap on outstanding ones, in one write.
    size_t bytes = 0;
    while (!stopping && !spent && !due.full() && schedule.next_due() <= now) {
      if (thread.claim(1) == 0) {
        spent = true;
        break;
      }
      bytes += workload.write_batch(st.out.get() + bytes, 1, &st.cycle_position, st.keys);
      due.push(schedule.next_due());
      ++schedule.next;
    }
    st.outstanding = due.size();
    if (bytes > 0) {
      auto write = write_out(stream, st, bytes);
      absl::Status written = co_await write;
      if (!written.ok()) co_return written;
    }
    if (due.size() == 0) {
      if (stopping || spent) co_return absl::OkStatus();
      timer.arm(schedule.next_due());
      auto wait = timer.wait();
      (void)co_await wait;
      continue;
    }
    if (!stopping && !spent && !due.full()) {
      // Replies or the next due request, whichever comes first.
      timer.arm(schedule.next_due());
      auto either = select(stream.readable(), timer.wait());
      auto which = co_await either;
      if (which.index() == 1) continue;
    } else {
      auto readable = stream.readable();
      co_await readable;
    }
    ReplyScanner::Counts counts;
    absl::Status r = read_replies(stream, st, &counts);
    if (!r.ok()) co_return r;
    if (counts.replies == 0) continue;
    Instant at = Clock::now();
    for (uint64_t i = 0; i < counts.replies; ++i) thread.record_one(nanos(at - due.pop()));
    st.outstanding = due.size();
    thread.count_replies(counts, at, st.scanner);
  }
}

}  // namespace

Task<void> run_connection(LoadThread& thread, int index) {
  const LoadgenConfig& config = thread.config();
  ConnectionState st(thread, index);
  std::optional<Schedule> schedule;
  std::optional<DueRing> due;
  std::optional<DueTimer> timer;
  if (config.rate > 0) {
    // Each connection sends every connections/rate seconds; their phases are staggered
    // so that the total is evenly spaced.
    double interval_ns = 1e9 * config.connections / config.rate;
    auto phase =
        std::chrono::nanoseconds(static_cast<int64_t>(interval_ns * index / config.connections));
    schedule.emplace(Schedule{thread.plan().start + phase, interval_ns});
    due.emplace(st.pipeline);
    auto t = DueTimer::create();
    if (!t.ok()) {
      thread.connect_failed(t.status());
      thread.gave_up();
      co_return;
    }
    timer.emplace(*std::move(t));
  }
  int failures = 0;
  Clock::duration backoff = kFirstBackoff;
  for (;;) {
    if (thread.stopping(Clock::now()) || thread.budget_spent()) break;
    auto connecting = connect(thread);
    auto stream = co_await connecting;
    if (!stream.ok()) {
      thread.connect_failed(stream.status());
      if (++failures > config.reconnect_attempts) {
        thread.gave_up();
        break;
      }
      // Back off, but not past the end of the run.
      Instant wake = Clock::now() + backoff;
      if (thread.plan().deadline && *thread.plan().deadline < wake) wake = *thread.plan().deadline;
      auto nap = time::sleep_until(wake);
      co_await nap;
      backoff = std::min<Clock::duration>(backoff * 2, kMaxBackoff);
      continue;
    }
    failures = 0;
    backoff = kFirstBackoff;
    st.scanner.reset();
    st.in.consume(st.in.size());
    st.outstanding = 0;
    thread.connection_up();
    absl::Status result;
    if (schedule) {
      auto run = open_loop(thread, *stream, st, *schedule, *due, *timer);
      result = co_await run;
    } else {
      auto run = closed_loop(thread, *stream, st);
      result = co_await run;
    }
    thread.connection_down();
    if (result.ok()) break;  // the run is over for this connection
    thread.connection_lost(result);
    thread.give_back(st.outstanding);
    if (due) due->clear();
    st.outstanding = 0;
  }
}

}  // namespace corio::loadgen

// libFuzzer target for RequestParser and FrameParser. Built and run by tools/fuzz_resp.sh
// (clang, -fsanitize=fuzzer,address,undefined); replayed over seeds by
// //redis:resp_parser_fuzz_replay_test so that it keeps building.
//
// Beyond "no crash, no sanitizer report", it checks properties (a failure aborts):
//   1. Under the default limits, and for inputs shorter than the 64 KB line limit, the
//      requests and frames found do not depend on how the input was split into reads.
//   2. A frame that parses, written back as RESP3, parses to the same frame.
//   3. Consumed byte counts stay inside the input; views stay inside the buffer or the
//      CommandArgs.
// The first input byte picks the mode: tiny limits (to reach every limit path) or the
// defaults, and whether the client counts as unauthenticated.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "redis/frame.h"
#include "redis/resp_parser.h"

namespace {

using corio::redis::CommandArgs;
using corio::redis::Frame;
using corio::redis::FrameParser;
using corio::redis::ParseResult;
using corio::redis::ParseStatus;
using corio::redis::ProtocolLimits;
using corio::redis::RequestParser;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "resp_parser_fuzz: property violated: %s\n", what);
    std::abort();
  }
}

// Everything a connection would see, in order; the last entry says how it ended.
struct Outcome {
  std::vector<std::vector<std::string>> requests;
  std::vector<Frame> frames;
  ParseStatus end = ParseStatus::kIncomplete;
  std::string error;
  bool operator==(const Outcome&) const = default;
};

// Splits `input` into reads whose sizes come from `cuts` (cycled; a size of 0 means "all
// the rest"), copying the buffer to a fresh allocation for every read.
template <typename Step>
Outcome Feed(std::string_view input, std::string_view cuts, Step step) {
  Outcome out;
  std::string buf;
  size_t fed = 0, cut_index = 0;
  while (fed < input.size()) {
    size_t n = input.size() - fed;
    if (!cuts.empty()) {
      size_t c = static_cast<unsigned char>(cuts[cut_index++ % cuts.size()]) % 17;
      if (c != 0) n = std::min(n, c);
    }
    std::string moved = buf;
    moved.append(input.substr(fed, n));
    buf.swap(moved);
    fed += n;
    for (;;) {
      ParseResult r = step(std::string_view(buf), out);
      if (r.status == ParseStatus::kIncomplete) break;
      if (r.status != ParseStatus::kComplete) {
        out.end = r.status;
        out.error = r.error;
        return out;
      }
      Check(r.consumed > 0 && r.consumed <= buf.size(), "consumed within the buffer");
      buf.erase(0, r.consumed);
    }
  }
  return out;
}

Outcome FeedRequests(std::string_view input, std::string_view cuts, const ProtocolLimits& limits,
                     bool auth) {
  RequestParser parser(limits);
  CommandArgs args;
  return Feed(input, cuts, [&](std::string_view buf, Outcome& out) {
    ParseResult r = parser.parse(buf, args, auth);
    if (r.status == ParseStatus::kComplete) {
      std::vector<std::string> req;
      for (std::string_view a : args) {
        bool in_buf = a.data() >= buf.data() && a.data() + a.size() <= buf.data() + r.consumed;
        // Otherwise it is a decoded inline argument, at most as long as the line.
        Check(in_buf || a.size() <= r.consumed, "argument view in bounds");
        req.emplace_back(a);
      }
      out.requests.push_back(std::move(req));
    } else {
      Check(args.empty(), "no arguments unless complete");
    }
    return r;
  });
}

Outcome FeedFrames(std::string_view input, std::string_view cuts, const ProtocolLimits& limits) {
  FrameParser parser(limits);
  return Feed(input, cuts, [&](std::string_view buf, Outcome& out) {
    FrameParser::Result r = parser.parse(buf);
    if (r.status == ParseStatus::kComplete) out.frames.push_back(std::move(r.frame));
    return static_cast<ParseResult>(r);
  });
}

// RESP3 bytes for a frame, written independently of ReplyWriter (which the round-trip
// tests cover) to keep this target's dependencies to the parsers. Simple strings and
// errors cannot carry CR or LF: those become spaces, as ReplyWriter does.
void Write(const Frame& f, std::string& out) {
  auto line = [&](char type, std::string_view s) {
    out.push_back(type);
    for (char c : s) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
    out += "\r\n";
  };
  auto blob = [&](char type, std::string_view s) {
    out += type + std::to_string(s.size()) + "\r\n";
    out.append(s);
    out += "\r\n";
  };
  auto aggregate = [&](char type, size_t n) {
    out += type + std::to_string(n) + "\r\n";
    for (const Frame& e : f.elements()) Write(e, out);
  };
  char num[64];
  switch (f.kind()) {
    case Frame::Kind::kSimple: line('+', f.str()); return;
    case Frame::Kind::kError: line('-', f.str()); return;
    case Frame::Kind::kInteger: out += ":" + std::to_string(f.as_integer()) + "\r\n"; return;
    case Frame::Kind::kBulk: blob('$', f.str()); return;
    case Frame::Kind::kNull: out += "_\r\n"; return;
    case Frame::Kind::kDouble:
      std::snprintf(num, sizeof(num), ",%.17g\r\n", f.as_double());
      out += num;
      return;
    case Frame::Kind::kBoolean: out += f.as_bool() ? "#t\r\n" : "#f\r\n"; return;
    case Frame::Kind::kBigNumber: line('(', f.str()); return;
    case Frame::Kind::kVerbatim: blob('=', f.str()); return;
    case Frame::Kind::kArray: aggregate('*', f.elements().size()); return;
    case Frame::Kind::kSet: aggregate('~', f.elements().size()); return;
    case Frame::Kind::kPush: aggregate('>', f.elements().size()); return;
    case Frame::Kind::kMap: aggregate('%', f.elements().size() / 2); return;
  }
}

// The frame as Write() leaves it: CR/LF in simple strings and errors become spaces.
Frame Normalized(const Frame& f) {
  auto spaced = [](std::string s) {
    for (char& c : s) c = (c == '\r' || c == '\n') ? ' ' : c;
    return s;
  };
  switch (f.kind()) {
    case Frame::Kind::kSimple: return Frame::simple(spaced(f.str()));
    case Frame::Kind::kError: return Frame::error(spaced(f.str()));
    case Frame::Kind::kArray:
    case Frame::Kind::kSet:
    case Frame::Kind::kPush:
    case Frame::Kind::kMap: {
      std::vector<Frame> e;
      for (const Frame& x : f.elements()) e.push_back(Normalized(x));
      if (f.kind() == Frame::Kind::kArray) return Frame::array(std::move(e));
      if (f.kind() == Frame::Kind::kSet) return Frame::set(std::move(e));
      if (f.kind() == Frame::Kind::kPush) return Frame::push(std::move(e));
      return Frame::map(std::move(e));
    }
    default: return f;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const bool tiny = mode & 1;
  const bool auth = mode & 2;
  // The read sizes for the split runs come from the input's own tail, so the fuzzer
  // explores splits too.
  std::string_view cuts = input.substr(input.size() / 2);

  ProtocolLimits limits;
  if (tiny) {
    limits.max_bulk_len = 8;
    limits.max_multibulk_len = 4;
    limits.max_inline_len = 12;
    limits.max_query_buffer = 64;
    limits.max_nesting = 3;
  }

  // Feed() copies its buffer on every read, so byte-by-byte runs only on short inputs.
  const bool compare = !tiny && input.size() <= limits.max_inline_len;
  const bool bytewise = input.size() <= 1024;

  Outcome whole = FeedRequests(input, {}, limits, auth);
  Outcome split = FeedRequests(input, cuts, limits, auth);
  if (compare) Check(whole == split, "requests independent of read sizes");
  if (bytewise) {
    Outcome one = FeedRequests(input, "\x01", limits, auth);
    if (compare) Check(whole == one, "requests independent of read sizes (byte by byte)");
  }

  Outcome frames = FeedFrames(input, {}, limits);
  Outcome frames_split = FeedFrames(input, cuts, limits);
  if (compare) Check(frames == frames_split, "frames independent of read sizes");
  if (bytewise) {
    Outcome one = FeedFrames(input, "\x01", limits);
    if (compare) Check(frames == one, "frames independent of read sizes (byte by byte)");
  }
  for (const Frame& f : frames.frames) {
    std::string bytes;
    Write(f, bytes);
    FrameParser::Result again = corio::redis::ParseFrame(bytes);
    Check(again.status == ParseStatus::kComplete, "a written frame parses");
    Check(again.consumed == bytes.size(), "a written frame is consumed whole");
    Check(again.frame == Normalized(f), "a written frame parses to itself");
  }
  return 0;
}

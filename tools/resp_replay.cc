// resp_replay: what our request parser makes of raw bytes, as a tiny stand-in server, for
// comparing with a real redis-server (tools/resp_diff.py).
//
//   printf '*1\r\n$4\r\nPING\r\n' | resp_replay [--auth] [--chunk=N]
//
// Reads stdin, parses it with RequestParser as if it had arrived in reads of N bytes (all
// at once by default) and writes to stdout the replies a server would send: PING -> +PONG
// (PING x -> $x), ECHO x -> $x, any other non-empty request -> "+OTHER" (any one reply),
// an empty request -> nothing. On a protocol error it writes Redis's error reply and exits
// 2 (the connection is closed); on kQueryBufferFull it exits 3 without a reply; else 0.
// --auth: the client has not authenticated (a password is set).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>

#include "redis/resp_parser.h"

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

void Bulk(std::string& out, std::string_view s) {
  out += "$" + std::to_string(s.size()) + "\r\n";
  out.append(s);
  out += "\r\n";
}

}  // namespace

int main(int argc, char** argv) {
  bool auth = false;
  size_t chunk = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--auth") == 0) {
      auth = true;
    } else if (std::strncmp(argv[i], "--chunk=", 8) == 0) {
      chunk = std::strtoul(argv[i] + 8, nullptr, 10);
    } else {
      std::fprintf(stderr, "usage: resp_replay [--auth] [--chunk=N] < bytes\n");
      return 64;
    }
  }
  std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());

  corio::redis::RequestParser parser;
  corio::redis::CommandArgs args;
  std::string out, buf;
  int status = 0;
  size_t fed = 0;
  while (fed < input.size() && status == 0) {
    size_t n = chunk == 0 ? input.size() : std::min(chunk, input.size() - fed);
    buf.append(input, fed, n);
    fed += n;
    for (;;) {
      corio::redis::ParseResult r = parser.parse(buf, args, auth);
      if (r.status == corio::redis::ParseStatus::kIncomplete) break;
      if (r.status == corio::redis::ParseStatus::kError) {
        out += "-ERR Protocol error: " + r.error + "\r\n";
        status = 2;
        break;
      }
      if (r.status == corio::redis::ParseStatus::kQueryBufferFull) {
        status = 3;
        break;
      }
      if (args.size() == 1 && EqualsIgnoreCase(args[0], "PING")) {
        out += "+PONG\r\n";
      } else if (args.size() == 2 &&
                 (EqualsIgnoreCase(args[0], "PING") || EqualsIgnoreCase(args[0], "ECHO"))) {
        Bulk(out, args[1]);
      } else if (!args.empty()) {
        out += "+OTHER\r\n";
      }
      buf.erase(0, r.consumed);
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return status;
}

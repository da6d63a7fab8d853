// SocketAddr: an IPv4 or IPv6 address with a port (or, for Unix sockets, a path).
//
//   auto addr = SocketAddr::parse("127.0.0.1:6379");   // or "[::1]:6379"
//
// parse() takes numeric addresses only; resolve_blocking() asks the system resolver
// (getaddrinfo) and blocks, so the async connect runs it on the blocking pool.
#pragma once

#include <sys/socket.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace corio::net {

class SocketAddr {
 public:
  SocketAddr() = default;
  SocketAddr(const sockaddr* sa, socklen_t len);

  static absl::StatusOr<SocketAddr> parse(std::string_view host_port);
  static SocketAddr ipv4(uint32_t host_order_ip, uint16_t port);
  static SocketAddr loopback(uint16_t port) { return ipv4(0x7f000001, port); }
  static absl::StatusOr<SocketAddr> unix_path(std::string_view path);
  // Resolves "host:port" (names allowed). Blocks.
  static absl::StatusOr<std::vector<SocketAddr>> resolve_blocking(std::string_view host_port);

  int family() const { return storage_.ss_family; }
  uint16_t port() const;
  std::string to_string() const;  // "127.0.0.1:80", "[::1]:80", "/tmp/sock"

  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  sockaddr* get_mut() { return reinterpret_cast<sockaddr*>(&storage_); }
  socklen_t len() const { return len_; }
  socklen_t* len_mut() { return &len_; }
  static constexpr socklen_t capacity() { return sizeof(sockaddr_storage); }

 private:
  sockaddr_storage storage_{};
  socklen_t len_ = 0;
};

}  // namespace corio::net

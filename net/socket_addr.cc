#include "net/socket_addr.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace corio::net {
namespace {

// Splits "host:port" / "[v6]:port".
absl::Status split_host_port(std::string_view s, std::string& host, uint16_t& port) {
  size_t colon = s.rfind(':');
  if (colon == std::string_view::npos) {
    return absl::InvalidArgumentError("address without a port: " + std::string(s));
  }
  std::string_view h = s.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  uint32_t p;
  if (!absl::SimpleAtoi(absl::string_view(s.data() + colon + 1, s.size() - colon - 1), &p) || p > 65535) {
    return absl::InvalidArgumentError("invalid port in address: " + std::string(s));
  }
  host = std::string(h);
  port = static_cast<uint16_t>(p);
  return absl::OkStatus();
}

}  // namespace

SocketAddr::SocketAddr(const sockaddr* sa, socklen_t len) {
  len_ = std::min<socklen_t>(len, sizeof storage_);
  std::memcpy(&storage_, sa, len_);
}

absl::StatusOr<SocketAddr> SocketAddr::parse(std::string_view host_port) {
  std::string host;
  uint16_t port;
  if (absl::Status s = split_host_port(host_port, host, port); !s.ok()) return s;
  SocketAddr a;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage_);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    a.len_ = sizeof(sockaddr_in);
    return a;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage_);
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    a.len_ = sizeof(sockaddr_in6);
    return a;
  }
  return absl::InvalidArgumentError("not a numeric IP address: " + std::string(host_port));
}

SocketAddr SocketAddr::ipv4(uint32_t host_order_ip, uint16_t port) {
  SocketAddr a;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage_);
  v4->sin_family = AF_INET;
  v4->sin_port = htons(port);
  v4->sin_addr.s_addr = htonl(host_order_ip);
  a.len_ = sizeof(sockaddr_in);
  return a;
}

absl::StatusOr<SocketAddr> SocketAddr::unix_path(std::string_view path) {
  SocketAddr a;
  auto* un = reinterpret_cast<sockaddr_un*>(&a.storage_);
  if (path.size() >= sizeof un->sun_path) {
    return absl::InvalidArgumentError("unix socket path too long: " + std::string(path));
  }
  un->sun_family = AF_UNIX;
  std::memcpy(un->sun_path, path.data(), path.size());
  a.len_ = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
  return a;
}

absl::StatusOr<std::vector<SocketAddr>> SocketAddr::resolve_blocking(std::string_view host_port) {
  std::string host;
  uint16_t port;
  if (absl::Status s = split_host_port(host_port, host, port); !s.ok()) return s;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string service = std::to_string(port);
  int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &res);
  if (rc != 0) {
    return absl::NotFoundError(absl::StrCat("cannot resolve ", host, ": ", gai_strerror(rc)));
  }
  std::vector<SocketAddr> out;
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    out.emplace_back(ai->ai_addr, ai->ai_addrlen);
  }
  freeaddrinfo(res);
  return out;
}

uint16_t SocketAddr::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  if (family() == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  }
  return 0;
}

std::string SocketAddr::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, buf, sizeof buf);
    return absl::StrCat(buf, ":", port());
  }
  if (family() == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, buf,
              sizeof buf);
    return absl::StrCat("[", buf, "]:", port());
  }
  if (family() == AF_UNIX) {
    const auto* un = reinterpret_cast<const sockaddr_un*>(&storage_);
    size_t n = len_ > offsetof(sockaddr_un, sun_path) ? len_ - offsetof(sockaddr_un, sun_path) : 0;
    return std::string(un->sun_path, strnlen(un->sun_path, n));
  }
  return "<unknown address>";
}

}  // namespace corio::net

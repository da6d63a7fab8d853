// CommandBuilder: encodes one client command as a RESP multibulk request, the form every
// Redis server accepts ("*<argc>\r\n" then "$<len>\r\n<bytes>\r\n" per argument).
//
//   std::string bytes = CommandBuilder(3).arg("SET").arg(key).arg(value).take();
//   std::string same = encode_command({"SET", key, value});
//
// The argument count is declared up front because it leads the encoding; take() checks
// that exactly that many arguments were added (std::logic_error otherwise: a bug in the
// caller). Arguments are copied, so views need only live until arg() returns; this is what
// lets the client's typed operations take std::string_view parameters safely.
//
// Thread-safety: none; a value type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace corio::redis {

class CommandBuilder {
 public:
  explicit CommandBuilder(size_t argc);

  CommandBuilder& arg(std::string_view a);
  // An integer argument in decimal ("EXPIRE k 10").
  CommandBuilder& arg(int64_t v);
  CommandBuilder& args(std::span<const std::string> many);
  CommandBuilder& args(std::span<const std::string_view> many);

  // The encoded request; the builder is empty afterwards.
  std::string take();

 private:
  std::string out_;
  size_t expected_;
  size_t added_ = 0;
};

// One-call forms.
std::string encode_command(std::initializer_list<std::string_view> args);
std::string encode_command(std::span<const std::string> args);

}  // namespace corio::redis

#include "redis/command_builder.h"

#include <charconv>
#include <stdexcept>

namespace corio::redis {
namespace {

void append_decimal(std::string& out, int64_t v) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), v);
  out.append(digits, end);
}

}  // namespace

CommandBuilder::CommandBuilder(size_t argc) : expected_(argc) {
  out_.reserve(16 + argc * 16);
  out_.push_back('*');
  append_decimal(out_, static_cast<int64_t>(argc));
  out_.append("\r\n");
}

CommandBuilder& CommandBuilder::arg(std::string_view a) {
  out_.push_back('$');
  append_decimal(out_, static_cast<int64_t>(a.size()));
  out_.append("\r\n");
  out_.append(a);
  out_.append("\r\n");
  ++added_;
  return *this;
}

CommandBuilder& CommandBuilder::arg(int64_t v) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), v);
  return arg(std::string_view(digits, static_cast<size_t>(end - digits)));
}

CommandBuilder& CommandBuilder::args(std::span<const std::string> many) {
  for (const std::string& a : many) arg(a);
  return *this;
}

CommandBuilder& CommandBuilder::args(std::span<const std::string_view> many) {
  for (std::string_view a : many) arg(a);
  return *this;
}

std::string CommandBuilder::take() {
  if (added_ != expected_) {
    throw std::logic_error("CommandBuilder: declared " + std::to_string(expected_) +
                           " arguments, added " + std::to_string(added_));
  }
  added_ = 0;
  expected_ = 0;
  return std::move(out_);
}

std::string encode_command(std::initializer_list<std::string_view> args) {
  return CommandBuilder(args.size()).args(std::span<const std::string_view>(args.begin(), args.size())).take();
}

std::string encode_command(std::span<const std::string> args) {
  return CommandBuilder(args.size()).args(args).take();
}

}  // namespace corio::redis

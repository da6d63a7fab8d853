#include "redis/resp_writer.h"

#include "absl/strings/str_cat.h"

namespace corio::redis {

void RespWriter::line(char type, std::string_view s) {
  out_.push_back(type);
  size_t start = out_.size();
  out_.append(s);
  for (size_t i = start; i < out_.size(); ++i) {
    if (out_[i] == '\r' || out_[i] == '\n') out_[i] = ' ';
  }
  out_.append("\r\n");
}

void RespWriter::integer(int64_t v) { absl::StrAppend(&out_, ":", v, "\r\n"); }

void RespWriter::bulk(std::string_view s) {
  absl::StrAppend(&out_, "$", s.size(), "\r\n");
  out_.append(s);
  out_.append("\r\n");
}

void RespWriter::array_header(size_t n) { absl::StrAppend(&out_, "*", n, "\r\n"); }

}  // namespace corio::redis

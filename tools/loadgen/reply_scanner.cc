#include "tools/loadgen/reply_scanner.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace corio::loadgen {

void ReplyScanner::reset() {
  state_ = State::kType;
  depth_ = 0;
  top_error_ = false;
  top_push_ = false;
  capturing_ = false;
}

std::string ReplyScanner::take_first_error() { return std::exchange(first_error_, {}); }

void ReplyScanner::value_done(Counts* counts) {
  state_ = State::kType;
  while (depth_ > 0) {
    if (--remaining_[depth_ - 1] > 0) return;  // more elements at this level
    --depth_;  // the aggregate is complete: it is one value of the level above
  }
  if (!top_push_) {
    ++counts->replies;
    if (top_error_) ++counts->errors;
  }
  top_error_ = false;
  top_push_ = false;
}

bool ReplyScanner::number_done(Counts* counts) {
  switch (type_) {
    case '$':
    case '=':
    case '!':
      if (negative_) {  // $-1: the RESP2 null bulk string
        value_done(counts);
        return true;
      }
      bulk_left_ = number_ + 2;  // payload and CRLF
      state_ = State::kBulk;
      return true;
    default:
      break;
  }
  // Aggregates: '*' '~' '>' hold n values, '%' n pairs, '|' n pairs and then the value
  // they annotate.
  uint64_t n = negative_ ? 0 : number_;
  if (type_ == '%') n *= 2;
  if (type_ == '|') n = 2 * n + 1;
  if (n == 0) {  // empty or null aggregate
    value_done(counts);
    return true;
  }
  if (depth_ == kMaxDepth) return false;
  remaining_[depth_++] = n;
  state_ = State::kType;
  return true;
}

bool ReplyScanner::feed(const char* data, size_t size, Counts* counts) {
  const char* p = data;
  const char* end = data + size;
  while (p < end) {
    switch (state_) {
      case State::kType: {
        char c = *p++;
        if (depth_ == 0) {
          top_error_ = (c == '-' || c == '!');
          top_push_ = (c == '>');
        }
        switch (c) {
          case '-':
            capturing_ = depth_ == 0 && first_error_.empty();
            state_ = State::kLine;
            break;
          case '+':
          case ':':
          case ',':
          case '#':
          case '(':
          case '_':
            capturing_ = false;
            state_ = State::kLine;
            break;
          case '$':
          case '=':
          case '!':
          case '*':
          case '%':
          case '~':
          case '>':
          case '|':
            type_ = c;
            negative_ = false;
            digits_ = 0;
            number_ = 0;
            state_ = State::kNumber;
            break;
          default:
            return false;
        }
        break;
      }
      case State::kNumber: {
        char c = *p++;
        if (c >= '0' && c <= '9') {
          if (++digits_ > 18) return false;
          number_ = number_ * 10 + static_cast<uint64_t>(c - '0');
        } else if (c == '-' && digits_ == 0 && !negative_) {
          negative_ = true;
        } else if (c == '\r' && digits_ > 0) {
          state_ = State::kNumberLf;
        } else {
          return false;
        }
        break;
      }
      case State::kNumberLf:
        if (*p++ != '\n') return false;
        if (!number_done(counts)) return false;
        break;
      case State::kLine: {
        const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
        const char* stop = nl == nullptr ? end : nl;
        if (capturing_) {
          size_t room = kMaxErrorText - first_error_.size();
          size_t take = std::min<size_t>(room, stop - p);
          first_error_.append(p, take);
          if (nl != nullptr) {
            capturing_ = false;
            if (!first_error_.empty() && first_error_.back() == '\r') first_error_.pop_back();
          }
        }
        if (nl == nullptr) {
          p = end;
        } else {
          p = nl + 1;
          value_done(counts);
        }
        break;
      }
      case State::kBulk: {
        uint64_t skip = std::min<uint64_t>(bulk_left_, static_cast<uint64_t>(end - p));
        p += skip;
        bulk_left_ -= skip;
        if (bulk_left_ == 0) value_done(counts);
        break;
      }
    }
  }
  return true;
}

}  // namespace corio::loadgen

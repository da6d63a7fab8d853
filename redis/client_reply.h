// What the client makes of a reply: server error replies as absl::Status values, and the
// decoding of reply frames into the typed results of Client / RequestManager operations.
//
// Server errors. A "-ERR ..." or "-WRONGTYPE ..." reply becomes a status whose message is
// Redis's text exactly ("ERR value is not an integer or out of range"), with code
// absl::StatusCode::kUnknown and a payload that marks it as a server reply, so a caller
// can tell "the server said no" (is_server_error) from a transport failure (kUnavailable:
// connection refused or lost; kDeadlineExceeded: timed out; kDataLoss: the bytes were not
// RESP, or the reply had a kind the operation does not expect; kCancelled: shut down).
//
// Decoders take the frame by value and never throw: an unexpected kind is a kDataLoss
// status naming the operation and the frame, not an exception.
//
// Thread-safety: free functions on values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "redis/frame.h"

namespace corio::redis {

// A status carrying a server's error reply `message` (without the leading '-').
absl::Status server_error(std::string_view message);
// True if `status` came from a server error reply.
bool is_server_error(const absl::Status& status);
// The first word of a server error ("ERR", "WRONGTYPE", "NOAUTH"...), empty otherwise.
std::string_view server_error_prefix(const absl::Status& status);

// The frame itself, or its error reply as a status (top level only: errors nested in an
// array, such as EXEC's, stay frames).
absl::StatusOr<Frame> frame_or_error(Frame f);

// "+OK" (any simple string is accepted: "+QUEUED" is also a success).
absl::Status decode_ok(Frame f, std::string_view op);
// ":n"
absl::StatusOr<int64_t> decode_integer(Frame f, std::string_view op);
// ":1" -> true, ":0" -> false.
absl::StatusOr<bool> decode_flag(Frame f, std::string_view op);
// "$n ..." or "+..." -> the string.
absl::StatusOr<std::string> decode_string(Frame f, std::string_view op);
// "$n ..." -> the string; a null -> nullopt.
absl::StatusOr<std::optional<std::string>> decode_optional_string(Frame f, std::string_view op);
// SET's reply: "+OK" -> true; a null (NX/XX condition not met) -> false.
absl::StatusOr<bool> decode_set(Frame f);
// An array of bulks and nulls (MGET).
absl::StatusOr<std::vector<std::optional<std::string>>> decode_optional_strings(
    Frame f, std::string_view op);

}  // namespace corio::redis

// One load generator connection: connects, sends the workload's requests in the closed-
// or open-loop way (config.h), counts the replies, and reconnects when it loses the server.
//
// Hot path (per batch): the workload writes the batch into a buffer allocated once; one
// write(2) sends it; replies are read into one reused buffer and counted by a
// ReplyScanner without being built; one clock reading per read(2) timestamps every reply
// it carried. No allocation, no atomic shared with another thread. A read shorter than
// the buffer clears the socket's readiness (Stream::try_read_buf), so a reply costs one
// read(2), not a read and an EAGAIN.
//
// Errors: a refused or timed-out connect counts a connect failure, a reset, an
// end-of-stream or a reply that breaks the protocol counts a lost connection; the
// requests it had outstanding go back to the thread's budget (with --requests N the run
// still ends with N replies). The connection then retries with exponential back-off (10
// ms to 1 s) and gives up after config.reconnect_attempts failed attempts in a row.
// Nothing is fatal unless --fail-fast.
//
// Cancel-safety: aborting the task closes the socket; the replies owed are not counted.
#pragma once

#include "runtime/task.h"
#include "tools/loadgen/load_thread.h"

namespace corio::loadgen {

// The task of connection number `index` (0-based over the whole run) of `thread`.
Task<void> run_connection(LoadThread& thread, int index);

}  // namespace corio::loadgen

// serve_connection: the task that serves one client connection.
//
// Loop: wait until the socket is readable (holding no input buffer while idle), read what
// is there, parse and execute every complete command in it (a pipelined batch), gather
// all their replies in one output buffer and write it with one write. Input left over (a
// partial command) is kept for the next read; the buffers are freed when empty, so an idle
// connection costs its task, its socket and its ClientState (see INFO memory).
//
// While subscribed, messages from PUBLISH arrive through the client's Inbox and are
// written between reads. On CLIENT KILL, a protocol error, QUIT or server shutdown the
// connection finishes the batch in hand, flushes and closes.
#pragma once

#include "net/tcp.h"
#include "runtime/task.h"

namespace corio::redis {

class Server;

Task<void> serve_connection(Server& server, net::TcpStream stream, net::SocketAddr peer);

struct ClientState;
struct CommandSpec;
class ReplyWriter;
class CommandArgs;

// Executes one command for `client` (the dispatch rules: unknown command, arity, NOAUTH,
// subscribed mode, MULTI queueing), writing the reply into `out`.
void execute_command(Server& server, ClientState& client, const CommandArgs& args,
                     ReplyWriter& out);
// Runs `spec`'s handler with no checks (EXEC runs the commands it queued this way).
void run_command(Server& server, ClientState& client, const CommandSpec& spec,
                 const CommandArgs& args, ReplyWriter& out);
// Ends MULTI: drops the queued commands, the EXECABORT flag and every WATCH.
void discard_transaction(Server& server, ClientState& client);

}  // namespace corio::redis

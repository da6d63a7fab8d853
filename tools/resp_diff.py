#!/usr/bin/env python3
"""Differential check of our request parser against a real redis-server.

Sends the same raw bytes to redis-server and to tools/resp_replay (RequestParser as a tiny
server) and compares what comes back: the replies (PING/ECHO exactly, any other command as
"one reply"), the protocol error text, and whether the connection was closed.

    tools/bazelw build //tools:resp_replay
    tools/resp_diff.py --start                  # starts redis-server on a free port
    tools/resp_diff.py --port 7777 --random 2000 --seed 7

Not part of CI (it needs redis-server: apt-get install redis-server). Exit status 1 when a
case differs. Every input is sent in one write, which Redis reads at once for inputs this
small, so the 64 KB "buffered" limits behave the same on both sides.
"""

import argparse
import os
import random
import socket
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (bytes, needs an unauthenticated client). Each was a question about Redis's behaviour.
CASES = [
    (b"*1\r\n$4\r\nPING\r\n", False),
    (b"*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n*1\r\n$4\r\nPING\r\n", False),
    (b"*1048577\r\n", False),
    (b"*2147483647\r\n", False),
    (b"*2147483648\r\n", False),
    (b"*1\r\n+foo\r\n", False),
    (b"*1\r\n\r\n", False),
    (b"*1\r\n\n\r", False),
    (b"*1\r\n\nx\r\n", False),
    (b"*1\r\n$-1\r\n", False),
    (b"*1\r\n$536870913\r\n", False),
    (b"*1\r\n$536870912\r\n", False),
    (b'"a\r\n', False),
    (b"*1\x00\r\n", False),
    (b"*1\rX$4\r\nPING\r\n", False),
    (b"*1\r\n$4\r\nPINGxxPING\r\n", False),
    (b"\r\n\r\n\nPING\r\n", False),
    (b"*0\r\n*-5\r\nPING\r\n", False),
    (b"*01\r\n", False),
    (b"*\r\n", False),
    (b"* 1\r\n", False),
    (b"*1\r\n$+4\r\n", False),
    (b"*1\r\n$04\r\n", False),
    (b"*-0\r\n", False),
    (b'ECHO "a"b\r\n', False),
    (b"ECHO 'it\\'s'\r\n", False),
    (b'ECHO "\\x41\\x4g\\n"\r\n', False),
    (b"ECHO a\x0bb\r\n", False),
    (b"ECHO \x0ba\r\n", False),
    (b'ECHO "a"\x0b\r\n', False),
    (b"ECHO ab'c d'\r\n", False),
    (b"PING\n", False),
    (b"*2\r\n$4\r\nECHO\r\n$3\r\na\x00b\r\n", False),
    (b"\x00PING\r\n", False),
    (b'ECHO "abc\\"\r\n', False),
    (b"*1\r\n$4\x00\r\nPING\r\n", False),
    (b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n*1\r\n", False),
    (b"*1\r\n$99999999999999999999\r\n", False),
    (b"*9223372036854775808\r\n", False),
    (b"*-9223372036854775808\r\nPING\r\n", False),
    (b"*1\r\n\xff\r\n", False),
    (b"a" * 65536, False),
    (b"a" * 65537, False),
    (b"*" + b"1" * 65535, False),
    (b"*" + b"1" * 65536, False),
    (b"*1\r\n$" + b"1" * 65536, False),
    (b"*10\r\n", True),
    (b"*11\r\n", True),
    (b"*1\r\n$16384\r\n", True),
    (b"*1\r\n$16385\r\n", True),
    (b"*1\r\n$-3\r\n", True),
]


def parse_replies(data):
    """Splits a RESP2 reply stream into top-level replies (bytes each)."""
    replies, pos = [], 0

    def skip(pos):
        end = data.index(b"\r\n", pos)
        kind, line = data[pos:pos + 1], data[pos + 1:end]
        pos = end + 2
        if kind == b"$" and int(line) >= 0:
            pos += int(line) + 2
        elif kind == b"*" and int(line) > 0:
            for _ in range(int(line)):
                pos = skip(pos)
        return pos

    while pos < len(data):
        try:
            end = skip(pos)
        except (ValueError, IndexError):
            replies.append(data[pos:])  # cut short
            break
        replies.append(data[pos:end])
        pos = end
    return replies


def ask_redis(port, data, idle=0.05):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(data)
    out, closed = b"", False
    s.settimeout(idle)
    deadline = time.time() + 2
    try:
        while time.time() < deadline:
            chunk = s.recv(1 << 16)
            if not chunk:
                closed = True
                break
            out += chunk
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed = True
    s.close()
    return out, closed


def ask_ours(tool, data, auth):
    args = [tool] + (["--auth"] if auth else [])
    p = subprocess.run(args, input=data, stdout=subprocess.PIPE, check=False)
    return p.stdout, p.returncode in (2, 3)


def same(redis_out, ours_out):
    theirs, mine = parse_replies(redis_out), parse_replies(ours_out)
    if len(theirs) != len(mine):
        return False
    return all(m == b"+OTHER\r\n" or m == t for t, m in zip(theirs, mine))


def redis_cli(port, *args):
    subprocess.run(["redis-cli", "-p", str(port)] + list(args), check=True,
                   stdout=subprocess.DEVNULL)


SEEDS = [
    b"*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n",
    b"*1\r\n$4\r\nPING\r\n",
    b"PING\r\n",
    b"ECHO \"a \\x41 \\\"b\\\"\" \r\nECHO 'it\\'s'\r\n",
    b"\r\n*0\r\n*-1\r\n",
    b"*2\r\n$4\r\nECHO\r\n$0\r\n\r\n",
]
TOKENS = [b"\r\n", b"\r", b"\n", b"*", b"$", b"-1", b"0", b"01", b"\x00", b'"', b"'",
          b"\\", b"\\x4", b" ", b"\t", b"\x0b", b"2147483648", b"536870913", b"+"]


def mutate(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        at = rng.randint(0, len(data))
        op = rng.randrange(5)
        if op == 0 and data:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif op == 1:
            data[at:at] = bytes([rng.randrange(256)])
        elif op == 2 and at < len(data):
            del data[at:at + rng.randint(1, 4)]
        elif op == 3:
            data[at:at] = rng.choice(TOKENS)
        else:
            data[at:at] = rng.choice(SEEDS)
    return bytes(data)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=7777)
    ap.add_argument("--start", action="store_true", help="start redis-server on a free port")
    ap.add_argument("--tool", default=os.path.join(REPO, "bazel-bin/tools/resp_replay"))
    ap.add_argument("--random", type=int, default=0, help="also this many mutated inputs")
    ap.add_argument("--seed", type=int, default=1)
    opts = ap.parse_args()

    server = None
    if opts.start:
        opts.port = free_port()
        server = subprocess.Popen(["redis-server", "--port", str(opts.port), "--bind",
                                   "127.0.0.1", "--save", "", "--appendonly", "no"],
                                  stdout=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", opts.port)).close()
                break
            except OSError:
                time.sleep(0.05)
    try:
        version = subprocess.run(["redis-cli", "-p", str(opts.port), "info", "server"],
                                 capture_output=True, check=True, text=True).stdout
        print([l for l in version.splitlines() if l.startswith("redis_version")][0])
        cases = list(CASES)
        rng = random.Random(opts.seed)
        for _ in range(opts.random):
            cases.append((mutate(rng, rng.choice(SEEDS)), False))
        failures = 0
        for data, auth in cases:
            if auth:
                redis_cli(opts.port, "config", "set", "requirepass", "diffpw")
            try:
                theirs = ask_redis(opts.port, data)
            finally:
                if auth:
                    redis_cli(opts.port, "-a", "diffpw", "--no-auth-warning", "config", "set",
                              "requirepass", "")
            mine = ask_ours(opts.tool, data, auth)
            if theirs[1] != mine[1] or not same(theirs[0], mine[0]):
                failures += 1
                print("DIFF", repr(data[:80]), "\n  redis:", repr(theirs[0][:200]), theirs[1],
                      "\n  ours: ", repr(mine[0][:200]), mine[1])
        print(f"{len(cases)} cases, {failures} differ")
        return 1 if failures else 0
    finally:
        if server:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    sys.exit(main())

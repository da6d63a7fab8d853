#!/usr/bin/python3
"""Drives a server with redis-py (Debian's python3-redis) and prints one line per observed
result. The test runs it against our server and a real redis-server and compares.

  /usr/bin/python3 python_client.py PORT
"""
import json
import sys
import time

import redis

port = int(sys.argv[1])
lines = []


def out(label, value):
    lines.append("%s %s" % (label, json.dumps(value, default=str)))


def expect_error(label, fn):
    try:
        out(label + " ok", fn())
    except redis.exceptions.ResponseError as e:
        out(label + " error", str(e))


r = redis.Redis(host="127.0.0.1", port=port, decode_responses=True)
b = redis.Redis(host="127.0.0.1", port=port)  # bytes, for binary values
k = "py:"
out("ping", r.ping())
out("set-ex", r.set(k + "a", "v", ex=100))
out("set-xx-missing", r.set(k + "missing", "v", xx=True))
out("get", r.get(k + "a"))
out("ttl-positive", r.ttl(k + "a") > 0)
out("pttl-positive", r.pttl(k + "a") > 0)
out("persist", r.persist(k + "a"))
out("ttl-after-persist", r.ttl(k + "a"))
out("binary-set", b.set(b"py:bin\x00key", bytes(range(256))))
out("binary-roundtrip", b.get(b"py:bin\x00key") == bytes(range(256)))
out("strlen", r.strlen("py:bin\x00key"))
out("incr", r.incr(k + "n", 10))
out("decr", r.decr(k + "n", 3))
out("incrbyfloat", r.incrbyfloat(k + "f", "2.5e3"))
expect_error("incr-overflow", lambda: (r.set(k + "big", str(2**63 - 1)), r.incr(k + "big"))[1])
out("setrange", r.setrange(k + "r", 3, "xyz"))
out("getrange-padded", r.get(k + "r"))
out("lcs", r.execute_command("LCS", k + "a", k + "r"))
out("msetnx", r.msetnx({k + "m1": "1", k + "m2": "2"}))
out("msetnx-again", r.msetnx({k + "m2": "x", k + "m3": "3"}))
out("copy", r.copy(k + "m1", k + "m4"))
out("rename", r.rename(k + "m4", k + "m5"))
out("renamenx-existing", r.renamenx(k + "m5", k + "m1"))
out("keys", sorted(r.keys(k + "m*")))
out("scan-iter", sorted(r.scan_iter(match=k + "m*", count=1)))
out("expire", r.expire(k + "m1", 100))
out("expiretime-positive", r.execute_command("EXPIRETIME", k + "m1") > 0)
out("object-encoding-int", r.object("encoding", k + "n"))
out("object-encoding-embstr", r.object("encoding", k + "a"))
out("type", r.type(k + "a"))
out("unlink", r.unlink(k + "m1", k + "m2", k + "nope"))
expect_error("wrong-arity", lambda: r.execute_command("SET", k + "a"))
expect_error("syntax", lambda: r.execute_command("SET", k + "a", "v", "NX", "XX"))
expect_error("unknown", lambda: r.execute_command("NOSUCH", "a", "b"))
expect_error("bad-expire", lambda: r.execute_command("SET", k + "a", "v", "EX", "0"))

# Transactions: a pipeline with MULTI/EXEC, WATCH with a retry loop, and EXECABORT.
with r.pipeline() as p:
    p.set(k + "t", "1").incr(k + "t").get(k + "t")
    out("transaction", p.execute())
other = redis.Redis(host="127.0.0.1", port=port, decode_responses=True)
with r.pipeline() as p:
    p.watch(k + "w")
    other.set(k + "w", "theirs")
    p.multi()
    p.set(k + "w", "mine")
    try:
        p.execute()
        out("watch", "executed")
    except redis.exceptions.WatchError:
        out("watch", "aborted")
out("watch-value", r.get(k + "w"))
with r.pipeline() as p:
    p.set(k + "e", "1")
    p.execute_command("NOSUCH")
    try:
        p.execute()
    except redis.exceptions.ResponseError as e:
        out("execabort", str(e).split(":")[0])

# Pub/sub.
def next_messages(pubsub, n, seconds=2):
    """Up to n messages as [type, channel, data], waiting at most `seconds`."""
    msgs = []
    deadline = time.time() + seconds
    while len(msgs) < n and time.time() < deadline:
        m = pubsub.get_message(timeout=0.1)
        if m:
            msgs.append([m["type"], m["channel"], m["data"]])
    return msgs


ps = r.pubsub()
ps.subscribe(k + "c")
ps.psubscribe(k + "c*")
out("subscribe-confirmations", next_messages(ps, 2))
out("numsub", r.pubsub_numsub(k + "c"))
out("publish", r.publish(k + "c", "hello"))
out("messages", sorted(next_messages(ps, 2)))
ps.close()

out("client-setname", r.client_setname("pyclient"))
out("client-getname", r.client_getname())
out("dbsize-positive", r.dbsize() > 0)
out("select", r.execute_command("SELECT", 3))
out("exists-other-db", r.exists(k + "a"))
print("\n".join(lines))

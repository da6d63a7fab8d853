#!/usr/bin/python3
"""loadgen against redis-benchmark, side by side, on one Debian redis-server.

Starts /usr/bin/redis-server on a free loopback port, then for each configuration runs
redis-benchmark and //tools:loadgen alternately (--reps times each, interleaved so that
drift of the machine hits both alike) with the same connections, pipeline depth, test,
keyspace (-r / --keyspace) and value size (-d / --value-size), and prints one line per
run and a median summary: throughput, client CPU per request (user+system of the client
process, from wait4's rusage), the server's CPU per request (/proc/PID/stat), p50 and p99.

  tools/bazelw build --config=opt //tools:loadgen
  tools/loadgen_compare.py --loadgen bazel-bin/tools/loadgen --requests 2000000

Configurations: --configs "50:1,50:16" (connections:pipeline), --tests get,set. With
--threads2, loadgen --threads 2 and redis-benchmark --threads 2 also run at the last
configuration, beside one single-threaded redis-benchmark. With --batch-latency, loadgen
also runs with --batch_latency at pipelined configurations (client "loadgen/batch"):
redis-benchmark gives every reply of a pipelined batch the latency of the batch's first
read event, so its p99 at -P 16 is not comparable with loadgen's per-reply figure.
"""
import argparse
import csv
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import time

HOST = "127.0.0.1"


def free_port():
    s = socket.socket()
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def cpu_secs(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_client(argv, server_pid, timeout):
    """Runs argv; returns (stdout, wall seconds, client CPU seconds, server CPU seconds)."""
    srv0 = cpu_secs(server_pid)
    t0 = time.time()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = t0 + timeout
    while True:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid != 0:
            break
        if time.time() > deadline:
            p.kill()
            raise RuntimeError("timed out: %s" % " ".join(argv))
        time.sleep(0.01)
    wall = time.time() - t0
    out = p.stdout.read().decode(errors="replace")
    err = p.stderr.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError("exit %d: %s\n%s%s" % (code, " ".join(argv), out, err))
    return out, wall, usage.ru_utime + usage.ru_stime, cpu_secs(server_pid) - srv0


def redis_benchmark(port, server_pid, c, pipeline, test, n, keyspace, value_size, threads, timeout):
    argv = ["redis-benchmark", "-h", HOST, "-p", str(port), "-t", test, "-n", str(n), "-c",
            str(c), "-P", str(pipeline), "-r", str(keyspace), "-d", str(value_size), "--csv"]
    if threads > 1:
        argv += ["--threads", str(threads)]
    out, wall, cpu, srv = run_client(argv, server_pid, timeout)
    row = list(csv.DictReader(io.StringIO(out)))[-1]
    return {"ops": float(row["rps"]), "p50_ms": float(row["p50_latency_ms"]),
            "p99_ms": float(row["p99_latency_ms"]), "cpu_us": cpu * 1e6 / n,
            "srv_us": srv * 1e6 / n, "cpu_frac": cpu / wall, "errors": 0}


def loadgen(binary, port, server_pid, c, pipeline, test, n, keyspace, value_size, threads, timeout,
            batch_latency=False):
    ratio = {"get": "0:1", "set": "1:0"}[test]
    argv = [binary, "--host", HOST, "--port", str(port), "--connections", str(c), "--pipeline",
            str(pipeline), "--requests", str(n), "--ratio", ratio, "--keyspace", str(keyspace),
            "--value-size", str(value_size), "--threads", str(threads), "--json", "--quiet"]
    if batch_latency:
        argv.append("--batch_latency")
    out, wall, cpu, srv = run_client(argv, server_pid, timeout)
    j = json.loads(out.strip().splitlines()[-1])
    return {"ops": j["ops_per_sec"], "p50_ms": j["latency_us"]["p50"] / 1e3,
            "p99_ms": j["latency_us"]["p99"] / 1e3, "cpu_us": cpu * 1e6 / n,
            "srv_us": srv * 1e6 / n, "cpu_frac": cpu / wall, "errors": j["errors"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loadgen", default="bazel-bin/tools/loadgen")
    ap.add_argument("--requests", type=int, default=1000000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--configs", default="50:1,50:16")
    ap.add_argument("--tests", default="get,set")
    ap.add_argument("--keyspace", type=int, default=100000)
    ap.add_argument("--value-size", type=int, default=3)
    ap.add_argument("--threads2", action="store_true")
    ap.add_argument("--batch-latency", action="store_true",
                    help="also run loadgen --batch_latency (redis-benchmark's latency definition "
                         "for pipelines) as the client 'loadgen/batch'")
    ap.add_argument("--timeout", type=int, default=300)
    a = ap.parse_args()

    port = free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", HOST, "--save", "",
                               "--appendonly", "no"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection((HOST, port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        runs = []
        for spec in a.configs.split(","):
            c, p = (int(x) for x in spec.split(":"))
            for test in a.tests.split(","):
                clients = [("redis-benchmark", 1), ("loadgen", 1)]
                if a.batch_latency and p > 1:
                    clients.append(("loadgen/batch", 1))
                if a.threads2 and spec == a.configs.split(",")[-1]:
                    clients += [("redis-benchmark", 2), ("loadgen", 2)]
                for rep in range(a.reps):
                    for name, threads in clients:
                        if name.startswith("loadgen"):
                            r = loadgen(a.loadgen, port, server.pid, c, p, test, a.requests,
                                        a.keyspace, a.value_size, threads, a.timeout,
                                        batch_latency=(name == "loadgen/batch"))
                        else:
                            r = redis_benchmark(port, server.pid, c, p, test, a.requests,
                                                a.keyspace, a.value_size, threads, a.timeout)
                        r.update(client=name, threads=threads, c=c, P=p, test=test, rep=rep)
                        runs.append(r)
                        print(json.dumps(r), flush=True)
        print()
        print("%-16s %3s %4s %3s %-4s %12s %13s %13s %9s %9s %8s" % (
            "client", "thr", "c", "P", "test", "ops/s", "client us/req", "server us/req",
            "p50 ms", "p99 ms", "errors"))
        keys = []
        for r in runs:
            k = (r["client"], r["threads"], r["c"], r["P"], r["test"])
            if k not in keys:
                keys.append(k)
        for k in keys:
            rs = [r for r in runs if (r["client"], r["threads"], r["c"], r["P"], r["test"]) == k]
            med = lambda f: statistics.median(r[f] for r in rs)
            print("%-16s %3d %4d %3d %-4s %12.0f %13.3f %13.3f %9.3f %9.3f %8d" % (
                k[0], k[1], k[2], k[3], k[4], med("ops"), med("cpu_us"), med("srv_us"),
                med("p50_ms"), med("p99_ms"), sum(r["errors"] for r in rs)))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    sys.exit(main())

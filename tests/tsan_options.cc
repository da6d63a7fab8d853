// ThreadSanitizer options for the server's end-to-end test binaries. Listed in a test's
// srcs (these hooks must be defined in the executable itself, not in a shared library).
//  - detect_deadlocks=0: the lock-order detector can track only 64 mutexes held at once
//    and aborts (a CHECK failure, not a report) when the server takes AllLocks, all 256
//    shards of the keyspace (EXEC, KEYS, FLUSHALL...). Races are still detected.
//  - tests/tsan_known_races.supp: races found in other packages, reported to their owners.
// TSAN_OPTIONS from the environment (.bazelrc's --config=tsan) still applies on top.
#if defined(__SANITIZE_THREAD__)
extern "C" const char* __tsan_default_options() {
  return "detect_deadlocks=0:suppressions=tests/tsan_known_races.supp";
}
#endif

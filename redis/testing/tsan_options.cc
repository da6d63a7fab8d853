// ThreadSanitizer settings for the differential test binaries. They are compiled into each
// test executable: TSAN looks for these hooks there, not in shared libraries. Harmless
// without TSAN.

// TSAN's lock-order (deadlock) detector tracks at most 64 mutexes held by one thread and
// aborts past that; AllLocks (FLUSHALL, EXEC, KEYS, ...) holds every shard of every
// database at once: 256, always in the same order (keyspace.h). So the detector is off
// here; data races are still reported. TSAN_OPTIONS from the environment (halt_on_error
// in .bazelrc) applies on top of these defaults.
extern "C" const char* __tsan_default_options() { return "detect_deadlocks=0"; }

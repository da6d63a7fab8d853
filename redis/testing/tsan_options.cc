// ThreadSanitizer settings for the differential test binaries. They are compiled into each
// test executable: TSAN looks for these hooks there, not in shared libraries. Harmless
// without TSAN.

// TSAN's lock-order (deadlock) detector tracks at most 64 mutexes held by one thread and
// aborts past that; AllLocks (FLUSHALL, EXEC, KEYS, ...) holds every shard of every
// database at once: 256, always in the same order (keyspace.h). So the detector is off
// here; data races are still reported. TSAN_OPTIONS from the environment (halt_on_error
// in .bazelrc) applies on top of these defaults.
extern "C" const char* __tsan_default_options() { return "detect_deadlocks=0"; }

// Known races below the server, already fixed on other branches (not merged into this
// one), suppressed by the function TSAN reports:
//  - sync::Notify: ~Notified reads its state unlocked while notify_waiters marks it done
//    before taking its waker (fixed on `sync`, 3985988). Seen at server shutdown.
//  - runtime/io: the ScheduledIo handed to epoll at registration is read after epoll_wait
//    without a happens-before TSAN can see (fixed on `main`, f6b0770).
extern "C" const char* __tsan_default_suppressions() {
  return "race:corio::sync::Notified::~Notified\n"
         "race:corio::io::ScheduledIo::set_readiness\n";
}

#!/usr/bin/env bash
# Fuzzes the RESP parsers (redis/resp_parser_fuzz.cc) with libFuzzer for a bounded time.
#
#   tools/fuzz_resp.sh [SECONDS] [extra libFuzzer flags...]     # default 60 seconds
#
# Builds outside Bazel with Debian's clang 14 (-fsanitize=fuzzer,address,undefined),
# installing clang and its runtime libraries with apt when they are missing. The corpus
# starts from redis/testdata/resp_fuzz_seeds and grows in $FUZZ_DIR (default
# ${TMPDIR:-/tmp}/corio-fuzz-resp), never in the source tree. A crash or a violated
# property leaves its input in $FUZZ_DIR/artifacts/ and makes the script exit non-zero;
# copy such an input into redis/testdata/resp_fuzz_seeds/ so that
# //redis:resp_parser_fuzz_replay_test keeps it fixed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${1:-60}
shift || true
fuzz_dir=${FUZZ_DIR:-${TMPDIR:-/tmp}/corio-fuzz-resp}

# clang++-14 and the fuzzer/sanitizer runtimes (libclang-rt-14-dev).
clangxx=$(command -v clang++-14 || command -v clang++ || true)
rt_missing() {
  [[ -z "$clangxx" ]] && return 0
  ! ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1
}
if rt_missing; then
  echo "fuzz_resp: installing clang-14 and libclang-rt-14-dev with apt" >&2
  if [[ $(id -u) -ne 0 ]]; then sudo=sudo; else sudo=; fi
  $sudo apt-get install -y clang-14 libclang-rt-14-dev >&2 ||
    { $sudo apt-get update >&2 && $sudo apt-get install -y clang-14 libclang-rt-14-dev >&2; }
  clangxx=$(command -v clang++-14 || command -v clang++)
fi

mkdir -p "$fuzz_dir/corpus" "$fuzz_dir/artifacts"
binary="$fuzz_dir/resp_parser_fuzz"
sources=(redis/resp_parser_fuzz.cc redis/resp_parser.cc redis/frame_parser.cc
         redis/inline_args.cc redis/frame.cc)
echo "fuzz_resp: building $binary with $clangxx" >&2
"$clangxx" -std=c++20 -O1 -g -fno-omit-frame-pointer -I. \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -Wall -Wextra -Werror -Wno-unused-parameter \
  "${sources[@]}" -o "$binary"

cp -n redis/testdata/resp_fuzz_seeds/* "$fuzz_dir/corpus/" 2>/dev/null || true
echo "fuzz_resp: fuzzing for ${seconds}s; corpus $fuzz_dir/corpus" >&2
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
"$binary" "$fuzz_dir/corpus" \
  -dict=redis/testdata/resp.dict \
  -max_total_time="$seconds" \
  -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$fuzz_dir/artifacts/" \
  -print_final_stats=1 \
  "$@"

#!/usr/bin/env bash
# tools/bazelw: the dependency check finds every package the build needs installed (this
# test runs inside a Bazel build, so they must be), and reports a missing one by name.
set -euo pipefail
wrapper=tools/bazelw
[[ -x $wrapper ]] || { echo "FAIL: $wrapper is not executable"; exit 1; }

out=$("$wrapper" --check-deps) || { echo "FAIL: --check-deps reported: $out"; exit 1; }
[[ -z $out ]] || { echo "FAIL: unexpected output: $out"; exit 1; }

# A package that cannot be installed must be reported, not silently ignored.
fake=$(mktemp -d)
sed 's/^  libbenchmark-dev         # micro-benchmarks$/  libbenchmark-dev corio-no-such-package  # micro-benchmarks/' \
  "$wrapper" > "$fake/bazelw"
chmod +x "$fake/bazelw"
if out=$("$fake/bazelw" --check-deps); then
  echo "FAIL: a missing package went unreported"; exit 1
fi
[[ $out == *corio-no-such-package* ]] || { echo "FAIL: wrong report: $out"; exit 1; }
echo PASS

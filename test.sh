#!/usr/bin/env bash
# Builds everything and runs the whole test suite. Installs what it needs on Debian (the image decoders' libraries and
# chromium for the browser tests);
# libtorch comes with TorchSharp's NuGet packages.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
bash tools/install-deps.sh --test
log=$(mktemp)
set +e
dotnet test BlairClip.ML.sln -c Release --nologo 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
# One closing line summing every test assembly ("Passed!  - Failed: 0, Passed: 3, Skipped: 0, Total: 3").
awk '/(Passed|Failed)! +- +Failed:/ { gsub(/,/, ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$rc"

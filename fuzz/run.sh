#!/bin/sh
# Fuzzes one target: fuzz/run.sh TARGET [SECONDS] (default 600). TARGET is yaml, engine or fix.
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). New inputs go to
# fuzz/corpus/TARGET (not committed); the seeds are read only: fuzz/seeds/TARGET, the bundled
# examples, the regressions, and PSA's fixtures when ../shared/conformance is beside the clone.
set -eu
target=${1:?usage: fuzz/run.sh yaml|engine|fix [seconds]}
seconds=${2:-600}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fixtures=${PODSEC_PSA_FIXTURES:-$root/../shared/conformance/psa-fixtures}
mkdir -p "fuzz/corpus/$target"
set -- "fuzz/corpus/$target" examples fuzz/regressions
[ -d "fuzz/seeds/$target" ] && set -- "$@" "fuzz/seeds/$target"
[ -d "$fixtures" ] && set -- "$@" "$fixtures"
CARGO_TARGET_DIR="$root/fuzz/target" exec cargo +nightly fuzz run "$target" "$@" -- \
    -dict=fuzz/yaml.dict -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -max_len=65536 -print_final_stats=1

# Build environment for backcourt. Source it (`. scripts/env.sh`) or let
# scripts/backcourt and scripts/test do it for you.
#
# DuckDB is the slow part of the build: the duckdb crate's `bundled` feature
# compiles DuckDB's C++ for about 55 minutes on two cores. The fast path links
# DuckDB's official prebuilt libduckdb.so of the same version (1.5.6, the
# version of the duckdb crate =1.10506.0) instead. It is fetched once, from
# the npm package that ships it, into a cache shared by every clone on the
# machine; build.rs bakes its directory into the binary's rpath, so nobody has
# to set LD_LIBRARY_PATH. When the library cannot be had, the build falls back
# to the `bundled` feature.
#
# Exports: CARGO_TARGET_DIR, DUCKDB_LIB_DIR (fast path) and BACKCOURT_FEATURES
# (`--features bundled` on the fallback, empty otherwise).

BACKCOURT_CACHE="${BACKCOURT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/backcourt}"
BACKCOURT_DUCKDB_VERSION=1.5.6
BACKCOURT_DUCKDB_NPM="@duckdb/node-bindings-linux-x64@${BACKCOURT_DUCKDB_VERSION}-r.1"

# One target directory outside the work tree, so every clone on this machine
# builds incrementally on what the last one built.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$BACKCOURT_CACHE/target}"

backcourt_fetch_duckdb() {
    local dir="$BACKCOURT_CACHE/duckdb/$BACKCOURT_DUCKDB_VERSION"
    if [ -f "$dir/libduckdb.so" ]; then
        echo "$dir"
        return 0
    fi
    case "$(uname -s)-$(uname -m)" in
        Linux-x86_64) ;;
        *) return 1 ;;
    esac
    command -v npm >/dev/null 2>&1 || return 1
    local tmp
    tmp="$(mktemp -d)" || return 1
    (
        cd "$tmp" &&
            npm pack --silent "$BACKCOURT_DUCKDB_NPM" >/dev/null 2>&1 &&
            tar xzf ./*.tgz package/libduckdb.so
    ) || {
        rm -rf "$tmp"
        return 1
    }
    mkdir -p "$dir" &&
        # rename within one file system: a concurrent or interrupted fetch never
        # leaves a half-written library behind.
        mv "$tmp/package/libduckdb.so" "$dir/libduckdb.so.part.$$" &&
        mv "$dir/libduckdb.so.part.$$" "$dir/libduckdb.so"
    local rc=$?
    rm -rf "$tmp"
    [ $rc -eq 0 ] && echo "$dir"
}

if [ -n "${DUCKDB_LIB_DIR:-}" ]; then
    BACKCOURT_FEATURES=""
elif [ "${BACKCOURT_BUNDLED:-0}" = "1" ]; then
    BACKCOURT_FEATURES="--features bundled"
elif DUCKDB_LIB_DIR="$(backcourt_fetch_duckdb)"; then
    export DUCKDB_LIB_DIR
    BACKCOURT_FEATURES=""
else
    unset DUCKDB_LIB_DIR
    echo "backcourt: prebuilt libduckdb.so unavailable; compiling DuckDB from source (bundled feature, ~55 min on 2 cores)" >&2
    BACKCOURT_FEATURES="--features bundled"
fi
export BACKCOURT_FEATURES

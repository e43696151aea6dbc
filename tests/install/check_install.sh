#!/usr/bin/env bash
# tests/install/check_install.sh: the outsider test (issue 12, point 10).
# Installs the current build into a staging directory (meson install
# --destdir), moves the staged tree somewhere else (the .pc file is
# relocatable, so nothing may depend on the prefix it was built for), then
# builds tests/install/client.c as an outside user would: the installed
# headers and `pkg-config --cflags --libs cscsim` only, strict C11 with
# warnings as errors (so the feature macro <uv.h> needs must come from the
# .pc file's Cflags and libuv's flags from its Requires). Runs the client
# against the staged shared library, once through LD_LIBRARY_PATH and once
# through an rpath, then linked with the staged libcscsim.a (the .pc file's
# --static libs), and checks its exit status and output each time. Then the
# same for the cscapi and WMI faces (faces_client.c next to CLIENT_C, with
# `pkg-config --cflags --libs cscapi cscsim-wmi`).
#
# Usage: check_install.sh MESON BUILD_DIR CLIENT_C VERSION SANITIZE CC...
#   SANITIZE is meson's b_sanitize ("none", "address,undefined", "thread"):
#   a sanitized libcscsim.so needs the sanitizer runtime, so the client is
#   built with the same -fsanitize flags (not skipped).
# Exit 77 (skipped) when pkg-config is missing.
set -euo pipefail

meson=$1 build=$2 client_c=$3 version=$4 sanitize=$5
shift 5
cc=("$@")

fail() { echo "check_install: FAIL: $*" >&2; exit 1; }

command -v pkg-config >/dev/null || { echo "pkg-config not found: skipped"; exit 77; }

work=$(mktemp -d "${TMPDIR:-/tmp}/cscsim-install.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== meson install --destdir $work/staged"
"$meson" install -C "$build" --no-rebuild --quiet --destdir "$work/staged" >"$work/install.log" 2>&1 \
  || { cat "$work/install.log" >&2; fail "meson install"; }

# Relocation: the staged tree moves; a .pc file with a fixed prefix (or
# the DESTDIR-less prefix) would now point nowhere.
mv "$work/staged" "$work/moved"
root="$work/moved"

mapfile -t pcs < <(find "$root" -name cscsim.pc)
[ "${#pcs[@]}" -eq 1 ] || fail "expected one installed cscsim.pc, found ${#pcs[@]}"
pcdir=$(dirname "${pcs[0]}")
echo "== $(sed -n '1p' "${pcs[0]}")"
# shellcheck disable=SC2016  # a literal ${pcfiledir}
grep -q '^prefix=\${pcfiledir}' "${pcs[0]}" || fail "cscsim.pc is not relocatable (prefix not from \${pcfiledir})"

export PKG_CONFIG_PATH="$pcdir"
unset PKG_CONFIG_SYSROOT_DIR

modversion=$(pkg-config --modversion cscsim) || fail "pkg-config does not find cscsim"
[ "$modversion" = "$version" ] || fail "pkg-config --modversion: $modversion, meson project version: $version"
pkg-config --print-requires cscsim | grep -q '^libuv' \
  || fail "cscsim.pc: libuv is not in Requires (cscsim/async.h includes <uv.h>)"
cflags=$(pkg-config --cflags cscsim)
libs=$(pkg-config --libs cscsim)
libdir=$(pkg-config --variable=libdir cscsim)
includedir=$(pkg-config --variable=includedir cscsim)
echo "   cflags: $cflags"
echo "   libs:   $libs"
case " $cflags " in
  *" -D_POSIX_C_SOURCE=200809L "*) ;;
  *) fail "Cflags lack -D_POSIX_C_SOURCE=200809L (<uv.h> needs POSIX)" ;;
esac
case "$(cd "$includedir" && pwd -P)/" in
  "$(cd "$root" && pwd -P)"/*) ;;
  *) fail "includedir $includedir is outside the staged tree" ;;
esac
if [ ! -f "$includedir/cscsim.h" ] || [ ! -f "$includedir/cscsim/async.h" ]; then
  fail "installed headers missing under $includedir"
fi
ls "$libdir"/libcscsim.so* >/dev/null 2>&1 || fail "no libcscsim.so under $libdir"

san=()
sanitize=$(printf '%s' "$sanitize" | tr -d "[]' ") # "['address', 'undefined']" too
case "$sanitize" in
  none | "") ;;
  *) san=("-fsanitize=$sanitize") ;;
esac

# Strict C11: without the .pc file's feature macro, <uv.h> does not compile.
strict=(-std=c11 -pedantic -Wall -Wextra -Werror)

echo "== ${cc[*]} client.c \$(pkg-config --cflags --libs cscsim)"
# shellcheck disable=SC2086  # the flags are words, as in a Makefile
"${cc[@]}" "${strict[@]}" "${san[@]}" -o "$work/client" "$client_c" $cflags $libs \
  || fail "building the client from the installed headers and pkg-config"

check_run() { # label, then the command
  local label=$1
  shift
  local out rc=0
  out=$("$@" 2>"$work/client.err") || rc=$?
  printf '%s\n' "$out" | sed 's/^/   | /'
  [ "$rc" -eq 0 ] || { cat "$work/client.err" >&2; fail "$label: client exited with $rc"; }
  [ "$(printf '%s\n' "$out" | tail -n 1)" = "client: ok" ] || fail "$label: no 'client: ok' line"
  printf '%s\n' "$out" | grep -qx "cscsim $version (headers $version, 0x[0-9A-F]\{6\})" \
    || fail "$label: the client did not report version $version"
}

# The client must load the staged library, not one from the build tree.
loaded=$(LD_LIBRARY_PATH="$libdir" ldd "$work/client" | awk '$1 ~ /^libcscsim\.so/ {print $3}')
case "$loaded" in
  "$libdir"/*) echo "== libcscsim from the staged tree: $loaded" ;;
  *) fail "the client loads libcscsim from '$loaded', not from $libdir" ;;
esac

echo "== run with LD_LIBRARY_PATH=$libdir"
check_run "LD_LIBRARY_PATH" env LD_LIBRARY_PATH="$libdir" "$work/client"

echo "== build with -Wl,-rpath and run without LD_LIBRARY_PATH"
# shellcheck disable=SC2086
"${cc[@]}" "${strict[@]}" "${san[@]}" -o "$work/client-rpath" "$client_c" $cflags $libs \
  "-Wl,-rpath,$libdir" || fail "building the client with an rpath"
check_run "rpath" env -u LD_LIBRARY_PATH "$work/client-rpath"

echo "== link libcscsim.a: \$(pkg-config --static --libs cscsim), -lcscsim static"
static_libs=()
for w in $(pkg-config --static --libs cscsim); do
  if [ "$w" = "-lcscsim" ]; then
    static_libs+=("-Wl,-Bstatic" -lcscsim "-Wl,-Bdynamic")
  else
    static_libs+=("$w")
  fi
done
echo "   libs:   ${static_libs[*]}"
# shellcheck disable=SC2086
"${cc[@]}" "${strict[@]}" "${san[@]}" -o "$work/client-static" "$client_c" $cflags \
  "${static_libs[@]}" || fail "linking the client with libcscsim.a (Libs.private, Requires)"
if ldd "$work/client-static" | grep -q 'libcscsim\.so'; then
  fail "the static client still needs libcscsim.so"
fi
check_run "static" env -u LD_LIBRARY_PATH "$work/client-static"

# The cscapi and WMI faces (libcscapi, libcscsim-wmi): their .pc files,
# the installed headers, a client built as outsiders build it, and the
# data/offlinefiles.mof the WMI face ships.
faces_c="$(dirname "$client_c")/faces_client.c"
for pc in cscapi cscsim-wmi; do
  [ "$(pkg-config --modversion "$pc")" = "$version" ] || fail "pkg-config does not find $pc $version"
done
[ -f "$includedir/cscsim/cscapi.h" ] && [ -f "$includedir/cscsim/wmi.h" ] \
  || fail "cscsim/cscapi.h or cscsim/wmi.h not installed"
[ -n "$(find "$root" -name offlinefiles.mof)" ] || fail "offlinefiles.mof not installed"
faces_flags=$(pkg-config --cflags --libs cscapi cscsim-wmi)
echo "== ${cc[*]} faces_client.c \$(pkg-config --cflags --libs cscapi cscsim-wmi)"
echo "   flags:  $faces_flags"
# shellcheck disable=SC2086
"${cc[@]}" "${strict[@]}" "${san[@]}" -o "$work/faces-client" "$faces_c" $faces_flags \
  || fail "building the faces' client from the installed headers and pkg-config"
out=$(env LD_LIBRARY_PATH="$libdir" "$work/faces-client" 2>"$work/faces.err") \
  || { cat "$work/faces.err" >&2; fail "the faces' client failed"; }
printf '%s\n' "$out" | sed 's/^/   | /'
[ "$(printf '%s\n' "$out" | tail -n 1)" = "faces: ok" ] || fail "faces: no 'faces: ok' line"

echo "check_install: ok"

#!/usr/bin/env bash
# Installs the native dependencies when missing. For the tensor engine, when no libtorch is found: Debian's
# libtorch-dev (CPU) and OpenBLAS (without it libtorch uses the reference BLAS, ~13x slower). Skips everything when libtorch is already there
# ($LIBTORCH, an installed PyTorch, or /usr/include/torch); and the image decoders' libraries.
set -euo pipefail
have_torch() {
  [ -n "${LIBTORCH:-}" ] && [ -d "$LIBTORCH/include" ] && return 0
  python3 -c "import torch" >/dev/null 2>&1 && return 0
  [ -d /usr/include/torch ] && return 0
  return 1
}
need=()
have_torch || need+=(libtorch-dev)
if [ -d /usr/include/torch ] || [[ " ${need[*]-} " == *" libtorch-dev "* ]]; then
  dpkg -s libopenblas0-pthread >/dev/null 2>&1 || need+=(libopenblas0-pthread)
fi
# Image decoding (BlairClip.Images) calls these shared libraries directly.
known_libs=$(ldconfig -p 2>/dev/null || true)
for lib in libturbojpeg.so.0:libturbojpeg0 libpng16.so.16:libpng16-16 libwebp.so.7:libwebp7; do
  grep -q "${lib%%:*}" <<< "$known_libs" || need+=("${lib##*:}")
done
command -v cmake >/dev/null 2>&1 || need+=(cmake)
command -v g++ >/dev/null 2>&1 || need+=(g++)
if [ ${#need[@]} -gt 0 ]; then
  echo "install-deps: installing ${need[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

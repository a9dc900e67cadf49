#!/usr/bin/env bash
# Installs, when missing, the Debian libraries that image decoding (BlairClip.Images) calls directly: libturbojpeg,
# libpng and libwebp. Tensors need nothing from the system: TorchSharp's NuGet packages bring libtorch.
set -euo pipefail
need=()
known_libs=$(ldconfig -p 2>/dev/null || true)
for lib in libturbojpeg.so.0:libturbojpeg0 libpng16.so.16:libpng16-16 libwebp.so.7:libwebp7; do
  grep -q "${lib%%:*}" <<< "$known_libs" || need+=("${lib##*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "install-deps: installing ${need[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

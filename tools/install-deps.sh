#!/usr/bin/env bash
# Installs, when missing, the Debian packages the project calls directly: libturbojpeg, libpng and libwebp for image
# decoding (BlairClip.Images). With --test, also chromium for the browser tests (the run report and the serve page,
# driven by Playwright with ExecutablePath; Playwright's own browser download is never used). Tensors need nothing
# from the system: TorchSharp's NuGet packages bring libtorch.
set -euo pipefail
need=()
known_libs=$(ldconfig -p 2>/dev/null || true)
for lib in libturbojpeg.so.0:libturbojpeg0 libpng16.so.16:libpng16-16 libwebp.so.7:libwebp7; do
  grep -q "${lib%%:*}" <<< "$known_libs" || need+=("${lib##*:}")
done
if [ "${1:-}" = "--test" ] && [ ! -x /usr/bin/chromium ]; then need+=(chromium); fi
if [ ${#need[@]} -gt 0 ]; then
  echo "install-deps: installing ${need[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

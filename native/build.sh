#!/usr/bin/env bash
# Builds native/build/libblairclip_torch.so against the first libtorch found:
#   1. $LIBTORCH (a folder with include/ and lib/)
#   2. the libtorch inside an installed PyTorch (python3 -c "import torch")
#   3. Debian's libtorch-dev (/usr/include/torch, CPU only)
# Re-running is cheap: CMake/Ninja rebuild only what changed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$here/build"
python="${PYTHON:-python3}"

source_name="" include="" lib="" abi="1"
if [[ -n "${LIBTORCH:-}" ]]; then
  [[ -d "$LIBTORCH/include" && -d "$LIBTORCH/lib" ]] || { echo "LIBTORCH=$LIBTORCH has no include/ and lib/" >&2; exit 1; }
  source_name="LIBTORCH=$LIBTORCH" include="$LIBTORCH/include" lib="$LIBTORCH/lib"
  # A libtorch zip from pytorch.org names its ABI in the file name; the header says it for certain.
  if grep -qs "_GLIBCXX_USE_CXX11_ABI 0" "$LIBTORCH/share/cmake/Torch/TorchConfig.cmake" 2>/dev/null; then abi=0; fi
  abi="${LIBTORCH_CXX11_ABI:-$abi}"
elif torch_dir="$("$python" -c 'import torch, os; print(os.path.dirname(torch.__file__))' 2>/dev/null)" && [[ -d "$torch_dir/include" ]]; then
  source_name="PyTorch at $torch_dir"
  include="$torch_dir/include" lib="$torch_dir/lib"
  abi="$("$python" -c 'import torch; print(int(torch.compiled_with_cxx11_abi()))')"
elif [[ -d /usr/include/torch ]]; then
  source_name="Debian libtorch-dev"
  include="/usr/include" lib="/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)"
else
  cat >&2 <<'MSG'
No libtorch found. Install one of:
  - Debian/Ubuntu (CPU): sudo apt-get install libtorch-dev libopenblas0-pthread
  - PyTorch (CPU or CUDA): pip install torch
  - or set LIBTORCH to an unpacked libtorch folder (with include/ and lib/)
MSG
  exit 1
fi

echo "blairclip_torch: using libtorch from $source_name (include $include, lib $lib, cxx11 abi $abi)"
generator=()
if command -v ninja >/dev/null 2>&1 && [[ ! -f "$build/Makefile" ]]; then generator=(-G Ninja); fi
cmake -S "$here" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DLIBTORCH_INCLUDE="$include" -DLIBTORCH_LIB="$lib" -DLIBTORCH_CXX11_ABI="$abi" >/dev/null
cmake --build "$build" -j "${JOBS:-2}"
echo "blairclip_torch: built $build/libblairclip_torch.so"

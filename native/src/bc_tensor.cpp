// Translation unit 1: runtime (errors, version, seeds, threads, CUDA, autocast, benchmark) and tensors
// (factories, metadata, copies, views, indexing).
#include "bc_internal.h"
#include "bc_runtime.h"
#include "bc_tensor.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <ATen/autocast_mode.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <ATen/ops/arange.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/full.h>
#include <ATen/ops/ones.h>
#include <ATen/ops/rand.h>
#include <ATen/ops/randint.h>
#include <ATen/ops/randn.h>
#include <ATen/ops/stack.h>
#include <ATen/ops/where.h>
#include <ATen/ops/zeros.h>
#include <ATen/ops/matmul.h>
#include <c10/core/GradMode.h>
#include <torch/version.h>

#include <chrono>
#include <cstring>

namespace {
thread_local std::string g_error;
thread_local bool g_has_error = false;
thread_local std::string g_text;
}  // namespace

void bc::set_error(const char* message) {
  g_error = message;
  g_has_error = true;
}

// ---- runtime ---------------------------------------------------------------------------------------------------

BC_API int32_t bc_version(void) { return BC_ABI_VERSION; }

BC_API const char* bc_torch_version(void) { return TORCH_VERSION; }

BC_API const char* bc_last_error(void) { return g_has_error ? g_error.c_str() : nullptr; }

BC_API void bc_clear_error(void) {
  g_has_error = false;
  g_error.clear();
}

BC_API const char* bc_show_config(void) {
  BC_TRY(nullptr, g_text = at::show_config(); return g_text.c_str();)
}

BC_API int32_t bc_manual_seed(int64_t seed) { BC_STATUS(at::manual_seed(static_cast<uint64_t>(seed));) }

BC_API int32_t bc_set_num_threads(int32_t n) { BC_STATUS(at::set_num_threads(n);) }

BC_API int32_t bc_get_num_threads(void) { BC_TRY(-1, return at::get_num_threads();) }

BC_API int32_t bc_cuda_is_available(void) { BC_TRY(-1, return at::hasCUDA() ? 1 : 0;) }

BC_API int32_t bc_cuda_device_count(void) {
  BC_TRY(-1, return at::hasCUDA() ? at::detail::getCUDAHooks().getNumGPUs() : 0;)
}

BC_API int32_t bc_cuda_synchronize(int32_t device_index) {
  BC_STATUS(TORCH_CHECK(at::hasCUDA(), "CUDA is not available in this libtorch build");
            at::detail::getCUDAHooks().deviceSynchronize(device_index);)
}

// libtorch 2.4 replaced the per-backend autocast setters with device-typed ones; both are kept behind the version.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define BC_AUTOCAST_DEVICE_API 1
#else
#define BC_AUTOCAST_DEVICE_API 0
#endif

namespace {
int32_t autocast_set(c10::DeviceType type, at::ScalarType dtype, bool enabled) {
  TORCH_CHECK(type == c10::DeviceType::CUDA || type == c10::DeviceType::CPU,
              "autocast supports cpu and cuda, got device type ", static_cast<int>(type));
#if BC_AUTOCAST_DEVICE_API
  bool previous = at::autocast::is_autocast_enabled(type);
  if (enabled) at::autocast::set_autocast_dtype(type, dtype);
  at::autocast::set_autocast_enabled(type, enabled);
#else
  bool previous;
  if (type == c10::DeviceType::CUDA) {
    previous = at::autocast::is_enabled();
    if (enabled) at::autocast::set_autocast_gpu_dtype(dtype);
    at::autocast::set_enabled(enabled);
  } else {
    previous = at::autocast::is_cpu_enabled();
    if (enabled) at::autocast::set_autocast_cpu_dtype(dtype);
    at::autocast::set_cpu_enabled(enabled);
  }
#endif
  return previous ? 1 : 0;
}
}  // namespace

BC_API int32_t bc_autocast_enter(int32_t device_type, int32_t dtype, int32_t* previous_enabled) {
  BC_STATUS(*previous_enabled = autocast_set(static_cast<c10::DeviceType>(device_type),
                                             static_cast<at::ScalarType>(dtype), true);
            at::autocast::increment_nesting();)
}

BC_API int32_t bc_autocast_exit(int32_t device_type, int32_t previous_enabled) {
  // The cast cache must be cleared when the outermost scope closes, as torch.autocast does.
  BC_STATUS(if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
            autocast_set(static_cast<c10::DeviceType>(device_type), at::kFloat, previous_enabled != 0);)
}

BC_API int32_t bc_bench_matmul(int64_t n, int32_t iterations, int32_t dtype, int32_t device_type,
                               int32_t device_index, double* seconds) {
  BC_STATUS(
      c10::AutoGradMode no_grad(false);
      auto opts = bc::options(dtype, device_type, device_index);
      auto a = at::randn({n, n}, opts);
      auto b = at::randn({n, n}, opts);
      auto c = at::matmul(a, b);
      auto sync = [&] {
        if (device_type == static_cast<int32_t>(c10::DeviceType::CUDA))
          at::detail::getCUDAHooks().deviceSynchronize(device_index);
      };
      sync();
      auto start = std::chrono::steady_clock::now();
      for (int32_t i = 0; i < iterations; i++) c = at::matmul(a, b);
      sync();
      *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();)
}

// ---- factories -------------------------------------------------------------------------------------------------

BC_API void bc_dispose(bc_tensor t) { delete static_cast<at::Tensor*>(t); }

BC_API bc_tensor bc_factory(int32_t kind, const int64_t* shape, int32_t ndim, double value, int32_t dtype,
                            int32_t device_type, int32_t device_index, int32_t requires_grad) {
  BC_TRY(nullptr,
      auto opts = bc::options(dtype, device_type, device_index);
      auto size = bc::dims(shape, ndim);
      at::Tensor t;
      switch (kind) {
        case 0: t = at::empty(size, opts); break;
        case 1: t = at::zeros(size, opts); break;
        case 2: t = at::ones(size, opts); break;
        case 3: t = at::full(size, value, opts); break;
        case 4: t = at::rand(size, opts); break;
        case 5: t = at::randn(size, opts); break;
        default: TORCH_CHECK(false, "unknown factory kind ", kind);
      }
      if (requires_grad) t.requires_grad_(true);
      return bc::wrap(t);)
}

BC_API bc_tensor bc_randint(int64_t low, int64_t high, const int64_t* shape, int32_t ndim, int32_t dtype,
                            int32_t device_type, int32_t device_index) {
  BC_TENSOR(at::randint(low, high, bc::dims(shape, ndim), bc::options(dtype, device_type, device_index)))
}

BC_API bc_tensor bc_arange(double start, double end, double step, int32_t dtype, int32_t device_type,
                           int32_t device_index) {
  BC_TENSOR(at::arange(start, end, step, bc::options(dtype, device_type, device_index)))
}

BC_API bc_tensor bc_from_data(const void* data, int64_t nbytes, const int64_t* shape, int32_t ndim, int32_t dtype,
                              int32_t device_type, int32_t device_index, int32_t requires_grad) {
  BC_TRY(nullptr,
      auto t = at::empty(bc::dims(shape, ndim), at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype)));
      int64_t expected = t.numel() * static_cast<int64_t>(t.element_size());
      TORCH_CHECK(nbytes == expected, "from_data: shape ", t.sizes(), " of ", t.scalar_type(), " needs ", expected,
                  " bytes, got ", nbytes);
      if (nbytes > 0) std::memcpy(t.data_ptr(), data, static_cast<size_t>(nbytes));
      auto dev = bc::device(device_type, device_index);
      if (dev != t.device()) t = t.to(dev);
      if (requires_grad) t.requires_grad_(true);
      return bc::wrap(t);)
}

// ---- metadata and copies ---------------------------------------------------------------------------------------

BC_API int32_t bc_ndim(bc_tensor t) { BC_TRY(-1, return static_cast<int32_t>(bc::T(t).dim());) }

BC_API int32_t bc_shape(bc_tensor t, int64_t* out, int32_t capacity) {
  BC_TRY(-1,
      auto sizes = bc::T(t).sizes();
      TORCH_CHECK(static_cast<int32_t>(sizes.size()) <= capacity, "shape buffer too small");
      for (size_t i = 0; i < sizes.size(); i++) out[i] = sizes[i];
      return static_cast<int32_t>(sizes.size());)
}

BC_API int64_t bc_numel(bc_tensor t) { BC_TRY(-1, return bc::T(t).numel();) }

BC_API int32_t bc_dtype(bc_tensor t) { BC_TRY(-1, return static_cast<int32_t>(bc::T(t).scalar_type());) }

BC_API int32_t bc_device(bc_tensor t, int32_t* device_type, int32_t* device_index) {
  BC_STATUS(auto d = bc::T(t).device(); *device_type = static_cast<int32_t>(d.type());
            *device_index = d.has_index() ? d.index() : (d.is_cpu() ? 0 : -1);)
}

BC_API int32_t bc_requires_grad(bc_tensor t) { BC_TRY(-1, return bc::T(t).requires_grad() ? 1 : 0;) }

BC_API int32_t bc_set_requires_grad(bc_tensor t, int32_t value) { BC_STATUS(bc::T(t).requires_grad_(value != 0);) }

BC_API int32_t bc_is_leaf(bc_tensor t) { BC_TRY(-1, return bc::T(t).is_leaf() ? 1 : 0;) }

BC_API int32_t bc_copy_to_host(bc_tensor t, void* dst, int64_t nbytes) {
  BC_STATUS(
      auto c = bc::T(t).detach().to(at::kCPU).contiguous();
      int64_t have = c.numel() * static_cast<int64_t>(c.element_size());
      TORCH_CHECK(have == nbytes, "copy_to_host: tensor of shape ", c.sizes(), " and dtype ", c.scalar_type(),
                  " holds ", have, " bytes, destination has ", nbytes);
      if (nbytes > 0) std::memcpy(dst, c.data_ptr(), static_cast<size_t>(nbytes));)
}

BC_API int32_t bc_item(bc_tensor t, double* out) { BC_STATUS(*out = bc::T(t).item<double>();) }

BC_API bc_tensor bc_to(bc_tensor t, int32_t dtype, int32_t device_type, int32_t device_index, int32_t copy) {
  BC_TRY(nullptr,
      auto& x = bc::T(t);
      auto st = dtype < 0 ? x.scalar_type() : static_cast<at::ScalarType>(dtype);
      auto dev = device_type < 0 ? x.device() : bc::device(device_type, device_index);
      return bc::wrap(x.to(dev, st, false, copy != 0));)
}

BC_API bc_tensor bc_alias(bc_tensor t) { BC_TENSOR(bc::T(t)) }

// ---- views ------------------------------------------------------------------------------------------------------

BC_API bc_tensor bc_reshape(bc_tensor t, const int64_t* s, int32_t n) { BC_TENSOR(bc::T(t).reshape(bc::dims(s, n))) }
BC_API bc_tensor bc_view(bc_tensor t, const int64_t* s, int32_t n) { BC_TENSOR(bc::T(t).view(bc::dims(s, n))) }
BC_API bc_tensor bc_permute(bc_tensor t, const int64_t* d, int32_t n) { BC_TENSOR(bc::T(t).permute(bc::dims(d, n))) }
BC_API bc_tensor bc_expand(bc_tensor t, const int64_t* s, int32_t n) { BC_TENSOR(bc::T(t).expand(bc::dims(s, n))) }
BC_API bc_tensor bc_repeat(bc_tensor t, const int64_t* r, int32_t n) { BC_TENSOR(bc::T(t).repeat(bc::dims(r, n))) }
BC_API bc_tensor bc_transpose(bc_tensor t, int64_t d0, int64_t d1) { BC_TENSOR(bc::T(t).transpose(d0, d1)) }
BC_API bc_tensor bc_squeeze(bc_tensor t, int64_t dim, int32_t has_dim) {
  BC_TENSOR(has_dim ? bc::T(t).squeeze(dim) : bc::T(t).squeeze())
}
BC_API bc_tensor bc_unsqueeze(bc_tensor t, int64_t dim) { BC_TENSOR(bc::T(t).unsqueeze(dim)) }
BC_API bc_tensor bc_flatten(bc_tensor t, int64_t s, int64_t e) { BC_TENSOR(bc::T(t).flatten(s, e)) }
BC_API bc_tensor bc_contiguous(bc_tensor t) { BC_TENSOR(bc::T(t).contiguous()) }
BC_API bc_tensor bc_clone(bc_tensor t) { BC_TENSOR(bc::T(t).clone()) }
BC_API bc_tensor bc_detach(bc_tensor t) { BC_TENSOR(bc::T(t).detach()) }
BC_API bc_tensor bc_cat(const bc_tensor* ts, int32_t n, int64_t dim) { BC_TENSOR(at::cat(bc::list(ts, n), dim)) }
BC_API bc_tensor bc_stack(const bc_tensor* ts, int32_t n, int64_t dim) { BC_TENSOR(at::stack(bc::list(ts, n), dim)) }

BC_API int32_t bc_chunk(bc_tensor t, int64_t chunks, int64_t dim, bc_tensor* out) {
  BC_TRY(-1,
      auto parts = bc::T(t).chunk(chunks, dim);
      for (size_t i = 0; i < parts.size(); i++) out[i] = bc::wrap(parts[i]);
      return static_cast<int32_t>(parts.size());)
}

// ---- indexing ---------------------------------------------------------------------------------------------------

BC_API bc_tensor bc_select(bc_tensor t, int64_t dim, int64_t i) { BC_TENSOR(bc::T(t).select(dim, i)) }
BC_API bc_tensor bc_narrow(bc_tensor t, int64_t dim, int64_t s, int64_t l) { BC_TENSOR(bc::T(t).narrow(dim, s, l)) }
BC_API bc_tensor bc_slice(bc_tensor t, int64_t dim, int64_t s, int64_t e, int64_t step) {
  BC_TENSOR(bc::T(t).slice(dim, s, e, step))
}
BC_API bc_tensor bc_index_select(bc_tensor t, int64_t dim, bc_tensor i) { BC_TENSOR(bc::T(t).index_select(dim, bc::T(i))) }
BC_API bc_tensor bc_gather(bc_tensor t, int64_t dim, bc_tensor i) { BC_TENSOR(bc::T(t).gather(dim, bc::T(i))) }
BC_API bc_tensor bc_masked_fill(bc_tensor t, bc_tensor m, double v) { BC_TENSOR(bc::T(t).masked_fill(bc::T(m), v)) }
BC_API bc_tensor bc_where(bc_tensor c, bc_tensor a, bc_tensor b) { BC_TENSOR(at::where(bc::T(c), bc::T(a), bc::T(b))) }
BC_API bc_tensor bc_tril(bc_tensor t, int64_t d) { BC_TENSOR(bc::T(t).tril(d)) }
BC_API bc_tensor bc_triu(bc_tensor t, int64_t d) { BC_TENSOR(bc::T(t).triu(d)) }

BC_API int32_t bc_topk(bc_tensor t, int64_t k, int64_t dim, int32_t largest, int32_t sorted, bc_tensor* values,
                       bc_tensor* indices) {
  BC_STATUS(auto r = bc::T(t).topk(k, dim, largest != 0, sorted != 0); *values = bc::wrap(std::get<0>(r));
            *indices = bc::wrap(std::get<1>(r));)
}

BC_API int32_t bc_sort(bc_tensor t, int64_t dim, int32_t descending, bc_tensor* values, bc_tensor* indices) {
  BC_STATUS(auto r = bc::T(t).sort(dim, descending != 0); *values = bc::wrap(std::get<0>(r));
            *indices = bc::wrap(std::get<1>(r));)
}

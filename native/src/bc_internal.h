// Internal helpers shared by the shim's translation units: the one catch macro and handle conversions.
#pragma once
#include <ATen/core/Tensor.h>
#include <c10/util/Exception.h>
#include <string>
#include <vector>
#include "bc_common.h"

namespace bc {
void set_error(const char* message);

inline at::Tensor& T(bc_tensor h) {
  TORCH_CHECK(h != nullptr, "tensor handle is null (disposed or never created)");
  return *static_cast<at::Tensor*>(h);
}
inline c10::optional<at::Tensor> opt(bc_tensor h) {
  if (h == nullptr) return c10::nullopt;
  return *static_cast<at::Tensor*>(h);
}
inline bc_tensor wrap(at::Tensor t) { return new at::Tensor(std::move(t)); }
inline at::IntArrayRef dims(const int64_t* p, int32_t n) { return at::IntArrayRef(p, static_cast<size_t>(n)); }
inline at::Device device(int32_t type, int32_t index) {
  return at::Device(static_cast<c10::DeviceType>(type), static_cast<c10::DeviceIndex>(index));
}
inline at::TensorOptions options(int32_t dtype, int32_t device_type, int32_t device_index) {
  return at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype)).device(device(device_type, device_index));
}
inline std::vector<at::Tensor> list(const bc_tensor* handles, int32_t count) {
  std::vector<at::Tensor> v;
  v.reserve(count);
  for (int32_t i = 0; i < count; i++) v.push_back(T(handles[i]));
  return v;
}
}  // namespace bc

// The one catch macro: every exported body runs inside it, so no C++ exception crosses the C ABI.
#define BC_TRY(fail_value, ...)                                  \
  try {                                                          \
    __VA_ARGS__                                                  \
  } catch (const c10::Error& e) {                                \
    bc::set_error(e.what_without_backtrace());                   \
    return fail_value;                                           \
  } catch (const std::exception& e) {                            \
    bc::set_error(e.what());                                     \
    return fail_value;                                           \
  } catch (...) {                                                \
    bc::set_error("unknown native exception");                   \
    return fail_value;                                           \
  }

#define BC_TENSOR(expr) BC_TRY(nullptr, return bc::wrap(expr);)
#define BC_STATUS(...) BC_TRY(-1, __VA_ARGS__ return 0;)

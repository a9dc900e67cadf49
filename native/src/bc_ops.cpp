// Translation unit 2: math (elementwise, reductions, linear algebra), neural-network functions, autograd
// and optimizer steps.
#include "bc_internal.h"
#include "bc_nn.h"
#include "bc_ops.h"

#include <ATen/ops/addmm.h>
#include <ATen/ops/baddbmm.h>
#include <ATen/ops/bmm.h>
#include <ATen/ops/conv2d.h>
#include <ATen/ops/cross_entropy_loss.h>
#include <ATen/ops/dropout.h>
#include <ATen/ops/embedding.h>
#include <ATen/ops/layer_norm.h>
#include <ATen/ops/linalg_vector_norm.h>
#include <ATen/ops/linear.h>
#include <ATen/ops/logsumexp.h>
#include <ATen/ops/matmul.h>
#include <ATen/ops/mm.h>
#include <ATen/ops/mse_loss.h>
#include <ATen/ops/ones.h>
#include <ATen/ops/stack.h>
#include <ATen/ops/zeros.h>
#include <ATen/ops/full.h>
#include <ATen/ops/gelu.h>
#include <ATen/ops/relu.h>
#include <ATen/ops/silu.h>
#include <ATen/ops/where.h>
#include <c10/core/GradMode.h>
#include <torch/version.h>

// ATen exposes scaled_dot_product_attention publicly from 2.0; older libtorch uses the composed fallback.
#if TORCH_VERSION_MAJOR >= 2
#include <ATen/ops/scaled_dot_product_attention.h>
#define BC_NATIVE_SDPA 1
#else
#define BC_NATIVE_SDPA 0
#endif

#include <cmath>

namespace {
at::Scalar scalar(double v, int32_t integral) {
  return integral ? at::Scalar(static_cast<int64_t>(v)) : at::Scalar(v);
}

at::Tensor unary(const at::Tensor& t, int32_t op) {
  switch (op) {
    case 0: return t.neg();
    case 1: return t.exp();
    case 2: return t.log();
    case 3: return t.sqrt();
    case 4: return t.rsqrt();
    case 5: return t.tanh();
    case 6: return t.sigmoid();
    case 7: return at::relu(t);
    case 8: return at::gelu(t, "none");
    case 9: return at::gelu(t, "tanh");
    case 10: return t.abs();
    case 11: return t.sin();
    case 12: return t.cos();
    case 13: return t.floor();
    case 14: return t.ceil();
    case 15: return t.round();
    case 16: return t.sign();
    case 17: return t.erf();
    case 18: return t.logical_not();
    case 19: return t.isfinite();
    case 20: return t.isnan();
    case 21: return t.square();
    case 22: return at::silu(t);
    case 23: return t.log1p();
    case 24: return t.expm1();
    case 25: return t.reciprocal();
    default: TORCH_CHECK(false, "unknown unary op ", op);
  }
}

at::Tensor binary(const at::Tensor& a, const at::Tensor& b, int32_t op) {
  switch (op) {
    case 0: return a.add(b);
    case 1: return a.sub(b);
    case 2: return a.mul(b);
    case 3: return a.div(b);
    case 4: return a.pow(b);
    case 5: return a.eq(b);
    case 6: return a.ne(b);
    case 7: return a.lt(b);
    case 8: return a.le(b);
    case 9: return a.gt(b);
    case 10: return a.ge(b);
    case 11: return a.maximum(b);
    case 12: return a.minimum(b);
    case 13: return a.logical_and(b);
    case 14: return a.logical_or(b);
    case 15: return a.remainder(b);
    case 16: return a.div(b, "floor");
    default: TORCH_CHECK(false, "unknown binary op ", op);
  }
}

at::Tensor binary_scalar(const at::Tensor& a, const at::Scalar& s, int32_t op) {
  switch (op) {
    case 0: return a.add(s);
    case 1: return a.sub(s);
    case 2: return a.mul(s);
    case 3: return a.div(s);
    case 4: return a.pow(s);
    case 5: return a.eq(s);
    case 6: return a.ne(s);
    case 7: return a.lt(s);
    case 8: return a.le(s);
    case 9: return a.gt(s);
    case 10: return a.ge(s);
    case 11: return a.clamp_min(s);
    case 12: return a.clamp_max(s);
    case 15: return a.remainder(s);
    case 16: return a.div(s, "floor");
    case 20: return a.neg().add(s);                         // s - a
    case 21: return a.reciprocal().mul(s);                  // s / a
    case 22: return at::full({}, s, a.options()).pow(a);     // s ** a
    default: TORCH_CHECK(false, "unknown scalar op ", op);
  }
}

std::vector<int64_t> all_dims(const at::Tensor& t) {
  std::vector<int64_t> d(static_cast<size_t>(t.dim()));
  for (int64_t i = 0; i < t.dim(); i++) d[static_cast<size_t>(i)] = i;
  return d;
}

at::Tensor reduce(const at::Tensor& t, int32_t op, const int64_t* dims, int32_t ndims, int32_t keepdim) {
  std::vector<int64_t> d = ndims < 0 ? all_dims(t) : std::vector<int64_t>(dims, dims + ndims);
  bool keep = keepdim != 0;
  switch (op) {
    case 0: return ndims < 0 && !keep ? t.sum() : t.sum(d, keep);
    case 1: return ndims < 0 && !keep ? t.mean() : t.mean(d, keep);
    case 2: return t.amax(d, keep);
    case 3: return t.amin(d, keep);
    case 4: return at::logsumexp(t, d, keep);
    case 5: return t.std(at::OptionalIntArrayRef(d), /*unbiased*/ true, keep);
    case 6: return t.var(at::OptionalIntArrayRef(d), /*unbiased*/ true, keep);
    case 7:
      TORCH_CHECK(ndims < 0, "any over a dims list is not supported; reduce one dim at a time");
      return t.any();
    case 8:
      TORCH_CHECK(ndims < 0, "all over a dims list is not supported; reduce one dim at a time");
      return t.all();
    default: TORCH_CHECK(false, "unknown reduce op ", op);
  }
}

// softmax(q k^T * scale + mask) v, the definition the fused kernels implement.
at::Tensor sdpa_composed(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                         const c10::optional<at::Tensor>& mask, double dropout_p, bool is_causal, double scale) {
  auto scores = at::matmul(q, k.transpose(-2, -1)).mul(scale);
  if (is_causal) {
    auto L = q.size(-2), S = k.size(-2);
    auto causal = at::ones({L, S}, q.options().dtype(at::kBool)).tril();
    scores = scores.masked_fill(causal.logical_not(), -std::numeric_limits<double>::infinity());
  }
  if (mask.has_value()) {
    if (mask->scalar_type() == at::kBool)
      scores = scores.masked_fill(mask->logical_not(), -std::numeric_limits<double>::infinity());
    else
      scores = scores.add(*mask);
  }
  auto attn = scores.softmax(-1);
  if (dropout_p > 0) attn = at::dropout(attn, dropout_p, true);
  return at::matmul(attn, v);
}
}  // namespace

// ---- math -------------------------------------------------------------------------------------------------------

BC_API bc_tensor bc_unary(bc_tensor t, int32_t op) { BC_TENSOR(unary(bc::T(t), op)) }
BC_API bc_tensor bc_binary(bc_tensor a, bc_tensor b, int32_t op) { BC_TENSOR(binary(bc::T(a), bc::T(b), op)) }
BC_API bc_tensor bc_binary_scalar(bc_tensor a, double s, int32_t integral, int32_t op) {
  BC_TENSOR(binary_scalar(bc::T(a), scalar(s, integral), op))
}

BC_API int32_t bc_inplace_binary(bc_tensor a, bc_tensor b, int32_t op) {
  BC_STATUS(
      auto& x = bc::T(a); auto& y = bc::T(b);
      switch (op) {
        case 0: x.add_(y); break;
        case 1: x.sub_(y); break;
        case 2: x.mul_(y); break;
        case 3: x.div_(y); break;
        case 30: x.copy_(y); break;
        default: TORCH_CHECK(false, "unknown in-place op ", op);
      })
}

BC_API int32_t bc_inplace_scalar(bc_tensor a, double s, int32_t op) {
  BC_STATUS(
      auto& x = bc::T(a);
      switch (op) {
        case 0: x.add_(s); break;
        case 1: x.sub_(s); break;
        case 2: x.mul_(s); break;
        case 3: x.div_(s); break;
        case 31: x.fill_(s); break;
        case 32: x.zero_(); break;
        case 33: x.uniform_(-s, s); break;
        case 34: x.normal_(0.0, s); break;
        default: TORCH_CHECK(false, "unknown in-place scalar op ", op);
      })
}

BC_API bc_tensor bc_reduce(bc_tensor t, int32_t op, const int64_t* dims, int32_t ndims, int32_t keepdim) {
  BC_TENSOR(reduce(bc::T(t), op, dims, ndims, keepdim))
}

BC_API int32_t bc_minmax_dim(bc_tensor t, int32_t op, int64_t dim, int32_t keepdim, bc_tensor* values,
                             bc_tensor* indices) {
  BC_STATUS(auto r = op == 0 ? bc::T(t).max(dim, keepdim != 0) : bc::T(t).min(dim, keepdim != 0);
            *values = bc::wrap(std::get<0>(r)); *indices = bc::wrap(std::get<1>(r));)
}

BC_API bc_tensor bc_argminmax(bc_tensor t, int32_t op, int64_t dim, int32_t has_dim, int32_t keepdim) {
  BC_TRY(nullptr,
      c10::optional<int64_t> d = has_dim ? c10::optional<int64_t>(dim) : c10::nullopt;
      return bc::wrap(op == 0 ? bc::T(t).argmax(d, keepdim != 0) : bc::T(t).argmin(d, keepdim != 0));)
}

BC_API bc_tensor bc_norm(bc_tensor t, double p, const int64_t* dims, int32_t ndims, int32_t keepdim) {
  BC_TRY(nullptr,
      at::OptionalIntArrayRef d = ndims < 0 ? at::OptionalIntArrayRef() : at::OptionalIntArrayRef(bc::dims(dims, ndims));
      return bc::wrap(at::linalg_vector_norm(bc::T(t), p, d, keepdim != 0));)
}

BC_API bc_tensor bc_cumsum(bc_tensor t, int64_t dim) { BC_TENSOR(bc::T(t).cumsum(dim)) }

BC_API bc_tensor bc_clamp(bc_tensor t, double mn, int32_t has_min, double mx, int32_t has_max) {
  BC_TRY(nullptr,
      c10::optional<at::Scalar> lo = has_min ? c10::optional<at::Scalar>(mn) : c10::nullopt;
      c10::optional<at::Scalar> hi = has_max ? c10::optional<at::Scalar>(mx) : c10::nullopt;
      return bc::wrap(bc::T(t).clamp(lo, hi));)
}

BC_API bc_tensor bc_matmul(bc_tensor a, bc_tensor b) { BC_TENSOR(at::matmul(bc::T(a), bc::T(b))) }
BC_API bc_tensor bc_mm(bc_tensor a, bc_tensor b) { BC_TENSOR(at::mm(bc::T(a), bc::T(b))) }
BC_API bc_tensor bc_bmm(bc_tensor a, bc_tensor b) { BC_TENSOR(at::bmm(bc::T(a), bc::T(b))) }
BC_API bc_tensor bc_addmm(bc_tensor i, bc_tensor a, bc_tensor b, double beta, double alpha) {
  BC_TENSOR(at::addmm(bc::T(i), bc::T(a), bc::T(b), beta, alpha))
}
BC_API bc_tensor bc_baddbmm(bc_tensor i, bc_tensor a, bc_tensor b, double beta, double alpha) {
  BC_TENSOR(at::baddbmm(bc::T(i), bc::T(a), bc::T(b), beta, alpha))
}
BC_API bc_tensor bc_softmax(bc_tensor t, int64_t dim) { BC_TENSOR(bc::T(t).softmax(dim)) }
BC_API bc_tensor bc_log_softmax(bc_tensor t, int64_t dim) { BC_TENSOR(bc::T(t).log_softmax(dim)) }

// ---- nn ---------------------------------------------------------------------------------------------------------

BC_API bc_tensor bc_linear(bc_tensor x, bc_tensor w, bc_tensor b) { BC_TENSOR(at::linear(bc::T(x), bc::T(w), bc::opt(b))) }

BC_API bc_tensor bc_layer_norm(bc_tensor x, const int64_t* shape, int32_t ndim, bc_tensor w, bc_tensor b, double eps) {
  BC_TENSOR(at::layer_norm(bc::T(x), bc::dims(shape, ndim), bc::opt(w), bc::opt(b), eps))
}

BC_API bc_tensor bc_embedding(bc_tensor w, bc_tensor idx, int64_t padding_idx) {
  BC_TENSOR(at::embedding(bc::T(w), bc::T(idx), padding_idx))
}

BC_API bc_tensor bc_conv2d(bc_tensor x, bc_tensor w, bc_tensor b, const int64_t* stride, const int64_t* padding,
                           const int64_t* dilation, int64_t groups) {
  BC_TENSOR(at::conv2d(bc::T(x), bc::T(w), bc::opt(b), bc::dims(stride, 2), bc::dims(padding, 2),
                       bc::dims(dilation, 2), groups))
}

BC_API bc_tensor bc_dropout(bc_tensor x, double p, int32_t train) { BC_TENSOR(at::dropout(bc::T(x), p, train != 0)) }

BC_API bc_tensor bc_cross_entropy(bc_tensor logits, bc_tensor target, int32_t reduction, int64_t ignore_index,
                                  double label_smoothing) {
  BC_TENSOR(at::cross_entropy_loss(bc::T(logits), bc::T(target), c10::nullopt, reduction, ignore_index,
                                   label_smoothing))
}

BC_API bc_tensor bc_mse_loss(bc_tensor input, bc_tensor target, int32_t reduction) {
  BC_TENSOR(at::mse_loss(bc::T(input), bc::T(target), reduction))
}

// x / max(||x||_p, eps) along dim, as torch.nn.functional.normalize.
BC_API bc_tensor bc_normalize(bc_tensor x, double p, int64_t dim, double eps) {
  BC_TRY(nullptr,
      auto& t = bc::T(x);
      int64_t d[1] = {dim};
      auto n = at::linalg_vector_norm(t, p, at::IntArrayRef(d, 1), true).clamp_min(eps).expand_as(t);
      return bc::wrap(t.div(n));)
}

BC_API bc_tensor bc_scaled_dot_product_attention(bc_tensor q, bc_tensor k, bc_tensor v, bc_tensor mask,
                                                 double dropout_p, int32_t is_causal, double scale,
                                                 int32_t has_scale) {
  BC_TRY(nullptr,
      auto& Q = bc::T(q);
      double s = has_scale ? scale : 1.0 / std::sqrt(static_cast<double>(Q.size(-1)));
#if BC_NATIVE_SDPA
#if TORCH_VERSION_MAJOR > 2 || TORCH_VERSION_MINOR >= 1
      return bc::wrap(at::scaled_dot_product_attention(Q, bc::T(k), bc::T(v), bc::opt(mask), dropout_p,
                                                       is_causal != 0, s));
#else
      if (!has_scale)
        return bc::wrap(at::scaled_dot_product_attention(Q, bc::T(k), bc::T(v), bc::opt(mask), dropout_p,
                                                         is_causal != 0));
#endif
#endif
      return bc::wrap(sdpa_composed(Q, bc::T(k), bc::T(v), bc::opt(mask), dropout_p, is_causal != 0, s));)
}

BC_API int32_t bc_sdpa_is_native(void) { return BC_NATIVE_SDPA; }

// ---- autograd ---------------------------------------------------------------------------------------------------

BC_API int32_t bc_backward(bc_tensor t, bc_tensor gradient, int32_t retain_graph) {
  BC_STATUS(auto g = bc::opt(gradient);
            bc::T(t).backward(g.has_value() ? *g : at::Tensor(), retain_graph ? c10::optional<bool>(true)
                                                                              : c10::nullopt);)
}

BC_API int32_t bc_grad(bc_tensor t, bc_tensor* out) {
  BC_STATUS(const auto& g = bc::T(t).grad(); *out = g.defined() ? bc::wrap(g) : nullptr;)
}

BC_API int32_t bc_set_grad(bc_tensor t, bc_tensor gradient) {
  BC_STATUS(if (gradient == nullptr) bc::T(t).mutable_grad().reset();
            else bc::T(t).mutable_grad() = bc::T(gradient);)
}

BC_API int32_t bc_is_grad_enabled(void) { return c10::GradMode::is_enabled() ? 1 : 0; }

BC_API int32_t bc_set_grad_enabled(int32_t enabled) {
  bool previous = c10::GradMode::is_enabled();
  c10::GradMode::set_enabled(enabled != 0);
  return previous ? 1 : 0;
}

// Same definition as torch.nn.utils.clip_grad_norm_: one norm over all gradients, scale by max/(norm+1e-6) if < 1.
BC_API int32_t bc_clip_grad_norm(const bc_tensor* params, int32_t count, double max_norm, double norm_type,
                                 double* total_norm) {
  BC_STATUS(
      c10::AutoGradMode no_grad(false);
      std::vector<at::Tensor> grads;
      for (int32_t i = 0; i < count; i++) {
        const auto& g = bc::T(params[i]).grad();
        if (g.defined()) grads.push_back(g);
      }
      if (grads.empty()) { *total_norm = 0.0; return 0; }
      std::vector<at::Tensor> norms;
      for (auto& g : grads) norms.push_back(at::linalg_vector_norm(g, norm_type).to(grads[0].device()));
      auto total = std::isinf(norm_type) ? at::stack(norms).max() : at::linalg_vector_norm(at::stack(norms), norm_type);
      auto coef = total.add(1e-6).reciprocal().mul(max_norm).clamp_max(1.0);
      for (auto& g : grads) g.mul_(coef.to(g.device()));
      *total_norm = total.item<double>();)
}

// ---- optimizer steps --------------------------------------------------------------------------------------------

// AdamW (Loshchilov & Hutter), as torch.optim.AdamW:
//   p -= lr*wd*p; m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2;
//   p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)
BC_API int32_t bc_adamw_step(bc_tensor param, bc_tensor grad, bc_tensor exp_avg, bc_tensor exp_avg_sq, double lr,
                             double beta1, double beta2, double eps, double weight_decay, int64_t step) {
  BC_STATUS(
      c10::AutoGradMode no_grad(false);
      auto& p = bc::T(param); auto& g = bc::T(grad); auto& m = bc::T(exp_avg); auto& v = bc::T(exp_avg_sq);
      if (weight_decay != 0) p.mul_(1.0 - lr * weight_decay);
      m.lerp_(g, 1.0 - beta1);
      v.mul_(beta2).addcmul_(g, g, 1.0 - beta2);
      double bias1 = 1.0 - std::pow(beta1, static_cast<double>(step));
      double bias2 = 1.0 - std::pow(beta2, static_cast<double>(step));
      auto denom = v.sqrt().div_(std::sqrt(bias2)).add_(eps);
      p.addcdiv_(m, denom, -lr / bias1);)
}

// SGD with momentum/dampening/nesterov and L2 weight decay, as torch.optim.SGD.
BC_API int32_t bc_sgd_step(bc_tensor param, bc_tensor grad, bc_tensor momentum_buffer, double lr, double momentum,
                           double dampening, double weight_decay, int32_t nesterov, int32_t first_step) {
  BC_STATUS(
      c10::AutoGradMode no_grad(false);
      auto& p = bc::T(param);
      auto d = bc::T(grad);
      if (weight_decay != 0) d = d.add(p, weight_decay);
      if (momentum != 0) {
        auto& buf = bc::T(momentum_buffer);
        if (first_step) buf.copy_(d);
        else buf.mul_(momentum).add_(d, 1.0 - dampening);
        d = nesterov ? d.add(buf, momentum) : buf;
      }
      p.add_(d, -lr);)
}

BC_API int32_t bc_amp_unscale(const bc_tensor* grads, int32_t count, bc_tensor found_inf, double inv_scale) {
  BC_STATUS(
      c10::AutoGradMode no_grad(false);
      auto& found = bc::T(found_inf);
      for (int32_t i = 0; i < count; i++) {
        auto& g = bc::T(grads[i]);
        found.add_(g.isfinite().all().logical_not().to(found.scalar_type()).to(found.device()));
        g.mul_(inv_scale);
      })
}

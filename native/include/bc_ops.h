/* Math: elementwise, reductions, linear algebra, in-place updates. */
#ifndef BC_OPS_H
#define BC_OPS_H
#include "bc_common.h"

/* op codes are mirrored by BlairClip.Torch.Interop.UnaryOp / BinaryOp / ReduceOp */
BC_API bc_tensor bc_unary(bc_tensor t, int32_t op);
BC_API bc_tensor bc_binary(bc_tensor a, bc_tensor b, int32_t op);
/* scalar_is_integral keeps integer tensors integral (int64 + 1 stays int64, as in PyTorch) */
BC_API bc_tensor bc_binary_scalar(bc_tensor a, double scalar, int32_t scalar_is_integral, int32_t op);
BC_API int32_t bc_inplace_binary(bc_tensor a, bc_tensor b, int32_t op);
BC_API int32_t bc_inplace_scalar(bc_tensor a, double scalar, int32_t op);
/* ndims < 0 reduces over every dimension */
BC_API bc_tensor bc_reduce(bc_tensor t, int32_t op, const int64_t* dims, int32_t ndims, int32_t keepdim);
/* op 0 max, 1 min: values and indices along dim */
BC_API int32_t bc_minmax_dim(bc_tensor t, int32_t op, int64_t dim, int32_t keepdim, bc_tensor* values,
                             bc_tensor* indices);
/* op 0 argmax, 1 argmin; has_dim == 0 flattens */
BC_API bc_tensor bc_argminmax(bc_tensor t, int32_t op, int64_t dim, int32_t has_dim, int32_t keepdim);
BC_API bc_tensor bc_norm(bc_tensor t, double p, const int64_t* dims, int32_t ndims, int32_t keepdim);
BC_API bc_tensor bc_cumsum(bc_tensor t, int64_t dim);
BC_API bc_tensor bc_clamp(bc_tensor t, double min, int32_t has_min, double max, int32_t has_max);
BC_API bc_tensor bc_matmul(bc_tensor a, bc_tensor b);
BC_API bc_tensor bc_mm(bc_tensor a, bc_tensor b);
BC_API bc_tensor bc_bmm(bc_tensor a, bc_tensor b);
BC_API bc_tensor bc_addmm(bc_tensor input, bc_tensor a, bc_tensor b, double beta, double alpha);
BC_API bc_tensor bc_baddbmm(bc_tensor input, bc_tensor a, bc_tensor b, double beta, double alpha);
BC_API bc_tensor bc_softmax(bc_tensor t, int64_t dim);
BC_API bc_tensor bc_log_softmax(bc_tensor t, int64_t dim);
#endif

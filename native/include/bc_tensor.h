/* Tensors: creation, metadata, conversion, copies, views and indexing. */
#ifndef BC_TENSOR_H
#define BC_TENSOR_H
#include "bc_common.h"

BC_API void bc_dispose(bc_tensor t);
/* kind: 0 empty, 1 zeros, 2 ones, 3 full(value), 4 rand, 5 randn */
BC_API bc_tensor bc_factory(int32_t kind, const int64_t* shape, int32_t ndim, double value, int32_t dtype,
                            int32_t device_type, int32_t device_index, int32_t requires_grad);
BC_API bc_tensor bc_randint(int64_t low, int64_t high, const int64_t* shape, int32_t ndim, int32_t dtype,
                            int32_t device_type, int32_t device_index);
BC_API bc_tensor bc_arange(double start, double end, double step, int32_t dtype, int32_t device_type,
                           int32_t device_index);
/* Copies nbytes of little-endian contiguous data into a new tensor of the given shape and dtype. */
BC_API bc_tensor bc_from_data(const void* data, int64_t nbytes, const int64_t* shape, int32_t ndim, int32_t dtype,
                              int32_t device_type, int32_t device_index, int32_t requires_grad);

BC_API int32_t bc_ndim(bc_tensor t);
BC_API int32_t bc_shape(bc_tensor t, int64_t* out, int32_t capacity);
BC_API int64_t bc_numel(bc_tensor t);
BC_API int32_t bc_dtype(bc_tensor t);
BC_API int32_t bc_device(bc_tensor t, int32_t* device_type, int32_t* device_index);
BC_API int32_t bc_requires_grad(bc_tensor t);
BC_API int32_t bc_set_requires_grad(bc_tensor t, int32_t value);
BC_API int32_t bc_is_leaf(bc_tensor t);
BC_API int32_t bc_copy_to_host(bc_tensor t, void* dst, int64_t nbytes);
BC_API int32_t bc_item(bc_tensor t, double* out);
/* dtype < 0 keeps the dtype, device_type < 0 keeps the device. */
BC_API bc_tensor bc_to(bc_tensor t, int32_t dtype, int32_t device_type, int32_t device_index, int32_t copy);
BC_API bc_tensor bc_alias(bc_tensor t);

/* views */
BC_API bc_tensor bc_reshape(bc_tensor t, const int64_t* shape, int32_t ndim);
BC_API bc_tensor bc_view(bc_tensor t, const int64_t* shape, int32_t ndim);
BC_API bc_tensor bc_permute(bc_tensor t, const int64_t* dims, int32_t ndim);
BC_API bc_tensor bc_expand(bc_tensor t, const int64_t* shape, int32_t ndim);
BC_API bc_tensor bc_repeat(bc_tensor t, const int64_t* repeats, int32_t ndim);
BC_API bc_tensor bc_transpose(bc_tensor t, int64_t dim0, int64_t dim1);
/* has_dim == 0 squeezes every size-1 dimension */
BC_API bc_tensor bc_squeeze(bc_tensor t, int64_t dim, int32_t has_dim);
BC_API bc_tensor bc_unsqueeze(bc_tensor t, int64_t dim);
BC_API bc_tensor bc_flatten(bc_tensor t, int64_t start_dim, int64_t end_dim);
BC_API bc_tensor bc_contiguous(bc_tensor t);
BC_API bc_tensor bc_clone(bc_tensor t);
BC_API bc_tensor bc_detach(bc_tensor t);
BC_API bc_tensor bc_cat(const bc_tensor* tensors, int32_t count, int64_t dim);
BC_API bc_tensor bc_stack(const bc_tensor* tensors, int32_t count, int64_t dim);
/* Writes up to `chunks` handles into out and returns how many were written (-1 on error). */
BC_API int32_t bc_chunk(bc_tensor t, int64_t chunks, int64_t dim, bc_tensor* out);

/* indexing */
BC_API bc_tensor bc_select(bc_tensor t, int64_t dim, int64_t index);
BC_API bc_tensor bc_narrow(bc_tensor t, int64_t dim, int64_t start, int64_t length);
BC_API bc_tensor bc_slice(bc_tensor t, int64_t dim, int64_t start, int64_t end, int64_t step);
BC_API bc_tensor bc_index_select(bc_tensor t, int64_t dim, bc_tensor index);
BC_API bc_tensor bc_gather(bc_tensor t, int64_t dim, bc_tensor index);
BC_API bc_tensor bc_masked_fill(bc_tensor t, bc_tensor mask, double value);
BC_API bc_tensor bc_where(bc_tensor condition, bc_tensor a, bc_tensor b);
BC_API bc_tensor bc_tril(bc_tensor t, int64_t diagonal);
BC_API bc_tensor bc_triu(bc_tensor t, int64_t diagonal);
BC_API int32_t bc_topk(bc_tensor t, int64_t k, int64_t dim, int32_t largest, int32_t sorted, bc_tensor* values,
                       bc_tensor* indices);
BC_API int32_t bc_sort(bc_tensor t, int64_t dim, int32_t descending, bc_tensor* values, bc_tensor* indices);
#endif

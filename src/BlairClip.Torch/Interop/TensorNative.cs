using System.Runtime.InteropServices;

namespace BlairClip.Torch.Interop;

/// <summary>Declarations of native/include/bc_tensor.h. Handles are owned <c>at::Tensor*</c>.</summary>
internal static unsafe partial class TensorNative
{
    private const string L = RuntimeNative.Library;

    [LibraryImport(L)] internal static partial void bc_dispose(IntPtr t);
    [LibraryImport(L)] internal static partial IntPtr bc_factory(int kind, long* shape, int ndim, double value, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(L)] internal static partial IntPtr bc_randint(long low, long high, long* shape, int ndim, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(L)] internal static partial IntPtr bc_arange(double start, double end, double step, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(L)] internal static partial IntPtr bc_from_data(void* data, long nbytes, long* shape, int ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);

    [LibraryImport(L)] internal static partial int bc_ndim(IntPtr t);
    [LibraryImport(L)] internal static partial int bc_shape(IntPtr t, long* output, int capacity);
    [LibraryImport(L)] internal static partial long bc_numel(IntPtr t);
    [LibraryImport(L)] internal static partial int bc_dtype(IntPtr t);
    [LibraryImport(L)] internal static partial int bc_device(IntPtr t, out int deviceType, out int deviceIndex);
    [LibraryImport(L)] internal static partial int bc_requires_grad(IntPtr t);
    [LibraryImport(L)] internal static partial int bc_set_requires_grad(IntPtr t, int value);
    [LibraryImport(L)] internal static partial int bc_is_leaf(IntPtr t);
    [LibraryImport(L)] internal static partial int bc_copy_to_host(IntPtr t, void* destination, long nbytes);
    [LibraryImport(L)] internal static partial int bc_item(IntPtr t, out double value);
    [LibraryImport(L)] internal static partial IntPtr bc_to(IntPtr t, int dtype, int deviceType, int deviceIndex, int copy);
    [LibraryImport(L)] internal static partial IntPtr bc_alias(IntPtr t);

    [LibraryImport(L)] internal static partial IntPtr bc_reshape(IntPtr t, long* shape, int ndim);
    [LibraryImport(L)] internal static partial IntPtr bc_view(IntPtr t, long* shape, int ndim);
    [LibraryImport(L)] internal static partial IntPtr bc_permute(IntPtr t, long* dims, int ndim);
    [LibraryImport(L)] internal static partial IntPtr bc_expand(IntPtr t, long* shape, int ndim);
    [LibraryImport(L)] internal static partial IntPtr bc_repeat(IntPtr t, long* repeats, int ndim);
    [LibraryImport(L)] internal static partial IntPtr bc_transpose(IntPtr t, long dim0, long dim1);
    [LibraryImport(L)] internal static partial IntPtr bc_squeeze(IntPtr t, long dim, int hasDim);
    [LibraryImport(L)] internal static partial IntPtr bc_unsqueeze(IntPtr t, long dim);
    [LibraryImport(L)] internal static partial IntPtr bc_flatten(IntPtr t, long startDim, long endDim);
    [LibraryImport(L)] internal static partial IntPtr bc_contiguous(IntPtr t);
    [LibraryImport(L)] internal static partial IntPtr bc_clone(IntPtr t);
    [LibraryImport(L)] internal static partial IntPtr bc_detach(IntPtr t);
    [LibraryImport(L)] internal static partial IntPtr bc_cat(IntPtr* tensors, int count, long dim);
    [LibraryImport(L)] internal static partial IntPtr bc_stack(IntPtr* tensors, int count, long dim);
    [LibraryImport(L)] internal static partial int bc_chunk(IntPtr t, long chunks, long dim, IntPtr* output);

    [LibraryImport(L)] internal static partial IntPtr bc_select(IntPtr t, long dim, long index);
    [LibraryImport(L)] internal static partial IntPtr bc_narrow(IntPtr t, long dim, long start, long length);
    [LibraryImport(L)] internal static partial IntPtr bc_slice(IntPtr t, long dim, long start, long end, long step);
    [LibraryImport(L)] internal static partial IntPtr bc_index_select(IntPtr t, long dim, IntPtr index);
    [LibraryImport(L)] internal static partial IntPtr bc_gather(IntPtr t, long dim, IntPtr index);
    [LibraryImport(L)] internal static partial IntPtr bc_masked_fill(IntPtr t, IntPtr mask, double value);
    [LibraryImport(L)] internal static partial IntPtr bc_where(IntPtr condition, IntPtr a, IntPtr b);
    [LibraryImport(L)] internal static partial IntPtr bc_tril(IntPtr t, long diagonal);
    [LibraryImport(L)] internal static partial IntPtr bc_triu(IntPtr t, long diagonal);
    [LibraryImport(L)] internal static partial int bc_topk(IntPtr t, long k, long dim, int largest, int sorted, out IntPtr values, out IntPtr indices);
    [LibraryImport(L)] internal static partial int bc_sort(IntPtr t, long dim, int descending, out IntPtr values, out IntPtr indices);
}

/* Shared C ABI definitions of the BlairClip libtorch shim.
 * Every exported function returns an error marker (NULL handle or -1) when libtorch throws;
 * the message is kept per thread and read with bc_last_error(). */
#ifndef BC_COMMON_H
#define BC_COMMON_H
#include <stdint.h>

#ifdef __cplusplus
#define BC_API extern "C" __attribute__((visibility("default")))
#else
#define BC_API __attribute__((visibility("default")))
#endif

/* Bumped whenever an exported signature changes; the C# side refuses any other value. */
#define BC_ABI_VERSION 3

/* An owned at::Tensor* on the heap; released with bc_dispose. */
typedef void* bc_tensor;

#endif

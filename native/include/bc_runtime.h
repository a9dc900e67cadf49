/* Runtime: version, errors, seeds, threads, CUDA queries, autocast, benchmarks. */
#ifndef BC_RUNTIME_H
#define BC_RUNTIME_H
#include "bc_common.h"

BC_API int32_t bc_version(void);
BC_API const char* bc_torch_version(void);
/* NULL when the calling thread has no pending error; the pointer lives until the next call on this thread. */
BC_API const char* bc_last_error(void);
BC_API void bc_clear_error(void);
BC_API const char* bc_show_config(void);
BC_API int32_t bc_manual_seed(int64_t seed);
BC_API int32_t bc_set_num_threads(int32_t n);
BC_API int32_t bc_get_num_threads(void);
BC_API int32_t bc_cuda_is_available(void);
BC_API int32_t bc_cuda_device_count(void);
BC_API int32_t bc_cuda_synchronize(int32_t device_index);
/* Enables autocast for device_type (1 = CUDA, 0 = CPU) with dtype; writes the previous enabled flag. */
BC_API int32_t bc_autocast_enter(int32_t device_type, int32_t dtype, int32_t* previous_enabled);
BC_API int32_t bc_autocast_exit(int32_t device_type, int32_t previous_enabled);
/* Times `iterations` n x n matmuls inside one native call (after one warm-up), writes seconds. */
BC_API int32_t bc_bench_matmul(int64_t n, int32_t iterations, int32_t dtype, int32_t device_type,
                               int32_t device_index, double* seconds);
#endif

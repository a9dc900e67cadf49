/* Neural-network functions, autograd and optimizer steps. */
#ifndef BC_NN_H
#define BC_NN_H
#include "bc_common.h"

/* bias may be NULL */
BC_API bc_tensor bc_linear(bc_tensor x, bc_tensor weight, bc_tensor bias);
BC_API bc_tensor bc_layer_norm(bc_tensor x, const int64_t* normalized_shape, int32_t ndim, bc_tensor weight,
                               bc_tensor bias, double eps);
BC_API bc_tensor bc_embedding(bc_tensor weight, bc_tensor indices, int64_t padding_idx);
BC_API bc_tensor bc_conv2d(bc_tensor x, bc_tensor weight, bc_tensor bias, const int64_t* stride,
                           const int64_t* padding, const int64_t* dilation, int64_t groups);
BC_API bc_tensor bc_dropout(bc_tensor x, double p, int32_t train);
/* reduction: 0 none, 1 mean, 2 sum */
BC_API bc_tensor bc_cross_entropy(bc_tensor logits, bc_tensor target, int32_t reduction, int64_t ignore_index,
                                  double label_smoothing);
BC_API bc_tensor bc_mse_loss(bc_tensor input, bc_tensor target, int32_t reduction);
BC_API bc_tensor bc_normalize(bc_tensor x, double p, int64_t dim, double eps);
/* mask may be NULL; has_scale == 0 uses 1/sqrt(head_dim). Native kernel when libtorch has one. */
BC_API bc_tensor bc_scaled_dot_product_attention(bc_tensor q, bc_tensor k, bc_tensor v, bc_tensor mask,
                                                 double dropout_p, int32_t is_causal, double scale,
                                                 int32_t has_scale);
BC_API int32_t bc_sdpa_is_native(void);

/* autograd */
BC_API int32_t bc_backward(bc_tensor t, bc_tensor gradient, int32_t retain_graph);
/* writes NULL into out when the gradient is undefined */
BC_API int32_t bc_grad(bc_tensor t, bc_tensor* out);
BC_API int32_t bc_set_grad(bc_tensor t, bc_tensor gradient);
BC_API int32_t bc_is_grad_enabled(void);
/* returns the previous mode */
BC_API int32_t bc_set_grad_enabled(int32_t enabled);
BC_API int32_t bc_clip_grad_norm(const bc_tensor* params, int32_t count, double max_norm, double norm_type,
                                 double* total_norm);

/* optimizer steps, in place, without autograd */
BC_API int32_t bc_adamw_step(bc_tensor param, bc_tensor grad, bc_tensor exp_avg, bc_tensor exp_avg_sq, double lr,
                             double beta1, double beta2, double eps, double weight_decay, int64_t step);
/* momentum_buffer may be NULL when momentum == 0 */
BC_API int32_t bc_sgd_step(bc_tensor param, bc_tensor grad, bc_tensor momentum_buffer, double lr, double momentum,
                           double dampening, double weight_decay, int32_t nesterov, int32_t first_step);
/* multiplies every gradient by inv_scale and adds 1 to found_inf (a 1-element float tensor) when any is non-finite */
BC_API int32_t bc_amp_unscale(const bc_tensor* grads, int32_t count, bc_tensor found_inf, double inv_scale);
#endif

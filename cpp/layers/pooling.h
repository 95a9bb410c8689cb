// Pooling layers (tfjs-layers pooling.ts): MaxPooling1D/2D/3D, AveragePooling1D/2D/3D,
// GlobalAveragePooling1D/2D, GlobalMaxPooling1D/2D, and Keras 3's
// GlobalAveragePooling3D/GlobalMaxPooling3D (not in tfjs 4.22). The classes live in
// pooling.cc and are created through LayerRegistry by their className.
//
// Options (tfjs names and defaults): poolSize (2, [2, 2], [2, 2, 2]), strides
// (default = poolSize), padding ('valid'; 'causal' is accepted and pools as
// 'valid', as tfjs does), dataFormat ('channelsLast'; not an option of the 1D
// layers). The global 2D/3D pools take dataFormat; every global pool takes Keras's
// keepdims (false; tfjs 4.22 has none, so the 1D/2D configs carry it only when true).
// No weights. channelsFirst inputs are transposed to channels-last around the op.
#pragma once

#include "layers/convolutional.h"

// Convolutional layers (tfjs-layers convolutional.ts, convolutional_depthwise.ts,
// padding.ts): Conv1D, Conv2D, Conv3D, Conv2DTranspose, Conv3DTranspose,
// SeparableConv2D, DepthwiseConv2D, Cropping2D, UpSampling2D, ZeroPadding2D; and the
// Keras 3 layers tfjs 4.22 lacks, with Keras's options, defaults and weights (see
// their section in convolutional.cc): Conv1DTranspose, SeparableConv1D,
// DepthwiseConv1D, Cropping1D/3D, UpSampling1D/3D, ZeroPadding1D/3D.
// The classes live in convolutional.cc and are created through LayerRegistry by
// their tfjs className; this header holds the option helpers they share with
// the pooling layers (pooling.cc), mirroring tfjs's common.ts / conv_utils.ts.
//
// Options and defaults are tfjs's (kernelSize required; strides 1; padding
// 'valid'; dataFormat 'channelsLast'; dilationRate 1; activation 'linear';
// useBias true; kernelInitializer 'glorotNormal'; biasInitializer 'zeros').
// Weights, in tfjs's order:
//   Conv1D/2D/3D               kernel [k..., inC, filters], bias [filters]
//   Conv2DTranspose/3DTranspose kernel [k..., filters, inC], bias [filters]
//   SeparableConv2D            depthwise_kernel [kh, kw, inC, depthMultiplier],
//                              pointwise_kernel [1, 1, inC * depthMultiplier, filters], bias [filters]
//   DepthwiseConv2D            depthwise_kernel [kh, kw, inC, depthMultiplier], bias [inC * depthMultiplier]
// channelsFirst inputs are transposed to channels-last around the op, as tfjs does.
//
// Where tfjs 4.22 has quirks, these layers copy what tfjs's getConfig() reports
// (DepthwiseConv2D's depthwiseConstraint echoes its depthwiseRegularizer;
// SeparableConv2D's pointwiseInitializer follows depthwiseInitializer and its
// config has no depthMultiplier; DepthwiseConv2D ignores dilationRate) but not
// where tfjs computes something broken: Conv1D 'causal' works as in Keras (left
// padding of dilation * (kernelSize - 1); tfjs throws NotImplementedError),
// Conv1D channelsFirst returns channels-first output, and SeparableConv2D
// channelsFirst adds its bias per filter.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "ops/conv.h"

namespace wl {
namespace conv_utils {

// config[key], or null when absent.
nlohmann::json opt(const nlohmann::json& config, const char* key);

// String-union options (tfjs's checkPaddingMode / checkDataFormat / checkInterpolationFormat):
// null/absent -> dflt; anything else not in the list throws
// "Invalid PaddingMode 'foo': accepted values are 'valid', 'same', 'causal'".
std::string paddingMode(const nlohmann::json& v, const std::string& dflt = "valid");
std::string dataFormat(const nlohmann::json& v, const std::string& dflt = "channelsLast");
std::string interpolationFormat(const nlohmann::json& v, const std::string& dflt = "nearest");

// tfjs's normalizeArray: a number -> n copies; an array must hold n positive integers.
std::vector<int64_t> normalizeArray(const nlohmann::json& v, int n, const char* name);

// tfjs's convOutputLength / deconvLength; an unknown (-1) length stays -1.
int64_t convOutputLength(int64_t in, int64_t filter, const std::string& padding, int64_t stride,
                         int64_t dilation = 1);
int64_t deconvLength(int64_t in, int64_t stride, int64_t kernel, const std::string& padding);

// 'same' -> Padding::same(); 'valid' and 'causal' -> Padding::valid() (as tfjs's ops get them).
Padding opPadding(const std::string& mode);

// Channels-first <-> channels-last for a tensor of any rank >= 3.
Tensor toChannelsLast(const Tensor& x);
Tensor toChannelsFirst(const Tensor& x);

// Throws tfjs's InputSpec error when the rank is not `ndim`.
void checkNdim(const std::string& layerName, const Shape& s, size_t ndim);

}  // namespace conv_utils
}  // namespace wl

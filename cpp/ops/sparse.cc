// Sparse and ragged ops (tfjs 4.22's tf.sparse.* and tf.ragged*), and bitwiseAnd.
// Their output shapes depend on the values: each runs one kernel that computes the
// outputs into host vectors (kernels/params_sparse.h) and makes tensors of them
// here; a kernel error becomes tfjs's message. No gradients (tfjs has none): a
// gradient asked through them throws tfjs's error rather than coming out as zeros.
//
// To add one: a params struct in kernels/params_sparse.h, its kernel in
// kernels/reference/sparse.cc, the op below, and a case in tests/cpp/test_op_harness.cc.
#include <sstream>

#include "kernels/params_sparse.h"
#include "ops/op_utils.h"
#include "ops/registry.h"

namespace wl {

namespace {

void requireDType(const char* op, const char* name, const Tensor& t, DType dtype) {
  WL_CHECK(t.defined(), op << ": '" << name << "' is undefined (was it disposed?)");
  WL_CHECK(t.dtype() == dtype, "Argument '" << name << "' passed to '" << op << "' must be " << dtypeName(dtype)
                                            << " tensor, but got " << dtypeName(t.dtype()) << " tensor");
}

std::string joined(const std::vector<int64_t>& v) {
  std::ostringstream s;
  for (size_t i = 0; i < v.size(); ++i) s << (i ? "," : "") << v[i];
  return s.str();
}

Tensor fromBits(const Shape& shape, DType dtype, const std::vector<uint32_t>& bits) {
  return Tensor::fromHost(shape, dtype, bits.data());
}
Tensor fromInt32(const Shape& shape, const std::vector<int32_t>& v, DType dtype = DType::Int32) {
  return Tensor::fromHost(shape, dtype, v.data());
}

}  // namespace

// Records y's float inputs with a rule that throws tfjs's error for a kernel without
// a gradient (also used by conv.cc for maxPoolWithArgmax and dilation2d's backprops).
void recordNoGradient(const char* kernel, const std::vector<Tensor>& inputs, const Tensor& y) {
  std::vector<Tensor> floats;
  for (const Tensor& t : inputs) {
    if (t.dtype() == DType::Float32) floats.push_back(t);
  }
  if (floats.empty() || y.dtype() != DType::Float32) return;
  std::string name = kernel;
  recordOp(kernel, floats, y, [name](const Tensor&) -> std::vector<Tensor> {
    throw Error("Cannot compute gradient: gradient function not found for " + name + ".");
  });
}

Tensor bitwiseAnd(const Tensor& a, const Tensor& b) {
  WL_CHECK(a.defined() && b.defined(), "bitwiseAnd: an input tensor is undefined (was it disposed?)");
  WL_CHECK(a.shape() == b.shape(), "BitwiseAnd: Tensors must have the same shape. x: " << joined(a.shape())
                                        << ", y: " << joined(b.shape()));
  WL_CHECK(a.dtype() == DType::Int32 && b.dtype() == DType::Int32,
           "BitwiseAnd: Only supports 'int32' values in tensor, found type of x: " << dtypeName(a.dtype())
               << " and type of y: " << dtypeName(b.dtype()));
  Tensor y = Tensor::empty(a.shape(), DType::Int32);
  KernelCall k("BitwiseAnd", {DType::Int32});
  k.kernel<BitwiseKernel>()({k.in<int32_t>(a), k.in<int32_t>(b), k.out<int32_t>(y), y.size()});
  return y;
}

// [outputIndices, outputValues, emptyRowIndicator, reverseIndexMap]
std::vector<Tensor> sparseFillEmptyRows(const Tensor& indices, const Tensor& values, const Tensor& denseShape,
                                        const Tensor& defaultValue) {
  const char* op = "sparseFillEmptyRows";
  requireDType(op, "indices", indices, DType::Int32);
  requireDType(op, "denseShape", denseShape, DType::Int32);
  requireDType(op, "defaultValue", defaultValue, values.dtype());
  WL_CHECK(indices.rank() == 2, "Indices should be Tensor2D but received shape\n        " << joined(indices.shape()));
  WL_CHECK(values.rank() == 1, "Values should be Tensor1D but received shape " << joined(values.shape()));
  WL_CHECK(denseShape.rank() == 1, "Dense shape should be Tensor1D but received shape " << joined(denseShape.shape()));
  WL_CHECK(defaultValue.rank() == 0, "Default value should be a scalar but received shape "
                                         << joined(defaultValue.shape()));
  WL_CHECK(denseShape.size() >= 1, op << ": denseShape must have at least one entry");
  WL_CHECK(values.dim(0) == indices.dim(0), op << ": values has " << values.dim(0) << " entries but indices has "
                                                << indices.dim(0) << " rows");
  std::vector<int32_t> outIndices, empty, reverse;
  std::vector<uint32_t> outValues;
  KernelError err;
  KernelCall k("SparseFillEmptyRows", {values.dtype()});
  k.kernel<SparseFillEmptyRowsKernel>()({k.in<int32_t>(indices), k.in<uint32_t>(values), k.in<int32_t>(denseShape),
                                         k.in<uint32_t>(defaultValue), indices.dim(0), indices.dim(1), &outIndices,
                                         &outValues, &empty, &reverse, &err});
  WL_CHECK(err.code != 1, "Received SparseTensor with denseShape[0] = 0 but\n  indices.shape[0] = " << err.a);
  WL_CHECK(err.code != 2, "indices(" << err.a << ", 0) is invalid: " << err.b << " < 0");
  WL_CHECK(err.code != 3, "indices(" << err.a << ", 0) is invalid: " << err.b << " >= " << err.c);
  const int64_t rank = indices.dim(1);
  const int64_t m = static_cast<int64_t>(outValues.size());
  Tensor valuesOut = fromBits({m}, values.dtype(), outValues);
  recordNoGradient("SparseFillEmptyRows", {values, defaultValue}, valuesOut);
  return {fromInt32({m, rank}, outIndices), valuesOut, fromInt32({static_cast<int64_t>(empty.size())}, empty, DType::Bool),
          fromInt32({static_cast<int64_t>(reverse.size())}, reverse)};
}

// [outputIndices, outputShape]
std::vector<Tensor> sparseReshape(const Tensor& indices, const Tensor& inputShape, const Tensor& newShape) {
  const char* op = "sparseReshape";
  requireDType(op, "inputIndices", indices, DType::Int32);
  requireDType(op, "inputShape", inputShape, DType::Int32);
  requireDType(op, "newShape", newShape, DType::Int32);
  WL_CHECK(indices.rank() == 2, "Input indices should be Tensor2D but received shape\n        "
                                    << joined(indices.shape()));
  WL_CHECK(inputShape.rank() == 1, "Input shape should be Tensor1D but received shape " << joined(inputShape.shape()));
  WL_CHECK(newShape.rank() == 1, "New shape should be Tensor1D but received shape " << joined(newShape.shape()));
  WL_CHECK(indices.dim(1) == inputShape.dim(0), op << ": indices have " << indices.dim(1)
                                                   << " columns but inputShape has " << inputShape.dim(0) << " entries");
  std::vector<int32_t> outIndices;
  std::vector<int64_t> outShape, inShape;
  KernelError err;
  KernelCall k("SparseReshape", {DType::Int32});
  k.kernel<SparseReshapeKernel>()({k.in<int32_t>(indices), k.in<int32_t>(inputShape), k.in<int32_t>(newShape),
                                   indices.dim(0), inputShape.dim(0), newShape.dim(0), &outIndices, &outShape,
                                   &inShape, &err});
  auto size = [](const std::vector<int64_t>& s) {
    double n = 1;
    for (int64_t d : s) n *= static_cast<double>(d);
    return static_cast<int64_t>(n);
  };
  WL_CHECK(err.code != 1, "only one output dimension may be -1, not both " << err.a << " and " << err.b);
  WL_CHECK(err.code != 2, "size " << err.a << " must be non-negative, not " << err.b);
  WL_CHECK(err.code != 3, "reshape cannot infer the missing input size for an empty tensor unless all specified "
                          "input sizes are non-zero");
  WL_CHECK(err.code != 4, "Input to reshape is a SparseTensor with " << size(inShape)
                              << "\n  dense values, but the requested shape requires a multiple of " << size(outShape)
                              << ". inputShape=" << joined(inShape) << " outputShape= " << joined(outShape));
  WL_CHECK(err.code != 5, "Input to reshape is a tensor with " << size(inShape)
                              << " dense values, but the requested shape has " << size(outShape)
                              << ". inputShape=" << joined(inShape) << " outputShape=" << joined(outShape));
  std::vector<int32_t> shape32(outShape.begin(), outShape.end());
  return {fromInt32({indices.dim(0), newShape.dim(0)}, outIndices),
          fromInt32({static_cast<int64_t>(shape32.size())}, shape32)};
}

Tensor sparseSegmentReduction(bool isMean, const Tensor& data, const Tensor& indices, const Tensor& segmentIds) {
  const char* op = isMean ? "sparseSegmentMean" : "sparseSegmentSum";
  WL_CHECK(data.defined(), op << ": 'data' is undefined (was it disposed?)");
  requireDType(op, "indices", indices, DType::Int32);
  requireDType(op, "segmentIds", segmentIds, DType::Int32);
  WL_CHECK(data.rank() >= 1, "Data should be at least 1 dimensional but received scalar");
  WL_CHECK(indices.rank() == 1, "Indices should be Tensor1D but received shape\n          " << joined(indices.shape()));
  WL_CHECK(segmentIds.rank() == 1, "Segment ids should be Tensor1D but received shape\n          "
                                       << joined(segmentIds.shape()));
  WL_CHECK(indices.dim(0) == segmentIds.dim(0), "segmentIds and indices should have same size.");
  WL_CHECK(data.dtype() != DType::Bool, op << ": bool data is not supported");
  const int64_t rows = data.dim(0), cols = rows == 0 ? 0 : data.size() / rows;
  std::vector<uint32_t> out;
  int64_t outRows = 0;
  KernelError err;
  KernelCall k(isMean ? "SparseSegmentMean" : "SparseSegmentSum", {data.dtype()});
  k.kernel<SparseSegmentKernel>()({k.in<uint32_t>(data), k.in<int32_t>(indices), k.in<int32_t>(segmentIds), rows, cols,
                                   indices.dim(0), data.dtype() == DType::Int32, &out, &outRows, &err});
  WL_CHECK(err.code != 1, "segment ids must be >= 0");
  WL_CHECK(err.code != 2, "segment ids are not increasing");
  WL_CHECK(err.code != 3, "Segment id " << err.a << " out of range [0, " << err.b
                                        << "), possibly because segmentIds input is not sorted.");
  WL_CHECK(err.code != 4, "Bad: indices[" << err.a << "] == " << err.b << " out of range [0, " << err.c << ")");
  Shape shape = data.shape();
  shape[0] = outRows;
  Tensor y = fromBits(shape, data.dtype(), out);
  recordNoGradient(isMean ? "SparseSegmentMean" : "SparseSegmentSum", {data}, y);
  return y;
}

// [outputNestedSplits..., outputDenseValues]
std::vector<Tensor> raggedGather(const std::vector<Tensor>& splits, const Tensor& values, const Tensor& indices) {
  const char* op = "raggedGather";
  WL_CHECK(!splits.empty(), "paramsNestedSplits must be non empty");
  for (size_t i = 0; i < splits.size(); ++i) {
    requireDType(op, ("tensors" + std::to_string(i)).c_str(), splits[i], DType::Int32);
  }
  requireDType(op, "indices", indices, DType::Int32);
  WL_CHECK(splits[0].rank() != 0, "Split tensors must not be scalars");
  for (const Tensor& s : splits) WL_CHECK(s.rank() == 1, op << ": split tensors must be 1-D");
  WL_CHECK(values.rank() != 0, "params.rank must be nonzero");
  requireRank(op, indices);
  std::vector<int64_t> sizes;
  std::vector<const int32_t*> ptrs;
  KernelCall k("RaggedGather", {values.dtype()});
  for (const Tensor& s : splits) {
    sizes.push_back(s.dim(0));
    ptrs.push_back(k.in<int32_t>(s));
  }
  const int64_t valueRows = values.dim(0), valueSize = valueRows == 0 ? 0 : values.size() / valueRows;
  std::vector<int64_t> ishape(indices.shape().begin(), indices.shape().end());
  std::vector<std::vector<int32_t>> outSplits;
  std::vector<uint32_t> outValues;
  int64_t outRows = 0;
  KernelError err;
  k.kernel<RaggedGatherKernel>()({ptrs.data(), sizes.data(), static_cast<int>(splits.size()), k.in<uint32_t>(values),
                                  valueRows, valueSize, k.in<int32_t>(indices), ishape.data(), indices.rank(),
                                  &outSplits, &outValues, &outRows, &err});
  if (err.code == 1) {
    // the flat position as indices' coordinates
    std::vector<int64_t> loc(ishape.size());
    int64_t rem = err.a;
    for (int d = static_cast<int>(ishape.size()) - 1; d >= 0; --d) {
      loc[d] = ishape[d] == 0 ? 0 : rem % ishape[d];
      rem = ishape[d] == 0 ? 0 : rem / ishape[d];
    }
    WL_CHECK(false, "indices[" << joined(loc) << "] = " << err.b << " is not in [0, " << err.c << ")");
  }
  WL_CHECK(err.code != 2, "Ragged splits may not be empty");
  WL_CHECK(err.code != 3, "Ragged splits must be non-negative");
  WL_CHECK(err.code != 4, "Ragged splits must not point past values");
  WL_CHECK(err.code != 5, "Ragged splits must be sorted in ascending order");
  std::vector<Tensor> out;
  for (const auto& s : outSplits) out.push_back(fromInt32({static_cast<int64_t>(s.size())}, s));
  Shape vshape = values.shape();
  vshape[0] = outRows;
  out.push_back(fromBits(vshape, values.dtype(), outValues));
  recordNoGradient("RaggedGather", {values}, out.back());
  return out;
}

// [rtNestedSplits, rtDenseValues]
std::vector<Tensor> raggedRange(const Tensor& starts, const Tensor& limits, const Tensor& deltas) {
  const char* op = "raggedRange";
  WL_CHECK(starts.defined(), op << ": 'starts' is undefined (was it disposed?)");
  requireDType(op, "limits", limits, starts.dtype());
  requireDType(op, "deltas", deltas, starts.dtype());
  WL_CHECK(starts.dtype() != DType::Bool, op << ": bool values are not supported");
  WL_CHECK(starts.rank() <= 1, "starts must be a scalar or vector");
  WL_CHECK(limits.rank() <= 1, "limits must be a scalar or vector");
  WL_CHECK(deltas.rank() <= 1, "deltas must be a scalar or vector");
  std::vector<int64_t> inSizes;
  for (const Tensor* t : {&starts, &limits, &deltas}) {
    if (t->rank() == 1) inSizes.push_back(t->dim(0));
  }
  for (size_t i = 1; i < inSizes.size(); ++i) {
    WL_CHECK(inSizes[i] == inSizes[i - 1], "starts, limits, and deltas must have the same shape");
  }
  const int64_t nRows = inSizes.empty() ? 1 : inSizes[0];
  std::vector<int32_t> splits;
  std::vector<uint32_t> values;
  KernelError err;
  KernelCall k("RaggedRange", {starts.dtype()});
  k.kernel<RaggedRangeKernel>()({k.in<uint32_t>(starts), k.in<uint32_t>(limits), k.in<uint32_t>(deltas),
                                 starts.rank() == 0, limits.rank() == 0, deltas.rank() == 0, nRows,
                                 starts.dtype() == DType::Int32, &splits, &values, &err});
  WL_CHECK(err.code != 1, "Requires delta != 0");
  WL_CHECK(err.code != 2, "Requires ((limit - start) / delta) <= 2147483647");
  Tensor dense = fromBits({static_cast<int64_t>(values.size())}, starts.dtype(), values);
  recordNoGradient("RaggedRange", {starts, limits, deltas}, dense);
  return {fromInt32({static_cast<int64_t>(splits.size())}, splits), dense};
}

Tensor raggedTensorToTensor(const Tensor& shape, const Tensor& values, const Tensor& defaultValue,
                            const std::vector<Tensor>& partitions, const std::vector<std::string>& types) {
  const char* op = "raggedTensorToTensor";
  requireDType(op, "shape", shape, DType::Int32);
  WL_CHECK(values.defined(), op << ": 'values' is undefined (was it disposed?)");
  requireDType(op, "defaultValue", defaultValue, values.dtype());
  for (size_t i = 0; i < partitions.size(); ++i) {
    requireDType(op, ("tensors" + std::to_string(i)).c_str(), partitions[i], DType::Int32);
  }
  WL_CHECK(shape.rank() <= 1, op << ": shape must be a scalar or a vector");
  WL_CHECK(shape.size() >= 1 || shape.rank() == 1, op << ": shape must not be empty");
  static const char* names[] = {"FIRST_DIM_SIZE", "VALUE_ROWIDS", "ROW_LENGTHS", "ROW_SPLITS", "ROW_LIMITS",
                                "ROW_STARTS"};
  std::vector<int> typeCodes;
  for (const std::string& t : types) {  // tfjs keeps the leading recognised names
    int code = -1;
    for (int i = 0; i < 6; ++i) {
      if (t == names[i]) code = i;
    }
    if (code < 0) break;
    typeCodes.push_back(code);
  }
  KernelCall k("RaggedTensorToTensor", {values.dtype()});
  std::vector<const int32_t*> ptrs;
  std::vector<int64_t> sizes;
  for (const Tensor& p : partitions) {
    ptrs.push_back(k.in<int32_t>(p));
    sizes.push_back(p.size());
  }
  std::vector<int64_t> vshape(values.shape().begin(), values.shape().end());
  std::vector<int64_t> dshape(defaultValue.shape().begin(), defaultValue.shape().end());
  std::vector<int64_t> outShape;
  std::vector<uint32_t> out;
  std::string message;
  k.kernel<RaggedTensorToTensorKernel>()({k.in<int32_t>(shape), shape.size(), shape.rank(), k.in<uint32_t>(values),
                                          vshape.data(), values.rank(), k.in<uint32_t>(defaultValue), dshape.data(),
                                          defaultValue.rank(), ptrs.data(), sizes.data(), typeCodes.data(),
                                          static_cast<int>(partitions.size()), static_cast<int>(typeCodes.size()),
                                          &outShape, &out, &message});
  WL_CHECK(message.empty(), message);
  Tensor y = fromBits(Shape(outShape.begin(), outShape.end()), values.dtype(), out);
  recordNoGradient("RaggedTensorToTensor", {values, defaultValue}, y);
  return y;
}

namespace {

const bool registered = [] {
  auto& reg = OpRegistry::instance();
  using In = const std::vector<Tensor>&;
  using Out = std::vector<Tensor>;
  reg.add("bitwiseAnd", 2, [](In in, const Attrs&) -> Out { return {bitwiseAnd(in[0], in[1])}; });
  reg.add("sparseFillEmptyRows", 4, [](In in, const Attrs&) -> Out {
    return sparseFillEmptyRows(in[0], in[1], in[2], in[3]);
  });
  reg.add("sparseReshape", 3, [](In in, const Attrs&) -> Out { return sparseReshape(in[0], in[1], in[2]); });
  reg.add("sparseSegmentSum", 3, [](In in, const Attrs&) -> Out {
    return {sparseSegmentReduction(false, in[0], in[1], in[2])};
  });
  reg.add("sparseSegmentMean", 3, [](In in, const Attrs&) -> Out {
    return {sparseSegmentReduction(true, in[0], in[1], in[2])};
  });
  // inputs: the nested splits..., then paramsDenseValues and indices
  reg.add("raggedGather", -1, [](In in, const Attrs&) -> Out {
    WL_CHECK(in.size() >= 2, "raggedGather: expected paramsNestedSplits, paramsDenseValues and indices");
    return raggedGather(std::vector<Tensor>(in.begin(), in.end() - 2), in[in.size() - 2], in.back());
  });
  reg.add("raggedRange", 3, [](In in, const Attrs&) -> Out { return raggedRange(in[0], in[1], in[2]); });
  // inputs: shape, values, defaultValue, then the row partition tensors
  reg.add("raggedTensorToTensor", -1, [](In in, const Attrs& at) -> Out {
    WL_CHECK(in.size() >= 3, "raggedTensorToTensor: expected shape, values, defaultValue and row partitions");
    std::vector<std::string> types;
    if (at.has("rowPartitionTypes")) {
      for (const auto& t : at.json()["rowPartitionTypes"]) {
        WL_CHECK(t.is_string(), "raggedTensorToTensor: rowPartitionTypes must be strings");
        types.push_back(t.get<std::string>());
      }
    }
    return {raggedTensorToTensor(in[0], in[1], in[2], std::vector<Tensor>(in.begin() + 3, in.end()), types)};
  });
  return true;
}();

}  // namespace

}  // namespace wl

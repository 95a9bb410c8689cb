// Shape and data-movement ops and their gradients. Most are one StridedCopy
// with different offsets and strides; gradients are the inverse movement.
#include <algorithm>
#include <numeric>

#include "ops/op_utils.h"
#include "ops/registry.h"
#include "ops/shape_ops.h"

namespace wl {

namespace {

std::vector<int64_t> rowMajorStrides(const Shape& shape) {
  std::vector<int64_t> s(shape.size());
  int64_t stride = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    s[i] = stride;
    stride *= shape[i];
  }
  return s;
}

int normAxis(const char* op, int axis, int rank) {
  int a = axis < 0 ? axis + rank : axis;
  WL_CHECK(a >= 0 && a < rank, op << ": axis " << axis << " is out of range for a tensor of rank " << rank);
  return a;
}

// Copies the region `dims` of src (starting at srcOffset, with srcStrides) to dst.
void stridedCopy(const Tensor& src, Tensor& dst, const Shape& dims, int64_t srcOffset,
                 const std::vector<int64_t>& srcStrides, int64_t dstOffset, const std::vector<int64_t>& dstStrides) {
  WL_CHECK(static_cast<int>(dims.size()) <= kMaxRank, "Tensors of rank " << dims.size() << " are not supported");
  KernelCall k("StridedCopy", {src.dtype(), static_cast<int>(dims.size())});
  StridedCopyParams p{};
  p.src = k.in<uint32_t>(src);
  p.dst = k.out<uint32_t>(dst);
  p.rank = static_cast<int>(dims.size());
  p.srcOffset = srcOffset;
  p.dstOffset = dstOffset;
  for (int i = 0; i < p.rank; ++i) {
    p.dims[i] = dims[i];
    p.srcStrides[i] = srcStrides[i];
    p.dstStrides[i] = dstStrides[i];
  }
  k.kernel<StridedCopyKernel>()(p);
}

bool differentiable(const Tensor& x) { return x.dtype() == DType::Float32; }

}  // namespace

Tensor reshape(const Tensor& x, const Shape& shape) {
  WL_CHECK(x.defined(), "reshape: the input tensor is undefined (was it disposed?)");
  Shape resolved = shape;
  int unknown = -1;
  int64_t known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      WL_CHECK(unknown < 0, "reshape: shape " << shapeStr(shape) << " can only have one -1 dimension");
      unknown = static_cast<int>(i);
    } else {
      WL_CHECK(shape[i] >= 0, "reshape: shape " << shapeStr(shape) << " has a negative dimension");
      known *= shape[i];
    }
  }
  if (unknown >= 0) {
    WL_CHECK(known > 0 && x.size() % known == 0, "Size(" << x.size() << ") must match the product of shape "
                                                         << shapeStr(shape) << " (reshape of a tensor of shape "
                                                         << shapeStr(x.shape()) << ")");
    resolved[unknown] = x.size() / known;
  }
  WL_CHECK(shapeSize(resolved) == x.size(), "Size(" << x.size() << ") must match the product of shape "
                                                    << shapeStr(shape) << " (reshape of a tensor of shape "
                                                    << shapeStr(x.shape()) << ")");
  if (resolved == x.shape()) return x;
  Tensor y = x.view(resolved);
  if (differentiable(x)) {
    recordOp("Reshape", {x}, y, [x](const Tensor& dy) -> std::vector<Tensor> { return {reshape(dy, x.shape())}; });
  }
  return y;
}

Tensor broadcastTo(const Tensor& x, const Shape& shape) {
  WL_CHECK(x.defined(), "broadcastTo: the input tensor is undefined (was it disposed?)");
  WL_CHECK(x.rank() <= static_cast<int>(shape.size()) && broadcastShapes(x.shape(), shape) == shape,
           "broadcastTo: cannot broadcast shape " << shapeStr(x.shape()) << " to " << shapeStr(shape));
  if (x.shape() == shape) return x;
  Tensor y = Tensor::empty(shape, x.dtype());
  WL_CHECK(y.rank() <= kMaxRank, "broadcastTo: rank " << y.rank() << " is not supported");
  KernelCall k("BroadcastTo", {x.dtype(), y.rank()});
  BroadcastParams p{};
  p.x = k.in<uint32_t>(x);
  p.out = k.out<uint32_t>(y);
  p.size = y.size();
  p.rank = y.rank();
  for (int i = 0; i < p.rank; ++i) p.outDims[i] = shape[i];
  broadcastStrides(x.shape(), shape, p.xStrides);
  k.kernel<BroadcastKernel>()(p);
  if (differentiable(x)) {
    recordOp("BroadcastTo", {x}, y, [x](const Tensor& dy) -> std::vector<Tensor> { return {sumTo(dy, x.shape())}; });
  }
  return y;
}

Tensor sumTo(const Tensor& dy, const Shape& shape) {
  if (dy.shape() == shape) return dy;
  int rank = dy.rank(), offset = rank - static_cast<int>(shape.size());
  WL_CHECK(offset >= 0, "sumTo: shape " << shapeStr(shape) << " has more dims than " << shapeStr(dy.shape()));
  std::vector<int> axes;
  for (int i = 0; i < rank; ++i) {
    if (i < offset || (shape[i - offset] == 1 && dy.shape()[i] != 1)) axes.push_back(i);
  }
  Tensor s = axes.empty() ? dy : sum(dy, axes, true);
  return reshape(s, shape);
}

Tensor gatherRows(const Tensor& x, const Tensor& indices) { return gather(x, indices, 0); }

Tensor transpose(const Tensor& x, std::vector<int64_t> perm) {
  WL_CHECK(x.defined(), "transpose: the input tensor is undefined (was it disposed?)");
  int rank = x.rank();
  if (perm.empty()) {
    for (int i = rank - 1; i >= 0; --i) perm.push_back(i);
  }
  WL_CHECK(static_cast<int>(perm.size()) == rank,
           "transpose: error in transpose: rank of input " << rank << " must match length of perm " << perm.size()
                                                           << ".");
  std::vector<bool> seen(rank, false);
  for (int64_t p : perm) {
    WL_CHECK(p >= 0 && p < rank && !seen[p], "transpose: all entries in 'perm' must be a permutation of 0.."
                                                 << rank - 1 << ", got " << shapeStr(perm));
    seen[p] = true;
  }
  Shape outShape(rank);
  std::vector<int64_t> inStrides = rowMajorStrides(x.shape()), srcStrides(rank);
  for (int i = 0; i < rank; ++i) {
    outShape[i] = x.shape()[perm[i]];
    srcStrides[i] = inStrides[perm[i]];
  }
  Tensor y = Tensor::empty(outShape, x.dtype());
  stridedCopy(x, y, outShape, 0, srcStrides, 0, rowMajorStrides(outShape));
  if (differentiable(x)) {
    recordOp("Transpose", {x}, y, [perm](const Tensor& dy) -> std::vector<Tensor> {
      std::vector<int64_t> inverse(perm.size());
      for (size_t i = 0; i < perm.size(); ++i) inverse[perm[i]] = static_cast<int64_t>(i);
      return {transpose(dy, inverse)};
    });
  }
  return y;
}

Tensor pad(const Tensor& x, const std::vector<std::pair<int64_t, int64_t>>& paddings, float value) {
  int rank = x.rank();
  WL_CHECK(static_cast<int>(paddings.size()) == rank,
           "pad: paddings must have one [before, after] pair per dimension (" << rank << "), got " << paddings.size());
  Shape outShape(rank);
  int64_t offset = 0;
  for (int i = 0; i < rank; ++i) {
    WL_CHECK(paddings[i].first >= 0 && paddings[i].second >= 0, "pad: paddings must be non-negative");
    outShape[i] = x.shape()[i] + paddings[i].first + paddings[i].second;
  }
  std::vector<int64_t> outStrides = rowMajorStrides(outShape);
  for (int i = 0; i < rank; ++i) offset += paddings[i].first * outStrides[i];
  Tensor y = Tensor::full(outShape, value, x.dtype());
  stridedCopy(x, y, x.shape(), 0, rowMajorStrides(x.shape()), offset, outStrides);
  if (differentiable(x)) {
    recordOp("Pad", {x}, y, [x, paddings](const Tensor& dy) -> std::vector<Tensor> {
      std::vector<int64_t> begin;
      for (const auto& p : paddings) begin.push_back(p.first);
      return {slice(dy, begin, x.shape())};
    });
  }
  return y;
}

Tensor slice(const Tensor& x, std::vector<int64_t> begin, std::vector<int64_t> size) {
  WL_CHECK(x.defined(), "slice: the input tensor is undefined (was it disposed?)");
  int rank = x.rank();
  while (static_cast<int>(begin.size()) < rank) begin.push_back(0);
  while (static_cast<int>(size.size()) < rank) size.push_back(-1);
  WL_CHECK(static_cast<int>(begin.size()) == rank && static_cast<int>(size.size()) == rank,
           "slice: begin and size must have at most " << rank << " entries for a tensor of rank " << rank);
  Shape outShape(rank);
  std::vector<int64_t> strides = rowMajorStrides(x.shape());
  int64_t offset = 0;
  for (int i = 0; i < rank; ++i) {
    int64_t d = x.shape()[i];
    int64_t s = size[i] < 0 ? d - begin[i] : size[i];
    WL_CHECK(begin[i] >= 0 && begin[i] + s <= d && s >= 0,
             "slice: requested slice [begin " << shapeStr(begin) << ", size " << shapeStr(size)
                                               << "] is out of bounds for a tensor of shape " << shapeStr(x.shape()));
    outShape[i] = s;
    offset += begin[i] * strides[i];
  }
  Tensor y = Tensor::empty(outShape, x.dtype());
  stridedCopy(x, y, outShape, offset, strides, 0, rowMajorStrides(outShape));
  if (differentiable(x)) {
    recordOp("Slice", {x}, y, [x, begin, outShape](const Tensor& dy) -> std::vector<Tensor> {
      std::vector<std::pair<int64_t, int64_t>> pads;
      for (int i = 0; i < x.rank(); ++i) pads.push_back({begin[i], x.shape()[i] - begin[i] - outShape[i]});
      return {pad(dy, pads)};
    });
  }
  return y;
}

// tfjs stridedSlice with begin/end/strides and the begin, end, shrinkAxis and
// newAxis masks (ellipsisMask is not supported).
Tensor stridedSlice(const Tensor& x, std::vector<int64_t> begin, std::vector<int64_t> end,
                    std::vector<int64_t> strides, int64_t beginMask, int64_t endMask, int64_t ellipsisMask,
                    int64_t newAxisMask, int64_t shrinkAxisMask) {
  WL_CHECK(ellipsisMask == 0, "stridedSlice: ellipsisMask is not supported");
  // Insert new axes first: they are size-1 dims of the input.
  Tensor in = x;
  if (newAxisMask) {
    Shape s;
    int src = 0;
    for (size_t i = 0; i < begin.size() || src < x.rank(); ++i) {
      if (i < begin.size() && (newAxisMask >> i) & 1) {
        s.push_back(1);
      } else if (src < x.rank()) {
        s.push_back(x.shape()[src++]);
      }
    }
    in = reshape(x, s);
    for (size_t i = 0; i < begin.size(); ++i) {
      if ((newAxisMask >> i) & 1) {
        begin[i] = 0;
        end[i] = 1;
        if (i < strides.size()) strides[i] = 1;
      }
    }
  }
  int rank = in.rank();
  std::vector<int64_t> inStrides = rowMajorStrides(in.shape());
  Shape dims(rank), keptShape;
  std::vector<int64_t> srcStrides(rank);
  int64_t offset = 0;
  for (int i = 0; i < rank; ++i) {
    int64_t d = in.shape()[i];
    int64_t st = i < static_cast<int>(strides.size()) ? strides[i] : 1;
    WL_CHECK(st != 0, "stridedSlice: strides must be non-zero");
    int64_t b = i < static_cast<int>(begin.size()) ? begin[i] : 0;
    int64_t e = i < static_cast<int>(end.size()) ? end[i] : d;
    bool shrink = (shrinkAxisMask >> i) & 1;
    if (b < 0) b += d;
    if (e < 0) e += d;
    if ((beginMask >> i) & 1 || i >= static_cast<int>(begin.size())) b = st > 0 ? 0 : d - 1;
    if ((endMask >> i) & 1 || i >= static_cast<int>(end.size())) e = st > 0 ? d : -1;
    if (shrink) {
      WL_CHECK(b >= 0 && b < d, "stridedSlice: index " << b << " is out of range for dimension " << i << " of size "
                                                       << d);
      e = b + 1;
      st = 1;
    }
    b = std::clamp<int64_t>(b, st > 0 ? 0 : -1, st > 0 ? d : d - 1);
    e = std::clamp<int64_t>(e, st > 0 ? 0 : -1, st > 0 ? d : d - 1);
    int64_t n = st > 0 ? std::max<int64_t>(0, (e - b + st - 1) / st) : std::max<int64_t>(0, (b - e - st - 1) / -st);
    dims[i] = n;
    srcStrides[i] = checkedMul(inStrides[i], st, "stridedSlice stride");
    offset += (n > 0 ? b : 0) * inStrides[i];
    if (!shrink) keptShape.push_back(n);
  }
  Tensor y = Tensor::empty(dims, in.dtype());
  stridedCopy(in, y, dims, offset, srcStrides, 0, rowMajorStrides(dims));
  if (differentiable(in)) {
    recordOp("StridedSlice", {in}, y, [in, dims, offset, srcStrides](const Tensor& dy) -> std::vector<Tensor> {
      Tensor dx = Tensor::zeros(in.shape());
      stridedCopy(dy, dx, dims, 0, rowMajorStrides(dims), offset, srcStrides);
      recordWithoutSecondOrder("StridedSliceGrad", {dy}, dx);
      return {dx};
    });
  }
  return reshape(y, keptShape);
}

Tensor reverse(const Tensor& x, std::vector<int> axes) {
  int rank = x.rank();
  std::vector<bool> rev = reducedAxes("reverse", rank, axes);
  std::vector<int64_t> strides = rowMajorStrides(x.shape()), src(rank);
  int64_t offset = 0;
  for (int i = 0; i < rank; ++i) {
    src[i] = rev[i] ? -strides[i] : strides[i];
    if (rev[i] && x.shape()[i] > 0) offset += (x.shape()[i] - 1) * strides[i];
  }
  Tensor y = Tensor::empty(x.shape(), x.dtype());
  if (y.size() > 0) stridedCopy(x, y, x.shape(), offset, src, 0, strides);
  if (differentiable(x)) {
    recordOp("Reverse", {x}, y, [axes](const Tensor& dy) -> std::vector<Tensor> { return {reverse(dy, axes)}; });
  }
  return y;
}

Tensor concat(const std::vector<Tensor>& xs, int axis) {
  WL_CHECK(!xs.empty(), "concat: pass at least one tensor");
  int rank = xs[0].rank();
  WL_CHECK(rank >= 1, "concat: tensors must have rank >= 1");
  int a = normAxis("concat", axis, rank);
  Shape outShape = xs[0].shape();
  outShape[a] = 0;
  DType type = xs[0].dtype();
  for (const Tensor& t : xs) type = upcast(type, t.dtype());
  for (const Tensor& t : xs) {
    WL_CHECK(t.rank() == rank, "concat: error in concat: rank of tensors[i] must be the same as the rank of the rest ("
                                   << rank << "), got " << shapeStr(t.shape()));
    for (int i = 0; i < rank; ++i) {
      WL_CHECK(i == a || t.shape()[i] == xs[0].shape()[i],
               "concat: error in concat: shape of tensors (" << shapeStr(t.shape()) << ") does not match ("
                                                             << shapeStr(xs[0].shape()) << ") along the non-concatenated axis "
                                                             << i << ".");
    }
    outShape[a] += t.shape()[a];
  }
  Tensor y = Tensor::empty(outShape, type);
  std::vector<int64_t> outStrides = rowMajorStrides(outShape);
  int64_t at = 0;
  std::vector<Tensor> casted;
  for (const Tensor& t0 : xs) {
    Tensor t = cast(t0, type);
    casted.push_back(t);
    if (t.size() > 0) stridedCopy(t, y, t.shape(), 0, rowMajorStrides(t.shape()), at * outStrides[a], outStrides);
    at += t.shape()[a];
  }
  if (type == DType::Float32) {
    recordOp("Concat", casted, y, [casted, a](const Tensor& dy) -> std::vector<Tensor> {
      std::vector<Tensor> grads;
      int64_t start = 0;
      for (const Tensor& t : casted) {
        std::vector<int64_t> begin(dy.rank(), 0), size(dy.shape().begin(), dy.shape().end());
        begin[a] = start;
        size[a] = t.shape()[a];
        grads.push_back(slice(dy, begin, size));
        start += t.shape()[a];
      }
      return grads;
    });
  }
  return y;
}

Tensor expandDims(const Tensor& x, int axis) {
  int rank = x.rank();
  int a = axis < 0 ? axis + rank + 1 : axis;
  WL_CHECK(a >= 0 && a <= rank, "expandDims: axis " << axis << " must be in [-" << rank + 1 << ", " << rank << "]");
  Shape s = x.shape();
  s.insert(s.begin() + a, 1);
  return reshape(x, s);
}

Tensor squeeze(const Tensor& x, std::vector<int> axes) {
  Shape s;
  std::vector<bool> drop(x.rank(), false);
  for (int a : axes) {
    int n = normAxis("squeeze", a, x.rank());
    WL_CHECK(x.shape()[n] == 1, "squeeze: can not squeeze axis " << a << " of size " << x.shape()[n]);
    drop[n] = true;
  }
  for (int i = 0; i < x.rank(); ++i) {
    bool d = axes.empty() ? x.shape()[i] == 1 : drop[i];
    if (!d) s.push_back(x.shape()[i]);
  }
  return reshape(x, s);
}

Tensor stack(const std::vector<Tensor>& xs, int axis) {
  WL_CHECK(!xs.empty(), "stack: pass at least one tensor");
  for (const Tensor& t : xs) {
    WL_CHECK(t.shape() == xs[0].shape(), "stack: all tensors passed to stack must have matching shapes, got "
                                             << shapeStr(xs[0].shape()) << " and " << shapeStr(t.shape()));
  }
  std::vector<Tensor> expanded;
  for (const Tensor& t : xs) expanded.push_back(expandDims(t, axis));
  return concat(expanded, axis < 0 ? axis : axis);
}

// One gradient node for all the pieces (the pieces' gradients concatenated, zeros for
// a piece without one): recorded as slices, each slice's gradient would be a padded
// copy of the whole input, O(n^2) over n pieces (an RNN's steps).
std::vector<Tensor> unstack(const Tensor& x, int axis) {
  int a = normAxis("unstack", axis, x.rank());
  std::vector<Tensor> out;
  {
    PausedTape paused;
    for (int64_t i = 0; i < x.shape()[a]; ++i) {
      std::vector<int64_t> begin(x.rank(), 0), size(x.shape().begin(), x.shape().end());
      begin[a] = i;
      size[a] = 1;
      out.push_back(squeeze(slice(x, begin, size), {a}));
    }
  }
  if (differentiable(x) && !out.empty()) {
    Shape piece = x.shape();
    piece[a] = 1;
    recordOpOutputs("Unstack", {x}, out, [piece, a](const std::vector<Tensor>& dys) -> std::vector<Tensor> {
      std::vector<Tensor> parts;
      for (const Tensor& d : dys) parts.push_back(d.defined() ? reshape(d, piece) : zeros(piece));
      return {concat(parts, a)};
    });
  }
  return out;
}

std::vector<Tensor> split(const Tensor& x, std::vector<int64_t> sizes, int axis) {
  int a = normAxis("split", axis, x.rank());
  int64_t d = x.shape()[a];
  bool explicitSizes = !sizes.empty() && sizes.back() == -2;
  if (explicitSizes) sizes.pop_back();
  if (sizes.size() == 1 && !explicitSizes) {  // a number of equal splits
    int64_t n = sizes[0];
    WL_CHECK(n > 0 && d % n == 0, "split: number of splits (" << n << ") must evenly divide the axis size (" << d
                                                              << ")");
    sizes.assign(n, d / n);
  }
  int64_t total = 0, unknown = -1;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1) {
      unknown = static_cast<int64_t>(i);
    } else {
      total += sizes[i];
    }
  }
  if (unknown >= 0) sizes[unknown] = d - total, total = d;
  WL_CHECK(total == d, "split: the sizes " << shapeStr(sizes) << " must sum to the axis size (" << d << ")");
  std::vector<Tensor> out;
  int64_t start = 0;
  for (int64_t s : sizes) {
    std::vector<int64_t> begin(x.rank(), 0), size(x.shape().begin(), x.shape().end());
    begin[a] = start;
    size[a] = s;
    out.push_back(slice(x, begin, size));
    start += s;
  }
  return out;
}

Tensor mirrorPad(const Tensor& x, const std::vector<std::pair<int64_t, int64_t>>& paddings, const std::string& mode) {
  WL_CHECK(mode == "reflect" || mode == "symmetric", "mirrorPad: mode must be 'reflect' or 'symmetric', got '" << mode
                                                                                                              << "'");
  WL_CHECK(static_cast<int>(paddings.size()) == x.rank(), "mirrorPad: paddings must have one pair per dimension");
  int shift = mode == "reflect" ? 1 : 0;
  Tensor y = x;
  for (int a = 0; a < x.rank(); ++a) {
    auto [before, after] = paddings[a];
    int64_t d = y.shape()[a];
    WL_CHECK(before <= d - shift && after <= d - shift,
             "mirrorPad: padding (" << before << ", " << after << ") is too large for dimension " << a << " of size "
                                    << d << " in mode " << mode);
    std::vector<Tensor> parts;
    auto piece = [&](int64_t start, int64_t len) {
      std::vector<int64_t> b(y.rank(), 0), s(y.shape().begin(), y.shape().end());
      b[a] = start;
      s[a] = len;
      return reverse(slice(y, b, s), {a});
    };
    if (before > 0) parts.push_back(piece(shift, before));
    parts.push_back(y);
    if (after > 0) parts.push_back(piece(d - shift - after, after));
    if (parts.size() > 1) y = concat(parts, a);
  }
  return y;
}

Tensor tile(const Tensor& x, std::vector<int64_t> reps) {
  WL_CHECK(static_cast<int>(reps.size()) == x.rank(), "tile: error in tile: rank of reps (" << reps.size()
                                                          << ") must match the rank of x (" << x.rank() << ").");
  // One axis at a time: (..., d, ...) -> (..., 1, d, ...) -> broadcast (..., r, d, ...) -> (..., r*d, ...).
  Tensor y = x;
  for (int a = 0; a < x.rank(); ++a) {
    WL_CHECK(reps[a] >= 0, "tile: reps must be non-negative, got " << shapeStr(reps));
    if (reps[a] == 1) continue;
    Shape s = y.shape(), b = y.shape(), out = y.shape();
    s.insert(s.begin() + a, 1);
    b.insert(b.begin() + a, reps[a]);
    out[a] *= reps[a];
    y = reshape(broadcastTo(reshape(y, s), b), out);
  }
  return y;
}

namespace {
// indicesInRange: the caller checked them (the fit loop's batches), so a backend whose own
// check is a synchronous device read may skip it.
Tensor gatherChecked(const Tensor& x, const Tensor& indicesIn, int axis, bool indicesInRange) {
  WL_CHECK(x.defined() && indicesIn.defined(), "gather: an input tensor is undefined (was it disposed?)");
  Tensor indices = cast(indicesIn, DType::Int32);
  int a = normAxis("gather", axis, x.rank());
  int64_t outer = 1, inner = 1, d = x.shape()[a];
  for (int i = 0; i < a; ++i) outer *= x.shape()[i];
  for (int i = a + 1; i < x.rank(); ++i) inner *= x.shape()[i];
  Shape outShape(x.shape().begin(), x.shape().begin() + a);
  outShape.insert(outShape.end(), indices.shape().begin(), indices.shape().end());
  outShape.insert(outShape.end(), x.shape().begin() + a + 1, x.shape().end());
  Tensor y = Tensor::empty(outShape, x.dtype());
  {
    // The kernel checks the indices (no host read of them): it reports the first
    // out-of-range position and its value.
    KernelCall k("Gather", {x.dtype()});
    int64_t badAt = -1, badValue = 0;
    k.kernel<GatherKernel>()({k.in<uint32_t>(x), k.in<int32_t>(indices), k.out<uint32_t>(y), outer, d, indices.size(),
                              inner, &badAt, &badValue, indicesInRange});
    WL_CHECK(badAt < 0, "gather: index " << badValue << " at position " << badAt << " is out of range [0, " << d
                                          << ") for axis " << axis);
  }
  if (differentiable(x)) {
    recordOp("Gather", {x}, y, [x, indices, a, outer, d, inner](const Tensor& dy) -> std::vector<Tensor> {
      // unsortedSegmentSum: add each gathered row's gradient back at its index.
      Tensor dx = Tensor::zeros(x.shape());
      KernelCall k("ScatterAdd");
      k.kernel<ScatterAddKernel>()({k.in<float>(dy), k.in<int32_t>(indices), k.out<float>(dx), outer, d,
                                    indices.size(), inner});
      // Linear in dy: its own gradient gathers again (second order).
      recordOp("ScatterAdd", {dy}, dx, [indices, a](const Tensor& ddx) -> std::vector<Tensor> {
        return {gather(ddx, indices, a)};
      });
      return {dx};
    });
  }
  return y;
}
}  // namespace

Tensor gather(const Tensor& x, const Tensor& indicesIn, int axis) { return gatherChecked(x, indicesIn, axis, false); }

// tfjs's gather with batchDims: the first batchDims dims of x and indices are batch dims
// that pair up; each batch element gathers on its own (a gather per element, so each one
// checks its indices against its own axis and keeps its gradient).
Tensor gather(const Tensor& x, const Tensor& indices, int axis, int batchDims) {
  WL_CHECK(x.defined() && indices.defined(), "gather: an input tensor is undefined (was it disposed?)");
  const int xr = x.rank(), ir = indices.rank();
  WL_CHECK(batchDims == 0 || (batchDims >= -ir && batchDims <= ir),
           "Expect batchDims in the range of [-" << ir << ", " << ir << "], but got " << batchDims);
  if (batchDims < 0) batchDims += ir;
  if (batchDims == 0) return gather(x, indices, axis);
  WL_CHECK(batchDims <= xr, "batchDims (" << batchDims << ") must be less than rank(x) (" << xr << ").");
  const int a = normAxis("gather", axis, xr);
  WL_CHECK(a >= batchDims, "batchDims (" << batchDims << ") must be less than or equal to axis (" << a << ").");
  for (int i = 0; i < batchDims; ++i) {
    WL_CHECK(x.dim(i) == indices.dim(i), "x.shape[" << i << "]: " << x.dim(i) << " should be equal to indices.shape["
                                                    << i << "]: " << indices.dim(i) << ".");
  }
  int64_t nb = 1, np = 1, npost = 1, ni = 1;
  for (int i = 0; i < batchDims; ++i) nb *= x.dim(i);
  for (int i = batchDims; i < a; ++i) np *= x.dim(i);
  for (int i = a + 1; i < xr; ++i) npost *= x.dim(i);
  for (int i = batchDims; i < ir; ++i) ni *= indices.dim(i);
  Shape outShape(x.shape().begin(), x.shape().begin() + a);
  outShape.insert(outShape.end(), indices.shape().begin() + batchDims, indices.shape().end());
  outShape.insert(outShape.end(), x.shape().begin() + a + 1, x.shape().end());
  if (nb == 0) return Tensor::empty(outShape, x.dtype());
  Tensor xs = reshape(x, {nb, np, x.dim(a), npost});
  Tensor is = reshape(indices, {nb, ni});
  std::vector<Tensor> parts;
  for (int64_t b = 0; b < nb; ++b) {
    Tensor xb = reshape(slice(xs, {b, 0, 0, 0}, {1, np, x.dim(a), npost}), {np, x.dim(a), npost});
    Tensor ib = reshape(slice(is, {b, 0}, {1, ni}), {ni});
    try {
      parts.push_back(gather(xb, ib, 1));  // [np, ni, npost]
    } catch (const Error& e) {
      throw Error(std::string(e.what()) + " of batch element " + std::to_string(b) + " (gather with batchDims " +
                  std::to_string(batchDims) + " along axis " + std::to_string(a) + ")");
    }
  }
  return reshape(stack(parts, 0), outShape);
}

Tensor oneHot(const Tensor& indices, int64_t depth, float onValue, float offValue) {
  WL_CHECK(depth >= 1, "oneHot: depth must be >= 1, but it is " << depth);
  WL_CHECK(indices.dtype() == DType::Int32, "oneHot: indices must be an int32 tensor, got " << dtypeName(indices.dtype()));
  std::vector<int32_t> values(static_cast<size_t>(depth));
  for (int64_t i = 0; i < depth; ++i) values[static_cast<size_t>(i)] = static_cast<int32_t>(i);
  Tensor range = Tensor::fromInts({depth}, values);  // a host constant, uploaded
  Tensor hit = binary(BinaryOp::Equal, expandDims(indices, -1), range);
  Tensor on = Tensor::full({}, onValue), off = Tensor::full({}, offValue);
  return cast(where(hit, on, off), DType::Int32);
}

namespace {
std::vector<std::pair<int64_t, int64_t>> parsePaddings(const Attrs& at) {
  std::vector<std::pair<int64_t, int64_t>> out;
  const auto& j = at.json()["paddings"];
  WL_CHECK(j.is_array(), at.op() << ": paddings must be an array of [before, after] pairs");
  for (const auto& p : j) {
    WL_CHECK(p.is_array() && p.size() == 2, at.op() << ": each padding must be a [before, after] pair, got " << p.dump());
    out.push_back({p[0].get<int64_t>(), p[1].get<int64_t>()});
  }
  return out;
}

const bool registered = [] {
  auto& reg = OpRegistry::instance();
  using In = const std::vector<Tensor>&;
  using Out = std::vector<Tensor>;
  reg.add("reshape", 1, [](In in, const Attrs& at) -> Out { return {reshape(in[0], at.getInts("shape"))}; });
  reg.add("broadcastTo", 1, [](In in, const Attrs& at) -> Out {
    Shape s = at.getInts("shape");
    Tensor x = in[0];
    WL_CHECK(static_cast<int>(s.size()) >= x.rank(), "broadcastTo: the rank of the new shape (" << s.size()
                                                                                             << ") must be >= the rank of x");
    Shape padded(s.size() - x.rank(), 1);
    padded.insert(padded.end(), x.shape().begin(), x.shape().end());
    return {broadcastTo(reshape(x, padded), s)};
  });
  reg.add("transpose", 1, [](In in, const Attrs& at) -> Out { return {transpose(in[0], at.getInts("perm", {}))}; });
  reg.add("slice", 1, [](In in, const Attrs& at) -> Out {
    return {slice(in[0], at.getInts("begin"), at.getInts("size", {}))};
  });
  reg.add("stridedSlice", 1, [](In in, const Attrs& at) -> Out {
    return {stridedSlice(in[0], at.getInts("begin"), at.getInts("end"), at.getInts("strides", {}),
                         at.getInt("beginMask", 0), at.getInt("endMask", 0), at.getInt("ellipsisMask", 0),
                         at.getInt("newAxisMask", 0), at.getInt("shrinkAxisMask", 0))};
  });
  reg.add("reverse", 1, [](In in, const Attrs& at) -> Out { return {reverse(in[0], at.getAxes("axis"))}; });
  reg.add("concat", -1, [](In in, const Attrs& at) -> Out {
    return {concat(in, static_cast<int>(at.getInt("axis", 0)))};
  });
  reg.add("stack", -1, [](In in, const Attrs& at) -> Out { return {stack(in, static_cast<int>(at.getInt("axis", 0)))}; });
  reg.add("unstack", 1, [](In in, const Attrs& at) -> Out { return unstack(in[0], static_cast<int>(at.getInt("axis", 0))); });
  reg.add("split", 1, [](In in, const Attrs& at) -> Out {
    // A number is a count of equal splits; an array (even of one entry) is the sizes.
    const auto& spec = at.json()["numOrSizeSplits"];
    int axis = static_cast<int>(at.getInt("axis", 0));
    if (spec.is_number()) return split(in[0], {at.getInt("numOrSizeSplits")}, axis);
    std::vector<int64_t> sizes = at.getInts("numOrSizeSplits");
    sizes.push_back(-2);  // marks "these are sizes" for split()
    return split(in[0], sizes, axis);
  });
  reg.add("pad", 1, [](In in, const Attrs& at) -> Out {
    return {pad(in[0], parsePaddings(at), static_cast<float>(at.getFloat("constantValue", 0.0)))};
  });
  reg.add("mirrorPad", 1, [](In in, const Attrs& at) -> Out {
    return {mirrorPad(in[0], parsePaddings(at), at.getString("mode", "reflect"))};
  });
  reg.add("tile", 1, [](In in, const Attrs& at) -> Out { return {tile(in[0], at.getInts("reps"))}; });
  reg.add("gather", 2, [](In in, const Attrs& at) -> Out {
    // indicesInRange: set only by the engine's own callers whose indices are rows they
    // made (js/src/training.js's batches), never by tf.gather.
    if (at.getBool("indicesInRange", false)) {
      return {gatherChecked(in[0], in[1], static_cast<int>(at.getInt("axis", 0)), true)};
    }
    return {gather(in[0], in[1], static_cast<int>(at.getInt("axis", 0)), static_cast<int>(at.getInt("batchDims", 0)))};
  });
  reg.add("expandDims", 1, [](In in, const Attrs& at) -> Out {
    return {expandDims(in[0], static_cast<int>(at.getInt("axis", 0)))};
  });
  reg.add("squeeze", 1, [](In in, const Attrs& at) -> Out { return {squeeze(in[0], at.getAxes("axis"))}; });
  reg.add("oneHot", 1, [](In in, const Attrs& at) -> Out {
    Tensor y = oneHot(in[0], at.getInt("depth"), static_cast<float>(at.getFloat("onValue", 1.0)),
                      static_cast<float>(at.getFloat("offValue", 0.0)));
    return {cast(y, parseDType(at.getString("dtype", "int32")))};
  });
  return true;
}();
}  // namespace

}  // namespace wl

// matMul (batched, broadcasting batch dims), dot, outerProduct, einsum.
#include <algorithm>
#include <map>

#include "ops/op_utils.h"
#include "ops/registry.h"

namespace wl {

namespace {
// matMul with an optional kernel epilogue (only when no tape records: see fused.cc).
Tensor matMulImpl(const Tensor& aIn, const Tensor& bIn, bool transposeA, bool transposeB, const KernelEpilogue* ep) {
  WL_CHECK(aIn.defined() && bIn.defined(), "matMul: an input tensor is undefined (was it disposed?)");
  Tensor a = cast(aIn, DType::Float32), b = cast(bIn, DType::Float32);
  WL_CHECK(a.rank() >= 2 && b.rank() >= 2, "Error in matMul: inputs must be at least rank 2, got shapes "
                                               << shapeStr(a.shape()) << " and " << shapeStr(b.shape()));
  int64_t m = transposeA ? a.dim(-1) : a.dim(-2);
  int64_t ka = transposeA ? a.dim(-2) : a.dim(-1);
  int64_t kb = transposeB ? b.dim(-1) : b.dim(-2);
  int64_t n = transposeB ? b.dim(-2) : b.dim(-1);
  WL_CHECK(ka == kb, "Error in matMul: inner shapes (" << ka << ") and (" << kb << ") of Tensors with shapes "
                                                       << shapeStr(a.shape()) << " and " << shapeStr(b.shape())
                                                       << " and transposeA=" << (transposeA ? "true" : "false")
                                                       << " and transposeB=" << (transposeB ? "true" : "false")
                                                       << " must match.");
  Shape batchA(a.shape().begin(), a.shape().end() - 2), batchB(b.shape().begin(), b.shape().end() - 2);
  Shape batchShape = broadcastShapes(batchA, batchB);
  int64_t batch = shapeSize(batchShape), sizeA = shapeSize(batchA), sizeB = shapeSize(batchB);
  // A side whose batch is 1 is shared (stride 0); otherwise materialize the broadcast batch.
  Tensor a3 = a, b3 = b;
  if (sizeA != 1 && sizeA != batch) {
    Shape full = batchShape;
    full.push_back(a.dim(-2));
    full.push_back(a.dim(-1));
    Shape padded(batchShape.size() - batchA.size(), 1);
    padded.insert(padded.end(), a.shape().begin(), a.shape().end());
    a3 = broadcastTo(reshape(a, padded), full);
    sizeA = batch;
  }
  if (sizeB != 1 && sizeB != batch) {
    Shape full = batchShape;
    full.push_back(b.dim(-2));
    full.push_back(b.dim(-1));
    Shape padded(batchShape.size() - batchB.size(), 1);
    padded.insert(padded.end(), b.shape().begin(), b.shape().end());
    b3 = broadcastTo(reshape(b, padded), full);
    sizeB = batch;
  }
  Shape outShape;
  outShape.reserve(batchShape.size() + 2);
  outShape.assign(batchShape.begin(), batchShape.end());
  outShape.push_back(m);
  outShape.push_back(n);
  Tensor c = Tensor::empty(outShape);
  // attrs bit 0: transposeA (a layout some backends lack, e.g. XNNPACK's fully-connected).
  KernelCall k("MatMul", {DType::Float32, a3.rank(), transposeA ? 1u : 0u});
  MatMulParams p{};
  p.a = k.in<float>(a3);
  p.b = k.in<float>(b3);
  p.bKey = k.key(b3);
  p.c = k.out<float>(c);
  p.batch = batch;
  p.m = m;
  p.n = n;
  p.k = ka;
  p.transposeA = transposeA;
  p.transposeB = transposeB;
  p.aBatchStride = sizeA == 1 ? 0 : m * ka;
  p.bBatchStride = sizeB == 1 ? 0 : ka * n;
  if (ep) p.epilogue = ep->bind(k);
  k.kernel<MatMulKernel>()(p);
  if (inferenceMode()) return c;  // nothing records: skip building the rule (per predict)
  recordOp("MatMul", {a3, b3}, c, [a3, b3, transposeA, transposeB](const Tensor& dy) -> std::vector<Tensor> {
    Tensor da, db;
    const Tensor &a = a3, &b = b3;
    const bool needA = gradientNeeded(0), needB = gradientNeeded(1);  // fit: not dx of the input batch
    if (!transposeA && !transposeB) {
      if (needA) da = matMul(dy, b, false, true);
      if (needB) db = matMul(a, dy, true, false);
    } else if (!transposeA && transposeB) {
      if (needA) da = matMul(dy, b, false, false);
      if (needB) db = matMul(dy, a, true, false);
    } else if (transposeA && !transposeB) {
      if (needA) da = matMul(b, dy, false, true);
      if (needB) db = matMul(a, dy, false, false);
    } else {
      if (needA) da = matMul(b, dy, true, true);
      if (needB) db = matMul(dy, a, true, true);
    }
    // A shared (batch-1) operand receives the sum over the batch.
    return {needA ? sumTo(da, a.shape()) : Tensor(), needB ? sumTo(db, b.shape()) : Tensor()};
  });
  return c;
}

}  // namespace

Tensor matMul(const Tensor& a, const Tensor& b, bool transposeA, bool transposeB) {
  return matMulImpl(a, b, transposeA, transposeB, nullptr);
}

Tensor fusedMatMul(const Tensor& a, const Tensor& b, bool transposeA, bool transposeB, const FusedEpilogue& post) {
  KernelEpilogue k;
  if (b.defined() && b.rank() >= 2) k = kernelEpilogue(post, transposeB ? b.dim(-2) : b.dim(-1));
  if (!k.ok) return applyEpilogue(matMul(a, b, transposeA, transposeB), post);
  return matMulImpl(a, b, transposeA, transposeB, &k);
}

Tensor dot(const Tensor& a, const Tensor& b) {
  WL_CHECK(a.rank() >= 1 && a.rank() <= 2 && b.rank() >= 1 && b.rank() <= 2,
           "Error in dot: inputs must all be rank 1 or 2, but got ranks " << a.rank() << " and " << b.rank() << ".");
  int64_t ka = a.dim(-1), kb = b.rank() == 1 ? b.dim(0) : b.dim(0);
  WL_CHECK(ka == kb, "Error in dot: inner dimensions of inputs must match, but got " << ka << " and " << kb << ".");
  Tensor a2 = a.rank() == 1 ? reshape(a, {1, ka}) : a;
  Tensor b2 = b.rank() == 1 ? reshape(b, {kb, 1}) : b;
  Tensor c = matMul(a2, b2);
  if (a.rank() == 1 && b.rank() == 1) return reshape(c, {});
  if (a.rank() == 1) return reshape(c, {c.dim(-1)});
  if (b.rank() == 1) return reshape(c, {c.dim(0)});
  return c;
}

Tensor outerProduct(const Tensor& v1, const Tensor& v2) {
  WL_CHECK(v1.rank() == 1 && v2.rank() == 1, "Error in outerProduct: inputs must be rank 1, but got ranks "
                                                 << v1.rank() << " and " << v2.rank() << ".");
  return matMul(reshape(v1, {v1.dim(0), 1}), reshape(v2, {1, v2.dim(0)}));
}

// Two-operand (or one-operand) einsum by transposes, reshapes and one batched matMul:
// indices in both inputs and the output are batch dims, in both inputs only are
// contracted, in one input and the output are free; the gradient follows from those ops.
Tensor einsum(const std::string& equation, const std::vector<Tensor>& xs) {
  auto arrow = equation.find("->");
  WL_CHECK(arrow != std::string::npos, "einsum: the equation must contain '->' (implicit output is not supported): '"
                                           << equation << "'");
  std::string lhs = equation.substr(0, arrow), out = equation.substr(arrow + 2);
  std::vector<std::string> ins;
  size_t start = 0;
  for (size_t comma; (comma = lhs.find(',', start)) != std::string::npos; start = comma + 1) {
    ins.push_back(lhs.substr(start, comma - start));
  }
  ins.push_back(lhs.substr(start));
  WL_CHECK(ins.size() == xs.size() && (xs.size() == 1 || xs.size() == 2),
           "einsum: the equation '" << equation << "' names " << ins.size() << " operand(s) but " << xs.size()
                                    << " tensor(s) were given (1 or 2 are supported)");
  std::map<char, int64_t> dims;
  for (size_t t = 0; t < xs.size(); ++t) {
    WL_CHECK(static_cast<int>(ins[t].size()) == xs[t].rank(),
             "einsum: operand " << t << " has rank " << xs[t].rank() << " but '" << ins[t] << "' names "
                                << ins[t].size() << " indices");
    for (size_t i = 0; i < ins[t].size(); ++i) {
      char c = ins[t][i];
      WL_CHECK(std::count(ins[t].begin(), ins[t].end(), c) == 1,
               "einsum: repeated index '" << c << "' within one operand is not supported");
      auto it = dims.find(c);
      WL_CHECK(it == dims.end() || it->second == xs[t].shape()[i],
               "einsum: index '" << c << "' has sizes " << (it == dims.end() ? 0 : it->second) << " and "
                                 << xs[t].shape()[i]);
      dims[c] = xs[t].shape()[i];
    }
  }
  for (char c : out) WL_CHECK(dims.count(c), "einsum: output index '" << c << "' does not appear in the inputs");
  auto in = [](const std::string& s, char c) { return s.find(c) != std::string::npos; };
  // Sum away indices that appear in only one input and not in the output.
  std::vector<Tensor> ops = xs;
  for (size_t t = 0; t < xs.size(); ++t) {
    std::vector<int> axes;
    std::string kept;
    for (size_t i = 0; i < ins[t].size(); ++i) {
      char c = ins[t][i];
      bool elsewhere = in(out, c) || (xs.size() == 2 && in(ins[1 - t], c));
      if (elsewhere) {
        kept += c;
      } else {
        axes.push_back(static_cast<int>(i));
      }
    }
    if (!axes.empty()) ops[t] = sum(ops[t], axes);
    ins[t] = kept;
  }
  auto permuteTo = [&](const Tensor& x, const std::string& from, const std::string& to) {
    std::vector<int64_t> perm;
    for (char c : to) perm.push_back(static_cast<int64_t>(from.find(c)));
    bool identity = true;
    for (size_t i = 0; i < perm.size(); ++i) identity = identity && perm[i] == static_cast<int64_t>(i);
    return identity ? x : transpose(x, perm);
  };
  if (xs.size() == 1) return permuteTo(ops[0], ins[0], out);
  std::string batch, contracted, freeA, freeB;
  for (char c : ins[0]) {
    if (in(ins[1], c)) {
      (in(out, c) ? batch : contracted) += c;
    } else {
      freeA += c;
    }
  }
  for (char c : ins[1]) {
    if (!in(ins[0], c)) freeB += c;
  }
  auto prod = [&](const std::string& s) {
    int64_t p = 1;
    for (char c : s) p *= dims[c];
    return p;
  };
  Tensor a = reshape(permuteTo(ops[0], ins[0], batch + freeA + contracted), {prod(batch), prod(freeA), prod(contracted)});
  Tensor b = reshape(permuteTo(ops[1], ins[1], batch + contracted + freeB), {prod(batch), prod(contracted), prod(freeB)});
  Tensor c = matMul(a, b);
  std::string have = batch + freeA + freeB;
  Shape haveShape;
  for (char ch : have) haveShape.push_back(dims[ch]);
  return permuteTo(reshape(c, haveShape), have, out);
}

namespace {
const bool registered = [] {
  auto& reg = OpRegistry::instance();
  using In = const std::vector<Tensor>&;
  using Out = std::vector<Tensor>;
  reg.add("matMul", 2, [](In in, const Attrs& at) -> Out {
    return {matMul(in[0], in[1], at.getBool("transposeA", false), at.getBool("transposeB", false))};
  });
  // tf.fused.matMul: inputs [a, b, bias?, preluActivationWeights?] (hasBias, hasPrelu).
  reg.add("fusedMatMul", -1, [](In in, const Attrs& at) -> Out {
    const bool hasBias = at.getBool("hasBias", false), hasPrelu = at.getBool("hasPrelu", false);
    WL_CHECK(in.size() == 2u + hasBias + hasPrelu, "fused.matMul: expected " << 2 + hasBias + hasPrelu
                                                                               << " inputs, got " << in.size());
    FusedEpilogue post;
    if (hasBias) post.bias = in[2];
    const std::string act = at.getString("activation", "linear");
    const bool inKernel = fusedActivationOf(act, &post.activation);
    Tensor y = fusedMatMul(in[0], in[1], at.getBool("transposeA", false), at.getBool("transposeB", false), post);
    if (inKernel) return {y};
    return {fusedActivationAfter(y, act, hasPrelu ? in.back() : Tensor(),
                                 static_cast<float>(at.getFloat("leakyreluAlpha", 0.2)))};
  });
  reg.add("dot", 2, [](In in, const Attrs&) -> Out { return {dot(in[0], in[1])}; });
  reg.add("outerProduct", 2, [](In in, const Attrs&) -> Out { return {outerProduct(in[0], in[1])}; });
  reg.add("einsum", -1, [](In in, const Attrs& at) -> Out { return {einsum(at.getString("equation", ""), in)}; });
  return true;
}();
}  // namespace

}  // namespace wl

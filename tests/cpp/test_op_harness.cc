// Cross-op harness in the manner of ggml's test-backend-ops: each case names a
// registered op (by its tfjs name), its attributes and input shapes. For every
// case: the op runs on random inputs; every backend's output is compared with
// the reference backend's; and the gradient of sum(op(x) * r) with respect to
// each float input is compared with central finite differences.
//
// To add an op: one line in kCases. Use `lo/hi` to keep inputs where the op is
// smooth (away from kinks such as |x| near 0), and grad=false for ops without one.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include "core/dispatch.h"
#ifdef WL_WEBGL
#include "backends/webgl/webgl.h"
#endif
#include "core/kernel_registry.h"
#include "core/test_backend.h"
#include "core/tape.h"
#include "ops/ops.h"
#include "ops/registry.h"
#include "ops/shape_ops.h"

namespace wl {
namespace {

struct OpCase {
  const char* op;
  const char* attrs;  // JSON
  std::vector<Shape> shapes;
  float lo = -2.f, hi = 2.f;
  bool grad = true;
};

const OpCase kCases[] = {
    // unary (inputs pushed away from kinks by the range)
    {"neg", "{}", {{2, 3}}}, {"abs", "{}", {{2, 3}}, 0.2f, 2.f}, {"square", "{}", {{4}}},
    {"sqrt", "{}", {{4}}, 0.5f, 3.f}, {"rsqrt", "{}", {{4}}, 0.5f, 3.f}, {"reciprocal", "{}", {{4}}, 0.5f, 3.f},
    {"exp", "{}", {{2, 2}}}, {"expm1", "{}", {{3}}}, {"log", "{}", {{3}}, 0.5f, 3.f}, {"log1p", "{}", {{3}}, 0.f, 2.f},
    {"relu", "{}", {{5}}, 0.1f, 2.f}, {"relu6", "{}", {{5}}, 0.1f, 5.f}, {"elu", "{}", {{5}}, -2.f, -0.1f},
    {"selu", "{}", {{5}}, 0.1f, 2.f}, {"leakyRelu", "{\"alpha\":0.3}", {{5}}, -2.f, -0.1f},
    {"sigmoid", "{}", {{2, 3}}}, {"logSigmoid", "{}", {{4}}}, {"softplus", "{}", {{4}}}, {"softsign", "{}", {{4}}, 0.1f, 2.f},
    {"tanh", "{}", {{4}}}, {"sin", "{}", {{4}}}, {"cos", "{}", {{4}}}, {"tan", "{}", {{4}}, -1.f, 1.f},
    {"asin", "{}", {{4}}, -0.8f, 0.8f}, {"acos", "{}", {{4}}, -0.8f, 0.8f}, {"atan", "{}", {{4}}},
    {"sinh", "{}", {{4}}}, {"cosh", "{}", {{4}}}, {"asinh", "{}", {{4}}}, {"acosh", "{}", {{4}}, 1.2f, 3.f},
    {"atanh", "{}", {{4}}, -0.8f, 0.8f}, {"erf", "{}", {{4}}},
    {"clipByValue", "{\"clipValueMin\":-0.5,\"clipValueMax\":0.5}", {{6}}, -0.45f, 0.45f},
    {"softmax", "{}", {{2, 4}}}, {"logSoftmax", "{}", {{2, 4}}},
    // binary with broadcasting
    {"add", "{}", {{2, 3}, {3}}}, {"sub", "{}", {{2, 1}, {1, 3}}}, {"mul", "{}", {{2, 3}, {2, 3}}},
    {"div", "{}", {{2, 3}, {3}}, 0.5f, 2.f}, {"divNoNan", "{}", {{2, 3}, {3}}, 0.5f, 2.f},
    {"pow", "{}", {{2, 3}, {3}}, 0.5f, 2.f}, {"maximum", "{}", {{3, 2}, {3, 2}}}, {"minimum", "{}", {{3, 2}, {2}}},
    {"squaredDifference", "{}", {{2, 3}, {3}}}, {"atan2", "{}", {{4}, {4}}, 0.5f, 2.f},
    {"mod", "{}", {{4}, {4}}, 0.6f, 2.f}, {"prelu", "{}", {{2, 3}, {3}}, -2.f, -0.1f},
    // reductions
    {"sum", "{\"axis\":[0]}", {{2, 3, 2}}}, {"sum", "{\"axis\":-1,\"keepDims\":true}", {{2, 3}}},
    {"mean", "{\"axis\":1}", {{2, 3}}}, {"max", "{\"axis\":1}", {{2, 3}}}, {"min", "{}", {{2, 3}}},
    {"prod", "{\"axis\":0}", {{3, 2}}, 0.5f, 2.f}, {"logSumExp", "{\"axis\":1}", {{2, 3}}},
    {"cumsum", "{\"axis\":1}", {{2, 3}}}, {"cumsum", "{\"axis\":0,\"exclusive\":true,\"reverse\":true}", {{3, 2}}},
    // linear algebra
    {"matMul", "{}", {{2, 3}, {3, 4}}}, {"matMul", "{\"transposeA\":true,\"transposeB\":true}", {{3, 2}, {4, 3}}},
    {"matMul", "{}", {{2, 2, 3}, {3, 2}}}, {"dot", "{}", {{3}, {3, 2}}}, {"outerProduct", "{}", {{3}, {2}}},
    {"einsum", "{\"equation\":\"bij,bjk->bik\"}", {{2, 2, 3}, {2, 3, 2}}},
    {"einsum", "{\"equation\":\"ij,ij->i\"}", {{2, 3}, {2, 3}}},
    // shapes
    {"reshape", "{\"shape\":[3,-1]}", {{2, 3}}}, {"transpose", "{\"perm\":[1,2,0]}", {{2, 3, 2}}},
    {"slice", "{\"begin\":[0,1],\"size\":[2,2]}", {{3, 3}}},
    {"stridedSlice", "{\"begin\":[0,3],\"end\":[3,0],\"strides\":[2,-1]}", {{4, 4}}},
    {"reverse", "{\"axis\":[1]}", {{2, 3}}}, {"concat", "{\"axis\":1}", {{2, 1}, {2, 3}}},
    {"stack", "{\"axis\":1}", {{2, 3}, {2, 3}}}, {"pad", "{\"paddings\":[[1,0],[0,2]]}", {{2, 2}}},
    {"mirrorPad", "{\"paddings\":[[1,1],[2,0]],\"mode\":\"reflect\"}", {{3, 3}}},
    {"mirrorPad", "{\"paddings\":[[1,2]],\"mode\":\"symmetric\"}", {{3}}}, {"tile", "{\"reps\":[2,3]}", {{2, 2}}},
    {"broadcastTo", "{\"shape\":[2,3,2]}", {{3, 1}}}, {"expandDims", "{\"axis\":1}", {{3}}},
    {"squeeze", "{}", {{1, 3, 1}}},
    // sizes straddling the SIMD widths (4 lanes; the 4x8 GEMM tile; 16-wide unrolls)
    {"relu", "{}", {{17}}, 0.1f, 2.f}, {"exp", "{}", {{3, 7}}}, {"add", "{}", {{3, 9}, {9}}},
    {"mul", "{}", {{33}, {33}}}, {"sum", "{\"axis\":1}", {{3, 13}}}, {"max", "{\"axis\":-1}", {{5, 9}}},
    {"softmax", "{}", {{3, 11}}}, {"matMul", "{}", {{5, 9}, {9, 17}}},
    {"matMul", "{\"transposeB\":true}", {{1, 7}, {9, 7}}}, {"matMul", "{}", {{2, 4, 5}, {5, 9}}},
    // convolutions, pools, resizing, normalization (every kernel family of every backend)
    {"conv2d", "{\"strides\":1,\"pad\":\"same\"}", {{1, 5, 5, 3}, {3, 3, 3, 9}}},
    {"conv2d", "{\"strides\":2,\"pad\":\"valid\"}", {{2, 6, 5, 2}, {2, 2, 2, 3}}},
    {"conv2d", "{\"strides\":1,\"pad\":\"valid\"}", {{2, 3, 3, 5}, {1, 1, 5, 6}}},  // pointwise
    {"depthwiseConv2d", "{\"strides\":1,\"pad\":\"same\"}", {{1, 5, 4, 5}, {3, 3, 5, 2}}},
    {"conv3d", "{\"strides\":1,\"pad\":\"valid\"}", {{1, 3, 4, 4, 2}, {2, 2, 2, 2, 3}}},
    {"conv2dTranspose", "{\"outputShape\":[1,6,6,2],\"strides\":2,\"pad\":\"same\"}", {{1, 3, 3, 4}, {3, 3, 2, 4}}},
    {"conv3dTranspose", "{\"outputShape\":[1,4,4,4,2],\"strides\":2,\"pad\":\"same\"}", {{1, 2, 2, 2, 3}, {2, 2, 2, 2, 3}}},
    {"maxPool", "{\"filterSize\":2,\"strides\":2,\"pad\":\"valid\"}", {{1, 4, 4, 3}}},
    {"avgPool", "{\"filterSize\":3,\"strides\":1,\"pad\":\"same\"}", {{1, 5, 5, 9}}},
    {"maxPool3d", "{\"filterSize\":2,\"strides\":2,\"pad\":\"valid\"}", {{1, 2, 4, 4, 2}}},
    {"avgPool3d", "{\"filterSize\":2,\"strides\":1,\"pad\":\"valid\"}", {{1, 3, 3, 3, 2}}},
    {"resizeBilinear", "{\"size\":[5,7]}", {{1, 3, 4, 2}}},
    {"resizeNearestNeighbor", "{\"size\":[6,5]}", {{1, 3, 4, 2}}},
    {"batchNorm", "{}", {{2, 3, 5}, {5}, {5}}, 0.5f, 2.f},
    {"argMax", "{\"axis\":1}", {{3, 9}}, -2.f, 2.f, false},
    {"gather", "{\"axis\":0}", {{4, 3}}, -2.f, 2.f, true},
    // issue 12: webgl's packed GEMM (RGBA, 4 x 4 outputs per fragment) at odd sizes: K
    // not a multiple of 4, M and N not multiples of the block, every transpose, batched
    // and broadcast batches, the fused epilogue; conv2d through im2col + the same GEMM.
    {"matMul", "{}", {{37, 29}, {29, 23}}, -1.f, 1.f, false},
    {"matMul", "{\"transposeA\":true}", {{29, 37}, {29, 23}}, -1.f, 1.f, false},
    {"matMul", "{\"transposeB\":true}", {{37, 29}, {23, 29}}, -1.f, 1.f, false},
    {"matMul", "{\"transposeA\":true,\"transposeB\":true}", {{29, 37}, {23, 29}}, -1.f, 1.f, false},
    {"matMul", "{}", {{3, 37, 29}, {3, 29, 23}}, -1.f, 1.f, false},
    {"matMul", "{\"transposeB\":true}", {{3, 13, 6}, {7, 6}}, -1.f, 1.f, false},
    {"matMul", "{}", {{5, 1}, {2, 1, 7}}, -1.f, 1.f, false},
    {"fusedMatMul", "{\"hasBias\":true,\"activation\":\"relu\"}", {{37, 29}, {29, 23}, {23}}, -1.f, 1.f, false},
    {"fusedMatMul", "{\"hasBias\":true,\"activation\":\"relu6\",\"transposeA\":true}", {{29, 37}, {29, 23}, {23}},
     -3.f, 3.f, false},
    {"conv2d", "{\"strides\":[2,1],\"pad\":\"same\"}", {{2, 9, 7, 5}, {3, 3, 5, 7}}, -1.f, 1.f, false},
    {"conv2d", "{\"strides\":1,\"pad\":\"valid\",\"dilations\":2}", {{1, 7, 8, 3}, {2, 3, 3, 6}}, -1.f, 1.f, false},
    {"fusedConv2d", "{\"strides\":1,\"pad\":\"same\",\"hasBias\":true,\"activation\":\"relu\"}",
     {{2, 6, 5, 6}, {3, 3, 6, 9}, {9}}, -1.f, 1.f, false},
    // webgl's pointwise conv packs x as it is (no im2col arithmetic): inC not a multiple
    // of 4, 'same', and a 1x1 with explicit bottom/right padding (not the identity).
    {"conv2d", "{\"strides\":1,\"pad\":\"same\"}", {{2, 5, 3, 7}, {1, 1, 7, 9}}, -1.f, 1.f, false},
    {"conv2d", "{\"strides\":1,\"pad\":[[0,0],[0,1],[0,2],[0,0]]}", {{1, 3, 4, 5}, {1, 1, 5, 3}}, -1.f, 1.f, false},
    // issue 12: webgl's depthwise (filter packed 4 taps a texel, the tap walk unrolled):
    // taps not a multiple of 4, stride 2 'same' with odd sizes (MobileNet), a channel
    // multiplier, dilation, a 1x1 window, the fused epilogue, and > 64 taps (the loop kernel).
    {"depthwiseConv2d", "{\"strides\":2,\"pad\":\"same\"}", {{2, 9, 7, 13}, {3, 3, 13, 1}}, -1.f, 1.f, false},
    {"depthwiseConv2d", "{\"strides\":1,\"pad\":\"valid\",\"dilations\":2}", {{1, 8, 9, 3}, {2, 3, 3, 3}},
     -1.f, 1.f, false},
    {"depthwiseConv2d", "{\"strides\":[1,2],\"pad\":\"same\"}", {{1, 6, 11, 7}, {5, 5, 7, 2}}, -1.f, 1.f, false},
    {"depthwiseConv2d", "{\"strides\":1,\"pad\":\"valid\"}", {{1, 3, 5, 6}, {1, 1, 6, 1}}, -1.f, 1.f, false},
    {"depthwiseConv2d", "{\"strides\":1,\"pad\":\"same\"}", {{1, 10, 10, 2}, {9, 9, 2, 1}}, -1.f, 1.f, false},
    {"fusedDepthwiseConv2d", "{\"strides\":2,\"pad\":\"same\",\"hasBias\":true,\"activation\":\"relu6\"}",
     {{1, 7, 7, 5}, {3, 3, 5, 1}, {5}}, -3.f, 3.f, false},
    // issue 16: morphology and argmax pooling (float inputs), then ops on fixed int
    // inputs (fixedInputs below; every output compared, flattened)
    {"dilation2d", "{\"strides\":1,\"pad\":\"same\"}", {{1, 4, 5, 2}, {2, 3, 2}}},
    {"dilation2d", "{\"strides\":2,\"pad\":\"valid\",\"dilations\":1}", {{2, 5, 5, 2}, {3, 2, 2}}},
    {"dilation2d", "{\"strides\":1,\"pad\":\"valid\",\"dilations\":2}", {{1, 5, 6, 1}, {2, 2, 1}}},
    {"maxPoolWithArgmax", "{\"filterSize\":2,\"strides\":2,\"pad\":\"same\",\"includeBatchInIndex\":true}",
     {{2, 5, 5, 3}}, -2.f, 2.f, false},
    {"dilation2d", "{\"strides\":1,\"pad\":\"same\"}", {}, 0.f, 0.f, false},  // int32
    {"maxPoolWithArgmax", "{\"filterSize\":2,\"strides\":1,\"pad\":\"same\"}", {}, 0.f, 0.f, false},  // int32
    {"bitwiseAnd", "{}", {}, 0.f, 0.f, false},
    {"sparseFillEmptyRows", "{}", {}, 0.f, 0.f, false},
    {"sparseReshape", "{}", {}, 0.f, 0.f, false},
    {"sparseSegmentSum", "{}", {}, 0.f, 0.f, false},
    {"sparseSegmentMean", "{}", {}, 0.f, 0.f, false},
    {"raggedGather", "{}", {}, 0.f, 0.f, false},
    {"raggedRange", "{}", {}, 0.f, 0.f, false},
    {"raggedTensorToTensor", "{\"rowPartitionTypes\":[\"ROW_SPLITS\"]}", {}, 0.f, 0.f, false},
    // fused recurrent gates (issue 17): [xz, hz, c] / [xz, hz, h, U_h or recurrent bias]; units 5 and 9
    // (SIMD vectors and a tail), 2 (tail only); ranges keep hardSigmoid and relu away from their kinks
    {"lstmGates", "{}", {{3, 20}, {3, 20}, {3, 5}}, -1.f, 1.f},
    {"lstmGates", "{\"activation\":\"tanh\",\"recurrentActivation\":\"sigmoid\"}", {{2, 36}, {2, 36}, {2, 9}}},
    {"lstmGates", "{\"activation\":\"relu\",\"recurrentActivation\":\"linear\"}", {{1, 8}, {1, 8}, {1, 2}}, 0.1f, 1.f},
    {"gruGates", "{}", {{3, 15}, {3, 10}, {3, 5}, {5, 5}}, -1.f, 1.f},
    {"gruGates", "{\"activation\":\"tanh\",\"recurrentActivation\":\"sigmoid\",\"resetAfter\":true}",
     {{2, 27}, {2, 27}, {2, 9}, {27}}},
    {"gruGates", "{\"activation\":\"relu\",\"resetAfter\":true}", {{1, 12}, {1, 12}, {1, 4}}, 0.1f, 1.f},
};

// Fixed inputs of the ops whose inputs are int32 indices, splits or shapes.
std::vector<Tensor> fixedInputs(const std::string& op) {
  auto ints = [](Shape s, std::vector<int32_t> v) { return Tensor::fromInts(s, v); };
  auto floats = [](Shape s, std::vector<float> v) { return Tensor::fromVector(s, v); };
  if (op == "dilation2d") return {ints({1, 2, 3, 1}, {4, -9, 16777217, 2, 0, -3}), ints({2, 2, 1}, {1, -1, 5, 0})};
  if (op == "maxPoolWithArgmax") return {ints({1, 3, 2, 1}, {16777217, 16777216, -5, 7, 7, -2147483647})};
  if (op == "bitwiseAnd") return {ints({5}, {7, -1, 12, 0, 5}), ints({5}, {3, 9, 10, 7, -6})};
  if (op == "sparseFillEmptyRows") {
    return {ints({4, 2}, {0, 0, 1, 0, 1, 3, 4, 1}), floats({4}, {0.5f, 1.5f, 2.5f, 3.5f}), ints({2}, {5, 6}),
            Tensor::scalar(-1.f)};
  }
  if (op == "sparseReshape") return {ints({3, 2}, {0, 0, 0, 1, 1, 2}), ints({2}, {2, 3}), ints({3}, {3, -1, 2})};
  if (op == "sparseSegmentSum" || op == "sparseSegmentMean") {
    return {floats({3, 2}, {1, 2, 3, 4, 5, 6}), ints({4}, {0, 2, 1, 2}), ints({4}, {0, 0, 2, 3})};
  }
  if (op == "raggedGather") {
    return {ints({4}, {0, 2, 2, 5}), floats({5, 2}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), ints({2, 2}, {2, 0, 1, 2})};
  }
  if (op == "raggedRange") return {floats({3}, {0, 5, 1}), floats({3}, {3, 1, 2}), floats({3}, {1, -1.5f, 0.25f})};
  if (op == "raggedTensorToTensor") {
    return {ints({2}, {4, -1}), floats({5}, {1, 2, 3, 4, 5}), Tensor::scalar(-7.f), ints({4}, {0, 3, 3, 5})};
  }
  return {};
}

Tensor randomTensor(const Shape& shape, float lo, float hi, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(static_cast<size_t>(shapeSize(shape)));
  for (float& x : v) x = d(gen);
  return Tensor::fromVector(shape, v);  // in the active backend's memory
}

Tensor runCase(const OpCase& c, const std::vector<Tensor>& inputs) {
  std::vector<Tensor> in = inputs;
  // gather takes float inputs here plus fixed indices (in range, repeated)
  if (std::string(c.op) == "gather") in.push_back(Tensor::fromInts({5}, {3, 0, 2, 2, 1}));
  if (in.empty()) in = fixedInputs(c.op);
  std::vector<Tensor> outs = OpRegistry::instance().run(c.op, in, nlohmann::json::parse(c.attrs));
  std::vector<Tensor> flat;
  for (const Tensor& y : outs) flat.push_back(reshape(y.dtype() == DType::Float32 ? y : cast(y, DType::Float32), {-1}));
  return flat.size() == 1 ? outs[0].dtype() == DType::Float32 ? outs[0] : cast(outs[0], DType::Float32)
                          : concat(flat, 0);
}

// Values read through the host view (readHost), so a backend with its own memory works.
double weighted(const Tensor& y, const Tensor& r) {
  std::vector<float> yv = y.toVector(), rv = r.toVector();
  double s = 0;
  for (size_t i = 0; i < yv.size(); ++i) s += static_cast<double>(yv[i]) * rv[i];
  return s;
}

// The test backends (core/test_backend.h) take part in every case: a backend with
// its own memory and asynchronous reads, and one missing some kernels (its chain
// falls back to "cpu" for them).
// The webgl backend (built natively when EGL/GLES are found) takes part too; a
// context that cannot be created fails the test rather than dropping the backend.
void registerTestBackends() {
#ifdef WL_WEBGL
  std::string why;
  if (!registerWebGLBackend(&why)) ADD_FAILURE() << "the webgl backend cannot create its GL context: " << why;
#endif
  if (BackendRegistry::instance().find("cpu-async") == nullptr) registerAsyncTestBackend("cpu-async");
  if (BackendRegistry::instance().find("cpu-async-partial") == nullptr) {
    registerAsyncTestBackend("cpu-async-partial", {"Softmax", "MatMul", "Conv2DBackpropFilter", "Gather"});
  }
}

// Relative tolerance against "cpu": 1e-5 for every CPU backend. The webgl shaders
// use the GPU's exp/log/sin/pow (llvmpipe natively, the browser's GPU later),
// which round differently from libm: the ops listed get a wider bound there.
float tolerance(const std::string& backend, const std::string& op) {
  if (backend != "webgl") return 1e-5f;
  static const std::set<std::string> loose = {};  // none needed on llvmpipe
  return loose.count(op) ? 1e-4f : 1e-5f;
}

class OpHarness : public ::testing::TestWithParam<OpCase> {};

TEST_P(OpHarness, BackendsMatchReferenceAndGradientsMatchFiniteDifferences) {
  const OpCase& c = GetParam();
  registerTestBackends();
  std::vector<Tensor> inputs;
  for (size_t i = 0; i < c.shapes.size(); ++i) inputs.push_back(randomTensor(c.shapes[i], c.lo, c.hi, 11 + i));
  Tensor expected;
  {
    BackendScope cpu("cpu");
    expected = runCase(c, inputs);
  }
  const std::vector<float> e = expected.toVector();
  for (const std::string& backend : BackendRegistry::instance().names()) {
    BackendScope scope(backend);  // restored even when an assertion below returns early
    Tensor got = runCase(c, inputs);
    ASSERT_EQ(got.shape(), expected.shape()) << backend;
    const std::vector<float> g = got.toVector();
    for (size_t i = 0; i < g.size(); ++i) {
      EXPECT_NEAR(g[i], e[i], tolerance(backend, c.op) * std::max(1.f, std::fabs(e[i]))) << backend << " element " << i;
    }
  }
  if (!c.grad) return;
  Tensor r = randomTensor(expected.shape(), 0.5f, 1.5f, 7);
  std::vector<Tensor> analytic;
  {
    GradientTape tape;
    Tensor loss = sum(mul(runCase(c, inputs), r));
    analytic = tape.gradient(loss, inputs);
  }
  const float eps = 1e-2f;
  for (size_t k = 0; k < inputs.size(); ++k) {
    float* x = inputs[k].data<float>();
    for (int64_t i = 0; i < inputs[k].size(); ++i) {
      float keep = x[i];
      x[i] = keep + eps;
      double up = weighted(runCase(c, inputs), r);
      x[i] = keep - eps;
      double down = weighted(runCase(c, inputs), r);
      x[i] = keep;
      double numeric = (up - down) / (2.0 * eps);
      EXPECT_NEAR(analytic[k].toVector()[i], numeric, 2e-2 * std::max(1.0, std::fabs(numeric)))
          << c.op << " " << c.attrs << " input " << k << " element " << i;
    }
  }
  // Every backend's gradient kernels agree with cpu's (the same tape, other kernels;
  // after the finite differences, which write the inputs through the host view).
  for (const std::string& backend : BackendRegistry::instance().names()) {
    BackendScope scope(backend);
    GradientTape tape;
    Tensor loss = sum(mul(runCase(c, inputs), r));
    std::vector<Tensor> got = tape.gradient(loss, inputs);
    for (size_t k = 0; k < inputs.size(); ++k) {
      const std::vector<float> g = got[k].toVector(), want = analytic[k].toVector();
      for (size_t i = 0; i < g.size(); ++i) {
        EXPECT_NEAR(g[i], want[i], tolerance(backend, c.op) * std::max(1.f, std::fabs(want[i])))
            << backend << " gradient of input " << k << " element " << i;
      }
    }
  }
}

std::string caseName(const ::testing::TestParamInfo<OpCase>& info) {
  return std::string(info.param.op) + "_" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(AllOps, OpHarness, ::testing::ValuesIn(kCases), caseName);

// The list of kernels comes from the registry: a kernel registered for any backend
// that no case above (or the in-place optimizer ops below) reaches on that backend
// fails here, so a new kernel cannot go untested.
TEST(OpHarness, EveryRegisteredKernelOfEveryBackendIsExercised) {
  registerTestBackends();
  std::set<std::pair<std::string, std::string>> ran;
  setDispatchLog(&ran);
  for (const std::string& backend : BackendRegistry::instance().names()) {
    BackendScope scope(backend);
    for (const OpCase& c : kCases) {
      std::vector<Tensor> inputs;
      for (size_t i = 0; i < c.shapes.size(); ++i) inputs.push_back(randomTensor(c.shapes[i], c.lo, c.hi, 3 + i));
      runCase(c, inputs);  // without a tape: the inference kernels (BatchNormInference)
      if (c.grad) {
        GradientTape tape;
        tape.gradient(sum(runCase(c, inputs)), inputs);
      }
    }
    // Kernels no op above reaches: in-place optimizer updates, fills and copies,
    // int and bool paths, the gradients of pools and unary ops.
    Tensor w = Tensor::full({9}, 0.5f), g = Tensor::full({9}, 0.25f), m = Tensor::zeros({9}), v = Tensor::zeros({9});
    axpyInPlace(-0.1f, g, w);
    adamUpdateInPlace(w, g, m, v, 0.9, 0.999, 0.1, 0.001, 0.01, 1e-7, 0);
    assignInPlace(w, g.clone());
    Tensor ints = Tensor::fromInts({5}, {1, -2, 3, 0, 4});
    unary(UnaryOp::Neg, ints);
    binary(BinaryOp::Add, ints, ints);
    auto& ops = OpRegistry::instance();
    ops.run("all", {binary(BinaryOp::Greater, ints, Tensor::zeros({5}, DType::Int32))}, nlohmann::json::object());
    where(binary(BinaryOp::Greater, g, m), g, m);
    ops.run("topk", {g}, {{"k", 2}});
    ops.run("cast", {ints}, {{"dtype", "float32"}});
  }
  setDispatchLog(nullptr);
  std::vector<std::string> missing;
  for (const auto& entry : KernelRegistry::instance().entries()) {
    if (!ran.count(entry)) missing.push_back(entry.first + " on " + entry.second);
  }
  EXPECT_TRUE(missing.empty()) << "kernels no harness case runs: " << ::testing::PrintToString(missing);
}

TEST(OpHarness, EveryRegisteredOpRejectsBadInputWithAnError) {
  auto& reg = OpRegistry::instance();
  Tensor a = Tensor::zeros({2, 3}), b = Tensor::zeros({2});
  EXPECT_THROW(reg.run("add", {a, b}, nlohmann::json::object()), Error);           // broadcast
  EXPECT_THROW(reg.run("sum", {a}, {{"axis", 5}}), Error);                          // axis
  EXPECT_THROW(reg.run("logicalAnd", {a, a}, nlohmann::json::object()), Error);    // dtype
  EXPECT_THROW(reg.run("reshape", {a}, {{"shape", {4, 2}}}), Error);                // size
  EXPECT_THROW(reg.run("gather", {a, Tensor::full({1}, 0)}, {{"axis", 9}}), Error);  // axis
  Tensor idx = Tensor::fromInts({1}, {7});
  EXPECT_THROW(reg.run("gather", {a, idx}, nlohmann::json::object()), Error);      // index
  EXPECT_THROW(reg.run("nope", {a}, nlohmann::json::object()), Error);             // name
  EXPECT_THROW(reg.run("add", {a}, nlohmann::json::object()), Error);              // arity
  EXPECT_THROW(reg.run("slice", {a}, {{"begin", {0, 2}}, {"size", {2, 2}}}), Error);
  EXPECT_THROW(reg.run("matMul", {a, a}, nlohmann::json::object()), Error);
  // data-dependent checks made by the kernels (issue 16)
  Tensor ids = Tensor::fromInts({2}, {0, 1});
  EXPECT_THROW(reg.run("sparseSegmentSum", {a, Tensor::fromInts({2}, {0, 5}), ids}, nlohmann::json::object()), Error);
  EXPECT_THROW(reg.run("sparseSegmentSum", {a, ids, Tensor::fromInts({2}, {1, 0})}, nlohmann::json::object()), Error);
  EXPECT_THROW(reg.run("sparseReshape", {Tensor::fromInts({1, 2}, {0, 0}), Tensor::fromInts({2}, {2, 3}),
                                         Tensor::fromInts({2}, {-1, -1})}, nlohmann::json::object()), Error);
  EXPECT_THROW(reg.run("raggedRange", {Tensor::scalar(0.f), Tensor::scalar(3.f), Tensor::scalar(0.f)},
                       nlohmann::json::object()), Error);
  EXPECT_THROW(reg.run("bitwiseAnd", {ids, Tensor::fromInts({1}, {1})}, nlohmann::json::object()), Error);
}

}  // namespace
}  // namespace wl

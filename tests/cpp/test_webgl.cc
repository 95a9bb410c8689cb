// The webgl backend (cpp/backends/webgl) on a surfaceless EGL context (Mesa's
// llvmpipe natively): context creation, texture upload/download, asynchronous reads
// completed by pump(), the texture pool, memory accounting, the program cache, and
// a model that predicts on webgl with no host round trip. The op harness
// (test_op_harness.cc) runs every op on webgl against cpu as well.
//
// These tests fail (they do not skip) when no EGL context can be made: the build
// enabled WL_WEBGL because EGL and GLES were found, so the driver must work too
// (scripts/install-deps.sh installs libegl-mesa0 and libgl1-mesa-dri).
#include <gtest/gtest.h>

#ifdef WL_WEBGL

#include <cmath>
#include <cstring>
#include <limits>

#include "backends/webgl/gl_runtime.h"
#include "backends/webgl/webgl.h"
#include "core/backend.h"
#include "core/dispatch.h"
#include "core/tape.h"
#include "layers/dense.h"
#include "layers/layer.h"
#include "models/model.h"
#include "ops/ops.h"
#include "ops/registry.h"

namespace wl {
namespace {

// A failure (not a skip) when the context cannot be made; ends the test there.
#define REQUIRE_WEBGL()                                                                            \
  do {                                                                                             \
    std::string why;                                                                               \
    ASSERT_TRUE(registerWebGLBackend(&why)) << "cannot create the webgl backend's GL context: " << why; \
  } while (0)

std::vector<float> seq(int64_t n, float scale = 0.1f) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = std::sin(static_cast<float>(i) * 1.3f) * scale * 10.f;
  return v;
}

void expectClose(const std::vector<float>& got, const std::vector<float>& want, float tol = 1e-5f) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol * std::max(1.f, std::fabs(want[i]))) << i;
}

uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

TEST(WebGL, ContextIsCreatedAndTheBackendIsRegistered) {
  REQUIRE_WEBGL();
  EXPECT_FALSE(webglRenderer().empty());
  Backend* b = BackendRegistry::instance().find("webgl");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->priority(), 3);
  EXPECT_EQ(b->fallback(), "wasm");
  EXPECT_FALSE(b->memory().isHost());
  EXPECT_TRUE(registerWebGLBackend());  // again: already there
}

TEST(WebGL, UploadAndDownloadAreBitExactAcrossTextureRows) {
  REQUIRE_WEBGL();
  BackendScope scope("webgl");
  // 4096 texels per row: sizes below, at and across row boundaries.
  for (int64_t n : {1, 5, 4095, 4096, 4097, 2 * 4096 + 3}) {
    std::vector<float> v = seq(n);
    v[0] = std::numeric_limits<float>::quiet_NaN();
    if (n > 2) v[2] = std::numeric_limits<float>::denorm_min();
    Tensor t = Tensor::fromVector({n}, v);
    EXPECT_EQ(t.storage().memory().name(), "webgl");
    std::vector<float> back = t.toVector();
    ASSERT_EQ(back.size(), v.size());
    for (size_t i = 0; i < v.size(); ++i) ASSERT_EQ(bits(back[i]), bits(v[i])) << n << " element " << i;
  }
  // int32 storage keeps its bit patterns (small ints are float denormals).
  Tensor ints = Tensor::fromInts({6}, {1, -1, 0, 7, 2147483647, -2147483647 - 1});
  EXPECT_EQ(ints.toInts(), (std::vector<int32_t>{1, -1, 0, 7, 2147483647, -2147483647 - 1}));
  // ...also through the bit-copy kernels, which take every dtype.
  Tensor copied = ints.clone();
  EXPECT_EQ(KernelCall("Copy", {DType::Int32}).backend().name(), "webgl");
  EXPECT_EQ(copied.toInts(), ints.toInts());
  auto& reg = OpRegistry::instance();
  Tensor rev = reg.run("reverse", {ints}, {{"axis", {0}}})[0];
  EXPECT_EQ(rev.toInts(), (std::vector<int32_t>{-2147483647 - 1, 2147483647, 7, 0, -1, 1}));
}

TEST(WebGL, AnAsynchronousReadCompletesWhenPumped) {
  REQUIRE_WEBGL();
  BackendScope scope("webgl");
  Tensor x = Tensor::fromVector({5000}, seq(5000));
  Tensor y = relu(x);
  Memory& m = y.storage().memory();
  std::vector<float> out(5000, -1.f);
  bool done = false;
  m.readAsync(y.storage().handle(), out.data(), 5000 * 4, [&] { done = true; });
  EXPECT_FALSE(done);  // completed only by pump(), once the fence has signaled
  EXPECT_EQ(webglStats().asyncReadsPending, 1);
  // The fence signals once llvmpipe has run the draws: pump until it has.
  int pending = 1;
  for (int i = 0; i < 1000000 && pending > 0; ++i) pending = m.pump();
  EXPECT_EQ(pending, 0);
  EXPECT_TRUE(done);
  EXPECT_EQ(webglStats().asyncReadsPending, 0);
  std::vector<float> want = seq(5000);
  for (float& v : want) v = v > 0.f ? v : 0.f;
  EXPECT_EQ(out, want);
}

// The packed read path (drivers that read R32UI only as RGBA_INTEGER: a pass packs 4
// values per RGBA32UI texel first), forced here on any driver: synchronous and
// asynchronous reads are bit-exact for n = 1, n not a multiple of 4 or of the
// 4096-texel row, packed grids of one or several rows, and write nothing past n.
TEST(WebGL, PackedReadsAreBitExactSyncAndAsyncAndStopAtN) {
  REQUIRE_WEBGL();
  BackendScope scope("webgl");
  webglForcePackedReads(true);
  struct Restore {
    ~Restore() { webglForcePackedReads(false); }
  } restore;
  EXPECT_TRUE(webglReadsPacked());
  const int64_t before = webglStats().packedReads;
  int64_t reads = 0;
  const uint32_t kSentinel = 0xDEADBEEFu;
  for (int64_t n : {1, 2, 3, 4, 5, 7, 4095, 4096, 4097, 4 * 4096 + 1, 2 * 4 * 4096 + 6, 100003}) {
    std::vector<float> v = seq(n);
    v[0] = std::numeric_limits<float>::quiet_NaN();
    if (n > 1) v[1] = -0.f;
    if (n > 2) v[2] = std::numeric_limits<float>::denorm_min();
    v[static_cast<size_t>(n - 1)] = -std::numeric_limits<float>::infinity();
    Tensor t = Tensor::fromVector({n}, v);
    Memory& m = t.storage().memory();
    std::vector<uint32_t> sync(static_cast<size_t>(n) + 1, kSentinel), async(static_cast<size_t>(n) + 1, kSentinel);
    m.read(t.storage().handle(), sync.data(), static_cast<size_t>(n) * 4);
    bool done = false;
    m.readAsync(t.storage().handle(), async.data(), static_cast<size_t>(n) * 4, [&] { done = true; });
    for (int i = 0; i < 1000000 && !done; ++i) m.pump();
    ASSERT_TRUE(done) << n;
    reads += 2;
    for (size_t i = 0; i < v.size(); ++i) {
      ASSERT_EQ(sync[i], bits(v[i])) << "sync, n = " << n << ", element " << i;
      ASSERT_EQ(async[i], bits(v[i])) << "async, n = " << n << ", element " << i;
    }
    EXPECT_EQ(sync[static_cast<size_t>(n)], kSentinel) << n;
    EXPECT_EQ(async[static_cast<size_t>(n)], kSentinel) << n;
  }
  // int32 bit patterns, through the engine's own read (Tensor::toInts).
  Tensor ints = Tensor::fromInts({5}, {1, -1, 0, 2147483647, -2147483647 - 1});
  EXPECT_EQ(ints.toInts(), (std::vector<int32_t>{1, -1, 0, 2147483647, -2147483647 - 1}));
  ++reads;
  EXPECT_EQ(webglStats().packedReads - before, reads);
}

TEST(WebGL, OpsWithoutAWebGLKernelFallBackThroughTheChainWithCountedMoves) {
  REQUIRE_WEBGL();
  auto& reg = OpRegistry::instance();
  const nlohmann::json attrs = {{"strides", 1}, {"pad", "valid"}};
  Tensor want;
  {
    BackendScope cpu("cpu");
    want = reg.run("dilation2d", {Tensor::fromVector({1, 3, 3, 1}, seq(9)), Tensor::fromVector({2, 2, 1}, seq(4))},
                   attrs)[0];
  }
  BackendScope scope("webgl");
  EXPECT_EQ(KernelCall("Binary", {DType::Float32}).backend().name(), "webgl");
  EXPECT_NE(KernelCall("Dilation2D", {DType::Float32}).backend().name(), "webgl");  // no webgl kernel
  Tensor x = Tensor::fromVector({1, 3, 3, 1}, seq(9)), w = Tensor::fromVector({2, 2, 1}, seq(4));
  const TransferStats before = transferStats();
  Tensor d = reg.run("dilation2d", {x, w}, attrs)[0];
  EXPECT_EQ(transferStats().moves, before.moves + 2);  // x and the filter moved to the host
  EXPECT_EQ(d.toVector(), want.toVector());
  Tensor y = relu(d);  // ...and back for the next webgl kernel
  EXPECT_EQ(transferStats().moves, before.moves + 3);
  EXPECT_EQ(y.storage().memory().name(), "webgl");
}

// Gather runs on webgl (no moves); an index out of range throws the op's error
// (found by a check pass and a small synchronous read), in any block of 256.
TEST(WebGL, GatherRunsOnWebGLAndRejectsIndicesOutOfRange) {
  REQUIRE_WEBGL();
  auto& reg = OpRegistry::instance();
  std::vector<int32_t> many(600);
  for (size_t i = 0; i < many.size(); ++i) many[i] = static_cast<int32_t>((i * 7) % 9);
  std::vector<float> want[3], got[3];
  for (int pass = 0; pass < 2; ++pass) {
    BackendScope scope(pass == 0 ? "cpu" : "webgl");
    Tensor x = Tensor::fromVector({2, 9, 3}, seq(54));
    Tensor ints = Tensor::fromInts({9}, {5, -7, 9, 2147483647, 0, 1, 2, 3, -2147483647 - 1});
    Tensor idx = Tensor::fromInts({600}, many), small = Tensor::fromInts({2, 2}, {8, 0, 8, 3});
    const TransferStats before = transferStats();
    std::vector<float>* out = pass == 0 ? want : got;
    Tensor g0 = reg.run("gather", {x, idx}, {{"axis", 1}})[0];
    Tensor g1 = reg.run("gather", {x, small}, {{"axis", 1}})[0];
    EXPECT_THROW(reg.run("gather", {x, small}, {{"axis", 0}}), Error) << "axis 0 has 2 rows";
    Tensor g2 = reg.run("gather", {ints, small}, {{"axis", 0}})[0];
    if (pass == 1) {
      EXPECT_EQ(transferStats().moves, before.moves);
      EXPECT_EQ(KernelCall("Gather", {DType::Float32}).backend().name(), "webgl");
      EXPECT_EQ(g2.dtype(), DType::Int32);
    }
    EXPECT_EQ(g0.shape(), (Shape{2, 600, 3}));
    out[0] = g0.toVector();
    out[1] = g1.toVector();
    for (int32_t v : g2.toInts()) out[2].push_back(static_cast<float>(v));
    // A bad index in the third block of 256: the error names its position and value.
    std::vector<int32_t> bad = many;
    bad[517] = 9;
    try {
      reg.run("gather", {x, Tensor::fromInts({600}, bad)}, {{"axis", 1}});
      ADD_FAILURE() << "no error for index 9";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("index 9 at position 517 is out of range [0, 9)"), std::string::npos)
          << e.what();
    }
  }
  for (int i = 0; i < 3; ++i) EXPECT_EQ(got[i], want[i]) << i;  // bit copies: exact
}

// indicesInRange (the fit loop's batches, checked on the host): one pass, no check pass
// and no read back; the same rows as the checked gather.
TEST(WebGL, GatherOfIndicesInRangeSkipsTheCheckAndItsReads) {
  REQUIRE_WEBGL();
  BackendScope scope("webgl");
  auto& reg = OpRegistry::instance();
  Tensor x = Tensor::fromVector({9, 3}, seq(27));
  Tensor idx = Tensor::fromInts({5}, {8, 0, 3, 3, 7});
  const std::vector<float> want = reg.run("gather", {x, idx}, {{"axis", 0}})[0].toVector();
  WebGLStats before = webglStats();
  (void)(reg.run("gather", {x, idx}, {{"axis", 0}})[0]);
  EXPECT_EQ(webglStats().passes - before.passes, 2) << "the checked gather: a check pass, then the gather";
  before = webglStats();
  Tensor y = reg.run("gather", {x, idx}, {{"axis", 0}, {"indicesInRange", true}})[0];
  EXPECT_EQ(webglStats().passes - before.passes, 1);
  EXPECT_EQ(y.toVector(), want);
}

// The packed GEMM against cpu where its layout changes: K past 4 x 4096 (packed rows
// wrap across texture rows), N past 4096 (output blocks span texture rows), K of 1
// to 5 (and 0), single rows and columns, a batch broadcast on either side, and conv2d
// shapes that go through im2col (strided, dilated, 1x1, 3D). Sums of up to 17000
// terms of size ~1: 1e-4 relative; the small ones 1e-5.
TEST(WebGL, PackedMatMulAndConvAgreeWithCpuAcrossLayouts) {
  REQUIRE_WEBGL();
  auto& reg = OpRegistry::instance();
  struct Case {
    const char* op;
    nlohmann::json attrs;
    std::vector<Shape> shapes;
    float tol;
  };
  const std::vector<Case> cases = {
      {"matMul", nlohmann::json::object(), {{3, 17000}, {17000, 5}}, 1e-4f},
      {"matMul", {{"transposeA", true}}, {{17000, 2}, {17000, 6}}, 1e-4f},
      {"matMul", {{"transposeB", true}}, {{2, 3}, {4099, 3}}, 1e-5f},
      {"matMul", nlohmann::json::object(), {{9, 1}, {1, 6}}, 1e-5f},
      {"matMul", nlohmann::json::object(), {{1, 5}, {5, 1}}, 1e-5f},
      {"matMul", nlohmann::json::object(), {{3, 0}, {0, 4}}, 1e-5f},  // K == 0: the direct kernel, zeros
      {"matMul", {{"transposeA", true}}, {{4, 6, 5}, {4, 6, 3}}, 1e-5f},
      {"matMul", nlohmann::json::object(), {{2, 3, 6, 7}, {7, 9}}, 1e-5f},
      {"matMul", nlohmann::json::object(), {{6, 7}, {2, 7, 9}}, 1e-5f},
      {"conv2d", {{"strides", 1}, {"pad", "valid"}}, {{2, 5, 4, 7}, {1, 1, 7, 5}}, 1e-5f},
      {"conv2d", {{"strides", 3}, {"pad", "same"}, {"dilations", 1}}, {{1, 11, 10, 3}, {5, 4, 3, 2}}, 1e-5f},
      {"conv2d", {{"strides", 1}, {"pad", "same"}, {"dilations", 3}}, {{1, 8, 9, 2}, {3, 2, 2, 5}}, 1e-5f},
      {"conv3d", {{"strides", 2}, {"pad", "same"}}, {{2, 5, 4, 6, 3}, {3, 2, 3, 3, 4}}, 1e-5f},
  };
  for (const Case& c : cases) {
    std::vector<std::vector<float>> inputs;
    for (size_t i = 0; i < c.shapes.size(); ++i) inputs.push_back(seq(shapeSize(c.shapes[i]), 0.1f + 0.02f * i));
    std::vector<float> want, got;
    for (int pass = 0; pass < 2; ++pass) {
      BackendScope scope(pass == 0 ? "cpu" : "webgl");
      std::vector<Tensor> in;
      for (size_t i = 0; i < c.shapes.size(); ++i) in.push_back(Tensor::fromVector(c.shapes[i], inputs[i]));
      (pass == 0 ? want : got) = reg.run(c.op, in, c.attrs)[0].toVector();
    }
    SCOPED_TRACE(std::string(c.op) + " " + c.attrs.dump());
    expectClose(got, want, c.tol);
  }
}

// The GEMM applies the fused epilogue on whole 4-column vectors (scale, bias, then
// relu/relu6 with mix): NaN must stay NaN, -0 and negatives become +0, values
// over 6 clip, columns past N (a partial block) read no one else's scale, as cpu.
// The packed GEMM computes 8 rows a fragment (one layer of an RGBA array each) where
// the context has 8 draw buffers and the product 32 rows or more, else 4: products on
// both sides of the switch, with a fused bias and relu, batched, and transposed.
TEST(WebGL, TheGemmAgreesWithCpuWithFourAndEightRowsAFragment) {
  REQUIRE_WEBGL();
  EXPECT_GE(webgl::maxDrawBuffers(), 4);
  struct Case {
    std::vector<int64_t> a, b;
    bool ta, tb;
  };
  for (const Case& c : {Case{{31, 13}, {13, 9}, false, false}, Case{{32, 5}, {5, 17}, false, false},
                        Case{{67, 33}, {21, 33}, false, true}, Case{{3, 40, 7}, {3, 7, 5}, false, false},
                        Case{{2, 9, 70}, {2, 9, 6}, true, false}, Case{{129, 260}, {260, 3}, false, false}}) {
    int64_t na = 1, nb = 1;
    for (int64_t d : c.a) na *= d;
    for (int64_t d : c.b) nb *= d;
    Tensor a = Tensor::fromVector(c.a, seq(na)), b = Tensor::fromVector(c.b, seq(nb, 0.37f));
    std::vector<float> got, want;
    {
      BackendScope scope("webgl");
      got = matMul(a, b, c.ta, c.tb).toVector();
    }
    want = matMul(a, b, c.ta, c.tb).toVector();
    expectClose(got, want, 1e-4f);
  }
  // Dense with bias and relu: the epilogue on 8-row blocks (64 samples).
  Tensor x = Tensor::fromVector({64, 19}, seq(64 * 19)), w = Tensor::fromVector({19, 11}, seq(19 * 11, 0.2f));
  Tensor bias = Tensor::fromVector({11}, seq(11, 0.5f));
  std::vector<float> got;
  {
    BackendScope scope("webgl");
    got = relu(add(matMul(x, w), bias)).toVector();
  }
  expectClose(got, relu(add(matMul(x, w), bias)).toVector(), 1e-4f);
}

TEST(WebGL, TheGemmEpilogueKeepsNaNAndClipsAsCpu) {
  REQUIRE_WEBGL();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  // a [3, 2] x b [2, 5]: row 0 has a NaN; row 1 is 0, so column 1 is 0 * -1 + -0 = -0 before the activation.
  const std::vector<float> a = {nan, 1, 0, 0, 2, 3}, b = {-1, 2, 3, -4, 5, 0, 1, 4, 2, -1};
  const std::vector<float> scale = {1, -1, 2, 0.5f, 3}, bias = {0, -0.f, -1, 1, 0.5f};  // row 1, column 1: -0
  for (const char* act : {"relu", "relu6", "linear"}) {
    std::vector<float> want, got;
    for (int pass = 0; pass < 2; ++pass) {
      BackendScope scope(pass == 0 ? "cpu" : "webgl");
      FusedEpilogue post;
      post.scale = Tensor::fromVector({5}, scale);
      post.bias = Tensor::fromVector({5}, bias);
      ASSERT_TRUE(fusedActivationOf(act, &post.activation));
      (pass == 0 ? want : got) =
          fusedMatMul(Tensor::fromVector({3, 2}, a), Tensor::fromVector({2, 5}, b), false, false, post).toVector();
    }
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      if (std::isnan(want[i])) {
        EXPECT_TRUE(std::isnan(got[i])) << act << " " << i;
      } else {
        EXPECT_EQ(bits(got[i]), bits(want[i])) << act << " " << i << ": " << got[i] << " vs " << want[i];
      }
    }
  }
}

TEST(WebGL, Int32ArithmeticIsExactOnWebGL) {
  REQUIRE_WEBGL();
  const std::vector<int32_t> av = {7, -7, 7, -7, 0, 2147483647, -2147483647 - 1, 5, -3, 9};
  const std::vector<int32_t> bv = {2, 2, -2, -2, 3, 1, 3, 0, 4, -9};  // not INT_MIN % -1: it traps on x86
  std::vector<int32_t> want, got;
  for (int pass = 0; pass < 2; ++pass) {
    BackendScope scope(pass == 0 ? "cpu" : "webgl");
    std::vector<int32_t>& out = pass == 0 ? want : got;
    const int64_t moves = transferStats().moves;
    Tensor a = Tensor::fromInts({10}, av), b = Tensor::fromInts({10}, bv);
    for (BinaryOp op : {BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul, BinaryOp::FloorDiv, BinaryOp::Mod,
                        BinaryOp::Maximum, BinaryOp::Minimum, BinaryOp::Less, BinaryOp::Equal, BinaryOp::DivNoNan}) {
      std::vector<int32_t> v = binary(op, a, b).toInts();
      out.insert(out.end(), v.begin(), v.end());
    }
    Tensor small = Tensor::fromInts({2, 3}, {2, -3, 4, 1, 0, -5});
    for (UnaryOp op : {UnaryOp::Neg, UnaryOp::Abs, UnaryOp::Sign, UnaryOp::Square}) {
      std::vector<int32_t> v = unary(op, small).toInts();
      out.insert(out.end(), v.begin(), v.end());
    }
    auto& reg = OpRegistry::instance();
    for (const char* op : {"sum", "prod", "max", "min"}) {
      std::vector<int32_t> v = reg.run(op, {small}, {{"axis", 1}})[0].toInts();
      out.insert(out.end(), v.begin(), v.end());
    }
    std::vector<int32_t> v = reg.run("pow", {small, Tensor::fromInts({3}, {3, 2, -1})}, nlohmann::json::object())[0].toInts();
    out.insert(out.end(), v.begin(), v.end());
    if (pass == 1) {
      EXPECT_EQ(KernelCall("BinaryInt", {DType::Int32}).backend().name(), "webgl");
      EXPECT_EQ(transferStats().moves, moves);  // int32 tensors stay in webgl memory
    }
  }
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want[i]) << "value " << i;
}

TEST(WebGL, CastsAndSelectsRunOnWebGLForEveryDtype) {
  REQUIRE_WEBGL();
  BackendScope scope("webgl");
  EXPECT_EQ(KernelCall("Cast", {DType::Int32}).backend().name(), "webgl");
  EXPECT_EQ(KernelCall("Select", {DType::Int32}).backend().name(), "webgl");
  const int64_t moves = transferStats().moves;
  Tensor f = Tensor::fromVector({5}, {-2.7f, -0.5f, 0.f, 1.9f, 3.f});
  Tensor i = cast(f, DType::Int32);
  EXPECT_EQ(i.toInts(), (std::vector<int32_t>{-2, 0, 0, 1, 3}));  // truncation
  EXPECT_EQ(cast(f, DType::Bool).toInts(), (std::vector<int32_t>{1, 1, 0, 1, 1}));
  EXPECT_EQ(cast(i, DType::Float32).toVector(), (std::vector<float>{-2, 0, 0, 1, 3}));
  EXPECT_EQ(cast(i, DType::Bool).toInts(), (std::vector<int32_t>{1, 0, 0, 1, 1}));
  Tensor cond = binary(BinaryOp::Greater, f, Tensor::zeros({5}));
  EXPECT_EQ(where(cond, f, neg(f)).toVector(), (std::vector<float>{2.7f, 0.5f, -0.f, 1.9f, 3.f}));
  EXPECT_EQ(where(cond, i, Tensor::fromInts({5}, {9, 9, 9, 9, 9})).toInts(), (std::vector<int32_t>{9, 9, 9, 1, 3}));
  EXPECT_EQ(transferStats().moves, moves);  // all of it stayed in webgl memory
}

TEST(WebGL, TheTexturePoolReusesTexturesOfTheSameSize) {
  REQUIRE_WEBGL();
  BackendScope scope("webgl");
  { Tensor warm = Tensor::zeros({123, 7}); }  // leaves one 861-element texture in the pool
  const WebGLStats before = webglStats();
  for (int i = 0; i < 5; ++i) Tensor t = Tensor::zeros({123, 7});
  const WebGLStats after = webglStats();
  EXPECT_EQ(after.texturesCreated, before.texturesCreated);
  EXPECT_EQ(after.texturesReused, before.texturesReused + 5);
  // A different size needs its own texture.
  { Tensor other = Tensor::zeros({124, 7}); }
  EXPECT_EQ(webglStats().texturesCreated, after.texturesCreated + 1);
}

TEST(WebGL, ProgramsCompileOncePerKernelAndShape_ElementwiseOncePerKernel) {
  REQUIRE_WEBGL();
  BackendScope scope("webgl");
  Tensor x = Tensor::fromVector({2, 9}, seq(18));
  tanh(x);
  const WebGLStats before = webglStats();
  for (int i = 0; i < 3; ++i) tanh(x);
  EXPECT_EQ(webglStats().programsCompiled, before.programsCompiled);
  EXPECT_EQ(webglStats().programHits, before.programHits + 3);
  // An elementwise kernel of another size: the same program (its sizes are uniforms),
  // small (one texel row) or large (a power-of-two grid), values as on cpu.
  Tensor big = Tensor::fromVector({70, 90}, seq(6300));
  tanh(big);
  const int64_t compiledBig = webglStats().programsCompiled;
  for (Tensor t : {Tensor::fromVector({3, 9}, seq(27)), Tensor::fromVector({5, 7}, seq(35)),
                   Tensor::fromVector({100, 37}, seq(3700))}) {
    std::vector<float> got = tanh(t).toVector(), want;
    {
      BackendScope cpu("cpu");
      want = tanh(t).toVector();
    }
    expectClose(got, want);
  }
  EXPECT_LE(compiledBig, before.programsCompiled + 1);  // the large grid's addressing at most
  EXPECT_EQ(webglStats().programsCompiled, compiledBig);
  // x + a scalar, and a same-shape product: no index arithmetic either.
  Tensor two = Tensor::scalar(2.f);
  mul(add(two, big), big);
  const int64_t compiledAdd = webglStats().programsCompiled;
  for (Tensor t : {Tensor::fromVector({3, 9}, seq(27)), Tensor::fromVector({100, 37}, seq(3700))}) {
    std::vector<float> got = mul(add(two, t), t).toVector(), want;
    {
      BackendScope cpu("cpu");
      want = mul(add(two, t), t).toVector();
    }
    expectClose(got, want);
  }
  EXPECT_EQ(webglStats().programsCompiled, compiledAdd);
  // A MatMul of another shape runs the programs it has: packs, GEMM and unpack take
  // their sizes as uniforms (a first MobileNetV2 predict compiled 37 GEMM programs when
  // each held its shape).
  Tensor a1 = Tensor::fromVector({11, 17}, seq(187)), b1 = Tensor::fromVector({17, 19}, seq(323, 0.3f));
  matMul(a1, b1);
  const int64_t compiledMatMul = webglStats().programsCompiled;
  Tensor a2 = Tensor::fromVector({23, 29}, seq(667)), b2 = Tensor::fromVector({29, 13}, seq(377, 0.3f));
  std::vector<float> got = matMul(a2, b2).toVector(), want;
  {
    BackendScope cpu("cpu");
    want = matMul(a2, b2).toVector();
  }
  expectClose(got, want);
  EXPECT_EQ(webglStats().programsCompiled, compiledMatMul);
  // A batched product (each A its own matrix) of another shape: the same GEMM and unpack.
  Tensor a3 = Tensor::fromVector({2, 5, 7}, seq(70)), b3 = Tensor::fromVector({2, 7, 3}, seq(42, 0.3f));
  matMul(a3, b3);
  const int64_t compiledBatched = webglStats().programsCompiled;
  Tensor a4 = Tensor::fromVector({3, 9, 6}, seq(162)), b4 = Tensor::fromVector({3, 6, 11}, seq(198, 0.3f));
  got = matMul(a4, b4).toVector();
  {
    BackendScope cpu("cpu");
    want = matMul(a4, b4).toVector();
  }
  expectClose(got, want);
  EXPECT_LE(webglStats().programsCompiled, compiledBatched + 2);  // A's and B's batched packs hold their shapes
  // A kernel whose source holds its shape (a reduction) compiles one per shape.
  sum(Tensor::fromVector({2, 9}, seq(18)), {1});
  const int64_t reduced = webglStats().programsCompiled;
  sum(Tensor::fromVector({3, 9}, seq(27)), {1});
  EXPECT_EQ(webglStats().programsCompiled, reduced + 1);
  // Per-call scalars are uniforms: new fill values or Adam steps do not recompile.
  Tensor::full({4}, 1.f);
  const int64_t compiled = webglStats().programsCompiled;
  EXPECT_EQ(Tensor::full({4}, 2.5f).toVector(), std::vector<float>(4, 2.5f));
  EXPECT_EQ(webglStats().programsCompiled, compiled);
}

TEST(WebGL, MemoryReturnsToItsStartAfterTensorsDie) {
  REQUIRE_WEBGL();
  BackendScope scope("webgl");
  Memory& m = BackendRegistry::instance().find("webgl")->memory();
  const int64_t buffers = m.numBuffers(), bytes = m.numBytes();
  const MemoryStats stats = memoryStats();
  {
    Tensor a = Tensor::fromVector({3, 4}, seq(12));
    Tensor b = Tensor::fromVector({4, 5}, seq(20));
    Tensor c = softmax(matMul(a, b));
    Tensor d = sum(c, {1});
    Tensor e = add(d, Tensor::scalar(1.f));
    EXPECT_GT(m.numBuffers(), buffers);
    EXPECT_GT(m.numBytes(), bytes);
    e.toVector();
  }
  EXPECT_EQ(m.numBuffers(), buffers);
  EXPECT_EQ(m.numBytes(), bytes);
  EXPECT_EQ(memoryStats().numTensors, stats.numTensors);
  EXPECT_EQ(memoryStats().numDataBuffers, stats.numDataBuffers);
  EXPECT_GT(webglStats().texturesPooled, 0);  // the textures wait in the pool...
  webglReleasePool();
  EXPECT_EQ(webglStats().texturesPooled, 0);  // ...until released
}

TEST(WebGL, InPlaceUpdatesAndScattersKeepTheRestOfTheBuffer) {
  REQUIRE_WEBGL();
  std::vector<float> want[3], got[3];
  for (int pass = 0; pass < 2; ++pass) {
    BackendScope scope(pass == 0 ? "cpu" : "webgl");
    Tensor w = Tensor::fromVector({9}, seq(9)), g = Tensor::fromVector({9}, seq(9, 0.02f));
    Tensor m = Tensor::zeros({9}), v = Tensor::zeros({9});
    axpyInPlace(-0.5f, g, w);
    adamUpdateInPlace(w, g, m, v, 0.9, 0.999, 0.1, 0.001, 0.01, 1e-7, 0.01);
    auto& reg = OpRegistry::instance();
    Tensor padded = reg.run("pad", {Tensor::fromVector({2, 2}, {1, 2, 3, 4})}, {{"paddings", {{1, 1}, {2, 0}}}})[0];
    std::vector<float> cat = reg.run("concat", {padded, padded}, {{"axis", 0}})[0].toVector();
    std::vector<float>* out = pass == 0 ? want : got;
    out[0] = w.toVector();
    out[1] = m.toVector();
    out[2] = cat;
    const std::vector<float> vv = v.toVector();
    out[2].insert(out[2].end(), vv.begin(), vv.end());
  }
  for (int i = 0; i < 3; ++i) expectClose(got[i], want[i]);
}

TEST(WebGL, CopyOnWriteCopiesOnTheGPU) {
  REQUIRE_WEBGL();
  BackendScope scope("webgl");
  Tensor x = Tensor::fromVector({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor view = x.view({3, 2});  // shares x's storage
  const int64_t passes = webglStats().passes;
  const TransferStats before = transferStats();
  axpyInPlace(1.f, Tensor::full({2, 3}, 10.f), x);  // x gets its own copy first, then the update
  EXPECT_GE(webglStats().passes, passes + 3);       // fill, copy, axpy
  EXPECT_EQ(transferStats().hostReads, before.hostReads);
  EXPECT_FALSE(view.sharesStorageWith(x));
  EXPECT_EQ(x.toVector(), (std::vector<float>{11, 12, 13, 14, 15, 16}));
  EXPECT_EQ(view.toVector(), (std::vector<float>{1, 2, 3, 4, 5, 6}));  // kept its values
}

// Runs `fn`(a, u_d, u_r) (a GLSL division from kExactDivGLSL) on 40000 dividends (a of
// fragment i: `dividendGlsl` there, `dividend` here) for each divisor, and checks the
// quotient and remainder against C++'s.
void expectExactDivision(const char* fn, const std::string& dividendGlsl, int32_t (*dividend)(int64_t),
                         std::initializer_list<int> divisors) {
  const int64_t n = 40000;
  for (int d : divisors) {
    webgl::GLBuffer* out = webgl::acquire(n);
    webgl::Pass pass;
    pass.body = std::string(webgl::kExactDivGLSL) + "void run(int i) { int a = " + dividendGlsl + "; int q = " + fn +
                "(a, u_d, u_r); o0 = uint(q) * 2654435761u + uint(a - q * u_d); }";
    pass.outputs = {out};
    pass.size = n;
    pass.ui = {{"u_d", d}};
    pass.uf = {{"u_r", 1.f / static_cast<float>(d)}};
    pass.sizeFree = true;
    webgl::runPass(pass);
    std::vector<uint32_t> got(static_cast<size_t>(n));
    webgl::readNow(out, got.data(), n);
    webgl::giveBack(out);
    for (int64_t i = 0; i < n; ++i) {
      const int32_t a = dividend(i);
      const uint32_t want = static_cast<uint32_t>(a / d) * 2654435761u + static_cast<uint32_t>(a % d);
      ASSERT_EQ(got[static_cast<size_t>(i)], want) << fn << ": " << a << " / " << d;
    }
  }
}

TEST(WebGL, TheExactDivisionByAUniformIsExactForEveryNonNegativeInt) {
  REQUIRE_WEBGL();
  BackendScope scope("webgl");
  // Dividends from 0 up to 2^31 - 1 (i * 53687 + i / 3 for i < 40000 reaches ~2^31).
  expectExactDivision("udiv_", "i == 39999 ? 2147483647 : i * 53687 + i / 3",
                      [](int64_t i) { return i == 39999 ? 2147483647 : static_cast<int32_t>(i * 53687 + i / 3); },
                      {1, 3, 4, 7, 37, 48, 196, 4096, 40009, 1 << 20, 2147483647});
}

TEST(WebGL, TheShortDivisionIsExactBelowTwoToThe24) {
  REQUIRE_WEBGL();
  BackendScope scope("webgl");
  // Dividends from 0 up to 2^24 - 1, the last one exactly that.
  expectExactDivision("udiv24_", "i == 39999 ? 16777215 : i * 419 + i % 419",
                      [](int64_t i) { return i == 39999 ? 16777215 : static_cast<int32_t>(i * 419 + i % 419); },
                      {1, 3, 7, 10, 37, 255, 256, 784, 4097, 65521, 1 << 23, (1 << 24) - 1});
}

// Shaders are checked only when their program fails to link (one status query a
// program): a shader that does not compile still throws its compiler's log, every
// time it is asked for, and the context keeps working.
TEST(WebGL, AShaderThatDoesNotCompileThrowsItsLogAndTheContextKeepsWorking) {
  REQUIRE_WEBGL();
  BackendScope scope("webgl");
  webgl::GLBuffer* out = webgl::acquire(8);
  webgl::Pass pass;
  pass.body = "void run(int i) { o0 = undefinedFunction_(i); }";
  pass.outputs = {out};
  pass.size = 8;
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      webgl::runPass(pass);
      ADD_FAILURE() << "a pass calling an undefined function ran";
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("webgl: shader does not compile: "), std::string::npos) << what;
      EXPECT_NE(what.find("undefinedFunction_"), std::string::npos) << what;
    }
  }
  webgl::giveBack(out);
  Tensor x = Tensor::fromVector({2, 3}, {1, -2, 3, -4, 5, -6});
  EXPECT_EQ(relu(x).toVector(), (std::vector<float>{1, 0, 3, 0, 5, 0}));
}

TEST(WebGL, TexturesAreNearSquareWithPowerOfTwoRows) {
  // A rasterizer shares a draw out among its threads by rows: a tensor of 2048 values
  // in one texel row ran on one core (SwiftShader), 4x slower than in a 64x32 grid.
  for (int64_t n : {int64_t{1}, int64_t{32}, int64_t{33}, int64_t{1280}, int64_t{200704}, int64_t{1} << 30}) {
    const int w = webgl::squarishWidth(n);
    if (n <= 32) {
      EXPECT_EQ(w, n);  // one row: no division to find a texel
      continue;
    }
    EXPECT_EQ(w & (w - 1), 0) << n;  // a mask and a shift find a texel
    EXPECT_TRUE(static_cast<int64_t>(w) * w >= n || w == webgl::maxRowWidth()) << n;
    EXPECT_LT(static_cast<int64_t>(w / 2) * (w / 2), n) << n;
  }
  EXPECT_EQ(webgl::squarishWidth(1280), 64);
  EXPECT_EQ(webgl::squarishWidth(int64_t{1} << 30), 4096);
}

TEST(WebGL, LargeTensorsSpanSeveralTextureRows) {
  REQUIRE_WEBGL();
  Tensor a = Tensor::fromVector({3, 5000}, seq(15000)), b = Tensor::fromVector({5000}, seq(5000, 0.3f));
  Tensor w = Tensor::fromVector({5000, 3}, seq(15000, 0.01f));
  std::vector<float> want[3], got[3];
  for (int pass = 0; pass < 2; ++pass) {
    BackendScope scope(pass == 0 ? "cpu" : "webgl");
    std::vector<float>* out = pass == 0 ? want : got;
    out[0] = add(a, b).toVector();
    out[1] = sum(a, {1}).toVector();
    out[2] = matMul(a, w).toVector();
  }
  expectClose(got[0], want[0]);
  expectClose(got[1], want[1], 1e-4f);  // 5000-term sums
  expectClose(got[2], want[2], 1e-4f);
}

TEST(WebGL, ResizingAgreesWithCpuForEveryCornerMode) {
  REQUIRE_WEBGL();
  Tensor x = Tensor::fromVector({2, 3, 5, 2}, seq(60));
  auto& reg = OpRegistry::instance();
  for (const char* op : {"resizeBilinear", "resizeNearestNeighbor"}) {
    for (auto mode : {std::pair<bool, bool>{false, false}, {true, false}, {false, true}}) {
      for (std::vector<int> size : {std::vector<int>{7, 4}, std::vector<int>{2, 9}, std::vector<int>{1, 1}}) {
        const nlohmann::json attrs = {{"size", size}, {"alignCorners", mode.first}, {"halfPixelCenters", mode.second}};
        std::vector<float> want, got;
        {
          BackendScope cpu("cpu");
          want = reg.run(op, {x}, attrs)[0].toVector();
        }
        {
          BackendScope webgl("webgl");
          EXPECT_EQ(KernelCall(std::string(op) == "resizeBilinear" ? "ResizeBilinear" : "ResizeNearestNeighbor")
                        .backend().name(), "webgl");
          got = reg.run(op, {x}, attrs)[0].toVector();
        }
        SCOPED_TRACE(std::string(op) + " " + attrs.dump());
        expectClose(got, want);
        // ...and the gradients (ResizeBilinearGrad / ResizeNearestNeighborGrad on webgl).
        std::vector<float> wantGrad, gotGrad;
        for (int pass = 0; pass < 2; ++pass) {
          BackendScope scope(pass == 0 ? "cpu" : "webgl");
          GradientTape tape;
          Tensor y = reg.run(op, {x}, attrs)[0];
          Tensor loss = sum(mul(y, Tensor::fromVector(y.shape(), seq(y.size(), 0.3f))));
          (pass == 0 ? wantGrad : gotGrad) = tape.gradient(loss, {x})[0].toVector();
        }
        expectClose(gotGrad, wantGrad);
      }
    }
  }
}

std::shared_ptr<Sequential> smallModel(const std::vector<Tensor>& weights) {
  auto model = std::make_shared<Sequential>();
  model->add(std::make_shared<Dense>(nlohmann::json{{"units", 8}, {"inputShape", {5}}, {"activation", "relu"}}));
  model->add(std::make_shared<Dense>(nlohmann::json{{"units", 3}, {"activation", "softmax"}}));
  model->compile({{"optimizer", "adam"}, {"loss", "categoricalCrossentropy"}, {"metrics", {"accuracy"}}});
  if (!weights.empty()) model->setWeights(weights);
  return model;
}

struct RunResult {
  std::vector<float> predicted, logs, weights;
};

RunResult runModel(const std::vector<std::vector<float>>& w) {
  std::vector<Tensor> weights = {Tensor::fromVector({5, 8}, w[0]), Tensor::fromVector({8}, w[1]),
                                 Tensor::fromVector({8, 3}, w[2]), Tensor::fromVector({3}, w[3])};
  auto model = smallModel(weights);
  Tensor x = Tensor::fromVector({4, 5}, seq(20));
  Tensor y = Tensor::fromVector({4, 3}, {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0});
  RunResult r;
  r.predicted = model->predict({x})[0].toVector();
  for (int step = 0; step < 3; ++step) {
    auto logs = model->trainOnBatch({x}, {y});
    r.logs.insert(r.logs.end(), logs.begin(), logs.end());
  }
  for (const Tensor& t : model->getWeights()) {
    auto v = t.toVector();
    r.weights.insert(r.weights.end(), v.begin(), v.end());
  }
  return r;
}

TEST(WebGL, AModelPredictsAndTrainsOnWebGLAsOnCpu) {
  REQUIRE_WEBGL();
  const std::vector<std::vector<float>> w = {seq(40, 0.05f), seq(8, 0.01f), seq(24, 0.07f), seq(3, 0.02f)};
  RunResult want, got;
  {
    BackendScope cpu("cpu");
    want = runModel(w);
  }
  {
    BackendScope webgl("webgl");
    got = runModel(w);
  }
  expectClose(got.predicted, want.predicted);
  expectClose(got.logs, want.logs, 1e-4f);
  expectClose(got.weights, want.weights, 1e-4f);
}

TEST(WebGL, AForwardPassMakesNoMovesWhenEveryKernelIsOnWebGL) {
  REQUIRE_WEBGL();
  BackendScope scope("webgl");
  auto model = smallModel({});
  Tensor x = Tensor::fromVector({4, 5}, seq(20));
  model->predict({x});  // the weights now live in webgl memory
  std::set<std::pair<std::string, std::string>> ran;
  setDispatchLog(&ran);
  const TransferStats before = transferStats();
  Tensor y = model->predict({x})[0];
  setDispatchLog(nullptr);
  EXPECT_EQ(transferStats().moves, before.moves);
  EXPECT_EQ(transferStats().hostReads, before.hostReads);
  EXPECT_EQ(y.storage().memory().name(), "webgl");
  EXPECT_TRUE(ran.count({"MatMul", "webgl"}));
  EXPECT_TRUE(ran.count({"Softmax", "webgl"}));
  for (const auto& entry : ran) EXPECT_EQ(entry.second, "webgl") << entry.first << " ran on " << entry.second;
  y.toVector();
  EXPECT_EQ(transferStats().hostReads, before.hostReads + 1);  // the caller's one read
}

std::shared_ptr<Sequential> convModel() {
  auto& layers = LayerRegistry::instance();
  auto model = std::make_shared<Sequential>();
  model->add(layers.create("Conv2D", {{"filters", 4}, {"kernelSize", 3}, {"padding", "same"}, {"activation", "relu"},
                                      {"inputShape", {6, 6, 2}}}));
  model->add(layers.create("MaxPooling2D", {{"poolSize", 2}}));
  model->add(layers.create("Flatten", nlohmann::json::object()));
  model->add(std::make_shared<Dense>(nlohmann::json{{"units", 3}, {"activation", "softmax"}}));
  model->compile({{"optimizer", "adam"}, {"loss", "categoricalCrossentropy"}, {"metrics", {"accuracy"}}});
  return model;
}

TEST(WebGL, AConvnetTrainsOnWebGLAsOnCpuWithEveryKernelOnWebGL) {
  REQUIRE_WEBGL();
  std::vector<std::vector<float>> weights;
  std::vector<float> want, got;
  std::vector<Shape> shapes;
  const std::vector<float> xs = seq(4 * 72), ys = {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0};
  for (int pass = 0; pass < 2; ++pass) {
    BackendScope scope(pass == 0 ? "cpu" : "webgl");
    auto model = convModel();
    if (pass == 0) {
      for (const Tensor& t : model->getWeights()) {
        weights.push_back(t.toVector());
        shapes.push_back(t.shape());
      }
    } else {
      std::vector<Tensor> w;
      for (size_t i = 0; i < weights.size(); ++i) w.push_back(Tensor::fromVector(shapes[i], weights[i]));
      model->setWeights(w);
    }
    Tensor x = Tensor::fromVector({4, 6, 6, 2}, xs), y = Tensor::fromVector({4, 3}, ys);
    std::vector<float>& out = pass == 0 ? want : got;
    auto logs = model->trainOnBatch({x}, {y});  // the first step builds the optimizer's slots
    out.insert(out.end(), logs.begin(), logs.end());
    std::set<std::pair<std::string, std::string>> ran;
    setDispatchLog(&ran);
    const TransferStats before = transferStats();
    for (int step = 0; step < 2; ++step) {
      logs = model->trainOnBatch({x}, {y});
      out.insert(out.end(), logs.begin(), logs.end());
    }
    setDispatchLog(nullptr);
    if (pass == 1) {
      for (const auto& entry : ran) EXPECT_EQ(entry.second, "webgl") << entry.first << " ran on " << entry.second;
      EXPECT_TRUE(ran.count({"Conv2DBackpropFilter", "webgl"}));
      EXPECT_TRUE(ran.count({"MaxPoolGrad", "webgl"}));
      EXPECT_EQ(transferStats().moves, before.moves);
    }
    for (const Tensor& t : model->getWeights()) {
      auto v = t.toVector();
      out.insert(out.end(), v.begin(), v.end());
    }
  }
  expectClose(got, want, 1e-4f);
}

}  // namespace
}  // namespace wl

#else

// Built without the webgl backend (EGL/GLES were not found at configure time):
// say so in the test list instead of passing silently.
TEST(WebGL, IsBuiltNatively) {
  FAIL() << "WL_WEBGL is off: install libegl-dev libgles-dev libegl-mesa0 libgl1-mesa-dri "
            "(scripts/install-deps.sh) and reconfigure build/native";
}

#endif

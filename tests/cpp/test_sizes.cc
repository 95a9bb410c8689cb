// Checked sizes (core/tensor.h): element and byte counts in 64 bits with overflow
// checks, and one tensor below what wasm32 can address, natively as well, so the
// native suite catches what once wrapped only in the WebAssembly build.
#include <gtest/gtest.h>

#include <string>

#include "core/tensor.h"
#include "layers/layer.h"
#include "ops/ops.h"

namespace wl {
namespace {

std::string errorOf(void (*fn)()) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Sizes, CheckedMulAndAddThrowOnOverflow) {
  EXPECT_EQ(checkedMul(65536, 65536), int64_t{1} << 32);
  EXPECT_EQ(checkedAdd(INT64_MAX - 1, 1), INT64_MAX);
  EXPECT_THROW(checkedMul(int64_t{1} << 32, int64_t{1} << 32), Error);
  EXPECT_THROW(checkedAdd(INT64_MAX, 1), Error);
}

TEST(Sizes, ShapeSizeIs64BitAndChecked) {
  EXPECT_EQ(shapeSize({50000, 50000}), int64_t{2500000000});
  EXPECT_EQ(shapeSize({}), 1);
  EXPECT_EQ(shapeSize({-1, 4}), -4);  // layer shapes with an unknown batch
  EXPECT_THROW(shapeSize({int64_t{1} << 40, int64_t{1} << 40}), Error);
}

TEST(Sizes, TensorBytesNameTheShapeAndTheUnwrappedByteCount) {
  EXPECT_EQ(checkedTensorBytes({1024, 1024}), 4 * 1024 * 1024);
  EXPECT_EQ(checkedTensorBytes({kMaxTensorElements}), kMaxTensorBytes);
  std::string m = errorOf([] { checkedTensorBytes({50000, 50000}); });
  EXPECT_EQ(m.rfind("Cannot allocate a float32 tensor of shape [50000,50000] (10.0 GB): ", 0), 0u) << m;
  m = errorOf([] { checkedTensorBytes({kMaxTensorElements + 1}); });
  EXPECT_NE(m.find("(2.1 GB)"), std::string::npos) << m;
  // 2^64 elements: the product overflows int64, the message still gives the size.
  m = errorOf([] { checkedTensorBytes({int64_t{1} << 32, int64_t{1} << 32}, DType::Int32); });
  EXPECT_EQ(m.rfind("Cannot allocate a int32 tensor of shape [4294967296,4294967296] (73.8 EB)", 0), 0u) << m;
  // What wrapped at 4 GiB in 32 bits (65537 * 65536 * 4 = 2^34 + 2^18).
  EXPECT_THROW(checkedTensorBytes({65537, 65536}), Error);
  EXPECT_THROW(checkedTensorBytes({-1, 3}), Error);
}

TEST(Sizes, OverLargeTensorsThrowBeforeAllocating) {
  const MemoryStats before = memoryStats();
  EXPECT_THROW(Tensor::zeros({65536, 65536}), Error);
  EXPECT_THROW(Tensor::empty({int64_t{1} << 31, 2}), Error);
  EXPECT_THROW(Tensor::full({65537, 65536}, 1.f), Error);
  // Ops whose output shape is over-large: broadcasting, tiling.
  Tensor a = Tensor::zeros({65536, 1}), b = Tensor::zeros({1, 65536});
  EXPECT_THROW(add(a, b), Error);
  EXPECT_EQ(memoryStats().numBytes, before.numBytes + 2 * 65536 * 4);
}

TEST(Sizes, LayerWeightsAreCheckedBeforeTheirInitializerRuns) {
  auto dense = LayerRegistry::instance().create("Dense", {{"name", "big"}, {"units", 65536}});
  std::string m;
  try {
    dense->ensureBuilt(Shape{-1, 65536});  // the kernel is [65536, 65536]
  } catch (const Error& e) {
    m = e.what();
  }
  EXPECT_EQ(m.rfind("Cannot allocate a float32 tensor of shape [65536,65536] (17.2 GB)", 0), 0u) << m;
  EXPECT_NE(m.find("(weight big/kernel)"), std::string::npos) << m;
}

TEST(Sizes, AFailedBuildKeepsNoneOfItsWeights) {
  // The kernel [2, 786432] fits; the recurrent kernel [196608, 786432] does not.
  const MemoryStats before = memoryStats();
  auto lstm = LayerRegistry::instance().create("LSTM", {{"name", "l"}, {"units", 196608}});
  EXPECT_THROW(lstm->ensureBuilt(Shape{-1, 4, 2}), Error);
  EXPECT_TRUE(lstm->weights().empty());
  EXPECT_FALSE(lstm->built());
  lstm.reset();
  EXPECT_EQ(memoryStats().numBytes, before.numBytes);
}

}  // namespace
}  // namespace wl

namespace wl {
namespace {

// Whole-number options beyond int64 (or int) fail their check before any cast: the cast
// of such a double is undefined (the ASan+UBSan suite stops on it). The libFuzzer target
// found MaxPooling2D's poolSize of 2.2e24.
TEST(Sizes, HugeWholeNumberOptionsAreErrorsNotCasts) {
  auto errorOfConfig = [](const char* cls, const nlohmann::json& config) -> std::string {
    try {
      LayerRegistry::instance().create(cls, config);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(errorOfConfig("MaxPooling2D", {{"poolSize", {2.2e24, 2}}}).find("poolSize"), std::string::npos);
  EXPECT_NE(errorOfConfig("AveragePooling1D", {{"poolSize", 1e300}}).find("poolSize"), std::string::npos);
  EXPECT_NE(errorOfConfig("MaxPooling2D", {{"poolSize", 2}, {"strides", {-3e19, 1}}}).find("strides"), std::string::npos);
  EXPECT_NE(errorOfConfig("ZeroPadding2D", {{"padding", 1e300}}).find("padding"), std::string::npos);
  EXPECT_NE(errorOfConfig("Cropping2D", {{"cropping", {{1e20, 0}, {0, 0}}}}).find("cropping"), std::string::npos);
  EXPECT_NE(errorOfConfig("BatchNormalization", {{"axis", 1e12}}).find("axis"), std::string::npos);
  EXPECT_NE(errorOfConfig("LayerNormalization", {{"axis", -1e12}}).find("axis"), std::string::npos);
  EXPECT_NE(errorOfConfig("RandomFlip", {{"seed", 1e30}}).find("seed"), std::string::npos);
}

}  // namespace
}  // namespace wl

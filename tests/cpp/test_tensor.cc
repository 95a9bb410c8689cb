// Tensor basics: shapes, storage sharing, memory accounting, the kernel registry.
#include <gtest/gtest.h>

#include "core/kernel_registry.h"
#include "core/tensor.h"
#include "kernels/params.h"
#include "ops/ops.h"

namespace wl {

TEST(Tensor, ShapeSizeAndDtype) {
  Tensor t = Tensor::fromVector({2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(t.rank(), 2);
  EXPECT_EQ(t.size(), 6);
  EXPECT_EQ(t.dim(-1), 3);
  EXPECT_EQ(t.dtype(), DType::Float32);
  EXPECT_EQ(shapeStr(t.shape()), "[2,3]");
  EXPECT_FLOAT_EQ(t.data<float>()[4], 5.f);
  Tensor i = Tensor::zeros({4}, DType::Int32);
  EXPECT_EQ(i.dtype(), DType::Int32);
  EXPECT_EQ(i.data<int32_t>()[3], 0);
}

TEST(Tensor, FromVectorChecksSize) {
  try {
    Tensor::fromVector({2, 2}, {1, 2, 3});
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("should have 4 values but has 3"), std::string::npos) << e.what();
  }
}

TEST(Tensor, ViewSharesStorageCloneDoesNot) {
  Tensor t = Tensor::fromVector({2, 2}, {1, 2, 3, 4});
  Tensor v = t.view({4});
  Tensor c = t.clone();
  EXPECT_TRUE(v.sharesStorageWith(t));
  EXPECT_FALSE(c.sharesStorageWith(t));
  EXPECT_NE(v.id(), t.id());
  t.data<float>()[0] = 9.f;
  EXPECT_FLOAT_EQ(v.data<float>()[0], 9.f);
  EXPECT_FLOAT_EQ(c.data<float>()[0], 1.f);
  EXPECT_THROW(t.view({3}), Error);
}

TEST(Tensor, MemoryStatsCountLiveTensorsAndBuffers) {
  MemoryStats before = memoryStats();
  {
    Tensor a = Tensor::zeros({10});
    Tensor b = a.view({2, 5});
    MemoryStats during = memoryStats();
    EXPECT_EQ(during.numTensors, before.numTensors + 2);
    EXPECT_EQ(during.numDataBuffers, before.numDataBuffers + 1);
    EXPECT_EQ(during.numBytes, before.numBytes + 40);
  }
  MemoryStats after = memoryStats();
  EXPECT_EQ(after.numTensors, before.numTensors);
  EXPECT_EQ(after.numDataBuffers, before.numDataBuffers);
  EXPECT_EQ(after.numBytes, before.numBytes);
}

TEST(KernelRegistry, ReferenceBackendHasEveryOpAndDuplicatesAreErrors) {
  auto& reg = KernelRegistry::instance();
  for (const char* op : {"Binary", "BinaryInt", "Unary", "UnaryInt", "UnaryGrad", "Cast", "Select", "Reduce",
                         "ReduceInt", "ArgReduce", "Cumsum", "BroadcastTo", "StridedCopy", "Gather", "ScatterAdd",
                         "MatMul", "Softmax", "Axpy"}) {
    EXPECT_TRUE(reg.supports(op, "cpu")) << op;
  }
  EXPECT_THROW(reg.add("Binary", "cpu", reg.find("Binary", "cpu")), Error);
  EXPECT_THROW(setBackend("no-such-backend"), Error);
  EXPECT_EQ(activeBackend(), "cpu");
}

TEST(Ops, BroadcastingAddAndErrors) {
  Tensor a = Tensor::fromVector({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor b = Tensor::fromVector({3}, {10, 20, 30});
  Tensor c = add(a, b);
  EXPECT_EQ(c.toVector(), (std::vector<float>{11, 22, 33, 14, 25, 36}));
  Tensor col = Tensor::fromVector({2, 1}, {100, 200});
  EXPECT_EQ(add(a, col).toVector(), (std::vector<float>{101, 102, 103, 204, 205, 206}));
  EXPECT_THROW(add(a, Tensor::fromVector({2}, {1, 2})), Error);
}

TEST(Ops, SumMeanMatMulReshapeGather) {
  Tensor a = Tensor::fromVector({2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(sum(a).item(), 21.f);
  EXPECT_EQ(sum(a, {0}).toVector(), (std::vector<float>{5, 7, 9}));
  EXPECT_EQ(sum(a, {1}, true).shape(), (Shape{2, 1}));
  EXPECT_FLOAT_EQ(mean(a).item(), 3.5f);
  Tensor b = Tensor::fromVector({3, 2}, {1, 0, 0, 1, 1, 1});
  EXPECT_EQ(matMul(a, b).toVector(), (std::vector<float>{4, 5, 10, 11}));
  EXPECT_EQ(matMul(a, a, false, true).toVector(), (std::vector<float>{14, 32, 32, 77}));
  EXPECT_THROW(matMul(a, a), Error);
  EXPECT_EQ(reshape(a, {-1}).shape(), (Shape{6}));
  Tensor idx = Tensor::zeros({3}, DType::Int32);
  idx.data<int32_t>()[0] = 1;
  EXPECT_EQ(gatherRows(a, idx).toVector(), (std::vector<float>{4, 5, 6, 1, 2, 3, 1, 2, 3}));
  idx.data<int32_t>()[0] = 7;
  EXPECT_THROW(gatherRows(a, idx), Error);
}

}  // namespace wl

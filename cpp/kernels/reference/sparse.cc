// Reference kernels for the sparse and ragged ops, ported from tfjs's cpu kernels
// (SparseFillEmptyRows_impl, SparseReshape_impl, SparseSegmentReduction_impl,
// RaggedGather_impl, RaggedRange_impl, RaggedTensorToTensor_impl). Their output
// sizes depend on the values: results go to the host vectors in the params
// (kernels/params_sparse.h) and the op makes the tensors.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>

#include "core/kernel_registry.h"
#include "kernels/params_sparse.h"

namespace wl {
namespace {

float asFloat(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
uint32_t floatBits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}
// A 4-byte value as a double (int32 or float32).
double valueOf(uint32_t bits, bool isInt) { return isInt ? static_cast<int32_t>(bits) : asFloat(bits); }

void fail(KernelError* e, int code, int64_t a = 0, int64_t b = 0, int64_t c = 0) { *e = {code, a, b, c}; }

// ---- sparse ------------------------------------------------------------------------

void sparseFillEmptyRows(const SparseFillEmptyRowsParams& p) {
  const int64_t n = p.n, rank = p.rank, denseRows = p.denseShape[0];
  p.outIndices->clear();
  p.outValues->clear();
  if (denseRows == 0) {
    if (n != 0) return fail(p.error, 1, n);
    p.emptyRowIndicator->clear();
    p.reverseIndexMap->clear();
    return;
  }
  p.emptyRowIndicator->assign(static_cast<size_t>(std::max<int64_t>(denseRows, 0)), 0);
  p.reverseIndexMap->assign(static_cast<size_t>(n), 0);
  bool ordered = true;
  int64_t lastRow = 0;
  std::vector<int64_t> csr(static_cast<size_t>(std::max<int64_t>(denseRows, 0)), 0);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t row = p.indices[i * rank];
    if (row < 0) return fail(p.error, 2, i, row);
    if (row >= denseRows) return fail(p.error, 3, i, row, denseRows);
    ++csr[row];
    ordered = ordered && row >= lastRow;
    lastRow = row;
  }
  bool allFull = true;
  for (int64_t row = 0; row < denseRows; ++row) {
    const bool empty = csr[row] == 0;
    (*p.emptyRowIndicator)[row] = empty ? 1 : 0;
    allFull = allFull && !empty;
    csr[row] = std::max<int64_t>(csr[row], 1);
    if (row > 0) csr[row] += csr[row - 1];
  }
  if (allFull && ordered) {
    p.outIndices->assign(p.indices, p.indices + n * rank);
    p.outValues->assign(p.values, p.values + n);
    for (int64_t i = 0; i < n; ++i) (*p.reverseIndexMap)[i] = static_cast<int32_t>(i);
    return;
  }
  const int64_t full = csr[denseRows - 1];
  p.outIndices->assign(static_cast<size_t>(full * rank), 0);
  p.outValues->assign(static_cast<size_t>(full), 0);
  std::vector<int64_t> filled(static_cast<size_t>(denseRows), 0);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t row = p.indices[i * rank];
    const int64_t at = (row == 0 ? 0 : csr[row - 1]) + filled[row]++;
    for (int64_t j = 0; j < rank; ++j) (*p.outIndices)[at * rank + j] = p.indices[i * rank + j];
    (*p.outValues)[at] = p.values[i];
    (*p.reverseIndexMap)[i] = static_cast<int32_t>(at);
  }
  for (int64_t row = 0; row < denseRows; ++row) {
    if (filled[row] != 0) continue;
    const int64_t start = row == 0 ? 0 : csr[row - 1];
    (*p.outIndices)[start * rank] = static_cast<int32_t>(row);
    for (int64_t col = 1; col < rank; ++col) (*p.outIndices)[start * rank + col] = 0;
    (*p.outValues)[start] = *p.defaultValue;
  }
}

void sparseReshape(const SparseReshapeParams& p) {
  p.inShape->assign(p.inputShape, p.inputShape + p.inRank);
  p.outShape->clear();
  double denseSize = 1;
  for (int64_t d = 0; d < p.inRank; ++d) denseSize *= p.inputShape[d];
  double product = 1;
  int64_t unknown = -1;
  for (int64_t d = 0; d < p.outRank; ++d) {
    const int64_t size = p.newShape[d];
    if (size == -1) {
      if (unknown != -1) return fail(p.error, 1, unknown, d);
      unknown = d;
      p.outShape->push_back(1);
    } else {
      if (size < 0) return fail(p.error, 2, d, size);
      product *= static_cast<double>(size);
      p.outShape->push_back(size);
    }
  }
  if (unknown != -1) {
    if (product <= 0) return fail(p.error, 3);
    const double missing = std::trunc(denseSize / product);
    if (product * missing != denseSize) return fail(p.error, 4);
    (*p.outShape)[unknown] = static_cast<int64_t>(missing);
  }
  double outSize = 1;
  for (int64_t v : *p.outShape) outSize *= static_cast<double>(v);
  if (outSize != denseSize) return fail(p.error, 5);
  std::vector<int64_t> inStrides(static_cast<size_t>(p.inRank), 1), outStrides(static_cast<size_t>(p.outRank), 1);
  for (int64_t d = p.inRank - 2; d >= 0; --d) inStrides[d] = inStrides[d + 1] * p.inputShape[d + 1];
  for (int64_t d = p.outRank - 2; d >= 0; --d) outStrides[d] = outStrides[d + 1] * (*p.outShape)[d + 1];
  p.outIndices->assign(static_cast<size_t>(p.n * p.outRank), 0);
  for (int64_t i = 0; i < p.n; ++i) {
    int64_t id = 0;
    for (int64_t j = 0; j < p.inRank; ++j) id += static_cast<int64_t>(p.indices[i * p.inRank + j]) * inStrides[j];
    for (int64_t j = 0; j < p.outRank; ++j) {
      // JS: Math.trunc(id / stride) and id %= stride (a zero stride gives NaN -> 0 in an Int32Array)
      const int64_t s = outStrides[j];
      (*p.outIndices)[i * p.outRank + j] = s == 0 ? 0 : static_cast<int32_t>(id / s);
      id = s == 0 ? 0 : id % s;
    }
  }
}

template <bool isMean>
void sparseSegment(const SparseSegmentParams& p) {
  const int64_t n = p.n, cols = p.cols;
  const int64_t outRows = n > 0 ? static_cast<int64_t>(p.segmentIds[n - 1]) + 1 : 0;
  *p.outRows = outRows;
  if (outRows < 0) return fail(p.error, 1);
  std::vector<double> acc;  // one row of sums, rounded as tfjs's typed array rounds
  p.out->assign(static_cast<size_t>(outRows * cols), 0);
  if (n == 0) return;
  if (outRows <= 0) return fail(p.error, 1);
  // Each += in tfjs stores into a Float32Array/Int32Array: round after every add.
  auto store = [&](int64_t at, double v) {
    (*p.out)[at] = p.isInt ? static_cast<uint32_t>(static_cast<int32_t>(static_cast<int64_t>(std::trunc(v))))
                           : floatBits(static_cast<float>(v));
  };
  auto load = [&](int64_t at) { return valueOf((*p.out)[at], p.isInt); };
  int64_t start = 0, end = 1;
  int64_t outIndex = p.segmentIds[start];
  while (true) {
    int64_t next = 0;
    if (end < n) {
      next = p.segmentIds[end];
      if (outIndex == next) {
        ++end;
        continue;
      }
      if (outIndex >= next) return fail(p.error, 2);
    }
    if (outIndex < 0 || outIndex >= outRows) return fail(p.error, 3, outIndex, outRows);
    for (int64_t i = start; i < end; ++i) {
      const int64_t index = p.indices[i];
      if (index < 0 || index >= p.rows) return fail(p.error, 4, i, index, p.rows);
      for (int64_t j = 0; j < cols; ++j) {
        store(outIndex * cols + j, load(outIndex * cols + j) + valueOf(p.data[index * cols + j], p.isInt));
      }
    }
    if (isMean) {
      for (int64_t j = 0; j < cols; ++j) {
        store(outIndex * cols + j, load(outIndex * cols + j) / static_cast<double>(end - start));
      }
    }
    start = end;
    ++end;
    outIndex = next;
    if (end > n) break;
  }
}

// ---- ragged ------------------------------------------------------------------------

void raggedGather(const RaggedGatherParams& p) {
  const int64_t numParams = p.splitSizes[0] - 1;
  int64_t nIndices = 1;
  for (int d = 0; d < p.indicesRank; ++d) nIndices *= p.indicesShape[d];
  for (int64_t i = 0; i < nIndices; ++i) {
    if (p.indices[i] < 0 || p.indices[i] >= numParams) return fail(p.error, 1, i, p.indices[i], numParams);
  }
  for (int dim = 0; dim < p.numSplits; ++dim) {
    const int32_t* s = p.splits[dim];
    const int64_t len = p.splitSizes[dim];
    const int64_t last = dim == p.numSplits - 1 ? p.valueRows : p.splitSizes[dim + 1];
    if (len == 0) return fail(p.error, 2);
    if (s[0] < 0) return fail(p.error, 3);
    if (s[len - 1] > last) return fail(p.error, 4);
    for (int64_t i = 1; i < len; ++i) {
      if (s[i - 1] > s[i]) return fail(p.error, 5);
    }
  }
  const int numOut = p.indicesRank - 1 + p.numSplits;
  p.outSplits->assign(static_cast<size_t>(numOut), std::vector<int32_t>{0});
  int64_t nrows = 1;
  for (int dim = 0; dim < p.indicesRank - 1; ++dim) {
    nrows *= p.indicesShape[dim];
    const int64_t rowLength = p.indicesShape[dim + 1];
    for (int64_t i = 1; i < nrows + 1; ++i) (*p.outSplits)[dim].push_back(static_cast<int32_t>(i * rowLength));
  }
  std::vector<std::pair<int64_t, int64_t>> slices;
  int64_t numValues = 0;
  for (int64_t i = 0; i < nIndices; ++i) {
    int64_t start = p.indices[i], limit = p.indices[i] + 1;
    for (int dim = 0; dim < p.numSplits; ++dim) {
      const int32_t* s = p.splits[dim];
      const int outDim = dim + p.indicesRank - 1;
      if (outDim >= 0) {
        auto& o = (*p.outSplits)[outDim];
        const int64_t delta = o.back() - s[start];
        for (int64_t j = start; j < limit; ++j) o.push_back(static_cast<int32_t>(s[j + 1] + delta));
      }
      start = s[start];
      limit = s[limit];
    }
    if (limit != start) {
      slices.push_back({start, limit});
      numValues += limit - start;
    }
  }
  *p.outRows = numValues;
  p.outValues->assign(static_cast<size_t>(numValues * p.valueSize), 0);
  int64_t at = 0;
  for (const auto& s : slices) {
    for (int64_t i = s.first; i < s.second; ++i, ++at) {
      std::memcpy(p.outValues->data() + at * p.valueSize, p.values + i * p.valueSize,
                  static_cast<size_t>(p.valueSize) * 4);
    }
  }
}

void raggedRange(const RaggedRangeParams& p) {
  auto at = [&](const uint32_t* v, bool scalar, int64_t row) { return valueOf(v[scalar ? 0 : row], p.isInt); };
  p.splits->assign(static_cast<size_t>(p.nRows + 1), 0);
  for (int64_t row = 0; row < p.nRows; ++row) {
    const double start = at(p.starts, p.startsScalar, row), limit = at(p.limits, p.limitsScalar, row),
                 delta = at(p.deltas, p.deltasScalar, row);
    if (delta == 0) return fail(p.error, 1);
    double size = 0;
    if (!((delta > 0 && limit < start) || (delta < 0 && limit > start))) {
      size = std::ceil(std::fabs((limit - start) / delta));
      if (size > 2147483647.0) return fail(p.error, 2);
    }
    (*p.splits)[row + 1] = static_cast<int32_t>((*p.splits)[row] + static_cast<int64_t>(size));
  }
  p.values->assign(static_cast<size_t>((*p.splits)[p.nRows]), 0);
  int64_t k = 0;
  for (int64_t row = 0; row < p.nRows; ++row) {
    const int64_t rowSize = (*p.splits)[row + 1] - (*p.splits)[row];
    double value = at(p.starts, p.startsScalar, row);
    const double delta = at(p.deltas, p.deltasScalar, row);
    for (int64_t i = 0; i < rowSize; ++i) {
      (*p.values)[k++] = p.isInt ? static_cast<uint32_t>(static_cast<int32_t>(value)) : floatBits(static_cast<float>(value));
      value += delta;
    }
  }
}

// tfjs's RaggedTensorToTensorOp, step for step.
class RaggedToDense {
 public:
  explicit RaggedToDense(const RaggedTensorToTensorParams& p) : p_(p) {
    const int n = p.numTypes;
    raggedRank_ = n == 0 ? 0 : (p.types[0] == kFirstDimSize ? n - 1 : n);
  }

  bool compute() {
    if (p_.numPartitions == 0 || p_.partitionSizes[0] <= 0) {
      return error("Invalid first partition input. Tensor requires at least one element.");
    }
    int64_t firstDim = 0;
    if (!firstDimensionSize(&firstDim)) return false;
    std::vector<int64_t> outSize;
    if (!outputSize(firstDim, &outSize)) return false;
    std::vector<int64_t> mult(static_cast<size_t>(raggedRank_ + 1), 1);
    for (int i = static_cast<int>(mult.size()) - 2; i >= 0; --i) mult[i] = mult[i + 1] * outSize[i + 1];
    for (int64_t d : outSize) {
      if (d < 0) return error("Dimension " + std::to_string(d) + " must be >= 0");
    }
    *p_.outShape = outSize;
    int64_t total = 1;
    for (int64_t d : outSize) total *= d;
    p_.out->assign(static_cast<size_t>(total), 0);
    if (mult[0] * outSize[0] > 0) {
      std::vector<int64_t> index;
      const int64_t minDim = std::min(firstDim, outSize[0]);
      for (int64_t i = 0; i < firstDim; ++i) index.push_back(i < minDim ? i * mult[0] : -1);
      for (int i = 1; i <= raggedRank_; ++i) {
        std::vector<int64_t> next;
        if (!outputIndex(i - 1, index, mult[i], outSize[i], &next)) return false;
        index.swap(next);
      }
      setOutput(index, outSize);
    }
    return true;
  }

 private:
  static constexpr int kFirstDimSize = 0, kValueRowIds = 1, kRowSplits = 3;
  static const char* typeName(int t) {
    static const char* names[] = {"FIRST_DIM_SIZE", "VALUE_ROWIDS", "ROW_LENGTHS", "ROW_SPLITS", "ROW_LIMITS", "ROW_STARTS"};
    return t >= 0 && t < 6 ? names[t] : "undefined";
  }
  bool error(const std::string& m) {
    *p_.message = m;
    return false;
  }
  int typeAt(int dim) const {
    const int i = p_.types[0] == kFirstDimSize ? dim + 1 : dim;
    return i < p_.numTypes ? p_.types[i] : -1;
  }
  int partitionAt(int dim) const { return p_.types[0] == kFirstDimSize ? dim + 1 : dim; }
  const int32_t* partition(int dim) const {
    const int i = partitionAt(dim);
    return i < p_.numPartitions ? p_.partitions[i] : nullptr;
  }
  int64_t partitionSize(int dim) const {
    const int i = partitionAt(dim);
    return i < p_.numPartitions ? p_.partitionSizes[i] : 0;
  }

  bool firstDimensionSize(int64_t* out) {
    if (p_.numTypes == 0) return error("No row_partition_types given.");
    switch (p_.types[0]) {
      case kFirstDimSize: *out = p_.partitions[0][0]; return true;
      case kValueRowIds: return error("Cannot handle VALUE_ROWIDS in first dimension.");
      case kRowSplits: *out = p_.partitionSizes[0] - 1; return true;
      default: return error(std::string("Cannot handle type ") + typeName(p_.types[0]));
    }
  }

  bool maxWidth(int dim, int64_t* out) {
    const int32_t* t = partition(dim - 1);
    const int64_t len = partitionSize(dim - 1);
    *out = 0;
    switch (typeAt(dim - 1)) {
      case kValueRowIds: {
        if (len == 0) return true;
        int64_t first = 0, firstValue = t[0], w = 0;
        for (int64_t i = 1; i < len; ++i) {
          if (t[i] != firstValue) {
            firstValue = t[i];
            w = std::max(i - first, w);
            first = i;
          }
        }
        *out = std::max(len - first, w);
        return true;
      }
      case kRowSplits:
        for (int64_t i = 0; i + 1 < len; ++i) *out = std::max<int64_t>(*out, t[i + 1] - t[i]);
        return true;
      default: return error(std::string("Cannot handle partition type ") + typeName(typeAt(dim - 1)));
    }
  }

  static std::string join(const std::vector<int64_t>& v) {
    std::ostringstream s;
    for (size_t i = 0; i < v.size(); ++i) s << (i ? "," : "") << v[i];
    return s.str();
  }

  bool outputSize(int64_t firstDim, std::vector<int64_t>* out) {
    std::vector<int64_t> valueShape(p_.valuesShape, p_.valuesShape + p_.valuesRank);
    std::vector<int64_t> defShape(p_.defaultShape, p_.defaultShape + p_.defaultRank);
    // validateDefaultValueShape
    if (p_.defaultRank >= p_.valuesRank) {
      return error("defaultValue.shape=" + join(defShape) + " and ragged tensor flatValues.shape=" + join(valueShape) +
                   ", are incompatible: defaultValue.rank = " + std::to_string(p_.defaultRank) +
                   " must be less than ragged tensor input flatValues.rank = " + std::to_string(p_.valuesRank) + ")");
    }
    for (int i = 0; i < std::min(p_.defaultRank, p_.valuesRank - 1); ++i) {
      const int64_t dd = defShape[i], vd = valueShape[i + 1];
      if (dd >= 0 && vd >= 0 && dd != 1 && dd != vd) {
        const std::string k = std::to_string(i - p_.defaultRank);
        return error("defaultValue.shape=" + join(defShape) + ", and ragged tensor input flatValues.shape=" +
                     join(valueShape) + " are incompatible: defaultValue.shape[" + k + "] = " + std::to_string(dd) +
                     " but ragged tensor input.flatValues.shape[" + k + "] = " + std::to_string(vd));
      }
    }
    // tensorShapeFromTensor (partial)
    std::vector<int64_t> shape;
    bool haveShape = true;
    if (p_.shapeRank == 0) {
      if (p_.shape[0] != -1) {
        return error("The only valid scalar shape tensor is the fully unknown shape specified as -1.");
      }
      haveShape = true;  // [] (an empty, known shape)
    } else {
      for (int64_t i = 0; i < p_.shapeSize; ++i) {
        int64_t d = p_.shape[i];
        if (d < -1) return error("Dimension " + std::to_string(d) + " must be >= -1");
        shape.push_back(d < 0 ? -1 : d);
      }
    }
    // combineRaggedTensorToTensorShapes
    std::vector<int64_t> o = haveShape ? shape : std::vector<int64_t>{};
    if (raggedRank_ + p_.valuesRank != static_cast<int>(o.size())) {
      return error("rt input.shape and shape=" + join(shape) + " are incompatible: rt input.rank = " +
                   std::to_string(raggedRank_ + p_.valuesRank) + ", but shape.rank = " + std::to_string(o.size()));
    }
    for (int i = 1; i < p_.valuesRank; ++i) {
      const int64_t vd = valueShape[i];
      // tfjs reads outputShape[outputShape[...]] here (an index taken from a value).
      const int64_t idx = o[o.size() - p_.valuesRank + i];
      const bool inRange = idx >= 0 && idx < static_cast<int64_t>(o.size());
      const int64_t od = inRange ? o[idx] : -1;  // undefined >= 0 is false
      const bool odDefined = inRange;
      if (vd >= 0) {
        if (odDefined && od >= 0) {
          if (od != vd) {
            return error("rt input.shape and shape=" + join(shape) + " are incompatible: rt input.shape[" +
                         std::to_string(i + raggedRank_) + "] = " + std::to_string(vd) + " but shape[" +
                         std::to_string(i + raggedRank_) + "] = " + std::to_string(od));
          }
        } else if (inRange) {
          o[idx] = vd;
        }
        // (an out-of-range index: JS would set a property beyond the array; the shape is unchanged)
      }
    }
    if (!o.empty() && o[0] < 0) o[0] = firstDim;
    for (int i = 1; i <= raggedRank_; ++i) {
      if (o[i] < 0 && !maxWidth(i, &o[i])) return false;
    }
    *out = o;
    return true;
  }

  bool outputIndex(int dim, const std::vector<int64_t>& parent, int64_t mult, int64_t outSize,
                   std::vector<int64_t>* result) {
    const int32_t* t = partition(dim);
    const int64_t len = partitionSize(dim);
    const int type = typeAt(dim);
    if (type == kValueRowIds) {
      if (len == 0) return true;
      int64_t col = 0, cur = t[0];
      if (cur >= static_cast<int64_t>(parent.size())) {
        return error("Got currentValueRowId=" + std::to_string(cur) + ", which is not less than " +
                     std::to_string(parent.size()));
      }
      int64_t idx = parent[cur];
      result->push_back(idx);
      for (int64_t i = 1; i < len; ++i) {
        const int64_t next = t[i];
        if (next == cur) {
          if (idx >= 0) {
            ++col;
            idx = col < outSize ? idx + mult : -1;
          }
        } else {
          col = 0;
          cur = next;
          if (next >= static_cast<int64_t>(parent.size())) {
            return error("Got nextValueRowId=" + std::to_string(next) + " which is not less than " +
                         std::to_string(parent.size()));
          }
          idx = parent[next];
        }
        result->push_back(idx);
      }
      return true;
    }
    if (type == kRowSplits) {
      if (len - 1 > static_cast<int64_t>(parent.size())) {
        return error("Row partition size is greater than output size: " + std::to_string(len - 1) + " > " +
                     std::to_string(parent.size()));
      }
      for (int64_t i = 0; i + 1 < len; ++i) {
        const int64_t rowLength = t[i + 1] - t[i];
        int64_t real = std::min(outSize, rowLength);
        int64_t cur = parent[i];
        if (cur == -1) real = 0;
        for (int64_t j = 0; j < real; ++j, cur += mult) result->push_back(cur);
        for (int64_t j = 0; j < rowLength - real; ++j) result->push_back(-1);
      }
      if (len > 0 && static_cast<int64_t>(result->size()) != t[len - 1]) return error("Invalid row split size.");
      return true;
    }
    return error(std::string("Unsupported partition type: ") + typeName(type));
  }

  void setOutput(const std::vector<int64_t>& index, const std::vector<int64_t>& outShape) {
    std::vector<uint32_t>& out = *p_.out;
    if (out.empty()) return;
    int64_t elem = 1;
    for (size_t i = static_cast<size_t>(raggedRank_) + 1; i < outShape.size(); ++i) elem *= outShape[i];
    int64_t defSize = 1;
    for (int i = 0; i < p_.defaultRank; ++i) defSize *= p_.defaultShape[i];
    int64_t valuesSize = 1;
    for (int i = 0; i < p_.valuesRank; ++i) valuesSize *= p_.valuesShape[i];
    const int64_t n = static_cast<int64_t>(index.size());
    int64_t srcStart = 0, dstStart = 0, dstEnd = 0;
    for (int64_t srcI = 0; srcI <= n; ++srcI) {
      int64_t dstI = srcI < n ? index[srcI] : -1;
      if (dstI == dstEnd) {
        ++dstEnd;
        continue;
      }
      if (dstStart < dstEnd) {
        // copyArray reads past the end of values as undefined (0 in a typed array)
        for (int64_t k = 0; k < (dstEnd - dstStart) * elem; ++k) {
          const int64_t s = srcStart * elem + k;
          out[dstStart * elem + k] = s < valuesSize ? p_.values[s] : 0;
        }
      }
      if (srcI >= n) dstI = static_cast<int64_t>(out.size()) / elem;
      if (dstI > dstEnd) {
        // tfjs fills with a one-element default only; a larger default is copied into
        // a temporary (outputBase.slice) and so leaves zeros.
        if (defSize == 1) std::fill(out.begin() + dstEnd * elem, out.begin() + dstI * elem, p_.defaultValue[0]);
        dstEnd = dstI;
      }
      if (dstI < 0) {
        srcStart = srcI + 1;
        dstStart = dstEnd;
      } else {
        srcStart = srcI;
        dstStart = dstEnd;
        dstEnd = dstStart + 1;
      }
    }
  }

  const RaggedTensorToTensorParams& p_;
  int raggedRank_ = 0;
};

void raggedTensorToTensor(const RaggedTensorToTensorParams& p) { RaggedToDense(p).compute(); }

}  // namespace

WL_REGISTER_KERNEL("SparseFillEmptyRows", "cpu", SparseFillEmptyRowsKernel, sparseFillEmptyRows);
WL_REGISTER_KERNEL("SparseReshape", "cpu", SparseReshapeKernel, sparseReshape);
WL_REGISTER_KERNEL("SparseSegmentSum", "cpu", SparseSegmentKernel, sparseSegment<false>);
WL_REGISTER_KERNEL("SparseSegmentMean", "cpu", SparseSegmentKernel, sparseSegment<true>);
WL_REGISTER_KERNEL("RaggedGather", "cpu", RaggedGatherKernel, raggedGather);
WL_REGISTER_KERNEL("RaggedRange", "cpu", RaggedRangeKernel, raggedRange);
WL_REGISTER_KERNEL("RaggedTensorToTensor", "cpu", RaggedTensorToTensorKernel, raggedTensorToTensor);

}  // namespace wl

// Keras 3's LoRA (low-rank adaptation) on Dense, EinsumDense and Embedding: with
// loraRank r the layer's kernel (or embeddings) W is frozen and the layer computes
// with W + (loraAlpha / r) * A B, where A has W's shape but its last dim r (heUniform)
// and B is [r, W's last dim] (zeros), both trainable under W's regularizer. Keras
// saves W with the adaptation merged in and no factors, and zeroes the factors when
// it loads (js/src/model_io.js does the same where a file has none).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/tensor.h"
#include "layers/variable.h"
#include "ops/ops.h"

namespace wl {

struct Lora {
  int64_t rank = 0;  // 0: off
  double alpha = 0;
  std::shared_ptr<Variable> a, b;

  bool on() const { return rank > 0; }

  // loraRank / loraAlpha from a layer config; LoRA refuses a constraint on W, as Keras.
  void read(const nlohmann::json& config, const std::string& layer, const nlohmann::json& constraint,
            const char* constraintOption) {
    const nlohmann::json r = config.contains("loraRank") ? config["loraRank"] : nlohmann::json();
    if (!r.is_null()) {
      WL_CHECK(r.is_number_integer() && r.get<int64_t>() > 0, layer << ": loraRank must be a positive integer, got "
                                                                    << r.dump());
      rank = r.get<int64_t>();
      WL_CHECK(constraint.is_null(), "Lora is incompatible with " << constraintOption << " constraints. In order to "
                                     "enable lora on this layer, remove the `" << constraintOption << "` argument.");
    }
    const nlohmann::json al = config.contains("loraAlpha") ? config["loraAlpha"] : nlohmann::json();
    WL_CHECK(al.is_null() || al.is_number(), layer << ": loraAlpha must be a number, got " << al.dump());
    WL_CHECK(al.is_null() || rank > 0, layer << ": loraAlpha is given without loraRank");
    alpha = al.is_number() ? al.get<double>() : static_cast<double>(rank);
  }

  // The factors' shapes for W's shape.
  Shape aShape(Shape w) const {
    w.back() = rank;
    return w;
  }
  Shape bShape(const Shape& w) const { return {rank, w.back()}; }

  // W + (alpha / r) * A B (A's leading dims flattened for the product); W when off.
  Tensor adapt(const Tensor& w) const {
    if (!on()) return w;
    const Tensor av = a->value();
    const Tensor a2 = av.rank() == 2 ? av : reshape(av, {-1, rank});
    Tensor delta = matMul(a2, b->value());
    if (av.rank() != 2) delta = reshape(delta, w.shape());
    return add(w, mul(Tensor::scalar(static_cast<float>(alpha / static_cast<double>(rank))), delta));
  }

  // As Keras: written only when on (tfjs has no LoRA).
  void write(nlohmann::json& c) const {
    if (!on()) return;
    c["loraRank"] = rank;
    c["loraAlpha"] = alpha;
  }
};

}  // namespace wl

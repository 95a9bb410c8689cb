#include "core/tape.h"

#include <string>
#include <unordered_map>
#include <unordered_set>

#include "ops/ops.h"

namespace wl {

namespace {
GradientTape* g_active = nullptr;
const std::vector<bool>* g_needed = nullptr;  // the running rule's inputs that lead from xs

// While a tape's gradient rules run, only the tapes outside it record (so that an
// outer tape sees the backward pass: second order); restored on scope exit.
struct RecordOnlyOutside {
  GradientTape* saved = g_active;
  explicit RecordOnlyOutside(GradientTape* tape) { g_active = tape->outer(); }
  ~RecordOnlyOutside() { g_active = saved; }
};
}  // namespace

GradientTape* activeTape() { return g_active; }

bool gradientNeeded(size_t i) { return g_needed == nullptr || i >= g_needed->size() || (*g_needed)[i]; }

void recordOp(const char* op, std::vector<Tensor> inputs, const Tensor& output, GradFn grad) {
  GradientTape* tape = g_active;
  if (tape == nullptr) return;
  // Nested tapes (rare: gradients of gradients) each get their own copy.
  for (GradientTape* outer = tape->outer(); outer != nullptr; outer = outer->outer()) {
    outer->record({op, inputs, output, grad});
  }
  tape->record({op, std::move(inputs), output, std::move(grad)});
}

void recordOpOutputs(const char* op, std::vector<Tensor> inputs, const std::vector<Tensor>& outputs,
                     MultiGradFn grad) {
  GradientTape* tape = g_active;
  if (tape == nullptr) return;
  auto node = [&](std::vector<Tensor> in, MultiGradFn g) {
    TapeNode n{op, std::move(in), outputs.at(0), nullptr};
    n.outputs = outputs;
    n.multiGrad = std::move(g);
    return n;
  };
  for (GradientTape* outer = tape->outer(); outer != nullptr; outer = outer->outer()) outer->record(node(inputs, grad));
  tape->record(node(std::move(inputs), std::move(grad)));
}

void recordWithoutSecondOrder(const char* op, std::vector<Tensor> inputs, const Tensor& output) {
  if (g_active == nullptr) return;
  std::string name = op;
  GradFn refuse = [name](const Tensor&) -> std::vector<Tensor> {
    throw Error("The second-order gradient through '" + name +
                "' is not supported yet (its gradient is computed by a kernel with no gradient of its own)");
  };
  for (GradientTape* tape = g_active; tape != nullptr; tape = tape->outer()) {
    TapeNode n{op, inputs, output, refuse};
    n.opaque = true;
    tape->record(std::move(n));
  }
}

PausedTape::PausedTape() : saved_(g_active) { g_active = nullptr; }
PausedTape::~PausedTape() { g_active = saved_; }

GradientTape::GradientTape() : previous_(g_active) { g_active = this; }

GradientTape::~GradientTape() {
  if (g_active == this) g_active = previous_;
}

std::vector<Tensor> GradientTape::gradient(const Tensor& y, const std::vector<Tensor>& xs, const Tensor& dy) {
  RecordOnlyOutside recordOutside(this);
  std::unordered_map<int64_t, Tensor> grads;
  grads[y.id()] = dy.defined() ? dy : ones(y.shape());
  // Tensors that depend on an x: only their gradients reach the result, so a rule is
  // told which of its inputs matter.
  std::unordered_set<int64_t> fromX;
  for (const Tensor& x : xs) fromX.insert(x.id());
  std::vector<std::vector<bool>> needed(nodes_.size());
  for (size_t n = 0; n < nodes_.size(); ++n) {
    bool any = false;
    for (const Tensor& in : nodes_[n].inputs) {
      needed[n].push_back(fromX.count(in.id()) != 0);
      any = any || needed[n].back();
    }
    if (!any && !nodes_[n].opaque) continue;
    fromX.insert(nodes_[n].output.id());
    for (const Tensor& out : nodes_[n].outputs) fromX.insert(out.id());
  }
  struct Restore {
    const std::vector<bool>* saved = g_needed;
    ~Restore() { g_needed = saved; }
  } restore;
  for (auto it = nodes_.rbegin(); it != nodes_.rend(); ++it) {
    // Every reached rule still runs (one that refuses a second order must throw).
    g_needed = &needed[static_cast<size_t>(nodes_.rend() - it) - 1];
    std::vector<Tensor> dxs;
    if (it->multiGrad) {
      std::vector<Tensor> dys;
      bool any = false;
      for (const Tensor& out : it->outputs) {
        auto found = grads.find(out.id());
        dys.push_back(found == grads.end() ? Tensor() : found->second);
        any = any || found != grads.end();
      }
      if (!any) continue;
      dxs = it->multiGrad(dys);
    } else {
      auto found = grads.find(it->output.id());
      if (found == grads.end()) continue;
      dxs = it->grad(found->second);
    }
    WL_CHECK(dxs.size() == it->inputs.size(),
             "Gradient of '" << it->op << "' returned " << dxs.size() << " gradients for "
                             << it->inputs.size() << " inputs");
    for (size_t i = 0; i < dxs.size(); ++i) {
      if (!dxs[i].defined()) continue;
      const Tensor& x = it->inputs[i];
      WL_CHECK(dxs[i].shape() == x.shape(), "Gradient of '" << it->op << "' input " << i << " has shape "
                                                             << shapeStr(dxs[i].shape()) << ", expected "
                                                             << shapeStr(x.shape()));
      auto g = grads.find(x.id());
      if (g == grads.end()) {
        grads.emplace(x.id(), dxs[i]);
      } else {
        g->second = add(g->second, dxs[i]);
      }
    }
  }
  std::vector<Tensor> result;
  result.reserve(xs.size());
  connected_.clear();
  for (const Tensor& x : xs) {
    auto g = grads.find(x.id());
    connected_.push_back(g != grads.end());
    result.push_back(g == grads.end() ? zeros(x.shape()) : g->second);
  }
  return result;
}

}  // namespace wl

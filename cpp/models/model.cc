#include "models/model.h"

#include <algorithm>
#include <map>
#include <functional>
#include <set>
#include <unordered_map>

#include "core/tape.h"
#include "ops/ops.h"

namespace wl {

// ---- InputLayer ----------------------------------------------------------------

namespace {
nlohmann::json withName(nlohmann::json config, const std::string& prefix, int& counter) {
  if (!config.is_object()) config = nlohmann::json::object();
  if (!config.contains("name") || !config["name"].is_string()) config["name"] = prefix + std::to_string(++counter);
  return config;
}
int g_inputCounter = 0, g_modelCounter = 0, g_sequentialCounter = 0;
}  // namespace

InputLayer::InputLayer(const nlohmann::json& config) : Layer(withName(config, "input", g_inputCounter), "InputLayer") {
  WL_CHECK(batchInputShape().has_value(),
           "An InputLayer should be passed either a `batchInputShape` or an `inputShape`.");
}

nlohmann::json InputLayer::getConfig() const {
  return {{"batchInputShape", shapeToJson(*batchInputShape())},
          {"dtype", dtype().empty() ? "float32" : dtype()},
          {"sparse", false},
          {"name", name()}};
}

SymbolicTensor InputLayer::output() {
  std::shared_ptr<Node> node = node_.lock();
  if (!node) {
    ensureBuilt(*batchInputShape());
    node = std::make_shared<Node>();
    node->layer = shared_from_this();
    node->outputShapes = {*batchInputShape()};
    if (numInboundNodes() == 0) addInboundNode(node);
    node_ = node;
  }
  return SymbolicTensor{node, 0, *batchInputShape(), name()};
}

SymbolicTensor makeInput(const nlohmann::json& config) {
  WL_CHECK(config.is_object(), "tf.input() expects an object {shape, batchShape, name, dtype}");
  nlohmann::json c = nlohmann::json::object();
  if (config.contains("name")) c["name"] = config["name"];
  if (config.contains("dtype")) c["dtype"] = config["dtype"];
  bool hasShape = config.contains("shape") && !config["shape"].is_null();
  bool hasBatchShape = config.contains("batchShape") && !config["batchShape"].is_null();
  WL_CHECK(hasShape || hasBatchShape, "Please provide to Input either a `shape` or a `batchShape` argument. Note that "
                                      "`shape` does not include the batch dimension.");
  WL_CHECK(!(hasShape && hasBatchShape), "Please provide either a `shape` or `batchShape` argument to Input, but not both.");
  if (hasShape) {
    c["inputShape"] = config["shape"];
  } else {
    c["batchInputShape"] = config["batchShape"];
  }
  auto layer = std::make_shared<InputLayer>(c);
  return layer->output();
}

// ---- Model -----------------------------------------------------------------------

Model::Model(const nlohmann::json& config, const std::string& className) : Layer(config, className) {}

Model::Model(const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>& outputs,
             const nlohmann::json& config)
    : Layer(withName(config, "model", g_modelCounter), "Model") {
  setGraph(inputs, outputs);
}

void Model::setGraph(const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>& outputs) {
  WL_CHECK(!inputs.empty(), "A model needs at least one input");
  WL_CHECK(!outputs.empty(), "A model needs at least one output");
  std::set<Node*> inputNodes;
  for (const auto& in : inputs) {
    WL_CHECK(in.node && in.node->inputs.empty() && dynamic_cast<InputLayer*>(in.node->layer.get()),
             "Input tensors to a Model must come from `tf.input()` (an InputLayer); received one from layer "
                 << (in.node ? in.node->layer->name() : std::string("?")));
    inputNodes.insert(in.node.get());
  }
  std::vector<std::shared_ptr<Node>> order;  // non-input nodes, post-order (topological)
  std::vector<Node*> allNodes;               // every node, post-order (tfjs's nodesInDecreasingDepth)
  std::map<const Layer*, size_t> firstSeen;  // tfjs's layerIndices: pre-order of the walk
  std::set<Node*> visited;
  std::function<void(const std::shared_ptr<Node>&)> visit = [&](const std::shared_ptr<Node>& node) {
    if (visited.count(node.get())) return;
    visited.insert(node.get());
    firstSeen.emplace(node->layer.get(), firstSeen.size());
    if (node->inputs.empty()) {
      WL_CHECK(inputNodes.count(node.get()),
               "Graph disconnected: cannot obtain value for tensor " << node->layer->name()
                   << ". It is not one of the model's inputs.");
      allNodes.push_back(node.get());
      return;
    }
    for (const auto& in : node->inputs) visit(in.node);
    order.push_back(node);
    allNodes.push_back(node.get());
  };
  for (const auto& out : outputs) {
    WL_CHECK(out.node != nullptr, "Model outputs must be SymbolicTensors");
    visit(out.node);
  }
  for (const auto& in : inputs) {  // an input no output reads still belongs to the model
    if (visited.insert(in.node.get()).second) {
      firstSeen.emplace(in.node->layer.get(), firstSeen.size());
      allNodes.insert(allNodes.begin(), in.node.get());
    }
  }
  // tfjs's Container.layers order (so weights, getWeights/setWeights and model.json list
  // layers as tfjs does): by depth, the distance from the outputs, deepest first; ties
  // in the order the walk from the outputs first met them.
  std::map<const Node*, int> nodeDepth;
  std::map<const Layer*, int> layerDepth;
  std::map<const Layer*, std::shared_ptr<Layer>> layerOf;
  for (auto it = allNodes.rbegin(); it != allNodes.rend(); ++it) {
    const Node* n = *it;
    const Layer* l = n->layer.get();
    WL_CHECK(l != this, "A model cannot contain itself");
    int depth = std::max(nodeDepth[n], layerDepth.count(l) ? layerDepth[l] : 0);
    layerDepth[l] = depth;
    layerOf[l] = n->layer;
    nodeDepth[n] = depth;
    for (const auto& in : n->inputs) nodeDepth[in.node.get()] = std::max(depth + 1, nodeDepth[in.node.get()]);
  }
  std::vector<std::shared_ptr<Layer>> layers;
  for (const auto& [l, layer] : layerOf) layers.push_back(layer);
  std::sort(layers.begin(), layers.end(), [&](const auto& a, const auto& b) {
    int da = layerDepth[a.get()], db = layerDepth[b.get()];
    return da != db ? da > db : firstSeen[a.get()] < firstSeen[b.get()];
  });
  inputs_ = inputs;
  outputs_ = outputs;
  order_ = std::move(order);
  layers_ = std::move(layers);
  indexGraph();
  std::vector<Shape> inShapes;
  for (const auto& in : inputs_) inShapes.push_back(in.shape);
  ensureBuilt(inShapes);
}

std::vector<std::string> Model::inputNames() const {
  std::vector<std::string> out;
  for (const auto& in : inputs_) out.push_back(in.node->layer->name());
  return out;
}

std::vector<std::string> Model::outputNames() const {
  std::vector<std::string> out;
  for (const auto& o : outputs_) out.push_back(o.node->layer->name());
  return out;
}

namespace {
// Appends `ws` to `out`, skipping variables already there (a layer shared by two
// nested models).
void appendUnique(std::vector<std::shared_ptr<Variable>>& out, std::set<Variable*>& seen,
                  const std::vector<std::shared_ptr<Variable>>& ws) {
  for (const auto& w : ws) {
    if (seen.insert(w.get()).second) out.push_back(w);
  }
}
}  // namespace

std::vector<std::shared_ptr<Variable>> Model::trainableWeights() const {
  std::vector<std::shared_ptr<Variable>> out;
  if (!trainable()) return out;
  std::set<Variable*> seen;
  for (const auto& l : layers_) appendUnique(out, seen, l->trainableWeights());
  return out;
}

std::vector<std::shared_ptr<Variable>> Model::nonTrainableWeights() const {
  std::vector<std::shared_ptr<Variable>> out;
  std::set<Variable*> seen;
  if (!trainable()) {
    for (const auto& l : layers_) appendUnique(out, seen, l->trainableWeights());
  }
  for (const auto& l : layers_) appendUnique(out, seen, l->nonTrainableWeights());
  return out;
}

// tfjs's order: every trainable weight (layer by layer), then every non-trainable one.
std::vector<std::shared_ptr<Variable>> Model::weights() const {
  std::vector<std::shared_ptr<Variable>> out;
  std::set<Variable*> seen;
  appendUnique(out, seen, trainableWeights());
  appendUnique(out, seen, nonTrainableWeights());
  return out;
}

void Model::setTrainable(bool trainable) {
  // tfjs's Container: the direct layers' declared-trainable weights follow; the
  // layers' own flags (and nested models' weights) stay as they are.
  for (const auto& l : layers_) l->setDeclaredWeightsTrainable(trainable);
  Layer::setTrainable(trainable);
}

Tensor Model::regularizationLoss() const {
  Tensor total;
  for (const auto& l : layers_) {
    Tensor p = l->regularizationLoss();
    if (p.defined()) total = total.defined() ? add(total, p) : p;
  }
  return total;
}

void Model::applyConstraints() {
  for (const auto& l : layers_) l->applyConstraints();
}

namespace {
bool sameShapeButBatch(const Shape& ref, const Shape& in) {
  bool ok = ref.size() == in.size();
  for (size_t i = 1; ok && i < ref.size(); ++i) ok = ref[i] < 0 || in[i] < 0 || ref[i] == in[i];
  return ok;
}
}  // namespace

std::vector<Shape> Model::computeOutputShapes(const std::vector<Shape>& inputShapes) const {
  bool asBuilt = inputShapes.size() == inputs_.size();
  for (size_t k = 0; asBuilt && k < inputShapes.size(); ++k) asBuilt = sameShapeButBatch(inputs_[k].shape, inputShapes[k]);
  std::vector<Shape> out;
  if (asBuilt) {
    int64_t batch = inputShapes.empty() || inputShapes[0].empty() ? -1 : inputShapes[0][0];
    for (const auto& o : outputs_) {
      Shape s = o.shape;
      if (!s.empty()) s[0] = batch;
      out.push_back(s);
    }
    return out;
  }
  // Other shapes (a nested model applied to a higher-rank input, as tfjs's
  // runInternalGraph): each layer's shape inference along the graph.
  std::unordered_map<const Node*, std::vector<Shape>> shapes;
  for (size_t k = 0; k < inputs_.size(); ++k) shapes[inputs_[k].node.get()] = {inputShapes.at(k)};
  for (const auto& node : order_) {
    std::vector<Shape> in;
    for (const auto& st : node->inputs) in.push_back(shapes.at(st.node.get()).at(st.index));
    node->layer->checkCompatible(in);
    node->layer->setCallArgs(node->callArgs);
    shapes[node.get()] = node->layer->computeOutputShapes(in);
  }
  for (const auto& o : outputs_) out.push_back(shapes.at(o.node.get()).at(o.index));
  return out;
}

void Model::checkInputShapes(const std::vector<Shape>& shapes) const {
  WL_CHECK(shapes.size() == inputs_.size(), "Model " << name() << " expects " << inputs_.size()
                                                     << " input(s), but it received " << shapes.size()
                                                     << " input tensors.");
  for (size_t k = 0; k < shapes.size(); ++k) {
    const Shape& ref = inputs_[k].shape;
    // A higher rank passes here (as tfjs, whose models have no input spec of their
    // own); the layers inside check what they can take when they run.
    bool ok = sameShapeButBatch(ref, shapes[k]) || shapes[k].size() > ref.size();
    WL_CHECK(ok, "Input " << k << " is incompatible with model " << name() << ": expected shape " << shapeStr(ref)
                          << ", found shape " << shapeStr(shapes[k]));
  }
}


// The nodes' outputs for these inputs, in topological order (shared by execute and executeTo).
void Model::indexGraph() {
  slots_ = GraphSlots{};
  const int nIn = static_cast<int>(inputs_.size());
  for (int k = 0; k < nIn; ++k) slots_.slotOf.emplace(inputs_[k].node.get(), k);
  for (size_t i = 0; i < order_.size(); ++i) slots_.slotOf.emplace(order_[i].get(), nIn + static_cast<int>(i));
  slots_.uses.assign(static_cast<size_t>(nIn) + order_.size(), 0);
  for (const auto& node : order_) {
    std::vector<std::pair<int, int>> ins;
    for (const auto& st : node->inputs) {
      const int slot = slots_.slotOf.at(st.node.get());
      ins.emplace_back(slot, st.index);
      ++slots_.uses[slot];
    }
    slots_.inputsOf.push_back(std::move(ins));
  }
  outputSlots_.clear();
  for (const auto& o : outputs_) {
    const int slot = slots_.slotOf.at(o.node.get());
    slots_.uses[slot] += 1 << 20;  // never released
    outputSlots_.emplace_back(slot, o.index);
  }
}

void Model::runSlots(const std::vector<Tensor>& xs, bool training, bool keepAll, const std::vector<Tensor>& masks,
                     RunState& s) {
  WL_CHECK(xs.size() == inputs_.size(), "Model " << name() << " expects " << inputs_.size()
                                                 << " input(s), but it received " << xs.size() << ".");
  // Values and masks by slot (indexGraph: inputs, then order_), uses left per slot.
  const size_t nIn = inputs_.size();
  s.uses = slots_.uses;
  auto& uses = s.uses;
  auto& values = s.values;
  // Each node's output masks (tfjs's executor keeps them beside the values), absent = none.
  auto& maskOf = s.maskOf;
  values.resize(uses.size());
  maskOf.resize(uses.size());
  // (Not while activity losses are collected: a fused layer's own output never exists.)
  const bool fuse = !training && !keepAll && inferenceMode() && ActivityLosses::current() == nullptr;
  for (size_t i = 0; i < xs.size(); ++i) {
    values[i].assign(1, xs[i]);
    if (i < masks.size() && masks[i].defined()) maskOf[i].assign(1, masks[i]);
  }
  auto& ins = s.ins;
  auto& inMasks = s.inMasks;
  for (size_t i = 0; i < order_.size(); ++i) {
    const auto& node = order_[i];
    ins.clear();
    inMasks.clear();
    for (const auto& [slot, index] : slots_.inputsOf[i]) {
      ins.push_back(values[slot].at(index));
      inMasks.push_back(index < static_cast<int>(maskOf[slot].size()) ? maskOf[slot][index] : Tensor());
    }
    const bool masked = anyMask(inMasks);
    // Followers that only read this node's single output (the next nodes in order).
    // Masked inputs run unfused, so each layer sees (and passes on) its mask.
    size_t last = i;
    FusedEpilogue post;
    if (fuse && !masked && node->outputShapes.size() == 1 && ins.size() == 1 && ins[0].dtype() == DType::Float32) {
      while (last + 1 < order_.size() && uses[nIn + last] == 1 && post.activation == FusedActivation::Linear) {
        const auto& next = order_[last + 1];
        FusedEpilogue step;
        if (next->inputs.size() != 1 || next->inputs[0].node != order_[last] ||
            !next->layer->inferenceEpilogue(order_[last]->outputShapes[0], &step)) {
          break;
        }
        post = last == i ? step : composeEpilogues(post, step);
        ++last;
      }
    }
    Tensor fused;
    if (last > i) fused = node->layer->applyFused(ins[0], post);
    if (fused.defined()) {
      values[nIn + last].assign(1, fused);  // the followers' own outputs never exist
    } else {
      last = i;
      std::vector<Tensor> outMasks;
      node->layer->setCallArgs(node->callArgs);  // this node's keyword arguments (attention layers)
      values[nIn + i] = node->layer->applyWithMasks(ins, inMasks, training, &outMasks);
      if (anyMask(outMasks)) maskOf[nIn + i] = std::move(outMasks);
    }
    if (!keepAll) {
      for (const auto& [slot, index] : slots_.inputsOf[i]) {
        if (--uses[slot] == 0) {
          values[slot].clear();
          maskOf[slot].clear();
        }
      }
    }
    i = last;
  }
}

Model::NodeValues Model::runGraph(const std::vector<Tensor>& xs, bool training, bool keepAll,
                                  const std::vector<Tensor>& masks, NodeValues* nodeMasks) {
  RunState s;
  runSlots(xs, training, keepAll, masks, s);
  // By node: every one with values (keepAll), else what is left (the outputs).
  const size_t nIn = inputs_.size();
  NodeValues out;
  for (size_t slot = 0; slot < s.values.size(); ++slot) {
    if (s.values[slot].empty()) continue;
    const Node* node = slot < nIn ? inputs_[slot].node.get() : order_[slot - nIn].get();
    if (nodeMasks && !s.maskOf[slot].empty()) (*nodeMasks)[node] = std::move(s.maskOf[slot]);
    out.emplace(node, std::move(s.values[slot]));
  }
  return out;
}

std::vector<Tensor> Model::execute(const std::vector<Tensor>& xs, bool training) {
  return executeMasked(xs, {}, training, nullptr);
}

std::vector<Tensor> Model::executeMasked(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks,
                                         bool training, std::vector<Tensor>* outMasks) {
  // The model's own run state unless a run is already using it (a layer's call that
  // runs this model again): then one of this call's own.
  RunState local;
  const bool own = !runState_.busy;
  RunState& s = own ? runState_ : local;
  s.busy = true;
  // On return or throw: the values go (the vectors keep their capacity), the state is free.
  struct Release {
    RunState& s;
    bool own;
    ~Release() {
      for (auto& v : s.values) v.clear();
      for (auto& m : s.maskOf) m.clear();
      s.ins.clear();
      s.inMasks.clear();
      if (own) s.busy = false;
    }
  } release{s, own};
  runSlots(xs, training, false, masks, s);
  std::vector<Tensor> outs;
  if (outMasks) outMasks->clear();
  for (const auto& [slot, index] : outputSlots_) {
    outs.push_back(s.values.at(slot).at(index));
    if (!outMasks) continue;
    const auto& m = s.maskOf[slot];
    outMasks->push_back(index < static_cast<int>(m.size()) ? m[index] : Tensor());
  }
  return outs;
}

std::vector<Tensor> Model::applyWithMasks(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks,
                                          bool training, std::vector<Tensor>* outMasks) {
  std::vector<Shape> shapes;
  for (const Tensor& x : xs) {
    WL_CHECK(x.defined(), "Model " << name() << ": an input tensor is undefined (was it disposed?)");
    shapes.push_back(x.shape());
  }
  ensureBuilt(shapes);
  return executeMasked(xs, masks, training, outMasks);
}

std::vector<Tensor> Model::callMasked(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks, bool training) {
  return executeMasked(xs, masks, training, nullptr);
}

// tfjs's Container.computeMask: runs the graph for the masks of its outputs.
std::vector<Tensor> Model::computeMask(const std::vector<Tensor>& inputs, const std::vector<Tensor>& masks) const {
  std::vector<Tensor> outMasks;
  // An inference run changes nothing in the model; only its outputs' masks are kept.
  const_cast<Model*>(this)->executeMasked(inputs, masks, false, &outMasks);
  return outMasks;
}

std::vector<Tensor> Model::executeTo(const std::vector<Tensor>& xs, const std::vector<std::string>& names) {
  checkInputs(xs);
  auto values = runGraph(xs, false, /*keepAll=*/true);
  std::vector<Tensor> outs;
  for (const std::string& full : names) {
    auto colon = full.rfind(':');
    std::string layerName = colon == std::string::npos ? full : full.substr(0, colon);
    int index = colon == std::string::npos ? 0 : std::stoi(full.substr(colon + 1));
    Tensor found;
    for (const auto& [node, vals] : values) {
      if (node->layer->name() == layerName && index < static_cast<int>(vals.size())) found = vals[index];
    }
    WL_CHECK(found.defined(), "execute: no output named '" << full << "' in model " << name()
                                                           << ": use a layer name of this model");
    outs.push_back(found);
  }
  return outs;
}

std::vector<Tensor> Model::callMany(const std::vector<Tensor>& xs, bool training) { return execute(xs, training); }

void Model::checkInputs(const std::vector<Tensor>& xs) const {
  WL_CHECK(xs.size() == inputs_.size(), "Error when checking model input: the Array of Tensors that you are passing "
                                        "to your model is not the size the model expected. Expected to see "
                                            << inputs_.size() << " Tensor(s), but instead got " << xs.size()
                                            << " Tensor(s).");
  for (size_t k = 0; k < xs.size(); ++k) {
    WL_CHECK(xs[k].defined(), "The input tensor is undefined (was it disposed?)");
    const Shape& ref = inputs_[k].shape;
    const Shape& s = xs[k].shape();
    const std::string& inName = inputs_[k].node->layer->name();  // a reference: this runs on every predict
    WL_CHECK(s.size() == ref.size(), "Error when checking input: expected " << inName << " to have " << ref.size()
                                                                             << " dimension(s). but got array with shape "
                                                                             << shapeStr(s));
    for (size_t j = 1; j < ref.size(); ++j) {
      WL_CHECK(ref[j] < 0 || ref[j] == s[j], "Error when checking input: expected " << inName << " to have shape "
                                                                                     << shapeStr(ref)
                                                                                     << " but got array with shape "
                                                                                     << shapeStr(s));
    }
  }
}

std::vector<Tensor> Model::predict(const std::vector<Tensor>& xs) {
  checkInputs(xs);
  return execute(xs, false);
}

std::vector<Tensor> Model::getWeights() const {
  std::vector<Tensor> out;
  for (const auto& w : weights()) out.push_back(w->value());
  return out;
}

void Model::setWeights(const std::vector<Tensor>& values) {
  assignWeights(weights(), values, "model " + name());
  applyConstraints();  // as tfjs (LayerVariable.write): a constrained weight is constrained as it is set
}

// tfjs's Container.getConfig(): each layer with the nodes of this model that
// call it, as [[inboundLayerName, nodeIndex, tensorIndex, kwargs], ...] per node.
// Node indices count only this model's nodes of a layer, in creation order (a
// layer may also serve other models), and a nested model's applications count
// from 1: tfjs and Keras reserve node 0 for its own internal node.
nlohmann::json Model::getConfig() const {
  std::map<const Layer*, std::vector<const Node*>> nodesOf;  // in creation order
  for (const auto& in : inputs_) nodesOf[in.node->layer.get()].push_back(in.node.get());
  for (const auto& n : order_) nodesOf[n->layer.get()].push_back(n.get());
  for (auto& [layer, nodes] : nodesOf) {
    std::sort(nodes.begin(), nodes.end(), [layer = layer](const Node* a, const Node* b) {
      return layer->nodeIndex(a) < layer->nodeIndex(b);
    });
  }
  auto configIndex = [&](const Node* node) {
    const auto& nodes = nodesOf.at(node->layer.get());
    int first = dynamic_cast<const Model*>(node->layer.get()) ? 1 : 0;
    return first + static_cast<int>(std::find(nodes.begin(), nodes.end(), node) - nodes.begin());
  };
  auto ref = [&](const SymbolicTensor& st) {
    return nlohmann::json::array({st.node->layer->name(), configIndex(st.node.get()), st.index});
  };
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : layers_) {
    nlohmann::json nodes = nlohmann::json::array();
    auto it = nodesOf.find(l.get());
    for (const Node* node : it == nodesOf.end() ? std::vector<const Node*>{} : it->second) {
      if (node->inputs.empty()) continue;  // an input layer's own node
      nlohmann::json args = nlohmann::json::array();
      for (const auto& st : node->inputs) {
        nlohmann::json r = ref(st);
        r.push_back(node->callArgs.is_object() ? node->callArgs : nlohmann::json::object());
        args.push_back(r);
      }
      nodes.push_back(args);
    }
    layers.push_back({{"name", l->name()}, {"className", l->className()}, {"config", l->getConfig()},
                      {"inboundNodes", nodes}});
  }
  nlohmann::json ins = nlohmann::json::array(), outs = nlohmann::json::array();
  for (const auto& i : inputs_) ins.push_back(ref(i));
  for (const auto& o : outputs_) outs.push_back(ref(o));
  return {{"name", name()}, {"layers", layers}, {"inputLayers", ins}, {"outputLayers", outs}};
}

// ---- Sequential --------------------------------------------------------------------

Sequential::Sequential(const nlohmann::json& config)
    : Model(withName(config, "sequential_", g_sequentialCounter), "Sequential") {}

void Sequential::add(std::shared_ptr<Layer> layer) {
  WL_CHECK(layer != nullptr, "Sequential.add: the layer is undefined");
  for (const auto& l : stack_) {
    WL_CHECK(l != layer, "Sequential.add: layer " << layer->name() << " is already in model " << name());
  }
  if (stack_.empty()) {
    bool isInput = dynamic_cast<InputLayer*>(layer.get()) != nullptr;
    WL_CHECK(isInput || layer->batchInputShape().has_value() || dynamic_cast<Model*>(layer.get()),
             "The first layer in a Sequential model must get an `inputShape` or `batchInputShape` argument.");
  }
  stack_.push_back(layer);
  try {
    if (stack_.size() > 1 && !outputs().empty() && !dynamic_cast<InputLayer*>(layer.get())) {
      // Chain the new layer onto the current output instead of re-applying them all.
      auto outs = layer->applySymbolic({outputs()[0]});
      WL_CHECK(outs.size() == 1, "All layers in a Sequential model should have a single output tensor. For "
                                 "multi-output layers, use the functional API.");
      setGraph(inputs(), {outs[0]});
    } else {
      rebuild();
    }
  } catch (const Error& e) {
    stack_.pop_back();
    if (stack_.empty()) throw;
    throw Error("Layer " + layer->name() + " (" + layer->className() + ") cannot follow layer " +
                stack_.back()->name() + " with output shape " + shapeStr(outputs().empty() ? Shape{} : outputs()[0].shape) +
                ": " + e.what());
  }
}

void Sequential::pop() {
  WL_CHECK(!stack_.empty(), "There are no layers in the model.");
  stack_.pop_back();
  if (!stack_.empty()) rebuild();
}

void Sequential::rebuild() {
  const auto& first = stack_.front();
  SymbolicTensor input;
  size_t start = 0;
  if (auto* in = dynamic_cast<InputLayer*>(first.get())) {
    input = in->output();
    start = 1;
  } else {
    Shape shape;
    if (first->batchInputShape()) {
      shape = *first->batchInputShape();
    } else {
      auto* m = dynamic_cast<Model*>(first.get());
      shape = m->inputs().at(0).shape;
    }
    if (inputs().empty() || inputs()[0].shape != shape) {
      input = makeInput({{"batchShape", shapeToJson(shape)}, {"name", first->name() + "_input"}});
    } else {
      input = inputs()[0];
    }
  }
  SymbolicTensor x = input;
  for (size_t i = start; i < stack_.size(); ++i) {
    auto outs = stack_[i]->applySymbolic({x});
    WL_CHECK(outs.size() == 1, "All layers in a Sequential model should have a single output tensor. For multi-output "
                               "layers, use the functional API.");
    x = outs[0];
  }
  setGraph({input}, {x});
}

nlohmann::json Sequential::getConfig() const {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : stack_) layers.push_back({{"className", l->className()}, {"config", l->getConfig()}});
  return {{"name", name()}, {"layers", layers}};
}

WL_REGISTER_LAYER(InputLayer);

}  // namespace wl

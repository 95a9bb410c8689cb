// A backend for tests: "cpu-async"-like backends that keep their data in a memory
// of their own (not the host's: Tensor::data<T>() on it throws) and complete reads
// asynchronously (Memory::pump), running the "cpu" kernels. They prove the seam:
// ops that touched host pointers, or moves that were not explicit, fail on them.
// Registered only by tests (the JS tests through core.registerTestBackend).
#pragma once

#include <string>
#include <vector>

namespace wl {

// Registers backend `name` (priority 0, falls back to "cpu") with every "cpu"
// kernel except those named in `omit` (to exercise the fallback chain).
void registerAsyncTestBackend(const std::string& name, const std::vector<std::string>& omit = {});

}  // namespace wl

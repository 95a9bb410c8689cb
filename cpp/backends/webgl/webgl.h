// The "webgl" backend: kernels as GLSL ES 3.00 fragment (and point-scatter vertex)
// shaders over textures, in a Memory whose handles are GL objects.
//
// Natively it runs on any OpenGL ES 3.0 context; the tests create one through EGL
// (EGL_PLATFORM_SURFACELESS_MESA: Mesa's llvmpipe, no display or GPU needed). In the
// WebAssembly build (CMake option WL_WEBGL, on by default) the same code and shaders
// run on a WebGL2 context made on an OffscreenCanvas (or a hidden <canvas>) and
// handed to Emscripten's GL layer: tf.setBackend('webgl') creates it, and resolves
// false where there is no WebGL2 (Node). Async reads there copy the pack buffer out
// with getBufferSubData once the fence has signaled (WebGL2 has no buffer mapping).
//
//   Storage  one R32UI texture per tensor (4-byte elements, row-major in a near
//            square texel grid, squarishWidth; floats travel as their bit patterns, so
//            int32/bool data and NaN payloads survive unchanged, and no float
//            render-target extension is needed). Textures are pooled by size.
//   Reads    glReadPixels from the texture's framebuffer; readAsync reads into a
//            PIXEL_PACK buffer behind a fence (glFenceSync), completed by pump()
//            once glClientWaitSync(fence, 0) reports it signaled. Where the driver
//            reads R32UI only as RGBA_INTEGER (ANGLE often), a pass first packs 4
//            values into each texel of an RGBA32UI temporary, so reads move n
//            values, not 4n (the "packed" path).
//   Kernels  one program per (kernel, shape key), compiled once (the source is the
//            key); elementwise passes take their sizes as uniforms (one program per
//            kernel); scalars that change per call (Adam's bias corrections, a fill
//            value) are uniforms, so they do not recompile.
//   GEMM     MatMul and Conv2D/Conv3D repack their operands into RGBA32UI
//            temporaries (4 values of K per texel) and compute 4x4 output blocks
//            per fragment with vec4 dot products, then unpack (kernels.cc).
//   Chain    webgl -> wasm -> cpu: every dtype runs on webgl where a kernel is
//            registered (int32/bool as exact 32-bit ints); ops without a webgl
//            kernel (sparse, ragged, dilation2d) fall back, with counted moves.
#pragma once

#include <cstdint>
#include <string>

namespace wl {

// Creates the GL context (once) and registers backend "webgl" (priority 3, falls
// back to "wasm"). Returns true when it is registered (also when it already was);
// false with the reason (no EGL display, no ES 3.0 context, a driver without R32UI
// render targets...) otherwise.
bool registerWebGLBackend(std::string* reason = nullptr);

// Figures for tests and benchmarks.
struct WebGLStats {
  int64_t texturesCreated = 0;   // glGenTextures calls (the pool missed)
  int64_t texturesReused = 0;    // allocations served from the pool
  int64_t texturesPooled = 0;    // textures waiting in the pool now
  int64_t programsCompiled = 0;  // shader programs linked
  int64_t programHits = 0;       // passes that found their program compiled
  int64_t passes = 0;            // draws
  int64_t asyncReadsPending = 0;
  int64_t packedReads = 0;       // reads that went through the packing pass
};
WebGLStats webglStats();
// Frees the pooled textures (GL memory the engine no longer uses).
void webglReleasePool();
// "llvmpipe (LLVM 15.0.6, 256 bits) / OpenGL ES 3.2 Mesa 22.3.6", once created.
std::string webglRenderer();
// Whether reads take the packed path (the driver's R32UI read format is RGBA_INTEGER,
// or a test forced it with webglForcePackedReads).
bool webglReadsPacked();
// Benchmarks: while on, every pass waits for the GPU (a one-texel read) and its time
// is added under "op#k@n" (the k-th pass of a call of op, n fragments); the report lists
// "key count ms" lines, slowest first, and clears the figures.
void webglProfile(bool on);
std::string webglProfileReport();
void webglForcePackedReads(bool on);

}  // namespace wl

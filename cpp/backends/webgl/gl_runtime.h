// Internals of the webgl backend shared by its memory and its kernels.
#pragma once

#include <GLES3/gl3.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace wl {
namespace webgl {

// A Memory handle: what kernels receive through the parameter structs' pointers.
// The texture may be swapped for another of the same size (an in-place kernel
// renders into a fresh texture); the handle stays the same.
struct GLBuffer {
  GLuint tex = 0;    // R32UI (RGBA32UI when channels == 4), one level
  int w = 0, h = 0;  // texel grid; texel i is at (i % w, i / w)
  int64_t n = 0;     // texels the buffer holds (<= w * h): elements of a storage
  int channels = 1;  // 1: one element per texel (every storage); 4: a packed temporary
  int layers = 1;    // > 1: an RGBA TEXTURE_2D_ARRAY whose layers a pass writes as its outputs
};

inline const GLBuffer* buf(const void* p) { return static_cast<const GLBuffer*>(p); }
inline GLBuffer* buf(void* p) { return static_cast<GLBuffer*>(p); }

// One draw: `body` defines `void run(int i)`, computing output texel i and
// assigning the outputs o0, o1, ... (uint bit patterns: uint, or uvec4 for RGBA
// outputs). Inputs k are read with ld<k>(int) (uint bits; uvec4 for an RGBA input)
// and f<k>(int) (float; vec4); W<k> is input k's texel width and u_in<k> its
// sampler (texelFetch with an ivec2 directly, for loops that step along a row).
// Uniforms named in uf/uu are declared (float / uint) and set per call.
struct Pass {
  std::string body;
  std::vector<const GLBuffer*> inputs;
  std::vector<GLBuffer*> outputs;  // all of one texel grid; or one layered buffer (o0, o1, ...: its layers)
  int64_t size = 0;                // output elements to compute
  std::vector<std::pair<std::string, float>> uf;
  std::vector<std::pair<std::string, uint32_t>> uu;
  std::vector<std::pair<std::string, int32_t>> ui;
  // The body holds no size: it reads element i of each input, or finds its indices
  // from int uniforms (ui). The output count, the grid and the inputs' texel addressing
  // are then uniforms too, so one program serves every size (a model's per-channel
  // vectors and weight packs compiled one each on a first call).
  bool sizeFree = false;
  // RGBA inputs are addressed by the body itself (texelFetch with W<k>, a uniform in a
  // size-free pass; a layered input is a usampler2DArray): no ld<k>/f<k> for them, so a
  // program serves any operand width.
  bool rgbaByTexel = false;
};
void runPass(const Pass& pass);

// A scatter of `count` points: `vertexBody` defines `int place(int v)`, which sets
// the flat uint `val` for point v and returns the output element it lands on.
// Outputs are written only where points land (the rest keep their values).
struct ScatterPass {
  std::string vertexBody;
  std::vector<const GLBuffer*> inputs;
  GLBuffer* output = nullptr;
  int64_t count = 0;
};
void runScatter(const ScatterPass& pass);

// A temporary buffer of n elements (from the pool) and its return.
GLBuffer* acquire(int64_t n);
void giveBack(GLBuffer* b);
// A temporary RGBA32UI buffer of n texels (4 values each) in rows of `width` texels
// (callers choose the width so a packed matrix row never straddles two rows).
GLBuffer* acquireRGBA(int64_t n, int width);
// A temporary RGBA32UI array of `layers` layers of n texels in rows of `width` texels:
// a pass with it as its one output writes layer k as output k (multiple render
// targets), and a reader picks any layer with one fetch (the packed GEMM's row blocks).
GLBuffer* acquireRGBALayers(int64_t n, int width, int layers);
// The most outputs a pass may write (GL_MAX_DRAW_BUFFERS and color attachments; >= 4).
int maxDrawBuffers();
// The texel row width for n texels: a power of two near sqrt(n) (at most 4096; n
// itself up to 32). Near-square grids, as tfjs's: a GL rasterizer shares a draw
// out among its threads by rows (SwiftShader by row bands), so a draw into one long
// row ran on one core.
int squarishWidth(int64_t n);
// The widest texel row a buffer gets (4096), and the most rows a texture may have.
int maxRowWidth();
int maxTextureRows();

// Synchronous read of n elements of an R32UI buffer (a GPU stall: for small
// results the host needs at once, such as an index check).
void readNow(const GLBuffer* b, uint32_t* dst, int64_t n);

// GLSL defining udiv_(a, d, r): a / d for a >= 0, d > 0 and r = 1.0 / float(d),
// exact, for a divisor that is a uniform (which a GPU emulated on a CPU divides lane
// by lane; a constant one the compiler turns into a multiply); and udiv24_(a, d, r),
// the same for a < 2^24 in fewer steps.
extern const char* const kExactDivGLSL;

// GLSL float / uint literals that round-trip exactly.
std::string glslFloat(float v);

}  // namespace webgl
}  // namespace wl

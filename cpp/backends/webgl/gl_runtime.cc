// The webgl backend's GL side: the context (EGL surfaceless natively, a WebGL2
// context in the WebAssembly build), the texture memory with its pool, the program
// cache and the two kinds of pass (a fragment per output element; a point per
// scattered element).
#include "backends/webgl/gl_runtime.h"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#include <webgl/webgl2.h>  // glGetBufferSubData
#else
#include <EGL/egl.h>
#include <EGL/eglext.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <tuple>
#include <unordered_map>

#include "backends/webgl/webgl.h"
#include "core/backend.h"
#include "core/dispatch.h"
#include "core/error.h"
#include "core/tensor.h"

namespace wl {
namespace webgl {

namespace {

constexpr int kMaxWidth = 4096;                         // texels per row
constexpr int64_t kPoolBytes = int64_t{256} << 20;      // pooled textures kept at most

#ifdef __EMSCRIPTEN__
// A WebGL2 context on an OffscreenCanvas (a hidden <canvas> where there is none),
// handed to Emscripten's GL layer, which maps the GLES 3.0 calls below onto it.
// Returns 0 where WebGL2 is missing (Node, old browsers).
EM_JS(int, wl_webgl2_create, (), {
  var canvas = null;
  if (typeof OffscreenCanvas !== 'undefined') {
    canvas = new OffscreenCanvas(1, 1);
  } else if (typeof document !== 'undefined') {
    canvas = document.createElement('canvas');
  }
  if (!canvas) return 0;
  var attrs = {alpha: false, depth: false, stencil: false, antialias: false, premultipliedAlpha: false,
               preserveDrawingBuffer: false, powerPreference: 'high-performance'};
  var gl = null;
  try { gl = canvas.getContext('webgl2', attrs); } catch (e) { gl = null; }
  if (!gl) return 0;
  var handle = GL.registerContext(gl, {majorVersion: 2, minorVersion: 0, enableExtensionsByDefault: true});
  GL.makeContextCurrent(handle);
  Module['wlWebGLContext'] = gl;  // tests reach it (tf.engine()._webglContext()) to lose it on purpose
  return handle;
});
// Makes `handle` current (if it is not) in one call from each kernel: 1 when ready,
// 0 when the context was lost, -1 when it cannot be made current.
EM_JS(int, wl_webgl2_bind, (int handle), {
  var c = GL.contexts[handle];
  if (!c || c.GLctx.isContextLost()) return 0;
  if (GL.currentContext !== c && !GL.makeContextCurrent(handle)) return -1;
  return 1;
});
#endif

struct Context {
#ifdef __EMSCRIPTEN__
  int handle = 0;
#else
  EGLDisplay display = EGL_NO_DISPLAY;
  EGLContext context = EGL_NO_CONTEXT;
#endif
  bool ready = false;
  std::string renderer;
  int maxTextureSize = 0;
  int maxDrawBuffers = 4;
  size_t attached = 0;  // color attachments of drawFbo bound by the last pass
  GLenum readFormat = GL_RGBA_INTEGER;  // RED_INTEGER where the driver reads R32UI that way
  bool forcePackedReads = false;        // tests: the packed path on any driver
  GLuint vao = 0, drawFbo = 0, readFbo = 0;
  std::unordered_map<std::string, GLuint> programs;
  std::unordered_map<std::string, GLuint> vertexShaders;  // by source, shared by programs
  std::map<std::tuple<int, int, int, int>, std::vector<GLuint>> pool;  // by (w, h, channels, layers)
  int64_t pooledBytes = 0;
  WebGLStats stats;
};

Context& ctx() {
  static Context* c = new Context();  // never destroyed: storages may outlive statics
  return *c;
}

void makeCurrent() {
  Context& c = ctx();
  WL_CHECK(c.ready, "The webgl backend has no GL context (registerWebGLBackend failed or was not called)");
#ifdef __EMSCRIPTEN__
  const int bound = wl_webgl2_bind(c.handle);
  WL_CHECK(bound != 0, "webgl: the WebGL2 context was lost (the GPU was reset or the page gave it up); "
                       "switch to another backend: tf.setBackend('wasm')");
  WL_CHECK(bound == 1, "webgl: cannot make the WebGL2 context current");
#else
  if (eglGetCurrentContext() != c.context) {
    WL_CHECK(eglMakeCurrent(c.display, EGL_NO_SURFACE, EGL_NO_SURFACE, c.context),
             "webgl: eglMakeCurrent failed (EGL error 0x" << std::hex << eglGetError() << ")");
  }
#endif
}

// In a browser glGetError is a round trip to the GPU process (Chromium waits for it to
// run every command queued so far): ~0.2 ms on SwiftShader, against ~0.05 ms for a small
// draw, and it waits for every shader compile queued before it. So the WebAssembly
// build checks at reads only, not after each pass, upload or texture allocation: GL
// errors are sticky, so one raised there is thrown by the next read, before any value
// reaches the caller (tfjs checks none outside its DEBUG mode).
// Natively the check is cheap and names the pass or the texture.
#ifdef __EMSCRIPTEN__
constexpr bool kCheckEachPass = false;
#else
constexpr bool kCheckEachPass = true;
#endif

void checkGL(const char* what) {
  GLenum e = glGetError();
  if (e == GL_NO_ERROR) return;
  const char* since = kCheckEachPass ? "" : " (or in a shader pass, upload or texture allocation before it)";
  if (e == GL_OUT_OF_MEMORY) throw Error(std::string("webgl: out of GPU memory during ") + what + since);
  std::ostringstream os;
  os << "webgl: GL error 0x" << std::hex << e << " during " << what << since;
  throw Error(os.str());
}

}  // namespace

int squarishWidth(int64_t n) {
  if (n <= 32) return static_cast<int>(std::max<int64_t>(n, 1));
  int w = 1;
  while (static_cast<int64_t>(w) * w < n && w < kMaxWidth) w *= 2;
  return w;
}

namespace {

std::pair<int, int> gridFor(int64_t n) {
  if (n < 1) n = 1;
  const int w = squarishWidth(n);
  const int64_t h = (n + w - 1) / w;
  WL_CHECK(h <= ctx().maxTextureSize, "webgl: a tensor of " << n << " elements needs a " << w << "x" << h
                                                            << " texture; this GL context allows at most "
                                                            << ctx().maxTextureSize << " rows");
  return {w, static_cast<int>(h)};
}

// A shader, compiled but not yet checked: its status is read only when the program
// does not link. In a browser each status query is a round trip that waits for the
// compile; one query a program (the link's) lets the GPU process work ahead.
GLuint compile(GLenum type, const std::string& src) {
  GLuint s = glCreateShader(type);
  const char* p = src.c_str();
  glShaderSource(s, 1, &p, nullptr);
  glCompileShader(s);
  return s;
}

// The compile log of a shader that failed, else "".
std::string compileError(GLuint s) {
  GLint ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (ok) return "";
  char log[4096] = {0};
  glGetShaderInfoLog(s, sizeof(log), nullptr, log);
  return log[0] ? log : "(no log)";
}

GLuint program(const std::string& vs, const std::string& fs) {
  Context& c = ctx();
  std::string key = vs + "\n//--\n" + fs;
  auto it = c.programs.find(key);
  if (it != c.programs.end()) {
    ++c.stats.programHits;
    return it->second;
  }
  // Every draw pass shares one vertex shader: compiled once and attached to each
  // program (a first MLP epoch compiled it 42 more times, ~40% of its compiles).
  GLuint& v = c.vertexShaders[vs];
  if (v == 0) v = compile(GL_VERTEX_SHADER, vs);
  GLuint f = compile(GL_FRAGMENT_SHADER, fs);
  GLuint p = glCreateProgram();
  glAttachShader(p, v);
  glAttachShader(p, f);
  glLinkProgram(p);
  GLint ok = 0;
  glGetProgramiv(p, GL_LINK_STATUS, &ok);
  if (!ok) {
    char log[4096] = {0};
    glGetProgramInfoLog(p, sizeof(log), nullptr, log);
    const std::string vsError = compileError(v), fsError = compileError(f);
    glDeleteProgram(p);
    glDeleteShader(f);
    if (!vsError.empty()) {
      glDeleteShader(v);
      c.vertexShaders.erase(vs);
      throw Error("webgl: shader does not compile: " + vsError + "\n" + vs);
    }
    if (!fsError.empty()) throw Error("webgl: shader does not compile: " + fsError + "\n" + fs);
    throw Error(std::string("webgl: program does not link: ") + log + "\n" + fs);
  }
  glDetachShader(p, f);
  glDeleteShader(f);
  ++c.stats.programsCompiled;
  c.programs.emplace(std::move(key), p);
  return p;
}

const char* kHeader =
    "#version 300 es\n"
    "precision highp float;\nprecision highp int;\nprecision highp usampler2D;\nprecision highp usampler2DArray;\n";

// An input's texel as a mask and a shift (uniforms u_m<k>, u_s<k>) where its grid
// allows: one row (any i < 2^31 is (i, 0)), or a power-of-two width.
bool maskShift(const GLBuffer* b, int* mask, int* shift) {
  if (b->h == 1) {
    *mask = 0x7fffffff;
    *shift = 31;
    return true;
  }
  if ((b->w & (b->w - 1)) != 0) return false;
  *mask = b->w - 1;
  for (*shift = 0; (1 << *shift) < b->w; ++*shift) {
  }
  return true;
}

// Samplers, fetchers and uniforms every pass declares; with sizeUniforms, each
// input's texel is found with its mask and shift (maskShift) as uniforms.
std::string declarations(const std::vector<const GLBuffer*>& inputs,
                         const std::vector<std::pair<std::string, float>>& uf,
                         const std::vector<std::pair<std::string, uint32_t>>& uu,
                         const std::vector<std::pair<std::string, int32_t>>& ui = {}, bool sizeUniforms = false,
                         bool rgbaByTexel = false) {
  std::ostringstream s;
  for (size_t k = 0; k < inputs.size(); ++k) {
    const bool rgba = inputs[k]->channels == 4;
    if (sizeUniforms) {
      // W<k>: the texel width, for a body that addresses an RGBA input itself.
      const std::string K = std::to_string(k);
      s << "uniform " << (inputs[k]->layers > 1 ? "usampler2DArray" : "usampler2D") << " u_in" << k
        << ";\nuniform int W" << k << ", u_m" << k << ", u_s" << k << ";\n";
      if (inputs[k]->layers > 1) continue;  // the body fetches its layers itself
      if (rgba && rgbaByTexel) continue;
      s << (rgba ? "uvec4" : "uint") << " ld" << k << "(int i) { return texelFetch(u_in" << k << ", ivec2(i & u_m" << K
        << ", i >> u_s" << K << "), 0)" << (rgba ? "" : ".r") << "; }\n"
        << (rgba ? "vec4" : "float") << " f" << k << "(int i) { return uintBitsToFloat(ld" << k << "(i)); }\n";
      continue;
    }
    // Texel i's place without an integer division where the grid allows (SwiftShader
    // divides lane by lane): one row, or a power-of-two width (every storage over
    // 32 elements, squarishWidth).
    const int w = inputs[k]->w;
    std::string at = "ivec2(i % W" + std::to_string(k) + ", i / W" + std::to_string(k) + ")";
    if (inputs[k]->h == 1) {
      at = "ivec2(i, 0)";
    } else if ((w & (w - 1)) == 0) {
      int shift = 0;
      while ((1 << shift) < w) ++shift;
      at = "ivec2(i & " + std::to_string(w - 1) + ", i >> " + std::to_string(shift) + ")";
    }
    s << "uniform usampler2D u_in" << k << ";\nconst int W" << k << " = " << w << ";\n"
      << (rgba ? "uvec4" : "uint") << " ld" << k << "(int i) { return texelFetch(u_in" << k << ", " << at << ", 0)"
      << (rgba ? "" : ".r") << "; }\n"
      << (rgba ? "vec4" : "float") << " f" << k << "(int i) { return uintBitsToFloat(ld" << k << "(i)); }\n";
  }
  for (const auto& u : uf) s << "uniform float " << u.first << ";\n";
  for (const auto& u : uu) s << "uniform uint " << u.first << ";\n";
  for (const auto& u : ui) s << "uniform int " << u.first << ";\n";
  return s.str();
}

void bindInputsAndUniforms(GLuint prog, const std::vector<const GLBuffer*>& inputs,
                           const std::vector<std::pair<std::string, float>>& uf,
                           const std::vector<std::pair<std::string, uint32_t>>& uu) {
  glUseProgram(prog);
  for (size_t k = 0; k < inputs.size(); ++k) {
    glActiveTexture(GL_TEXTURE0 + static_cast<GLenum>(k));
    glBindTexture(inputs[k]->layers > 1 ? GL_TEXTURE_2D_ARRAY : GL_TEXTURE_2D, inputs[k]->tex);
    glUniform1i(glGetUniformLocation(prog, ("u_in" + std::to_string(k)).c_str()), static_cast<GLint>(k));
  }
  for (const auto& u : uf) glUniform1f(glGetUniformLocation(prog, u.first.c_str()), u.second);
  for (const auto& u : uu) glUniform1ui(glGetUniformLocation(prog, u.first.c_str()), u.second);
}

GLuint newTexture(int w, int h, int channels = 1, int layers = 1) {
  GLuint t = 0;
  const GLenum target = layers > 1 ? GL_TEXTURE_2D_ARRAY : GL_TEXTURE_2D;
  glGenTextures(1, &t);
  glBindTexture(target, t);
  const GLenum format = channels == 4 ? GL_RGBA32UI : GL_R32UI;
  if (layers > 1) {
    glTexStorage3D(target, 1, format, w, h, layers);
  } else {
    glTexStorage2D(target, 1, format, w, h);
  }
  glTexParameteri(target, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(target, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(target, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(target, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  GLenum e = kCheckEachPass ? glGetError() : GL_NO_ERROR;
  if (e != GL_NO_ERROR) {
    glDeleteTextures(1, &t);
    throw Error("webgl: cannot allocate a " + std::to_string(w) + "x" + std::to_string(h) +
                (layers > 1 ? "x" + std::to_string(layers) : "") + " texture (" +
                formatBytes(4.0 * channels * w * h * layers) + ")" + (e == GL_OUT_OF_MEMORY ? ": out of GPU memory" : ""));
  }
  ++ctx().stats.texturesCreated;
  return t;
}

void attachForRead(const GLBuffer* b) {
  glBindFramebuffer(GL_READ_FRAMEBUFFER, ctx().readFbo);
  glFramebufferTexture2D(GL_READ_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, b->tex, 0);
  glReadBuffer(GL_COLOR_ATTACHMENT0);
  glPixelStorei(GL_PACK_ALIGNMENT, 4);
}

// Reads the first `texels` texels of b (full rows, then the partial last row) as
// `format` (RED_INTEGER: 4 bytes a texel, RGBA_INTEGER: 16) into dst, or into the
// bound PIXEL_PACK buffer at offset (size_t)dst; the rows land back to back.
void readRows(const GLBuffer* b, int64_t texels, GLenum format, uintptr_t dst) {
  const int64_t per = format == GL_RED_INTEGER ? 4 : 16;
  const int64_t full = texels / b->w, rem = texels % b->w;
  if (full > 0) {
    glReadPixels(0, 0, b->w, static_cast<GLsizei>(full), format, GL_UNSIGNED_INT, reinterpret_cast<void*>(dst));
  }
  if (rem > 0) {
    glReadPixels(0, static_cast<GLint>(full), static_cast<GLsizei>(rem), 1, format, GL_UNSIGNED_INT,
                 reinterpret_cast<void*>(dst + static_cast<uintptr_t>(full * b->w * per)));
  }
}

// Reads pack R32UI with RGBA_INTEGER where the driver reads it no other way (ANGLE
// often): that moves one value and three pad words per texel.
bool packedReads() { return ctx().forcePackedReads || ctx().readFormat != GL_RED_INTEGER; }

// Issues the read of n elements of b into the bound PIXEL_PACK buffer, whose first
// n * 4 bytes then hold the values in order. The packed path first packs 4
// consecutive elements into each texel of an RGBA32UI temporary (the last texel's
// spare channels are 0), so the read moves n values, not 4n, and needs no extraction.
void readIntoPackBuffer(const GLBuffer* b, int64_t n) {
  if (!packedReads()) {
    attachForRead(b);
    readRows(b, n, GL_RED_INTEGER, 0);
    return;
  }
  const int64_t texels = (n + 3) / 4;
  GLBuffer* packed = acquireRGBA(texels, squarishWidth(texels));
  Pass pass;
  pass.body = "const int NIN = " + std::to_string(n) +
              ";\nuint at(int j) { return j < NIN ? ld0(j) : 0u; }\n"
              "void run(int i) { int j = 4 * i; o0 = uvec4(ld0(j), at(j + 1), at(j + 2), at(j + 3)); }";
  pass.inputs = {b};
  pass.outputs = {packed};
  pass.size = texels;
  runPass(pass);
  attachForRead(packed);
  readRows(packed, texels, GL_RGBA_INTEGER, 0);
  giveBack(packed);  // GL runs the read before any later pass that reuses the texture
  ++ctx().stats.packedReads;
}

// A PIXEL_PACK buffer (bound) with room for n elements as readIntoPackBuffer lays them.
GLuint newPackBuffer(int64_t n) {
  const int64_t bytes = packedReads() ? (n + 3) / 4 * 16 : n * 4;
  GLuint pbo = 0;
  glGenBuffers(1, &pbo);
  glBindBuffer(GL_PIXEL_PACK_BUFFER, pbo);
  glBufferData(GL_PIXEL_PACK_BUFFER, static_cast<GLsizeiptr>(std::max<int64_t>(bytes, 4)), nullptr, GL_STREAM_READ);
  return pbo;
}

// Copies the first `bytes` of the bound PIXEL_PACK buffer to dst (waits for the read
// unless its fence has signaled).
void copyFromPackBuffer(void* dst, int64_t bytes) {
#ifdef __EMSCRIPTEN__
  // WebGL2 has no buffer mapping: getBufferSubData copies straight into dst (the heap).
  glGetBufferSubData(GL_PIXEL_PACK_BUFFER, 0, static_cast<GLsizeiptr>(bytes), dst);
#else
  void* m = glMapBufferRange(GL_PIXEL_PACK_BUFFER, 0, static_cast<GLsizeiptr>(bytes), GL_MAP_READ_BIT);
  WL_CHECK(m != nullptr, "webgl: cannot map the pixel pack buffer of a read");
  std::memcpy(dst, m, static_cast<size_t>(bytes));
  glUnmapBuffer(GL_PIXEL_PACK_BUFFER);
#endif
}

class GLMemory : public Memory {
 public:
  GLMemory() : Memory("webgl") {}
  bool isHost() const override { return false; }
  void* allocate(size_t bytes) override {
    makeCurrent();
    GLBuffer* b = acquire(static_cast<int64_t>((bytes + 3) / 4));
    counted(1, static_cast<int64_t>(bytes));
    return b;
  }
  void release(void* handle, size_t bytes) override {
    giveBack(buf(handle));
    counted(-1, -static_cast<int64_t>(bytes));
  }
  void write(void* handle, const void* src, size_t bytes) override {
    if (bytes == 0) return;
    makeCurrent();
    const GLBuffer* b = buf(handle);
    const int64_t n = static_cast<int64_t>(bytes / 4), full = n / b->w, rem = n % b->w;
    glBindTexture(GL_TEXTURE_2D, b->tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    const char* p = static_cast<const char*>(src);
    if (full > 0) {
      glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, b->w, static_cast<GLsizei>(full), GL_RED_INTEGER, GL_UNSIGNED_INT, p);
    }
    if (rem > 0) {
      glTexSubImage2D(GL_TEXTURE_2D, 0, 0, static_cast<GLint>(full), static_cast<GLsizei>(rem), 1, GL_RED_INTEGER,
                      GL_UNSIGNED_INT, p + full * b->w * 4);
    }
    if (kCheckEachPass) checkGL("a texture upload");
  }
  void read(const void* handle, void* dst, size_t bytes) override {
    if (bytes == 0) return;
    makeCurrent();
    const GLBuffer* b = buf(handle);
    const int64_t n = static_cast<int64_t>(bytes / 4);
    if (!packedReads()) {  // straight into dst: one stall
      attachForRead(b);
      readRows(b, n, GL_RED_INTEGER, reinterpret_cast<uintptr_t>(dst));
      checkGL("glReadPixels");
      return;
    }
    // Packed: through a pack buffer, so the tail texel's padding never reaches dst
    // and the reads cost one stall (the copy out), not one per glReadPixels.
    GLuint pbo = newPackBuffer(n);
    readIntoPackBuffer(b, n);
    copyFromPackBuffer(dst, n * 4);
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    glDeleteBuffers(1, &pbo);
    checkGL("a packed read");
  }
  void readAsync(const void* handle, void* dst, size_t bytes, std::function<void()> done) override {
    makeCurrent();
    Pending p;
    p.dst = dst;
    p.n = static_cast<int64_t>(bytes / 4);
    p.done = std::move(done);
    p.pbo = newPackBuffer(p.n);
    if (p.n > 0) readIntoPackBuffer(buf(handle), p.n);
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    p.fence = glFenceSync(GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
    glFlush();
    checkGL("an asynchronous read");
    pending_.push_back(std::move(p));
  }
  int pump() override {
    if (pending_.empty()) return 0;
    makeCurrent();
    std::vector<std::function<void()>> ready;
    for (auto it = pending_.begin(); it != pending_.end();) {
      GLenum s = glClientWaitSync(it->fence, GL_SYNC_FLUSH_COMMANDS_BIT, 0);
      if (s == GL_WAIT_FAILED) throw Error("webgl: glClientWaitSync failed");
      if (s != GL_ALREADY_SIGNALED && s != GL_CONDITION_SATISFIED) {
        ++it;
        continue;
      }
      glBindBuffer(GL_PIXEL_PACK_BUFFER, it->pbo);
      if (it->n > 0) copyFromPackBuffer(it->dst, it->n * 4);  // the fence has signaled: no stall
      glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
      glDeleteBuffers(1, &it->pbo);
      glDeleteSync(it->fence);
      ready.push_back(std::move(it->done));
      it = pending_.erase(it);
    }
    for (auto& f : ready) f();
    return static_cast<int>(pending_.size());
  }
  // Copy on write of a shared storage: a copy pass on the GPU, no host staging.
  void copy(void* dst, const void* src, size_t bytes) override {
    if (bytes == 0 || dst == src) return;
    Pass pass;
    pass.body = "void run(int i) { o0 = ld0(i); }";
    pass.inputs = {buf(src)};
    pass.outputs = {buf(dst)};
    pass.size = static_cast<int64_t>(bytes / 4);
    runPass(pass);
  }
  int64_t pendingReads() const { return static_cast<int64_t>(pending_.size()); }

 private:
  struct Pending {
    GLsync fence = nullptr;
    GLuint pbo = 0;
    void* dst = nullptr;
    int64_t n = 0;
    std::function<void()> done;
  };
  std::deque<Pending> pending_;
};

GLMemory* g_memory = nullptr;

bool createContext(std::string* reason) {
  Context& c = ctx();
  if (c.ready) return true;
  auto fail = [&](const std::string& why) {
    if (reason) *reason = why;
    return false;
  };
#ifdef __EMSCRIPTEN__
  c.handle = wl_webgl2_create();
  if (c.handle == 0) {
    return fail("WebGL2 is not available here (a browser or worker with WebGL2 is needed; Node has none)");
  }
#else
  const char* clientExt = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
  auto getPlatformDisplay =
      reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(eglGetProcAddress("eglGetPlatformDisplayEXT"));
  if (clientExt != nullptr && std::strstr(clientExt, "EGL_MESA_platform_surfaceless") && getPlatformDisplay) {
    c.display = getPlatformDisplay(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr);
  }
  if (c.display == EGL_NO_DISPLAY) {
    return fail("no EGL display: EGL_MESA_platform_surfaceless is missing (install libegl-mesa0 and "
                "libgl1-mesa-dri: scripts/install-deps.sh)");
  }
  EGLint major = 0, minor = 0;
  if (!eglInitialize(c.display, &major, &minor)) {
    std::ostringstream os;
    os << "eglInitialize failed on the surfaceless platform (EGL error 0x" << std::hex << eglGetError()
       << "): is Mesa's libgl1-mesa-dri (llvmpipe) installed?";
    return fail(os.str());
  }
  const char* ext = eglQueryString(c.display, EGL_EXTENSIONS);
  if (!ext || !std::strstr(ext, "EGL_KHR_surfaceless_context")) return fail("EGL_KHR_surfaceless_context is missing");
  if (!eglBindAPI(EGL_OPENGL_ES_API)) return fail("eglBindAPI(EGL_OPENGL_ES_API) failed");
  EGLConfig config = EGL_NO_CONFIG_KHR;
  if (!std::strstr(ext, "EGL_KHR_no_config_context")) {
    const EGLint attrs[] = {EGL_RENDERABLE_TYPE, EGL_OPENGL_ES3_BIT, EGL_NONE};
    EGLint count = 0;
    if (!eglChooseConfig(c.display, attrs, &config, 1, &count) || count == 0) {
      return fail("no EGL config renders OpenGL ES 3");
    }
  }
  const EGLint ctxAttrs[] = {EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 0, EGL_NONE};
  c.context = eglCreateContext(c.display, config, EGL_NO_CONTEXT, ctxAttrs);
  if (c.context == EGL_NO_CONTEXT) {
    std::ostringstream os;
    os << "cannot create an OpenGL ES 3.0 context (EGL error 0x" << std::hex << eglGetError() << ")";
    return fail(os.str());
  }
  if (!eglMakeCurrent(c.display, EGL_NO_SURFACE, EGL_NO_SURFACE, c.context)) {
    return fail("eglMakeCurrent without a surface failed");
  }
#endif
  c.renderer = std::string(reinterpret_cast<const char*>(glGetString(GL_RENDERER))) + " / " +
               reinterpret_cast<const char*>(glGetString(GL_VERSION));
  glGetIntegerv(GL_MAX_TEXTURE_SIZE, &c.maxTextureSize);
  GLint drawBuffers = 4, attachments = 4;
  glGetIntegerv(GL_MAX_DRAW_BUFFERS, &drawBuffers);
  glGetIntegerv(GL_MAX_COLOR_ATTACHMENTS, &attachments);
  c.maxDrawBuffers = std::max(4, std::min({drawBuffers, attachments, GLint{8}}));
  glGenVertexArrays(1, &c.vao);
  glBindVertexArray(c.vao);
  glGenFramebuffers(1, &c.drawFbo);
  glGenFramebuffers(1, &c.readFbo);
  glDisable(GL_DITHER);
  glDisable(GL_BLEND);
  glDisable(GL_DEPTH_TEST);
  c.ready = true;
  // R32UI must be a render target, and the driver says how it reads it back.
  GLuint t = newTexture(1, 1);
  glBindFramebuffer(GL_FRAMEBUFFER, c.drawFbo);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, t, 0);
  GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
  GLint fmt = 0, type = 0;
  if (status == GL_FRAMEBUFFER_COMPLETE) {
    glGetIntegerv(GL_IMPLEMENTATION_COLOR_READ_FORMAT, &fmt);
    glGetIntegerv(GL_IMPLEMENTATION_COLOR_READ_TYPE, &type);
  }
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glDeleteTextures(1, &t);
  if (status != GL_FRAMEBUFFER_COMPLETE) {
    c.ready = false;
    return fail("an R32UI texture is not a complete framebuffer on " + c.renderer);
  }
  c.readFormat = (fmt == GL_RED_INTEGER && type == GL_UNSIGNED_INT) ? GL_RED_INTEGER : GL_RGBA_INTEGER;
  if (glGetError() != GL_NO_ERROR) {
    c.ready = false;
    return fail("GL errors while setting up the context on " + c.renderer);
  }
  return true;
}

const char* kFullscreenVS =
    "#version 300 es\n"
    "void main() {\n"
    "  vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));\n"
    "  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);\n"
    "}\n";

}  // namespace

namespace {

GLBuffer* acquireGrid(int64_t n, int w, int h, int channels, int layers) {
  Context& c = ctx();
  GLBuffer* b = new GLBuffer();
  b->w = w;
  b->h = h;
  b->n = n;
  b->channels = channels;
  b->layers = layers;
  auto& free = c.pool[std::make_tuple(w, h, channels, layers)];
  if (!free.empty()) {
    b->tex = free.back();
    free.pop_back();
    c.pooledBytes -= int64_t{4} * channels * b->w * b->h * layers;
    --c.stats.texturesPooled;
    ++c.stats.texturesReused;
  } else {
    try {
      b->tex = newTexture(b->w, b->h, channels, layers);
    } catch (...) {
      delete b;
      throw;
    }
  }
  return b;
}

}  // namespace

GLBuffer* acquire(int64_t n) {
  auto grid = gridFor(n);
  return acquireGrid(n, grid.first, grid.second, 1, 1);
}

GLBuffer* acquireRGBA(int64_t n, int width) { return acquireRGBALayers(n, width, 1); }

int maxDrawBuffers() { return ctx().maxDrawBuffers; }

GLBuffer* acquireRGBALayers(int64_t n, int width, int layers) {
  if (n < 1) n = 1;
  WL_CHECK(width >= 1 && width <= kMaxWidth, "webgl: a packed texture row of " << width << " texels");
  const int64_t h = (n + width - 1) / width;
  WL_CHECK(h <= ctx().maxTextureSize, "webgl: a packed temporary of " << n << " texels needs a " << width << "x" << h
                                                                      << " texture; this GL context allows at most "
                                                                      << ctx().maxTextureSize << " rows");
  return acquireGrid(n, width, static_cast<int>(h), 4, layers);
}

int maxRowWidth() { return kMaxWidth; }
int maxTextureRows() { return ctx().maxTextureSize; }

void readNow(const GLBuffer* b, uint32_t* dst, int64_t n) {
  WL_CHECK(b->channels == 1, "webgl: readNow reads R32UI buffers");
  g_memory->read(b, dst, static_cast<size_t>(n) * 4);
}

void giveBack(GLBuffer* b) {
  Context& c = ctx();
  const int64_t bytes = int64_t{4} * b->channels * b->w * b->h * b->layers;
  if (c.pooledBytes + bytes <= kPoolBytes) {
    c.pool[std::make_tuple(b->w, b->h, b->channels, b->layers)].push_back(b->tex);
    c.pooledBytes += bytes;
    ++c.stats.texturesPooled;
  } else {
    // Called from destructors (storages, cached packs): never throws. On a lost
    // context there is nothing to delete.
    try {
      makeCurrent();
      glDeleteTextures(1, &b->tex);
    } catch (const Error&) {
    }
  }
  delete b;
}

// The float quotient is within a few units for any int (24 bits of precision), the
// floor of the remainder's quotient leaves it within one, the last step corrects it.
const char* const kExactDivGLSL =
    "int udiv_(int a, int d, float r) {\n"
    "  int q = int(float(a) * r), m = a - q * d;\n"
    "  q += int(floor(float(m) * r)); m = a - q * d;\n"
    "  return q + (m >= d ? 1 : (m < 0 ? -1 : 0));\n}\n"
    // a < 2^24 is exact as a float, so the float quotient is within one: one correction.
    "int udiv24_(int a, int d, float r) {\n"
    "  int q = int(float(a) * r), m = a - q * d;\n"
    "  return q + (m >= d ? 1 : (m < 0 ? -1 : 0));\n}\n";

std::string glslFloat(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  return "uintBitsToFloat(" + std::to_string(bits) + "u)";
}

struct Profile {
  bool on = false;
  uint64_t call = ~uint64_t{0};  // kernelCallCount() of the pass before
  int index = 0;                  // passes so far in that call
  std::map<std::string, std::pair<int64_t, double>> byKey;  // count, ms
};
Profile& profile() {
  static Profile p;
  return p;
}
double nowMs() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
// Waits for the draw into `fbo` (a read of one texel: Chromium's glFinish does not wait).
void waitForDraw(GLuint fbo) {
  GLint prevRead = 0;
  glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &prevRead);
  glBindFramebuffer(GL_READ_FRAMEBUFFER, fbo);
  glReadBuffer(GL_COLOR_ATTACHMENT0);
  GLuint px[4];
  glReadPixels(0, 0, 1, 1, GL_RGBA_INTEGER, GL_UNSIGNED_INT, px);
  glBindFramebuffer(GL_READ_FRAMEBUFFER, static_cast<GLuint>(prevRead));
}

// Detaches the draw framebuffer's color attachments from `count` on (those a pass
// before this one bound), so a pass draws only into its own outputs.
void detachFrom(size_t count) {
  Context& c = ctx();
  for (size_t k = count; k < c.attached; ++k) {
    glFramebufferTexture2D(GL_DRAW_FRAMEBUFFER, GL_COLOR_ATTACHMENT0 + static_cast<GLenum>(k), GL_TEXTURE_2D, 0, 0);
  }
  c.attached = count;
}

void runPass(const Pass& pass) {
  if (pass.size <= 0) return;
  Profile& prof = profile();
  const double t0 = prof.on ? nowMs() : 0;
  makeCurrent();
  Context& c = ctx();
  const GLBuffer* first = pass.outputs.empty() ? nullptr : pass.outputs[0];
  const bool layered = first != nullptr && first->layers > 1;  // one output, its layers o0, o1, ...
  const size_t outs = layered ? static_cast<size_t>(first->layers) : pass.outputs.size();
  WL_CHECK(outs >= 1 && outs <= static_cast<size_t>(c.maxDrawBuffers) && (!layered || pass.outputs.size() == 1),
           "webgl: a pass writes 1 to " << c.maxDrawBuffers << " outputs (or the layers of one)");
  for (const GLBuffer* o : pass.outputs) {
    WL_CHECK(o->w == first->w && o->h == first->h && o->channels == first->channels,
             "webgl: the outputs of a pass differ in size or format");
  }
  std::ostringstream fs;
  const bool rgba = first->channels == 4;
  std::vector<std::pair<int, int>> masks(pass.inputs.size());  // each input's texel mask and shift
  // Sizes as uniforms when every input has a mask and a shift (its texel without a
  // division), or is an RGBA input the body addresses itself (rgbaByTexel).
  bool sizeUniforms = pass.sizeFree;
  for (size_t k = 0; k < pass.inputs.size() && sizeUniforms; ++k) {
    sizeUniforms = maskShift(pass.inputs[k], &masks[k].first, &masks[k].second) ||
                   (pass.rgbaByTexel && pass.inputs[k]->channels == 4);
  }
  fs << kHeader << declarations(pass.inputs, pass.uf, pass.uu, pass.ui, sizeUniforms, pass.rgbaByTexel);
  for (size_t k = 0; k < outs; ++k) {
    fs << "layout(location = " << k << ") out " << (rgba ? "uvec4" : "uint") << " o" << k << ";\n";
  }
  if (sizeUniforms) {
    fs << "uniform int OW, N;\n";
  } else {
    fs << "const int OW = " << first->w << ";\nconst int N = " << pass.size << ";\n";
  }
  fs << pass.body << "\nvoid main() {\n"
     << "  int i = int(gl_FragCoord.y) * OW + int(gl_FragCoord.x);\n  if (i >= N) {";
  for (size_t k = 0; k < outs; ++k) fs << " o" << k << (rgba ? " = uvec4(0u);" : " = 0u;");
  fs << " return; }\n  run(i);\n}\n";
  GLuint prog = program(kFullscreenVS, fs.str());
  // An output that is also an input (in place) renders into a fresh texture that
  // then replaces its own: a texture cannot be sampled while it is drawn into.
  std::vector<GLBuffer*> targets;
  for (GLBuffer* o : pass.outputs) {
    bool inPlace = false;
    for (const GLBuffer* in : pass.inputs) inPlace = inPlace || in == o || in->tex == o->tex;
    WL_CHECK(!(inPlace && layered), "webgl: a layered output cannot be an input of its pass");
    targets.push_back(inPlace ? acquireGrid(o->n, o->w, o->h, o->channels, 1) : o);
  }
  bindInputsAndUniforms(prog, pass.inputs, pass.uf, pass.uu);
  for (const auto& u : pass.ui) glUniform1i(glGetUniformLocation(prog, u.first.c_str()), u.second);
  if (sizeUniforms) {
    glUniform1i(glGetUniformLocation(prog, "OW"), first->w);
    glUniform1i(glGetUniformLocation(prog, "N"), static_cast<GLint>(pass.size));
    for (size_t k = 0; k < pass.inputs.size(); ++k) {
      const std::string K = std::to_string(k);
      glUniform1i(glGetUniformLocation(prog, ("W" + K).c_str()), pass.inputs[k]->w);
      glUniform1i(glGetUniformLocation(prog, ("u_m" + K).c_str()), masks[k].first);
      glUniform1i(glGetUniformLocation(prog, ("u_s" + K).c_str()), masks[k].second);
    }
  }
  glBindFramebuffer(GL_DRAW_FRAMEBUFFER, c.drawFbo);
  GLenum bufs[8];
  for (size_t k = 0; k < outs; ++k) {
    const GLenum at = GL_COLOR_ATTACHMENT0 + static_cast<GLenum>(k);
    if (layered) {
      glFramebufferTextureLayer(GL_DRAW_FRAMEBUFFER, at, targets[0]->tex, 0, static_cast<GLint>(k));
    } else {
      glFramebufferTexture2D(GL_DRAW_FRAMEBUFFER, at, GL_TEXTURE_2D, targets[k]->tex, 0);
    }
    bufs[k] = at;
  }
  detachFrom(outs);
  glDrawBuffers(static_cast<GLsizei>(outs), bufs);
  const int rows = static_cast<int>((pass.size + first->w - 1) / first->w);
  glViewport(0, 0, first->w, rows);
  glDrawArrays(GL_TRIANGLES, 0, 3);
  ++c.stats.passes;
  if (prof.on) {
    waitForDraw(c.drawFbo);
    if (prof.call != kernelCallCount()) prof.index = 0;
    prof.call = kernelCallCount();
    auto& e = prof.byKey[std::string(lastKernelOp()) + "#" + std::to_string(prof.index++) + "@" + std::to_string(pass.size)];
    ++e.first;
    e.second += nowMs() - t0;
  }
  for (size_t k = 0; k < targets.size(); ++k) {
    if (targets[k] == pass.outputs[k]) continue;
    std::swap(targets[k]->tex, pass.outputs[k]->tex);
    giveBack(targets[k]);  // the old texture goes to the pool
  }
  if (kCheckEachPass) checkGL("a shader pass");
}

void runScatter(const ScatterPass& pass) {
  if (pass.count <= 0) return;
  makeCurrent();
  Context& c = ctx();
  GLBuffer* out = pass.output;
  // A source that is the output is copied first: the scatter must read the old values.
  std::vector<const GLBuffer*> inputs = pass.inputs;
  std::vector<GLBuffer*> copies;
  for (const GLBuffer*& in : inputs) {
    if (in->tex != out->tex) continue;
    GLBuffer* copy = acquire(in->n);
    Pass p;
    p.body = "void run(int i) { o0 = ld0(i); }";
    p.inputs = {in};
    p.outputs = {copy};
    p.size = in->n;
    runPass(p);
    copies.push_back(copy);
    in = copy;
  }
  std::ostringstream vs;
  vs << kHeader << declarations(inputs, {}, {}) << "flat out uint val;\nconst int OW = " << out->w
     << ";\nconst int OH = " << out->h << ";\n"
     << pass.vertexBody << "\nvoid main() {\n  int d = place(gl_VertexID);\n  gl_PointSize = 1.0;\n"
     << "  vec2 p = (vec2(float(d % OW), float(d / OW)) + 0.5) / vec2(float(OW), float(OH));\n"
     << "  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);\n}\n";
  const std::string fs = std::string(kHeader) +
                         "flat in uint val;\nlayout(location = 0) out uint o0;\nvoid main() { o0 = val; }\n";
  GLuint prog = program(vs.str(), fs);
  bindInputsAndUniforms(prog, inputs, {}, {});
  glBindFramebuffer(GL_DRAW_FRAMEBUFFER, c.drawFbo);
  glFramebufferTexture2D(GL_DRAW_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, out->tex, 0);
  detachFrom(1);
  GLenum buf0 = GL_COLOR_ATTACHMENT0;
  glDrawBuffers(1, &buf0);
  glViewport(0, 0, out->w, out->h);
  glDrawArrays(GL_POINTS, 0, static_cast<GLsizei>(pass.count));
  ++c.stats.passes;
  for (GLBuffer* copy : copies) giveBack(copy);
  if (kCheckEachPass) checkGL("a scatter pass");
}

}  // namespace webgl

bool registerWebGLBackend(std::string* reason) {
  auto& backends = BackendRegistry::instance();
  if (backends.find("webgl") != nullptr) return true;
  if (!webgl::createContext(reason)) return false;
  if (webgl::g_memory == nullptr) webgl::g_memory = new webgl::GLMemory();  // outlives the backend
  // Every dtype: int32/bool values live bit-exactly in the R32UI textures and the int
  // kernels compute with GLSL's 32-bit ints, so supports() needs no narrowing (the
  // default: a kernel is registered). Ops without a webgl kernel fall back to wasm.
  backends.add(std::make_unique<Backend>("webgl", 3, webgl::g_memory, "wasm"));
  return true;
}

WebGLStats webglStats() {
  WebGLStats s = webgl::ctx().stats;
  s.asyncReadsPending = webgl::g_memory ? webgl::g_memory->pendingReads() : 0;
  return s;
}

void webglReleasePool() {
  auto& c = webgl::ctx();
  if (!c.ready) return;
  webgl::makeCurrent();
  for (auto& entry : c.pool) {
    if (!entry.second.empty()) glDeleteTextures(static_cast<GLsizei>(entry.second.size()), entry.second.data());
  }
  c.pool.clear();
  c.pooledBytes = 0;
  c.stats.texturesPooled = 0;
}

std::string webglRenderer() { return webgl::ctx().renderer; }

bool webglReadsPacked() { return webgl::ctx().ready && webgl::packedReads(); }

void webglForcePackedReads(bool on) { webgl::ctx().forcePackedReads = on; }

void webglProfile(bool on) { webgl::profile().on = on; }

std::string webglProfileReport() {
  auto& byKey = webgl::profile().byKey;
  std::vector<std::pair<std::string, std::pair<int64_t, double>>> rows(byKey.begin(), byKey.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second.second > b.second.second; });
  std::ostringstream o;
  for (const auto& r : rows) o << r.first << " " << r.second.first << " " << r.second.second << "\n";
  byKey.clear();
  return o.str();
}

}  // namespace wl

// Node-API bindings of the kernels. Buffers are typed arrays (views of the caller's memory, never copied); handles
// of saved activations and decoders are externals freed by release() or by the garbage collector.
#include <node_api.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "gemm.h"
#include "llama.h"

namespace {

using namespace epo;

struct Fail { std::string msg; };

void check(napi_env env, napi_status s, const char* what) {
  if (s != napi_ok) throw Fail{std::string("epo native: ") + what};
}

template <typename T>
T* typed(napi_env env, napi_value v, napi_typedarray_type want, size_t minLen, const char* what,
         size_t* length = nullptr) {
  bool is = false;
  napi_is_typedarray(env, v, &is);
  if (!is) throw Fail{std::string("epo native: ") + what + " must be a typed array"};
  napi_typedarray_type type; size_t len; void* data; napi_value ab; size_t off;
  check(env, napi_get_typedarray_info(env, v, &type, &len, &data, &ab, &off), what);
  if (type != want) throw Fail{std::string("epo native: ") + what + " has the wrong element type"};
  if (len < minLen) throw Fail{std::string("epo native: ") + what + " is too short (" + std::to_string(len) + " < " + std::to_string(minLen) + ")"};
  if (length) *length = len;
  return static_cast<T*>(data);
}

int num(napi_env env, napi_value v) { int32_t x; check(env, napi_get_value_int32(env, v, &x), "integer argument"); return x; }
bool flag(napi_env env, napi_value v) { bool x; check(env, napi_get_value_bool(env, v, &x), "boolean argument"); return x; }

Config config(napi_env env, napi_value v) {
  const double* f = typed<double>(env, v, napi_float64_array, 10, "config");
  Config c{(int)f[0], (int)f[1], (int)f[2], (int)f[3], (int)f[4], (int)f[5], (int)f[6], f[7] != 0, (float)f[8], f[9]};
  if (c.V <= 0 || c.H <= 0 || c.L <= 0 || c.nH <= 0 || c.nKV <= 0 || c.hd <= 0 || c.I <= 0 || c.nH % c.nKV)
    throw Fail{"epo native: invalid config"};
  return c;
}

size_t weightSize(const Config& c, int i) {
  if (i == 0) return (size_t)c.V * c.H;
  if (i == 1 + 9 * c.L) return c.H;
  if (i == 2 + 9 * c.L) return (size_t)c.H * c.V;
  const int j = (i - 1) % 9;
  const size_t H = c.H, QD = c.QD(), KD = c.KD(), I = c.I;
  const size_t sizes[9] = {H, H * QD, H * KD, H * KD, QD * H, H, H * I, H * I, I * H};
  return sizes[j];
}

std::vector<float*> floatList(napi_env env, napi_value arr, const Config& c, const char* what) {
  uint32_t n; check(env, napi_get_array_length(env, arr, &n), what);
  if ((int)n != c.weightCount()) throw Fail{std::string("epo native: ") + what + " needs " + std::to_string(c.weightCount()) + " arrays, got " + std::to_string(n)};
  std::vector<float*> out(n);
  for (uint32_t i = 0; i < n; i++) {
    napi_value e; check(env, napi_get_element(env, arr, i, &e), what);
    out[i] = typed<float>(env, e, napi_float32_array, weightSize(c, i), what);
  }
  return out;
}

Weights weights(napi_env env, napi_value arr, const Config& c) {
  Weights w;
  for (float* p : floatList(env, arr, c, "weights")) w.w.push_back(p);
  return w;
}

struct Handle { virtual ~Handle() = default; };

// The activations of the last finished backward pass, handed to the next forward pass: training steps of one shape
// then reuse the same memory instead of faulting in fresh pages every step.
thread_local std::unique_ptr<Activations> spare;

struct SavedHandle : Handle {
  Activations a;
  SavedHandle() { if (spare) { a = std::move(*spare); spare.reset(); } }
  void recycle() { spare = std::make_unique<Activations>(std::move(a)); }
};
struct DecoderHandle : Handle { std::unique_ptr<Decoder> d; };
struct Box { Handle* h; };

void finalize(napi_env, void* data, void*) { Box* b = static_cast<Box*>(data); delete b->h; delete b; }

napi_value wrap(napi_env env, Handle* h) {
  napi_value out;
  check(env, napi_create_external(env, new Box{h}, finalize, nullptr, &out), "handle");
  return out;
}

Box* unwrap(napi_env env, napi_value v) {
  void* data; check(env, napi_get_value_external(env, v, &data), "handle");
  return static_cast<Box*>(data);
}

template <typename T>
T* handle(napi_env env, napi_value v, const char* what) {
  T* h = dynamic_cast<T*>(unwrap(env, v)->h);
  if (!h) throw Fail{std::string("epo native: ") + what + " was released or is of another kind"};
  return h;
}

using Impl = napi_value (*)(napi_env, napi_value*, size_t);

template <Impl F>
napi_value call(napi_env env, napi_callback_info info) {
  napi_value args[12]; size_t argc = 12;
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  try { return F(env, args, argc); }
  catch (const Fail& f) { napi_throw_error(env, "EPO_NATIVE", f.msg.c_str()); }
  catch (const std::bad_alloc&) { napi_throw_error(env, "EPO_NATIVE", "epo native: out of memory"); }
  return nullptr;
}

napi_value undef(napi_env env) { napi_value u; napi_get_undefined(env, &u); return u; }

napi_value SetThreads(napi_env env, napi_value* a, size_t) { set_threads(num(env, a[0])); return undef(env); }
napi_value Threads(napi_env env, napi_value*, size_t) { napi_value v; napi_create_int32(env, threads(), &v); return v; }

// gemm(transA, transB, M, N, K, A, lda, B, ldb, C, ldc, accumulate)
napi_value Gemm(napi_env env, napi_value* a, size_t argc) {
  if (argc < 12) throw Fail{"epo native: gemm needs 12 arguments"};
  const bool ta = flag(env, a[0]), tb = flag(env, a[1]);
  const int M = num(env, a[2]), N = num(env, a[3]), K = num(env, a[4]), lda = num(env, a[6]), ldb = num(env, a[8]), ldc = num(env, a[10]);
  const float* A = typed<float>(env, a[5], napi_float32_array, (size_t)(ta ? K : M) * lda - (lda - (ta ? M : K)), "A");
  const float* B = typed<float>(env, a[7], napi_float32_array, (size_t)(tb ? N : K) * ldb - (ldb - (tb ? K : N)), "B");
  float* C = typed<float>(env, a[9], napi_float32_array, (size_t)M * ldc - (ldc - N), "C");
  gemm(ta, tb, M, N, K, A, lda, B, ldb, C, ldc, flag(env, a[11]));
  return undef(env);
}

// trainForward(config, weights, inputs, targets, B, T, logp, save) → handle | undefined
napi_value TrainForward(napi_env env, napi_value* a, size_t) {
  const Config c = config(env, a[0]);
  const Weights w = weights(env, a[1], c);
  const int B = num(env, a[4]), T = num(env, a[5]);
  const int32_t* in = typed<int32_t>(env, a[2], napi_int32_array, (size_t)B * T, "inputs");
  const int32_t* tg = typed<int32_t>(env, a[3], napi_int32_array, (size_t)B * T, "targets");
  for (size_t i = 0; i < (size_t)B * T; i++)
    if (in[i] < 0 || in[i] >= c.V || tg[i] < 0 || tg[i] >= c.V) throw Fail{"epo native: token id out of the vocabulary at position " + std::to_string(i)};
  float* logp = typed<float>(env, a[6], napi_float32_array, (size_t)B * T, "logp");
  if (!flag(env, a[7])) { train_forward(c, w, in, tg, B, T, logp, nullptr); return undef(env); }
  auto* h = new SavedHandle();
  train_forward(c, w, in, tg, B, T, logp, &h->a);
  return wrap(env, h);
}

// trainBackward(handle, weights, dlogp, grads): consumes the saved activations.
napi_value TrainBackward(napi_env env, napi_value* a, size_t) {
  Box* box = unwrap(env, a[0]);
  auto* h = dynamic_cast<SavedHandle*>(box->h);
  if (!h) throw Fail{"epo native: the forward pass's activations were released (backward runs once per forward)"};
  const Config& c = h->a.c;
  const Weights w = weights(env, a[1], c);
  const float* d = typed<float>(env, a[2], napi_float32_array, (size_t)h->a.B * h->a.T, "dlogp");
  const std::vector<float*> g = floatList(env, a[3], c, "grads");
  train_backward(h->a, w, d, g);
  h->recycle();
  delete box->h; box->h = nullptr;
  return undef(env);
}

// decoderCreate(config, rows, maxKeys) → handle
napi_value DecoderCreate(napi_env env, napi_value* a, size_t) {
  const Config c = config(env, a[0]);
  auto* h = new DecoderHandle();
  h->d = std::make_unique<Decoder>(c, num(env, a[1]), num(env, a[2]));
  return wrap(env, h);
}

// decoderStep(handle, weights, ids, T, positions, keyMask, logits)
napi_value DecoderStep(napi_env env, napi_value* a, size_t) {
  Decoder& d = *handle<DecoderHandle>(env, a[0], "decoder")->d;
  const Weights w = weights(env, a[1], d.c);
  const int T = num(env, a[3]);
  if (d.S + T > d.Smax) throw Fail{"epo native: the decoder's key cache is full"};
  const size_t n = (size_t)d.B * T;
  const int32_t* ids = typed<int32_t>(env, a[2], napi_int32_array, n, "ids");
  for (size_t i = 0; i < n; i++) if (ids[i] < 0 || ids[i] >= d.c.V) throw Fail{"epo native: token id out of the vocabulary"};
  const int32_t* pos = typed<int32_t>(env, a[4], napi_int32_array, n, "positions");
  const uint8_t* mask = typed<uint8_t>(env, a[5], napi_uint8_array, n, "keyMask");
  float* logits = typed<float>(env, a[6], napi_float32_array, (size_t)d.B * d.c.V, "logits");
  d.step(w, ids, T, pos, mask, logits);
  return undef(env);
}

// decoderKeep(handle, rows)
napi_value DecoderKeep(napi_env env, napi_value* a, size_t) {
  Decoder& d = *handle<DecoderHandle>(env, a[0], "decoder")->d;
  size_t len;
  const int32_t* data = typed<int32_t>(env, a[1], napi_int32_array, 0, "rows", &len);
  std::vector<int> rows(data, data + len);
  for (size_t i = 0; i < rows.size(); i++)
    if (rows[i] < (int)i || rows[i] >= d.B || (i && rows[i] <= rows[i - 1])) throw Fail{"epo native: rows must be increasing row numbers"};
  d.keep(rows);
  return undef(env);
}

// adamw(p, g, m, v, hyper): one AdamW step in place, hyper = [lr, beta1, beta2, 1 − beta1^t, 1 − beta2^t, eps, decay]
// where decay multiplies p first (1 − lr·weight decay for matrices, 1 for norms). The arithmetic is
// src/model/optim/adamw.ts's, element by element.
napi_value Adamw(napi_env env, napi_value* a, size_t) {
  size_t n;
  const float* __restrict g = typed<float>(env, a[1], napi_float32_array, 0, "grad", &n);
  float* __restrict p = typed<float>(env, a[0], napi_float32_array, n, "param");
  float* __restrict m = typed<float>(env, a[2], napi_float32_array, n, "exp_avg");
  float* __restrict v = typed<float>(env, a[3], napi_float32_array, n, "exp_avg_sq");
  const double* h = typed<double>(env, a[4], napi_float64_array, 7, "hyper");
  const float lr = (float)h[0], b1 = (float)h[1], b2 = (float)h[2], c1 = (float)h[3], c2 = (float)h[4], eps = (float)h[5], decay = (float)h[6];
  const float ob1 = (float)(1 - h[1]), ob2 = (float)(1 - h[2]);
  for (size_t i = 0; i < n; i++) {
    const float m2 = m[i] * b1 + g[i] * ob1;
    const float v2 = v[i] * b2 + g[i] * g[i] * ob2;
    const float update = (m2 / c1) / (std::sqrt(v2 / c2) + eps);
    m[i] = m2;
    v[i] = v2;
    p[i] = p[i] * decay - update * lr;
  }
  return undef(env);
}

napi_value Release(napi_env env, napi_value* a, size_t) {
  Box* b = unwrap(env, a[0]);
  delete b->h; b->h = nullptr;
  return undef(env);
}

napi_value Init(napi_env env, napi_value exports) {
  const char* t = std::getenv("EPO_THREADS");
  set_threads(t ? std::atoi(t) : 1);
  napi_property_descriptor props[] = {
      {"setThreads", nullptr, call<SetThreads>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"threads", nullptr, call<Threads>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"gemm", nullptr, call<Gemm>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"trainForward", nullptr, call<TrainForward>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"trainBackward", nullptr, call<TrainBackward>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"decoderCreate", nullptr, call<DecoderCreate>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"decoderStep", nullptr, call<DecoderStep>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"decoderKeep", nullptr, call<DecoderKeep>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"adamw", nullptr, call<Adamw>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"release", nullptr, call<Release>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof *props, props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)

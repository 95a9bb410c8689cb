// tfjs's random generators, bit for bit: seedrandom's Alea (seeded by a string, as
// tfjs seeds it with seed.toString()), tfjs-core's MPRandGauss (Marsaglia's polar
// method, optionally truncated at 2 stddev) and UniformRandom (rand_util.ts). With
// them a seeded tf.randomNormal / truncatedNormal / randomUniform, a seeded
// initializer and a seeded Dropout draw exactly tfjs's values, so a model built
// with seeds starts (and trains) as tfjs's does. Unseeded draws are seeded from a
// process-wide generator, as tfjs seeds them from Math.random().
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>

namespace wl {
namespace jsrand {

// JavaScript's Number.prototype.toString() (ECMAScript Number::toString, radix 10):
// the shortest digits that round-trip, laid out as JS does.
inline std::string numberToString(double x) {
  if (std::isnan(x)) return "NaN";
  if (x == 0) return "0";
  if (x < 0) return "-" + numberToString(-x);
  if (std::isinf(x)) return "Infinity";
  char buf[40];
  int precision = 1;
  for (; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*e", precision - 1, x);
    if (std::strtod(buf, nullptr) == x) break;
  }
  // buf = d[.ddd]e[+-]XX: the digits and n, where x = 0.digits * 10^n.
  std::string s(buf), digits;
  size_t e = s.find('e');
  for (size_t i = 0; i < e; ++i) {
    if (s[i] != '.') digits += s[i];
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  int n = std::atoi(s.c_str() + e + 1) + 1, k = static_cast<int>(digits.size());
  if (k <= n && n <= 21) return digits + std::string(static_cast<size_t>(n - k), '0');
  if (0 < n && n <= 21) return digits.substr(0, static_cast<size_t>(n)) + "." + digits.substr(static_cast<size_t>(n));
  if (-6 < n && n <= 0) return "0." + std::string(static_cast<size_t>(-n), '0') + digits;
  std::string exp = (n - 1 >= 0 ? "+" : "-") + std::to_string(std::abs(n - 1));
  return digits.substr(0, 1) + (k > 1 ? "." + digits.substr(1) : "") + "e" + exp;
}

// ECMAScript ToUint32 of a finite double.
inline double toUint32(double x) {
  double t = std::trunc(x);
  double m = std::fmod(t, 4294967296.0);
  return m < 0 ? m + 4294967296.0 : m;
}

// seedrandom 3.0.5 lib/alea.js: uniform doubles in [0, 1).
class Alea {
 public:
  explicit Alea(const std::string& seed) {
    s0_ = mash(" ");
    s1_ = mash(" ");
    s2_ = mash(" ");
    s0_ -= mash(seed);
    if (s0_ < 0) s0_ += 1;
    s1_ -= mash(seed);
    if (s1_ < 0) s1_ += 1;
    s2_ -= mash(seed);
    if (s2_ < 0) s2_ += 1;
  }
  double next() {
    double t = 2091639 * s0_ + c_ * 2.3283064365386963e-10;  // 2^-32
    s0_ = s1_;
    s1_ = s2_;
    c_ = std::floor(t);  // t | 0; t is in [0, 2^22)
    return s2_ = t - c_;
  }

 private:
  double mash(const std::string& data) {  // seeds are ASCII: a char is its UTF-16 unit
    for (unsigned char ch : data) {
      n_ += ch;
      double h = 0.02519603282416938 * n_;
      n_ = toUint32(h);
      h -= n_;
      h *= n_;
      n_ = toUint32(h);
      h -= n_;
      n_ += h * 4294967296.0;  // 2^32
    }
    return toUint32(n_) * 2.3283064365386963e-10;  // 2^-32
  }
  double n_ = 4022871197.0;  // 0xefc8249d
  double c_ = 1, s0_ = 0, s1_ = 0, s2_ = 0;
};

// Math.random()'s stand-in for unseeded draws (tfjs: alea(Math.random().toString())).
inline std::string randomSeed() {
  static std::mt19937_64 gen{std::random_device{}()};
  return numberToString(std::uniform_real_distribution<double>(0.0, 1.0)(gen));
}

// tfjs-core MPRandGauss(mean, stdDev, dtype, truncated, seed): `seed ? seed : Math.random()`,
// so a seed of 0 is no seed. Values are doubles; the caller stores them (float32 rounds).
class Gauss {
 public:
  Gauss(double mean, double stddev, bool truncated, std::optional<double> seed)
      : mean_(mean), stddev_(stddev), truncated_(truncated),
        upper_(mean + stddev * 2), lower_(mean - stddev * 2),
        random_(seed && *seed != 0 ? numberToString(*seed) : randomSeed()) {}
  double next() {
    if (!std::isnan(nextVal_)) {
      double v = nextVal_;
      nextVal_ = NAN;
      return v;
    }
    double x = 0, y = 0;
    for (bool valid = false; !valid;) {
      double v1, v2, s;
      do {
        v1 = 2 * random_.next() - 1;
        v2 = 2 * random_.next() - 1;
        s = v1 * v1 + v2 * v2;
      } while (s >= 1 || s == 0);
      double mul = std::sqrt(-2.0 * std::log(s) / s);
      x = mean_ + stddev_ * v1 * mul;
      y = mean_ + stddev_ * v2 * mul;
      valid = !truncated_ || inRange(x);
    }
    if (!truncated_ || inRange(y)) nextVal_ = y;
    return x;
  }

 private:
  bool inRange(double v) const { return v <= upper_ && v >= lower_; }
  double mean_, stddev_;
  bool truncated_;
  double upper_, lower_;
  double nextVal_ = NAN;
  Alea random_;
};

// tfjs-core UniformRandom(min, max, dtype, seed): `seed == null` is no seed (0 is a seed).
class Uniform {
 public:
  Uniform(double min, double max, std::optional<double> seed)
      : min_(min), range_(max - min), random_(seed ? numberToString(*seed) : randomSeed()) {}
  double next() { return min_ + range_ * random_.next(); }

 private:
  double min_, range_;
  Alea random_;
};

}  // namespace jsrand
}  // namespace wl

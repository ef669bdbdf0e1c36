#include "simulator/device/face/gallery.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace gaterig::device {
namespace {

// 16 partial sums break the dependency chain so the loop vectorises without reassociation flags.
inline float dot(const float* a, const float* b, int n) {
  float acc[16] = {};
  int i = 0;
  for (; i + 16 <= n; i += 16)
    for (int k = 0; k < 16; ++k) acc[k] += a[i + k] * b[i + k];
  float s = 0;
  for (int k = 0; k < 16; ++k) s += acc[k];
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

}  // namespace

Gallery::Gallery(int dim, std::size_t capacity) : dim_(dim), capacity_(capacity) {
  if (dim <= 0) throw std::invalid_argument("gallery: dimension must be positive");
}

Gallery::AddResult Gallery::add(const std::string& person, std::span<const float> e) {
  if (static_cast<int>(e.size()) != dim_)
    throw std::invalid_argument("gallery: embedding of " + std::to_string(e.size()) + " values for person " + person +
                                ", expected " + std::to_string(dim_));
  double norm = 0;
  for (float v : e) norm += static_cast<double>(v) * v;
  if (!(norm > 0) || !std::isfinite(norm)) throw std::invalid_argument("gallery: zero or non-finite embedding for person " + person);
  const float inv = static_cast<float>(1.0 / std::sqrt(norm));
  auto it = index_.find(person);
  AddResult result = AddResult::replaced;
  std::size_t row = 0;
  if (it == index_.end()) {
    if (persons_.size() >= capacity_) return AddResult::full;
    row = persons_.size();
    persons_.push_back(person);
    index_.emplace(person, row);
    rows_.resize(rows_.size() + static_cast<std::size_t>(dim_));
    result = AddResult::added;
  } else {
    row = it->second;
  }
  float* dst = rows_.data() + row * static_cast<std::size_t>(dim_);
  for (int i = 0; i < dim_; ++i) dst[i] = e[static_cast<std::size_t>(i)] * inv;
  return result;
}

bool Gallery::remove(const std::string& person) {
  auto it = index_.find(person);
  if (it == index_.end()) return false;
  const std::size_t row = it->second, last = persons_.size() - 1;
  index_.erase(it);
  if (row != last) {
    std::copy_n(rows_.data() + last * static_cast<std::size_t>(dim_), dim_, rows_.data() + row * static_cast<std::size_t>(dim_));
    persons_[row] = std::move(persons_[last]);
    index_[persons_[row]] = row;
  }
  persons_.pop_back();
  rows_.resize(persons_.size() * static_cast<std::size_t>(dim_));
  return true;
}

void Gallery::clear() {
  rows_.clear();
  persons_.clear();
  index_.clear();
}

GallerySearch Gallery::search(std::span<const float> probe) const {
  GallerySearch out;
  if (static_cast<int>(probe.size()) != dim_ || persons_.empty()) return out;
  double norm = 0;
  for (float v : probe) norm += static_cast<double>(v) * v;
  if (!(norm > 0)) return out;
  const float inv = static_cast<float>(1.0 / std::sqrt(norm));
  const float* p = probe.data();
  float best = -2, second = -2;
  std::size_t bi = 0, si = 0;
  const std::size_t n = persons_.size();
  for (std::size_t r = 0; r < n; ++r) {
    const float s = dot(rows_.data() + r * static_cast<std::size_t>(dim_), p, dim_);
    if (s > best) {
      second = best; si = bi;
      best = s; bi = r;
    } else if (s > second) {
      second = s; si = r;
    }
  }
  out.best = GalleryHit{persons_[bi], best * inv};
  if (n > 1) out.runner_up = GalleryHit{persons_[si], second * inv};
  return out;
}

std::vector<float> Gallery::scores(std::span<const float> probe) const {
  std::vector<float> out;
  if (static_cast<int>(probe.size()) != dim_) return out;
  double norm = 0;
  for (float v : probe) norm += static_cast<double>(v) * v;
  if (!(norm > 0)) return out;
  const float inv = static_cast<float>(1.0 / std::sqrt(norm));
  out.resize(persons_.size());
  for (std::size_t r = 0; r < persons_.size(); ++r) out[r] = dot(rows_.data() + r * static_cast<std::size_t>(dim_), probe.data(), dim_) * inv;
  return out;
}

}  // namespace gaterig::device

#pragma once
// The enrolled faces: one L2-normalised row per person in one contiguous float matrix, so a 1:N
// search is one matrix-vector product (hand-written, 16 independent accumulators, which GCC
// vectorises at -O3 without -ffast-math) followed by a top-2 scan. Re-enrolling a person replaces
// their row; removing one moves the last row into its place. Not thread-safe: the engine guards it.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace gaterig::device {

struct GalleryHit {
  std::string person;
  float similarity = 0;  // cosine, [-1, 1]
};

struct GallerySearch {
  std::optional<GalleryHit> best, runner_up;
};

class Gallery {
 public:
  enum class AddResult { added, replaced, full };

  explicit Gallery(int dim, std::size_t capacity);

  // `embedding` must have dim() values; it is normalised here. Throws std::invalid_argument on a
  // wrong size or an all-zero vector.
  AddResult add(const std::string& person, std::span<const float> embedding);
  bool remove(const std::string& person);
  bool contains(const std::string& person) const { return index_.count(person) != 0; }
  void clear();

  GallerySearch search(std::span<const float> probe) const;
  // Every row's cosine with the probe, in row order (empty for a wrong size or a zero probe): for
  // scores fused across galleries (the engine's masked-face search).
  std::vector<float> scores(std::span<const float> probe) const;
  std::optional<std::size_t> index_of(const std::string& person) const {
    const auto it = index_.find(person);
    return it == index_.end() ? std::nullopt : std::optional<std::size_t>(it->second);
  }

  int dim() const { return dim_; }
  std::size_t size() const { return persons_.size(); }
  std::size_t capacity() const { return capacity_; }
  void set_capacity(std::size_t capacity) { capacity_ = capacity; }
  const std::vector<std::string>& persons() const { return persons_; }
  std::span<const float> row(std::size_t i) const { return {rows_.data() + i * static_cast<std::size_t>(dim_), static_cast<std::size_t>(dim_)}; }

  // Persistence (gallery_file.cpp): see there for the format. save() is atomic (temporary file,
  // fsync, rename). load() throws GalleryFileError naming the file and what is wrong with it.
  void save(const std::filesystem::path& file) const;
  static Gallery load(const std::filesystem::path& file, std::size_t capacity);

 private:
  int dim_;
  std::size_t capacity_;
  std::vector<float> rows_;  // size() × dim_, row-major
  std::vector<std::string> persons_;
  std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace gaterig::device

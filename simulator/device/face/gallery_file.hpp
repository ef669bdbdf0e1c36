#pragma once
// The gallery file format (see gallery_file.cpp), shared by both engines: `dnn` stores embeddings,
// `classic` stores its grey face crops as rows.
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace gaterig::device {

class GalleryFileError : public std::runtime_error {
 public:
  GalleryFileError(const std::filesystem::path& file, const std::string& what);
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
};

struct GalleryFileContents {
  int dim = 0;
  std::vector<std::string> ids;
  std::vector<float> rows;  // ids.size() × dim
};

void write_gallery_file(const std::filesystem::path& file, int dim, const std::vector<std::string>& ids,
                        std::span<const float> rows);
GalleryFileContents read_gallery_file(const std::filesystem::path& file);

}  // namespace gaterig::device

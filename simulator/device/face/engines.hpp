#pragma once
// The two engines' constructors (face_engine.cpp chooses between them).
#include <memory>

#include "fixtures/face/model_paths.hpp"
#include "simulator/device/face/face_engine.hpp"

namespace gaterig::device {

std::unique_ptr<FaceEngine> open_dnn_engine(const FaceEngineConfig& config, const fixtures::FaceModels& models,
                                            const std::filesystem::path& data_dir);
std::unique_ptr<FaceEngine> open_classic_engine(const FaceEngineConfig& config, const fixtures::FaceModels& models,
                                                const std::filesystem::path& data_dir);

inline constexpr const char* kGalleryFileName = "face_gallery.bin";
inline constexpr const char* kPeriocularGalleryFileName = "face_gallery_upper.bin";
inline constexpr const char* kClassicGalleryFileName = "face_gallery_classic.bin";

}  // namespace gaterig::device

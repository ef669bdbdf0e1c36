// Writes a QR presentation made by the fixtures' variant generator (fixtures/variants, kind "qr"),
// for the devsim QR tests (tests/python/test_devsim_qr.py): the same images certification shows,
// with a chosen payload, which `gaterig fixtures build` cannot ask for.
//   devsim_qr_presentation OUT.png PAYLOAD [CORRUPTION]    CORRUPTION: truncate | checksum | damage
// Prints the manifest tags of the presentation as one JSON line.
#include <iostream>

#include <opencv2/imgcodecs.hpp>

#include "core/event.hpp"
#include "fixtures/variants/variant.hpp"

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::cerr << "usage: devsim_qr_presentation OUT.png PAYLOAD [truncate|checksum|damage]\n";
    return 2;
  }
  gaterig::fixtures::VariantSpec spec{"qr", {{"payload", argv[2]}}, 7};
  if (argc == 4) spec.params["valid"] = "0", spec.params["corruption"] = argv[3];
  try {
    const auto out = gaterig::fixtures::make_variant(cv::Mat(), nullptr, spec);
    if (!cv::imwrite(argv[1], out.frames.front())) {
      std::cerr << argv[1] << ": cannot write\n";
      return 1;
    }
    gaterig::Json tags(out.tags);
    std::cout << tags.dump() << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "devsim_qr_presentation: " << e.what() << "\n";
    return 2;
  }
  return 0;
}

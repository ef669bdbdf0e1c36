// Without libFuzzer (GCC builds, CI): replay the seed corpus, then deterministic mutations of it,
// through the same LLVMFuzzerTestOneInput. Usage: fuzz_platform_request <corpus-dir> [mutations]
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {
struct XorShift {
  std::uint64_t s;
  std::uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
};

void run(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

std::string mutate(std::string s, const std::vector<std::string>& corpus, XorShift& rng) {
  const int edits = 1 + static_cast<int>(rng.below(8));
  for (int e = 0; e < edits; ++e) {
    switch (rng.below(6)) {
      case 0:  // flip a bit
        if (!s.empty()) s[rng.below(s.size())] ^= static_cast<char>(1 << rng.below(8));
        break;
      case 1:  // set a byte to an interesting value
        if (!s.empty()) {
          static const char kBytes[] = {'\0', '"', '{', '}', '[', ']', ',', ':', '%', '+', '&', '=', '\\', '\xff', '\xe5', 'X'};
          s[rng.below(s.size())] = kBytes[rng.below(sizeof kBytes)];
        }
        break;
      case 2:  // delete a run
        if (!s.empty()) {
          const std::size_t at = rng.below(s.size());
          s.erase(at, 1 + rng.below(std::min<std::size_t>(16, s.size() - at)));
        }
        break;
      case 3:  // duplicate a run
        if (!s.empty()) {
          const std::size_t at = rng.below(s.size());
          s.insert(rng.below(s.size() + 1), s.substr(at, 1 + rng.below(32)));
        }
        break;
      case 4: {  // splice another seed's tail
        const std::string& o = corpus[rng.below(corpus.size())];
        if (o.size() > 2) s = s.substr(0, rng.below(s.size() + 1)) + o.substr(2 + rng.below(o.size() - 2));
        break;
      }
      default:  // change the mode byte
        if (!s.empty()) s[0] = static_cast<char>(rng.below(256));
        break;
    }
  }
  return s;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <corpus-dir> [mutations]\n", argv[0]);
    return 2;
  }
  const long mutations = argc > 2 ? std::stol(argv[2]) : 2000;
  std::vector<std::string> corpus;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(argv[1]))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());  // deterministic order
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    corpus.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (corpus.empty()) {
    std::fprintf(stderr, "no seeds in %s\n", argv[1]);
    return 2;
  }
  for (const auto& s : corpus) run(s);
  XorShift rng{0x9e3779b97f4a7c15ULL};
  for (long i = 0; i < mutations; ++i) run(mutate(corpus[rng.below(corpus.size())], corpus, rng));
  std::printf("replayed %zu seeds and %ld mutations without a crash\n", corpus.size(), mutations);
  return 0;
}

// How long a terminal's full listing of a project's workers costs the platform store
// (ProjectWorker.Query pages, the devsim's re-sync): N workers with a photo each, then every page
// of `page_size` in turn, as query_all_workers asks for them. Not a test: a measured figure for
// tests/bench/certify/README.md. Prints one JSON line.
//   build/tests/platform/platform_worker_paging_bench [workers=10000] [page_size=100] [photo_bytes=20000] [listings=3]
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "core/event.hpp"
#include "core/resident_id.hpp"
#include "simulator/platform/store.hpp"

using namespace gaterig;
using namespace gaterig::platform;

int main(int argc, char** argv) {
  const int workers = argc > 1 ? std::atoi(argv[1]) : 10'000;
  const int page_size = argc > 2 ? std::atoi(argv[2]) : 100;
  const int photo = argc > 3 ? std::atoi(argv[3]) : 20'000;
  const int listings = argc > 4 ? std::atoi(argv[4]) : 3;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("gaterig-worker-paging-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  Json out;
  {
    Store store(StoreOptions{dir / "store.db", false});
    store.write([&](WriteTxn& txn) {
      for (int i = 0; i < workers; ++i) {
        Worker w;
        w.project_code = "P1";
        w.team_sys_no = i % 2 ? std::string("T1") : std::string("T2");
        w.id_card_type = "01";
        w.id_number = synthetic_resident_id(static_cast<std::uint64_t>(i + 1));
        w.name = std::to_string(i);
        w.head_image = std::string(static_cast<std::size_t>(photo), static_cast<char>('a' + i % 26));
        w.work_type = "010";
        txn.add_worker(w);
      }
    });
    Json times = Json::array();
    for (int l = 0; l < listings; ++l) {
      const auto t0 = std::chrono::steady_clock::now();
      std::int64_t got = 0, total = -1;
      for (std::int64_t page = 0;; ++page) {
        auto p = store.workers("P1", "", "", Page{page * page_size, page_size});
        got += static_cast<std::int64_t>(p.rows.size());
        total = p.total;
        if (p.rows.empty() || got >= p.total) break;
      }
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (got != total || total < workers * 99 / 100) {  // a synthetic ID may repeat
        std::cerr << "listed " << got << " of " << workers << " (rowTotal " << total << ")\n";
        return 1;
      }
      times.push_back(s);
    }
    out = Json{{"schema", "gaterig.bench.worker_paging/1"}, {"workers", workers}, {"page_size", page_size},
               {"photo_bytes", photo}, {"listing_s", times}};
  }
  std::filesystem::remove_all(dir);
  std::cout << out.dump() << "\n";
  return 0;
}

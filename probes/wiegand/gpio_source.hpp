#pragma once
// Edges from GPIO lines: one reader thread waits on every line, drains each ready line at once
// (the kernel keeps only 16 events per line, about 8 bit times), and hands the events to next()
// merged by kernel timestamp. A read that returns a full buffer means the kernel may have dropped
// the newest events: the next edge of that line is marked `after_loss`, and the decoder reports
// `lost-edges`. Also the GPIO edge sink (rig self-test output).
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "probes/wiegand/edge.hpp"
#include "probes/wiegand/gpio_lines.hpp"

namespace gaterig::wiegand {

struct GpioReaderStats {
  std::uint64_t events = 0;
  std::uint64_t reads = 0;
  std::uint64_t full_reads = 0;  // reads that returned a whole kernel buffer: possible loss
};

class GpioEdgeSource final : public EdgeSource {
 public:
  // `roles[i]` is what line i of `lines` carries. Starts the reader thread.
  GpioEdgeSource(std::unique_ptr<GpioInputLines> lines, std::vector<Line> roles);
  ~GpioEdgeSource() override;
  GpioEdgeSource(const GpioEdgeSource&) = delete;
  GpioEdgeSource& operator=(const GpioEdgeSource&) = delete;

  std::optional<Edge> next(MonoNs deadline) override;
  bool ended() const override;
  void stop() override;
  bool live() const override { return true; }
  std::string describe() const override;

  GpioReaderStats stats() const;
  // The reader's failure (e.g. a read error), empty while it runs fine.
  std::string error() const;

 private:
  void read_loop();

  std::unique_ptr<GpioInputLines> lines_;
  std::vector<Line> roles_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Edge> queue_;
  bool stopped_ = false;
  bool reader_done_ = false;
  std::string error_;
  GpioReaderStats stats_;
  std::thread reader_;
};

class GpioEdgeSink final : public EdgeSink {
 public:
  // `roles[i]` is what output line i drives. write() of an edge on a line with no output throws.
  GpioEdgeSink(std::unique_ptr<GpioOutputLines> lines, std::vector<Line> roles);
  void write(const Edge& e) override;
  std::string describe() const override;

 private:
  std::unique_ptr<GpioOutputLines> lines_;
  std::vector<Line> roles_;
};

}  // namespace gaterig::wiegand

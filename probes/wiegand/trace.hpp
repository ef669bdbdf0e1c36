#pragma once
// Recorded edge traces: JSON Lines, one header object then one edge per line (TRACE_FORMAT.md).
// `--record` writes them from any live source; `--replay` and tests read them back.
#include <cstdint>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "probes/wiegand/edge.hpp"

namespace gaterig::wiegand {

inline constexpr std::string_view kTraceFormat = "gaterig-wiegand-trace";
inline constexpr int kTraceVersion = 1;

// A malformed trace: what() is "FILE:LINE: what was expected".
class TraceError : public std::runtime_error {
 public:
  TraceError(std::string path, std::size_t line, const std::string& what);
  const std::string& path() const { return path_; }
  std::size_t line() const { return line_; }

 private:
  std::string path_;
  std::size_t line_;
};

// Parses one edge line (without its line number context); throws std::invalid_argument.
Edge parse_trace_edge(const Json& j);
Json trace_edge_json(const Edge& e);

class TraceWriter {
 public:
  // Creates (truncates) `path` and writes the header: {"format", "version", "clock"} plus `meta`.
  // Throws std::runtime_error naming the path when it cannot be written.
  TraceWriter(std::string path, const Json& meta);
  void write(const Edge& e);
  void flush();
  std::uint64_t edges() const { return edges_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::ofstream out_;
  std::uint64_t edges_ = 0;
};

// Replays a trace as an EdgeSource, reading line by line (traces of hours do not fit in memory
// twice). The header is read by the constructor; a malformed line throws TraceError from next().
class TraceSource final : public EdgeSource {
 public:
  explicit TraceSource(std::string path);
  std::optional<Edge> next(MonoNs deadline) override;
  bool ended() const override { return ended_; }
  void stop() override { ended_ = true; }
  bool live() const override { return false; }
  std::string describe() const override;
  const Json& header() const { return header_; }
  std::uint64_t edges() const { return edges_; }

 private:
  std::string path_;
  std::ifstream in_;
  std::size_t line_no_ = 0;
  Json header_;
  MonoNs last_at_ = 0;
  std::uint64_t edges_ = 0;
  bool ended_ = false;
};

// The whole trace at once (tests, small files).
std::vector<Edge> read_trace(const std::string& path);

}  // namespace gaterig::wiegand

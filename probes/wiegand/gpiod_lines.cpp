#include "probes/wiegand/gpiod_lines.hpp"

#include <poll.h>

#include <cerrno>
#include <cstring>
#include <gpiod.hpp>
#include <stdexcept>
#include <system_error>

namespace gaterig::wiegand {

namespace {

gpiod::chip open_chip(const std::string& name) {
  try {
    return gpiod::chip(name, gpiod::chip::OPEN_LOOKUP);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot open GPIO chip '" + name + "': " + e.what() +
                             " (list chips with gpiodetect; a kernel without GPIO has none)");
  }
}

gpiod::line request(const gpiod::chip& chip, const std::string& name, unsigned offset, int type,
                    const std::string& consumer, int default_value = 0) {
  try {
    gpiod::line line = chip.get_line(offset);
    line.request({consumer, type, 0}, default_value);
    return line;
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot request line " + std::to_string(offset) + " of GPIO chip '" + name +
                             "': " + e.what() + " (line busy? see gpioinfo)");
  }
}

class GpiodInputs final : public GpioInputLines {
 public:
  GpiodInputs(const std::string& name, const std::vector<unsigned>& offsets, const std::string& consumer)
      : name_(name), chip_(open_chip(name)), offsets_(offsets) {
    for (unsigned off : offsets) {
      lines_.push_back(request(chip_, name, off, gpiod::line_request::EVENT_BOTH_EDGES, consumer));
      fds_.push_back({lines_.back().event_get_fd(), POLLIN, 0});
    }
  }
  ~GpiodInputs() override {
    for (auto& l : lines_) l.release();
  }

  std::size_t count() const override { return lines_.size(); }

  std::vector<std::size_t> wait(std::chrono::nanoseconds timeout) override {
    for (auto& p : fds_) p.revents = 0;
    const timespec ts{static_cast<time_t>(timeout.count() / 1'000'000'000),
                      static_cast<long>(timeout.count() % 1'000'000'000)};
    const int n = ::ppoll(fds_.data(), fds_.size(), &ts, nullptr);
    if (n < 0 && errno != EINTR)
      throw std::runtime_error("GPIO chip '" + name_ + "': ppoll failed: " + std::strerror(errno));
    std::vector<std::size_t> ready;
    for (std::size_t i = 0; n > 0 && i < fds_.size(); ++i) {
      if (fds_[i].revents & (POLLERR | POLLHUP | POLLNVAL))
        throw std::runtime_error("GPIO chip '" + name_ + "': line " + std::to_string(offsets_[i]) +
                                 " reported an error (chip removed?)");
      if (fds_[i].revents & POLLIN) ready.push_back(i);
    }
    return ready;
  }

  std::vector<LineEvent> read_events(std::size_t index) override {
    std::vector<LineEvent> out;
    for (const auto& ev : lines_.at(index).event_read_multiple())
      out.push_back({ev.event_type == gpiod::line_event::RISING_EDGE, static_cast<MonoNs>(ev.timestamp.count())});
    return out;
  }

  std::string describe() const override {
    std::string s = name_ + " lines";
    for (unsigned off : offsets_) {
      s += ' ';  // (appending " " + to_string trips a GCC 12 -Wrestrict false positive)
      s += std::to_string(off);
    }
    return s;
  }

 private:
  std::string name_;
  gpiod::chip chip_;
  std::vector<unsigned> offsets_;
  std::vector<gpiod::line> lines_;
  std::vector<pollfd> fds_;
};

class GpiodOutputs final : public GpioOutputLines {
 public:
  GpiodOutputs(const std::string& name, const std::vector<unsigned>& offsets, const std::string& consumer)
      : name_(name), chip_(open_chip(name)), offsets_(offsets) {
    for (unsigned off : offsets)
      lines_.push_back(request(chip_, name, off, gpiod::line_request::DIRECTION_OUTPUT, consumer, 1));
  }
  ~GpiodOutputs() override {
    for (auto& l : lines_) l.release();
  }
  std::size_t count() const override { return lines_.size(); }
  void set(std::size_t index, bool high) override { lines_.at(index).set_value(high ? 1 : 0); }
  std::string describe() const override {
    std::string s = name_ + " lines";
    for (unsigned off : offsets_) {
      s += ' ';  // (appending " " + to_string trips a GCC 12 -Wrestrict false positive)
      s += std::to_string(off);
    }
    return s;
  }

 private:
  std::string name_;
  gpiod::chip chip_;
  std::vector<unsigned> offsets_;
  std::vector<gpiod::line> lines_;
};

}  // namespace

std::unique_ptr<GpioInputLines> open_gpiod_inputs(const std::string& chip, const std::vector<unsigned>& offsets,
                                                  const std::string& consumer) {
  return std::make_unique<GpiodInputs>(chip, offsets, consumer);
}

std::unique_ptr<GpioOutputLines> open_gpiod_outputs(const std::string& chip, const std::vector<unsigned>& offsets,
                                                    const std::string& consumer) {
  return std::make_unique<GpiodOutputs>(chip, offsets, consumer);
}

}  // namespace gaterig::wiegand

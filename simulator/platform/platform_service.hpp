#pragma once
// The simulated platform as one running thing: the protocol (Platform: dialects and store), the
// HTTP server on the terminal's port with its fault switch, the admin endpoint on a port of its
// own, and the timeline everything publishes to. `gaterig platform` runs one; a rig or a test
// can run one in-process and watch its timeline directly.
//
//   PlatformService service(PlatformConfig::from_config(t), ServerConfig::from_config(t));
//   service.start();
//   service.set_fault(FaultMode::slow(500ms));   // or PUT /fault on service.admin_port()
//   service.timeline().wait_for(0, is_record, 5s);
//   service.stop();
#include <atomic>
#include <memory>

#include "core/event.hpp"
#include "simulator/platform/admin.hpp"
#include "simulator/platform/fault_mode.hpp"
#include "simulator/platform/http_server.hpp"
#include "simulator/platform/http_server_config.hpp"
#include "simulator/platform/http_server_stats.hpp"
#include "simulator/platform/platform.hpp"
#include "simulator/platform/platform_config.hpp"

namespace gaterig::platform {

class PlatformService {
 public:
  // Opens the store (StoreError when it is damaged). `timeline` may be the rig's own; when null
  // the service keeps one of config.timeline_capacity events.
  PlatformService(PlatformConfig platform_config, ServerConfig server_config, Timeline* timeline = nullptr);
  ~PlatformService();  // stop()
  PlatformService(const PlatformService&) = delete;
  PlatformService& operator=(const PlatformService&) = delete;

  // Binds both ports (std::runtime_error naming the address when one is taken).
  void start();
  // Publishes platform.stopping (which also ends admin long polls), stops the platform port
  // gracefully, then the admin port. Idempotent.
  void stop();

  FaultMode set_fault(FaultMode mode) { return faults_.set(mode); }
  FaultSwitch& faults() { return faults_; }
  Timeline& timeline() { return *timeline_; }
  Platform& platform() { return *platform_; }
  const TrafficStats& traffic() const { return traffic_; }
  std::uint16_t port() const { return server_->port(); }
  std::uint16_t admin_port() const { return admin_server_->port(); }
  const ServerConfig& server_config() const { return server_config_; }

  // {"event":"ready","port":..,"admin_port":..,"bind":..,"admin_bind":..,"dialects":[..],
  //  "projects":[{"code":..,"appid":..}],"store":..,"fault":{..},"pid":..}
  Json ready() const;
  // What this run saw: {"event":"summary","requests":..,"by_method":{..},"by_status":{..},
  //  "by_code":{..},"no_reply":..,"connections":..,"records_accepted":..,"entry_exit_accepted":..,
  //  "duplicates":..,"findings":..,"replays_refused":..,"workers_enrolled":..,
  //  "faults_fired":{..},"store":{..}}
  Json summary() const;

  // Counts of this run's protocol events, taken as the Platform publishes them.
  struct Counts {
    std::atomic<std::uint64_t> attendance{0}, entry_exit{0}, duplicates{0}, findings{0}, replays{0},
        workers{0};
  };

 private:
  // Between the Platform and the timeline: counts, then forwards. Not a timeline listener,
  // because with a listener the timeline copies every event it stores (three per request).
  class CountingSink final : public EventSink {
   public:
    CountingSink(EventSink& next, Counts& counts) : next_(next), counts_(counts) {}
    void publish(Event e) override;

   private:
    EventSink& next_;
    Counts& counts_;
  };

  PlatformConfig platform_config_;
  ServerConfig server_config_;
  std::unique_ptr<Timeline> own_timeline_;
  Timeline* timeline_;
  std::shared_ptr<Counts> counts_;
  CountingSink counting_;
  FaultSwitch faults_;
  TrafficStats traffic_;
  std::unique_ptr<Platform> platform_;
  std::unique_ptr<Admin> admin_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<HttpServer> admin_server_;
  bool stopped_ = false;
};

}  // namespace gaterig::platform

#pragma once
// Internal to the national dialect: one authenticated call (project known, data parsed) and the
// method handlers that serve it.
#include <string>

#include "simulator/platform/dialect.hpp"

namespace gaterig::platform::national {

struct Call {
  Exchange& ex;
  const ProjectConfig& project;  // the caller's (by appid)
  const Json& data;
};


DialectReply project_query(Call& c);
DialectReply team_add(Call& c);
DialectReply team_query(Call& c);
DialectReply worker_add(Call& c);
DialectReply worker_update(Call& c);
DialectReply worker_query(Call& c);
DialectReply attendance_add(Call& c);
DialectReply attendance_query(Call& c);
DialectReply entry_exit_add(Call& c);
DialectReply entry_exit_query(Call& c);
DialectReply async_result_query(Call& c);

}  // namespace gaterig::platform::national

#pragma once
#include <stdexcept>

namespace gaterig::platform {

// The store could not do what was asked; the message names the database file.
class StoreError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace gaterig::platform

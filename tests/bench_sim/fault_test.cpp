#include "simulator/bench/fault.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace gaterig {
namespace {
using namespace std::chrono_literals;

TEST(Fault, DescribesItselfInTheSyntaxItParses) {
  for (const char* text : {"delay:800", "drop:0.05", "exception:4@1x1", "disconnect@3"}) {
    EXPECT_EQ(Fault::parse(text).describe(), text);
  }
  EXPECT_EQ(Fault::exception(4).on_unit(1).times(2).describe(), "exception:4@1x2");
  std::ostringstream os;
  os << Fault::delay(250ms).on_unit(2);
  EXPECT_EQ(os.str(), "Fault(delay:250@2)");
}

TEST(Fault, ParsedFieldsAreTheDeclaredOnes) {
  const Fault f = Fault::parse("drop:0.25@2x3");
  EXPECT_EQ(f.kind, Fault::Kind::drop);
  EXPECT_DOUBLE_EQ(f.probability, 0.25);
  EXPECT_EQ(f.unit, 2);
  EXPECT_EQ(f.remaining, 3);
  EXPECT_EQ(Fault::parse("delay:15").delay_time, 15ms);
}

TEST(Fault, BadTextIsRefusedNamingTheText) {
  for (const char* text : {"", "slow:3", "delay", "drop:1.5", "exception:12", "disconnect:1", "delay:x"}) {
    try {
      Fault::parse(text);
      ADD_FAILURE() << "accepted '" << text << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("'") + text + "'"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace gaterig

#include "http/status.h"

#include <gtest/gtest.h>

namespace ferry::http {
namespace {

TEST(StatusTest, EveryErrcMapsToThePbsCompatibleStatus) {
  struct Case {
    Errc code;
    int status;
  } cases[] = {
      {Errc::InvalidArgument, 400}, {Errc::NotFound, 404},
      {Errc::AlreadyExists, 400},   {Errc::PermissionDenied, 403},
      {Errc::Unauthenticated, 401}, {Errc::Conflict, 400},
      {Errc::Corruption, 500},      {Errc::Io, 500},
      {Errc::Unavailable, 503},     {Errc::Cancelled, 400},
      {Errc::Timeout, 504},         {Errc::Internal, 500},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(http_status(c.code), c.status) << errc_name(c.code);
  }
}

}  // namespace
}  // namespace ferry::http

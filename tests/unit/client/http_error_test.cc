// client::http_status_of / pbs_http_error_text: the status of an error built from a server's
// answer survives outer context frames, and is rendered in PBS's words.
#include "client/http_error.h"

#include <gtest/gtest.h>

#include "client/internal/envelope.h"

namespace ferry::client {
namespace {

TEST(HttpErrorTest, StatusSurvivesOuterContextAndRendersWithItsReasonPhrase) {
  Error e = internal::status_error(400, "no such datastore 'nosuch'\n",
                                   "GET /api2/json/admin/datastore/nosuch/namespace");
  e.add_context("remote 'pbs2'");
  ASSERT_EQ(http_status_of(e), 400);
  EXPECT_EQ(pbs_http_error_text(e), "HTTP error 400 Bad Request - no such datastore 'nosuch'");
  Error forbidden = internal::status_error(403, "permission check failed.", "GET /x");
  EXPECT_EQ(pbs_http_error_text(forbidden), "HTTP error 403 Forbidden - permission check failed.");
}

TEST(HttpErrorTest, OtherErrorsKeepTheirFullText) {
  Error transport(Errc::Unavailable, "connection reset by peer");
  transport.add_context("GET /chunk");
  EXPECT_EQ(http_status_of(transport), std::nullopt);
  EXPECT_EQ(pbs_http_error_text(transport), "GET /chunk: connection reset by peer");
  // A frame that merely mentions a status in other words is not an HTTP error.
  Error local(Errc::Io, "disk full");
  local.add_context("write failed with status code");
  EXPECT_EQ(http_status_of(local), std::nullopt);
  EXPECT_EQ(http_status_of(Error(Errc::Io, "x")), std::nullopt);
}

}  // namespace
}  // namespace ferry::client

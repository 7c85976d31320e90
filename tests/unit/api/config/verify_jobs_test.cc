#include "api/config/verify_jobs.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "config/config_file.h"
#include "unit/api/config/config_fixture.h"

namespace ferry::api {
namespace {

class VerifyJobsTest : public ConfigServiceTest {
 protected:
  void SetUp() override { seed(); }
};

VerifyJobCreateParams v_local() {
  VerifyJobCreateParams p;
  p.id = "v-local";
  p.props.store = "local";
  p.props.schedule = "daily";
  p.props.ignore_verified = true;
  p.props.outdated_after = 30;
  return p;
}

TEST_F(VerifyJobsTest, CreateReadUpdateDelete) {
  ASSERT_TRUE(create_verify_job(dir_, root_, v_local()));
  EXPECT_EQ(read("verification.cfg"),
            "verification: v-local\n\tignore-verified true\n\toutdated-after 30\n"
            "\tschedule daily\n\tstore local\n");
  auto job = read_verify_job(dir_, root_, "v-local");
  ASSERT_TRUE(job);
  EXPECT_EQ(to_json(job->data)["outdated-after"], 30);
  EXPECT_EQ(to_json(job->data)["ignore-verified"], true);

  VerifyJobUpdateParams u;
  u.props.ns = "a/b";
  u.props.max_depth = 1;
  u.delete_props = {"outdated-after"};
  u.digest = job->digest;
  ASSERT_TRUE(update_verify_job(dir_, root_, "v-local", u));
  EXPECT_EQ(read("verification.cfg"),
            "verification: v-local\n\tignore-verified true\n\tmax-depth 1\n\tns a/b\n"
            "\tschedule daily\n\tstore local\n");

  auto snap = snapshot();
  EXPECT_FAILS_WITH(update_verify_job(dir_, root_, "v-local", u), Errc::Conflict,
                    "digest mismatch");
  EXPECT_FAILS_WITH(create_verify_job(dir_, root_, v_local()), Errc::AlreadyExists,
                    "job 'v-local' already exists.");
  auto bad = v_local();
  bad.id = "v-other";
  bad.props.store = "nosuch";
  EXPECT_FAILS_WITH(create_verify_job(dir_, root_, bad), Errc::NotFound,
                    "invalid parameter 'store': no such datastore 'nosuch'");
  bad.props.store = "local";
  bad.props.outdated_after = -1;
  EXPECT_FAILS_WITH(create_verify_job(dir_, root_, bad), Errc::InvalidArgument,
                    "invalid parameter 'outdated-after'");
  bad.props.outdated_after.reset();
  bad.props.schedule = "mon..funday";
  EXPECT_FAILS_WITH(create_verify_job(dir_, root_, bad), Errc::InvalidArgument,
                    "invalid parameter 'schedule'");
  EXPECT_EQ(snapshot(), snap);

  ASSERT_TRUE(delete_verify_job(dir_, root_, "v-local", std::nullopt));
  EXPECT_EQ(read("verification.cfg"), "");
  EXPECT_FAILS_WITH(delete_verify_job(dir_, root_, "v-local", std::nullopt), Errc::NotFound,
                    "job 'v-local' does not exist.");
}

}  // namespace
}  // namespace ferry::api

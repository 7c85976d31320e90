// Config service layer for verification jobs: /config/verify, over verification.cfg.
//
// Same conventions as sync_jobs.h: `caller` is kept for the privilege checks of issue #4;
// writes lock .verification.lck, check `digest`, validate (schedule as a calendar event, the
// datastore must exist) and replace the file atomically; nothing changes on any error. The job
// state follows the config as for sync jobs (type "verificationjob"): created on create, reset
// on a schedule change, removed on remove, when `states` is given; a failure there is logged.
// All functions block.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/config/with_digest.h"
#include "common/result.h"
#include "config/config_dir.h"
#include "config/verification_job_config.h"
#include "jobs/job_state.h"
#include "types/authid.h"

namespace ferry::api {

struct VerifyJobProperties {
  std::optional<std::string> store;
  std::optional<std::string> ns;
  std::optional<int64_t> max_depth;       // 0..7
  std::optional<bool> ignore_verified;
  std::optional<int64_t> outdated_after;  // days, >= 0
  std::optional<std::string> schedule;
  std::optional<std::string> comment;     // empty or whitespace-only: no comment
};

struct VerifyJobCreateParams {
  std::string id;
  VerifyJobProperties props;  // store is required
};

struct VerifyJobUpdateParams {
  VerifyJobProperties props;
  // Properties to unset: "ns", "max-depth", "ignore-verified", "outdated-after", "schedule",
  // "comment".
  std::vector<std::string> delete_props;
  std::optional<std::string> digest;
};

Result<WithDigest<std::vector<config::VerificationJobConfig>>> list_verify_jobs(
    const config::ConfigDir& dir, const types::Authid& caller);

// NotFound "no such verification job '<id>'".
Result<WithDigest<config::VerificationJobConfig>> read_verify_job(const config::ConfigDir& dir,
                                                                  const types::Authid& caller,
                                                                  std::string_view id);

// InvalidArgument, NotFound (datastore), AlreadyExists ("job '<id>' already exists"),
// Timeout, Corruption, Io.
Status create_verify_job(const config::ConfigDir& dir, const types::Authid& caller,
                         const VerifyJobCreateParams& params,
                         const jobs::JobStateStore* states = nullptr);

// NotFound, InvalidArgument, Conflict (stale digest), Timeout, Corruption, Io.
Status update_verify_job(const config::ConfigDir& dir, const types::Authid& caller,
                         std::string_view id, const VerifyJobUpdateParams& params,
                         const jobs::JobStateStore* states = nullptr);

// NotFound ("job '<id>' does not exist"), Conflict, Timeout, Io.
Status delete_verify_job(const config::ConfigDir& dir, const types::Authid& caller,
                         std::string_view id, const std::optional<std::string>& digest,
                         const jobs::JobStateStore* states = nullptr);

nlohmann::json to_json(const config::VerificationJobConfig& job);

}  // namespace ferry::api

// Ad-hoc pulls: the arguments of `ferry-manager pull` and POST /api2/json/pull (api.md §5.8,
// sync-semantics.md §2.2 "Ad-hoc pull") turned into the job an ad-hoc pull is — a pull job that
// is not stored in sync.cfg, owned by its caller (or `--owner` on the CLI).
//
// Both front ends pass the values as text, exactly as typed on the command line or sent as
// form values; every value is checked against the sync.cfg schema, so a pull accepts what a
// sync job accepts, with the same messages ("property 'max-depth': value '9' is out of range
// 0..7"). Then the cross-field rules: a local pull into its own source is refused with PBS's
// ad-hoc text "can't sync to same datastore", and the namespace depth limits of
// SyncJobConfig::validate apply.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "config/sync_job_config.h"

namespace ferry::sync {

// The parameters of an ad-hoc pull by wire name; unset = the sync-job default.
struct AdHocPullArgs {
  std::string store;                  // `store`: the local target
  std::optional<std::string> ns;      // target anchor ("" = root)
  std::optional<std::string> remote;  // unset: pull from the local datastore `remote-store`
  std::string remote_store;
  std::optional<std::string> remote_ns;
  std::optional<std::string> owner;  // unset: root@pam
  std::optional<std::string> remove_vanished;
  std::optional<std::string> max_depth;
  std::vector<std::string> group_filter;
  std::optional<std::string> transfer_last;
  std::optional<std::string> rate_in;
  std::optional<std::string> burst_in;
  std::optional<std::string> rate_out;
  std::optional<std::string> burst_out;
  std::optional<std::string> resync_corrupt;
  std::optional<std::string> encrypted_only;
  std::optional<std::string> verified_only;
  std::optional<std::string> worker_threads;
};

// The job of an ad-hoc pull (id "pull"); PullParams::from_job and SyncSourceSpec::from_job
// take it from there. Errors, all InvalidArgument: a value the sync.cfg
// schema refuses, naming the property; "can't sync to same datastore" for a local pull whose
// remote-store is the store; the depth limits of SyncJobConfig::validate.
Result<config::SyncJobConfig> adhoc_pull_job(const AdHocPullArgs& args);

}  // namespace ferry::sync

#include "services/verification.h"

#include <fmt/format.h>

#include <algorithm>

#include "datastore/verify.h"
#include "jobs/upid.h"

namespace ferry::services {
namespace {

using types::BackupGroup;
using types::BackupNamespace;

struct Target {
  BackupNamespace ns;
  BackupGroup group;
};

Result<std::vector<Target>> collect_groups(const datastore::Datastore& store,
                                           const VerificationScope& scope) {
  std::vector<Target> out;
  if (scope.group) {
    FERRY_TRY_ASSIGN(bool exists, store.group_exists(scope.ns, *scope.group));
    if (!exists) {
      return make_error(Errc::NotFound, "group '{}' does not exist", scope.group->to_string());
    }
    out.push_back({scope.ns, *scope.group});
    return out;
  }
  FERRY_TRY_ASSIGN(auto namespaces, store.list_namespaces(scope.ns, scope.max_depth));
  for (const BackupNamespace& ns : namespaces) {
    FERRY_TRY_ASSIGN(auto groups, store.list_groups(ns));
    for (auto& g : groups) {
      if (g.type() == types::BackupType::Host && g.id() == "benchmark") continue;
      out.push_back({ns, std::move(g)});
    }
  }
  return out;
}

// §7.2 step 5 on the snapshot's manifest. A manifest that cannot be read is verified (the
// verification reports the problem).
bool should_verify(const datastore::Datastore& store, const Target& t, const types::BackupDir& dir,
                   const VerificationScope& scope, int64_t now) {
  if (!scope.ignore_verified) return true;
  auto manifest = store.load_manifest(t.ns, dir);
  if (!manifest) return true;
  auto state = manifest->verify_state();
  if (!state || !*state) return true;
  if (!scope.outdated_after) return false;
  auto upid = jobs::Upid::parse((*state)->upid);
  if (!upid) return true;
  return is_outdated(upid->starttime, scope.outdated_after, now);
}

std::string group_display(const std::string& store, const Target& t) {
  const std::string ns = t.ns.to_string();
  return fmt::format("{}:{}{}", store, ns.empty() ? "" : ns + "/", t.group.to_string());
}

}  // namespace

bool is_outdated(int64_t verified_at, std::optional<int64_t> outdated_after, int64_t now) {
  if (!outdated_after) return false;
  const int64_t days = (now - verified_at) / 86400;
  return days > *outdated_after;
}

Result<VerificationReport> verify_datastore(datastore::Datastore& store,
                                            const VerificationScope& scope,
                                            jobs::TaskContext& ctx) {
  FERRY_TRY_ASSIGN(auto targets, collect_groups(store, scope));
  ctx.log(fmt::format("found {} groups", targets.size()));
  datastore::VerifyCache cache;
  datastore::VerifyOptions opts{ctx.upid_string(), [&ctx](std::string_view l) { ctx.log(l); }};
  VerificationReport report;
  for (size_t gi = 0; gi < targets.size(); ++gi) {
    const Target& t = targets[gi];
    FERRY_TRY_ASSIGN(auto snapshots, store.list_snapshots(t.ns, t.group));
    std::reverse(snapshots.begin(), snapshots.end());  // newest first
    ctx.log(fmt::format("verify group {} ({} snapshots)", group_display(store.name(), t),
                        snapshots.size()));
    for (const auto& info : snapshots) {
      FERRY_TRY(ctx.check_abort());
      if (!should_verify(store, t, info.dir, scope, ctx.clock().epoch())) {
        ctx.log(fmt::format("SKIPPED: verify {}:{} (recently verified)", store.name(),
                            datastore::snapshot_display(t.ns, info.dir)));
        ++report.skipped;
        continue;
      }
      FERRY_TRY_ASSIGN(auto result, datastore::verify_snapshot(store, t.ns, info.dir, cache, opts));
      if (result.outcome == datastore::VerifyOutcome::Failed) {
        report.failed.push_back(datastore::snapshot_display(t.ns, info.dir));
      } else if (result.outcome == datastore::VerifyOutcome::Skipped) {
        ++report.skipped;
      } else {
        ++report.verified;
      }
    }
    ctx.set_progress(double(gi + 1) / double(targets.size()));
    ctx.log(fmt::format("percentage done: {:.2f}% ({}/{} groups)",
                        100.0 * double(gi + 1) / double(targets.size()), gi + 1, targets.size()));
  }
  return report;
}

Status verification_result(const VerificationReport& report, jobs::TaskContext& ctx) {
  if (report.failed.empty()) return ok();
  ctx.log("Failed to verify the following snapshots/groups:");
  for (const std::string& s : report.failed) ctx.log("\t" + s);
  return make_error(Errc::InvalidArgument,
                    "verification failed - please check the log for details");
}

}  // namespace ferry::services

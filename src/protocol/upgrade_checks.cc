#include "protocol/upgrade_checks.h"

#include "auth/acl_path.h"
#include "datastore/datastore.h"
#include "protocol/backup_session.h"
#include "protocol/reader_session.h"

namespace ferry::protocol {

namespace {

tl::unexpected<UpgradeFailure> fail(int status, std::string message) {
  return tl::unexpected(UpgradeFailure{status, std::move(message)});
}

std::optional<UpgradeFailure> check_protocol(const UpgradeRequest& req, std::string_view id) {
  if (!req.upgrade_header) return UpgradeFailure{400, "missing Upgrade header"};
  if (*req.upgrade_header != id) return UpgradeFailure{400, "invalid protocol name"};
  if (req.http_major >= 2)
    return UpgradeFailure{400, "unexpected http version (expected version < 2)"};
  return std::nullopt;
}

}  // namespace

UpgradeResult<std::unique_ptr<BackupSession>> start_backup(const UpgradeRequest& req,
                                                           const types::Authid& auth_id,
                                                           const PrivilegeLookup& privs,
                                                           const DatastoreLookup& lookup) {
  const std::string acl = auth::datastore_acl_path(req.store, req.ns);
  if ((privs(acl) & auth::kPrivDatastoreBackup) == 0)
    return fail(403, fmt::format("missing permissions 'Datastore.Backup' on '{}'", acl));
  auto store = lookup(req.store);
  if (!store) return fail(400, store.error().to_string());
  if (auto f = check_protocol(req, kBackupProtocolId)) return tl::unexpected(*f);
  auto ns_exists = (*store)->namespace_exists(req.ns);
  if (!ns_exists) return fail(400, ns_exists.error().to_string());
  if (!*ns_exists) return fail(404, "namespace not found");
  const auto& group = req.dir.group();
  const bool benchmark_group = group.type() == types::BackupType::Host && group.id() == "benchmark";
  if (benchmark_group && !req.benchmark)
    return fail(400, "unable to run benchmark without --benchmark flags");
  if (!benchmark_group && req.benchmark)
    return fail(400, "benchmark flag is only allowed on 'host/benchmark'");
  auto session = BackupSession::start(**store, req.ns, req.dir, auth_id);
  if (!session) {
    const int status = session.error().code() == Errc::NotFound ? 404 : 400;
    return fail(status, session.error().message());
  }
  return std::move(*session);
}

UpgradeResult<std::unique_ptr<ReaderSession>> start_reader(const UpgradeRequest& req,
                                                           const types::Authid& auth_id,
                                                           const PrivilegeLookup& privs,
                                                           const DatastoreLookup& lookup) {
  const std::string acl = auth::datastore_acl_path(req.store, req.ns);
  const auth::Privileges p = privs(acl);
  if ((p & (auth::kPrivDatastoreRead | auth::kPrivDatastoreBackup)) == 0)
    return fail(400, fmt::format("no permissions on {}", acl));
  auto store = lookup(req.store);
  if (!store) return fail(400, store.error().to_string());
  if (auto f = check_protocol(req, kReaderProtocolId)) return tl::unexpected(*f);
  if ((p & auth::kPrivDatastoreRead) == 0) {
    auto owner = (*store)->get_owner(req.ns, req.dir.group());
    if (!owner || !datastore::check_backup_owner(*owner, auth_id))
      return fail(400, "backup owner check failed!");
  }
  auto session = ReaderSession::open(**store, req.ns, req.dir);
  if (!session) return fail(400, session.error().message());
  return std::move(*session);
}

}  // namespace ferry::protocol

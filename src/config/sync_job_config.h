// sync.cfg: sync jobs (config-format.md §5, sync-semantics.md §1).
//
//   sync: s-5f3a9c1e-0b2d
//   	group-filter type:vm
//   	group-filter exclude:regex:^vm/1[0-9]{2}$
//   	max-depth 2
//   	ns prod
//   	rate-in 10 MiB
//   	remote offsite
//   	remote-store store2
//   	schedule hourly
//   	store store1
//
// The 3.2.4 properties plus the later pull/push options sync-direction, resync-corrupt,
// encrypted-only, verified-only, run-on-mount, unmount-on-done and worker-threads (newer PBS
// files therefore parse). The encryption-key properties of 4.1.9 are not supported.
//
// `schedule` is checked here only for being a plausible single line; the calendar-event
// grammar lives in jobs/ (which depends on config/), so the API layer parses it on create and
// update.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/byte_size.h"
#include "common/result.h"
#include "config/config_file.h"
#include "config/section_config.h"
#include "types/authid.h"
#include "types/backup_namespace.h"
#include "types/group_filter.h"

namespace ferry::config {

// sync.cfg: ".sync.lck", mode 0640, one section type `sync` (id property `id`).
const ConfigFileSpec& sync_config_file();

enum class SyncDirection { Pull, Push };
std::string_view to_string(SyncDirection d);  // "pull" / "push"
Result<SyncDirection> parse_sync_direction(std::string_view s);

// One `sync:` section. Optional fields are unset when the file has no line for them, so a job
// read and written back keeps exactly its lines.
struct SyncJobConfig {
  std::string id;
  std::string store;                          // local datastore
  std::optional<types::BackupNamespace> ns;   // local anchor; unset = root
  std::optional<std::string> remote;          // unset = local sync
  std::string remote_store;
  std::optional<types::BackupNamespace> remote_ns;
  std::optional<types::Authid> owner;         // unset = root@pam
  std::optional<bool> remove_vanished;
  std::optional<uint32_t> max_depth;          // 0..7; unset = full recursion
  std::vector<types::GroupFilter> group_filter;
  std::optional<uint64_t> transfer_last;      // >= 1
  std::optional<std::string> schedule;        // calendar event
  std::optional<std::string> comment;
  std::optional<HumanByte> rate_in;
  std::optional<HumanByte> burst_in;
  std::optional<HumanByte> rate_out;
  std::optional<HumanByte> burst_out;
  std::optional<SyncDirection> sync_direction;  // unset = pull
  std::optional<bool> resync_corrupt;
  std::optional<bool> encrypted_only;
  std::optional<bool> verified_only;
  std::optional<bool> run_on_mount;
  std::optional<bool> unmount_on_done;
  std::optional<uint32_t> worker_threads;     // 1..32

  static Result<SyncJobConfig> from_section(const Section& section);
  Section to_section() const;

  // Cross-field checks PBS applies on create/update (sync-semantics.md §1.3), InvalidArgument:
  //   * a local sync (no remote) whose store equals remote-store
  //     ("source and target datastore can't be the same");
  //   * max-depth too deep for ns or remote-ns
  //     ("namespace 'a/b's depth and recursion depth exceed limit: 2 + 6 > 7");
  //   * resync-corrupt on a push job.
  Status validate() const;

  SyncDirection direction() const { return sync_direction.value_or(SyncDirection::Pull); }
  types::Authid effective_owner() const { return owner.value_or(types::Authid::root()); }
};

}  // namespace ferry::config

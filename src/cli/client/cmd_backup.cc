// `ferry-client backup NAME.img:PATH...`: one new snapshot with a fixed-index archive per
// image (image_backup.h).
#include <unistd.h>

#include <climits>
#include <ctime>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/client/command.h"
#include "cli/client/image_backup.h"
#include "cli/client/specs.h"
#include "common/time.h"

namespace ferry::cli::client {
namespace {

struct BackupState {
  std::vector<std::string> archives;
  std::string backup_type = "host";
  std::optional<std::string> backup_id;
  std::optional<std::string> backup_time;
};

// PBS-compat: the default backup id is the host name up to the first dot.
Result<std::string> default_backup_id() {
  char name[HOST_NAME_MAX + 1] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') {
    return make_error(Errc::InvalidArgument, "cannot determine the host name: use --backup-id");
  }
  std::string id(name);
  return id.substr(0, id.find('.'));
}

Result<types::BackupDir> snapshot_of(const BackupState& state) {
  FERRY_TRY_ASSIGN(auto type, types::parse_backup_type(state.backup_type));
  std::string id;
  if (state.backup_id) {
    id = *state.backup_id;
  } else {
    FERRY_TRY_ASSIGN(id, default_backup_id());
  }
  auto group = types::BackupGroup::create(type, id);
  if (!group) {
    return make_error(Errc::InvalidArgument, "invalid backup id '{}': {}", id,
                      group.error().to_string());
  }
  int64_t time = static_cast<int64_t>(std::time(nullptr));
  if (state.backup_time) {
    // Reuse the snapshot parser for "epoch or RFC 3339".
    FERRY_TRY_ASSIGN(auto dir, parse_snapshot_spec(group->to_string() + "/" + *state.backup_time));
    time = dir.time();
  }
  return types::BackupDir::create(std::move(*group), time);
}

nlohmann::json stats_json(const ArchiveSpec& spec, const BackupStats& s) {
  return {{"archive", spec.index_name()},   {"size", s.size},
          {"chunks", s.chunks},             {"uploaded-chunks", s.uploaded_chunks},
          {"uploaded-bytes", s.uploaded_bytes}, {"compressed-bytes", s.compressed_bytes},
          {"reused-chunks", s.reused_chunks}, {"reused-bytes", s.reused_bytes},
          {"duration", s.seconds}};
}

Result<std::string> run_backup(const Session& session, const BackupState& state) {
  std::vector<ArchiveSpec> archives;
  for (const auto& text : state.archives) {
    FERRY_TRY_ASSIGN(auto spec, parse_archive_spec(text));
    archives.push_back(std::move(spec));
  }
  FERRY_TRY_ASSIGN(auto snapshot, snapshot_of(state));
  FERRY_TRY(check_image_sources(archives));
  FERRY_TRY_ASSIGN(auto http, session.connect());
  std::cerr << "Starting backup: " << snapshot.to_string()
            << (session.ns.is_root() ? "" : " in namespace " + session.ns.to_string())
            << std::endl;
  ImageBackupParams params{session.repository.store, session.ns, snapshot, archives,
                           stderr_is_terminal(),
                           [](const std::string& line) { std::cerr << line << std::endl; }};
  FERRY_TRY_ASSIGN(auto result, run_image_backup(*http, params));
  std::cerr << "Backup finished: " << snapshot.to_string() << std::endl;
  if (session.format == OutputFormat::Text) return std::string();
  nlohmann::json out = {{"snapshot", snapshot.to_string()}, {"archives", nlohmann::json::array()}};
  for (size_t i = 0; i < archives.size(); ++i) {
    out["archives"].push_back(stats_json(archives[i], result.archives[i]));
  }
  return format_json(out, session.format);
}

}  // namespace

void add_backup_command(CLI::App& app, Action& selected) {
  auto* cmd = app.add_subcommand("backup", "create a snapshot from block images");
  auto state = std::make_shared<BackupState>();
  cmd->add_option("archives", state->archives, "NAME.img:PATH, one or more")->required();
  cmd->add_option("--backup-type", state->backup_type, "vm, ct or host (default host)");
  cmd->add_option("--backup-id", state->backup_id, "backup id (default: the host name)");
  cmd->add_option("--backup-time", state->backup_time,
                  "snapshot time, epoch seconds or RFC 3339 (default: now)");
  on_parsed(cmd, selected, state, run_backup);
}

}  // namespace ferry::cli::client

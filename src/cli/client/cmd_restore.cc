// `ferry-client restore SNAPSHOT ARCHIVE TARGET`: one image archive back into a file, a block
// device or stdout (image_restore.h).
#include <iostream>
#include <string>

#include "cli/client/command.h"
#include "cli/client/image_restore.h"
#include "cli/client/specs.h"

namespace ferry::cli::client {
namespace {

struct RestoreState {
  std::string snapshot;
  std::string archive;
  std::string target;
};

Result<std::string> run_restore(const Session& session, const RestoreState& state) {
  FERRY_TRY_ASSIGN(auto snapshot, parse_snapshot_spec(state.snapshot));
  FERRY_TRY_ASSIGN(auto index_name, restore_index_name(state.archive));
  if (state.target.empty()) return make_error(Errc::InvalidArgument, "empty target");
  FERRY_TRY_ASSIGN(auto http, session.connect());
  ImageRestoreParams params{session.repository.store, session.ns,   snapshot,
                            index_name,               state.target, stderr_is_terminal()};
  FERRY_TRY_ASSIGN(auto stats, run_image_restore(*http, params));
  std::cerr << format_restore_summary(state.archive, stats) << std::endl;
  return std::string();
}

}  // namespace

void add_restore_command(CLI::App& app, Action& selected) {
  auto* cmd = app.add_subcommand("restore", "restore an image archive of a snapshot");
  auto state = std::make_shared<RestoreState>();
  cmd->add_option("snapshot", state->snapshot, "TYPE/ID/TIME (RFC 3339 or epoch)")->required();
  cmd->add_option("archive", state->archive, "archive name: NAME.img or NAME.img.fidx")
      ->required();
  cmd->add_option("target", state->target, "target file or block device, '-' for stdout")
      ->required();
  on_parsed(cmd, selected, state, run_restore);
}

}  // namespace ferry::cli::client

// What the ferry-client command files share with client_main.cc: each registers its CLI11
// subcommands; the parsed one stores an Action, which run_client runs with the resolved
// Session inside the exception barrier. An Action returns the text for stdout (already in the
// session's output format) or the error that becomes the "Error: ..." line.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/client/session.h"
#include "common/result.h"

namespace ferry::cli::client {

using Action = std::function<Result<std::string>(const Session&)>;

// Makes `cmd`, once parsed, select `run(session, *state)`; `state` holds the option
// destinations and lives as long as the app.
template <typename State, typename Run>
void on_parsed(CLI::App* cmd, Action& selected, std::shared_ptr<State> state, Run run) {
  cmd->callback([&selected, state, run] {
    selected = [state, run](const Session& session) { return run(session, *state); };
  });
}

void add_backup_command(CLI::App& app, Action& selected);
void add_restore_command(CLI::App& app, Action& selected);
void add_list_commands(CLI::App& app, Action& selected);  // list, status
void add_snapshot_commands(CLI::App& app, Action& selected);

}  // namespace ferry::cli::client

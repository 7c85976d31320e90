// ferry::cli::internal — what the command-group files (cmd_*.cc) share with manager.cc.
//
// Each group registers its subcommands on the CLI11 app. When CLI11 has parsed a command
// line, the chosen subcommand's callback stores an Action; run_manager then resolves the
// global options into a Context and runs the Action inside the one exception barrier. An
// Action returns the text for stdout (already formatted for the chosen output format) or the
// error that becomes the single "Error: ..." line on stderr.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <CLI/CLI.hpp>

#include "cli/output.h"
#include "common/result.h"
#include "config/config_dir.h"
#include "types/authid.h"

namespace ferry::cli::internal {

struct Context {
  config::ConfigDir config_dir;
  OutputFormat format = OutputFormat::Text;
  types::Authid caller = types::Authid::root();  // the manager acts as root@pam, like PBS's
};

using Action = std::function<Result<std::string>(const Context&)>;

// Makes `cmd`, once parsed, select `run(ctx, *state)` as the action. `state` holds the option
// destinations CLI11 writes into, so it lives as long as the callback (that is, the app).
template <typename State, typename Run>
void on_parsed(CLI::App* cmd, Action& selected, std::shared_ptr<State> state, Run run) {
  cmd->callback([&selected, state, run] {
    selected = [state, run](const Context& ctx) { return run(ctx, *state); };
  });
}

// The command groups (one file each).
void add_datastore_commands(CLI::App& app, Action& selected);
void add_remote_commands(CLI::App& app, Action& selected);
void add_sync_job_commands(CLI::App& app, Action& selected);
void add_pull_command(CLI::App& app, Action& selected);
void add_calendar_event_command(CLI::App& app, Action& selected);
void add_cert_commands(CLI::App& app, Action& selected);
void add_completion_command(CLI::App& app, Action& selected);
void add_user_commands(CLI::App& app, Action& selected);
void add_acl_commands(CLI::App& app, Action& selected);
void add_task_commands(CLI::App& app, Action& selected);
void add_verify_job_commands(CLI::App& app, Action& selected);  // verify-job and verify

}  // namespace ferry::cli::internal

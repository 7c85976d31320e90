#include "cli/manager.h"

#include <cstdlib>
#include <exception>
#include <iostream>
#include <new>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/internal/command.h"
#include "cli/output.h"

namespace ferry::cli {
namespace {

using internal::Action;
using internal::Context;

constexpr std::string_view kDefaultConfigDir = "/etc/ferry";
constexpr std::string_view kConfigDirEnv = "FERRY_CONFIG_DIR";

// Options valid on every command (CLI11 "fallthrough": they may follow the subcommand).
struct GlobalOptions {
  std::optional<std::string> config_dir;
  std::string output_format = "text";
};

// CLI11 does not show a parent's options in a subcommand's help; say where they are.
void add_global_footer(CLI::App& cmd) {
  for (CLI::App* sub : cmd.get_subcommands({})) {
    sub->footer(
        "Global options (any position): --config-dir DIR, "
        "--output-format text|json|json-pretty");
    add_global_footer(*sub);
  }
}

std::string resolve_config_dir(const GlobalOptions& global) {
  if (global.config_dir) return *global.config_dir;
  const char* env = std::getenv(kConfigDirEnv.data());
  if (env != nullptr && *env != '\0') return env;
  return std::string(kDefaultConfigDir);
}

void build_app(CLI::App& app, GlobalOptions& global, Action& selected) {
  app.fallthrough();  // inherited by subcommands: global options may come last
  app.require_subcommand(1);
  app.add_option("--config-dir", global.config_dir,
                 "configuration directory (default: $FERRY_CONFIG_DIR, else /etc/ferry)");
  app.add_option("--output-format", global.output_format, "text (default), json or json-pretty");
  internal::add_datastore_commands(app, selected);
  internal::add_remote_commands(app, selected);
  internal::add_sync_job_commands(app, selected);
  internal::add_pull_command(app, selected);
  internal::add_calendar_event_command(app, selected);
  internal::add_cert_commands(app, selected);
  internal::add_user_commands(app, selected);
  internal::add_acl_commands(app, selected);
  internal::add_completion_command(app, selected);
  internal::add_task_commands(app, selected);
  internal::add_verify_job_commands(app, selected);
  add_global_footer(app);
}

// Parses the command line and runs the chosen command. Returns the exit status.
int run(int argc, char** argv) {
  CLI::App app{"ferry-manager - administer a Ferry backup server", "ferry-manager"};
  GlobalOptions global;
  Action selected;
  build_app(app, global, selected);
  if (auto status = parse_command_line(app, argc, argv)) return *status;
  auto format = parse_output_format(global.output_format);
  if (!format) {
    print_error(format.error().to_string());
    return kExitFailure;
  }
  const Context ctx{config::ConfigDir(resolve_config_dir(global)), *format};
  return print_result(selected(ctx));
}

}  // namespace

int run_manager(int argc, char** argv) { return run_guarded(run, argc, argv); }

}  // namespace ferry::cli

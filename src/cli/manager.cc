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

void print_error(std::string_view message) {
  // One line, whatever the message holds.
  std::string line(message);
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::cerr << "Error: " << line << std::endl;
}

// The deepest subcommand the parser got to.
const CLI::App& deepest_command(const CLI::App& app) {
  const CLI::App* cmd = &app;
  for (auto parsed = cmd->get_subcommands(); !parsed.empty(); parsed = cmd->get_subcommands()) {
    cmd = parsed.front();
  }
  return *cmd;
}

// "ferry-manager remote update".
std::string command_path(const CLI::App& cmd) {
  const CLI::App* parent = cmd.get_parent();
  return parent == nullptr ? cmd.get_name() : command_path(*parent) + " " + cmd.get_name();
}

// The first word no command consumed. With fallthrough, CLI11 may leave it with a parent.
std::optional<std::string> first_unparsed_word(const CLI::App& cmd) {
  for (const CLI::App* c = &cmd; c != nullptr; c = c->get_parent()) {
    const auto remaining = c->remaining();
    if (!remaining.empty()) return remaining.front();
  }
  return std::nullopt;
}

// CLI11's message, except that a word where a subcommand belongs is named as such (CLI11
// only says "A subcommand is required"); plus where to find help.
std::string parse_error_message(const CLI::App& app, const CLI::ParseError& e) {
  const CLI::App& cmd = deepest_command(app);
  std::string message = e.what();
  if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr && !cmd.get_subcommands({}).empty()) {
    if (const auto word = first_unparsed_word(cmd)) {
      message = fmt::format("unknown command '{}'", *word);
    }
  }
  return fmt::format("{} (see '{} --help')", message, command_path(cmd));
}

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
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, std::cout, std::cerr);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, std::cout, std::cerr);
  } catch (const CLI::ParseError& e) {
    print_error(parse_error_message(app, e));
    return kExitFailure;
  }
  auto format = parse_output_format(global.output_format);
  if (!format) {
    print_error(format.error().to_string());
    return kExitFailure;
  }
  const Context ctx{config::ConfigDir(resolve_config_dir(global)), *format};
  auto output = selected(ctx);
  if (!output) {
    print_error(output.error().to_string());
    return kExitFailure;
  }
  std::cout << *output << std::flush;
  return std::cout ? EXIT_SUCCESS : kExitFailure;
}

}  // namespace

int run_manager(int argc, char** argv) {
  // The one exception barrier of the CLI: our code returns errors as values, but libraries
  // (CLI11, nlohmann::json, std::filesystem) may still throw. bad_alloc terminates.
  try {
    return run(argc, argv);
  } catch (const std::bad_alloc&) {
    std::terminate();
  } catch (const std::exception& e) {
    print_error(std::string("internal error: ") + e.what());
  } catch (...) {
    print_error("internal error: unknown exception");
  }
  return kExitFailure;
}

}  // namespace ferry::cli

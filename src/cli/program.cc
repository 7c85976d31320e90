#include "cli/program.h"

#include "common/log.h"

#include <exception>
#include <iostream>
#include <new>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

namespace ferry::cli {
namespace {

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

}  // namespace

void print_error(std::string_view message) {
  std::string line(message);
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::cerr << "Error: " << line << std::endl;
}

std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv) {
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
  return std::nullopt;
}

int print_result(const Result<std::string>& output) {
  if (!output) {
    print_error(output.error().to_string());
    return kExitFailure;
  }
  std::cout << *output << std::flush;
  return std::cout ? EXIT_SUCCESS : kExitFailure;
}

int run_guarded(int (*program)(int, char**), int argc, char** argv) {
  // Library log lines (task recovery, job-state warnings) go to stderr, warnings and worse
  // only: stdout carries the command's output.
  init_logging("warn");
  try {
    return program(argc, argv);
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

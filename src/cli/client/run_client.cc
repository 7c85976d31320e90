#include <cstdlib>
#include <exception>
#include <iostream>
#include <new>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/client/client.h"
#include "cli/client/command.h"
#include "cli/manager.h"

namespace ferry::cli::client {
namespace {

void print_error(std::string_view message) {
  std::string line(message);
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::cerr << "Error: " << line << std::endl;
}

std::string command_path(const CLI::App& app) {
  std::string path = app.get_name();
  const CLI::App* cmd = &app;
  while (true) {
    const auto parsed = cmd->get_subcommands();
    if (parsed.empty()) return path;
    cmd = parsed.front();
    path += " " + cmd->get_name();
  }
}

void build_app(CLI::App& app, GlobalOptions& global, Action& selected) {
  app.fallthrough();  // inherited: global options may follow the subcommand
  app.require_subcommand(1);
  app.add_option("--repository", global.repository,
                 "[[user@realm[!token]@]host[:port]:]datastore (default: $PBS_REPOSITORY)");
  app.add_option("--fingerprint", global.fingerprint,
                 "server certificate SHA-256 fingerprint (default: $PBS_FINGERPRINT)");
  app.add_option("--ns", global.ns, "namespace (default: the root namespace)");
  app.add_option("--output-format", global.output_format, "text (default), json or json-pretty");
  add_backup_command(app, selected);
  add_restore_command(app, selected);
  add_list_commands(app, selected);
  add_snapshot_commands(app, selected);
}

int run(int argc, char** argv) {
  CLI::App app{"ferry-client - back up and restore images to a Ferry or PBS server",
               "ferry-client"};
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
    print_error(fmt::format("{} (see '{} --help')", e.what(), command_path(app)));
    return kExitFailure;
  }
  auto session = Session::resolve(global, process_env);
  if (!session) {
    print_error(session.error().to_string());
    return kExitFailure;
  }
  auto output = selected(*session);
  if (!output) {
    print_error(output.error().to_string());
    return kExitFailure;
  }
  std::cout << *output << std::flush;
  return std::cout ? EXIT_SUCCESS : kExitFailure;
}

}  // namespace

int run_client(int argc, char** argv) {
  // The single exception barrier: libraries (CLI11, nlohmann::json, std::future) may throw.
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

}  // namespace ferry::cli::client

#include <cstdlib>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/client/client.h"
#include "cli/client/command.h"
#include "cli/program.h"

namespace ferry::cli::client {
namespace {

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
  if (auto status = parse_command_line(app, argc, argv)) return *status;
  auto session = Session::resolve(global, process_env);
  if (!session) {
    print_error(session.error().to_string());
    return kExitFailure;
  }
  return print_result(selected(*session));
}

}  // namespace

int run_client(int argc, char** argv) { return run_guarded(run, argc, argv); }

}  // namespace ferry::cli::client

#include "cli/manager.h"

#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

namespace ferry::cli {

int run_manager(int argc, char** argv) {
  CLI::App app{"ferry-manager - administer a Ferry backup server"};
  app.require_subcommand(1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return EXIT_SUCCESS;
}

}  // namespace ferry::cli

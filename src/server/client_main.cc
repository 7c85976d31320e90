// ferry-client: the command-line backup client (proxmox-backup-client counterpart).
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  CLI::App app{"ferry-client - back up and restore images to a Ferry or PBS server"};
  app.require_subcommand(0);
  CLI11_PARSE(app, argc, argv);
  std::cout << app.help();
  return EXIT_SUCCESS;
}

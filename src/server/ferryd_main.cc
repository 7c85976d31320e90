// ferryd: the Ferry backup server.
#include <cstdlib>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "common/log.h"

int main(int argc, char** argv) {
  CLI::App app{"ferryd - Ferry backup server (Proxmox Backup Server compatible)"};
  std::string config_dir;
  std::string listen;
  app.add_option("--config-dir", config_dir, "configuration directory")
      ->envname("FERRY_CONFIG_DIR")
      ->default_str("/etc/ferry");
  app.add_option("--listen", listen, "listen address ADDR:PORT (default 0.0.0.0:8007 and [::]:8007)");
  CLI11_PARSE(app, argc, argv);
  ferry::init_logging("info");
  spdlog::error("the HTTPS API server is not implemented yet (issue #4)");
  return EXIT_FAILURE;
}

// ferry-client: the command-line backup client (proxmox-backup-client counterpart).
#include "cli/client/client.h"

int main(int argc, char** argv) { return ferry::cli::client::run_client(argc, argv); }

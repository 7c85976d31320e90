// ferry-manager: the administration CLI (proxmox-backup-manager counterpart).
#include "cli/manager.h"

int main(int argc, char** argv) { return ferry::cli::run_manager(argc, argv); }

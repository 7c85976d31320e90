// ferry::cli — the ferry-manager command line (the proxmox-backup-manager counterpart).
//
// Command groups, one file each: `datastore`, `remote`, `sync-job` (create, list, show,
// update, remove), `user` (users, API tokens, permissions), `acl` (list, update),
// `calendar-event`, `cert info` and `completion bash`. Each command parses its arguments with
// CLI11, calls the config service layer (api/config/*.h) or, for `user` and `acl`, the API
// routes themselves (cli/internal/local_api.h) in-process as root@pam, and formats the result
// (output.h: box table, json or json-pretty). docs/cli.md is the user documentation.
//
// Configuration directory: `--config-dir DIR`, else $FERRY_CONFIG_DIR, else /etc/ferry.
//
// Exit status: 0 on success (also for --help); kExitFailure (255, what proxmox-backup-manager
// returns) for every error — bad usage, invalid parameter, failed operation. An error prints
// exactly one line "Error: <message>" on stderr, and a failed command has changed nothing on
// disk (the service layer validates everything before it writes).
#pragma once

#include "cli/program.h"

namespace ferry::cli {

// Runs ferry-manager with the process arguments; returns the exit status. Never throws: this
// is the CLI's single exception barrier. Blocks for the duration of the command.
int run_manager(int argc, char** argv);

}  // namespace ferry::cli

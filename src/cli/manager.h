// ferry::cli — the ferry-manager command line (the proxmox-backup-manager counterpart).
//
// One file per command group (datastore, remote, sync-job, calendar-event, ...). Each command
// parses its arguments with CLI11, calls the config service layer in-process as root@pam, and
// formats the result (table, text, json, json-pretty). Errors become one line on stderr and a
// non-zero exit status.
#pragma once

namespace ferry::cli {

// Runs ferry-manager with the process arguments; returns the exit status.
int run_manager(int argc, char** argv);

}  // namespace ferry::cli

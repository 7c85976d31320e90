// ferry::cli::client — ferry-client, the proxmox-backup-client counterpart for block images.
//
// Commands (one file each; docs/client.md is the user documentation):
//   backup NAME.img:PATH...        cmd_backup.cc   new snapshot with fixed-index archives
//   restore SNAPSHOT ARCHIVE TARGET cmd_restore.cc one archive into a file, device or stdout
//   list | status                  cmd_list.cc     backup groups, datastore usage
//   snapshot list|forget|protected cmd_snapshot.cc snapshots of the datastore
//
// Every command resolves the global options into a Session (session.h: repository, secret,
// fingerprint, namespace, output format), connects with ferry::client::HttpClient and either
// calls the REST API (api.md §5.9) or runs a backup/reader protocol session (image_backup.h,
// image_restore.h). Results go to stdout in the chosen output format (cli/output.h);
// progress and summaries of transfers go to stderr, so `restore ... -` can stream to stdout.
//
// Exit status: 0 on success, cli::kExitFailure (255) for any error, which is printed as one
// line "Error: <message>" on stderr.
#pragma once

namespace ferry::cli::client {

// Runs ferry-client with the process arguments; returns the exit status. Never throws: this
// is the client's single exception barrier. Blocks for the duration of the command.
int run_client(int argc, char** argv);

}  // namespace ferry::cli::client

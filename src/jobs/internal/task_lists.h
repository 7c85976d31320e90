// ferry::jobs::internal — PBS's plain-text task lists next to the task logs
// (jobs-and-schedules.md §6), written for compatibility with tools that read them:
//
//   {root}/active    running tasks, one UPID per line
//   {root}/archive   finished tasks, appended: "{UPID} {endtime as 8 upper-case hex} {status}"
//   {root}/.active.lock   flock guarding both
//
// Ferry's own source of truth is the SQLite task index (task_index.h); these files are
// derived from it and rewritten or appended under the lock.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/file_lock.h"
#include "common/result.h"
#include "jobs/task_state.h"
#include "jobs/upid.h"

namespace ferry::jobs::internal {

struct ArchiveEntry {
  Upid upid;
  TaskState state;
};

// "{UPID} {endtime:08X} {status}" (status = TaskState::status_string()).
std::string format_archive_line(std::string_view upid_text, const TaskState& state);

// Parses an archive line. InvalidArgument for anything else (bad UPID, hex, status).
Result<ArchiveEntry> parse_archive_line(std::string_view line);

// Exclusive flock on {root}/.active.lock (created if missing), waiting up to 10 s.
Result<FileLock> lock_task_lists(const std::filesystem::path& root);

// Replaces {root}/active with one UPID per line. Caller holds the lock. Errors: Io.
Status write_active_list(const std::filesystem::path& root, const std::vector<std::string>& upids);

// Appends lines to {root}/archive (created if missing). Caller holds the lock. Errors: Io.
Status append_archive(const std::filesystem::path& root, const std::vector<std::string>& lines);

// Replaces {root}/archive with `lines` (after retention). Caller holds the lock. Errors: Io.
Status rewrite_archive(const std::filesystem::path& root, const std::vector<std::string>& lines);

// Lines of a list file; a missing file has none. Errors: Io, InvalidArgument (over 64 MiB).
Result<std::vector<std::string>> read_list_file(const std::filesystem::path& path);

}  // namespace ferry::jobs::internal

// ferry::jobs::internal — facts about processes that a UPID records and that task recovery
// checks: the node name, our pid, a process's start time (field 22 of /proc/{pid}/stat, clock
// ticks since boot) and whether a (pid, pstart) pair still names a running process.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "common/result.h"

namespace ferry::jobs::internal {

// The host name up to the first '.', as PBS puts it into UPIDs. Io if gethostname fails.
Result<std::string> node_name();

// Start time of process `pid` read from `{proc_root}/{pid}/stat`.
// Errors: NotFound (no such process), Corruption (unparseable stat line), Io.
Result<uint64_t> read_process_start(uint32_t pid, const std::filesystem::path& proc_root);

// True when `{proc_root}/{pid}` exists and its start time equals `pstart` (so a reused pid is
// not mistaken for the original process).
bool is_process_running(uint32_t pid, uint64_t pstart, const std::filesystem::path& proc_root);

}  // namespace ferry::jobs::internal

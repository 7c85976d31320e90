// Fault points: named places in write paths where a test can simulate a crash.
//
// Library code marks the steps of a crash-sensitive sequence with `FERRY_FAULT_POINT("name")`.
// In production no hook is installed and a point costs one relaxed atomic load. A crash test
// forks, installs a hook in the child that calls `_exit()` at the chosen point, runs the write,
// and then checks in the parent that reopening the data shows a consistent state (STYLE.md
// "Crash-consistency tests"). The hook is process-wide by nature: a crash is.
#pragma once

#include <string_view>

namespace ferry::fault {

using Hook = void (*)(std::string_view point);

// Installs (or, with nullptr, removes) the hook. For tests only.
void set_hook_for_test(Hook hook);

// Called by FERRY_FAULT_POINT.
void reached(std::string_view point);

}  // namespace ferry::fault

#define FERRY_FAULT_POINT(name) ::ferry::fault::reached(name)

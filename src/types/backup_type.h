// BackupType: the kind of a backup group, `vm`, `ct` or `host` (datastore-format.md §1.3).
#pragma once

#include <string_view>

#include "common/result.h"

namespace ferry::types {

// Groups sort by the type's *name* (ct < host < vm), as PBS lists them; BackupGroup's ordering
// does that, so don't compare enumerators.
enum class BackupType { Vm, Ct, Host };

// "vm", "ct", "host".
std::string_view to_string(BackupType t);
// InvalidArgument for anything but the three names.
Result<BackupType> parse_backup_type(std::string_view s);

}  // namespace ferry::types

#include "datastore/backup_info.h"

#include <algorithm>

namespace ferry::datastore {

bool BackupInfo::has_file(std::string_view name) const {
  return std::find(files.begin(), files.end(), name) != files.end();
}

bool is_snapshot_file_name(std::string_view name) {
  // PBS matches `^.*\.([fd]idx|blob)$`: anything, a dot, then one of the three extensions.
  for (std::string_view ext : {".fidx", ".didx", ".blob"}) {
    if (name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext) return true;
  }
  return false;
}

}  // namespace ferry::datastore

// BackupGroup and BackupDir: the identity of a backup group ("vm/100") and of one snapshot in
// it ("vm/100/2024-06-05T14:24:36Z"), independent of namespace and datastore
// (datastore-format.md §1.3, api.md §4). Values of these types are always valid.
#pragma once

#include <compare>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.h"
#include "types/backup_type.h"

namespace ferry::types {

// Validates a backup id: `^[A-Za-z0-9_][A-Za-z0-9._\-]*$`, at most 255 characters (NAME_MAX).
Status validate_backup_id(std::string_view id);

class BackupGroup {
 public:
  static Result<BackupGroup> create(BackupType type, std::string_view id);
  // "vm/100".
  static Result<BackupGroup> parse(std::string_view text);

  BackupType type() const { return type_; }
  const std::string& id() const { return id_; }
  // "vm/100" — also the relative on-disk path within a namespace.
  std::string to_string() const;
  std::filesystem::path path() const { return to_string(); }

  // PBS order: by type name, then by id (byte-wise).
  std::strong_ordering operator<=>(const BackupGroup& o) const;
  bool operator==(const BackupGroup& o) const = default;

 private:
  BackupGroup(BackupType t, std::string id) : type_(t), id_(std::move(id)) {}
  BackupType type_ = BackupType::Host;
  std::string id_;
};

class BackupDir {
 public:
  // `time` must be >= 1 and format as a year in 0..9999.
  static Result<BackupDir> create(BackupGroup group, int64_t time);
  // "vm/100/2024-06-05T14:24:36Z".
  static Result<BackupDir> parse(std::string_view text);

  const BackupGroup& group() const { return group_; }
  int64_t time() const { return time_; }
  // "2024-06-05T14:24:36Z" — the snapshot directory name.
  const std::string& time_string() const { return time_string_; }
  // "vm/100/2024-06-05T14:24:36Z" — also the relative on-disk path within a namespace.
  std::string to_string() const;
  std::filesystem::path path() const { return to_string(); }

  std::strong_ordering operator<=>(const BackupDir& o) const;
  bool operator==(const BackupDir& o) const { return group_ == o.group_ && time_ == o.time_; }

 private:
  BackupDir(BackupGroup g, int64_t t, std::string ts)
      : group_(std::move(g)), time_(t), time_string_(std::move(ts)) {}
  BackupGroup group_;
  int64_t time_;
  std::string time_string_;
};

}  // namespace ferry::types

#include "types/backup_group.h"

#include "common/time.h"
#include "types/names.h"

namespace ferry::types {

std::string_view to_string(BackupType t) {
  switch (t) {
    case BackupType::Vm: return "vm";
    case BackupType::Ct: return "ct";
    case BackupType::Host: return "host";
  }
  return "host";
}

Result<BackupType> parse_backup_type(std::string_view s) {
  if (s == "vm") return BackupType::Vm;
  if (s == "ct") return BackupType::Ct;
  if (s == "host") return BackupType::Host;
  return make_error(Errc::InvalidArgument, "invalid backup type '{}': expected vm, ct or host", s);
}

Status validate_backup_id(std::string_view id) { return validate_safe_id(id, "backup id", 1, 255); }

Result<BackupGroup> BackupGroup::create(BackupType type, std::string_view id) {
  FERRY_TRY(validate_backup_id(id));
  return BackupGroup(type, std::string(id));
}

Result<BackupGroup> BackupGroup::parse(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return make_error(Errc::InvalidArgument, "invalid backup group '{}': expected <type>/<id>",
                      text);
  }
  FERRY_TRY_ASSIGN(BackupType t, parse_backup_type(text.substr(0, slash)));
  return create(t, text.substr(slash + 1));
}

std::string BackupGroup::to_string() const {
  return std::string(types::to_string(type_)) + "/" + id_;
}

std::strong_ordering BackupGroup::operator<=>(const BackupGroup& o) const {
  if (auto c = types::to_string(type_) <=> types::to_string(o.type_); c != 0) return c;
  return id_ <=> o.id_;
}

Result<BackupDir> BackupDir::create(BackupGroup group, int64_t time) {
  if (time < 1) {
    return make_error(Errc::InvalidArgument, "invalid backup time {}: must be at least 1", time);
  }
  FERRY_TRY_ASSIGN(std::string ts, format_rfc3339_utc(time));
  return BackupDir(std::move(group), time, std::move(ts));
}

Result<BackupDir> BackupDir::parse(std::string_view text) {
  size_t slash = text.rfind('/');
  if (slash == std::string_view::npos) {
    return make_error(Errc::InvalidArgument,
                      "invalid snapshot '{}': expected <type>/<id>/<time>", text);
  }
  FERRY_TRY_ASSIGN(BackupGroup g, BackupGroup::parse(text.substr(0, slash)));
  FERRY_TRY_ASSIGN(int64_t t, parse_backup_time_string(text.substr(slash + 1)));
  return create(std::move(g), t);
}

std::string BackupDir::to_string() const { return group_.to_string() + "/" + time_string_; }

std::strong_ordering BackupDir::operator<=>(const BackupDir& o) const {
  if (auto c = group_ <=> o.group_; c != 0) return c;
  return time_ <=> o.time_;
}

}  // namespace ferry::types

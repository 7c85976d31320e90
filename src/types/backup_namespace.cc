#include "types/backup_namespace.h"

#include "types/names.h"

namespace ferry::types {
namespace {

Status check_limits(const std::vector<std::string>& comps, std::string_view text) {
  if (comps.size() > BackupNamespace::kMaxDepth) {
    return make_error(Errc::InvalidArgument,
                      "invalid namespace '{}': {} levels deep, at most {} are allowed", text,
                      comps.size(), BackupNamespace::kMaxDepth);
  }
  size_t len = comps.empty() ? 0 : comps.size() - 1;
  for (const auto& c : comps) len += c.size();
  if (len > BackupNamespace::kMaxLength) {
    return make_error(Errc::InvalidArgument,
                      "invalid namespace '{}': longer than {} characters", text,
                      BackupNamespace::kMaxLength);
  }
  return ok();
}

}  // namespace

Result<BackupNamespace> BackupNamespace::parse(std::string_view text) {
  BackupNamespace ns;
  if (text.empty()) return ns;
  if (text.size() > kMaxLength) {
    return make_error(Errc::InvalidArgument, "invalid namespace '{}': longer than {} characters",
                      text.substr(0, 64), kMaxLength);
  }
  size_t start = 0;
  for (;;) {
    size_t slash = text.find('/', start);
    std::string_view comp = text.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (comp.empty()) {
      return make_error(Errc::InvalidArgument, "invalid namespace '{}': empty component", text);
    }
    if (!is_safe_id(comp)) {
      return make_error(Errc::InvalidArgument,
                        "invalid namespace '{}': component '{}' is not a safe id (letters, "
                        "digits, '_', '.', '-', not starting with '.' or '-')",
                        text, comp);
    }
    ns.components_.emplace_back(comp);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  FERRY_TRY(check_limits(ns.components_, text));
  return ns;
}

std::string BackupNamespace::to_string() const {
  std::string out;
  for (size_t i = 0; i < components_.size(); ++i) {
    if (i) out += '/';
    out += components_[i];
  }
  return out;
}

std::filesystem::path BackupNamespace::path() const {
  std::filesystem::path p;
  for (const auto& c : components_) p = p / "ns" / c;
  return p;
}

BackupNamespace BackupNamespace::parent() const {
  BackupNamespace p = *this;
  if (!p.components_.empty()) p.components_.pop_back();
  return p;
}

Result<BackupNamespace> BackupNamespace::child(std::string_view name) const {
  BackupNamespace c = *this;
  if (!is_safe_id(name)) {
    return make_error(Errc::InvalidArgument, "invalid namespace component '{}'", name);
  }
  c.components_.emplace_back(name);
  FERRY_TRY(check_limits(c.components_, c.to_string()));
  return c;
}

bool BackupNamespace::is_within(const BackupNamespace& other) const {
  if (other.components_.size() > components_.size()) return false;
  for (size_t i = 0; i < other.components_.size(); ++i) {
    if (components_[i] != other.components_[i]) return false;
  }
  return true;
}

Result<BackupNamespace> BackupNamespace::map_prefix(const BackupNamespace& anchor,
                                                    const BackupNamespace& target) const {
  if (!is_within(anchor)) {
    return make_error(Errc::InvalidArgument, "namespace '{}' is not below '{}'", to_string(),
                      anchor.to_string());
  }
  BackupNamespace out = target;
  for (size_t i = anchor.depth(); i < components_.size(); ++i) {
    out.components_.push_back(components_[i]);
  }
  FERRY_TRY(check_limits(out.components_, out.to_string()));
  return out;
}

}  // namespace ferry::types

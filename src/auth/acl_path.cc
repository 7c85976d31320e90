#include "auth/acl_path.h"

#include <algorithm>
#include <array>

#include "types/names.h"

namespace ferry::auth {
namespace {

constexpr size_t kMaxNamespaceDepth = types::BackupNamespace::kMaxDepth;

bool is_one_of(std::string_view s, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

// The structural rules of PBS's check_acl_path, extended per auth.md §6.2.
bool is_known_object(const std::vector<std::string_view>& c) {
  const size_t n = c.size();
  if (n == 0) return true;
  if (c[0] == "access") {
    if (n == 1) return true;
    if (is_one_of(c[1], {"acl", "users", "domains"})) return n == 2;
    if (c[1] == "openid") return n <= 3;
    return false;
  }
  if (c[0] == "datastore") return n <= 2 + kMaxNamespaceDepth;
  if (c[0] == "remote") return n <= 3 + kMaxNamespaceDepth;
  if (c[0] == "system") {
    if (n == 1) return true;
    if (is_one_of(c[1], {"certificates", "disks", "log", "notifications", "status", "tasks",
                         "time"})) {
      return n == 2;
    }
    if (c[1] == "services") return n <= 3;
    if (c[1] == "network") {
      if (n == 2) return true;
      if (c[2] == "dns") return n == 3;
      if (c[2] == "interfaces") return n <= 4;
    }
    return false;
  }
  if (c[0] == "tape") {
    if (n == 1) return true;
    if (is_one_of(c[1], {"device", "pool", "job"})) return n <= 3;
    return false;
  }
  return false;
}

// `^(?:/|(?:/<safe-id>)+)$`
bool matches_path_regex(std::string_view path) {
  if (path == "/") return true;
  if (path.empty() || path[0] != '/') return false;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t next = path.find('/', pos + 1);
    std::string_view comp = path.substr(pos + 1, next == std::string_view::npos
                                                     ? std::string_view::npos
                                                     : next - pos - 1);
    if (!types::is_safe_id(comp)) return false;
    if (next == std::string_view::npos) break;
    pos = next;
  }
  return true;
}

void append_namespace(std::string& out, const types::BackupNamespace& ns) {
  for (const auto& comp : ns.components()) {
    out += '/';
    out += comp;
  }
}

}  // namespace

std::vector<std::string_view> split_acl_path(std::string_view path) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    if (next > pos) out.push_back(path.substr(pos, next - pos));
    pos = next + 1;
  }
  return out;
}

std::string normalize_acl_path(std::string_view path) {
  std::string out;
  for (std::string_view comp : split_acl_path(path)) {
    out += '/';
    out += comp;
  }
  return out.empty() ? "/" : out;
}

Status check_acl_path(std::string_view path) {
  if (path.empty() || path.size() > 128 || !matches_path_regex(path) ||
      !is_known_object(split_acl_path(path))) {
    return make_error(Errc::InvalidArgument, "invalid acl path '{}'.", path);
  }
  return ok();
}

std::string datastore_acl_path(std::string_view store, const types::BackupNamespace& ns) {
  std::string out = "/datastore/";
  out += store;
  append_namespace(out, ns);
  return out;
}

std::string remote_acl_path(std::string_view remote, std::string_view store,
                            const types::BackupNamespace& ns) {
  std::string out = "/remote/";
  out += remote;
  if (!store.empty()) {
    out += '/';
    out += store;
    append_namespace(out, ns);
  }
  return out;
}

}  // namespace ferry::auth

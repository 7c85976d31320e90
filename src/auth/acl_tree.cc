#include "auth/acl_tree.h"

#include <set>

#include "auth/acl_path.h"
#include "auth/internal/encoding.h"
#include "common/base64.h"
#include "common/text.h"
#include "auth/roles.h"

namespace ferry::auth {

struct AclTree::Node {
  std::map<types::Authid, RoleMap> users;
  std::map<std::string, RoleMap> groups;
  std::map<std::string, std::unique_ptr<Node>, std::less<>> children;

  const Node* child(std::string_view name) const {
    auto it = children.find(name);
    return it == children.end() ? nullptr : it->second.get();
  }

  // Roles of `auth_id` here: all if `leaf`, else only propagating ones. An applicable NoAccess
  // yields exactly {NoAccess: false}. PBS-compat: group roles would be consulted when the user
  // has none here, but group membership does not exist, so they never apply.
  RoleMap extract_roles(const types::Authid& auth_id, bool leaf) const {
    RoleMap out;
    auto it = users.find(auth_id);
    if (it == users.end()) return out;
    for (const auto& [role, propagate] : it->second) {
      if (!propagate && !leaf) continue;
      if (role == kRoleNoAccess) return RoleMap{{std::string(kRoleNoAccess), false}};
      out.emplace(role, propagate);
    }
    return out;
  }

  bool has_any_privs(const types::Authid& auth_id, Privileges privs, bool only_propagated) const {
    for (const auto& [role, propagate] : extract_roles(auth_id, !only_propagated)) {
      const RoleInfo* info = find_role(role);
      if (info && (info->privs & privs)) return true;
    }
    return false;
  }

  bool any_privs_in_subtree(const types::Authid& auth_id, Privileges privs) const {
    if (has_any_privs(auth_id, privs, false)) return true;
    for (const auto& [name, node] : children) {
      if (node->any_privs_in_subtree(auth_id, privs)) return true;
    }
    return false;
  }
};

namespace {

void insert_role(RoleMap& map, std::string_view role, bool propagate) {
  if (role == kRoleNoAccess) {
    map.clear();
  } else {
    map.erase(std::string(kRoleNoAccess));
  }
  map.insert_or_assign(std::string(role), propagate);
}

using UgidsByRole = std::map<std::string, std::set<std::string>>;

void collect(UgidsByRole (&by_flag)[2], const std::string& ugid, const RoleMap& roles) {
  for (const auto& [role, propagate] : roles) by_flag[propagate ? 1 : 0][role].insert(ugid);
}

std::string join(const std::set<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

// PBS-compat: the write_node_config algorithm of pbs-config/src/acl.rs, reproduced from its
// observable output (config-format.md §10).
void write_node_lines(const UgidsByRole& by_role, int flag, const std::string& path,
                      std::string& out) {
  std::map<std::string, std::set<std::string>> roles_by_uglist;
  for (const auto& [role, ugids] : by_role) roles_by_uglist[join(ugids)].insert(role);
  for (const auto& [uglist, roles] : roles_by_uglist) {
    std::string role_list =
        roles.count(std::string(kRoleNoAccess)) ? std::string(kRoleNoAccess) : join(roles);
    out += fmt::format("acl:{}:{}:{}:{}\n", flag, path.empty() ? "/" : path, uglist, role_list);
  }
}

}  // namespace

AclTree::AclTree() : root_(std::make_unique<Node>()) {}
AclTree::~AclTree() = default;
AclTree::AclTree(AclTree&&) noexcept = default;
AclTree& AclTree::operator=(AclTree&&) noexcept = default;

const AclTree::Node* AclTree::find_node(std::string_view path) const {
  const Node* node = root_.get();
  for (std::string_view comp : split_acl_path(path)) {
    node = node->child(comp);
    if (!node) return nullptr;
  }
  return node;
}

AclTree::Node* AclTree::find_node(std::string_view path) {
  return const_cast<Node*>(std::as_const(*this).find_node(path));
}

AclTree::Node& AclTree::get_or_insert_node(std::string_view path) {
  Node* node = root_.get();
  for (std::string_view comp : split_acl_path(path)) {
    auto& slot = node->children[std::string(comp)];
    if (!slot) slot = std::make_unique<Node>();
    node = slot.get();
  }
  return *node;
}

Result<AclTree> AclTree::parse(std::string_view text, std::string_view source) {
  if (!is_valid_utf8(text)) {
    return make_error(Errc::Corruption, "unable to parse acl config '{}' - not valid UTF-8",
                      source);
  }
  AclTree tree;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = trim_unicode(line);
    if (line.empty()) continue;
    if (auto st = tree.parse_line(line); !st) {
      return make_error(Errc::Corruption, "unable to parse acl config '{}', line {} - {}",
                        source, line_no, st.error().message());
    }
  }
  return tree;
}

Status AclTree::parse_line(std::string_view line) {
  std::vector<std::string_view> items;
  for (size_t pos = 0;;) {
    size_t colon = line.find(':', pos);
    items.push_back(line.substr(pos, colon == std::string_view::npos ? colon : colon - pos));
    if (colon == std::string_view::npos) break;
    pos = colon + 1;
  }
  if (items.size() != 5) return make_error(Errc::InvalidArgument, "wrong number of items.");
  if (items[0] != "acl") {
    return make_error(Errc::InvalidArgument, "line does not start with 'acl'.");
  }
  if (items[1] != "0" && items[1] != "1") {
    return make_error(Errc::InvalidArgument, "expected '0' or '1' for propagate flag.");
  }
  const bool propagate = items[1] == "1";
  Node& node = get_or_insert_node(items[2]);
  auto split_list = [](std::string_view list) {
    std::vector<std::string_view> out;
    for (size_t pos = 0;;) {
      size_t comma = list.find(',', pos);
      out.push_back(trim_unicode(
          list.substr(pos, comma == std::string_view::npos ? comma : comma - pos)));
      if (comma == std::string_view::npos) return out;
      pos = comma + 1;
    }
  };
  const auto roles = split_list(items[4]);
  for (std::string_view ugid : split_list(items[3])) {
    for (std::string_view role : roles) {
      if (!find_role(role)) return make_error(Errc::InvalidArgument, "unknown role '{}'", role);
      if (!ugid.empty() && ugid[0] == '@') {
        insert_role(node.groups[std::string(ugid.substr(1))], role, propagate);
      } else {
        FERRY_TRY_ASSIGN(types::Authid auth_id, types::Authid::parse(ugid));
        insert_role(node.users[std::move(auth_id)], role, propagate);
      }
    }
  }
  return ok();
}

std::string AclTree::to_string() const {
  std::string out;
  // Iterative depth-first walk; children are visited in byte order of their names.
  struct Item {
    const Node* node;
    std::string path;
  };
  std::vector<Item> stack{{root_.get(), ""}};
  while (!stack.empty()) {
    Item item = std::move(stack.back());
    stack.pop_back();
    UgidsByRole by_flag[2];
    for (const auto& [auth_id, roles] : item.node->users) {
      if (auth_id.is_root()) continue;  // root@pam is always superuser
      collect(by_flag, auth_id.to_string(), roles);
    }
    for (const auto& [group, roles] : item.node->groups) collect(by_flag, "@" + group, roles);
    write_node_lines(by_flag[0], 0, item.path, out);
    write_node_lines(by_flag[1], 1, item.path, out);
    for (auto it = item.node->children.rbegin(); it != item.node->children.rend(); ++it) {
      stack.push_back({it->second.get(), item.path + "/" + it->first});
    }
  }
  return out;
}

Status AclTree::insert_user_role(std::string_view path, const types::Authid& auth_id,
                                 std::string_view role, bool propagate) {
  if (!find_role(role)) return make_error(Errc::InvalidArgument, "unknown role '{}'", role);
  insert_role(get_or_insert_node(path).users[auth_id], role, propagate);
  return ok();
}

Status AclTree::insert_group_role(std::string_view path, std::string_view group,
                                  std::string_view role, bool propagate) {
  if (!find_role(role)) return make_error(Errc::InvalidArgument, "unknown role '{}'", role);
  insert_role(get_or_insert_node(path).groups[std::string(group)], role, propagate);
  return ok();
}

void AclTree::delete_user_role(std::string_view path, const types::Authid& auth_id,
                               std::string_view role) {
  Node* node = find_node(path);
  if (!node) return;
  auto it = node->users.find(auth_id);
  if (it == node->users.end()) return;
  it->second.erase(std::string(role));
  if (it->second.empty()) node->users.erase(it);
}

void AclTree::delete_group_role(std::string_view path, std::string_view group,
                                std::string_view role) {
  Node* node = find_node(path);
  if (!node) return;
  auto it = node->groups.find(std::string(group));
  if (it == node->groups.end()) return;
  it->second.erase(std::string(role));
  if (it->second.empty()) node->groups.erase(it);
}

void AclTree::delete_authid(const types::Authid& auth_id) {
  std::vector<Node*> stack{root_.get()};
  while (!stack.empty()) {
    Node* node = stack.back();
    stack.pop_back();
    node->users.erase(auth_id);
    for (auto& [name, child] : node->children) stack.push_back(child.get());
  }
}

void AclTree::delete_node(std::string_view path) {
  auto comps = split_acl_path(path);
  if (comps.empty()) return;
  Node* parent = root_.get();
  for (size_t i = 0; i + 1 < comps.size(); ++i) {
    auto it = parent->children.find(comps[i]);
    if (it == parent->children.end()) return;
    parent = it->second.get();
  }
  auto it = parent->children.find(comps.back());
  if (it != parent->children.end()) parent->children.erase(it);
}

RoleMap AclTree::roles(const types::Authid& auth_id, std::string_view path) const {
  const auto comps = split_acl_path(path);
  const Node* node = root_.get();
  RoleMap result = node->extract_roles(auth_id, comps.empty());
  for (size_t i = 0; i < comps.size(); ++i) {
    node = node->child(comps[i]);
    if (!node) break;  // path not in the tree: keep what was collected
    RoleMap here = node->extract_roles(auth_id, i + 1 == comps.size());
    if (!here.empty()) result = std::move(here);
  }
  return result;
}

Result<bool> AclTree::any_privs_below(const types::Authid& auth_id, std::string_view path,
                                      Privileges privs) const {
  const Node* node = root_.get();
  for (std::string_view comp : split_acl_path(path)) {
    if (node->has_any_privs(auth_id, privs, true)) return true;
    node = node->child(comp);
    if (!node) {
      return make_error(Errc::NotFound,
                        "component '{}' of path '{}' does not exist in current acl tree", comp,
                        path);
    }
  }
  if (node->has_any_privs(auth_id, privs, true)) return true;
  for (const auto& [name, child] : node->children) {
    if (child->any_privs_in_subtree(auth_id, privs)) return true;
  }
  return false;
}

std::vector<AclEntry> AclTree::entries() const {
  std::vector<AclEntry> out;
  struct Item {
    const Node* node;
    std::string path;
  };
  std::vector<Item> stack{{root_.get(), ""}};
  while (!stack.empty()) {
    Item item = std::move(stack.back());
    stack.pop_back();
    const std::string path = item.path.empty() ? "/" : item.path;
    for (const auto& [auth_id, roles] : item.node->users) {
      for (const auto& [role, propagate] : roles) {
        out.push_back({path, auth_id.to_string(), false, propagate, role});
      }
    }
    for (const auto& [group, roles] : item.node->groups) {
      for (const auto& [role, propagate] : roles) out.push_back({path, group, true, propagate, role});
    }
    for (auto it = item.node->children.rbegin(); it != item.node->children.rend(); ++it) {
      stack.push_back({it->second.get(), item.path + "/" + it->first});
    }
  }
  return out;
}

std::vector<std::string> AclTree::paths() const {
  std::vector<std::string> out;
  for (const auto& entry : entries()) {
    if (out.empty() || out.back() != entry.path) out.push_back(entry.path);
  }
  return out;
}

}  // namespace ferry::auth

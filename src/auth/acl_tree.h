// AclTree: the parsed form of acl.cfg and the role lookup behind every permission check
// (auth.md §6, config-format.md §10 and §13.4; docs/protocol/auth.md).
//
// The tree has one node per ACL path component ("/datastore/s1" is root → datastore → s1). Each
// node maps auth-ids (users or API tokens) and groups to their roles on that path, each role
// with its propagate flag. Groups are parsed and written back but never match anyone (PBS has no
// group membership).
//
// Text format, one rule per line:  acl:<0|1>:<path>:<ugid,...>:<role,...>
// `to_string()` reproduces PBS's writer byte for byte: nodes depth-first from "/", children in
// byte order; per node first propagate=0 then propagate=1 lines, each grouping the roles that
// have an identical (sorted) ugid list; entries of root@pam itself are never written.
//
// Role lookup (`roles`): start with the root node's roles (all of them for the path "/",
// otherwise only propagating ones); walk down, and at every existing node a non-empty role set
// for the auth-id *replaces* what was collected (intermediate nodes contribute only propagating
// roles, the last node all). An applicable NoAccess reduces that node's set to {NoAccess}. The
// walk stops at the first missing node. Tokens are looked up under their own auth-id only;
// intersecting with the owning user (auth.md §6.3 step 5) is UserInfo's job.
//
// Thread-safety: const methods may run concurrently; mutation needs external exclusion.
// Move-only (the tree owns its nodes).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "auth/privileges.h"
#include "common/result.h"
#include "types/authid.h"

namespace ferry::auth {

// Role name → propagate flag.
using RoleMap = std::map<std::string, bool>;

// One (path, ugid, role) assignment, as GET /access/acl lists it.
struct AclEntry {
  std::string path;       // canonical: "/" or "/a/b"
  std::string ugid;       // auth-id, or group name without the '@'
  bool is_group = false;  // ugid_type "group" (else "user")
  bool propagate = true;
  std::string role;

  bool operator==(const AclEntry&) const = default;
};

class AclTree {
 public:
  AclTree();
  ~AclTree();
  AclTree(AclTree&&) noexcept;
  AclTree& operator=(AclTree&&) noexcept;
  AclTree(const AclTree&) = delete;
  AclTree& operator=(const AclTree&) = delete;

  // Parses acl.cfg text. `source` names the file in errors. Lines are split at '\n' (a
  // trailing '\r' is dropped) and trimmed; empty lines are skipped. Paths are not validated
  // (see acl_path.h). Corruption "unable to parse acl config '<source>', line <n> -
  // <reason>" for a malformed line, an unknown role or an invalid auth-id; also for text that
  // is not UTF-8. (Corruption, as for the section-config files.)
  static Result<AclTree> parse(std::string_view text, std::string_view source);

  // The acl.cfg text (see the overview). Empty tree → "".
  std::string to_string() const;

  // Grants `role` to `auth_id` on `path`, creating nodes as needed. NoAccess replaces the
  // auth-id's other roles on that path; any other role removes NoAccess there. An existing
  // assignment gets the new propagate flag. InvalidArgument if `role` is unknown.
  Status insert_user_role(std::string_view path, const types::Authid& auth_id,
                          std::string_view role, bool propagate);
  // Same for a group (name without '@').
  Status insert_group_role(std::string_view path, std::string_view group, std::string_view role,
                           bool propagate);

  // Removes one assignment; a missing path or assignment is not an error.
  void delete_user_role(std::string_view path, const types::Authid& auth_id,
                        std::string_view role);
  void delete_group_role(std::string_view path, std::string_view group, std::string_view role);
  // Removes every assignment of `auth_id` (user or token deleted).
  void delete_authid(const types::Authid& auth_id);
  // Removes the node at `path` with its subtree (e.g. a datastore removed). "/" is a no-op.
  void delete_node(std::string_view path);

  // The roles of `auth_id` that apply on `path` (see the overview).
  RoleMap roles(const types::Authid& auth_id, std::string_view path) const;

  // Whether `auth_id` has any of `privs` on `path` through propagation, or on any node at or
  // below `path` (propagating or not). NotFound if `path` is not a node of the tree.
  Result<bool> any_privs_below(const types::Authid& auth_id, std::string_view path,
                               Privileges privs) const;

  // All assignments, depth first; within a node users (in auth-id order) before groups, each
  // with its roles in byte order.
  std::vector<AclEntry> entries() const;

  // Canonical paths of all nodes with at least one assignment, depth first.
  std::vector<std::string> paths() const;

 private:
  struct Node;
  const Node* find_node(std::string_view path) const;
  Node* find_node(std::string_view path);
  Node& get_or_insert_node(std::string_view path);
  Status parse_line(std::string_view line);

  std::unique_ptr<Node> root_;
};

}  // namespace ferry::auth

// BackupNamespace: a position in a datastore's namespace tree (datastore-format.md §1.3).
//
// Text form: components joined by '/', "" for the root. Each component is a safe id; at most
// 7 components (kMaxDepth); the text form is at most 256 characters. On disk each component is
// prefixed by "ns/": "a/b" lives in "<base>/ns/a/ns/b". A value of this type is always valid.
#pragma once

#include <compare>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace ferry::types {

class BackupNamespace {
 public:
  static constexpr size_t kMaxDepth = 7;
  static constexpr size_t kMaxLength = 256;

  BackupNamespace() = default;  // the root namespace

  // Parses the text form. InvalidArgument for empty components ("a//b", "/a", "a/"),
  // components that are not safe ids (".."), more than 7 levels or more than 256 characters.
  static Result<BackupNamespace> parse(std::string_view text);

  bool is_root() const { return components_.empty(); }
  size_t depth() const { return components_.size(); }
  const std::vector<std::string>& components() const { return components_; }

  // "a/b/c"; "" for the root.
  std::string to_string() const;
  // Relative on-disk path: "ns/a/ns/b/ns/c"; empty for the root.
  std::filesystem::path path() const;

  // The parent (root's parent is root).
  BackupNamespace parent() const;
  // This namespace with one more component. InvalidArgument if `name` is invalid or the result
  // would be too deep or too long.
  Result<BackupNamespace> child(std::string_view name) const;

  // True if `this` equals `other` or lies below it.
  bool is_within(const BackupNamespace& other) const;
  // The path of `this` below `anchor`, re-rooted under `target`
  // (a/b/c under a, mapped to x → x/b/c). Precondition: is_within(anchor). InvalidArgument if
  // the result exceeds the depth or length limits.
  Result<BackupNamespace> map_prefix(const BackupNamespace& anchor,
                                     const BackupNamespace& target) const;

  auto operator<=>(const BackupNamespace&) const = default;
  bool operator==(const BackupNamespace&) const = default;

 private:
  std::vector<std::string> components_;
};

}  // namespace ferry::types

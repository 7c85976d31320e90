#include "sync/namespace_plan.h"

#include <algorithm>

#include <fmt/format.h>

namespace ferry::sync {

using types::BackupNamespace;

Result<std::vector<NamespaceMapping>> plan_namespaces(
    const std::vector<BackupNamespace>& discovered, const BackupNamespace& source_anchor,
    const BackupNamespace& target_anchor, std::optional<size_t> max_depth) {
  std::vector<BackupNamespace> in_scope;
  size_t deepest = 0;
  for (const auto& ns : discovered) {
    if (!ns.is_within(source_anchor)) continue;
    size_t rel = ns.depth() - source_anchor.depth();
    if (max_depth && rel > *max_depth) continue;
    deepest = std::max(deepest, rel);
    in_scope.push_back(ns);
  }
  if (deepest + target_anchor.depth() > BackupNamespace::kMaxDepth) {
    return make_error(Errc::InvalidArgument,
                      "Syncing would exceed max allowed namespace depth. ({}+{} > {})", deepest,
                      target_anchor.depth(), BackupNamespace::kMaxDepth);
  }
  std::sort(in_scope.begin(), in_scope.end(),
            [](const BackupNamespace& a, const BackupNamespace& b) {
              std::string sa = a.to_string(), sb = b.to_string();
              return sa.size() != sb.size() ? sa.size() < sb.size() : sa < sb;
            });
  in_scope.erase(std::unique(in_scope.begin(), in_scope.end()), in_scope.end());
  std::vector<NamespaceMapping> plan;
  plan.reserve(in_scope.size());
  for (auto& ns : in_scope) {
    FERRY_TRY_ASSIGN(BackupNamespace target, ns.map_prefix(source_anchor, target_anchor));
    plan.push_back({std::move(ns), std::move(target)});
  }
  return plan;
}

Status check_max_depth(const BackupNamespace& ns, size_t max_depth) {
  if (ns.depth() + max_depth > BackupNamespace::kMaxDepth) {
    return make_error(Errc::InvalidArgument,
                      "namespace '{}'s depth and recursion depth exceed limit: {} + {} > {}",
                      ns.to_string(), ns.depth(), max_depth, BackupNamespace::kMaxDepth);
  }
  return ok();
}

std::string describe_namespace(std::string_view store, const BackupNamespace& ns) {
  if (ns.is_root()) return fmt::format("datastore '{}', root namespace", store);
  return fmt::format("datastore '{}', namespace '{}'", store, ns.to_string());
}

}  // namespace ferry::sync

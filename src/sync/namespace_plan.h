// Mapping the source namespace tree of a pull onto the target (sync-semantics.md §3.2–§3.5).
//
// Pure logic: the caller discovers the source namespaces (remote listing or local walk) and
// gets back the ordered list of (source, target) pairs to sync, or the run-time depth error.
#pragma once

#include <optional>
#include <vector>

#include "common/result.h"
#include "types/backup_namespace.h"

namespace ferry::sync {

struct NamespaceMapping {
  types::BackupNamespace source;
  types::BackupNamespace target;
};

// Builds the plan. Namespaces outside the `source_anchor` subtree, or deeper than `max_depth`
// below it, are dropped (a remote may list more than asked). Errors: InvalidArgument
// "Syncing would exceed max allowed namespace depth. (L+d > 7)" when the deepest listed
// namespace, re-rooted under `target_anchor`, would exceed 7 levels. The result is sorted by the
// length of the source path (parents before children), ties by name, so runs are reproducible.
Result<std::vector<NamespaceMapping>> plan_namespaces(
    const std::vector<types::BackupNamespace>& discovered,
    const types::BackupNamespace& source_anchor, const types::BackupNamespace& target_anchor,
    std::optional<size_t> max_depth);

// Config-time rule (§1.3 item 3): depth(ns) + max-depth ≤ 7 for both anchors.
Status check_max_depth(const types::BackupNamespace& ns, size_t max_depth);

// "datastore 'local', root namespace" / "datastore 'local', namespace 'a/b'".
std::string describe_namespace(std::string_view store, const types::BackupNamespace& ns);

}  // namespace ferry::sync

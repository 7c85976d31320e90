// libFuzzer target: the acl.cfg parser (AclTree::parse), its writer and role evaluation.
//
// Besides "no crash, no sanitizer report, no hang", it checks the writer's contract: whatever
// parses is written in canonical form, and that form parses back to the same text (the writer
// is a fixed point after one round). Seed with tests/data/auth/acl.cfg.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/acl_tree.h"
#include "auth/user_info.h"

namespace {

// Bounded: acl.cfg files are small; this keeps each run fast.
constexpr size_t kMaxInput = 64 * 1024;

void fail(const char* what, const std::string& a, const std::string& b) {
  std::fprintf(stderr, "%s\n--- first\n%s\n--- second\n%s\n", what, a.c_str(), b.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInput) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto tree = ferry::auth::AclTree::parse(text, "acl.cfg");
  if (!tree) return 0;

  const std::string written = tree->to_string();
  auto again = ferry::auth::AclTree::parse(written, "acl.cfg");
  if (!again) fail("canonical output does not parse", written, again.error().to_string());
  const std::string rewritten = again->to_string();
  if (rewritten != written) fail("writer is not a fixed point", written, rewritten);

  // Evaluate every assignment's path for its ugid (and one unrelated user) on the parsed tree.
  auto shared = std::make_shared<ferry::auth::AclTree>(std::move(*tree));
  ferry::auth::UserInfo info(std::make_shared<ferry::auth::UserConfig>(), shared);
  const auto other = *ferry::types::Authid::parse("fuzz@pbs!t");
  for (const auto& entry : shared->entries()) {
    (void)info.lookup_privs(other, entry.path);
    (void)info.any_privs_below(other, entry.path, ferry::auth::kPrivDatastoreAudit);
    if (entry.is_group) continue;
    auto id = ferry::types::Authid::parse(entry.ugid);
    if (!id) fail("entry with invalid auth-id", entry.ugid, entry.path);
    (void)info.lookup_privs(*id, entry.path + "/below");
  }
  return 0;
}

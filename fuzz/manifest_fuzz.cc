// libFuzzer target: BackupManifest::parse on arbitrary text, and from_blob on the same bytes.
//
// Whatever parses must serialize to JSON that parses again to the very same serialization
// (our pretty writer is a fixed point), and canonical JSON of a parsed manifest is computable.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "datastore/manifest.h"

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "manifest_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using ferry::datastore::BackupManifest;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto m = BackupManifest::parse(text)) {
    std::string pretty = m->to_pretty_json();
    auto again = BackupManifest::parse(pretty);
    if (!again) fail("own output does not parse", again.error().to_string() + "\n" + pretty);
    if (again->to_pretty_json() != pretty) fail("serialization is not a fixed point", pretty);
    if (again->files != m->files) fail("files changed in a round trip", pretty);
    (void)m->canonical_json();
    (void)m->verify_state();
    (void)m->chunk_upload_stats();
    (void)m->notes();
  }
  if (auto blob = ferry::datastore::DataBlob::from_raw(ferry::Bytes(data, data + size))) {
    (void)BackupManifest::from_blob(*blob);
  }
  return 0;
}

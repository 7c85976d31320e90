// libFuzzer target: DynamicIndexReader::from_bytes on arbitrary bytes.
//
// Whatever parses must be internally consistent: non-empty ranges tiling [0, size) in order,
// every offset mapping back to its entry, and a checksum equal to the SHA-256 of the stored
// table (the reader re-serializes entries to compute it).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "datastore/dynamic_index.h"

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "didx_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using ferry::datastore::kIndexHeaderSize;
  auto r = ferry::datastore::DynamicIndexReader::from_bytes(ferry::Bytes(data, data + size));
  if (!r) return 0;
  uint64_t expected_start = 0;
  for (size_t i = 0; i < r->index_count(); ++i) {
    auto range = r->chunk_range(i);
    if (range.start != expected_start || range.end <= range.start) fail("ranges do not tile");
    for (uint64_t off : {range.start, range.end - 1}) {
      auto pos = r->chunk_from_offset(off);
      if (!pos || pos->index != i || pos->offset_in_chunk != off - range.start) fail("lookup");
    }
    expected_start = range.end;
  }
  if (expected_start != r->index_bytes()) fail("ranges do not end at the index size");
  if (r->compute_csum() !=
      ferry::sha256(ferry::ByteView(data + kIndexHeaderSize, size - kIndexHeaderSize))) {
    fail("checksum differs from the stored table");
  }
  return 0;
}

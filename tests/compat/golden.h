// Helpers for the golden-vector tests: golden files live in tests/data/formats (see its
// README for provenance); hex literals are copied from spec hexdumps, spaces allowed.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/fs.h"
#include "common/hex.h"

namespace ferry::test {

inline std::filesystem::path golden_path(std::string_view name) {
  return std::filesystem::path(FERRY_TEST_DATA_DIR) / "formats" / std::string(name);
}

// The bytes of a golden file; records a test failure (and returns {}) if it cannot be read.
inline Bytes read_golden(std::string_view name) {
  auto r = fs::read_file(golden_path(name), 64u << 20);
  if (!r) {
    ADD_FAILURE() << "cannot read golden file " << name << ": " << r.error().to_string();
    return {};
  }
  return std::move(*r);
}

// Parses hex with optional whitespace ("42 ab 38 07 ..."); fails the test on bad input.
inline Bytes hex_bytes(std::string_view text) {
  std::string compact;
  for (char c : text) {
    if (c != ' ' && c != '\n') compact.push_back(c);
  }
  auto r = from_hex(compact);
  if (!r) {
    ADD_FAILURE() << "bad hex literal: " << text;
    return {};
  }
  return std::move(*r);
}

// The lower-case hex of a byte range, for readable EXPECT_EQ failures.
inline std::string hex_of(ByteView b) { return to_hex(b); }

}  // namespace ferry::test

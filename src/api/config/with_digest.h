// WithDigest<T>: a config read result together with the digest of the file it came from.
//
// Every list/read function of the config service layer (api/config/*.h) returns the digest of
// the raw file it read (lower-case hex SHA-256, config-format.md §1.3). A client that later
// modifies the object passes it back as `digest`; if the file changed in between, the
// modification fails with Errc::Conflict instead of silently overwriting the other edit.
#pragma once

#include <string>

namespace ferry::api {

template <typename T>
struct WithDigest {
  T data;
  std::string digest;  // 64 lower-case hex characters
};

}  // namespace ferry::api

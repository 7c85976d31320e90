// ConfigDir: the directory holding Ferry's (PBS-compatible) configuration files.
//
// PBS keeps them in /etc/proxmox-backup; Ferry never hard-codes that: every function that reads
// or writes configuration takes a ConfigDir, so tests and alternative installs use any
// directory. A ConfigDir is a plain value (just the path); it does not check that the directory
// exists until a file is read or written.
#pragma once

#include <filesystem>
#include <string_view>
#include <utility>

#include "common/result.h"

namespace ferry::config {

class ConfigDir {
 public:
  explicit ConfigDir(std::filesystem::path path) : path_(std::move(path)) {}

  const std::filesystem::path& path() const { return path_; }
  // `<dir>/<name>`, e.g. file("remote.cfg").
  std::filesystem::path file(std::string_view name) const { return path_ / name; }

  // Creates the directory (and missing parents) with mode 0700, as PBS does at daemon start.
  // An existing directory is left as it is. Errors: Io, PermissionDenied. Blocks.
  Status create() const;

 private:
  std::filesystem::path path_;
};

}  // namespace ferry::config

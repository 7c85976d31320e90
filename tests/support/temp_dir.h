// A fresh temporary directory per test, removed afterwards (STYLE.md "Hermetic").
#pragma once

#include <filesystem>
#include <string>

namespace ferry::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
  std::filesystem::path path_;
};

}  // namespace ferry::test

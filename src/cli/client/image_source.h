// ImageSource: a block image to back up — a regular file or a block device opened read-only,
// with its size fixed at open time. Owns the file descriptor; movable, not copyable. read_at
// is safe to call from several threads (pread).
#pragma once

#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "common/result.h"

namespace ferry::cli::client {

class ImageSource {
 public:
  // Opens `path`. Errors: NotFound (missing), PermissionDenied, InvalidArgument (neither a
  // regular file nor a block device, or empty: a fixed index needs at least one byte), Io.
  // Messages name the path. Blocks on the file system.
  static Result<ImageSource> open(const std::string& path);
  ImageSource(ImageSource&& other) noexcept;
  ImageSource& operator=(ImageSource&& other) noexcept;
  ~ImageSource();

  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

  // Exactly `length` bytes from `offset`. Io on read errors, InvalidArgument when the file
  // shrank below offset + length. Blocks.
  Result<Bytes> read_at(uint64_t offset, uint64_t length) const;

 private:
  ImageSource(int fd, std::string path, uint64_t size)
      : fd_(fd), path_(std::move(path)), size_(size) {}
  int fd_ = -1;
  std::string path_;
  uint64_t size_ = 0;
};

}  // namespace ferry::cli::client

#include "cli/client/image_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace ferry::cli::client {
namespace {

Errc errc_for_open(int err) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return Errc::NotFound;
    case EACCES:
    case EPERM:
      return Errc::PermissionDenied;
    default:
      return Errc::Io;
  }
}

}  // namespace

Result<ImageSource> ImageSource::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return make_error(errc_for_open(err), "open image '{}': {}", path, std::strerror(err));
  }
  ImageSource source(fd, path, 0);  // closes fd on every error below
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return make_error(Errc::Io, "stat image '{}': {}", path, std::strerror(errno));
  }
  if (S_ISREG(st.st_mode)) {
    source.size_ = static_cast<uint64_t>(st.st_size);
  } else if (S_ISBLK(st.st_mode)) {
    const off_t end = ::lseek(fd, 0, SEEK_END);
    if (end < 0) {
      return make_error(Errc::Io, "size of device '{}': {}", path, std::strerror(errno));
    }
    source.size_ = static_cast<uint64_t>(end);
  } else {
    return make_error(Errc::InvalidArgument,
                      "image '{}' is neither a regular file nor a block device", path);
  }
  if (source.size_ == 0) {
    return make_error(Errc::InvalidArgument, "image '{}' is empty", path);
  }
  return source;
}

ImageSource::ImageSource(ImageSource&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)), size_(other.size_) {}

ImageSource& ImageSource::operator=(ImageSource&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    size_ = other.size_;
  }
  return *this;
}

ImageSource::~ImageSource() {
  if (fd_ >= 0) ::close(fd_);
}

Result<Bytes> ImageSource::read_at(uint64_t offset, uint64_t length) const {
  Bytes data(length);
  uint64_t done = 0;
  while (done < length) {
    const ssize_t n = ::pread(fd_, data.data() + done, length - done,
                              static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(Errc::Io, "read '{}' at offset {}: {}", path_, offset + done,
                        std::strerror(errno));
    }
    if (n == 0) {
      return make_error(Errc::InvalidArgument, "image '{}' shrank below {} bytes while reading",
                        path_, offset + length);
    }
    done += static_cast<uint64_t>(n);
  }
  return data;
}

}  // namespace ferry::cli::client

#include "auth/user_info_cache.h"

#include <sys/stat.h>

#include <cerrno>

#include "auth/acl_config.h"

namespace ferry::auth {

Result<UserInfoCache::FileId> UserInfoCache::identify(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return FileId{};
    return with_context<FileId>(errno_error(errno), "unable to stat '{}'", path.string());
  }
  return FileId{true, uint64_t(st.st_ino), int64_t(st.st_size),
                int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

Result<std::shared_ptr<const UserInfo>> UserInfoCache::get() const {
  FERRY_TRY_ASSIGN(FileId user_id, identify(dir_.file(user_config_file().file_name)));
  FERRY_TRY_ASSIGN(FileId acl_id, identify(dir_.file(acl_config_file().file_name)));
  std::lock_guard<std::mutex> lock(mutex_);
  if (cached_ && user_id == user_id_ && acl_id == acl_id_) return cached_;
  // Re-read both. A change racing with this read is caught by the next call: the identities
  // recorded are those seen *before* reading.
  FERRY_TRY_ASSIGN(auto users, UserConfig::read(dir_));
  FERRY_TRY_ASSIGN(AclConfigData acl, AclConfig::read(dir_));
  cached_ = std::make_shared<const UserInfo>(
      std::make_shared<const UserConfig>(std::move(users.first)),
      std::make_shared<const AclTree>(std::move(acl.tree)));
  user_id_ = user_id;
  acl_id_ = acl_id;
  return cached_;
}

}  // namespace ferry::auth

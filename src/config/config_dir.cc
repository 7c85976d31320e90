#include "config/config_dir.h"

#include "common/fs.h"

namespace ferry::config {

Status ConfigDir::create() const {
  return with_context<void>(fs::make_dirs(path_, 0700), "create config directory '{}'",
                            path_.string());
}

}  // namespace ferry::config

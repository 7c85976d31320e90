// verification.cfg: verify jobs (config-format.md §6).
//
//   verification: v-store2
//   	ignore-verified true
//   	outdated-after 30
//   	schedule daily
//   	store store2
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"
#include "config/config_file.h"
#include "config/section_config.h"
#include "types/backup_namespace.h"

namespace ferry::config {

// verification.cfg: ".verification.lck", mode 0640, one section type `verification`
// (id property `id`).
const ConfigFileSpec& verification_config_file();

struct VerificationJobConfig {
  std::string id;
  std::string store;
  std::optional<types::BackupNamespace> ns;  // unset = root
  std::optional<uint32_t> max_depth;         // 0..7; unset = 7 (full depth)
  std::optional<bool> ignore_verified;       // unset = true
  std::optional<int64_t> outdated_after;     // days, >= 0; unset = never outdated
  std::optional<std::string> schedule;
  std::optional<std::string> comment;

  static Result<VerificationJobConfig> from_section(const Section& section);
  Section to_section() const;
};

}  // namespace ferry::config

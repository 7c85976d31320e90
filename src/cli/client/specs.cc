#include "cli/client/specs.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "common/time.h"
#include "types/names.h"

namespace ferry::cli::client {
namespace {

constexpr std::string_view kImageSuffix = ".img";
constexpr std::string_view kFixedIndexSuffix = ".fidx";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

Status validate_image_name(std::string_view name) {
  if (!ends_with(name, kImageSuffix) || name.size() == kImageSuffix.size()) {
    return make_error(Errc::InvalidArgument,
                      "archive name '{}' must end in '.img' (only images are supported)", name);
  }
  // The index file name must itself be a valid archive name.
  return types::validate_archive_name(std::string(name) + std::string(kFixedIndexSuffix));
}

// Epoch seconds (digits only) or RFC 3339.
Result<int64_t> parse_time(std::string_view text) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return c >= '0' && c <= '9';
      })) {
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size()) {
      return make_error(Errc::InvalidArgument, "backup time '{}' is out of range", text);
    }
    return value;
  }
  return parse_rfc3339(text);
}

}  // namespace

Result<ArchiveSpec> parse_archive_spec(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return make_error(Errc::InvalidArgument,
                      "invalid archive spec '{}': expected NAME.img:PATH", text);
  }
  ArchiveSpec spec{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
  if (auto st = validate_image_name(spec.name); !st) {
    return make_error(Errc::InvalidArgument, "invalid archive spec '{}': {}", text,
                      st.error().to_string());
  }
  if (spec.path.empty()) {
    return make_error(Errc::InvalidArgument, "invalid archive spec '{}': empty path", text);
  }
  return spec;
}

Result<types::BackupGroup> parse_group_spec(std::string_view text) {
  auto group = types::BackupGroup::parse(text);
  if (!group) {
    return make_error(Errc::InvalidArgument, "invalid backup group '{}': {}", text,
                      group.error().to_string());
  }
  return group;
}

Result<types::BackupDir> parse_snapshot_spec(std::string_view text) {
  const size_t last_slash = text.rfind('/');
  auto fail = [&](const std::string& why) -> Result<types::BackupDir> {
    return make_error(Errc::InvalidArgument, "invalid snapshot '{}': {}", text, why);
  };
  if (last_slash == std::string_view::npos) return fail("expected TYPE/ID/TIME");
  auto group = types::BackupGroup::parse(text.substr(0, last_slash));
  if (!group) return fail(group.error().to_string());
  auto time = parse_time(text.substr(last_slash + 1));
  if (!time) return fail(time.error().to_string());
  auto dir = types::BackupDir::create(std::move(*group), *time);
  if (!dir) return fail(dir.error().to_string());
  return dir;
}

Result<std::string> restore_index_name(std::string_view archive) {
  std::string name(archive);
  if (ends_with(name, kFixedIndexSuffix)) name.resize(name.size() - kFixedIndexSuffix.size());
  if (auto st = validate_image_name(name); !st) {
    return make_error(Errc::InvalidArgument, "invalid archive '{}': {}", archive,
                      st.error().to_string());
  }
  return name + std::string(kFixedIndexSuffix);
}

}  // namespace ferry::cli::client

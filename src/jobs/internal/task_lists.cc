#include "jobs/internal/task_lists.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "common/fs.h"

namespace ferry::jobs::internal {
namespace {

constexpr uint64_t kMaxListFileSize = 64 * 1024 * 1024;

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) {
    out += l;
    out += '\n';
  }
  return out;
}

}  // namespace

std::string format_archive_line(std::string_view upid_text, const TaskState& state) {
  return fmt::format("{} {:08X} {}", upid_text, uint64_t(state.endtime), state.status_string());
}

Result<ArchiveEntry> parse_archive_line(std::string_view line) {
  auto bad = [&](std::string_view why) -> Result<ArchiveEntry> {
    return make_error(Errc::InvalidArgument, "invalid task archive line '{}': {}", line, why);
  };
  size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return bad("missing end time");
  size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return bad("missing status");
  auto upid = Upid::parse(line.substr(0, sp1));
  if (!upid) return bad(upid.error().message());
  std::string_view hex = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (hex.empty() || hex.size() > 16) return bad("invalid end time");
  uint64_t end = 0;
  for (char c : hex) {
    int d = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                     : -1;
    if (d < 0) return bad("invalid end time");
    end = (end << 4) | uint64_t(d);
  }
  auto state = TaskState::parse(line.substr(sp2 + 1), int64_t(end));
  if (!state) return bad(state.error().message());
  return ArchiveEntry{std::move(*upid), std::move(*state)};
}

Result<FileLock> lock_task_lists(const std::filesystem::path& root) {
  FileLock::Options opts;
  opts.create = true;
  opts.timeout = std::chrono::seconds(10);
  return with_context(FileLock::acquire(root / ".active.lock", LockMode::Exclusive, opts),
                      "lock task lists in '{}'", root.string());
}

Status write_active_list(const std::filesystem::path& root, const std::vector<std::string>& upids) {
  return fs::atomic_replace(root / "active", join_lines(upids), {.mode = 0644, .fsync = false});
}

Status append_archive(const std::filesystem::path& root, const std::vector<std::string>& lines) {
  auto path = root / "archive";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return with_context(Status(errno_error(errno)), "open task archive '{}'", path.string());
  }
  std::string data = join_lines(lines);
  std::string_view rest = data;
  Status st = ok();
  while (!rest.empty()) {
    ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      st = errno_error(errno);
      break;
    }
    rest.remove_prefix(size_t(n));
  }
  ::close(fd);
  return with_context(std::move(st), "append to task archive '{}'", path.string());
}

Status rewrite_archive(const std::filesystem::path& root, const std::vector<std::string>& lines) {
  return fs::atomic_replace(root / "archive", join_lines(lines), {.mode = 0644, .fsync = false});
}

Result<std::vector<std::string>> read_list_file(const std::filesystem::path& path) {
  auto text = fs::read_text_file(path, kMaxListFileSize);
  if (!text && text.error().code() == Errc::NotFound) return std::vector<std::string>{};
  if (!text) return tl::unexpected(std::move(text).error());
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text->size()) {
    size_t nl = text->find('\n', pos);
    if (nl == std::string::npos) nl = text->size();
    if (nl > pos) lines.emplace_back(text->substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

}  // namespace ferry::jobs::internal

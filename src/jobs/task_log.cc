#include "jobs/task_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <optional>
#include <utility>

#include "common/fs.h"
#include "common/time.h"
#include "common/text.h"

namespace ferry::jobs {
namespace {

// §6: status recovery reads only this much of the log's end.
constexpr int64_t kTailSize = 8192;

Status write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error(errno);
    }
    data.remove_prefix(size_t(n));
  }
  return ok();
}

// The state a single line stands for, if its prefix is a time.
std::optional<TaskState> state_of_line(std::string_view line) {
  size_t sep = line.find(": ");
  if (sep == std::string_view::npos) return std::nullopt;
  auto time = parse_rfc3339(line.substr(0, sep));
  if (!time) return std::nullopt;
  std::string_view text = line.substr(sep + 2);
  constexpr std::string_view kTask = "TASK ";
  if (text.substr(0, kTask.size()) == kTask) {
    if (auto state = TaskState::parse(text.substr(kTask.size()), *time)) return *state;
  }
  return TaskState::unknown(*time);
}

}  // namespace

std::string format_task_log_line(int64_t epoch, std::string_view message) {
  std::string line = format_rfc3339_local(epoch);
  line += ": ";
  line += message;
  return line;
}

Result<TaskLogWriter> TaskLogWriter::create(const std::filesystem::path& path) {
  FERRY_TRY(fs::make_dirs(path.parent_path()));
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return with_context(Result<TaskLogWriter>(errno_error(errno)), "create task log '{}'",
                        path.string());
  }
  return TaskLogWriter(fd);
}

TaskLogWriter::TaskLogWriter(TaskLogWriter&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}

TaskLogWriter& TaskLogWriter::operator=(TaskLogWriter&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

TaskLogWriter::~TaskLogWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Status TaskLogWriter::write(int64_t epoch, std::string_view message) {
  if (fd_ < 0) return make_error(Errc::Internal, "task log is closed");
  std::string prefix = format_task_log_line(epoch, "");
  std::string out;
  size_t pos = 0;
  do {
    size_t nl = message.find('\n', pos);
    std::string_view part =
        message.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    out += prefix;
    out += part;
    out += '\n';
    pos = nl == std::string_view::npos ? message.size() + 1 : nl + 1;
  } while (pos <= message.size());
  return with_context(write_all(fd_, out), "write task log");
}

Status TaskLogWriter::close() {
  if (fd_ < 0) return ok();
  int fd = std::exchange(fd_, -1);
  Status st = ok();
  if (::fdatasync(fd) != 0) st = errno_error(errno);
  if (::close(fd) != 0 && st) st = errno_error(errno);
  return with_context(std::move(st), "close task log");
}

TaskState task_state_from_log_tail(std::string_view tail, bool starts_mid_line,
                                   int64_t starttime) {
  if (starts_mid_line) {
    size_t nl = tail.find('\n');
    tail = nl == std::string_view::npos ? std::string_view() : tail.substr(nl + 1);
  }
  while (!tail.empty()) {
    while (!tail.empty() && tail.back() == '\n') tail.remove_suffix(1);
    size_t nl = tail.rfind('\n');
    std::string_view line = nl == std::string_view::npos ? tail : tail.substr(nl + 1);
    if (auto state = state_of_line(line)) return *state;
    tail = nl == std::string_view::npos ? std::string_view() : tail.substr(0, nl);
  }
  return TaskState::unknown(starttime);
}

Result<TaskState> read_task_state_from_log(const std::filesystem::path& path,
                                           int64_t starttime) {
  auto fail = [&](int err) {
    return with_context(Result<TaskState>(errno_error(err)), "read task log '{}'", path.string());
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(errno);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  off_t size = ::lseek(fd, 0, SEEK_END);
  if (size < 0) return fail(errno);
  // One byte more than the window: if it is a newline, the window starts at a line start.
  off_t offset = size > kTailSize ? size - kTailSize - 1 : 0;
  std::string tail(size_t(size - offset), '\0');
  size_t got = 0;
  while (got < tail.size()) {
    ssize_t n = ::pread(fd, tail.data() + got, tail.size() - got, offset + off_t(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(errno);
    if (n == 0) break;  // truncated meanwhile
    got += size_t(n);
  }
  tail.resize(got);
  std::string_view view = tail;
  bool mid_line = false;
  if (offset > 0 && !view.empty()) {
    mid_line = view.front() != '\n';
    view.remove_prefix(1);
  }
  return task_state_from_log_tail(view, mid_line, starttime);
}

Result<TaskLogPage> read_task_log(const std::filesystem::path& path, uint64_t start,
                                  uint64_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    // ifstream keeps no error code; ask the file system why.
    auto exists = fs::exists(path);
    auto st = exists && !*exists ? errno_error(ENOENT) : errno_error(EIO);
    return with_context(Result<TaskLogPage>(st), "read task log '{}'", path.string());
  }
  TaskLogPage page;
  std::string line;
  while (std::getline(in, line)) {
    uint64_t n = ++page.total;
    if (n < start || (limit != 0 && page.lines.size() >= limit)) continue;
    if (line.size() > kMaxTaskLogLineLength) line.resize(kMaxTaskLogLineLength);
    page.lines.push_back({n, sanitize_utf8(line)});
  }
  if (in.bad()) return make_error(Errc::Io, "read task log '{}': read failed", path.string());
  return page;
}

}  // namespace ferry::jobs

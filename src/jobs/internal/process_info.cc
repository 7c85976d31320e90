#include "jobs/internal/process_info.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include <charconv>
#include <string_view>


namespace ferry::jobs::internal {

Result<std::string> node_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) {
    return with_context(Result<std::string>(errno_error(errno)), "gethostname");
  }
  std::string name(buf);
  if (auto dot = name.find('.'); dot != std::string::npos) name.resize(dot);
  return name;
}

Result<uint64_t> read_process_start(uint32_t pid, const std::filesystem::path& proc_root) {
  auto path = proc_root / std::to_string(pid) / "stat";
  // /proc files report size 0, so read until EOF instead of by size.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return with_context(Result<uint64_t>(errno_error(errno)), "open '{}'", path.string());
  std::string stat(4096, '\0');
  ssize_t n;
  do {
    n = ::read(fd, stat.data(), stat.size());
  } while (n < 0 && errno == EINTR);
  int err = errno;
  ::close(fd);
  if (n < 0) return with_context(Result<uint64_t>(errno_error(err)), "read '{}'", path.string());
  stat.resize(size_t(n));
  auto bad = [&]() -> Result<uint64_t> {
    return make_error(Errc::Corruption, "unable to parse '{}'", path.string());
  };
  // "pid (comm) state ppid ...": comm may contain blanks and parentheses, so fields are
  // counted after the last ')'. There, field 3 (state) is the first; starttime is field 22.
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return bad();
  std::string_view rest = std::string_view(stat).substr(close + 1);
  int field = 2;
  size_t pos = 0;
  while (pos < rest.size()) {
    while (pos < rest.size() && rest[pos] == ' ') ++pos;
    size_t end = rest.find(' ', pos);
    if (end == std::string_view::npos) end = rest.size();
    if (pos < end && ++field == 22) {
      uint64_t v = 0;
      auto [ptr, ec] = std::from_chars(rest.data() + pos, rest.data() + end, v);
      if (ec != std::errc() || ptr != rest.data() + end) return bad();
      return v;
    }
    pos = end;
  }
  return bad();
}

bool is_process_running(uint32_t pid, uint64_t pstart, const std::filesystem::path& proc_root) {
  auto start = read_process_start(pid, proc_root);
  return start && *start == pstart;
}

}  // namespace ferry::jobs::internal

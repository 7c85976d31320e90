#include "support/ferryd_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <regex>
#include <thread>

extern char** environ;

namespace ferry::test {

// stderr of one run, filled by a reader thread until EOF.
struct FerrydProcess::Output {
  std::mutex mu;
  std::condition_variable changed;
  std::string text;
  bool eof = false;
  std::thread reader;

  explicit Output(int fd) {
    reader = std::thread([this, fd] {
      char buf[8192];
      for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        std::lock_guard lock(mu);
        if (n <= 0) {
          eof = true;
          changed.notify_all();
          break;
        }
        text.append(buf, size_t(n));
        changed.notify_all();
      }
      ::close(fd);
    });
  }
  ~Output() {
    if (reader.joinable()) reader.join();
  }
};

namespace {

std::vector<std::string> child_environment(const FerrydOptions& o) {
  std::map<std::string, std::string> env = {
      {"FERRY_CERT_KEY_TYPE", "ec-p256"},
      {"FERRY_LOG_DIR", (o.var_dir / "log").string()},
      {"FERRY_RUN_DIR", (o.var_dir / "run").string()},
      {"FERRY_STATE_DIR", (o.var_dir / "state").string()},
  };
  for (const auto& [k, v] : o.env) env[k] = v;
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string key = entry.substr(0, entry.find('='));
    if (key.rfind("FERRY_", 0) != 0 && env.count(key) == 0) out.push_back(entry);
  }
  for (const auto& [k, v] : env) {
    if (!v.empty()) out.push_back(k + "=" + v);
  }
  return out;
}

}  // namespace

FerrydProcess::FerrydProcess(FerrydOptions options)
    : options_(std::move(options)), port_(options_.port) {}

FerrydProcess::~FerrydProcess() {
  if (pid_ > 0) stop(SIGKILL);
}

std::string FerrydProcess::start(std::chrono::milliseconds limit) {
  if (std::string failed = spawn(); !failed.empty()) return failed;
  const std::string port = wait_for(R"(listening on https://127\.0\.0\.1:(\d+))", limit);
  if (port.empty()) return "ferryd did not start listening; stderr:\n" + log();
  port_ = uint16_t(std::stoi(port));
  fingerprint_ = wait_for(R"(fingerprint \(sha256\): ([0-9a-f:]{95}))", std::chrono::seconds(1));
  return "";
}

std::string FerrydProcess::spawn() {
  if (pid_ > 0) return "ferryd is already running";
  std::error_code ec;
  std::filesystem::create_directories(options_.var_dir, ec);
  std::vector<std::string> args = {std::string(FERRY_BIN_DIR) + "/ferryd",
                                   "--config-dir",
                                   options_.config_dir.string(),
                                   "--listen",
                                   options_.listen.empty() ? "127.0.0.1:" + std::to_string(port_)
                                                           : options_.listen,
                                   "--log-level",
                                   options_.log_level};
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  auto env = child_environment(options_);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return "pipe2 failed";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    pid_ = -1;
    return "cannot spawn " + args[0];
  }
  output_ = std::make_shared<Output>(fds[0]);
  return "";
}

std::string FerrydProcess::wait_for(const std::string& pattern, std::chrono::milliseconds limit) {
  if (!output_) return "";
  const std::regex re(pattern);
  const auto end = std::chrono::steady_clock::now() + limit;
  std::unique_lock lock(output_->mu);
  for (;;) {
    std::smatch m;
    if (std::regex_search(output_->text, m, re)) return m.size() > 1 ? m[1].str() : m[0].str();
    if (output_->eof) return "";
    if (output_->changed.wait_until(lock, end) == std::cv_status::timeout) return "";
  }
}

std::string FerrydProcess::log() const {
  if (!output_) return "";
  std::lock_guard lock(output_->mu);
  return output_->text;
}

void FerrydProcess::signal(int signo) const {
  if (pid_ > 0) ::kill(pid_, signo);
}

int FerrydProcess::reap(std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      if (output_ && output_->reader.joinable()) output_->reader.join();
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() >= end) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int FerrydProcess::wait_exit(std::chrono::milliseconds limit) {
  if (pid_ <= 0) return -1;
  return reap(limit);
}

int FerrydProcess::stop(int signo, std::chrono::milliseconds limit) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signo);
  const int rc = reap(limit);
  if (rc != -1) return rc;
  ::kill(pid_, SIGKILL);
  reap(std::chrono::seconds(10));
  return -1;
}

}  // namespace ferry::test

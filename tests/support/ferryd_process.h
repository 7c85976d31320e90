// A real `ferryd` child process for integration tests: spawned with its own configuration
// directory and with its log, run and state directories under a test-owned `var` directory
// (never /var, /run or /var/lib), listening on 127.0.0.1 (port 0 by default, the kernel picks;
// the port is read back from the "listening on" log line). Its stderr is drained by a
// background thread so a chatty server can never block on a full pipe.
//
// The process can be stopped with any signal (SIGKILL for crash tests) and started again on
// the same port, with the same directories, to test restart behaviour.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ferry::test {

struct FerrydOptions {
  std::filesystem::path config_dir;
  // Parent of log/, run/ and state/ (FERRY_LOG_DIR, FERRY_RUN_DIR, FERRY_STATE_DIR).
  std::filesystem::path var_dir;
  // Listen port on 127.0.0.1; 0 lets the kernel pick on the first start (restarts reuse it).
  uint16_t port = 0;
  std::string log_level = "info";
  // Overrides `--listen 127.0.0.1:<port>` (e.g. to test a bad address).
  std::string listen;
  // Extra environment ("" as value unsets a variable); every other FERRY_* variable of the
  // test's environment is removed so the child never touches the machine's directories.
  std::map<std::string, std::string> env;
  std::vector<std::string> extra_args;
};

class FerrydProcess {
 public:
  explicit FerrydProcess(FerrydOptions options);
  ~FerrydProcess();  // SIGKILLs a still running process
  FerrydProcess(const FerrydProcess&) = delete;
  FerrydProcess& operator=(const FerrydProcess&) = delete;

  // Spawns ferryd and waits (up to `limit`) for its "listening on" line. Returns "" on
  // success, else a message with the reason and the server's stderr so far.
  std::string start(std::chrono::milliseconds limit = std::chrono::seconds(30));
  // Only spawns the process (for tests of startup failures); "" or the reason.
  std::string spawn();

  // Sends `signo` and waits for the exit (up to `limit`); returns the exit code, 128 + the
  // signal for a signal death, -1 on timeout (the process is then SIGKILLed).
  int stop(int signo, std::chrono::milliseconds limit = std::chrono::seconds(20));

  // Waits for the process to exit by itself; same return values as stop() but no kill.
  int wait_exit(std::chrono::milliseconds limit);

  // Waits until `pattern` (ECMAScript regex) matches stderr of the current run; returns its
  // first capture group (or the whole match without groups), "" on timeout.
  std::string wait_for(const std::string& pattern,
                       std::chrono::milliseconds limit = std::chrono::seconds(20));

  void signal(int signo) const;
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  uint16_t port() const { return port_; }
  // Certificate fingerprint as logged at startup ("aa:bb:…"), "" before start().
  const std::string& fingerprint() const { return fingerprint_; }
  // stderr of the current run so far.
  std::string log() const;
  const FerrydOptions& options() const { return options_; }

 private:
  struct Output;
  int reap(std::chrono::milliseconds limit);

  FerrydOptions options_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string fingerprint_;
  std::shared_ptr<Output> output_;
};

}  // namespace ferry::test

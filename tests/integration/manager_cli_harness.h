// Test harness for the ferry-manager integration tests: runs the real binary (built as target
// ferry-manager into FERRY_BIN_DIR) as a child process with a temporary configuration
// directory, captures stdout, stderr and the exit status, and snapshots directory trees so a
// test can prove that a failed command changed nothing.
//
// Header-only because the integration suite compiles only *_test.cc files.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "support/store_temp_dir.h"
#include "support/temp_dir.h"

extern char** environ;

namespace ferry::test {

inline const std::string kManagerBin = FERRY_BIN_DIR "/ferry-manager";

struct RunResult {
  int status = -1;  // exit status, or -1 if the child did not exit normally
  std::string out;
  std::string err;
};

inline std::string read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// Runs `argv` (argv[0] is the program) with the current environment plus `env` overrides
// (an empty value unsets the variable). Output goes through files in `scratch`.
inline RunResult run_process(const std::vector<std::string>& argv,
                             const std::map<std::string, std::string>& env,
                             const std::filesystem::path& scratch) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string key = entry.substr(0, entry.find('='));
    if (env.count(key) == 0) env_strings.push_back(entry);
  }
  for (const auto& [key, value] : env) {
    if (!value.empty()) env_strings.push_back(key + "=" + value);
  }
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (auto& s : args) argp.push_back(s.data());
  argp.push_back(nullptr);

  const auto out_path = scratch / "stdout";
  const auto err_path = scratch / "stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argp[0], &actions, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  RunResult result;
  if (rc != 0) {
    ADD_FAILURE() << "cannot start " << argv[0] << ": " << rc;
    return result;
  }
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  result.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
  result.out = read_whole_file(out_path);
  result.err = read_whole_file(err_path);
  return result;
}

// Every file and directory below `root` with the content of each file ("<dir>/" for
// directories), so two snapshots compare byte for byte.
inline std::map<std::string, std::string> snapshot_tree(const std::filesystem::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const std::string rel = std::filesystem::relative(entry.path(), root).string();
    if (entry.is_directory()) {
      files[rel + "/"] = "";
    } else {
      files[rel] = read_whole_file(entry.path());
    }
  }
  return files;
}

// A temporary Ferry installation: <tmp>/etc is the config directory, <tmp>/data holds
// datastores, <tmp>/scratch the captured output of each run. <tmp> is a StoreTempDir (tmpfs
// when there is one): creating and removing a chunk store's 65536 directories on disk takes
// minutes on a busy machine.
class ManagerFixture : public ::testing::Test {
 protected:
  ManagerFixture() {
    std::filesystem::create_directories(config_dir());
    std::filesystem::create_directories(data_dir());
    std::filesystem::create_directories(scratch_.path());
  }

  std::filesystem::path config_dir() const { return tmp_.path() / "etc"; }
  std::filesystem::path data_dir() const { return tmp_.path() / "data"; }
  std::filesystem::path root() const { return tmp_.path(); }
  // The task logs, run and job-state directories the runs get (never the host's /var); outside
  // root(), so snapshot_tree(root()) sees config and data only.
  std::filesystem::path var_dir() const { return var_.path(); }
  std::filesystem::path job_state_dir() const { return var_dir() / "state" / "jobstates"; }

  // ferry-manager <args> --config-dir <tmp>/etc, with FERRY_CONFIG_DIR unset, TZ=UTC and
  // FERRY_LOG_DIR/RUN_DIR/STATE_DIR below var_dir() (`env` adds or overrides variables).
  RunResult manager(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), kManagerBin);
    args.push_back("--config-dir");
    args.push_back(config_dir().string());
    env.emplace("FERRY_CONFIG_DIR", "");
    env.emplace("TZ", "UTC");
    add_var_dirs(env);
    return run_process(args, env, scratch_.path());
  }

  void add_var_dirs(std::map<std::string, std::string>& env) const {
    env.emplace("FERRY_LOG_DIR", (var_dir() / "log").string());
    env.emplace("FERRY_RUN_DIR", (var_dir() / "run").string());
    env.emplace("FERRY_STATE_DIR", (var_dir() / "state").string());
  }

  // ferry-manager <args> exactly as given (no --config-dir added).
  RunResult manager_raw(std::vector<std::string> args, std::map<std::string, std::string> env) {
    args.insert(args.begin(), kManagerBin);
    return run_process(args, env, scratch_.path());
  }

  // A command line exactly as typed in a shell (pipes and quotes included), with
  // `proxmox-backup-manager` standing for our binary and FERRY_CONFIG_DIR set to <tmp>/etc.
  RunResult shell(const std::string& line) {
    std::string cmd = line;
    const std::string pbs = "proxmox-backup-manager";
    for (size_t pos; (pos = cmd.find(pbs)) != std::string::npos;) {
      cmd.replace(pos, pbs.size(), kManagerBin);
    }
    std::map<std::string, std::string> env{{"FERRY_CONFIG_DIR", config_dir().string()},
                                           {"TZ", "UTC"}};
    add_var_dirs(env);
    return run_process({"/bin/sh", "-c", cmd}, env, scratch_.path());
  }

  // Writes datastore.cfg with one section per name (path <tmp>/data/<name>), without creating
  // the chunk stores: that takes seconds and only `datastore create` tests need it.
  void register_datastores(const std::vector<std::string>& names) {
    std::ofstream cfg(config_dir() / "datastore.cfg");
    for (size_t i = 0; i < names.size(); ++i) {
      cfg << (i > 0 ? "\n" : "") << "datastore: " << names[i] << "\n\tpath "
          << (data_dir() / names[i]).string() << "\n";
    }
  }

  // Runs a command that must succeed; returns its stdout.
  std::string ok(const std::vector<std::string>& args) {
    const RunResult r = manager(args);
    EXPECT_EQ(r.status, 0) << describe(args) << "\nstderr: " << r.err;
    EXPECT_EQ(r.err, "") << describe(args);
    return r.out;
  }

  static std::string describe(const std::vector<std::string>& args) {
    std::string s = "ferry-manager";
    for (const auto& a : args) s += " '" + a + "'";
    return s;
  }

 private:
  StoreTempDir tmp_;
  TempDir scratch_;
  TempDir var_;
};

}  // namespace ferry::test

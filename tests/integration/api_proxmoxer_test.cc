// Runs tests/integration/proxmoxer_test.py (python3-proxmoxer, unchanged) against the
// in-process API: password and token login, remote and sync-job CRUD as PBS tooling does it.
#include <spawn.h>
#include <sys/wait.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "integration/api_harness.h"

extern char** environ;

namespace ferry::test {
namespace {

// The system interpreter: python3-proxmoxer is a Debian package, not in other interpreters.
constexpr const char* kPython = "/usr/bin/python3";

int run(std::vector<std::string> argv) {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

TEST(ApiProxmoxerTest, ProxmoxerManagesRemotesAndSyncJobsWithPasswordAndToken) {
  // Skipped only when the packages are missing (scripts/install-deps installs them, CI runs
  // it): anything else that goes wrong fails.
  if (!std::filesystem::exists(kPython)) {
    GTEST_SKIP() << kPython << " is missing: install python3 (scripts/install-deps)";
  }
  if (run({kPython, "-c", "import proxmoxer, requests"}) != 0) {
    GTEST_SKIP() << "python3 cannot import proxmoxer and requests: install python3-proxmoxer "
                    "and python3-requests (scripts/install-deps)";
  }
  ApiTestServer server;
  server.add_user("admin@pbs", "admin-secret");
  server.grant("/", "admin@pbs", "Admin");
  const std::string secret = server.add_token("admin@pbs!ci");
  server.grant("/", "admin@pbs!ci", "Admin");
  const std::string script =
      (std::filesystem::path(FERRY_TEST_DATA_DIR).parent_path() / "integration" /
       "proxmoxer_test.py")
          .string();
  EXPECT_EQ(run({kPython, script, "--port", std::to_string(server.port()), "--user",
                 "admin@pbs", "--password", "admin-secret", "--token-name", "ci",
                 "--token-value", secret}),
            0);
}

}  // namespace
}  // namespace ferry::test

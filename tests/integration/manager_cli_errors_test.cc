// ferry-manager with bad input: every case must fail with exit status 255, print nothing on
// stdout and exactly one line "Error: ..." on stderr that names the offending parameter (or
// object) and the reason — and leave every file below the temporary root byte for byte as it
// was (config files, lock files, datastore directories).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "integration/manager_cli_harness.h"

namespace ferry::test {
namespace {

const std::string kFingerprint =
    "64:d3:ff:3a:50:38:53:5a:9b:f7:50:a1:4c:03:5e:b9:6c:f0:6d:0a:53:2b:3e:9c:ab:3f:1f:f2:49:2e:"
    "ab:fe";
const std::string kStaleDigest(64, '0');

struct BadCase {
  std::vector<std::string> args;
  std::string expected;  // a substring of the error line: the field and/or the reason
};

class ManagerCliErrorsTest : public ManagerFixture {
 protected:
  // Datastores `local` and `other` (registered directly in datastore.cfg: creating chunk
  // stores takes seconds and is not what these cases test), remote `pbs2`, sync job
  // `pbs2-local`, and one real datastore directory `full` that is not empty.
  void SetUp() override {
    std::filesystem::create_directories(data_dir() / "full");
    std::ofstream(data_dir() / "full" / "x") << "x";
    register_datastores({"local", "other"});
    ok({"datastore", "update", "local", "--comment", "creates the lock file"});
    ok({"remote", "create", "pbs2", "--host", "pbs2.example", "--auth-id", "sync@pam", "--password",
        "SECRET", "--fingerprint", kFingerprint});
    ok({"sync-job", "create", "pbs2-local", "--remote", "pbs2", "--remote-store", "local",
        "--store", "local", "--schedule", "Wed 02:30"});
  }

  void expect_rejected(const BadCase& c) {
    const std::string cmd = describe(c.args);
    const auto before = snapshot_tree(root());
    const RunResult r = manager(c.args);
    EXPECT_EQ(r.status, 255) << cmd;
    EXPECT_EQ(r.out, "") << cmd;
    EXPECT_EQ(r.err.rfind("Error: ", 0), 0u) << cmd << "\nstderr: " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << cmd << "\nstderr: " << r.err;
    EXPECT_NE(r.err.find(c.expected), std::string::npos)
        << cmd << "\nexpected: " << c.expected << "\nstderr:   " << r.err;
    EXPECT_EQ(snapshot_tree(root()), before) << cmd << " changed files on disk";
  }

  std::vector<std::string> create_remote(std::vector<std::string> extra) {
    std::vector<std::string> args = {"remote",    "create",   "pbs3",       "--host", "h.example",
                                     "--auth-id", "sync@pam", "--password", "pw"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  std::vector<std::string> create_job(std::vector<std::string> extra) {
    std::vector<std::string> args = {"sync-job", "create", "job1",           "--store", "local",
                                     "--remote", "pbs2",   "--remote-store", "store2"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
};

TEST_F(ManagerCliErrorsTest, BadRemoteInputIsRejectedAndChangesNothing) {
  const std::vector<BadCase> cases = {
      {{"remote", "create", "p", "--host", "h.example", "--auth-id", "a@pam", "--password", "x"},
       "invalid parameter 'name': invalid remote name 'p': must be 3 to 32 characters"},
      {{"remote", "create", "bad name!", "--host", "h.example", "--auth-id", "a@pam", "--password",
        "x"},
       "invalid parameter 'name'"},
      {create_remote({"--port", "70000"}), "invalid parameter 'port': value '70000' is out of"},
      {create_remote({"--port", "7x"}), "invalid parameter 'port': value '7x' is not an integer"},
      {create_remote({"--port", "-1"}), "invalid parameter 'port'"},
      {create_remote({"--fingerprint", "64:d3:ff:3a:50:38:53:5a:9b:f7:50:...:ab:fe"}),
       "invalid parameter 'fingerprint'"},
      {create_remote({"--fingerprint", kFingerprint.substr(0, kFingerprint.size() - 3)}),
       "invalid parameter 'fingerprint'"},
      {create_remote({"--fingerprint", "zz" + kFingerprint.substr(2)}),
       "invalid parameter 'fingerprint'"},
      {{"remote", "create", "pbs3", "--host", "h.example", "--auth-id", "sync", "--password", "x"},
       "invalid parameter 'auth-id': invalid userid 'sync'"},
      {{"remote", "create", "pbs3", "--host", "h.example", "--userid", "sync@pam!", "--password",
        "x"},
       "invalid parameter 'auth-id'"},
      {{"remote", "create", "pbs3", "--host", "bad host!", "--auth-id", "a@pam", "--password", "x"},
       "invalid parameter 'host': invalid host 'bad host!'"},
      {{"remote", "create", "pbs3", "--host", "", "--auth-id", "a@pam", "--password", "x"},
       "invalid parameter 'host'"},
      {{"remote", "create", "pbs3", "--host", "h.example", "--auth-id", "a@pam", "--password", ""},
       "invalid parameter 'password'"},
      {{"remote", "create", "pbs3", "--host", "h.example", "--auth-id", "a@pam", "--password",
        "line\nbreak"},
       "invalid parameter 'password'"},
      {create_remote({"--comment", "tab\there"}), "invalid parameter 'comment'"},
      {{"remote", "create", "pbs2", "--host", "h.example", "--auth-id", "a@pam", "--password", "x"},
       "remote 'pbs2' already exists"},
      {{"remote", "create", "pbs3", "--auth-id", "a@pam", "--password", "x"}, "--host is required"},
      {{"remote", "update", "nope", "--host", "h.example"}, "no such remote 'nope'"},
      {{"remote", "update", "pbs2", "--port", "65536"}, "invalid parameter 'port'"},
      {{"remote", "update", "pbs2", "--delete", "host"},
       "invalid parameter 'delete': cannot delete property 'host'"},
      {{"remote", "update", "pbs2", "--comment", "x", "--digest", kStaleDigest}, "digest mismatch"},
      {{"remote", "update", "pbs2", "--comment", "x", "--digest", "xyz"},
       "invalid parameter 'digest'"},
      {{"remote", "remove", "pbs2"}, "remote 'pbs2' is used by sync job 'pbs2-local'"},
      {{"remote", "remove", "nope"}, "remote 'nope'"},
      {{"remote", "remove", "pbs2", "--digest", kStaleDigest}, "digest"},
  };
  for (const auto& c : cases) expect_rejected(c);
}

TEST_F(ManagerCliErrorsTest, BadSyncJobInputIsRejectedAndChangesNothing) {
  const std::vector<BadCase> cases = {
      {{"sync-job", "create", "j1", "--store", "local", "--remote-store", "other"},
       "invalid parameter 'id': invalid job id 'j1'"},
      {{"sync-job", "create", "job1", "--store", "nostore", "--remote", "pbs2", "--remote-store",
        "store2"},
       "invalid parameter 'store': no such datastore 'nostore'"},
      {{"sync-job", "create", "job1", "--store", "local", "--remote", "nope", "--remote-store",
        "store2"},
       "invalid parameter 'remote': no such remote 'nope'"},
      {create_job({"--remote", "pbs3"}), "--remote: At Most 1 required but received 2"},
      {create_job({"--max-depth", "8"}), "invalid parameter 'max-depth': value '8' is out of"},
      {create_job({"--max-depth", "x"}), "invalid parameter 'max-depth'"},
      {create_job({"--ns", "a//b"}), "invalid parameter 'ns': invalid namespace 'a//b'"},
      {create_job({"--remote-ns", "../x"}), "invalid parameter 'remote-ns'"},
      {create_job({"--ns", "a/b/c/d/e/f/g", "--max-depth", "1"}),
       "namespace 'a/b/c/d/e/f/g's depth and recursion depth exceed limit: 7 + 1 > 7"},
      {create_job({"--schedule", "daily 02:00"}), "invalid parameter 'schedule'"},
      {create_job({"--schedule", "*:60"}), "invalid parameter 'schedule'"},
      {create_job({"--schedule", ""}), "invalid parameter 'schedule'"},
      {{"sync-job", "update", "pbs2-local", "--schedule", "Wed 02:61"},
       "invalid parameter 'schedule'"},
      {{"sync-job", "update", "pbs2-local", "--schedule", "mon..fri 02:30 junk"},
       "invalid parameter 'schedule'"},
      {create_job({"--rate-in", "20XiB"}), "invalid parameter 'rate-in': invalid byte size"},
      {create_job({"--burst-out", "-5MiB"}), "invalid parameter 'burst-out'"},
      {create_job({"--group-filter", "type:vm", "--group-filter", "regex:("}),
       "invalid parameter 'group-filter': invalid group filter 'regex:('"},
      {create_job({"--group-filter", "foo:bar"}), "invalid parameter 'group-filter'"},
      {create_job({"--group-filter", "group:vm/"}), "invalid parameter 'group-filter'"},
      {create_job({"--remove-vanished", "maybe"}),
       "invalid parameter 'remove-vanished': value 'maybe' is not a boolean"},
      {create_job({"--transfer-last", "0"}), "invalid parameter 'transfer-last'"},
      {create_job({"--owner", "bad owner"}), "invalid parameter 'owner'"},
      {create_job({"--sync-direction", "sideways"}), "invalid parameter 'sync-direction'"},
      {create_job({"--sync-direction", "push", "--resync-corrupt", "1"}), "resync-corrupt"},
      {create_job({"--worker-threads", "0"}), "invalid parameter 'worker-threads'"},
      {create_job({"--comment", "a\x1b[2Jb"}), "invalid parameter 'comment'"},
      {{"sync-job", "create", "pbs2-local", "--store", "local", "--remote", "pbs2",
        "--remote-store", "store2"},
       "job 'pbs2-local' already exists"},
      {{"sync-job", "create", "job1", "--store", "local", "--remote-store", "local"},
       "source and target datastore can't be the same"},
      {{"sync-job", "create", "job1", "--store", "local", "--remote-store", "nostore"},
       "invalid parameter 'remote-store': no such datastore 'nostore'"},
      {{"sync-job", "create", "job1", "--remote-store", "other"}, "--store is required"},
      {{"sync-job", "update", "pbs2-local", "--comment", "x", "--digest", kStaleDigest},
       "digest mismatch"},
      {{"sync-job", "update", "pbs2-local", "--delete", "store"},
       "invalid parameter 'delete': cannot delete property 'store'"},
      {{"sync-job", "update", "pbs2-local", "--remote", "nope"}, "invalid parameter 'remote'"},
      {{"sync-job", "update", "nope", "--comment", "x"}, "nope"},
      {{"sync-job", "remove", "nope"}, "job 'nope' does not exist"},
      {{"sync-job", "list", "--sync-direction", "sideways"}, "invalid parameter 'sync-direction'"},
  };
  for (const auto& c : cases) expect_rejected(c);
}

TEST_F(ManagerCliErrorsTest, BadDatastoreInputIsRejectedAndChangesNothing) {
  const std::string fresh = (data_dir() / "fresh").string();
  const std::vector<BadCase> cases = {
      {{"datastore", "create", "ab", fresh}, "invalid parameter 'name'"},
      {{"datastore", "create", "fresh", "relative/dir"},
       "invalid parameter 'path': 'relative/dir' is not an absolute path"},
      {{"datastore", "create", "local", fresh}, "datastore 'local' already exists"},
      {{"datastore", "create", "full", (data_dir() / "full").string()}, "is not empty"},
      {{"datastore", "create", "fresh", fresh, "--gc-schedule", "bad"},
       "invalid parameter 'gc-schedule'"},
      {{"datastore", "update", "local", "--gc-schedule", "daily 02:00"},
       "invalid parameter 'gc-schedule'"},
      {{"datastore", "create", "fresh", fresh, "--prune-schedule", "sun 3:61"},
       "invalid parameter 'prune-schedule'"},
      {{"datastore", "update", "local", "--prune-schedule", "every day"},
       "invalid parameter 'prune-schedule'"},
      {{"datastore", "update", "local", "--keep-last", "0"}, "invalid parameter 'keep-last'"},
      {{"datastore", "update", "local", "--verify-new", "perhaps"},
       "invalid parameter 'verify-new'"},
      {{"datastore", "update", "local", "--notification-mode", "x"},
       "invalid parameter 'notification-mode'"},
      {{"datastore", "update", "local", "--tuning", "chunk-order=bogus"},
       "invalid parameter 'tuning'"},
      {{"datastore", "update", "local", "--notify-user", "bad"}, "invalid parameter 'notify-user'"},
      {{"datastore", "update", "local", "--comment", "x", "--digest", kStaleDigest},
       "digest mismatch"},
      {{"datastore", "remove", "nope"}, "datastore 'nope' does not exist"},
  };
  for (const auto& c : cases) expect_rejected(c);
}

TEST_F(ManagerCliErrorsTest, BadUsageAndCalendarEventsAreRejected) {
  const std::vector<BadCase> cases = {
      {{"calendar-event", "daily 02:00"}, "invalid calendar event 'daily 02:00'"},
      {{"calendar-event", "tues"}, "invalid calendar event 'tues'"},
      {{"calendar-event", ""}, "invalid calendar event ''"},
      {{"calendar-event", "daily", "--count", "0"}, "invalid parameter 'count'"},
      {{"calendar-event", "daily", "--from", "yesterday"}, "invalid parameter 'from'"},
      {{"remote", "list", "--output-format", "xml"}, "invalid output-format 'xml'"},
      {{"remote", "frobnicate"},
       "unknown command 'frobnicate' (see 'ferry-manager remote --help')"},
      {{"frobnicate"}, "unknown command 'frobnicate' (see 'ferry-manager --help')"},
      {{"remote", "list", "--bogus"}, "--bogus"},
      {{"remote"}, "A subcommand is required (see 'ferry-manager remote --help')"},
      {{"remote", "show"}, "name is required"},
      {{"cert", "info"}, "proxy.pem"},
  };
  for (const auto& c : cases) expect_rejected(c);
}

TEST_F(ManagerCliErrorsTest, GarbledConfigFilesAreReportedAndLeftAlone) {
  for (const char* file : {"datastore.cfg", "remote.cfg", "sync.cfg"}) {
    std::ofstream(config_dir() / file, std::ios::app) << "# a comment is a syntax error\n";
  }
  const std::vector<BadCase> cases = {
      {{"datastore", "list"}, "datastore.cfg:"},
      {{"datastore", "update", "local", "--comment", "x"}, "datastore.cfg:"},
      {{"remote", "list"}, "remote.cfg:"},
      {{"remote", "show", "pbs2"}, "remote.cfg:"},
      {{"remote", "update", "pbs2", "--comment", "x"}, "remote.cfg:"},
      {{"remote", "create", "pbs3", "--host", "h.example", "--auth-id", "a@pam", "--password", "x"},
       "remote.cfg:"},
      {{"sync-job", "list"}, "sync.cfg:"},
      {{"sync-job", "update", "pbs2-local", "--comment", "x"}, "sync.cfg:"},
      {{"sync-job", "remove", "pbs2-local"}, "sync.cfg:"},
  };
  for (const auto& c : cases) expect_rejected(c);
}

}  // namespace
}  // namespace ferry::test

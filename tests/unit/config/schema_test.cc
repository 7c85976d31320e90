// Every property of every schema with valid and invalid values (config-format.md §3–§6).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/datastore_config.h"
#include "config/remote_config.h"
#include "config/section_config.h"
#include "config/sync_job_config.h"
#include "config/verification_job_config.h"

namespace ferry::config {
namespace {

struct ValueCase {
  std::string key;
  std::string value;
  bool valid;
  std::string error;  // substring of the reason for invalid values
};

// Sets `c.key` on a valid base section and validates it against the file's only type.
void check_values(const ConfigFileSpec& spec, const Section& base,
                  const std::vector<ValueCase>& cases) {
  const SectionTypeSchema& type = spec.schema.types.front();
  ASSERT_TRUE(validate_section(type, base)) << spec.file_name << ": base section is invalid";
  for (const ValueCase& c : cases) {
    Section s = base;
    s.set(c.key, c.value);
    auto st = validate_section(type, s);
    std::string label = spec.file_name + " " + c.key + "='" + c.value + "'";
    if (c.valid) {
      EXPECT_TRUE(st) << label << ": " << st.error().message();
      continue;
    }
    ASSERT_FALSE(st) << label << " was accepted";
    EXPECT_EQ(st.error().code(), Errc::InvalidArgument) << label;
    EXPECT_NE(st.error().message().find("'" + c.key + "'"), std::string::npos)
        << label << ": error does not name the property: " << st.error().message();
    EXPECT_NE(st.error().message().find(c.error), std::string::npos)
        << label << ": " << st.error().message();
  }
}

const std::string kFp =
    "64:d3:ff:3a:50:38:53:5a:9b:f7:50:a1:4c:03:5e:b9:6c:f0:6d:0a:53:2b:3e:9c:ab:3f:1f:f2:49:2e:48:5a";

TEST(RemoteSchemaTest, ValidatesEveryProperty) {
  Section base{"remote", "pbs2", {}};
  base.set("host", "pbs2.example");
  base.set("auth-id", "sync@pam");
  base.set("password", "c2VjcmV0");
  check_values(remote_config_file(), base,
               {
                   {"host", "192.0.2.10", true, ""},
                   {"host", "2001:db8::1", true, ""},
                   {"host", "pbs-2.example.com", true, ""},
                   {"host", "pbs2.example:8007", false, "invalid host"},
                   {"host", "[2001:db8::1]", false, "invalid host"},
                   {"host", "-bad.example", false, "invalid host"},
                   {"host", "", false, "invalid host"},
                   {"port", "0", true, ""},
                   {"port", "65535", true, ""},
                   {"port", "65536", false, "out of range 0..65535"},
                   {"port", "-1", false, "out of range"},
                   {"port", "80a", false, "not an integer"},
                   {"auth-id", "sync@pbs!pull", true, ""},
                   {"auth-id", "sync", false, "auth"},
                   {"auth-id", "sync@pbs!", false, ""},
                   {"auth-id", "a@b", false, ""},
                   {"password", std::string(1024, 'A'), true, ""},
                   {"password", std::string(1025, 'A'), false, "too long"},
                   {"password", "", false, "too short"},
                   {"fingerprint", kFp, true, ""},
                   {"fingerprint", "64:D3:FF" + kFp.substr(8), true, ""},
                   {"fingerprint", kFp.substr(3), false, "invalid fingerprint"},
                   {"fingerprint", kFp + ":00", false, "invalid fingerprint"},
                   {"fingerprint", "zz" + kFp.substr(2), false, "invalid fingerprint"},
                   {"comment", "off-site copy", true, ""},
                   {"comment", std::string(128, 'c'), true, ""},
                   {"comment", std::string(129, 'c'), false, "too long"},
                   {"hots", "x", false, "unknown property"},
               });
}

TEST(SyncSchemaTest, ValidatesEveryProperty) {
  Section base{"sync", "job1", {}};
  base.set("store", "local");
  base.set("remote-store", "src");
  check_values(sync_config_file(), base,
               {
                   {"store", "ab", false, "3 to 32"},
                   {"store", "a b c", false, "only letters"},
                   {"remote-store", std::string(33, 's'), false, "3 to 32"},
                   {"ns", "", true, ""},
                   {"ns", "a/b/c/d/e/f/g", true, ""},
                   {"ns", "a/b/c/d/e/f/g/h", false, "levels"},
                   {"ns", "a//b", false, "empty component"},
                   {"remote-ns", "site1", true, ""},
                   {"remote-ns", "../x", false, "not a safe id"},
                   {"remote", "pbs2", true, ""},
                   {"remote", "p2", false, "invalid remote name"},
                   {"owner", "sync@pbs", true, ""},
                   {"owner", "sync@pbs!tok", true, ""},
                   {"owner", "nobody", false, ""},
                   {"remove-vanished", "true", true, ""},
                   {"remove-vanished", "TRUE", true, ""},
                   {"remove-vanished", "2", false, "not a boolean"},
                   {"max-depth", "0", true, ""},
                   {"max-depth", "7", true, ""},
                   {"max-depth", "8", false, "out of range 0..7"},
                   {"group-filter", "type:ct", true, ""},
                   {"group-filter", "exclude:regex:^vm/1\\d{2,3}$", true, ""},
                   {"group-filter", "regex:(", false, "invalid regex"},
                   {"group-filter", "type:VM", false, "invalid group filter"},
                   {"transfer-last", "1", true, ""},
                   {"transfer-last", "0", false, "minimum 1"},
                   {"schedule", "hourly", true, ""},
                   {"schedule", "", false, "calendar event"},
                   {"comment", "x", true, ""},
                   {"rate-in", "20MiB", true, ""},
                   {"rate-in", "10 MiB", true, ""},
                   {"burst-in", "1.5 GB", true, ""},
                   {"rate-out", "1500000", true, ""},
                   {"burst-out", "-1", false, "invalid byte size"},
                   {"rate-in", "20 XB", false, "invalid byte size"},
                   {"sync-direction", "push", true, ""},
                   {"sync-direction", "sideways", false, "not one of: pull, push"},
                   {"resync-corrupt", "on", true, ""},
                   {"encrypted-only", "yes", true, ""},
                   {"verified-only", "no", true, ""},
                   {"run-on-mount", "off", true, ""},
                   {"unmount-on-done", "1", true, ""},
                   {"worker-threads", "32", true, ""},
                   {"worker-threads", "0", false, "out of range 1..32"},
                   {"worker-threads", "33", false, "out of range 1..32"},
                   {"associated-key", "k1", false, "unknown property"},
               });
}

TEST(DatastoreSchemaTest, ValidatesEveryProperty) {
  Section base{"datastore", "store1", {}};
  base.set("path", "/mnt/datastore/store1");
  check_values(datastore_config_file(), base,
               {
                   {"path", "", false, "too short"},
                   {"path", std::string(4097, 'p'), false, "too long"},
                   {"gc-schedule", "daily", true, ""},
                   {"prune-schedule", "sat 18:15", true, ""},
                   {"keep-last", "1", true, ""},
                   {"keep-hourly", "0", false, "minimum 1"},
                   {"keep-daily", "x", false, "not an integer"},
                   {"keep-weekly", "4", true, ""},
                   {"keep-monthly", "-3", false, "minimum 1"},
                   {"keep-yearly", "10", true, ""},
                   {"verify-new", "true", true, ""},
                   {"verify-new", "sometimes", false, "not a boolean"},
                   {"notify-user", "root@pam", true, ""},
                   {"notify-user", "root@pam!tok", false, ""},
                   {"notify", "gc=error,verify=always,sync=never,prune=error", true, ""},
                   {"notify", "gc=sometimes", false, "not one of"},
                   {"notify", "backup=always", false, "unknown key 'backup'"},
                   {"notification-mode", "legacy-sendmail", true, ""},
                   {"notification-mode", "notification-system", true, ""},
                   {"notification-mode", "email", false, "not one of"},
                   {"tuning", "chunk-order=none,sync-level=file", true, ""},
                   {"tuning", "sync-level=filesystem", true, ""},
                   {"tuning", "chunk-order=random", false, "not one of"},
                   {"tuning", "gc-atime-cutoff=60", false, "unknown key"},
                   {"tuning", "chunk-order=none,chunk-order=inode", false, "duplicate key"},
                   {"maintenance-mode", "offline", true, ""},
                   {"maintenance-mode", "read-only,message=disk swap", true, ""},
                   {"maintenance-mode", "type=offline,message=\"a, b\"", true, ""},
                   {"maintenance-mode", "read-only,message=" + std::string(65, 'm'), false,
                    "at most 64"},
                   {"maintenance-mode", "broken", false, "not one of"},
                   {"maintenance-mode", "message=x", false, "missing 'type'"},
                   {"backing-device", "x", false, "unknown property"},
               });
}

TEST(VerificationSchemaTest, ValidatesEveryProperty) {
  Section base{"verification", "v-store2", {}};
  base.set("store", "store2");
  check_values(verification_config_file(), base,
               {
                   {"store", "s", false, "3 to 32"},
                   {"ns", "a/b", true, ""},
                   {"ns", "a/", false, "empty component"},
                   {"max-depth", "7", true, ""},
                   {"max-depth", "8", false, "out of range 0..7"},
                   {"ignore-verified", "false", true, ""},
                   {"ignore-verified", "nope", false, "not a boolean"},
                   {"outdated-after", "0", true, ""},
                   {"outdated-after", "30", true, ""},
                   {"outdated-after", "-1", false, "minimum 0"},
                   {"schedule", "daily", true, ""},
                   {"comment", "line\x01", false, "control characters"},
                   {"remote", "pbs2", false, "unknown property"},
               });
}

TEST(SchemaTest, RequiredPropertiesAndIdsAreEnforced) {
  struct Case {
    const ConfigFileSpec* spec;
    Section section;
    std::string error;
  };
  std::vector<Case> cases = {
      {&remote_config_file(), Section{"remote", "pbs2", {}}, "missing required property 'host'"},
      {&sync_config_file(), Section{"sync", "job1", {{"store", {"local"}}}},
       "missing required property 'remote-store'"},
      {&datastore_config_file(), Section{"datastore", "store1", {}},
       "missing required property 'path'"},
      {&verification_config_file(), Section{"verification", "v-1x", {}},
       "missing required property 'store'"},
      {&sync_config_file(),
       Section{"sync", "j", {{"store", {"local"}}, {"remote-store", {"src"}}}},
       "invalid job id 'j'"},
      {&datastore_config_file(), Section{"datastore", "a/b", {{"path", {"/x"}}}},
       "invalid datastore name 'a/b'"},
  };
  for (const Case& c : cases) {
    auto st = validate_section(c.spec->schema.types.front(), c.section);
    ASSERT_FALSE(st) << c.spec->file_name << " " << c.section.id;
    EXPECT_NE(st.error().message().find(c.error), std::string::npos)
        << c.spec->file_name << ": " << st.error().message();
  }
}

TEST(SchemaTest, FileSpecsNameLockFilesAndModes) {
  struct Case {
    const ConfigFileSpec* spec;
    std::string file;
    std::string lock;
  };
  for (const Case& c : std::vector<Case>{
           {&datastore_config_file(), "datastore.cfg", ".datastore.lck"},
           {&remote_config_file(), "remote.cfg", ".remote.lck"},
           {&sync_config_file(), "sync.cfg", ".sync.lck"},
           {&verification_config_file(), "verification.cfg", ".verification.lck"}}) {
    EXPECT_EQ(c.spec->file_name, c.file);
    EXPECT_EQ(c.spec->lock_name, c.lock);
    EXPECT_EQ(c.spec->mode, 0640u) << c.file;
  }
}

}  // namespace
}  // namespace ferry::config

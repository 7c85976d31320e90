// ferry-manager end to end: the command lines of the PBS "Managing Remotes & Sync" chapter
// (/work/shared/seed/managing-remotes.txt) run verbatim against the real binary, with
// `proxmox-backup-manager` replaced by ferry-manager; the tables they print; the files they
// write; json output; completion. Bad input is covered in manager_cli_errors_test.cc.
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "config/config_dir.h"
#include "config/config_file.h"
#include "config/datastore_config.h"
#include "config/remote_config.h"
#include "config/sync_job_config.h"
#include "http/certificate.h"
#include "integration/manager_cli_harness.h"

namespace ferry::test {
namespace {

using nlohmann::json;

// The seed's fingerprint is elided ("64:d3:ff:...:ab:fe"); this is a complete one with the
// same beginning and end.
const std::string kFingerprint =
    "64:d3:ff:3a:50:38:53:5a:9b:f7:50:a1:4c:03:5e:b9:6c:f0:6d:0a:53:2b:3e:9c:ab:3f:1f:f2:49:2e:"
    "ab:fe";
const std::string kElidedFingerprint = "64:d3:ff:3a:50:38:53:5a:9b:f7:50:...:ab:fe";

// The seed's `remote list` table for the seed's data, with the complete fingerprint: PBS pads
// every cell by one space on each side (the seed's conversion lost some of those spaces).
const std::string kSeedRemoteList =
    "┌──────┬──────────────┬──────────┬──────────────────────────────────────────────────────────"
    "───────────────────────────────────────┬─────────┐\n"
    "│ name │ host         │ userid   │ fingerprint                                              "
    "                                       │ comment │\n"
    "╞══════╪══════════════╪══════════╪══════════════════════════════════════════════════════════"
    "═══════════════════════════════════════╪═════════╡\n"
    "│ pbs2 │ pbs2.example │ sync@pam │ "
    "64:d3:ff:3a:50:38:53:5a:9b:f7:50:a1:4c:03:5e:b9:6c:f0:6d:0a:"
    "53:2b:3e:9c:ab:3f:1f:f2:49:2e:ab:fe │         │\n"
    "└──────┴──────────────┴──────────┴──────────────────────────────────────────────────────────"
    "───────────────────────────────────────┴─────────┘\n";

// The seed's `sync-job list` table, character for character (cell padding restored).
const std::string kSeedSyncJobList =
    "┌────────────┬───────┬────────┬──────────────┬───────────┬─────────┐\n"
    "│ id         │ store │ remote │ remote-store │ schedule  │ comment │\n"
    "╞════════════╪═══════╪════════╪══════════════╪═══════════╪═════════╡\n"
    "│ pbs2-local │ local │ pbs2   │ local        │ Wed 02:30 │ offsite │\n"
    "└────────────┴───────┴────────┴──────────────┴───────────┴─────────┘\n";

class ManagerCliTest : public ManagerFixture {
 protected:
  // Runs a seed command line (shell syntax) that must succeed; returns its stdout.
  std::string seed(const std::string& line) {
    const RunResult r = shell(line);
    EXPECT_EQ(r.status, 0) << line << "\nstderr: " << r.err;
    EXPECT_EQ(r.err, "") << line;
    return r.out;
  }

  void create_local_datastore() { register_datastores({"local"}); }
  std::string store_path(const std::string& name) const { return (data_dir() / name).string(); }

  // The state after the seed's `remote create` (and `remote update` for pbs2.example).
  void create_seed_remote(const std::string& host = "pbs2.example") {
    ok({"remote", "create", "pbs2", "--host", host, "--auth-id", "sync@pam", "--password",
        "SECRET", "--fingerprint", kFingerprint});
  }

  // The state after the seed's `sync-job create`.
  void create_seed_job() {
    create_local_datastore();
    create_seed_remote();
    ok({"sync-job", "create", "pbs2-local", "--remote", "pbs2", "--remote-store", "local",
        "--store", "local", "--schedule", "Wed 02:30"});
  }

  json show_json(const std::string& group, const std::string& id) {
    return json::parse(ok({group, "show", id, "--output-format", "json"}));
  }
};

TEST_F(ManagerCliTest, SeedCertInfoGrepFingerprint) {
  http::CertificateOptions opts;
  opts.key_type = http::KeyType::EcP256;
  ASSERT_TRUE(http::generate_self_signed(config_dir(), opts));
  const auto fingerprint =
      http::certificate_fingerprint(read_whole_file(config_dir() / "proxy.pem"));
  ASSERT_TRUE(fingerprint);

  EXPECT_EQ(seed("proxmox-backup-manager cert info |grep Fingerprint"),
            "Fingerprint (sha256): " + *fingerprint + "\n");
  const json info = json::parse(ok({"cert", "info", "--output-format", "json-pretty"}));
  EXPECT_EQ(info["fingerprint"], *fingerprint);
  EXPECT_EQ(info["filename"], "proxy.pem");
  EXPECT_EQ(info["public-key-type"], "id-ecPublicKey");
}

// One test per command line of the seed, in the seed's order; each starts from the state the
// seed's earlier lines leave behind.

TEST_F(ManagerCliTest, SeedRemoteCreateWithTheElidedFingerprintIsRefusedClearly) {
  const RunResult elided = shell(
      "proxmox-backup-manager remote create pbs2 --host pbs2.mydomain.example --userid sync@pam "
      "--password 'SECRET' --fingerprint " +
      kElidedFingerprint);
  EXPECT_EQ(elided.status, 255);
  EXPECT_EQ(elided.out, "");
  EXPECT_EQ(elided.err, "Error: invalid parameter 'fingerprint': invalid fingerprint '" +
                            kElidedFingerprint +
                            "': expected 32 hex byte pairs separated by ':'\n");
  EXPECT_FALSE(std::filesystem::exists(config_dir() / "remote.cfg"));
}

TEST_F(ManagerCliTest, SeedRemoteCreate) {
  // The seed's line with the fingerprint written out in full.
  EXPECT_EQ(seed("proxmox-backup-manager remote create pbs2 --host pbs2.mydomain.example "
                 "--userid sync@pam --password 'SECRET' --fingerprint " +
                 kFingerprint),
            "");
  EXPECT_EQ(read_whole_file(config_dir() / "remote.cfg"),
            "remote: pbs2\n\tauth-id sync@pam\n\tfingerprint " + kFingerprint +
                "\n\thost pbs2.mydomain.example\n\tpassword U0VDUkVU\n");
}

TEST_F(ManagerCliTest, SeedRemoteUpdateHost) {
  create_seed_remote("pbs2.mydomain.example");
  EXPECT_EQ(seed("proxmox-backup-manager remote update pbs2 --host pbs2.example"), "");
  EXPECT_EQ(show_json("remote", "pbs2")["host"], "pbs2.example");
}

TEST_F(ManagerCliTest, SeedRemoteListPrintsTheSeedTable) {
  create_seed_remote("pbs2.example");
  EXPECT_EQ(seed("proxmox-backup-manager remote list"), kSeedRemoteList);
}

TEST_F(ManagerCliTest, SeedRemoteRemove) {
  create_seed_remote("pbs2.example");
  EXPECT_EQ(seed("proxmox-backup-manager remote remove pbs2"), "");
  EXPECT_EQ(ok({"remote", "list", "--output-format", "json"}), "[]\n");
  EXPECT_EQ(read_whole_file(config_dir() / "remote.cfg"), "");
}

TEST_F(ManagerCliTest, SeedSyncJobCreate) {
  create_local_datastore();
  create_seed_remote("pbs2.example");
  EXPECT_EQ(seed("proxmox-backup-manager sync-job create pbs2-local --remote pbs2 "
                 "--remote-store local --store local --schedule 'Wed 02:30'"),
            "");
  EXPECT_EQ(read_whole_file(config_dir() / "sync.cfg"),
            "sync: pbs2-local\n\tremote pbs2\n\tremote-store local\n\tschedule Wed 02:30\n"
            "\tstore local\n");
}

TEST_F(ManagerCliTest, SeedSyncJobUpdateComment) {
  create_seed_job();
  EXPECT_EQ(seed("proxmox-backup-manager sync-job update pbs2-local --comment 'offsite'"), "");
  EXPECT_EQ(show_json("sync-job", "pbs2-local")["comment"], "offsite");
}

TEST_F(ManagerCliTest, SeedSyncJobListPrintsTheSeedTable) {
  create_seed_job();
  ok({"sync-job", "update", "pbs2-local", "--comment", "offsite"});
  EXPECT_EQ(seed("proxmox-backup-manager sync-job list"), kSeedSyncJobList);
}

TEST_F(ManagerCliTest, SeedSyncJobRemove) {
  create_seed_job();
  EXPECT_EQ(seed("proxmox-backup-manager sync-job remove pbs2-local"), "");
  EXPECT_EQ(ok({"sync-job", "list", "--output-format", "json"}), "[]\n");
}

// The seed writes `ID` for a job id (too short for one: ids have 3 to 32 characters); these
// lines use pbs2-local. Each --group-filter line replaces the job's filter list.
TEST_F(ManagerCliTest, SeedSyncJobUpdateGroupFilterType) {
  create_seed_job();
  seed("proxmox-backup-manager sync-job update pbs2-local --group-filter type:ct");
  EXPECT_EQ(show_json("sync-job", "pbs2-local")["group-filter"], json::array({"type:ct"}));
}

TEST_F(ManagerCliTest, SeedSyncJobUpdateGroupFilterGroup) {
  create_seed_job();
  seed("proxmox-backup-manager sync-job update pbs2-local --group-filter type:ct");
  seed("proxmox-backup-manager sync-job update pbs2-local --group-filter group:vm/100");
  EXPECT_EQ(show_json("sync-job", "pbs2-local")["group-filter"], json::array({"group:vm/100"}));
}

TEST_F(ManagerCliTest, SeedSyncJobUpdateGroupFilterRegex) {
  create_seed_job();
  seed("proxmox-backup-manager sync-job update pbs2-local --group-filter regex:'^vm/1\\d{2,3}$'");
  EXPECT_EQ(show_json("sync-job", "pbs2-local")["group-filter"],
            json::array({"regex:^vm/1\\d{2,3}$"}));
  EXPECT_NE(read_whole_file(config_dir() / "sync.cfg").find("\tgroup-filter regex:^vm/1\\d{2,3}$\n"),
            std::string::npos);
}

TEST_F(ManagerCliTest, SeedSyncJobUpdateGroupFilterExcludeRegex) {
  create_seed_job();
  seed("proxmox-backup-manager sync-job update pbs2-local --group-filter "
       "exclude:regex:'^vm/1\\d{2,3}$'");
  EXPECT_EQ(show_json("sync-job", "pbs2-local")["group-filter"],
            json::array({"exclude:regex:^vm/1\\d{2,3}$"}));
}

TEST_F(ManagerCliTest, SeedSyncJobUpdateRateIn) {
  create_seed_job();
  seed("proxmox-backup-manager sync-job update pbs2-local --rate-in 20MiB");
  EXPECT_EQ(show_json("sync-job", "pbs2-local")["rate-in"], "20 MiB");
}

TEST_F(ManagerCliTest, FilesWrittenParseBackIdentically) {
  create_local_datastore();
  ok({"datastore", "update", "local", "--comment", "Main store", "--gc-schedule", "daily"});
  create_seed_remote();
  ok({"remote", "update", "pbs2", "--port", "8008", "--comment", "off site"});
  ok({"sync-job",
      "create",
      "s-1",
      "--store",
      "local",
      "--remote",
      "pbs2",
      "--remote-store",
      "store2",
      "--ns",
      "a/b",
      "--remote-ns",
      "site1",
      "--max-depth",
      "2",
      "--owner",
      "sync@pbs",
      "--remove-vanished",
      "yes",
      "--group-filter",
      "type:vm",
      "--group-filter",
      "exclude:regex:^vm/1[0-9]{2}$",
      "--transfer-last",
      "3",
      "--schedule",
      "hourly",
      "--rate-in",
      "10 MiB",
      "--burst-out",
      "1.5GB"});

  const config::ConfigDir dir(config_dir());
  for (const auto* spec : {&config::datastore_config_file(), &config::remote_config_file(),
                           &config::sync_config_file()}) {
    auto loaded = config::read_config(dir, *spec);
    ASSERT_TRUE(loaded) << spec->file_name << ": " << loaded.error().to_string();
    auto written = config::write_section_config(spec->schema, loaded->data);
    ASSERT_TRUE(written) << spec->file_name;
    EXPECT_EQ(*written, read_whole_file(config_dir() / spec->file_name)) << spec->file_name;
  }

  auto remotes = config::read_config(dir, config::remote_config_file());
  ASSERT_TRUE(remotes);
  auto remote = config::RemoteConfig::from_section(remotes->data.sections().at(0));
  ASSERT_TRUE(remote);
  EXPECT_EQ(remote->host, "pbs2.example");
  EXPECT_EQ(remote->port, 8008);
  EXPECT_EQ(remote->auth_id.to_string(), "sync@pam");
  EXPECT_EQ(remote->fingerprint, kFingerprint);
  EXPECT_EQ(remote->decode_password().value(), "SECRET");

  auto jobs = config::read_config(dir, config::sync_config_file());
  ASSERT_TRUE(jobs);
  auto job = config::SyncJobConfig::from_section(jobs->data.sections().at(0));
  ASSERT_TRUE(job);
  EXPECT_EQ(job->ns->to_string(), "a/b");
  EXPECT_EQ(job->max_depth, 2u);
  EXPECT_EQ(job->remove_vanished, true);
  ASSERT_EQ(job->group_filter.size(), 2u);
  EXPECT_EQ(job->group_filter[1].to_string(), "exclude:regex:^vm/1[0-9]{2}$");
  EXPECT_EQ(job->rate_in->bytes(), 10u * 1024 * 1024);
  EXPECT_EQ(job->burst_out->bytes(), 1500000000u);
}

TEST_F(ManagerCliTest, JsonOutputParsesAndUsesPbsPropertyNames) {
  create_local_datastore();
  create_seed_remote();
  ok({"sync-job", "create", "pbs2-local", "--remote", "pbs2", "--remote-store", "local", "--store",
      "local", "--remove-vanished", "1", "--max-depth", "0"});
  for (const char* group : {"datastore", "remote", "sync-job"}) {
    for (const char* format : {"json", "json-pretty"}) {
      const std::string out = ok({group, "list", "--output-format", format});
      const json list = json::parse(out);
      ASSERT_TRUE(list.is_array()) << out;
      ASSERT_EQ(list.size(), 1u) << out;
    }
  }
  const json remote = show_json("remote", "pbs2");
  EXPECT_EQ(remote["auth-id"], "sync@pam");
  EXPECT_EQ(remote["digest"].get<std::string>().size(), 64u);
  EXPECT_FALSE(remote.contains("password"));
  const json job = show_json("sync-job", "pbs2-local");
  EXPECT_EQ(job["remote-store"], "local");
  EXPECT_EQ(job["remove-vanished"], true);
  EXPECT_EQ(job["max-depth"], 0);
  const json store = show_json("datastore", "local");
  EXPECT_EQ(store["path"], store_path("local"));
  // Commands without a result print `null` in json mode, nothing in text mode.
  EXPECT_EQ(ok({"remote", "update", "pbs2", "--comment", "x", "--output-format", "json"}),
            "null\n");
}

TEST_F(ManagerCliTest, PasswordIsNeverPrinted) {
  create_seed_remote();
  std::string all;
  for (const char* format : {"text", "json", "json-pretty"}) {
    all += ok({"remote", "list", "--output-format", format});
    all += ok({"remote", "show", "pbs2", "--output-format", format});
  }
  EXPECT_EQ(all.find("SECRET"), std::string::npos);
  EXPECT_EQ(all.find("U0VDUkVU"), std::string::npos);  // base64 as stored
  EXPECT_EQ(all.find("password"), std::string::npos);
}

TEST_F(ManagerCliTest, UpdateDeletesPropertiesAndHonoursACurrentDigest) {
  create_seed_remote();
  ok({"remote", "update", "pbs2", "--comment", "offsite", "--port", "8008"});
  const std::string digest = show_json("remote", "pbs2")["digest"];
  ok({"remote", "update", "pbs2", "--delete", "fingerprint", "--delete", "port", "--digest",
      digest});
  const json remote = show_json("remote", "pbs2");
  EXPECT_FALSE(remote.contains("fingerprint"));
  EXPECT_FALSE(remote.contains("port"));
  EXPECT_EQ(remote["comment"], "offsite");
  // --userid is the older spelling of --auth-id.
  ok({"remote", "update", "pbs2", "--userid", "sync@pbs!pull"});
  EXPECT_EQ(show_json("remote", "pbs2")["auth-id"], "sync@pbs!pull");
}

TEST_F(ManagerCliTest, DatastoreLifecycle) {
  ok({"datastore", "create", "local", store_path("local")});
  EXPECT_TRUE(std::filesystem::is_directory(data_dir() / "local" / ".chunks"));
  ok({"datastore", "update", "local", "--comment", "Main store", "--verify-new", "on"});
  const std::string list = ok({"datastore", "list"});
  EXPECT_NE(list.find("│ name  │ path "), std::string::npos) << list;
  EXPECT_NE(list.find("│ local │ " + store_path("local") + " │ Main store │\n"), std::string::npos)
      << list;
  const json store = show_json("datastore", "local");
  EXPECT_EQ(store["comment"], "Main store");
  EXPECT_EQ(store["verify-new"], true);
  ok({"datastore", "update", "local", "--delete", "comment"});
  EXPECT_FALSE(show_json("datastore", "local").contains("comment"));
  ok({"datastore", "remove", "local"});
  EXPECT_EQ(ok({"datastore", "list", "--output-format", "json"}), "[]\n");
  // The data stays on disk.
  EXPECT_TRUE(std::filesystem::is_directory(data_dir() / "local" / ".chunks"));
}

TEST_F(ManagerCliTest, ConfigDirOptionBeatsEnvironmentWhichBeatsDefault) {
  create_seed_remote();
  TempDir other;
  // Environment only: the other (empty) directory.
  RunResult r = manager_raw({"remote", "list", "--output-format", "json"},
                            {{"FERRY_CONFIG_DIR", other.path().string()}});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "[]\n");
  // --config-dir wins over the environment, before or after the subcommand.
  r = manager_raw(
      {"--config-dir", config_dir().string(), "remote", "list", "--output-format", "json"},
      {{"FERRY_CONFIG_DIR", other.path().string()}});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(json::parse(r.out).size(), 1u);
}

TEST_F(ManagerCliTest, CalendarEventPrintsNextElapsesInLocalTimeAndUtc) {
  const std::string expected =
      "  Original form: Wed 02:30\n"
      "    Next elapse: Wed 2024-06-05 02:30:00 CEST\n"
      "       (in UTC): Wed 2024-06-05 00:30:00 UTC\n"
      "       Iter. #2: Wed 2024-06-12 02:30:00 CEST\n"
      "       (in UTC): Wed 2024-06-12 00:30:00 UTC\n";
  RunResult r =
      manager({"calendar-event", "Wed 02:30", "--from", "2024-06-05T00:00:00Z", "--count", "2"},
              {{"TZ", "Europe/Vienna"}});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, expected);

  // --utc evaluates in UTC; json lists the epochs.
  r = manager({"calendar-event", "Wed 02:30", "--from", "2024-06-05T00:00:00Z", "--utc",
               "--output-format", "json"},
              {{"TZ", "Europe/Vienna"}});
  EXPECT_EQ(r.status, 0) << r.err;
  const json out = json::parse(r.out);
  EXPECT_EQ(out["next"].at(0)["utc"], "2024-06-05T02:30:00Z");
  EXPECT_EQ(out["next"].at(0)["epoch"], 1717554600);

  EXPECT_EQ(ok({"calendar-event", "2015-10-21"}),
            "  Original form: 2015-10-21\n    Next elapse: never\n");
}

TEST_F(ManagerCliTest, BashCompletionFromTheInstalledScriptCompletesCommandsAndValues) {
  // What docs/cli.md says to install: the checked-in loader, with ferry-manager on PATH.
  const std::string loader =
      std::string(FERRY_TEST_DATA_DIR) + "/../../scripts/completion/ferry-manager.bash";
  const auto complete = [&](const std::string& words, int cword) {
    const std::string program = "PATH=" + std::string(FERRY_BIN_DIR) + ":$PATH; source " + loader +
                                "; COMP_WORDS=(" + words + "); COMP_CWORD=" +
                                std::to_string(cword) +
                                "; _ferry_manager; echo \"${COMPREPLY[*]}\"";
    const RunResult r = run_process({"/bin/bash", "-c", program}, {}, config_dir());
    EXPECT_EQ(r.err, "") << words;
    return r.out;
  };
  const RunResult registered = run_process(
      {"/bin/bash", "-c",
       "PATH=" + std::string(FERRY_BIN_DIR) + ":$PATH; source " + loader + "; complete -p ferry-manager"},
      {}, config_dir());
  EXPECT_EQ(registered.out, "complete -F _ferry_manager ferry-manager\n") << registered.err;
  // The generated script is what `completion bash` prints, whatever the loader does.
  EXPECT_EQ(ok({"completion", "bash"}).rfind("# bash completion for ferry-manager", 0), 0u);

  EXPECT_EQ(complete("ferry-manager sy", 1), "sync-job\n");
  EXPECT_EQ(complete("ferry-manager remote cr", 2), "create\n");
  EXPECT_EQ(complete("ferry-manager remote create pbs2 --us", 4), "--userid\n");
  EXPECT_EQ(complete("ferry-manager sync-job update x --remove-vanished ''", 5), "true false\n");
  EXPECT_EQ(complete("ferry-manager --output-format json remote li", 4), "list\n");
  EXPECT_EQ(complete("ferry-manager user ''", 2),
            "list list-tokens permissions create update remove generate-token delete-token\n");
  EXPECT_EQ(complete("ferry-manager user gen", 2), "generate-token\n");
  EXPECT_EQ(complete("ferry-manager acl update / Admin --pro", 5), "--propagate\n");
  EXPECT_EQ(complete("ferry-manager user update alice@pbs --enable ''", 5), "true false\n");
  EXPECT_EQ(complete("ferry-manager a", 1), "acl\n");
}

// Config ids where an id goes (PBS's completion callbacks): positionals and option values, read
// from the --config-dir on the line or FERRY_CONFIG_DIR, through `completion ids KIND`.
TEST_F(ManagerCliTest, BashCompletionOffersConfigIds) {
  create_seed_job();
  std::ofstream(config_dir() / "verification.cfg") << "verification: v-local\n\tstore local\n";
  std::ofstream(config_dir() / "user.cfg") << "user: alice@pbs\n\tenable true\n";
  register_datastores({"local", "other"});
  const std::string loader =
      std::string(FERRY_TEST_DATA_DIR) + "/../../scripts/completion/ferry-manager.bash";
  const std::string dir = config_dir().string();
  const auto complete = [&](const std::string& words, int cword,
                            std::map<std::string, std::string> env = {{"FERRY_CONFIG_DIR", ""}}) {
    const std::string program = "PATH=" + std::string(FERRY_BIN_DIR) + ":$PATH; source " + loader +
                                "; COMP_WORDS=(" + words + "); COMP_CWORD=" +
                                std::to_string(cword) +
                                "; _ferry_manager; echo \"${COMPREPLY[*]}\"";
    const RunResult r = run_process({"/bin/bash", "-c", program}, env, root());
    EXPECT_EQ(r.err, "") << words;
    return r.out;
  };
  struct Case {
    std::string words;
    int cword;
    std::string want;
  };
  const std::string on = "ferry-manager --config-dir " + dir + " ";  // words 0..2
  const std::vector<Case> cases = {
      {on + "sync-job update ''", 5, "pbs2-local\n"},
      {on + "sync-job run p", 5, "pbs2-local\n"},
      {on + "verify-job remove ''", 5, "v-local\n"},
      {on + "remote show ''", 5, "pbs2\n"},
      {on + "datastore update ''", 5, "local other\n"},
      {on + "verify o", 4, "other\n"},
      {on + "pull ''", 4, "pbs2\n"},
      {on + "pull pbs2 src ''", 6, "local other\n"},
      {on + "user update ''", 5, "root@pam alice@pbs\n"},
      {on + "sync-job update pbs2-local --remote ''", 7, "pbs2\n"},
      {on + "sync-job update pbs2-local --store l", 7, "local\n"},
      {on + "sync-job update pbs2-local --owner a", 7, "alice@pbs\n"},
      {on + "acl update / Admin --auth-id ''", 8, "root@pam alice@pbs\n"},
      // an option value is not a positional: the second word after it is not an id
      {on + "sync-job update --digest abc ''", 7, "pbs2-local\n"},
      {on + "sync-job update pbs2-local --co", 6, "--comment --config-dir\n"},
      // --config-dir after the word, split at '=' by bash
      {"ferry-manager sync-job update '' --config-dir = " + dir, 3, "pbs2-local\n"},
      // the hidden command is not offered
      {on + "completion ''", 4, "bash\n"},
  };
  for (const Case& c : cases) EXPECT_EQ(complete(c.words, c.cword), c.want) << c.words;
  // create names a new object: options, no ids
  const std::string create = complete(on + "remote create ''", 5);
  EXPECT_NE(create.find("--host"), std::string::npos) << create;
  EXPECT_EQ(create.find("pbs2"), std::string::npos) << create;
  EXPECT_EQ(complete("ferry-manager remote show ''", 3, {{"FERRY_CONFIG_DIR", dir}}), "pbs2\n");

  EXPECT_EQ(ok({"completion", "ids", "sync-job"}), "pbs2-local\n");
  EXPECT_EQ(ok({"completion", "ids", "datastore"}), "local\nother\n");
  const RunResult bad = manager({"completion", "ids", "group"});
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.err.find("unknown id kind 'group'"), std::string::npos) << bad.err;
}

TEST_F(ManagerCliTest, HelpExitsZero) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--help"}, {"remote", "--help"}, {"sync-job", "create", "-h"}}) {
    const RunResult r = manager(args);
    EXPECT_EQ(r.status, 0) << describe(args);
    EXPECT_NE(r.out.find("Usage:"), std::string::npos) << r.out;
  }
}

}  // namespace
}  // namespace ferry::test

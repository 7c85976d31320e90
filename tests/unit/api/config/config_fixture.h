// Shared fixture of the config service-layer tests: a fresh config directory per test, seeding
// helpers, and a byte-exact snapshot of every file in it (to prove failed calls change nothing).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "common/fs.h"
#include "config/config_dir.h"
#include "support/temp_dir.h"
#include "types/authid.h"

namespace ferry::api {

class ConfigServiceTest : public ::testing::Test {
 protected:
  ConfigServiceTest() : dir_(tmp_ / "etc") { EXPECT_TRUE(dir_.create()); }

  // Writes a config file verbatim.
  void write(const std::string& name, const std::string& text) {
    ASSERT_TRUE(fs::atomic_replace(dir_.file(name), text)) << name;
  }
  std::string read(const std::string& name) const {
    auto t = fs::read_text_file(dir_.file(name), 1 << 20);
    return t ? *t : "<missing>";
  }

  // Every config file of the directory with its bytes. Lock files (".x.lck") are left out:
  // they are empty and created on first use by design (config-format.md §1.2).
  std::map<std::string, std::string> snapshot() const {
    std::map<std::string, std::string> out;
    auto entries = fs::list_dir(dir_.path());
    EXPECT_TRUE(entries);
    if (!entries) return out;
    for (const auto& e : *entries) {
      bool is_lock = e.name.size() > 4 && e.name.substr(e.name.size() - 4) == ".lck";
      if (e.is_regular && !is_lock) out[e.name] = read(e.name);
    }
    return out;
  }

  // Two datastores and one remote, as most tests need them.
  void seed() {
    write("datastore.cfg",
          "datastore: local\n\tpath /srv/local\n\ndatastore: src\n\tpath /srv/src\n");
    write("remote.cfg",
          "remote: pbs2\n\tauth-id sync@pam\n\thost pbs2.example\n\tpassword U0VDUkVU\n");
  }

  test::TempDir tmp_;
  config::ConfigDir dir_;
  types::Authid root_ = types::Authid::root();
};

// Asserts that `status` failed with `code` and a message containing `text`.
#define EXPECT_FAILS_WITH(status_expr, want_code, want_text)                              \
  do {                                                                                     \
    auto&& st_ = (status_expr);                                                            \
    ASSERT_FALSE(st_) << "unexpected success";                                             \
    EXPECT_EQ(st_.error().code(), (want_code)) << st_.error().to_string();                 \
    EXPECT_NE(st_.error().to_string().find(want_text), std::string::npos)                  \
        << "message: " << st_.error().to_string() << "\nexpected: " << (want_text);        \
  } while (0)

}  // namespace ferry::api

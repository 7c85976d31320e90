// LocalSyncSource specifics beyond the conformance suite: the error codes of a local datastore.
#include "sync/local_sync_source.h"

#include <gtest/gtest.h>

#include "sync_test_support.h"

namespace ferry::sync::test {
namespace {

class LocalSyncSourceTest : public SyncFixture {};

TEST_F(LocalSyncSourceTest, ReportsMissingAndLockedObjectsPrecisely) {
  make_source({.snapshots = {{.group = "vm/100", .time = t(1)}}});
  LocalSyncSource source(*src_, users_, Authid::root());
  auto listed = source.list_namespaces(ns("nope"), std::nullopt);
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().code(), Errc::NotFound);
  EXPECT_EQ(source.list_groups(ns("nope")).error().code(), Errc::NotFound);
  EXPECT_EQ(source.list_snapshots({}, grp("vm/999")).error().code(), Errc::NotFound);
  auto missing = source.open_reader({}, snap("vm/100", t(9)));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), Errc::NotFound);
  EXPECT_EQ(missing.error().message(), "snapshot vm/100/2024-06-09T00:00:00Z does not exist.");
  auto lock = src_->lock_snapshot({}, snap("vm/100", t(1)), LockMode::Exclusive);
  ASSERT_TRUE(lock);
  auto locked = source.open_reader({}, snap("vm/100", t(1)));
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().code(), Errc::Conflict);
}

TEST_F(LocalSyncSourceTest, RefusesReadersForInvisibleGroups) {
  make_source({.snapshots = {{.group = "vm/100", .time = t(1)}}});
  LocalSyncSource source(*src_, make_user_info("acl:1:/datastore/src:u@pbs:DatastoreBackup\n"),
                         aid("u@pbs"));
  EXPECT_TRUE(source.list_groups({})->empty());
  auto r = source.open_reader({}, snap("vm/100", t(1)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::PermissionDenied);
  auto s = source.list_snapshots({}, grp("vm/100"));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), Errc::PermissionDenied);
}

}  // namespace
}  // namespace ferry::sync::test

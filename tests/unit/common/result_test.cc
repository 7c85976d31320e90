#include "common/result.h"

#include <gtest/gtest.h>

namespace ferry {
namespace {

Result<int> parse_positive(int v) {
  if (v <= 0) return make_error(Errc::InvalidArgument, "value {} is not positive", v);
  return v;
}

Result<int> doubled(int v) {
  FERRY_TRY_ASSIGN(int x, parse_positive(v));
  return 2 * x;
}

Status check_both(int a, int b) {
  FERRY_TRY(parse_positive(a));
  FERRY_TRY(parse_positive(b));
  return ok();
}

TEST(ResultTest, TryAssignPropagatesValueAndError) {
  EXPECT_EQ(*doubled(21), 42);
  auto r = doubled(-1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::InvalidArgument);
  EXPECT_EQ(r.error().message(), "value -1 is not positive");
}

TEST(ResultTest, TryPropagatesFirstFailure) {
  EXPECT_TRUE(check_both(1, 2));
  auto st = check_both(1, 0);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message(), "value 0 is not positive");
}

TEST(ResultTest, ContextFramesRenderOutermostFirst) {
  Result<int> r = make_error(Errc::Io, "No space left on device");
  r = with_context(std::move(r), "rename");
  r = with_context(std::move(r), "insert chunk {} into store '{}' failed", "ab", "main");
  EXPECT_EQ(r.error().to_string(),
            "insert chunk ab into store 'main' failed: rename: No space left on device");
}

TEST(ResultTest, ErrnoMapsToCodes) {
  EXPECT_EQ(errno_error(ENOENT).value().code(), Errc::NotFound);
  EXPECT_EQ(errno_error(EEXIST).value().code(), Errc::AlreadyExists);
  EXPECT_EQ(errno_error(EACCES).value().code(), Errc::PermissionDenied);
  EXPECT_EQ(errno_error(EIO).value().code(), Errc::Io);
}

}  // namespace
}  // namespace ferry

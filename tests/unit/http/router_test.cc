#include "http/router.h"

#include <gtest/gtest.h>

namespace ferry::http {
namespace {

using nlohmann::json;

Route returning(std::string tag) {
  Route r;
  r.handler = [tag](ApiCall&) -> Result<json> { return json(tag); };
  return r;
}

std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> out;
  while (!path.empty()) {
    size_t slash = path.find('/');
    if (slash != 0) out.emplace_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? "" : path.substr(slash + 1);
  }
  return out;
}

// The tag of the matched route, "dir:<subdirs>" for a listing, "none" for no match, plus the
// path parameters.
std::string lookup(const Router& router, Method m, std::string_view path) {
  auto match = router.find(m, split(path));
  if (!match) return "none";
  std::string out;
  if (match->route == nullptr) {
    out = "dir:";
    for (const auto& s : match->subdirs) out += s + ",";
  } else {
    ApiCall call;
    out = match->route->handler(call)->get<std::string>();
  }
  for (const auto& [k, v] : match->path_params) out += " " + k + "=" + v;
  return out;
}

Router sample_router() {
  Router r;
  r.add(Method::Get, "/version", returning("version"));
  r.add(Method::Get, "/nodes/{node}/tasks", returning("tasks"));
  r.add(Method::Get, "/nodes/{node}/tasks/{upid}/status", returning("status"));
  r.add(Method::Get, "/nodes/{node}/tasks/{upid}/log", returning("log"));
  r.add(Method::Delete, "/nodes/{node}/tasks/{upid}", returning("abort"));
  r.add(Method::Get, "/config/remote", returning("list"));
  r.add(Method::Post, "/config/remote", returning("create"));
  r.add(Method::Get, "/config/remote/{name}", returning("read"));
  r.add(Method::Get, "/config/remote/special", returning("special"));
  r.add(Method::Get, "/admin/datastore/{store}/groups", returning("groups"));
  r.add(Method::Get, "/admin/datastore/{store}/snapshots", returning("snapshots"));
  return r;
}

TEST(RouterTest, MatchesTemplatesAndMethods) {
  Router r = sample_router();
  struct Case {
    Method method;
    const char* path;
    const char* want;
  } cases[] = {
      {Method::Get, "/version", "version"},
      {Method::Get, "/nodes/pbs1/tasks", "tasks node=pbs1"},
      {Method::Get, "/nodes/localhost/tasks/UPID:x:y/status",
       "status node=localhost upid=UPID:x:y"},
      {Method::Delete, "/nodes/n/tasks/U", "abort node=n upid=U"},
      {Method::Get, "/config/remote", "list"},
      {Method::Post, "/config/remote", "create"},
      {Method::Get, "/config/remote/r1", "read name=r1"},
      {Method::Get, "/config/remote/special", "special"},                  // literal beats {name}
      {Method::Put, "/config/remote", "none"},                             // method not defined
      {Method::Get, "/nodes/n/tasks/U", "dir:log,status, node=n upid=U"},  // DELETE only
      {Method::Get, "/nope", "none"},
      {Method::Get, "/version/extra", "none"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(lookup(r, c.method, c.path), c.want) << method_name(c.method) << " " << c.path;
  }
}

TEST(RouterTest, DirectoryPathsListSortedLiteralChildren) {
  Router r = sample_router();
  EXPECT_EQ(lookup(r, Method::Get, ""), "dir:admin,config,nodes,version,");
  EXPECT_EQ(lookup(r, Method::Get, "/admin/datastore/store1"),
            "dir:groups,snapshots, store=store1");
  EXPECT_EQ(lookup(r, Method::Get, "/nodes/x"), "dir:tasks, node=x");
  EXPECT_EQ(lookup(r, Method::Post, "/admin"), "none");           // listings are GET only
  EXPECT_EQ(lookup(r, Method::Get, "/admin/datastore"), "none");  // only a {store} child
}

TEST(RouterTest, BadTemplatesAndDuplicatesAreProgrammingErrors) {
  EXPECT_DEATH(Router().add(Method::Get, "version", returning("x")), "start with '/'");
  EXPECT_DEATH(Router().add(Method::Get, "/a//b", returning("x")), "empty");
  EXPECT_DEATH(Router().add(Method::Head, "/a", returning("x")), "GET, PUT, POST");
  EXPECT_DEATH(
      {
        Router r;
        r.add(Method::Get, "/a/{x}", returning("x"));
        r.add(Method::Get, "/a/{y}/b", returning("y"));
      },
      "conflicting");
  EXPECT_DEATH(
      {
        Router r;
        r.add(Method::Get, "/a", returning("x"));
        r.add(Method::Get, "/a", returning("y"));
      },
      "twice");
}

}  // namespace
}  // namespace ferry::http

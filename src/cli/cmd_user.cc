// `ferry-manager user ...`: the users of user.cfg, their API tokens and their effective
// permissions, with proxmox-backup-manager's subcommand, argument and option names:
//
//   user list | create <userid> | update <userid> | remove <userid>
//   user list-tokens <userid> | generate-token <userid> <token-name> |
//        delete-token <userid> <token-name>
//   user permissions <auth-id> [--path P]
//
// Every command runs the matching /access route in-process (LocalApi), so the checks, error
// texts and files written are the API's (api/access/users.cc, tokens.cc, acl.cc).
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/internal/command.h"
#include "cli/internal/local_api.h"
#include "cli/output.h"

namespace ferry::cli::internal {
namespace {

using http::Method;
using nlohmann::json;

// PBS-compat: the column sets of `proxmox-backup-manager user list` and `user list-tokens`.
const std::vector<Column> kUserColumns = {{"userid", ""},   {"enable", ""}, {"expire", ""},
                                          {"firstname", ""}, {"lastname", ""}, {"email", ""},
                                          {"comment", ""}};
const std::vector<Column> kTokenColumns = {
    {"tokenid", ""}, {"enable", ""}, {"expire", ""}, {"comment", ""}};

// PBS-compat: `expire` shows as "never" for 0 or unset, else as local time in the "%c" form.
std::string render_expire(const json& value) {
  if (value.is_null() || (value.is_number_integer() && value.get<int64_t>() == 0)) return "never";
  if (!value.is_number_integer()) return cell_text(value);
  const std::time_t t = value.get<int64_t>();
  std::tm tm{};
  char buf[128];
  if (::localtime_r(&t, &tm) == nullptr || std::strftime(buf, sizeof buf, "%c", &tm) == 0) {
    return std::to_string(value.get<int64_t>());
  }
  return buf;
}

// Text mode shows `enable` unset as 1 (its default) and `expire` rendered.
json for_table(json items) {
  for (auto& item : items) {
    if (!item.is_object()) continue;
    if (!item.contains("enable")) item["enable"] = true;
    item["expire"] = render_expire(item.value("expire", json()));
  }
  return items;
}

std::string format_table(const json& items, const std::vector<Column>& columns,
                         OutputFormat format) {
  return format_list(format == OutputFormat::Text ? for_table(items) : items, columns, format);
}

// The options of the user properties (POST and PUT /access/users).
void add_user_props(ApiOptions& opts) {
  opts.add("comment", "comment");
  opts.add("email", "e-mail address");
  opts.add("enable", "enable the account (default 1)");
  opts.add("expire", "account expiration date (seconds since epoch, 0 = never)");
  opts.add("firstname", "first name");
  opts.add("lastname", "last name");
  opts.add("password", "password (5 to 64 characters; realm pbs only)");
}

void add_token_props(ApiOptions& opts) {
  opts.add("comment", "comment");
  opts.add("enable", "enable the token (default 1)");
  opts.add("expire", "token expiration date (seconds since epoch, 0 = never)");
  opts.add("digest", "only apply if user.cfg still has this SHA-256 digest");
}

struct State {
  explicit State(CLI::App& cmd) : opts(cmd) {}
  ApiOptions opts;
};

// Registers `group <name>` with options `setup` adds; once parsed it runs `run`.
template <typename Setup, typename Run>
void add_command(CLI::App& group, Action& selected, const std::string& name,
                 const std::string& help, Setup setup, Run run) {
  auto* cmd = group.add_subcommand(name, help);
  auto state = std::make_shared<State>(*cmd);
  setup(state->opts);
  on_parsed(cmd, selected, state, [run](const Context& ctx, const State& s) -> Result<std::string> {
    FERRY_TRY_ASSIGN(auto api, LocalApi::open(ctx.config_dir));
    return run(ctx, *api, s.opts);
  });
}

std::vector<std::string> user_path(const ApiOptions& o) {
  return {"access", "users", o.positional("userid")};
}

std::vector<std::string> token_path(const ApiOptions& o) {
  return {"access", "users", o.positional("userid"), "token", o.positional("token-name")};
}

// PBS-compat: `user permissions` text output, paths and privileges sorted, "(*)" marking
// privileges that propagate.
std::string format_permissions(const json& data, OutputFormat format) {
  if (format != OutputFormat::Text) return format_json(data, format);
  std::string out = "Privileges with (*) have the propagate flag set\n\n";
  if (!data.is_object()) return out;
  for (const auto& [path, privs] : data.items()) {  // json objects iterate sorted
    out += "Path: " + path + "\n";
    if (!privs.is_object() || privs.empty()) {
      out += "- NoAccess\n";
      continue;
    }
    for (const auto& [name, propagate] : privs.items()) {
      out += "- " + name + (propagate.is_boolean() && propagate.get<bool>() ? " (*)" : "") + "\n";
    }
  }
  return out;
}

// PBS-compat: a command's non-null result in text mode is "Result: <pretty JSON>".
std::string format_result(const json& data, OutputFormat format) {
  if (format != OutputFormat::Text) return format_json(data, format);
  if (data.is_null()) return {};
  return "Result: " + format_json(data, OutputFormat::JsonPretty);
}

void add_user_commands_list(CLI::App& group, Action& selected) {
  add_command(group, selected, "list", "list users", [](ApiOptions&) {},
              [](const Context& ctx, const LocalApi& api, const ApiOptions&)
                  -> Result<std::string> {
                FERRY_TRY_ASSIGN(auto r, api.call(Method::Get, {"access", "users"}, {}));
                return format_table(r.data, kUserColumns, ctx.format);
              });
  add_command(
      group, selected, "list-tokens", "list the API tokens of a user",
      [](ApiOptions& o) { o.add_positional("userid", "user@realm"); },
      [](const Context& ctx, const LocalApi& api, const ApiOptions& o) -> Result<std::string> {
        auto path = user_path(o);
        path.push_back("token");
        FERRY_TRY_ASSIGN(auto r, api.call(Method::Get, path, {}));
        return format_table(r.data, kTokenColumns, ctx.format);
      });
  add_command(
      group, selected, "permissions", "show the effective privileges of a user or API token",
      [](ApiOptions& o) {
        o.add_positional("auth-id", "user@realm or user@realm!token");
        o.add("path", "only this ACL path");
      },
      [](const Context& ctx, const LocalApi& api, const ApiOptions& o) -> Result<std::string> {
        ApiParams params = o.params();
        params.emplace_back("auth-id", o.positional("auth-id"));
        FERRY_TRY_ASSIGN(auto r, api.call(Method::Get, {"access", "permissions"}, params));
        return format_permissions(r.data, ctx.format);
      });
}

void add_user_commands_edit(CLI::App& group, Action& selected) {
  add_command(
      group, selected, "create", "create a user",
      [](ApiOptions& o) {
        o.add_positional("userid", "user@realm (realm pbs or pam)");
        add_user_props(o);
      },
      [](const Context& ctx, const LocalApi& api, const ApiOptions& o) -> Result<std::string> {
        ApiParams params = o.params();
        params.emplace_back("userid", o.positional("userid"));
        FERRY_TRY(api.call(Method::Post, {"access", "users"}, params));
        return format_nothing(ctx.format);
      });
  add_command(
      group, selected, "update", "change properties of a user",
      [](ApiOptions& o) {
        o.add_positional("userid", "user@realm");
        add_user_props(o);
        o.add_list("delete", "unset a property (repeatable): comment, firstname, lastname, email");
        o.add("digest", "only apply if user.cfg still has this SHA-256 digest");
      },
      [](const Context& ctx, const LocalApi& api, const ApiOptions& o) -> Result<std::string> {
        FERRY_TRY(api.call(Method::Put, user_path(o), o.params()));
        return format_nothing(ctx.format);
      });
  add_command(
      group, selected, "remove", "remove a user with its tokens and ACL entries",
      [](ApiOptions& o) {
        o.add_positional("userid", "user@realm");
        o.add("digest", "only apply if user.cfg still has this SHA-256 digest");
      },
      [](const Context& ctx, const LocalApi& api, const ApiOptions& o) -> Result<std::string> {
        FERRY_TRY(api.call(Method::Delete, user_path(o), o.params()));
        return format_nothing(ctx.format);
      });
}

void add_token_commands(CLI::App& group, Action& selected) {
  add_command(
      group, selected, "generate-token",
      "create an API token; its secret is printed once and never again",
      [](ApiOptions& o) {
        o.add_positional("userid", "user@realm");
        o.add_positional("token-name", "token name (2 to 64 characters)");
        add_token_props(o);
      },
      [](const Context& ctx, const LocalApi& api, const ApiOptions& o) -> Result<std::string> {
        FERRY_TRY_ASSIGN(auto r, api.call(Method::Post, token_path(o), o.params()));
        return format_result(r.data, ctx.format);
      });
  add_command(
      group, selected, "delete-token", "delete an API token, its secret and its ACL entries",
      [](ApiOptions& o) {
        o.add_positional("userid", "user@realm");
        o.add_positional("token-name", "token name");
        o.add("digest", "only apply if user.cfg still has this SHA-256 digest");
      },
      [](const Context& ctx, const LocalApi& api, const ApiOptions& o) -> Result<std::string> {
        FERRY_TRY(api.call(Method::Delete, token_path(o), o.params()));
        return format_nothing(ctx.format);
      });
}

}  // namespace

void add_user_commands(CLI::App& app, Action& selected) {
  auto* group = app.add_subcommand("user", "manage users and API tokens (user.cfg)");
  group->require_subcommand(1);
  add_user_commands_list(*group, selected);
  add_user_commands_edit(*group, selected);
  add_token_commands(*group, selected);
}

}  // namespace ferry::cli::internal

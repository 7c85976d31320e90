// `ferry-client list` (backup groups) and `ferry-client status` (datastore usage), REST calls
// on /admin/datastore/{store} (api.md §5.9.2, §5.9.8).
#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/client/command.h"
#include "cli/client/listing.h"
#include "cli/client/progress.h"
#include "common/time.h"

namespace ferry::cli::client {
namespace {

using nlohmann::json;

struct NoState {};

Result<std::string> run_list(const Session& session, const NoState&) {
  FERRY_TRY_ASSIGN(auto http, session.connect());
  FERRY_TRY_ASSIGN(json groups, http->get(session.datastore_path() + "/groups",
                                          namespace_params(session)));
  if (!groups.is_array()) {
    return make_error(Errc::Corruption, "list groups: expected an array, got {}",
                      groups.type_name());
  }
  if (session.format != OutputFormat::Text) return format_json(groups, session.format);
  return format_list(group_rows(groups), kGroupColumns, OutputFormat::Text);
}

Result<std::string> run_status(const Session& session, const NoState&) {
  FERRY_TRY_ASSIGN(auto http, session.connect());
  FERRY_TRY_ASSIGN(json status, http->get(session.datastore_path() + "/status"));
  if (!status.is_object()) {
    return make_error(Errc::Corruption, "datastore status: expected an object, got {}",
                      status.type_name());
  }
  if (session.format != OutputFormat::Text) return format_json(status, session.format);
  return format_object(status_row(status), {"total", "used", "avail"}, OutputFormat::Text);
}

}  // namespace

void add_list_commands(CLI::App& app, Action& selected) {
  auto state = std::make_shared<NoState>();
  auto* list = app.add_subcommand("list", "list the backup groups of the datastore");
  on_parsed(list, selected, state, run_list);
  auto* status = app.add_subcommand("status", "show the datastore's usage");
  on_parsed(status, selected, state, run_status);
}

}  // namespace ferry::cli::client
